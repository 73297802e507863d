from flask import Blueprint

bp = Blueprint("public", __name__)

from blueprints.public import aftercase, appointments, library, receipt, reception, respond, views  # noqa: E402,F401
