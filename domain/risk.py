"""A case's risk and the report to the police (PML Art. 25).

"人民调解员在调解纠纷过程中，发现纠纷有可能激化的，应当采取有针对性的预防措施；对有可能引起治安
案件、刑事案件的纠纷，应当及时向当地公安机关或者其他有关部门报告。" Whoever works the case
(domain.permissions: Work.RISK) grades its risk (red, orange, yellow, blue: Case.risk_level)
and flags what it may turn into (models.risk.RiskFlag) at any stage until the file is archived,
each change with its reason as an internal event on the timeline (old → new). A case flagged as
likely to become a criminal or public-order case (REPORTABLE_FLAGS) owes a report to the local
police station or the township government: recorded here with its recipient, time, manner and
content, printed as a document of the case file (DocumentKind.POLICE_REPORT), and owed again
only if the flag is removed and raised anew. Until it is made the case carries a warning
(Case.police_report_owed) on its page and in every list, and cannot be archived.

The routing rules read the level (domain.routing): set before dispatch, it changes the
suggestion the desk sees and the one the dispatch is checked against.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from domain.calendar import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, may
from domain.states import Action, allowed
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, CaseRiskFlag, PoliceReport, User
from models.enums import RiskLevel
from models.risk import REPORTABLE_FLAGS, ReportMethod, ReportRecipient, RiskFlag
from models.types import utcnow

REASON_MAX = 500
TEXT_MAX = 5000
NAME_MAX = 128
RECEIVER_MAX = 64
# A report is recorded after it was made; a little slack for clocks that differ.
CLOCK_SLACK = timedelta(minutes=10)

# The fields of a change of risk as the timeline shows them (blueprints.template_helpers).
FIELD_LABELS = {
    "risk_level": _l("Risk level"),
    "risk_flags": _l("Risk flags"),
}


@dataclass
class ReportData:
    """A report to the police station or the grassroots government, as made."""

    recipient_kind: ReportRecipient
    recipient_name: str
    reported_at: datetime  # aware
    method: ReportMethod
    content: str
    received_by: str | None = None
    measures: str | None = None


# ---- reading ------------------------------------------------------------------------------


def flags_of(case: Case) -> list[RiskFlag]:
    """The case's flags, in the vocabulary's order."""
    have = {row.flag for row in case.risk_flag_rows}
    return [f for f in RiskFlag if f in have]


def reportable(flags: Iterable[RiskFlag]) -> bool:
    """Whether these flags oblige a report to the police (PML Art. 25)."""
    return any(f in REPORTABLE_FLAGS for f in flags)


def may_set_risk(user: User, case: Case) -> bool:
    """Whether `user` may change the case's risk now (the case page shows the form)."""
    return allowed(case.state, Action.SET_RISK) and may(user, Work.RISK, case)


def may_report(user: User, case: Case) -> bool:
    """Whether `user` may record a report now: the case is flagged as likely to become a
    criminal or public-order case, and the user works it."""
    return (
        allowed(case.state, Action.REPORT_TO_POLICE)
        and may(user, Work.RISK, case)
        and reportable(flags_of(case))
    )


def archive_gaps(case: Case) -> list:
    """What the risk rules still require before the file is closed."""
    if case.police_report_owed:
        return [
            _l(
                "The case is flagged as likely to lead to a public-order or criminal case and "
                "has not been reported to the police or the township government (PML Art. 25): "
                "record the report, or remove the flag with the reason."
            )
        ]
    return []


# ---- changing the risk ----------------------------------------------------------------------


def _permitted(case: Case, actor: User, version: int | None) -> None:
    if not may(actor, Work.RISK, case):
        raise NotPermitted()
    check_version(case, version)


def _required(value: str | None, limit: int, field: str, empty, too_long) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(empty, field=field)
    if len(text) > limit:
        raise ValidationFailed(too_long, field=field)
    return text


def _optional(value: str | None, limit: int, field: str, too_long) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationFailed(too_long, field=field)
    return text or None


def set_risk(
    case: Case,
    actor: User,
    *,
    version: int | None,
    level: RiskLevel,
    flags: Iterable[RiskFlag],
    reason: str | None,
):
    """Grade the case's risk and set its flags (those not given are removed), with the reason.

    One internal event records who, when, the level and the flags before and after, and why.
    Raising a flag of REPORTABLE_FLAGS on a case that had none makes a report owed; removing
    the last of them ends what is owed.

    Raises NotPermitted, StaleCase, InvalidTransition (archived or merged), ValidationFailed
    (no reason, or nothing changed).
    """
    _permitted(case, actor, version)
    reason = _required(
        reason,
        REASON_MAX,
        "reason",
        _l("Say why the risk changed."),
        _l("Keep the reason under %(max)d characters.", max=REASON_MAX),
    )
    if not isinstance(level, RiskLevel):
        raise ValidationFailed(_l("Choose a risk level from the list."), field="level")
    wanted = set(flags)
    if any(not isinstance(f, RiskFlag) for f in wanted):
        raise ValidationFailed(_l("Choose risk flags from the list."), field="flags")
    before_flags = flags_of(case)
    after_flags = [f for f in RiskFlag if f in wanted]
    changes = []
    if level != case.risk_level:
        changes.append(
            {"field": "risk_level", "before": case.risk_level.value, "after": level.value}
        )
    if after_flags != before_flags:
        changes.append(
            {
                "field": "risk_flags",
                "before": [f.value for f in before_flags],
                "after": [f.value for f in after_flags],
            }
        )
    if not changes:
        raise ValidationFailed(_l("Nothing was changed: change the level or a flag."))
    was_reportable, now_reportable = reportable(before_flags), reportable(after_flags)
    owed = now_reportable and (case.police_report_owed or not was_reportable)
    event = transition(
        case,
        Action.SET_RISK,
        actor,
        note=reason,
        public=False,
        data={
            "changes": changes,
            "report_owed": owed,
        },
    )
    case.risk_level = level
    for row in list(case.risk_flag_rows):
        if row.flag not in wanted:
            case.risk_flag_rows.remove(row)
    have = {row.flag for row in case.risk_flag_rows}
    for flag in after_flags:
        if flag not in have:
            case.risk_flag_rows.append(CaseRiskFlag(flag=flag))
    case.police_report_owed = owed
    db.session.flush()
    return event


# ---- reporting -------------------------------------------------------------------------------


def report_to_police(
    case: Case, actor: User, *, version: int | None, data: ReportData, now: datetime | None = None
) -> PoliceReport:
    """Record that the dispute was reported to the local police station or the township
    government (PML Art. 25): to whom, when, how, and what was said. The report keeps the
    case's risk as it stood; the report owed is made. Not dated in the future, nor before the
    day the case was registered.

    Raises NotPermitted, StaleCase, InvalidTransition (archived or merged), ValidationFailed
    (the case is not flagged as likely to lead to a public-order or criminal case; a field
    missing or too long; the time out of range).
    """
    _permitted(case, actor, version)
    flags = flags_of(case)
    if not reportable(flags):
        raise ValidationFailed(
            _l(
                "Flag the case as likely to lead to a public-order or criminal case first: "
                "that is what the report is about."
            )
        )
    if not isinstance(data.recipient_kind, ReportRecipient):
        raise ValidationFailed(_l("Choose whom it was reported to."), field="recipient_kind")
    if not isinstance(data.method, ReportMethod):
        raise ValidationFailed(_l("Choose how it was reported."), field="method")
    name = _required(
        data.recipient_name,
        NAME_MAX,
        "recipient_name",
        _l("Name the police station or the government office."),
        _l("Keep the name under %(max)d characters.", max=NAME_MAX),
    )
    received_by = _optional(
        data.received_by,
        RECEIVER_MAX,
        "received_by",
        _l("Keep the name under %(max)d characters.", max=RECEIVER_MAX),
    )
    content = _required(
        data.content,
        TEXT_MAX,
        "content",
        _l("Write what was reported."),
        _l("Keep this under %(max)d characters.", max=TEXT_MAX),
    )
    measures = _optional(
        data.measures,
        TEXT_MAX,
        "measures",
        _l("Keep this under %(max)d characters.", max=TEXT_MAX),
    )
    at = data.reported_at
    if at is None or at.tzinfo is None:
        raise ValidationFailed(_l("Enter the date and time of the report."), field="reported_at")
    now = now or utcnow()
    if at > now + CLOCK_SLACK:
        raise ValidationFailed(_l("The report cannot be in the future."), field="reported_at")
    registered = local_today(case.created_at)
    if local_today(at) < registered:
        raise ValidationFailed(
            _l(
                "A report of this case cannot be dated before it was registered (%(date)s).",
                date=registered.isoformat(),
            ),
            field="reported_at",
        )
    report = PoliceReport(
        recipient_kind=data.recipient_kind,
        recipient_name=name,
        received_by=received_by,
        reported_at=at,
        method=data.method,
        content=content,
        measures=measures,
        risk_level=case.risk_level,
        risk_flags=[f.value for f in flags],
        reported_by=actor,
    )
    case.police_reports.append(report)
    db.session.flush()  # the report's id, for the event
    transition(
        case,
        Action.REPORT_TO_POLICE,
        actor,
        public=False,
        data={
            "report_id": report.id,
            "recipient": name,
            "recipient_kind": data.recipient_kind.value,
            "method": data.method.value,
            "reported_at": at.isoformat(),
        },
    )
    case.police_report_owed = False
    return report
