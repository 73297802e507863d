"""The mediators of a case: co-mediators, conflict-of-interest declarations and recusal (回避).

The committee designates one or more mediators, or the parties choose them (PML Art. 19). Each
mediator declares that they have no conflict of interest with the parties before recording a
session. A party may ask for a mediator to be recused; the committee shall replace them
(MOJ-2002 Art. 26). The grounds follow SPC-TY Art. 15: a close relative of a party or agent, an
interest in the dispute, or another relationship that may affect impartiality.

Everything here is internal: the events are not shown to the public.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from domain.dispatch import eligible_mediators
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, challenged, may
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from models import Case, CaseMediator, Party, RecusalRequest, User
from models.enums import RecusalDecision
from models.types import utcnow

RECUSED = "recused"  # CaseMediator.ended_reason of a mediator replaced after recusal


def can_manage_mediators(user: User, case: Case) -> bool:
    """Add co-mediators and decide recusal: the director of the handling committee."""
    return may(user, Work.MEDIATORS, case)


def can_request_recusal(user: User, case: Case) -> bool:
    """Record a party's recusal request: the handling committee (its director, the case's
    mediators), which holds the case once it is dispatched."""
    return may(user, Work.RECUSAL_REQUEST, case)


def active_links(case: Case) -> list[CaseMediator]:
    """The active mediators of the case, presiding first."""
    return sorted(
        (m for m in case.mediators if m.active), key=lambda m: (not m.presiding, m.assigned_at)
    )


def link_of(case: Case, user: User) -> CaseMediator | None:
    """`user`'s active place on the case, if any."""
    for m in case.mediators:
        if m.active and (m.user is user or m.user_id == user.id):
            return m
    return None


def _eligible(case: Case, user: User | None, field: str) -> User:
    if user is None or user not in eligible_mediators(case):
        raise ValidationFailed(
            _l("Choose an active mediator of the handling organisation."), field=field
        )
    return user


def add_co_mediator(
    case: Case,
    mediator: User | None,
    actor: User,
    *,
    version: int | None,
    chosen_by_parties: bool = False,
) -> CaseMediator:
    """Add a mediator beside the presiding one (PML Art. 19: designated by the committee or
    chosen by the parties).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_manage_mediators(actor, case):
        raise NotPermitted()
    check_version(case, version)
    mediator = _eligible(case, mediator, "mediator")
    if link_of(case, mediator) is not None:
        raise ValidationFailed(_l("This mediator is already on the case."), field="mediator")
    transition(
        case,
        Action.ADD_CO_MEDIATOR,
        actor,
        public=False,
        data={
            "mediator_id": mediator.id,
            "mediator": mediator.name,
            "chosen_by_parties": chosen_by_parties,
        },
    )
    link = CaseMediator(
        user=mediator, presiding=False, active=True, chosen_by_parties=chosen_by_parties
    )
    case.mediators.append(link)
    return link


def declare_no_conflict(
    case: Case, actor: User, *, version: int | None, now: datetime | None = None
) -> None:
    """The mediator declares that they have no conflict of interest with the parties: not a
    close relative of a party or agent, no interest in the dispute, no other relationship
    that may affect impartiality (SPC-TY Art. 15).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    link = link_of(case, actor)
    if link is None or challenged(actor, case):  # a party objects: the director decides first
        raise NotPermitted()
    check_version(case, version)
    if link.declared_no_conflict_at is not None:
        raise ValidationFailed(_l("You have already declared no conflict of interest."))
    transition(
        case,
        Action.DECLARE_NO_CONFLICT,
        actor,
        public=False,
        data={"mediator_id": actor.id, "mediator": actor.name},
    )
    link.declared_no_conflict_at = now or utcnow()


def check_declared(case: Case, user: User) -> None:
    """Before a session is recorded: the recording user, if a mediator of the case, and the
    presiding mediator have declared no conflict of interest. Raises ValidationFailed."""
    mine = link_of(case, user)
    if mine is not None and mine.declared_no_conflict_at is None:
        raise ValidationFailed(
            _l(
                "Declare that you have no conflict of interest with the parties before "
                "recording a session (see the mediators of the case)."
            )
        )
    for link in case.mediators:
        if link.active and link.presiding and link.declared_no_conflict_at is None:
            raise ValidationFailed(
                _l(
                    "The presiding mediator %(name)s has not yet declared no conflict of "
                    "interest with the parties.",
                    name=link.user.name,
                )
            )


def request_recusal(
    case: Case,
    party: Party | None,
    mediator: User | None,
    actor: User,
    *,
    version: int | None,
    grounds: str,
    now: datetime | None = None,
) -> RecusalRequest:
    """Record a party's request that a mediator be recused, with the grounds given.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_request_recusal(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if party is None or party not in case.active_parties:
        raise ValidationFailed(_l("Choose a party of this case."), field="party")
    if mediator is None or link_of(case, mediator) is None:
        raise ValidationFailed(_l("Choose a mediator of this case."), field="mediator")
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationFailed(_l("Give the grounds the party stated."), field="grounds")
    for r in case.recusals:
        if r.decision == RecusalDecision.PENDING and r.party is party and r.mediator is mediator:
            raise ValidationFailed(
                _l("This party's request about this mediator is already waiting for a decision."),
                field="mediator",
            )
    transition(
        case,
        Action.REQUEST_RECUSAL,
        actor,
        note=grounds,
        public=False,
        data={
            "party_id": party.id,
            "party": party.name,
            "mediator_id": mediator.id,
            "mediator": mediator.name,
        },
    )
    request = RecusalRequest(
        party=party,
        mediator=mediator,
        grounds=grounds,
        requested_at=now or utcnow(),
        decision=RecusalDecision.PENDING,
    )
    case.recusals.append(request)
    return request


def decide_recusal(
    case: Case,
    request: RecusalRequest | None,
    actor: User,
    *,
    version: int | None,
    grant: bool,
    replacement: User | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """The committee director decides a recusal request. Granting replaces the mediator: the
    recused one leaves the case ("recused") and the replacement takes their place, presiding
    if they presided. Refusing needs a note of the reasons, kept with the request. Until the
    decision the challenged mediator records nothing on the case (domain.permissions.may), so
    a director who is the challenged mediator cannot decide on their own recusal.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_manage_mediators(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if request is None or request not in case.recusals:
        raise ValidationFailed(_l("Choose a recusal request of this case."), field="request")
    if request.decision != RecusalDecision.PENDING:
        raise ValidationFailed(_l("This request has already been decided."), field="request")
    note = (note or "").strip() or None
    now = now or utcnow()
    data = {
        "request_id": request.id,
        "mediator_id": request.mediator.id,
        "mediator": request.mediator.name,
    }
    if not grant:
        if note is None:
            raise ValidationFailed(_l("Say why the request is refused."), field="note")
        transition(
            case,
            Action.DECIDE_RECUSAL,
            actor,
            note=note,
            public=False,
            data={**data, "decision": RecusalDecision.REFUSED.value},
        )
        request.decision = RecusalDecision.REFUSED
    else:
        _replace(case, request, replacement, actor, note, data)
    request.decision_note, request.decided_by_id, request.decided_at = note, actor.id, now


def _replace(
    case: Case,
    request: RecusalRequest,
    replacement: User | None,
    actor: User,
    note: str | None,
    data: dict,
) -> None:
    recused = link_of(case, request.mediator)
    if recused is None:
        raise ValidationFailed(
            _l("This mediator is no longer on the case: refuse the request with a note."),
            field="decision",
        )
    if replacement is None:
        raise ValidationFailed(_l("Choose the mediator who replaces them."), field="replacement")
    replacement = _eligible(case, replacement, "replacement")
    if replacement is request.mediator:
        raise ValidationFailed(
            _l("Choose a different mediator from the one recused."), field="replacement"
        )
    existing = link_of(case, replacement)
    if existing is not None and not recused.presiding:
        raise ValidationFailed(_l("This mediator is already on the case."), field="replacement")
    transition(
        case,
        Action.DECIDE_RECUSAL,
        actor,
        note=note,
        public=False,
        data={
            **data,
            "decision": RecusalDecision.GRANTED.value,
            "replacement_id": replacement.id,
            "replacement": replacement.name,
        },
    )
    recused.active, recused.ended_reason = False, RECUSED
    if existing is not None:  # a co-mediator takes over as presiding
        existing.presiding = True
    else:
        case.mediators.append(
            CaseMediator(user=replacement, presiding=recused.presiding, active=True)
        )
    request.decision, request.replacement = RecusalDecision.GRANTED, replacement
