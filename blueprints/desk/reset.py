"""Resetting a citizen's lost query code at the desk (a panel on the case page)."""

from __future__ import annotations

from flask import abort, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.desk import REGISTERED_KEY, bp
from blueprints.forms import TrimmedForm
from blueprints.panels import Panel, panel
from domain.intake import reset_query_code
from domain.permissions import Work, may
from models import Case, User

PANEL = "reset_code"


class ResetCodeForm(TrimmedForm):
    reason = StringField(
        _l("How was the person's identity checked?"),
        validators=[
            InputRequired(_l("Say how the person's identity was checked.")),
            Length(max=200),
        ],
    )


@panel(PANEL)
def reset_code_panel(case: Case, user: User) -> Panel | None:
    """Issue a new query code when the applicant lost theirs (the desk of the case's area)."""
    if not may(user, Work.RESET_CODE, case):
        return None
    return Panel(
        PANEL,
        "desk/partials/reset_code_panel.html",
        forms={"reset": lambda failed: failed or ResetCodeForm(formdata=None, prefix="reset")},
    )


@bp.route("/case/<number>/reset-code", methods=["POST"])
def reset_code(number: str):
    """Issue a new query code for an applicant who lost theirs (the desk)."""
    case = load_case(number)
    if not may(current_user, Work.RESET_CODE, case):
        abort(403)
    form = ResetCodeForm(prefix="reset")
    issued: dict[str, str] = {}

    def done() -> str:
        # Shown once on the confirmation page, like a new registration's code.
        session[REGISTERED_KEY] = {"number": case.number, "code": issued["code"], "reset": True}
        return _("A new query code was issued.")

    return panel_action(
        case,
        PANEL,
        form,
        done,
        lambda: issued.update(code=reset_query_code(case, current_user, reason=form.reason.data)),
        then=url_for("desk.registered"),
    )
