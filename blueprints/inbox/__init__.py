"""The staff inbox (/inbox) and the outbox of citizens' messages (/inbox/outbox)."""

from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("inbox", __name__)
protect(bp, "cases")  # every staff role has an inbox

from blueprints.inbox import views  # noqa: E402,F401
