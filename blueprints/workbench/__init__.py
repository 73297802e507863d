from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("workbench", __name__)
protect(bp, "workbench")

from blueprints.workbench import panels, views  # noqa: E402,F401
