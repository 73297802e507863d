"""The centre's appointments (预约调解), staff side: publish visiting slots, the day's
appointments at the desk (arrived, did not come, registered as a case or attached to one).
The citizen's side is blueprints/public/appointments.py; the rules domain/appointments.py."""

from flask import Blueprint

from blueprints.guards import protect

bp = Blueprint("appointments", __name__)
protect(bp, "appointments")

from blueprints.appointments import views  # noqa: E402,F401
