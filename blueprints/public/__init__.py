from flask import Blueprint

bp = Blueprint("public", __name__)

from blueprints.public import aftercase, library, receipt, reception, respond, views  # noqa: E402,F401
