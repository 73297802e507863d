"""Who may see and do what.

`case_scope(user)` is THE scoping rule: every case list filters by it and every single-case
access loads through `get_case_for()`, which uses it too, so a list can never show a case that
its detail page would refuse, or the other way round.
"""

from __future__ import annotations

import sqlalchemy as sa

from extensions import db
from models import Case, CaseMediator, Organisation, Region, User, code_range
from models.docking import Transfer
from models.enums import Role, TransferStatus
from models.types import likely

# Which roles may enter each face of the portal (checked by each blueprint's before_request).
FACE_ROLES = {
    "desk": {Role.CLERK, Role.LEADER},
    "workbench": {Role.MEDIATOR, Role.DIRECTOR},
    "oversight": {Role.LEADER, Role.ADMIN, Role.DIRECTOR},
    "admin": {Role.ADMIN},
    "cases": set(Role),
}


def case_scope(user: User, incoming: bool = True) -> sa.ColumnElement[bool]:
    """SQL condition selecting the cases `user` may see.

    - mediator: cases on which they are an active mediator;
    - director: cases handled by their organisation;
    - clerk: cases inside their organisation's region, or registered at their organisation;
    - leader, admin: cases inside their organisation's region (a city body sees the city).

    A case with a transfer waiting for acknowledgement is visible to whoever may acknowledge
    it: the receiving organisation's director, and clerks and leaders whose region holds the
    receiving organisation (read through the (to_org_id, status) index). Work lists of
    the cases an organisation handles pass `incoming=False`.
    """
    if user.role == Role.MEDIATOR:
        # IN (the mediator's cases) reads the (user_id, active, case_id) index once, however
        # many cases the table holds; a correlated EXISTS would probe it once per case.
        return Case.id.in_(
            sa.select(CaseMediator.case_id).where(
                CaseMediator.user_id == user.id, CaseMediator.active.is_(True)
            )
        )
    if user.role == Role.DIRECTOR:
        # Their committee's cases, and cases their centre organises joint mediation for.
        own = [
            Case.handling_org_id == user.organisation_id,
            Case.joint_org_id == user.organisation_id,
        ]
        if incoming:
            own.append(Case.id.in_(_pending_transfers(Transfer.to_org_id == user.organisation_id)))
        return sa.or_(*own)
    low, high = code_range(user.organisation.region.code)
    in_region = likely(sa.and_(Case.region_code >= low, Case.region_code < high))
    seen = [in_region]
    if user.role == Role.CLERK:
        seen.append(Case.intake_org_id == user.organisation_id)
    if incoming and user.role in {Role.CLERK, Role.LEADER}:
        area_orgs = (
            sa.select(Organisation.id)
            .join(Region, Organisation.region_id == Region.id)
            .where(Region.code >= low, Region.code < high)
        )
        seen.append(Case.id.in_(_pending_transfers(Transfer.to_org_id.in_(area_orgs))))
    return sa.or_(*seen) if len(seen) > 1 else in_region


def _pending_transfers(to: sa.ColumnElement[bool]) -> sa.Select:
    return sa.select(Transfer.case_id).where(to, Transfer.status == TransferStatus.PENDING.value)


def get_case_for(user: User, number: str) -> Case | None:
    """Load a case by number if `user` may see it; None otherwise (the view answers 404)."""
    stmt = sa.select(Case).where(Case.number == number, case_scope(user))
    return db.session.scalars(stmt).first()


def is_active_mediator(user: User, case: Case) -> bool:
    return any(m.active and (m.user_id == user.id or m.user is user) for m in case.mediators)


def can_screen(user: User, case: Case) -> bool:  # noqa: ARG001 - scope already checked
    return user.role in {Role.CLERK, Role.LEADER}


def can_dispatch(user: User, case: Case) -> bool:  # noqa: ARG001
    return user.role in {Role.CLERK, Role.LEADER}


def can_assign(user: User, case: Case) -> bool:
    if user.role in {Role.CLERK, Role.LEADER}:
        return True
    return user.role == Role.DIRECTOR and case.handling_org_id == user.organisation_id


def can_record(user: User, case: Case) -> bool:
    """Record sessions and outcomes: an active mediator, or the handling committee's director."""
    if user.role == Role.MEDIATOR:
        return is_active_mediator(user, case)
    return user.role == Role.DIRECTOR and case.handling_org_id == user.organisation_id


def can_correct(user: User, case: Case) -> bool:
    """Correct a case's parties and facts: whoever holds the case. The desk (clerks) until
    it is dispatched; then the handling committee's director and the case's active
    mediators (and the director of the centre organising its joint mediation); leaders of
    the area throughout, as they oversee it. Scope is checked by loading the case."""
    if user.role == Role.LEADER:
        return True
    if case.handling_org_id is None:
        return user.role == Role.CLERK
    if user.role == Role.DIRECTOR:
        return user.organisation_id in (case.handling_org_id, case.joint_org_id)
    return user.role == Role.MEDIATOR and is_active_mediator(user, case)


def can_reveal_pii(user: User, case: Case) -> bool:
    """Full ID numbers, phones and addresses: only for staff who work the case (a director
    whose committee only has a transfer of the case waiting sees it masked until it
    acknowledges)."""
    if user.role == Role.CLERK:
        return True
    if user.role == Role.DIRECTOR:
        return user.organisation_id in (case.handling_org_id, case.joint_org_id)
    return user.role == Role.MEDIATOR and is_active_mediator(user, case)


def can_send_transfer(user: User, case: Case) -> bool:
    """Hand a case on: a clerk or leader, the handling committee's director, or the presiding
    mediator."""
    if user.role in {Role.CLERK, Role.LEADER}:
        return True
    if user.role == Role.DIRECTOR:
        return case.handling_org_id == user.organisation_id
    return user.role == Role.MEDIATOR and any(
        m.active and m.presiding and m.user_id == user.id for m in case.mediators
    )


def may_receive_transfer(user: User, transfer) -> bool:
    """Acknowledge or decline `transfer`: the receiving organisation's director, or a clerk or
    leader whose region holds it — but never the person who sent it, nor anyone of the
    sending committee (the receiving side acknowledges, or the step means nothing)."""
    organisation = transfer.to_org
    if organisation is None:
        return False
    if transfer.sent_by_id == user.id or (
        transfer.from_org_id is not None and transfer.from_org_id == user.organisation_id
    ):
        return False
    if user.role == Role.DIRECTOR:
        return user.organisation_id == organisation.id
    if user.role in {Role.CLERK, Role.LEADER}:
        low, high = code_range(user.organisation.region.code)
        return low <= organisation.region.code < high
    return False
