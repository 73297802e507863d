"""A case's risk on the shared case page: its level and flags, changed with a reason, and the
report to the police station or the township government that a dispute likely to lead to a
public-order or criminal case owes (PML Art. 25). Forms, the panel and its POST actions; the
rules are in domain/risk.py.

On the `cases` blueprint because whoever works the case watches its risk at every stage: the
desk before dispatch, the committee mediating it, leaders of the area (Work.RISK).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm, enum_choices
from blueprints.panels import Panel, fresh, panel
from domain import risk
from domain.clocks import CHINA
from domain.document_access import can_open_documents
from domain.permissions import Work, may
from models import Case, User
from models.enums import ReferralKind, RiskLevel
from models.risk import ReportMethod, ReportRecipient, RiskFlag

RISK = "risk"  # the panel's name; its region is #panel-risk

# ---- forms ------------------------------------------------------------------------------------


def _now_local() -> datetime:
    return datetime.now(UTC).astimezone(CHINA).replace(second=0, microsecond=0, tzinfo=None)


class RiskForm(CaseActionForm):
    level = RadioField(
        _l("Risk level"),
        choices=lambda: enum_choices(RiskLevel),
        validators=[InputRequired(_l("Choose a risk level."))],
    )
    flags = SelectMultipleField(_l("Risk flags"), choices=lambda: enum_choices(RiskFlag))
    reason = TextAreaField(
        _l("Why the risk changed"),
        validators=[
            InputRequired(_l("Say why the risk changed.")),
            Length(max=risk.REASON_MAX, message=_l("Keep the reason under %(max)d characters.")),
        ],
        render_kw={"rows": 2},
    )

    def values(self) -> dict:
        return {
            "level": RiskLevel(self.level.data),
            "flags": [RiskFlag(v) for v in self.flags.data or []],
            "reason": self.reason.data,
        }


class ReportForm(CaseActionForm):
    recipient_kind = RadioField(
        _l("Reported to"),
        choices=lambda: enum_choices(ReportRecipient),
        default=ReportRecipient.POLICE.value,
        validators=[InputRequired(_l("Choose whom it was reported to."))],
    )
    recipient_name = StringField(
        _l("Police station or government office"),
        validators=[
            InputRequired(_l("Name the police station or the government office.")),
            Length(max=risk.NAME_MAX),
        ],
    )
    received_by = StringField(
        _l("Who received it (optional)"), validators=[Optional(), Length(max=risk.RECEIVER_MAX)]
    )
    reported_at = DateTimeLocalField(
        _l("Reported at"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        default=_now_local,
        validators=[InputRequired(_l("Enter the date and time of the report."))],
    )
    method = RadioField(
        _l("How it was reported"),
        choices=lambda: enum_choices(ReportMethod),
        default=ReportMethod.PHONE.value,
        validators=[InputRequired(_l("Choose how it was reported."))],
    )
    content = TextAreaField(
        _l("What was reported"),
        validators=[
            InputRequired(_l("Write what was reported.")),
            Length(max=risk.TEXT_MAX),
        ],
        render_kw={"rows": 4},
    )
    measures = TextAreaField(
        _l("Preventive measures taken (optional)"),
        validators=[Optional(), Length(max=risk.TEXT_MAX)],
        render_kw={"rows": 3},
    )

    def report(self) -> risk.ReportData:
        return risk.ReportData(
            recipient_kind=ReportRecipient(self.recipient_kind.data),
            recipient_name=self.recipient_name.data,
            received_by=self.received_by.data,
            # Typed in Beijing time.
            reported_at=self.reported_at.data.replace(tzinfo=CHINA).astimezone(UTC),
            method=ReportMethod(self.method.data),
            content=self.content.data,
            measures=self.measures.data,
        )


# ---- the panel --------------------------------------------------------------------------------


def _report_form(case: Case):
    def build(failed):
        form = fresh(ReportForm, case, "report")(failed)
        if failed is None:  # the police station that referred the case, if one did
            police = next((r for r in case.referrals if r.kind == ReferralKind.POLICE), None)
            if police is not None:
                form.recipient_name.data = police.body_name
        return form

    return build


@panel(RISK)
def risk_panel(case: Case, user: User) -> Panel | None:
    """The risk level and flags, the reports made, and (for whoever works the case) the forms
    to change the risk ("risk") and to record a report ("report", when the case is flagged as
    likely to lead to a public-order or criminal case). Shown to readers when there is a risk
    to show."""
    flags = risk.flags_of(case)
    reports = list(case.police_reports)
    forms = {}
    if risk.may_set_risk(user, case):
        forms["risk"] = fresh(
            RiskForm,
            case,
            "risk",
            level=case.risk_level.value,
            flags=[f.value for f in flags],
        )
    if risk.may_report(user, case):
        forms["report"] = _report_form(case)
    if not forms and not flags and not reports and case.risk_level == RiskLevel.NONE:
        return None
    return Panel(
        RISK,
        "cases/partials/risk_panel.html",
        {
            "flags": flags,
            "reports": reports,
            "reportable": risk.reportable(flags),
            "may_print": can_open_documents(user, case),
        },
        forms=forms,
    )


# ---- actions ----------------------------------------------------------------------------------


def _working(number: str) -> tuple[Case, User]:
    """The case (404 outside the user's scope), if the user works it now (403)."""
    case, user = load_case(number), current_user._get_current_object()
    if not may(user, Work.RISK, case):
        abort(403)
    return case, user


@bp.route("/<number>/risk", methods=["POST"])
def set_risk(number: str):
    """Change the case's risk level and flags, with the reason (whoever works the case)."""
    case, user = _working(number)
    form = RiskForm(prefix="risk")
    return panel_action(
        case,
        RISK,
        form,
        _("Risk updated."),
        lambda: risk.set_risk(case, user, version=form.version.data, **form.values()),
    )


@bp.route("/<number>/risk/report", methods=["POST"])
def report_to_police(number: str):
    """Record a report of the dispute to the police station or the township government
    (whoever works a case flagged as likely to lead to a public-order or criminal case)."""
    case, user = _working(number)
    form = ReportForm(prefix="report")
    return panel_action(
        case,
        RISK,
        form,
        _("Report recorded. Print it from the list of reports or the case file documents."),
        lambda: risk.report_to_police(case, user, version=form.version.data, data=form.report()),
    )
