from flask import Blueprint

bp = Blueprint("public", __name__)

from blueprints.public import (  # noqa: E402,F401
    library,
    party_area,
    receipt,
    reception,
    respond,
    views,
)
