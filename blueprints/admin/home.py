"""The administrator's home: what needs the administrator's attention (holidays not yet entered
for years that open cases' deadlines count into) and the way to each admin page. Admin only
(the admin blueprint is guarded)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from blueprints.admin import bp
from domain import holidays
from domain.calendar import local_today


@bp.route("/", endpoint="home")
def home():
    """The page administrators land on (admin)."""
    return render_template(
        "admin/home.html",
        missing=holidays.missing_years(current_user),
        to_enter=holidays.year_to_enter(local_today()),
    )
