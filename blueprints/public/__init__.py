from flask import Blueprint

bp = Blueprint("public", __name__)

from blueprints.public import (  # noqa: E402,F401
    contact,  # noqa: E402,F401
    library,
    receipt,
    reception,
    respond,
    sessions,  # noqa: E402,F401
    views,
)
