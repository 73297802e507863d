"""Leadership (blueprints/leadership, domain/leadership.py): 包案 needs its three 包 to close,
deadlines on working days and overdue flags, scope (another county's leader gets 404), a
supervision report returned then accepted, a meeting decision on the case page and timeline,
a reception booking registered as a case or attached to one, stale versions, hostile input,
and every page on an empty database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from demo.small import user
from domain import leadership as lead
from domain.calendar import add_days, is_workday, local_today
from extensions import db
from models import Case, Event
from models.enums import RiskLevel, Role
from models.leadership import (
    Bao,
    BookingStatus,
    LeadAssignment,
    MeetingDecision,
    MeetingKind,
    ReceptionBooking,
    SupervisionOrder,
    SupervisionStatus,
)
from models.states import CaseState
from tests.blueprints.desk.test_register_referrals import _case_fields

STALE = "Someone else changed this"


def actions(case: Case) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Event.action).where(Event.case_id == case.id).order_by(Event.id)
        )
    )


@pytest.fixture
def red_case(world):
    case = world.case(CaseState.MEDIATING)
    case.risk_level = RiskLevel.RED
    db.session.commit()
    return case


def _assign(world, case, **kw) -> LeadAssignment:
    data = lead.LeadData(
        leader_id=world.leader.id,
        team_ids=[world.director.id, world.mediator.id],
        plan="一个问题、一名领导、一个班子、一套方案、一包到底",
        due_on=None,
        working_days=kw.get("working_days", 10),
    )
    a = lead.assign_leader(case, world.leader, data)
    db.session.commit()
    return a


# ---- 包案 ------------------------------------------------------------------------------------


def test_three_bao_needed_to_close(world, red_case):
    a = _assign(world, red_case)
    assert lead.suggested(red_case)
    for done in (Bao.DEMAND, Bao.EDUCATION):
        lead.tick_bao(a, world.leader, done, "已落实", version=a.version)
        db.session.commit()
    with pytest.raises(lead.ValidationFailed, match="Control kept"):
        lead.close_assignment(a, world.leader, "", version=a.version)
    db.session.rollback()
    lead.tick_bao(a, world.director, Bao.CONTROL, "每日走访稳控", version=a.version)  # team
    lead.close_assignment(a, world.leader, "三包到位", version=a.version)
    db.session.commit()
    assert not a.is_open
    got = actions(red_case)
    for action in (
        "lead_assign",
        "lead_demand_done",
        "lead_education_done",
        "lead_control_done",
        "lead_close",
    ):
        assert action in got
    assert [e.action for e in lead.matters.history(lead.LEAD, a.id)][0] == "assign"


def test_one_open_assignment_per_case_and_leaders_only(world, red_case):
    _assign(world, red_case)
    with pytest.raises(lead.ValidationFailed):
        _assign(world, red_case)
    db.session.rollback()
    with pytest.raises(lead.NotPermitted):
        lead.assign_leader(
            red_case, world.clerk, lead.LeadData(world.leader.id, [world.director.id], "x", None, 3)
        )


def test_deadline_counts_working_days_over_the_holidays(world, monkeypatch):
    before_national_day = date(2026, 9, 30)
    monkeypatch.setattr(lead, "local_today", lambda: before_national_day)
    due = lead.deadline(None, 1)
    assert due == add_days(before_national_day, 1, True)
    assert due > date(2026, 10, 7) and is_workday(due)  # the Golden Week skipped
    assert not lead.is_overdue(due, True, today=due)
    assert lead.is_overdue(due, True, today=due + timedelta(days=1))
    assert not lead.is_overdue(due, False, today=due + timedelta(days=1))  # closed
    with pytest.raises(lead.ValidationFailed):
        lead.deadline(before_national_day - timedelta(days=1), None)  # in the past
    with pytest.raises(lead.ValidationFailed):
        lead.deadline(None, None)


def test_overdue_assignment_flagged_in_the_list(world, red_case, login, client):
    a = _assign(world, red_case)
    a.due_on = local_today() - timedelta(days=1)
    db.session.commit()
    html = login("leader").get("/leadership/responsibility").get_data(as_text=True)
    assert red_case.number in html and "Overdue" in html


def test_assign_tick_and_close_through_the_pages(world, red_case, login, client):
    login("leader")
    page = client.get(f"/cases/{red_case.number}").get_data(as_text=True)
    assert "Assign a responsible leader" in page  # suggested on a red case
    r = client.post(
        f"/leadership/responsibility/new/{red_case.number}",
        data={
            "leader": world.leader.id,
            "team": [world.director.id],
            "plan": "包案方案：镇村两级联动",
            "working_days": "5",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    a = db.session.scalars(sa.select(LeadAssignment)).one()
    r = client.post(f"/leadership/responsibility/{a.id}/close", data={"close-version": a.version})
    assert "Not all three duties are done" in r.get_data(as_text=True)
    for b in Bao:
        db.session.refresh(a)
        r = client.post(
            f"/leadership/responsibility/{a.id}/bao/{b.value}",
            data={f"{b.value}-version": a.version, f"{b.value}-note": "done"},
        )
        assert r.status_code == 303
    db.session.refresh(a)
    r = client.post(f"/leadership/responsibility/{a.id}/close", data={"close-version": a.version})
    assert r.status_code == 303
    page = client.get(f"/cases/{red_case.number}").get_data(as_text=True)
    assert "Responsible leader assigned" in page and "Leader responsibility closed" in page


def test_stale_version_is_told(world, red_case, login, client):
    a = _assign(world, red_case)
    old = a.version
    lead.tick_bao(a, world.leader, Bao.DEMAND, "已落实", version=a.version)
    db.session.commit()
    r = login("leader").post(
        f"/leadership/responsibility/{a.id}/bao/education",
        data={"education-version": old, "education-note": "我的说明"},
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and STALE in html and "我的说明" in html


def test_another_countys_leader_gets_404(world, red_case, login, client):
    a = _assign(world, red_case)
    order = _order(world, red_case)
    meeting = _meeting(world, red_case)
    login("leader2")
    for url in (
        f"/leadership/responsibility/{a.id}",
        f"/leadership/responsibility/new/{red_case.number}",
        f"/leadership/supervision/{order.id}",
        f"/leadership/supervision/{order.id}/print",
        f"/leadership/meetings/{meeting.id}",
        f"/leadership/meetings/{meeting.id}/minutes",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/leadership/responsibility", "/leadership/supervision", "/leadership/meetings"):
        html = client.get(url).get_data(as_text=True)
        assert red_case.number not in html and "督办" not in html, url


# ---- 督办单 ----------------------------------------------------------------------------------


def _order(world, case=None, **kw) -> SupervisionOrder:
    order = lead.issue_order(
        world.leader,
        lead.OrderData(
            to_org_id=world.township_centre.id,
            title="督办：埠河镇新民村排水纠纷",
            matter="群众多次反映，请限期化解",
            required_report="化解措施及结果",
            due_on=kw.get("due_on"),
            working_days=None if kw.get("due_on") else 5,
            case_numbers=[case.number] if case else [],
        ),
    )
    db.session.commit()
    return order


def test_a_report_returned_then_accepted(world, red_case, login, client):
    township_leader = user("tleader", Role.LEADER, world.township_centre, "钱镇长")
    db.session.commit()
    order = _order(world, red_case)
    assert "supervision" in actions(red_case)
    assert not lead.may_issue(township_leader) and lead.may_issue(world.leader)
    login("tleader")
    assert client.get("/leadership/supervision").get_data(as_text=True).count(order.title) == 1
    r = client.post(
        f"/leadership/supervision/{order.id}/report",
        data={"version": order.version, "text": "已组织调解，双方初步达成意向"},
    )
    assert r.status_code == 303
    login("leader")
    db.session.refresh(order)
    r = client.post(
        f"/leadership/supervision/{order.id}/review",
        data={"version": order.version, "note": "请补充书面协议", "decision": "return"},
    )
    assert r.status_code == 303
    db.session.refresh(order)
    assert order.status == SupervisionStatus.RETURNED
    login("tleader")
    client.post(
        f"/leadership/supervision/{order.id}/report",
        data={"version": order.version, "text": "已签订书面协议并履行"},
    )
    login("leader")
    db.session.refresh(order)
    client.post(
        f"/leadership/supervision/{order.id}/review",
        data={"version": order.version, "note": "同意销号", "decision": "accept"},
    )
    db.session.refresh(order)
    assert order.status == SupervisionStatus.CLOSED and order.decision == "同意销号"
    assert [r.outcome.value for r in order.reports] == ["returned", "accepted"]
    assert "supervision_closed" in actions(red_case)
    printed = client.get(f"/leadership/supervision/{order.id}/print").get_data(as_text=True)
    for text in ("请补充书面协议", "已签订书面协议并履行", "同意销号"):
        assert text in printed


def test_overdue_order_flagged(world):
    order = _order(world)
    assert not lead.order_overdue(order)
    assert lead.order_overdue(order, today=order.due_on + timedelta(days=1))
    assert not lead.order_overdue(order, today=order.due_on)


def test_order_to_an_organisation_outside_the_area_refused(world):
    with pytest.raises(lead.ValidationFailed):
        lead.issue_order(
            world.leader,
            lead.OrderData(world.county2_centre.id, "t", "m", "r", None, 3),
        )


# ---- meetings ------------------------------------------------------------------------------


def _meeting(world, case):
    from datetime import UTC, datetime

    m = lead.record_meeting(
        world.leader,
        lead.MeetingData(
            kind=MeetingKind.JOINT,
            title="督办 联席会议",
            held_at=datetime.now(UTC),
            place="县调处中心会议室",
            participant_ids=[world.leader.id, world.director.id],
            outside="埠河派出所",
            minutes="会议研究了该纠纷",
            case_numbers=[case.number],
        ),
    )
    db.session.commit()
    return m


def test_decision_appears_on_the_case_page_and_timeline(world, red_case, login, client):
    m = _meeting(world, red_case)
    login("leader")
    r = client.post(
        f"/leadership/meetings/{m.id}/decisions",
        data={
            "decision-version": m.version,
            "decision-text": "由村委会牵头三日内组织双方再次调解",
            "decision-owner": world.director.id,
            "decision-working_days": "3",
            "decision-case": red_case.number,
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    page = client.get(f"/cases/{red_case.number}").get_data(as_text=True)
    assert "Meeting decisions" in page and "由村委会牵头三日内组织双方再次调解" in page
    assert "Meeting decision on this case" in page  # the timeline entry
    d = db.session.scalars(sa.select(MeetingDecision)).one()
    # Only the owner marks it done.
    assert client.post(f"/leadership/decisions/{d.id}/done", data={}).status_code == 403
    login("director")
    page = client.get(f"/cases/{red_case.number}").get_data(as_text=True)
    assert "Mark done" in page
    r = client.post(
        f"/leadership/decisions/{d.id}/done?back=case",
        data={f"done{d.id}-version": d.version, f"done{d.id}-note": "已组织调解"},
    )
    assert r.status_code == 303 and f"/cases/{red_case.number}" in r.headers["Location"]
    assert "meeting_decision_done" in actions(red_case)
    minutes = login("leader").get(f"/leadership/meetings/{m.id}/minutes").get_data(as_text=True)
    assert "由村委会牵头三日内组织双方再次调解" in minutes and "埠河派出所" in minutes


def test_meeting_through_the_page_with_a_case_outside_scope_refused(world, login, client):
    other = world.case(CaseState.REGISTERED, village=world.village3)
    db.session.commit()
    r = login("leader").post(
        "/leadership/meetings/new",
        data={
            "kind": "case_analysis",
            "title": "分析会",
            "held_at": "2026-12-01T09:00",
            "place": "会议室",
            "participants": [world.director.id],
            "cases": other.number,
        },
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "No case" in html and "分析会" in html


# ---- reception days ---------------------------------------------------------------------------


def _slot(world):
    slot = lead.publish_slot(
        world.clerk,
        lead.SlotData(world.leader.id, local_today() + timedelta(days=2), "09:00-11:30", "接访室"),
    )
    db.session.commit()
    return slot


def test_schedule_public_and_booking_registered_as_a_case(world, login, client):
    slot = _slot(world)
    assert "接访室" in client.get("/reception").get_data(as_text=True)
    login("clerk")
    r = client.post(
        f"/leadership/reception/{slot.id}/book",
        data={
            f"book{slot.id}-visitor_name": "李来访",
            f"book{slot.id}-phone": "13812345678",
            f"book{slot.id}-matter": "宅基地边界纠纷",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    booking = db.session.scalars(sa.select(ReceptionBooking)).one()
    listing = client.get("/leadership/reception").get_data(as_text=True)
    assert "李来访" in listing and "13812345678" not in listing  # the phone masked
    form = client.get(f"/desk/register?booking={booking.id}").get_data(as_text=True)
    assert "李来访" in form and "宅基地边界纠纷" in form
    data = _case_fields(world)
    data.update({"channel": "walk_in", "source": "application"})
    r = client.post(f"/desk/register?booking={booking.id}", data=data)
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    db.session.refresh(booking)
    assert booking.status == BookingStatus.REGISTERED and booking.case is not None
    assert "reception_visit" in actions(booking.case)


def test_booking_attached_to_a_case(world, login, client):
    slot = _slot(world)
    case = world.case(CaseState.ACCEPTED)
    booking = lead.book_visitor(slot, world.clerk, lead.BookingData("王某", None, "询问进度"))
    db.session.commit()
    r = login("clerk").post(
        f"/leadership/reception/booking/{booking.id}/attach",
        data={f"attach{booking.id}-version": booking.version, f"attach{booking.id}-number": "nope"},
    )
    assert r.status_code == 200 and "No case" in r.get_data(as_text=True)
    r = client.post(
        f"/leadership/reception/booking/{booking.id}/attach",
        data={
            f"attach{booking.id}-version": booking.version,
            f"attach{booking.id}-number": case.number,
        },
    )
    assert r.status_code == 303
    assert "reception_visit" in actions(case)


# ---- hostile input and an empty database ------------------------------------------------------

HOSTILE = ["", "\x00", "9" * 40, "-1", "<script>", "2026-13-45", "x" * 5000, "１２"]


def test_hostile_input_never_500(world, red_case, login, client):
    a = _assign(world, red_case)
    order = _order(world, red_case)
    m = _meeting(world, red_case)
    slot = _slot(world)
    fresh_case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("leader")
    posts = {
        f"/leadership/responsibility/new/{fresh_case.number}": (
            "leader",
            "team",
            "plan",
            "due_on",
            "working_days",
        ),
        f"/leadership/responsibility/{a.id}/edit": ("version", "leader", "team", "due_on"),
        f"/leadership/responsibility/{a.id}/bao/demand": ("demand-version", "demand-note"),
        f"/leadership/responsibility/{a.id}/close": ("close-version",),
        "/leadership/supervision/new": ("to_org", "title", "due_on", "working_days", "cases"),
        f"/leadership/supervision/{order.id}/review": ("version", "note", "decision"),
        "/leadership/meetings/new": ("kind", "held_at", "participants", "cases", "title"),
        f"/leadership/meetings/{m.id}/decisions": (
            "decision-version",
            "decision-owner",
            "decision-due_on",
            "decision-case",
        ),
        f"/leadership/meetings/{m.id}/edit": ("version", "kind", "held_at"),
        "/leadership/reception/new": ("leader", "day", "hours"),
        f"/leadership/reception/{slot.id}/book": (f"book{slot.id}-phone",),
    }
    for url, fields in posts.items():
        for value in HOSTILE:
            r = client.post(url, data={f: value for f in fields})
            assert r.status_code < 500, (url, value)
    for url in (
        "/leadership/responsibility/99999999999",
        "/leadership/supervision/abc",
        "/leadership/responsibility/new/%00",
        "/leadership/responsibility/1/bao/nothing",
    ):
        assert client.get(url).status_code in (404, 405), url


def test_every_page_on_an_empty_database(world, login, client):
    assert client.get("/reception").status_code == 200
    for who in ("leader", "admin", "clerk", "director", "mediator"):
        login(who)
        for url in (
            "/leadership/",
            "/leadership/responsibility",
            "/leadership/responsibility?show=all",
            "/leadership/supervision",
            "/leadership/supervision?tab=issued",
            "/leadership/meetings",
            "/leadership/reception",
        ):
            assert client.get(url).status_code == 200, (who, url)
    login("leader")
    assert client.get("/leadership/supervision/new").status_code == 200
    assert client.get("/leadership/meetings/new").status_code == 200
    login("director")
    assert client.get("/leadership/supervision/new").status_code == 403


def test_the_same_duty_done_meanwhile_keeps_the_refusal_and_the_text(
    world, red_case, login, client
):
    """Two tabs: the duty is marked done in one; the older tab's note is not lost in silence."""
    a = _assign(world, red_case)
    old = a.version
    lead.tick_bao(a, world.leader, Bao.DEMAND, "已落实", version=a.version)
    db.session.commit()
    r = login("leader").post(
        f"/leadership/responsibility/{a.id}/bao/demand",
        data={"demand-version": old, "demand-note": "旧标签页里写的说明"},
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and STALE in html and "旧标签页里写的说明" in html


def test_a_decision_sent_twice_is_added_once(world, red_case, login, client):
    """The browser's back button and the same form sent again: the second is told."""
    m = _meeting(world, red_case)
    form = {
        "decision-version": m.version,
        "decision-text": "三日内再次组织调解",
        "decision-owner": world.director.id,
        "decision-working_days": "3",
        "decision-case": red_case.number,
    }
    login("leader")
    assert client.post(f"/leadership/meetings/{m.id}/decisions", data=form).status_code == 303
    again = client.post(f"/leadership/meetings/{m.id}/decisions", data=form)
    assert again.status_code == 200 and STALE in again.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(MeetingDecision)).all()) == 1
