"""How mediation goes on or ends: suspension and resumption, extension with both parties'
consent, failed attempts and joint mediation (a local rule: two failures → the centre one
level up), termination for a stated ground (PML Arts. 23, 26; SPC-TY Art. 26; SPC-ZX Art. 25),
and archiving (PML Art. 27)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain import documents, serving
from domain.aftercare import schedule_closing_follow_ups
from domain.calendar import local_today
from domain.clocks import extend_clock, resume_clock, suspend_clock
from domain.errors import NotPermitted, ValidationFailed
from domain.party_area import settle_on_close
from domain.permissions import Work, may
from domain.referrals import feedback_gaps
from domain.risk import archive_gaps as risk_gaps
from domain.states import Action, next_state
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, Organisation, Region, User
from models.enums import (
    TERMINATION_REASONS,
    ClosureReason,
    OrgKind,
    RecusalDecision,
    ReferralKind,
    Ruling,
)
from models.states import CaseState
from models.types import utcnow

FAILURES_BEFORE_JOINT = 2
MAX_EXTENSION_DAYS = 30


def _need_reason(reason: str | None, message) -> str:
    if not (reason or "").strip():
        raise ValidationFailed(message, field="reason")
    return reason.strip()


def suspend(
    case: Case, actor: User, *, version: int | None, reason: str, now: datetime | None = None
) -> None:
    """Suspend mediation (e.g. a party is in hospital); the clock stops.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may(actor, Work.CLOCK, case):
        raise NotPermitted()
    check_version(case, version)
    reason = _need_reason(reason, _l("Say why mediation is suspended."))
    transition(case, Action.SUSPEND, actor, note=reason, public=True)
    suspend_clock(case, now or utcnow())


def resume(
    case: Case,
    actor: User,
    *,
    version: int | None,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """Resume mediation; the deadline moves by the days spent suspended.

    Raises NotPermitted, StaleCase, InvalidTransition.
    """
    if not may(actor, Work.CLOCK, case):
        raise NotPermitted()
    check_version(case, version)
    transition(case, Action.RESUME, actor, note=note, public=True)
    paused = resume_clock(case, now or utcnow())
    case.events[-1].data = {
        **case.events[-1].data,
        "paused_days": paused,
        "due_on": case.due_on.isoformat() if case.due_on else None,
    }


def extend(
    case: Case,
    actor: User,
    *,
    version: int | None,
    days: int,
    reason: str,
    both_parties_agree: bool,
) -> None:
    """Extend the time limit with both parties' consent (MOJ-2002 Art. 33; SPC-TY Art. 27).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may(actor, Work.CLOCK, case):
        raise NotPermitted()
    check_version(case, version)
    if not both_parties_agree:
        raise ValidationFailed(
            _l("An extension needs both parties' consent."), field="both_parties_agree"
        )
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationFailed(
            _l("Extend by 1 to %(max)s days.", max=MAX_EXTENSION_DAYS), field="days"
        )
    reason = _need_reason(reason, _l("Say why more time is needed."))
    before = case.due_on
    extend_clock(case, days)
    transition(
        case,
        Action.EXTEND,
        actor,
        note=reason,
        public=True,
        data={
            "days": days,
            "from": before.isoformat() if before else None,
            "to": case.due_on.isoformat(),
        },
    )


def joint_organiser(case: Case) -> Organisation | None:
    """The dispute-resolution centre one level above the handling organisation (a local rule:
    the township's joint-mediation office organises; above a township, the county centre)."""
    org = case.handling_org
    if org is None:
        return None
    code = org.region.code
    # A committee's own level first (a township committee → the township centre), then each
    # level above: village (12 digits) → township (9) → county (6) → city (4).
    above = [code[:n] for n in (9, 6, 4) if n < len(code)]
    candidates = above if org.kind == OrgKind.CENTRE else [code, *above]
    for region_code in candidates:
        centre = db.session.scalars(
            sa.select(Organisation)
            .join(Region, Organisation.region_id == Region.id)
            .where(
                Organisation.kind == OrgKind.CENTRE,
                Organisation.active.is_(True),
                Region.code == region_code,
                Organisation.id != org.id,
            )
            .order_by(Organisation.id)
        ).first()
        if centre is not None:
            return centre
    return None


def record_failure(
    case: Case,
    actor: User,
    *,
    version: int | None,
    reason: str,
    departments: list[str] | None = None,
    now: datetime | None = None,
) -> None:
    """A mediation attempt failed. The first failure keeps mediating; the second escalates to
    joint mediation organised by the centre one level up, with the participating departments;
    a failed joint mediation ends the case with the notice of other channels (PML Art. 26).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)
    reason = _need_reason(reason, _l("Say why mediation failed."))
    now = now or utcnow()
    if case.state == CaseState.JOINT_MEDIATION:
        transition(case, Action.RECORD_FAILURE, actor, note=reason, public=True)
        case.failure_reason = reason
        case.closure_reason = ClosureReason.FAILED
        case.closed_at = now
        schedule_closing_follow_ups(case, local_today(now))
        return
    case.failure_count = (case.failure_count or 0) + 1
    transition(
        case,
        Action.RECORD_FAILURE,
        actor,
        note=reason,
        public=False,
        data={"attempt": case.failure_count},
    )
    case.failure_reason = reason
    if case.failure_count >= FAILURES_BEFORE_JOINT and _from_court(case):
        # A court's case does not go to joint mediation: mediation has failed and the case
        # goes back to the court, which files it (delegated) or resumes the trial (entrusted)
        # (SPC-TY Art. 21); the report back to the court is then owed.
        transition(case, Action.FAIL_BACK_TO_COURT, actor, public=True)
        case.closure_reason = ClosureReason.FAILED
        case.closed_at = now
        schedule_closing_follow_ups(case, local_today(now))
        return
    if case.failure_count >= FAILURES_BEFORE_JOINT:
        organiser = joint_organiser(case)
        transition(
            case,
            Action.ESCALATE_JOINT,
            actor,
            public=True,
            data={
                "organiser_id": organiser.id if organiser else None,
                "public_text": organiser.name if organiser else None,
                "departments": departments or [],
            },
        )
        case.joint_org = organiser
        case.joint_departments = [d.strip() for d in (departments or []) if d.strip()]


def _from_court(case: Case) -> bool:
    return any(r.kind == ReferralKind.COURT for r in case.referrals)


def may_end_as_failed(case: Case) -> bool:
    """Whether mediation may end as failed now. Two failed attempts take a case to joint
    mediation one level up, and only the failure of that ends it (a local rule; PML Art. 26
    then tells the parties the other channels): "failed" cannot skip the joint mediation. A
    court's case may: the mediator reports to the court that the parties are too far apart
    and the case goes back to it (SPC-TY Art. 26), never to joint mediation (Art. 21)."""
    return case.state == CaseState.JOINT_MEDIATION or _from_court(case)


def terminate(
    case: Case,
    actor: User,
    *,
    version: int | None,
    reason: ClosureReason,
    note: str,
    now: datetime | None = None,
) -> None:
    """End mediation for a stated ground (a party withdrew, cannot be reached, the time limit
    expired, a party refused to sign, failure, transfer out: PML Arts. 23, 26; SPC-TY Art. 26;
    SPC-ZX Art. 25). The parties are told the other channels (PML Art. 26).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)
    if reason not in TERMINATION_REASONS:
        raise ValidationFailed(_l("Choose why mediation ends."), field="reason")
    if reason == ClosureReason.FAILED and not may_end_as_failed(case):
        raise ValidationFailed(
            _l(
                "Mediation ends as failed only when joint mediation has failed too. Record "
                "a failed attempt instead: the second one takes the case to joint mediation "
                "at the centre one level up (failed attempts so far: %(n)s).",
                n=case.failure_count or 0,
            ),
            field="reason",
        )
    note = _need_reason(note, _l("Explain briefly what happened."))
    transition(case, Action.TERMINATE, actor, note=note, public=True, data={"reason": reason.value})
    case.closure_reason = reason
    case.closed_at = now or utcnow()
    schedule_closing_follow_ups(case, local_today(case.closed_at))
    # A party's request to end mediation (PML Art. 23) is answered by ending it.
    settle_on_close(case, actor, reason)


def archive_gaps(case: Case) -> list:
    """What still keeps the case from being archived (empty when its lifecycle is complete)."""
    gaps = []
    agreement = case.agreement
    if case.state == CaseState.AGREED and agreement is not None and agreement.effective_on is None:
        gaps.append(_l("The written agreement is not yet signed by everyone."))
    unsigned = [r for r in (*case.sessions, *case.investigations) if r.signed_at is None]
    if unsigned:
        gaps.append(
            _l("%(n)s session or investigation records are not marked signed.", n=len(unsigned))
        )
    open_visits = [v for v in case.follow_ups if v.done_at is None]
    if open_visits:
        gaps.append(_l("A follow-up visit is still to be made."))
    if any(c.ruling == Ruling.PENDING for c in case.confirmations):
        gaps.append(_l("The court has not yet ruled on the judicial confirmation."))
    if any(r.decision == RecusalDecision.PENDING for r in case.recusals):
        gaps.append(_l("A party's recusal request waits for the director's decision."))
    gaps += feedback_gaps(case)  # the return leg to every referring body
    gaps += risk_gaps(case)  # the report to the police owed (PML Art. 25)
    gaps += serving.notice_gaps(case)  # the notices served, or the transfer's record
    committee = documents.committee_gap(case)  # the file is the committee's (PML Art. 29)
    if committee is not None:
        gaps.append(committee)
    gaps += [
        _l("The case file lacks: %(document)s.", document=name) for name in documents.missing(case)
    ]
    return gaps


def can_archive(user: User, case: Case) -> bool:
    """Whoever holds the case: the desk for a case never dispatched (not accepted), else the
    handling committee, which keeps the file (PML Art. 27)."""
    return may(user, Work.ARCHIVE, case)


def archive_case(
    case: Case, actor: User, *, version: int | None, now: datetime | None = None
) -> None:
    """Close the file (立卷归档, PML Art. 27) once the lifecycle is complete.

    Assembles the 卷宗 (domain.documents.assemble: the file number, one PDF in the standard
    order) after the checks. Raises NotPermitted, StaleCase, InvalidTransition,
    ValidationFailed (listing the gaps, the missing documents among them).
    """
    if not can_archive(actor, case):
        raise NotPermitted()
    check_version(case, version)
    next_state(case.state, Action.ARCHIVE)  # InvalidTransition before listing any gaps
    gaps = archive_gaps(case)
    if gaps:
        raise ValidationFailed(
            _l("The case cannot be archived yet: %(gaps)s", gaps=" ".join(str(g) for g in gaps))
        )
    case.archived_at = now or utcnow()  # dated on the cover and the back cover
    documents.assemble(case, actor)  # the file number and the whole 卷宗 as one PDF
    transition(case, Action.ARCHIVE, actor, public=True)
