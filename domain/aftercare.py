"""After mediation: follow-up visits (回访, within one month; S0) and the parties' joint
application for judicial confirmation (PML Art. 33: within 30 days of the effective date)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from domain.clocks import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import can_record
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from models import Case, FollowUp, User
from models.enums import Performance, Role, Satisfaction, Source
from models.types import utcnow

FOLLOW_UP_WITHIN_DAYS = 30
CONFIRMATION_WINDOW_DAYS = 30


def schedule_follow_up(case: Case, ended_on: date, reason: str) -> FollowUp:
    """Schedule a visit due within one month after mediation ended (S0 联调回访制度)."""
    visit = FollowUp(due_on=ended_on + timedelta(days=FOLLOW_UP_WITHIN_DAYS), reason=reason)
    case.follow_ups.append(visit)
    return visit


def needs_follow_up(case: Case) -> bool:
    """Every agreement, and every petition-sourced case however it ended (S0: 100%)."""
    return case.agreement is not None or case.source == Source.PETITION


def confirmation_deadline(effective_on: date | None) -> date | None:
    """Last day for the joint application to the court (PML Art. 33; CPL Art. 205)."""
    return effective_on + timedelta(days=CONFIRMATION_WINDOW_DAYS) if effective_on else None


def record_follow_up(
    case: Case, visit: FollowUp, actor: User, *, version: int | None, visited_on: date,
    performance: Performance, satisfaction: Satisfaction, remaining_risk: str | None = None,
    measures: str | None = None, notes: str | None = None, now: datetime | None = None,
) -> None:
    """Record a follow-up visit (人民调解回访记录): performance of the agreement, satisfaction,
    remaining risk and measures taken.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not (can_record(actor, case) or (actor.role == Role.MEDIATOR
                                        and case.handling_org_id == actor.organisation_id)):
        raise NotPermitted()
    check_version(case, version)
    if visit.case_id != case.id or visit.done_at is not None:
        raise ValidationFailed(_l("This visit is not open on this case."), field="visit")
    if visited_on > local_today(now):
        raise ValidationFailed(_l("The visit date cannot be in the future."), field="visited_on")
    visit.done_at, visit.visited_on, visit.visitor = now or utcnow(), visited_on, actor
    visit.performance, visit.satisfaction = performance, satisfaction
    visit.remaining_risk = (remaining_risk or "").strip() or None
    visit.measures = (measures or "").strip() or None
    visit.notes = (notes or "").strip() or None
    transition(case, Action.RECORD_FOLLOW_UP, actor, public=False,
               data={"visit_id": visit.id, "performance": performance.value,
                     "satisfaction": satisfaction.value})
