"""Transfers to acknowledge at the desk: cases other organisations sent to an organisation
inside the clerk's region, oldest first (clerks; a leader, who does not acknowledge, finds the
list empty)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from blueprints.desk import bp
from domain.transfers import incoming_transfers


@bp.route("/transfers")
def transfers():
    """Transfers waiting for acknowledgement by an organisation of the user's region (clerk)."""
    return render_template("desk/transfers.html", transfers=incoming_transfers(current_user))
