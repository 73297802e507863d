"""Satisfaction and appointments in the demo world (issue 17): a case of the demo mediator's own
that ended in an agreement, answered by both parties (resolved and satisfied; partly and
basically satisfied), another agreed case whose applicant reports that the other side does
not perform (a task on the mediator's workbench), and the county centre's visiting slots
(预约调解) for today and the coming days, with two citizens booked."""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from demo.world import DemoWorld
from domain import appointments as ap
from domain import satisfaction as sat
from domain.calendar import local_today
from domain.statistics import SUCCESS_REASONS
from extensions import db
from models import AppointmentSlot, Case, CaseMediator, PartyFeedback
from models.aftercase import ReportKind, Resolved
from models.enums import Satisfaction
from models.states import CaseState

SLOTS = [  # days from today, start, end, places, place
    (0, time(9), time(11, 30), 4, "县矛盾纠纷调处中心一楼接待室"),
    (1, time(9), time(11, 30), 4, "县矛盾纠纷调处中心一楼接待室"),
    (1, time(14, 30), time(17), 2, "县矛盾纠纷调处中心二楼调解室"),
    (7, time(9), time(11, 30), 6, "县矛盾纠纷调处中心一楼接待室"),
]
VISITORS = [  # slot index, name, phone, what about
    (0, "周桂兰", "13972001234", "邻居盖房挡光，想请调解员上门看看"),
    (1, "黄德明", "13597105678", "承包地边界争议，带土地证来咨询"),
]


def load_satisfaction(world: DemoWorld) -> None:
    mediator = world.users.get("mediator")
    if mediator is None:
        return
    agreed = list(
        db.session.scalars(
            sa.select(Case)
            .where(
                Case.state == CaseState.AGREED,
                Case.closure_reason.in_(SUCCESS_REASONS),
                Case.id.in_(
                    sa.select(CaseMediator.case_id).where(
                        CaseMediator.user_id == mediator.id, CaseMediator.active.is_(True)
                    )
                ),
                ~Case.id.in_(sa.select(PartyFeedback.case_id)),
            )
            .order_by(Case.id)
            .limit(50)
        )
    )
    agreed = [c for c in agreed if c.applicants and c.respondents]
    if agreed:
        case = agreed[0]
        sat.give_feedback(
            case,
            case.applicants[0],
            sat.FeedbackData(
                Resolved.RESOLVED, Satisfaction.SATISFIED, "调解员很耐心，问题解决了。"
            ),
        )
        sat.give_feedback(
            case,
            case.respondents[0],
            sat.FeedbackData(Resolved.PARTLY, Satisfaction.BASICALLY, None),
        )
        world.result.created["satisfaction answers"] = 2
    if len(agreed) > 1:
        case = agreed[1]
        sat.send_report(
            case,
            case.applicants[0],
            ReportKind.NON_PERFORMANCE,
            "协议约定的款项到期后对方仍未支付，电话也不接。",
        )
        world.result.created["party reports"] = 1
    _appointments(world)


def _appointments(world: DemoWorld) -> None:
    clerk = world.users.get("clerk")
    if clerk is None or db.session.scalar(
        sa.select(AppointmentSlot.id).where(AppointmentSlot.org_id == clerk.organisation_id)
    ):
        return
    today = local_today()
    slots = [
        ap.publish_slot(
            clerk,
            ap.SlotData(clerk.organisation_id, today + timedelta(days=d), s, e, n, place),
            today=today,
        )
        for d, s, e, n, place in SLOTS
    ]
    db.session.flush()
    for index, name, phone, about in VISITORS:
        ap.book(slots[index].id, ap.BookingData(name, phone, about), today=today)
    world.result.created["appointment slots"] = len(slots)
    world.result.created["appointments"] = len(VISITORS)
