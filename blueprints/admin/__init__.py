from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("admin", __name__)
protect(bp, "admin")

from blueprints.admin import holidays, home, routing, time_limits, views  # noqa: E402,F401
