from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("admin", __name__)
protect(bp, "admin")

from blueprints.admin import (  # noqa: E402,F401
    holidays,
    home,
    ledger,
    organisations,
    regions,
    routing,
    subsidy_rates,
    time_limits,
    views,
)
