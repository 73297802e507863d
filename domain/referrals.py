"""Docking (对接): a case referred by a court (诉调对接), a petition office
(访调对接) or the police (警调对接), the clock the referrer sets, and the mandatory return leg.

- Court: the mediation time limit is 30 days (委派, pre-filing), 15 days (委托, ordinary
  procedure) or 7 days (委托, summary procedure), calendar days counted from the day our side
  signed for the court's materials, not from acceptance (SPC-TY Art. 27). The referral knows
  its period (Referral.court_days) and domain.clocks asks it, so acceptance and dispatch keep
  it; extensions add to it as usual. The court's feedback is due by the mediation deadline.
- Petition: the office's own deadlines keep running beside ours: decide how to handle within
  15 days of the office's receipt, conclude by the remaining deadline (default receipt + 60
  days), which may be extended once by at most 30 days, with a reason. Only with both
  parties' consent (鲁信访〔2025〕6号).
- Police: feedback within 24 hours, 5 days for complex disputes.

The return leg (`record_feedback`) is due for every referral before the file is archived
(closing.archive_gaps lists it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from domain.calendar import CHINA, end_of_day, local_today
from domain.clocks import Urgency, urgency
from domain.errors import NotPermitted, ValidationFailed
from domain.intake import CaseData, register_case
from domain.permissions import Work, may, may_register
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, Organisation, User
from models.docking import Referral
from models.enums import (
    Channel,
    ClosureReason,
    CourtMode,
    CourtProcedure,
    OrgKind,
    PetitionForm,
    PoliceCategory,
    ReferralKind,
    ReferralResult,
    Source,
)
from models.states import CaseState
from models.types import utcnow

PETITION_DECIDE_DAYS = 15
PETITION_DUE_DAYS = 60
PETITION_MAX_EXTENSION = 30
# Plausible dates on the referring body's papers: nothing before 2000 (a mistyped year would
# overflow the clocks), and a petition deadline no later than the rules allow: 15 days to
# decide plus 60 to handle from the office's receipt (an extension is recorded on its own).
EARLIEST = date(2000, 1, 1)
PETITION_DUE_MAX = timedelta(days=PETITION_DECIDE_DAYS + PETITION_DUE_DAYS)
POLICE_FEEDBACK = timedelta(hours=24)
POLICE_FEEDBACK_COMPLEX = timedelta(days=5)

SOURCES = {
    ReferralKind.COURT: Source.COURT,
    ReferralKind.PETITION: Source.PETITION,
    ReferralKind.POLICE: Source.POLICE,
    ReferralKind.GOVERNMENT: Source.GOVERNMENT,
}
BODY_KINDS = {
    ReferralKind.COURT: OrgKind.COURT,
    ReferralKind.PETITION: OrgKind.PETITION_OFFICE,
    ReferralKind.POLICE: OrgKind.POLICE_STATION,
}
# The case states with an outcome to report.
OUTCOME_STATES = (
    CaseState.AGREED,
    CaseState.FAILED,
    CaseState.REFUSED,
    CaseState.TERMINATED,
    CaseState.NOT_ACCEPTED,
)


@dataclass
class ReferralData:
    """What the desk types from the referring body's papers."""

    kind: ReferralKind
    external_no: str
    received_at: datetime  # materials signed for / referral received
    body_org: Organisation | None = None
    body_name: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    # court
    court_mode: CourtMode | None = None
    court_procedure: CourtProcedure | None = None
    # petition
    transfer_no: str | None = None
    petition_form: PetitionForm | None = None
    collective: bool = False
    petitioner_count: int | None = None
    repeat_petition: bool = False
    over_level: bool = False
    both_consent: bool = False
    transfer_reason: str | None = None
    attachments: list[str] = field(default_factory=list)
    petition_received_on: date | None = None
    petition_due_on: date | None = None
    # police
    police_category: PoliceCategory | None = None
    complex_case: bool = False


def court_limit(referral: Referral) -> int:
    """Calendar days of a court referral's mediation period (SPC-TY Art. 27)."""
    return referral.court_days


def court_clock_start(referral: Referral) -> date:
    """The court clock starts on the (China) day the materials were signed for."""
    return local_today(referral.received_at)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def too_early():
    return _l("Enter a date from %(year)s on.", year=EARLIEST.year)


def petition_due_too_late():
    return _l(
        "The petition deadline can be at most %(days)s days after the office received "
        "it (15 days to decide, 60 to handle); record an extension separately.",
        days=PETITION_DUE_MAX.days,
    )


def _validate(data: ReferralData, now: datetime) -> None:
    if data.body_org is None and not _text(data.body_name):
        field_ = "body_org"
        message = {
            ReferralKind.COURT: _l("Choose the court or type its name."),
            ReferralKind.PETITION: _l("Choose the petition office or type its name."),
            ReferralKind.POLICE: _l("Choose the police station or type its name."),
        }.get(data.kind, _l("Name the referring body."))
        raise ValidationFailed(message, field=field_)
    if (
        data.body_org is not None
        and data.kind in BODY_KINDS
        and data.body_org.kind != BODY_KINDS[data.kind]
    ):
        raise ValidationFailed(_l("Choose a body of the right kind."), field="body_org")
    if not _text(data.external_no):
        raise ValidationFailed(
            {
                ReferralKind.COURT: _l("Enter the court case number or pre-filing number."),
                ReferralKind.PETITION: _l("Enter the petition number."),
                ReferralKind.POLICE: _l("Enter the incident number."),
            }.get(data.kind, _l("Enter the reference number.")),
            field="external_no",
        )
    if data.received_at > now + timedelta(minutes=5):
        raise ValidationFailed(_l("This cannot be in the future."), field="received_at")
    if data.received_at < datetime.combine(EARLIEST, time(0), tzinfo=CHINA):
        raise ValidationFailed(too_early(), field="received_at")
    if data.kind == ReferralKind.COURT:
        if data.court_mode is None:
            raise ValidationFailed(_l("Choose delegated or entrusted."), field="court_mode")
        if data.court_mode == CourtMode.DELEGATED and data.court_procedure is not None:
            raise ValidationFailed(
                _l("A delegated case has not been filed: it has no court procedure yet."),
                field="court_procedure",
            )
        if data.court_mode == CourtMode.ENTRUSTED and data.court_procedure is None:
            raise ValidationFailed(
                _l("An entrusted case needs the court's procedure: ordinary or summary."),
                field="court_procedure",
            )
    elif data.kind == ReferralKind.PETITION:
        if not data.both_consent:
            raise ValidationFailed(
                _l("A petition comes to mediation only with both parties' consent."),
                field="both_consent",
            )
        if data.petition_received_on is None:
            raise ValidationFailed(
                _l("Enter the date the office received the petition."), field="petition_received_on"
            )
        if data.petition_received_on > local_today(now):
            raise ValidationFailed(
                _l("This cannot be in the future."), field="petition_received_on"
            )
        if data.petition_received_on < EARLIEST:
            raise ValidationFailed(too_early(), field="petition_received_on")
        if (
            data.petition_due_on is not None
            and data.petition_due_on > data.petition_received_on + PETITION_DUE_MAX
        ):
            raise ValidationFailed(petition_due_too_late(), field="petition_due_on")
        if data.petition_due_on is not None and data.petition_due_on < data.petition_received_on:
            raise ValidationFailed(
                _l("The deadline cannot be before the petition was received."),
                field="petition_due_on",
            )
        if data.petition_form is None:
            raise ValidationFailed(_l("Choose how the petition came in."), field="petition_form")
        if data.collective and (data.petitioner_count or 0) < 2:
            raise ValidationFailed(
                _l("A collective petition has at least 2 petitioners."), field="petitioner_count"
            )
    elif data.kind == ReferralKind.POLICE and data.police_category is None:
        raise ValidationFailed(_l("Choose the kind of dispute."), field="police_category")


def _build(data: ReferralData) -> Referral:
    referral = Referral(
        kind=data.kind,
        body_org=data.body_org,
        body_name=data.body_org.name if data.body_org is not None else _text(data.body_name),
        external_no=_text(data.external_no),
        contact_name=_text(data.contact_name),
        contact_phone=_text(data.contact_phone),
        received_at=data.received_at,
        attachments=[],
    )
    if data.kind == ReferralKind.COURT:
        referral.court_mode = data.court_mode
        referral.court_procedure = data.court_procedure
        referral.feedback_due_at = end_of_day(
            court_clock_start(referral) + timedelta(days=court_limit(referral))
        )
    elif data.kind == ReferralKind.PETITION:
        referral.transfer_no = _text(data.transfer_no)
        referral.petition_form = data.petition_form
        referral.collective = data.collective
        referral.petitioner_count = data.petitioner_count if data.collective else None
        referral.repeat_petition = data.repeat_petition
        referral.over_level = data.over_level
        referral.both_consent = data.both_consent
        referral.transfer_reason = _text(data.transfer_reason)
        referral.attachments = [a.strip() for a in data.attachments if a and a.strip()]
        received = data.petition_received_on
        referral.petition_received_on = received
        referral.petition_decide_by = received + timedelta(days=PETITION_DECIDE_DAYS)
        referral.petition_due_on = data.petition_due_on or (
            received + timedelta(days=PETITION_DUE_DAYS)
        )
        referral.feedback_due_at = end_of_day(referral.petition_due_on)
    elif data.kind == ReferralKind.POLICE:
        referral.police_category = data.police_category
        referral.complex_case = data.complex_case
        referral.feedback_due_at = data.received_at + (
            POLICE_FEEDBACK_COMPLEX if data.complex_case else POLICE_FEEDBACK
        )
    return referral


def register_referral(
    data: CaseData,
    referral: ReferralData,
    actor: User,
    *,
    note: str | None = None,
    now: datetime | None = None,
) -> tuple[Case, str]:
    """The desk registers a referred case in one go: the case (source = the referrer,
    channel = referral) and its Referral with the referrer's clock.

    Raises NotPermitted (only the desk), ValidationFailed, IdentifierError.
    """
    if not may_register(actor):
        raise NotPermitted()
    now = now or utcnow()
    _validate(referral, now)
    row = _build(referral)
    case, code = register_case(
        data,
        actor,
        source=SOURCES[referral.kind],
        channel=Channel.REFERRAL,
        note=note,
        now=now,
        event_data={"referral": referral.kind.value, "external_no": row.external_no},
    )
    case.referrals.append(row)
    db.session.flush()
    return case, code


# ---- petition extension ------------------------------------------------------------------------


def can_manage(user: User, case: Case) -> bool:
    """Record the return leg or extend a petition deadline: the desk of the case's area (it
    docks with the referring body), or the handling committee's mediators and director
    (domain.permissions, Work.REFERRAL)."""
    return may(user, Work.REFERRAL, case)


def extend_petition(
    case: Case,
    referral: Referral,
    actor: User,
    *,
    version: int | None,
    days: int | None,
    reason: str,
) -> None:
    """Extend the petition deadline once, by at most 30 days, with the reason the petitioner
    is told (《信访工作条例》). A second extension is refused.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_manage(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if referral.case_id != case.id or referral.kind != ReferralKind.PETITION:
        raise ValidationFailed(_l("Only a petition deadline can be extended this way."))
    if referral.petition_extended_days:
        raise ValidationFailed(
            _l("The petition deadline has already been extended once."), field="days"
        )
    if days is None or not 1 <= days <= PETITION_MAX_EXTENSION:
        raise ValidationFailed(
            _l("Extend by 1 to %(max)s days.", max=PETITION_MAX_EXTENSION), field="days"
        )
    if not _text(reason):
        raise ValidationFailed(_l("Give the reason the petitioner is told."), field="reason")
    before = referral.petition_due_on
    if before is not None and before > date.max - timedelta(days=days):
        # A deadline registered before the date bounds existed: it cannot move further.
        raise ValidationFailed(petition_due_too_late(), field="days")
    transition(
        case,
        Action.EXTEND_PETITION,
        actor,
        note=reason.strip(),
        public=True,
        data={
            "referral_id": referral.id,
            "days": days,
            "from": before.isoformat() if before else None,
            "to": (before + timedelta(days=days)).isoformat() if before else None,
        },
    )
    referral.petition_extended_days = days
    if before is not None:
        referral.petition_due_on = before + timedelta(days=days)
        referral.feedback_due_at = end_of_day(referral.petition_due_on)


# ---- the return leg ------------------------------------------------------------------------------


def default_result(case: Case) -> ReferralResult | None:
    """The result to report, derived from the case's state (None while mediation goes on)."""
    state = case.state
    if state == CaseState.ARCHIVED:
        state = CaseState.AGREED if case.agreement is not None else CaseState.TERMINATED
    if state == CaseState.AGREED:
        return ReferralResult.AGREEMENT
    if state == CaseState.FAILED:
        return ReferralResult.FAILURE
    if state == CaseState.TERMINATED and case.closure_reason == ClosureReason.TRANSFERRED_OUT:
        return ReferralResult.TRANSFERRED
    if state in (CaseState.TERMINATED, CaseState.REFUSED, CaseState.NOT_ACCEPTED):
        return ReferralResult.TERMINATED
    return None


def may_report_progress(case: Case, referral: Referral) -> bool:
    """A police referral's feedback is due within 24 hours (5 days when complex), usually long
    before mediation ends: it may be sent while the case is still open, as a progress report."""
    return (
        referral.kind == ReferralKind.POLICE
        and not case.state.is_closed
        and case.state not in OUTCOME_STATES
    )


def record_feedback(
    case: Case,
    referral: Referral,
    actor: User,
    *,
    version: int | None,
    result: ReferralResult | None,
    sent_on: date | None,
    recipient: str | None,
    note: str | None,
    now: datetime | None = None,
) -> None:
    """Record the return leg: what was reported to the referring body, when, to whom.

    Once the case has an outcome (agreed, failed, refused, terminated, not accepted) this is
    the final report; its result defaults to the one the case state implies. A police
    referral may also be answered while mediation still goes on: that is the progress report
    the police expect within 24 hours / 5 days. It is recorded with no result and stops the
    feedback clock, but the file still needs the final result before it can be archived (the
    final report replaces the progress one on the referral; both stay on the timeline).
    Other referrals are answered only once the outcome is known.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_manage(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if referral.case_id != case.id:
        raise ValidationFailed(_l("This referral is not of this case."))
    now = now or utcnow()
    sent_on = sent_on or local_today(now)
    if sent_on > local_today(now):
        raise ValidationFailed(_l("This cannot be in the future."), field="sent_on")
    if sent_on < local_today(referral.received_at):
        raise ValidationFailed(
            _l("The report cannot be sent before the referral came in."), field="sent_on"
        )
    recipient = _text(recipient)
    note = _text(note)
    sent_at = now if sent_on == local_today(now) else end_of_day(sent_on)
    data = {
        "referral_id": referral.id,
        "kind": referral.kind.value,
        "sent_on": sent_on.isoformat(),
        "recipient": recipient,
    }
    if may_report_progress(case, referral):
        if not note:
            raise ValidationFailed(_l("Say what was reported."), field="note")
        transition(
            case,
            Action.REPORT_REFERRAL_PROGRESS,
            actor,
            note=note,
            public=False,
            data={**data, "progress": True},
        )
        referral.feedback_at = sent_at
        referral.feedback_by = actor
        referral.feedback_note = note
        referral.feedback_recipient = recipient
        return
    if referral.feedback_result is not None:
        raise ValidationFailed(
            _l("The result has already been reported to %(body)s.", body=referral.body_name)
        )
    expected = default_result(case)
    if result is not None and expected is not None and result != expected:
        # The report must say what happened: no "agreement" for a case that ended without one.
        raise ValidationFailed(
            _l("The case ended as: %(result)s. Report that result.", result=expected.label),
            field="result",
        )
    result = result or expected
    if (
        result == ReferralResult.AGREEMENT
        and case.agreement is not None
        and case.agreement.effective_on is None
    ):
        raise ValidationFailed(
            _l(
                "The written agreement is not yet signed by everyone: report the agreement once "
                "it has taken effect."
            ),
            field="result",
        )
    if result is None:
        raise ValidationFailed(_l("Report to the referring body once mediation has ended."))
    transition(
        case,
        Action.RECORD_REFERRAL_FEEDBACK,
        actor,
        note=note,
        public=False,
        data={**data, "result": result.value},
    )
    referral.feedback_at = sent_at
    referral.feedback_by = actor
    referral.feedback_result = result
    referral.feedback_note = note
    referral.feedback_recipient = recipient


def feedback_gaps(case: Case) -> list:
    """Referrals still waiting for the final return leg, as archive gaps."""
    return [
        _l("The result has not been reported back to %(body)s.", body=r.body_name)
        for r in case.referrals
        if r.feedback_result is None
    ]


def feedback_urgency(referral: Referral, now: datetime | None = None):
    """The return leg's clock for a badge (a domain.clocks.Urgency): overdue once the due
    moment has passed (police feedback is due within hours), else by China dates as every
    other deadline; NONE when answered or when the referrer set no date."""
    now = now or utcnow()
    due = referral.feedback_due_at
    if referral.feedback_at is not None or due is None:
        return Urgency.NONE
    if _paused_with_the_case(referral):
        return Urgency.PAUSED
    if due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    if due < now:
        return Urgency.OVERDUE
    return urgency(local_today(due), local_today(now))


def _paused_with_the_case(referral: Referral) -> bool:
    """A court's report is due with the mediation deadline (SPC-TY Art. 27; clocks keeps the
    two in step): while the case is suspended that deadline does not run, so neither does the
    report's. The police's and petition office's own deadlines run regardless."""
    return referral.kind == ReferralKind.COURT and referral.case.suspended_since is not None


def feedback_overdue(referral: Referral, now: datetime | None = None) -> bool:
    return (
        referral.feedback_at is None
        and referral.feedback_due_at is not None
        and not _paused_with_the_case(referral)
        and referral.feedback_due_at < (now or utcnow())
    )
