from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("desk", __name__)
protect(bp, "desk")

# One-time session key: the query code of the case just registered (or reset), shown once
# after the redirect; and the number of the last case registered in this session.
REGISTERED_KEY = "desk_registered"
LAST_NUMBER_KEY = "desk_last_registered"

from blueprints.desk import views  # noqa: E402,F401,I001
from blueprints.desk import reset, screening  # noqa: E402,F401
from blueprints.desk import transfers  # noqa: E402,F401
from blueprints.desk import overview  # noqa: E402,F401
