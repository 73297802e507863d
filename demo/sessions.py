"""Scheduled sessions in the demo world: a video session, two days ahead at 10:00 Beijing time,
on the case whose respondent was invited to answer online (respondents.py) when `mediator`
may schedule on it, else on the first case `mediator` mediates. Both parties see it on their
pages (the link, "I will attend", "Ask to reschedule"); the mediator sees it on the case page
and the workbench; each party's session notice is among the case's documents. Runs last, at
the real time, and draws no random numbers (the room token comes from `secrets`)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from demo.world import DemoWorld
from domain import scheduling
from domain.calendar import CHINA
from extensions import db
from models import Case, CaseMediator
from models.enums import SessionMode


def _case(world: DemoWorld, user) -> Case | None:
    numbers = [number for number, _name, _code in world.result.invitation_codes]
    invited = db.session.scalars(sa.select(Case).where(Case.number.in_(numbers))).all()
    for case in invited:
        if scheduling.may_schedule(user, case):
            return case
    mine = db.session.scalars(
        sa.select(Case)
        .join(CaseMediator, CaseMediator.case_id == Case.id)
        .where(CaseMediator.user_id == user.id, Case.state.in_(scheduling.SCHEDULING_STATES))
        .order_by(Case.id)
    ).all()
    return next((c for c in mine if scheduling.may_schedule(user, c)), None)


def load_sessions(world: DemoWorld) -> None:
    user = world.users.get("mediator")
    if user is None:
        return
    case = _case(world, user)
    if case is None:
        return
    day = (datetime.now(UTC).astimezone(CHINA) + timedelta(days=2)).date()
    starts_at = datetime.combine(day, time(10, 0), tzinfo=CHINA).astimezone(UTC)
    template = scheduling.video_template()
    scheduling.schedule(
        case,
        user,
        version=None,
        starts_at=starts_at,
        mode=SessionMode.VIDEO,
        # Without a configured meeting server the demo pastes a link of its own.
        video_url=None if template else f"https://meet.example.org/jiefen-demo-{case.number}",
    )
    world.result.created["scheduled_sessions"] = 1
