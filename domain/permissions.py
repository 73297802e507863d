"""Who may see and do what.

`case_scope(user)` is THE scoping rule: every case list filters by it and every single-case
access loads through `get_case_for()`, which uses it too, so a list can never show a case that
its detail page would refuse, or the other way round.
"""

from __future__ import annotations

import sqlalchemy as sa

from extensions import db
from models import Case, CaseMediator, User, code_range
from models.enums import Role
from models.types import likely

# Which roles may enter each face of the portal (checked by each blueprint's before_request).
FACE_ROLES = {
    "desk": {Role.CLERK, Role.LEADER},
    "workbench": {Role.MEDIATOR, Role.DIRECTOR},
    "oversight": {Role.LEADER, Role.ADMIN, Role.DIRECTOR},
    "admin": {Role.ADMIN},
    "cases": set(Role),
}


def case_scope(user: User) -> sa.ColumnElement[bool]:
    """SQL condition selecting the cases `user` may see.

    - mediator: cases on which they are an active mediator;
    - director: cases handled by their organisation;
    - clerk: cases inside their organisation's region, or registered at their organisation;
    - leader, admin: cases inside their organisation's region (a city body sees the city).
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
        return sa.or_(
            Case.handling_org_id == user.organisation_id,
            Case.joint_org_id == user.organisation_id,
        )
    low, high = code_range(user.organisation.region.code)
    in_region = likely(sa.and_(Case.region_code >= low, Case.region_code < high))
    if user.role == Role.CLERK:
        return sa.or_(in_region, Case.intake_org_id == user.organisation_id)
    return in_region


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


def can_reveal_pii(user: User, case: Case) -> bool:
    """Full ID numbers, phones and addresses: only for staff who work the case."""
    if user.role in {Role.CLERK, Role.DIRECTOR}:
        return True
    return user.role == Role.MEDIATOR and is_active_mediator(user, case)
