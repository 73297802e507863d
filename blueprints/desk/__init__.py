from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("desk", __name__)
protect(bp, "desk")

from blueprints.desk import views  # noqa: E402,F401,I001
from blueprints.desk import panels, reset  # noqa: E402,F401
from blueprints.desk import transfers  # noqa: E402,F401
from blueprints.desk import overview  # noqa: E402,F401
