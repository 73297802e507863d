from flask import Blueprint

bp = Blueprint("public", __name__)

from blueprints.public import library, receipt, reception, views  # noqa: E402,F401
