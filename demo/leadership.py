"""Leadership in the demo world (DOMAIN.md §5.4): the red-risk case that `mediator` reported
to the police gets a responsible leader (包案: `leader`, a team, a plan, one of the three 包
done); `leader` sends two supervision orders (督办单) to township centres, one of them overdue
and one reported on by 埠河镇's director; a joint meeting (联席会议) on the red and orange cases
whose decisions show on those cases; and a reception day at the county centre with a visitor
booked in by `clerk`. Runs after every case is made, at the real time, and draws no random
numbers, so the rest of the world stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from demo.world import DemoWorld
from domain import leadership as lead
from domain.calendar import add_days
from extensions import db
from models import Case, Organisation
from models.enums import RiskLevel
from models.leadership import Bao, MeetingKind


def _risky(world: DemoWorld, level: RiskLevel) -> Case | None:
    mediator = world.users.get("mediator")
    if mediator is None:
        return None
    return next(
        (
            c
            for c in db.session.scalars(
                sa.select(Case).where(Case.risk_level == level).order_by(Case.id)
            )
            if c.presiding_mediator is mediator
        ),
        None,
    )


def load_leadership(world: DemoWorld) -> None:
    users = world.users
    leader, director = users.get("leader"), users.get("director")
    mediator, clerk = users.get("mediator"), users.get("clerk")
    red, orange = _risky(world, RiskLevel.RED), _risky(world, RiskLevel.ORANGE)
    if None in (leader, director, mediator, clerk, red):
        return
    db.session.flush()

    # 包案 on the red case.
    a = lead.assign_leader(
        red,
        leader,
        lead.LeadData(
            leader_id=leader.id,
            team_ids=[director.id, mediator.id],
            plan=(
                "一、由县调处中心周志强同志包案，埠河镇调处中心张德明、王建国同志组成工作专班；\n"
                "二、三日内分别约谈双方当事人及亲属，讲明法律后果，防止矛盾激化；\n"
                "三、会同埠河派出所、村委会落实稳控措施，每日走访一次；\n"
                "四、十个工作日内组织再次调解，争取达成书面协议。"
            ),
            due_on=None,
            working_days=10,
        ),
    )
    db.session.flush()
    lead.tick_bao(
        a,
        director,
        Bao.CONTROL,
        "已与派出所、村委会落实每日走访，双方情绪平稳，未再发生冲突。",
        version=None,
    )

    # 督办单: one reported on by 埠河镇, one overdue at another township.
    township_orgs = [
        db.session.get(Organisation, world.orgs[name].id)
        for name in world.township_centre.values()
        if name in world.orgs
    ]
    buhe = director.organisation
    other = next((o for o in township_orgs if o.id != buhe.id), None)
    reported = lead.issue_order(
        leader,
        lead.OrderData(
            to_org_id=buhe.id,
            title="关于埠河镇一起邻里纠纷存在民转刑风险的督办单",
            matter="该纠纷双方积怨较深，已发生推搡，存在民转刑风险。请埠河镇调处中心限期化解并落实稳控。",
            required_report="化解措施、稳控责任人及当前进展。",
            due_on=None,
            working_days=5,
            case_numbers=[red.number],
        ),
    )
    db.session.flush()
    lead.submit_report(
        reported,
        director,
        "已成立工作专班，落实每日走访；双方同意下周再次调解。稳控责任人：张德明。",
        version=None,
    )
    if other is not None:
        late = lead.issue_order(
            leader,
            lead.OrderData(
                to_org_id=other.id,
                title="关于开展矛盾纠纷集中排查的督办单",
                matter="请于期限内完成辖区内矛盾纠纷集中排查，对重点纠纷逐一登记建档。",
                required_report="排查情况、发现的纠纷及处置结果。",
                due_on=None,
                working_days=3,
            ),
        )
        db.session.flush()
        late.issued_at = datetime.now(UTC) - timedelta(days=14)
        late.due_on = world.today - timedelta(days=4)  # nobody has reported: overdue

    # A joint meeting whose decisions show on the red and orange cases.
    cases = [c for c in (red, orange) if c is not None]
    meeting = lead.record_meeting(
        leader,
        lead.MeetingData(
            kind=MeetingKind.JOINT,
            title="埠河镇重点矛盾纠纷联席会议",
            held_at=datetime.now(UTC) - timedelta(hours=3),
            place="公安县矛盾纠纷调处中心三楼会议室",
            participant_ids=[leader.id, director.id, mediator.id],
            outside="埠河派出所、埠河镇信访办、新民村委会",
            minutes=(
                "会议听取了埠河镇调处中心关于两起重点纠纷的情况汇报，分析了风险点，"
                "明确由镇调处中心牵头、派出所配合，落实稳控和再次调解。"
            ),
            case_numbers=[c.number for c in cases],
        ),
    )
    db.session.flush()
    lead.add_decision(
        meeting,
        leader,
        lead.DecisionData(
            text="三个工作日内组织双方再次面对面调解，派出所民警到场",
            owner_id=director.id,
            due_on=None,
            working_days=3,
            case_number=red.number,
        ),
        version=None,
    )
    if orange is not None:
        lead.add_decision(
            meeting,
            leader,
            lead.DecisionData(
                text="走访申请人，疏导情绪，防止越级上访",
                owner_id=mediator.id,
                due_on=None,
                working_days=2,
                case_number=orange.number,
            ),
            version=None,
        )

    # A reception day at the county centre with a visitor booked in.
    slot = lead.publish_slot(
        clerk,
        lead.SlotData(
            leader_id=leader.id,
            day=add_days(world.today, 2, True),
            hours="09:00-11:30",
            place="公安县矛盾纠纷调处中心一楼接访室",
            topics="土地承包、邻里纠纷",
        ),
    )
    db.session.flush()
    lead.book_visitor(
        slot,
        clerk,
        lead.BookingData("陈桂兰", "13907161234", "与邻居因宅基地边界多次发生争执，希望领导协调。"),
    )
    lead.publish_slot(
        clerk,
        lead.SlotData(
            leader_id=leader.id,
            day=add_days(world.today, 7, True),
            hours="14:30-17:00",
            place="公安县矛盾纠纷调处中心一楼接访室",
        ),
    )
