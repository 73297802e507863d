"""Staffing and assessment in the demo world (the last stage): the staffing norms of the example
rubric's document (seed 004), every demo account of a mediating body in its organisation's
registry (full-time as the account says; `director` of 埠河镇 part-time, so 埠河镇's township
committee is one full-time mediator short), a lawyer without an account, training records,
five experts in 公安县's pool with one invited to a case of `mediator` and the advice given,
and seed 004's rubric loaded with 埠河镇 scored for last month (two items entered by hand).
Draws no random numbers, so the rest of the world stays as it was."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from demo.world import DemoWorld
from domain import assessment as scoring
from domain import experts, staffing
from domain.staffing import MemberData
from extensions import db
from models import Case, StaffKind, User
from models.enums import MEDIATING_KINDS, Role
from models.staffing import ExpertField, TrainingKind
from models.states import CaseState

EXPERTS = [
    ("郑海峰", ExpertField.MEDICAL, "公安县人民医院 主任医师"),
    ("钱律", ExpertField.LEGAL, "湖北楚天律师事务所 律师"),
    ("冯心怡", ExpertField.PSYCHOLOGY, "公安县心理咨询中心 二级心理咨询师"),
    ("蒋建华", ExpertField.CONSTRUCTION, "公安县住建局 高级工程师"),
    ("韩交安", ExpertField.TRAFFIC, "公安县交警大队 事故处理民警（退休）"),
]


def load_staffing(world: DemoWorld) -> None:
    staffing.load_norms(None)
    accounts = db.session.scalars(
        sa.select(User)
        .where(User.role.in_([Role.MEDIATOR, Role.DIRECTOR]), User.active.is_(True))
        .order_by(User.id)
    ).all()
    registered = {}
    for user in accounts:
        if user.organisation.kind not in MEDIATING_KINDS:
            continue
        kind = StaffKind.FULL_TIME if user.full_time else StaffKind.PART_TIME
        if user.username == "director":
            kind = StaffKind.PART_TIME  # 埠河镇: one full-time mediator short of the norm of 2
        registered[user.username] = staffing.add_member(
            None, user.organisation, MemberData(name=None, kind=kind), account=user
        )
    world.result.created["registry"] = len(registered)
    buhe_centre = world.users["mediator"].organisation if "mediator" in world.users else None
    if buhe_centre is not None:
        staffing.add_member(
            None,
            buhe_centre,
            MemberData(name="陈法援", kind=StaffKind.LAWYER, affiliation="埠河镇法律顾问"),
        )
    year = world.today.year
    pre, regular = TrainingKind.PRE_SERVICE, TrainingKind.REGULAR
    code = "新修订民法典婚姻家庭编"
    plan = {
        "mediator": [
            (pre, date(year - 1, 3, 6), "16", "岗前培训：人民调解法与调解技巧"),
            (regular, date(year, 1, 15), "4", code),
        ],
        "mediator2": [
            (regular, date(year, 1, 15), "4", code),
            (regular, date(year, 2, 20), "2.5", "案例评析：宅基地纠纷"),
        ],
        "director": [(regular, date(year, 1, 15), "4", code)],
    }
    for username, trainings in plan.items():
        member = registered.get(username)
        for kind, day, hours, topic in trainings:
            if member is not None and day <= world.today:
                staffing.add_training(
                    None, member, kind=kind, held_on=day, hours=hours, topic=topic
                )
    county_centre = world.orgs.get(world.county_centre.get("421022", ""))
    pool = []
    if county_centre is not None:
        for name, field, affiliation in EXPERTS:
            pool.append(
                staffing.add_member(
                    None,
                    county_centre,
                    MemberData(
                        name=name,
                        kind=StaffKind.EXPERT,
                        expert_field=field,
                        affiliation=affiliation,
                    ),
                )
            )
    _invite_one(world, pool)
    _score_buhe(world)
    db.session.flush()


def _invite_one(world: DemoWorld, pool) -> None:
    mediator = world.users.get("mediator")
    if mediator is None or not pool:
        return
    case = db.session.scalars(
        sa.select(Case)
        .where(Case.state == CaseState.MEDIATING, Case.handling_org_id == mediator.organisation_id)
        .order_by(Case.id)
    ).first()
    if case is None or not experts.may_invite(mediator, case):
        return
    expert = pool[1]  # the lawyer
    at = world.clock.soon(world.clock.last_event(case), 60)
    world.clock.step(
        at,
        experts.invite_expert,
        case,
        mediator,
        expert_id=expert.id,
        question="双方对宅基地边界的约定是否有效？如何认定历史上的口头约定？",
        version=None,
    )
    world.clock.step(
        world.clock.soon(at, 120),
        experts.record_advice,
        case,
        mediator,
        invitation_id=case.expert_invitations[-1].id,
        advice=(
            "口头约定如有证人证言和长期实际使用佐证，可作为确定边界的依据；"
            "建议以村委会存档的宅基地使用证为准，并请村组干部现场指界。"
        ),
        advice_on=world.today,
        version=None,
    )


def _score_buhe(world: DemoWorld) -> None:
    rubric = scoring.load_example(None)
    director = world.users.get("director")
    if director is None:
        return
    start, end = scoring.period_default(world.today)
    admin = world.users.get("admin")
    a = scoring.create_assessment(
        admin, rubric, director.organisation, start, end, today=world.today
    )
    lines = {x.item.number: x for x in a.lines}
    scoring.enter_line(
        admin,
        a,
        lines["1"].id,
        deduction="0.5",
        bonus="0",
        evidence="埠河镇诉调委员会已建立，但未开展规范化建设（未上墙公示制度、无专用调解室）。",
        version=None,
    )
    scoring.enter_line(
        admin,
        a,
        lines["3"].id,
        deduction="0",
        bonus="0.5",
        evidence="本月新增“老王调解工作室”一家（镇司法所验收记录）。",
        version=None,
    )
    world.result.created["assessments"] = 1
