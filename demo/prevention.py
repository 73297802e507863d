"""Prevention in the demo world (DOMAIN.md §5): 埠河镇's villages file their weekly screening
rounds for the last fourteen weeks, one of them two weeks behind and one with a week missing; the
community files nil returns (零报告) and one finding registered as an initiative case; a village
puts a dispute that threatens a collective petition on the watch list (orange, mass-incident
flag); the township centre files its monthly rounds. Of the township's flagged cases (demo/risk.py),
the township's leader (`leader-buhe`) answered the orange one; the red one waits past its two
hours. So "a township leader sees which villages are late with their screening, opens a red
warning and reports it" can be walked. Draws no random numbers: the rest of the world stays as
it was."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from demo.world import DemoWorld
from domain import screening_rounds as sr
from domain import warnings
from domain.calendar import CHINA
from extensions import db
from models import Case, Organisation, User, code_range
from models.enums import DisputeType, RiskLevel, Role
from models.prevention import ResponseKind, RiskWarning, RoundKind
from models.risk import RiskFlag

WEEKS = 14  # a quarter and more: the board's default period is the quarter so far


def _at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=CHINA)


def _staff(world: DemoWorld, org: Organisation, username: str, name: str) -> User:
    """Someone who files the committee's rounds: its mediator or director, else a director
    made for it (not among the printed logins)."""
    for user in world.users.values():
        if user.organisation_id == org.id and user.role in (Role.DIRECTOR, Role.MEDIATOR):
            return user
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        leader = world.users["leader"]
        user = User(
            username=username,
            name=name,
            role=Role.DIRECTOR,
            organisation=org,
            active=True,
            created_at=world.now - timedelta(days=120),
        )
        user.password_hash = leader.password_hash
        db.session.add(user)
        db.session.flush()
    world.users[username] = user
    return user


def load_prevention(world: DemoWorld) -> None:
    leader = world.users.get("leader-buhe")
    if leader is None:
        return
    buhe = world.townships("421022")[0]
    committees = [world.orgs[world.village_committee[v.code]] for v in world.villages(buhe.code)]
    if len(committees) < 3:
        return
    names = ["周桂兰", "马俊峰", "田光明"]
    staff = [_staff(world, org, f"dir-buhe-{i + 1}", names[i]) for i, org in enumerate(committees)]
    today = world.today
    clock = world.clock
    rounds = 0
    for i, (org, user) in enumerate(zip(committees, staff, strict=True)):
        rule = sr.rule_for(org)
        periods = sr.slots(rule, today - timedelta(weeks=WEEKS), today)
        for n, slot in enumerate(periods):
            last = n == len(periods) - 1
            if i == 2 and n >= len(periods) - 2:
                continue  # two weeks behind
            if i == 1 and n == len(periods) - 4:
                continue  # one week missed
            held = slot.end - timedelta(days=2)
            nil = i == 0 and n != len(periods) - 3
            round_ = clock.step(
                _at(min(held, today)),
                sr.file_round,
                org,
                user,
                period_start=slot.start,
                kind=RoundKind.REGULAR,
                held_on=min(held, today),
                nil_return=nil,
                summary=None if nil else "走访各组，重点排查土地流转、邻里和婚姻家庭矛盾。",
                today=min(slot.deadline, today),
            )
            rounds += 1
            if i == 0 and not nil:
                at = _at(min(held, today), 15)
                clock.step(
                    at,
                    sr.add_case_finding,
                    round_,
                    user,
                    sr.FoundCase(
                        dispute_type=DisputeType.LL,
                        summary="两户因院墙滴水、排水沟改道发生争吵，已有推搡。",
                        applicant="张春梅",
                        respondent="刘国平",
                        risk_level=RiskLevel.YELLOW,
                    ),
                    now=at,
                )
            if i == 1 and last:
                at = min(_at(min(held, today), 16), world.now - timedelta(hours=1))
                clock.step(
                    at,
                    sr.add_watch_finding,
                    round_,
                    user,
                    sr.Watched(
                        description="四组十余户对土地流转租金分配不满，扬言近日集体到县里上访。",
                        risk_level=RiskLevel.ORANGE,
                        place=f"{buhe.name}{world.villages(buhe.code)[1].name}四组",
                        parties="四组村民约十二户；流转大户",
                        dispute_type=DisputeType.SLTD,
                        flags=(RiskFlag.MASS_INCIDENT, RiskFlag.OVER_LEVEL_PETITION),
                    ),
                )
    # The township centre's own monthly rounds, filed by its director.
    director = world.users.get("director")
    centre = world.orgs[world.township_centre[buhe.code]]
    if director is not None and director.organisation_id == centre.id:
        rule = sr.rule_for(centre)
        for slot in sr.slots(rule, today - timedelta(days=100), today):
            clock.step(
                _at(slot.end),
                sr.file_round,
                centre,
                director,
                period_start=slot.start,
                kind=RoundKind.REGULAR,
                held_on=slot.end,
                nil_return=False,
                summary="汇总各村（社区）排查情况，召开排查例会。",
                today=min(slot.deadline, today),
            )
            rounds += 1
    # The township's case warnings: the orange one answered (reported on), the red one left
    # waiting past its two hours for the leader to open and report.
    low, high = code_range(buhe.code)
    reds = db.session.scalars(
        sa.select(RiskWarning)
        .join(Case, RiskWarning.case_id == Case.id)
        .where(
            RiskWarning.level == RiskLevel.ORANGE,
            RiskWarning.closed_at.is_(None),
            Case.region_code >= low,
            Case.region_code < high,
        )
        .order_by(RiskWarning.id)
    ).all()
    if reds:
        first = reds[0]  # the orange one
        answered = first.raised_at + timedelta(minutes=40)
        clock.step(
            answered,
            warnings.respond,
            first,
            leader,
            version=None,
            now=answered,
            kind=ResponseKind.RESPONDED,
            note="已约谈双方，安排村调委会每日回访，派出所同步掌握情况。",
        )
    world.result.created["screening rounds"] = rounds
