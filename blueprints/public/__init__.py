from flask import Blueprint

bp = Blueprint("public", __name__)

from blueprints.public import (  # noqa: E402,F401
    aftercase,
    appointments,
    contact,
    library,
    party_area,
    receipt,
    reception,
    respond,
    sessions,
    views,
)
