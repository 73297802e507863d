"""Dispatch (分派) to an organisation, and assignment of the presiding mediator."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from domain.clocks import apply_limit
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import can_assign, can_dispatch
from domain.routing import suggest_organisation
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, CaseMediator, Organisation, User
from models.enums import Role


def dispatch_to_organisation(
    case: Case,
    organisation: Organisation,
    actor: User,
    *,
    version: int | None,
    reason: str | None = None,
) -> None:
    """Send the accepted case to `organisation`. Choosing other than the suggestion needs a reason.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_dispatch(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if not organisation.active or not organisation.mediates:
        raise ValidationFailed(
            _l("This organisation does not take cases for mediation."), field="organisation"
        )
    suggestion = suggest_organisation(case)
    overridden = suggestion is not None and suggestion.organisation.id != organisation.id
    reason = (reason or "").strip()
    if overridden and not reason:
        raise ValidationFailed(
            _l("You chose a different organisation from the suggestion: give the reason."),
            field="reason",
        )
    transition(
        case,
        Action.DISPATCH,
        actor,
        note=reason or None,
        public=True,
        data={
            "organisation_id": organisation.id,
            "public_text": organisation.name,
            "suggested_id": suggestion.organisation.id if suggestion else None,
            # The routing rule behind the suggestion; None: the built-in default rule.
            "suggested_rule_id": suggestion.rule.id if suggestion and suggestion.rule else None,
            "overridden": overridden,
        },
    )
    case.handling_org = organisation
    for link in case.mediators:
        link.active = False
    db.session.flush()  # the handling organisation's own time-limit rule now applies
    apply_limit(case)


def eligible_mediators(case: Case) -> list[User]:
    """Active mediators and directors of the handling organisation."""
    if case.handling_org_id is None:
        return []
    stmt = (
        select(User)
        .where(
            User.organisation_id == case.handling_org_id,
            User.active.is_(True),
            User.role.in_([Role.MEDIATOR, Role.DIRECTOR]),
        )
        .order_by(User.name)
    )
    return list(db.session.scalars(stmt))


def assign_mediator(
    case: Case, mediator: User, actor: User, *, version: int | None, chosen_by_parties: bool = False
) -> None:
    """Make `mediator` the presiding mediator (replacing any earlier one). The committee
    designates, or the parties choose (PML Art. 19); `chosen_by_parties` records which.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_assign(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if mediator not in eligible_mediators(case):
        raise ValidationFailed(
            _l("Choose an active mediator of the handling organisation."), field="mediator"
        )
    transition(
        case,
        Action.ASSIGN,
        actor,
        public=False,
        data={
            "mediator_id": mediator.id,
            "mediator": mediator.name,
            "chosen_by_parties": chosen_by_parties,
        },
    )
    for link in case.mediators:
        if link.presiding:
            link.active = False
    case.mediators.append(
        CaseMediator(
            user=mediator, presiding=True, active=True, chosen_by_parties=chosen_by_parties
        )
    )
