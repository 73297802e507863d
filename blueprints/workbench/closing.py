"""How mediation goes on, pauses or ends, on the shared case page:

- the closing panel: a failed attempt (the second escalates to joint mediation one level up; a
  failed joint mediation ends the case), ending mediation for a stated reason (a party
  withdrew or cannot be reached, the time limit expired, a party refused to sign, the case
  went to another body: PML Art. 26 and MOJ-2002), suspension and resumption (the clock
  stops), and an extension both parties agreed to;
- the notice panel: what the parties were told when mediation ended without agreement (the
  other channels, PML Art. 26);
- the archive panel: what is still missing from the file, and archiving (PML Art. 27).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp as cases_bp
from blueprints.forms import CaseActionForm
from blueprints.panels import Panel, fresh, panel
from blueprints.workbench import bp
from domain import closing, document_access
from domain.document_access import Access
from domain.permissions import Work, can_record, may
from models import Case, User
from models.enums import TERMINATION_REASONS, ClosureReason
from models.states import CaseState

CLOSING = "closing"
NOTICE = "closing_notice"
ARCHIVE = "archive"

# Where the panels apply.
OPEN_STATES = (CaseState.MEDIATING, CaseState.SUSPENDED, CaseState.JOINT_MEDIATION)
NO_AGREEMENT = (CaseState.FAILED, CaseState.TERMINATED, CaseState.REFUSED)
ARCHIVABLE = (
    CaseState.AGREED,
    CaseState.FAILED,
    CaseState.REFUSED,
    CaseState.TERMINATED,
    CaseState.NOT_ACCEPTED,
)


# ---- forms ----------------------------------------------------------------------------------


class FailureForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why this attempt failed"),
        validators=[InputRequired(_l("Say why mediation failed.")), Length(max=5000)],
        render_kw={"rows": 3},
    )
    departments = TextAreaField(
        _l("Departments taking part in the joint mediation"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )

    def department_list(self) -> list[str]:
        return [line.strip() for line in (self.departments.data or "").splitlines() if line.strip()]


class TerminateForm(CaseActionForm):
    reason = SelectField(
        _l("Why mediation ends"),
        choices=[SelectChoice("", _l("Choose a reason"))]
        + [SelectChoice(r.value, r.label) for r in TERMINATION_REASONS],
        validators=[InputRequired(_l("Choose why mediation ends."))],
    )
    note = TextAreaField(
        _l("What happened"),
        validators=[InputRequired(_l("Explain briefly what happened.")), Length(max=5000)],
        render_kw={"rows": 3},
    )


class SuspendForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why mediation is suspended"),
        validators=[InputRequired(_l("Say why mediation is suspended.")), Length(max=2000)],
        render_kw={"rows": 2},
    )


class ResumeForm(CaseActionForm):
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class ExtendForm(CaseActionForm):
    days = IntegerField(
        _l("Extend by (days)"),
        validators=[
            InputRequired(_l("Enter the number of days.")),
            NumberRange(
                min=1, max=closing.MAX_EXTENSION_DAYS, message=_l("Extend by 1 to %(max)s days.")
            ),
        ],
    )
    reason = TextAreaField(
        _l("Why more time is needed"),
        validators=[InputRequired(_l("Say why more time is needed.")), Length(max=2000)],
        render_kw={"rows": 2},
    )
    both_parties_agree = BooleanField(_l("Both parties agree to the extension"))


FORMS: dict[str, type[CaseActionForm]] = {
    "fail": FailureForm,
    "terminate": TerminateForm,
    "suspend": SuspendForm,
    "resume": ResumeForm,
    "extend": ExtendForm,
}


# ---- panels ---------------------------------------------------------------------------------


def _may_end(user: User, case: Case) -> bool:
    """Record a failure or end mediation: the handling committee, or the joint organiser's
    director and mediators while it organises the joint mediation."""
    return may(user, Work.MEDIATE, case)


@panel(CLOSING)
def closing_panel(case: Case, user: User) -> Panel | None:
    """Failure, ending, suspension and extension while mediation is open."""
    if case.state not in OPEN_STATES or not _may_end(user, case):
        return None
    records = can_record(user, case)
    suspended = case.state == CaseState.SUSPENDED
    offered = {
        "fail": not suspended,
        "terminate": True,
        "suspend": records and case.state == CaseState.MEDIATING,
        "resume": records and suspended,
        "extend": records and not suspended,
    }
    escalates = (
        case.state == CaseState.MEDIATING
        and (case.failure_count or 0) + 1 >= closing.FAILURES_BEFORE_JOINT
    )
    return Panel(
        CLOSING,
        "workbench/partials/closing_panel.html",
        {
            "failures": case.failure_count or 0,
            "escalates": escalates,
            "organiser": closing.joint_organiser(case) if escalates else None,
            "max_days": closing.MAX_EXTENSION_DAYS,
        },
        forms={key: fresh(cls, case, key) for key, cls in FORMS.items() if offered[key]},
    )


@panel(NOTICE)
def notice_panel(case: Case, user: User) -> Panel | None:  # noqa: ARG001
    """What the parties were told when mediation ended without agreement (PML Art. 26)."""
    ended = case.state in NO_AGREEMENT or (
        case.state == CaseState.ARCHIVED
        and case.agreement is None
        and case.closure_reason not in (None, ClosureReason.NOT_ACCEPTED)
    )
    if not ended:
        return None
    return Panel(
        NOTICE,
        "workbench/partials/closing_notice_panel.html",
        {
            "joint_failed": case.closure_reason == ClosureReason.FAILED
            and case.joint_org is not None,
        },
    )


@panel(ARCHIVE)
def archive_panel(case: Case, user: User) -> Panel | None:
    """The file's checklist once the lifecycle is complete, for anyone who sees the case (the
    desk follows the report back it owes); the Archive button for whoever holds the case."""
    if case.state == CaseState.ARCHIVED:
        bundle = next((d for d in reversed(case.documents) if d.subject_id == -1), None)
        access = document_access.access_to(user, case, bundle) if bundle else Access.NONE
        return Panel(
            ARCHIVE,
            "workbench/partials/archive_panel.html",
            {"gaps": [], "bundle": bundle, "bundle_access": access.value},
        )
    if case.state not in ARCHIVABLE:
        return None
    forms = {}
    if closing.can_archive(user, case):
        forms["archive"] = fresh(CaseActionForm, case, "archive")
    return Panel(
        ARCHIVE,
        "workbench/partials/archive_panel.html",
        {"gaps": closing.archive_gaps(case)},
        forms=forms,
    )


# ---- actions --------------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


def _load(number: str, allowed: Callable[[User, Case], bool]) -> tuple[Case, User]:
    case, user = load_case(number), _me()
    if not allowed(user, case):
        abort(403)
    return case, user


@bp.route("/case/<number>/failure", methods=["POST"])
def record_failure(number: str):
    """Record a failed attempt; the second escalates to joint mediation, a failed joint
    mediation ends the case (the case's mediator, the director, the joint organiser's staff)."""
    case, user = _load(number, _may_end)
    form = FailureForm(prefix="fail")
    final = case.state == CaseState.JOINT_MEDIATION
    return panel_action(
        case,
        CLOSING,
        form,
        _("Mediation recorded as failed. The case is closed.")
        if final
        else _("Failed attempt recorded."),
        lambda: closing.record_failure(
            case,
            user,
            version=form.version.data,
            reason=form.reason.data,
            departments=form.department_list(),
        ),
    )


@bp.route("/case/<number>/terminate", methods=["POST"])
def terminate(number: str):
    """End mediation for a stated reason (the case's mediator, the director, the joint
    organiser's staff)."""
    case, user = _load(number, _may_end)
    form = TerminateForm(prefix="terminate")
    return panel_action(
        case,
        CLOSING,
        form,
        _("Mediation ended. The case is closed."),
        lambda: closing.terminate(
            case,
            user,
            version=form.version.data,
            reason=ClosureReason(form.reason.data),
            note=form.note.data,
        ),
    )


@bp.route("/case/<number>/suspend", methods=["POST"])
def suspend(number: str):
    """Suspend mediation; the clock stops (the case's mediator, the committee director)."""
    case, user = _load(number, can_record)
    form = SuspendForm(prefix="suspend")
    return panel_action(
        case,
        CLOSING,
        form,
        _("Mediation suspended. The clock is stopped."),
        lambda: closing.suspend(case, user, version=form.version.data, reason=form.reason.data),
    )


@bp.route("/case/<number>/resume", methods=["POST"])
def resume(number: str):
    """Resume suspended mediation; the deadline moves (the case's mediator, the director)."""
    case, user = _load(number, can_record)
    form = ResumeForm(prefix="resume")
    return panel_action(
        case,
        CLOSING,
        form,
        _("Mediation resumed. The deadline moved by the days suspended."),
        lambda: closing.resume(case, user, version=form.version.data, note=form.note.data),
    )


@bp.route("/case/<number>/extend", methods=["POST"])
def extend(number: str):
    """Extend the time limit with both parties' consent (the case's mediator, the director)."""
    case, user = _load(number, can_record)
    form = ExtendForm(prefix="extend")
    return panel_action(
        case,
        CLOSING,
        form,
        _("Time limit extended."),
        lambda: closing.extend(
            case,
            user,
            version=form.version.data,
            days=form.days.data,
            reason=form.reason.data,
            both_parties_agree=form.both_parties_agree.data,
        ),
    )


# Archiving is open to the desk too (a case it never dispatched), so the route belongs to the
# shared case pages rather than to the mediators' workbench.
@cases_bp.route("/<number>/archive", methods=["POST"])
def archive(number: str):
    """Archive a finished case once nothing is missing (whoever holds it: the case's mediator
    or the committee's director; the desk for a case it never dispatched)."""
    case, user = _load(number, closing.can_archive)
    form = CaseActionForm(prefix="archive")
    return panel_action(
        case,
        ARCHIVE,
        form,
        _("Case archived."),
        lambda: closing.archive_case(case, user, version=form.version.data),
    )
