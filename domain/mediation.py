"""The mediator's work: session records and the outcome (agreement or failure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from domain.aftercare import schedule_follow_up
from domain.calendar import local_today
from domain.closing import record_failure as record_failure  # re-exported for callers
from domain.consent import DECIDING_ROLES, check_all_consented, check_ready_for_session
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, may
from domain.recusal import check_declared
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from models import Agreement, Case, MediationSession, Party, User
from models.enums import AgreementKind, ClosureReason, Performance, SessionMode
from models.types import utcnow


def record_session(
    case: Case,
    actor: User,
    *,
    version: int | None,
    held_at: datetime,
    place: str,
    mode: SessionMode,
    notes: str,
    present: list[Party] | None = None,
    participants: str | None = None,
    accounts: str | None = None,
    result: str | None = None,
) -> MediationSession:
    """Add a session record (人民调解记录). Internal: citizens see only that mediation goes on.
    Every applicant and respondent must have agreed to mediate, and every party `present`
    (default: all applicants and respondents) must have acknowledged the notice.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)
    if not notes.strip():
        raise ValidationFailed(_l("Write what happened in the session."), field="notes")
    if present is None:
        present = [p for p in case.active_parties if p.role in DECIDING_ROLES]
    check_ready_for_session(case, present)
    check_declared(case, actor)
    if case.accepted_at is not None and local_today(held_at) < local_today(case.accepted_at):
        raise ValidationFailed(
            _l(
                "A session cannot be before the case was accepted (%(date)s).",
                date=local_today(case.accepted_at).isoformat(),
            ),
            field="held_at",
        )
    session = MediationSession(
        held_at=held_at,
        place=place.strip(),
        mode=mode,
        notes=notes.strip(),
        recorded_by=actor,
        present_party_ids=[p.id for p in present],
        participants=(participants or "").strip() or None,
        accounts=(accounts or "").strip() or None,
        result=(result or "").strip() or None,
    )
    case.sessions.append(session)
    transition(
        case,
        Action.RECORD_SESSION,
        actor,
        public=False,
        data={"held_at": held_at.isoformat(), "mode": mode.value},
    )
    return session


@dataclass
class AgreementData:
    kind: AgreementKind
    terms: list[str]
    agreed_on: date
    facts: str | None = None
    responsibilities: str | None = None
    performance_manner: str | None = None
    performance_place: str | None = None
    performance_deadline: date | None = None


def record_agreement(
    case: Case,
    actor: User,
    *,
    version: int | None,
    data: AgreementData,
    now: datetime | None = None,
) -> Agreement:
    """Record that the parties agreed (PML Arts. 28-30). An oral agreement takes effect the
    same day; a written one when every party, the mediator and the committee seal have signed
    (see domain.agreements). A follow-up visit is scheduled within one month.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)
    check_all_consented(case, field="kind")
    terms = [t.strip() for t in data.terms if t and t.strip()]
    if not terms:
        raise ValidationFailed(_l("Write at least one term of the agreement."), field="terms")
    if data.kind == AgreementKind.WRITTEN and not (data.performance_manner or "").strip():
        raise ValidationFailed(
            _l("A written agreement states the manner and deadline of performance."),
            field="performance_manner",
        )
    if case.accepted_at is not None and data.agreed_on < local_today(case.accepted_at):
        raise ValidationFailed(
            _l(
                "The agreement cannot be dated before the case was accepted (%(date)s).",
                date=local_today(case.accepted_at).isoformat(),
            ),
            field="agreed_on",
        )
    if data.agreed_on > local_today(now):
        raise ValidationFailed(_l("The agreement date cannot be in the future."), field="agreed_on")
    agreement = Agreement(
        kind=data.kind,
        terms=terms,
        agreed_on=data.agreed_on,
        performance_manner=(data.performance_manner or "").strip() or None,
        performance_place=(data.performance_place or "").strip() or None,
        performance_deadline=data.performance_deadline,
        recorded_by_id=actor.id,
        facts=(data.facts or "").strip() or None,
        responsibilities=(data.responsibilities or "").strip() or None,
        performance=[Performance.PENDING.value] * len(terms),
        effective_on=data.agreed_on if data.kind == AgreementKind.ORAL else None,
    )
    case.agreement = agreement
    transition(case, Action.RECORD_AGREEMENT, actor, public=True, data={"kind": data.kind.value})
    case.closure_reason = (
        ClosureReason.AGREEMENT_ORAL
        if data.kind == AgreementKind.ORAL
        else ClosureReason.AGREEMENT_WRITTEN
    )
    case.closed_at = now or utcnow()
    schedule_follow_up(case, data.agreed_on, "agreement")
    return agreement
