"""The mediator's work: session records and the outcome (agreement or failure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from domain.clocks import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import can_record
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from models import Agreement, Case, MediationSession, User
from models.enums import AgreementKind, SessionMode
from models.types import utcnow


def record_session(
    case: Case, actor: User, *, version: int | None, held_at: datetime, place: str,
    mode: SessionMode, notes: str,
) -> MediationSession:
    """Add a session record (人民调解记录). Internal: citizens see only that mediation goes on.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_record(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if not notes.strip():
        raise ValidationFailed(_l("Write what happened in the session."), field="notes")
    if case.accepted_at is not None and local_today(held_at) < local_today(case.accepted_at):
        raise ValidationFailed(
            _l("A session cannot be before the case was accepted (%(date)s).",
               date=local_today(case.accepted_at).isoformat()),
            field="held_at",
        )
    session = MediationSession(
        held_at=held_at, place=place.strip(), mode=mode, notes=notes.strip(), recorded_by=actor
    )
    case.sessions.append(session)
    transition(
        case, Action.RECORD_SESSION, actor, public=False,
        data={"held_at": held_at.isoformat(), "mode": mode.value},
    )
    return session


@dataclass
class AgreementData:
    kind: AgreementKind
    terms: list[str]
    agreed_on: date
    performance_manner: str | None = None
    performance_place: str | None = None
    performance_deadline: date | None = None


def record_agreement(
    case: Case, actor: User, *, version: int | None, data: AgreementData,
    now: datetime | None = None,
) -> Agreement:
    """Record that the parties agreed (PML Arts. 28-30).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_record(actor, case):
        raise NotPermitted()
    check_version(case, version)
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
            _l("The agreement cannot be dated before the case was accepted (%(date)s).",
               date=local_today(case.accepted_at).isoformat()),
            field="agreed_on",
        )
    if data.agreed_on > local_today(now):
        raise ValidationFailed(_l("The agreement date cannot be in the future."),
                               field="agreed_on")
    agreement = Agreement(
        kind=data.kind,
        terms=terms,
        agreed_on=data.agreed_on,
        performance_manner=(data.performance_manner or "").strip() or None,
        performance_place=(data.performance_place or "").strip() or None,
        performance_deadline=data.performance_deadline,
        recorded_by_id=actor.id,
    )
    case.agreement = agreement
    transition(
        case, Action.RECORD_AGREEMENT, actor, public=True, data={"kind": data.kind.value}
    )
    case.closed_at = now or utcnow()
    return agreement


def record_failure(
    case: Case, actor: User, *, version: int | None, reason: str, now: datetime | None = None
) -> None:
    """Mediation failed (PML Art. 26): end it; the citizen is told the other channels.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_record(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if not reason.strip():
        raise ValidationFailed(_l("Say why mediation failed."), field="reason")
    transition(case, Action.RECORD_FAILURE, actor, note=reason.strip(), public=True)
    case.failure_reason = reason.strip()
    case.closed_at = now or utcnow()
