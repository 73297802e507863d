from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("library", __name__)
protect(bp, "workbench")

from blueprints.library import views  # noqa: E402,F401
