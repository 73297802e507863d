"""Recusal in the demo world (MOJ-2002 Art. 26): in two cases in mediation at 埠河镇's centre a
party asked that `mediator` be recused. The director granted the first (and took the case
himself, declaring no conflict of interest) and refused the second, with the reasons. No
random draw: the rest of the demo world stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from demo.world import DemoWorld
from domain.clocks import CHINA
from domain.recusal import decide_recusal, declare_no_conflict, request_recusal
from domain.states import CaseState
from models import Case


def recusals(world: DemoWorld, made: list[Case]) -> None:
    director, mediator = world.users.get("director"), world.users.get("mediator")
    if director is None or mediator is None:
        return
    cases = [
        c
        for c in made
        if c.state == CaseState.MEDIATING
        and c.handling_org_id == director.organisation_id
        and c.presiding_mediator == mediator
        and c.sessions
    ]
    if len(cases) < 3:  # `mediator` keeps a full workbench
        return
    granted, refused = cases[0], cases[1]
    _grant(world, granted, director, mediator)
    _refuse(world, refused, director, mediator)


def _office(world: DemoWorld, after: datetime, days: int, hour: int) -> datetime:
    """`hour` o'clock (China time) `days` days after `after`, but never before it nor later
    than a few minutes ago."""
    day = after.astimezone(CHINA).date() + timedelta(days=days)
    moment = datetime(day.year, day.month, day.day, hour, 30, tzinfo=CHINA).astimezone(UTC)
    return max(after, min(moment, world.now - timedelta(minutes=5)))


def _asked(world: DemoWorld, case: Case, director, mediator, grounds: str):
    last = max(e.at for e in case.events)
    when = _office(world, last, 1, 9)
    request = world.clock.step(
        when,
        request_recusal,
        case,
        case.applicants[0],
        mediator,
        director,
        version=None,
        grounds=grounds,
        now=when,
    )
    return request, _office(world, when, 0, 15)


def _grant(world: DemoWorld, case: Case, director, mediator) -> None:
    respondent = case.respondents[0].name
    grounds = (
        f"申请人称调解员{mediator.name}与被申请人{respondent}系表亲，担心调解不公，要求更换调解员。"
    )
    request, when = _asked(world, case, director, mediator, grounds)
    note = f"经核实，调解员{mediator.name}与被申请人确系表亲，应予回避，改由中心主任主持调解。"
    world.clock.step(
        when,
        decide_recusal,
        case,
        request,
        director,
        version=None,
        grant=True,
        replacement=director,
        note=note,
        now=when,
    )
    later = world.clock.soon(when, 20)
    world.clock.step(later, declare_no_conflict, case, director, version=None, now=later)


def _refuse(world: DemoWorld, case: Case, director, mediator) -> None:
    grounds = f"申请人认为调解员{mediator.name}在上次调解中偏向被申请人，要求更换调解员。"
    request, when = _asked(world, case, director, mediator, grounds)
    note = (
        "经调阅调解记录并分别询问双方，调解员与双方均无亲属关系或利害关系，调解中未见偏袒，"
        "申请理由不成立，由原调解员继续主持调解。"
    )
    world.clock.step(
        when,
        decide_recusal,
        case,
        request,
        director,
        version=None,
        grant=False,
        note=note,
        now=when,
    )
