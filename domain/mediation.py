"""The mediator's work: session records and the outcome (agreement or failure)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from domain.aftercare import schedule_follow_up
from domain.agreements import SIGNING_ROLES
from domain.calendar import local_today
from domain.closing import record_failure as record_failure  # re-exported for callers
from domain.consent import DECIDING_ROLES, check_ready_for_session
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, may
from domain.recusal import active_links, check_declared
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from models import Agreement, Case, MediationSession, Party, User
from models.enums import (
    AgreementKind,
    ClosureReason,
    ConsentStatus,
    NoticeAck,
    Performance,
    RecusalDecision,
    SessionMode,
)
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
    issues: str | None = None
    responsibilities: str | None = None
    performance_manner: str | None = None
    performance_place: str | None = None
    performance_deadline: date | None = None


# ---- what an agreement needs ----------------------------------------------------------------


class Step(enum.StrEnum):
    """Where a missing step of the procedure is done (the case page names the panel)."""

    CONSENT = "consent"  # a party's consent and the notice (PML Art. 17; MOJ-2002 Art. 30)
    DECLARATION = "declaration"  # a mediator's declaration of no conflict of interest
    RECUSAL = "recusal"  # a party's recusal request, decided (MOJ-2002 Art. 26)
    SESSION = "session"  # the record of a session (PML Art. 27)


@dataclass(frozen=True)
class Gap:
    """One step of the procedure still missing before an agreement may be recorded."""

    step: Step
    message: str  # plain text, translated: it may quote a party's name


def agreement_gaps(case: Case) -> list[Gap]:
    """What the procedure still lacks before the parties' agreement can be recorded: every
    party who signs it (applicants, respondents, third parties still in the dispute) agreed to
    mediate and acknowledged the rights-and-obligations notice (PML Arts. 17, 23-24; MOJ-2002
    Art. 30); every active mediator of the case declared no conflict of interest; no recusal
    request waits for a decision (MOJ-2002 Art. 26); at least one session was recorded (PML
    Art. 27: the mediation is recorded). Empty when the agreement may be recorded."""
    gaps = []
    for p in case.active_parties:
        if p.role not in SIGNING_ROLES:
            continue
        if p.consent != ConsentStatus.AGREED:
            gaps.append(
                Gap(Step.CONSENT, str(_l("%(name)s has not agreed to mediation.", name=p.name)))
            )
        if p.notice_ack == NoticeAck.NONE:
            message = _l(
                "%(name)s has not acknowledged the rights and obligations notice.", name=p.name
            )
            gaps.append(Gap(Step.CONSENT, str(message)))
    for link in active_links(case):
        if link.declared_no_conflict_at is None:
            message = _l(
                "The mediator %(name)s has not declared no conflict of interest.",
                name=link.user.name,
            )
            gaps.append(Gap(Step.DECLARATION, str(message)))
    for r in case.recusals:
        if r.decision == RecusalDecision.PENDING:
            message = _l(
                "%(party)s's request to recuse %(mediator)s waits for the director's decision.",
                party=r.party.name,
                mediator=r.mediator.name,
            )
            gaps.append(Gap(Step.RECUSAL, str(message)))
    if not case.sessions:
        gaps.append(Gap(Step.SESSION, str(_l("No session has been recorded yet."))))
    return gaps


# The contents each kind of agreement states, in the order of the form. A written agreement
# (PML Art. 29; MOJ-2002 Art. 35): the main facts, the disputed issues, each party's
# responsibility, the terms, the manner and the deadline of performance. An oral agreement
# (PML Art. 28: the mediator records its content): the terms and the manner of performance.
CONTENT = {
    AgreementKind.WRITTEN: (
        "facts",
        "issues",
        "responsibilities",
        "terms",
        "performance_manner",
        "performance_deadline",
    ),
    AgreementKind.ORAL: ("terms", "performance_manner"),
}
_CONTENT_MESSAGES = {
    "facts": _l("A written agreement states the main facts of the dispute."),
    "issues": _l("A written agreement states the disputed issues."),
    "responsibilities": _l("A written agreement states each party's responsibility."),
    "terms": _l("Write at least one term of the agreement."),
    "performance_manner": _l("State the manner of performance."),
    "performance_deadline": _l("A written agreement states the deadline of performance."),
}


def missing_content(data: AgreementData) -> list[tuple[str, str]]:
    """(field, message) for each content the agreement of `data.kind` must state and does
    not, in the order of the form."""
    missing = []
    for name in CONTENT[data.kind]:
        value = getattr(data, name)
        if name == "terms":
            empty = not [t for t in value or [] if t and t.strip()]
        elif isinstance(value, str) or value is None:
            empty = not (value or "").strip()
        else:
            empty = False
        if empty:
            missing.append((name, str(_CONTENT_MESSAGES[name])))
    return missing


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def record_agreement(
    case: Case,
    actor: User,
    *,
    version: int | None,
    data: AgreementData,
    now: datetime | None = None,
) -> Agreement:
    """Record that the parties agreed (PML Arts. 28-30). Only after the procedure
    (`agreement_gaps`: consent and notice, the mediators' declarations, no recusal pending, a
    session) and with the contents its kind states (`missing_content`). An oral agreement
    takes effect the same day; a written one when every party, the mediator and the committee
    seal have signed (see domain.agreements). A follow-up visit is scheduled within one month.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)
    gaps = agreement_gaps(case)
    if gaps:
        raise ValidationFailed(
            _l(
                "The agreement cannot be recorded before the procedure is complete: %(gaps)s",
                gaps=" ".join(g.message for g in gaps),
            )
        )
    missing = missing_content(data)
    if missing:
        field, message = missing[0]
        raise ValidationFailed(message, field=field)
    terms = [t.strip() for t in data.terms if t and t.strip()]
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
    if data.performance_deadline is not None and data.performance_deadline < data.agreed_on:
        raise ValidationFailed(
            _l("The deadline cannot be before the agreement date."), field="performance_deadline"
        )
    agreement = Agreement(
        kind=data.kind,
        terms=terms,
        agreed_on=data.agreed_on,
        performance_manner=_text(data.performance_manner),
        performance_place=_text(data.performance_place),
        performance_deadline=data.performance_deadline,
        recorded_by_id=actor.id,
        facts=_text(data.facts),
        issues=_text(data.issues),
        responsibilities=_text(data.responsibilities),
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
