from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("search", __name__)
# Every staff role: whoever may open a case page may find the cases of their own area (the
# same scoping rule decides both).
protect(bp, "cases")

from blueprints.search import views  # noqa: E402,F401
