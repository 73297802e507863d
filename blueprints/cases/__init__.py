from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("cases", __name__)
protect(bp, "cases")

from blueprints.cases import consent, documents, views  # noqa: E402,F401
