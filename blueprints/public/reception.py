"""The leaders' reception days (领导接访日) on the citizen's face: who receives visitors, when
and where, at every centre (no account needed)."""

from __future__ import annotations

from flask import render_template

from blueprints.public import bp
from domain.leadership import upcoming_slots


@bp.route("/reception")
def reception_days():
    """The published receptions from today on, soonest first."""
    return render_template("public/reception.html", slots=upcoming_slots())
