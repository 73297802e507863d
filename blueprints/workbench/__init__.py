from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("workbench", __name__)
protect(bp, "workbench")

# One module per area of case work; each registers its routes and case-page panels.
from blueprints.workbench import (  # noqa: E402,F401
    closing,
    outcomes,
    people,
    records,
    views,
)
