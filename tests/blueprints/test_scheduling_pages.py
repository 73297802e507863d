"""Scheduled sessions through the pages: the case-page panel (schedule, refusals beside their
field with the input kept, hostile input, a second tab, who may), the session notice printed,
the record of a session held prefilled from it, the mediator's workbench, and the parties'
answers from /status and /respond/case (and not for another case's party)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from domain import scheduling
from domain.calendar import CHINA
from models.enums import SessionMode
from models.scheduling import PartyAnswer, ScheduledSession, SessionStatus
from models.states import CaseState
from tests.blueprints.public.test_respond import invite, open_door
from tests.conftest import hx
from tests.factories import assert_done, earlier_today, events, fresh, open_panel


def _local(days=2, hour=10) -> str:
    day = (datetime.now(UTC).astimezone(CHINA) + timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:00"


def post(client, case, **fields):
    from extensions import db

    data = {
        "schedule-version": fresh(db, case).version,
        "schedule-starts_at": _local(),
        "schedule-mode": "in_person",
        "schedule-place": "新民村调解室",
        "schedule-bring": "身份证",
    }
    data.update({f"schedule-{k}": v for k, v in fields.items()})
    return client.post(f"/cases/{case.number}/schedule", data=data)


def error_of(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</', html, re.S)
    assert match, f"no error beside {field_id}"
    return match.group(1)


@pytest.fixture
def case(world, db):
    c = world.case(CaseState.MEDIATING)
    db.session.commit()
    return c


@pytest.mark.parametrize("htmx", [False, True])
def test_mediator_schedules_and_prints_the_notices(case, client, login, db, htmx):
    login("mediator")
    assert "Schedule a session" in open_panel(client, case, "schedule", "schedule").get_data(
        as_text=True
    )
    data = {
        "schedule-version": fresh(db, case).version,
        "schedule-starts_at": _local(),
        "schedule-mode": "in_person",
        "schedule-place": "新民村调解室",
    }
    response = client.post(
        f"/cases/{case.number}/schedule", data=data, headers=hx("panel-schedule") if htmx else {}
    )
    html = assert_done(client, response, case, htmx, "schedule", "Session scheduled")
    assert "新民村调解室" in html
    (s,) = fresh(db, case).scheduled_sessions
    assert len(events(db, case, "schedule_session")) == 1
    for r in s.responses:
        page = client.get(f"/cases/{case.number}/documents/session_notice/{r.id}/print")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "调解通知书" in text and "新民村调解室" in text


def test_refusals_beside_the_field_with_input_kept(case, client, login, db):
    login("mediator")
    past = (datetime.now(UTC).astimezone(CHINA) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "schedule-version": fresh(db, case).version,
        "schedule-starts_at": past,
        "schedule-mode": "in_person",
        "schedule-place": "村委会二楼",
    }
    response = client.post(f"/cases/{case.number}/schedule", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "past" in error_of(html, "schedule-starts_at")
    assert 'value="村委会二楼"' in html
    # Hostile input: never a 500, the message beside the field.
    for bad in ("javascript:alert(1)", "https://x" + "y" * 600, "http://plain.example"):
        data.update({"schedule-starts_at": _local(), "schedule-mode": "video"})
        data["schedule-video_url"] = bad
        response = client.post(f"/cases/{case.number}/schedule", data=data)
        assert response.status_code == 200
        assert error_of(response.get_data(as_text=True), "schedule-video_url")
    for junk in (
        {"schedule-mode": "zoom"},
        {"schedule-starts_at": "soon"},
        {"schedule-version": "x"},
    ):
        response = client.post(f"/cases/{case.number}/schedule", data={**data, **junk})
        assert response.status_code in (200, 400)
    assert fresh(db, case).scheduled_sessions == []


def test_stale_version_told(case, client, login, db):
    login("mediator")
    version = fresh(db, case).version
    assert post(client, case).status_code == 303
    response = client.post(
        f"/cases/{case.number}/schedule",
        data={
            "schedule-version": version,
            "schedule-starts_at": _local(3),
            "schedule-mode": "phone",
        },
    )
    html = response.get_data(as_text=True)
    assert "changed" in html.lower()
    assert len(fresh(db, case).scheduled_sessions) == 1


def test_who_may_schedule(case, world, client, login, db):
    login("clerk")
    assert post(client, case).status_code in (403, 404)
    client.post("/auth/logout")
    login("director")  # the committee's director may
    assert post(client, case).status_code == 303
    closed = world.case(CaseState.FAILED)
    db.session.commit()
    client.post("/auth/logout")
    login("mediator")
    assert post(client, closed).status_code == 403
    assert "Schedule a session" not in client.get(f"/cases/{closed.number}").get_data(as_text=True)


def test_held_record_prefilled_and_linked(case, world, client, login, db):
    s = scheduling.schedule(
        case,
        world.mediator,
        version=None,
        starts_at=datetime.now(UTC) + timedelta(minutes=30),
        mode=SessionMode.IN_PERSON,
        place="村委会会议室",
        notices=False,
    )
    db.session.commit()
    # The session started a while ago by the time the record is written.
    s.starts_at = earlier_today(timedelta(hours=1))
    db.session.commit()
    login("mediator")
    html = open_panel(client, case, "schedule", f"held-{s.id}").get_data(as_text=True)
    assert 'value="村委会会议室"' in html
    held_at = s.starts_at.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")
    assert held_at in html
    data = {
        f"held-{s.id}-version": fresh(db, case).version,
        f"held-{s.id}-held_at": held_at,
        f"held-{s.id}-place": "村委会会议室",
        f"held-{s.id}-mode": "in_person",
        f"held-{s.id}-present": [p.id for p in case.parties],
        f"held-{s.id}-notes": "双方各自陈述，调解员释法明理",
    }
    response = client.post(f"/cases/{case.number}/schedule/{s.id}/held", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    c = fresh(db, case)
    s = db.session.get(ScheduledSession, s.id)
    assert s.status == SessionStatus.HELD and s.record_id == c.sessions[0].id
    assert c.sessions[0].place == "村委会会议室"


def test_reschedule_and_cancel_pages(case, world, client, login, db):
    s = scheduling.schedule(
        case,
        world.mediator,
        version=None,
        starts_at=datetime.now(UTC) + timedelta(days=1),
        mode=SessionMode.PHONE,
        notices=False,
    )
    db.session.commit()
    login("mediator")
    base = f"/cases/{case.number}/schedule/{s.id}"
    p = f"reschedule-{s.id}"
    response = client.post(
        f"{base}/reschedule",
        data={
            f"{p}-version": fresh(db, case).version,
            f"{p}-starts_at": _local(3),
            f"{p}-mode": "phone",
            f"{p}-reason": "",
        },
    )
    assert error_of(response.get_data(as_text=True), f"{p}-reason")
    response = client.post(
        f"{base}/reschedule",
        data={
            f"{p}-version": fresh(db, case).version,
            f"{p}-starts_at": _local(3),
            f"{p}-mode": "phone",
            f"{p}-reason": "调解员临时出差",
        },
    )
    assert response.status_code == 303
    new = [x for x in fresh(db, case).scheduled_sessions if x.status == SessionStatus.SCHEDULED]
    assert len(new) == 1 and new[0].replaces_id == s.id
    c = f"cancel-{new[0].id}"
    response = client.post(
        f"/cases/{case.number}/schedule/{new[0].id}/cancel",
        data={f"{c}-version": fresh(db, case).version, f"{c}-reason": "已自行和解"},
    )
    assert response.status_code == 303
    assert db.session.get(ScheduledSession, new[0].id).status == SessionStatus.CANCELLED
    # Another case's session through this case's URL: 404.
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    assert client.post(f"/cases/{other.number}/schedule/{s.id}/cancel").status_code == 404


def test_workbench_lists_the_week(case, world, client, login, db):
    scheduling.schedule(
        case,
        world.mediator,
        version=None,
        starts_at=datetime.now(UTC) + timedelta(days=2),
        mode=SessionMode.PHONE,
        notices=False,
    )
    db.session.commit()
    login("mediator")
    html = client.get("/workbench/").get_data(as_text=True)
    assert 'id="upcoming-sessions"' in html and case.number in html
    client.post("/auth/logout")
    login("mediator2")
    assert 'id="upcoming-sessions"' not in client.get("/workbench/").get_data(as_text=True)


# ---- the parties' side ------------------------------------------------------------------------


def _video(case, world, db):
    s = scheduling.schedule(
        case,
        world.mediator,
        version=None,
        starts_at=datetime.now(UTC) + timedelta(days=1),
        mode=SessionMode.VIDEO,
        notices=False,
    )
    db.session.commit()
    return s


def test_applicant_confirms_on_the_status_page(case, world, client, db):
    s = _video(case, world, db)
    with client.session_transaction() as sess:
        sess["case_access"] = case.number
    html = client.get("/status").get_data(as_text=True)
    assert 'id="next-session"' in html and s.video_url in html
    response = client.post(f"/status/session/{s.id}", data={"session-answer": "attend"})
    assert response.status_code == 303
    db.session.expire_all()
    r = db.session.get(ScheduledSession, s.id).response_of(case.applicants[0])
    assert r.answer == PartyAnswer.CONFIRMED
    (event,) = events(db, case, "session_confirmed")
    assert event.data["session"] == s.id and event.data["party_id"] == case.applicants[0].id
    # Asking to reschedule without a note: refused beside the field, nothing lost.
    response = client.post(f"/status/session/{s.id}", data={"session-answer": "reschedule"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert error_of(html, "session-note")


def test_respondent_asks_to_reschedule_and_another_party_cannot(case, world, client, login, db):
    s = _video(case, world, db)
    party = case.respondents[0]
    code = invite(client, login, case, party)
    assert open_door(client, case, code).status_code == 303
    html = client.get("/respond/case").get_data(as_text=True)
    assert s.video_url in html and "Open the video meeting" in html
    response = client.post(
        f"/respond/session/{s.id}",
        data={
            "session-answer": "reschedule",
            "session-note": "那天要出差，下周可以",
            "session-proposed_at": _local(5),
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    r = db.session.get(ScheduledSession, s.id).response_of(party)
    assert r.answer == PartyAnswer.RESCHEDULE and r.proposed_at is not None
    (event,) = events(db, case, "session_reschedule_asked")
    assert event.data["party_id"] == party.id and event.data["session"] == s.id
    # The mediator sees it on the case page.
    login("mediator")
    assert "asks to reschedule" in client.get(f"/cases/{case.number}").get_data(as_text=True)
    client.post("/auth/logout")
    # A respondent of another case cannot answer for this one, nor see its link.
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    code2 = invite(client, login, other, other.respondents[0])
    assert open_door(client, other, code2).status_code == 303
    assert s.video_url not in client.get("/respond/case").get_data(as_text=True)
    client.post(f"/respond/session/{s.id}", data={"session-answer": "attend"})
    assert len(events(db, case, "session_confirmed")) == 0
    # Nobody's door open: sent to the door.
    client.post("/respond/leave")
    response = client.post(f"/respond/session/{s.id}", data={"session-answer": "attend"})
    assert response.status_code == 303 and "/respond" in response.headers["Location"]
