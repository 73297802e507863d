"""The parties' own answers after mediation (resolved? satisfied?) and their reports to the
mediator (non-performance, a contested closing) on the staff case page, next to the
follow-up visits: a banner while a report waits, and the form to mark it handled with a note.
Rules in domain/satisfaction.py."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import TrimmedForm
from blueprints.panels import Panel, panel
from domain import satisfaction as sat
from models import Case, User

PANEL = "party_reports"


class HandleForm(TrimmedForm):
    version = IntegerField(
        _l("Report version"),
        widget=HiddenInput(),
        validators=[InputRequired(_l("The form is incomplete. Reload the page and try again."))],
    )
    note = TextAreaField(
        _l("How it was handled"),
        validators=[
            InputRequired(_l("Say how the report was handled.")),
            Length(max=sat.NOTE_MAX),
        ],
        render_kw={"rows": 3},
    )


def _handle_factory(report):
    def build(failed):
        return failed or HandleForm(
            formdata=None, prefix=f"handle{report.id}", version=report.version
        )

    return build


@panel(PANEL)
def party_reports_panel(case: Case, user: User) -> Panel | None:
    """The parties' answers and reports, once mediation ended and a party said something."""
    if not sat.asks_feedback(case):
        return None
    answers = sat.feedback_of_case(case)
    reports = sat.reports_of_case(case)
    if not answers and not reports:
        return None
    forms = {}
    if sat.may_handle(user, case):
        for r in reports:
            if r.handled_at is None:
                forms[f"handle{r.id}"] = _handle_factory(r)
    return Panel(
        PANEL,
        "cases/partials/party_reports_panel.html",
        {"answers": answers, "reports": reports},
        forms=forms,
    )


@bp.app_template_global("open_party_reports")
def open_party_reports(case: Case) -> list:
    """The reports waiting on this case (the case page's banner)."""
    return sat.reports_of_case(case, open_only=True)


@bp.route("/<number>/party-report/<int:report_id>/handle", methods=["POST"])
def handle_party_report(number: str, report_id: int):
    """Mark a party's report handled, with a note (whoever works the aftercare)."""
    case, user = load_case(number), current_user._get_current_object()
    report = next((r for r in sat.reports_of_case(case) if r.id == report_id), None)
    if report is None:
        abort(404)
    if not sat.may_handle(user, case):
        abort(403)
    form = HandleForm(prefix=f"handle{report.id}")
    return panel_action(
        case,
        PANEL,
        form,
        _("Report marked as handled."),
        lambda: sat.handle_report(report, user, form.note.data, version=form.version.data),
    )


@bp.app_template_global("waiting_party_reports")
def waiting_party_reports() -> list:
    """The reports waiting in the current user's scope (the workbench's "Party reports")."""
    return sat.open_reports(current_user._get_current_object())
