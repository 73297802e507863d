"""Resetting a citizen's lost query code at the desk (a panel on the case page)."""

from __future__ import annotations

from flask import abort, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from blueprints.actions import run_action
from blueprints.cases.panels import Panel, panel
from blueprints.cases.views import load_case, whole_page
from blueprints.desk import bp
from blueprints.forms import TrimmedForm
from blueprints.htmx import redirect_303
from domain.intake import reset_query_code
from models.enums import Role

PANEL = "reset_code"


class ResetCodeForm(TrimmedForm):
    reason = StringField(
        _l("How was the person's identity checked?"),
        validators=[
            InputRequired(_l("Say how the person's identity was checked.")),
            Length(max=200),
        ],
    )


@panel(90)
def reset_code_panel(case, user, overrides):
    if user.role not in {Role.CLERK, Role.LEADER}:
        return None
    form = overrides.get(PANEL) or ResetCodeForm(formdata=None, prefix="reset")
    return Panel(PANEL, "desk/partials/reset_code_panel.html", {"form": form})


@bp.route("/case/<number>/reset-code", methods=["POST"])
def reset_code(number: str):
    """Issue a new query code for an applicant who lost theirs (clerk, leader)."""
    from blueprints.desk.views import REGISTERED_KEY

    case = load_case(number)
    if current_user.role not in {Role.CLERK, Role.LEADER}:
        abort(403)
    form = ResetCodeForm(prefix="reset")
    if form.validate_on_submit():
        issued = {}
        error = run_action(
            lambda: issued.update(
                code=reset_query_code(case, current_user, reason=form.reason.data)
            )
        )
        if error is None:
            session[REGISTERED_KEY] = {"number": case.number, "code": issued["code"], "reset": True}
            return redirect_303(url_for("desk.registered"))
        form.reason.errors = [*form.reason.errors, error.message]
    return whole_page(case, overrides={PANEL: form})
