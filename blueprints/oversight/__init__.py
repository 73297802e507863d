from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("oversight", __name__)
protect(bp, "oversight")

from blueprints.oversight import dashboard, ledger, mediators, views  # noqa: E402,F401
