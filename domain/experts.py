"""The expert pool (调解专家库, seed 003: "按需为信访矛盾化解提供专业咨询意见和调解建议"): experts
are registry entries of the kind "expert" with a field (models.staffing), kept by a centre or
committee. A case's mediators or its committee's director (Work.MEDIATE) invite an expert of a
pool that serves the case (one kept by an organisation whose region holds the case's place: a
village's case may call on the township's, the county's and the city's experts) with the
question put, and record the advice when it comes. Both are on the case timeline
(Action.INVITE_EXPERT, Action.RECORD_EXPERT_ADVICE), internal (public=False: the parties see
the outcome of mediation, not the committee's consultations).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain.calendar import FIRST_DAY, local_today
from domain.clocks import CHINA
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, may, org_scope_of
from domain.states import Action, allowed
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, ExpertInvitation, Organisation, Region, StaffKind, StaffMember, User
from models.staffing import ExpertField

QUESTION_MAX = 2000
ADVICE_MAX = 5000


def pool_query(field: ExpertField | None = None) -> sa.Select:
    stmt = sa.select(StaffMember).where(
        StaffMember.kind == StaffKind.EXPERT, StaffMember.active.is_(True)
    )
    if field is not None:
        stmt = stmt.where(StaffMember.expert_field == field)
    return stmt


def pool_for(user: User, field: ExpertField | None = None) -> list[StaffMember]:
    """The experts kept by organisations in the user's scope, by field and name."""
    return list(
        db.session.scalars(
            pool_query(field)
            .join(Organisation, StaffMember.org_id == Organisation.id)
            .where(org_scope_of(user))
            .order_by(StaffMember.expert_field, StaffMember.name)
        )
    )


def pool_for_case(case: Case) -> list[StaffMember]:
    """The experts who may be invited to `case`: kept by an organisation whose region holds
    the case's place (its own region or one above it)."""
    code = case.region_code or ""
    prefixes = {code[:n] for n in range(2, len(code) + 1)}
    if not prefixes:
        return []
    return list(
        db.session.scalars(
            pool_query()
            .join(Organisation, StaffMember.org_id == Organisation.id)
            .join(Region, Organisation.region_id == Region.id)
            .where(Region.code.in_(prefixes))
            .order_by(StaffMember.expert_field, StaffMember.name)
        )
    )


def may_invite(user: User, case: Case) -> bool:
    return allowed(case.state, Action.INVITE_EXPERT) and may(user, Work.MEDIATE, case)


def may_record_advice(user: User, case: Case) -> bool:
    return (
        allowed(case.state, Action.RECORD_EXPERT_ADVICE)
        and may(user, Work.MEDIATE, case)
        and any(i.advice is None for i in case.expert_invitations)
    )


def _text(value: str | None, limit: int, field: str, empty) -> str:
    text = (value or "").replace("\x00", "").strip()
    if not text:
        raise ValidationFailed(empty, field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("Keep this under %(max)d characters.", max=limit), field=field)
    return text


def invite_expert(
    case: Case, actor: User, *, expert_id: int | None, question: str | None, version: int | None
) -> ExpertInvitation:
    """Invite an expert of the case's pools, with the question put to them.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed."""
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)
    expert = next((e for e in pool_for_case(case) if e.id == expert_id), None)
    if expert is None:
        raise ValidationFailed(_l("Choose an expert from the pool."), field="expert_id")
    if any(i.expert_id == expert.id and i.advice is None for i in case.expert_invitations):
        raise ValidationFailed(
            _l("This expert is already invited and has not answered yet."), field="expert_id"
        )
    question = _text(question, QUESTION_MAX, "question", _l("Write what the expert is asked."))
    invitation = ExpertInvitation(case=case, expert=expert, question=question, invited_by=actor)
    db.session.add(invitation)
    transition(
        case,
        Action.INVITE_EXPERT,
        actor,
        note=question,
        public=False,
        data={
            "expert": expert.name,
            "field": expert.expert_field.value if expert.expert_field else None,
            "pool": expert.organisation.name,
        },
    )
    return invitation


def record_advice(
    case: Case,
    actor: User,
    *,
    invitation_id: int | None,
    advice: str | None,
    advice_on: date | None,
    version: int | None,
) -> ExpertInvitation:
    """Record the advice an invited expert gave (once per invitation)."""
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)
    invitation = next((i for i in case.expert_invitations if i.id == invitation_id), None)
    if invitation is None:
        raise ValidationFailed(_l("Choose an invitation of this case."), field="invitation_id")
    if invitation.advice is not None:
        raise ValidationFailed(_l("This expert's advice is already recorded."), "invitation_id")
    text = _text(advice, ADVICE_MAX, "advice", _l("Write the expert's advice."))
    today = local_today()
    if advice_on is None or not FIRST_DAY <= advice_on <= today:
        raise ValidationFailed(_l("Enter a day that is not in the future."), field="advice_on")
    if advice_on < invitation.invited_at.astimezone(CHINA).date():
        raise ValidationFailed(_l("The advice cannot come before the invitation."), "advice_on")
    invitation.advice, invitation.advice_on, invitation.advice_by_id = text, advice_on, actor.id
    transition(
        case,
        Action.RECORD_EXPERT_ADVICE,
        actor,
        note=text,
        public=False,
        data={"expert": invitation.expert.name, "advice_on": advice_on.isoformat()},
    )
    return invitation
