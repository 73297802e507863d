"""Scheduled sessions (domain/scheduling.py): who may schedule and when, the video link from
the configured template or a pasted one, rescheduling and cancelling, each party's notice,
the parties' answers, the record of a session held, and the day's list for the reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import scheduling
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from models import MediationSession
from models.enums import DocumentKind, SessionMode
from models.scheduling import PartyAnswer, SessionStatus
from models.states import CaseState
from tests.factories import events_of


def _soon(days=2, hour=10):
    """A working-hours time `days` ahead (Beijing 10:00 = 02:00 UTC)."""
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC)


@pytest.fixture
def case(world, db):
    c = world.case(CaseState.MEDIATING)
    db.session.commit()
    return c


def test_schedule_in_person_makes_a_notice_per_party(case, world, db):
    s = scheduling.schedule(
        case,
        world.mediator,
        version=case.version,
        starts_at=_soon(),
        mode=SessionMode.IN_PERSON,
        place="新民村调解室",
    )
    db.session.commit()
    assert s.status == SessionStatus.SCHEDULED and s.video_url is None
    assert {r.party_id for r in s.responses} == {p.id for p in case.parties}
    notices = [d for d in case.documents if d.kind == DocumentKind.SESSION_NOTICE]
    assert {d.subject_id for d in notices} == {r.id for r in s.responses}
    for r in s.responses:
        html = scheduling.documents.render_html(case, DocumentKind.SESSION_NOTICE, r.id)
        assert "调解通知书" in html and r.party.name in html and "新民村调解室" in html
        assert case.number in html and "请携带" in html
    (event,) = events_of(case, "schedule_session")
    assert event.data["session"] == s.id and event.public
    # Listed among the case's documents (the documents panel, the file).
    kinds = [x.kind for x in scheduling.documents.applicable(case)]
    assert kinds.count(DocumentKind.SESSION_NOTICE) == len(case.parties)


def test_video_link_from_the_template(case, world, db, app):
    app.config["VIDEO_MEETING_URL_TEMPLATE"] = "https://meet.centre.example/{case}/r-{room}"
    try:
        s = scheduling.schedule(
            case, world.mediator, version=None, starts_at=_soon(), mode=SessionMode.VIDEO
        )
        other = scheduling.make_video_url(case)
    finally:
        app.config["VIDEO_MEETING_URL_TEMPLATE"] = "https://meet.example.org/jiefen-{room}"
    prefix = f"https://meet.centre.example/{case.number}/r-"
    assert s.video_url.startswith(prefix) and other.startswith(prefix)
    room = s.video_url.removeprefix(prefix)
    assert len(room) >= 20 and room != other.removeprefix(prefix)  # unguessable, per session
    html = scheduling.documents.render_html(case, DocumentKind.SESSION_NOTICE, s.responses[0].id)
    assert s.video_url in html and "视频" in html


def test_video_without_template_needs_a_pasted_https_link(case, world, db, app):
    app.config["VIDEO_MEETING_URL_TEMPLATE"] = ""
    try:
        bad_links = (None, "http://m.x.org/a", "javascript:alert(1)", "https:///x", "https://a b")
        for bad in bad_links:
            with pytest.raises(ValidationFailed) as e:
                scheduling.schedule(
                    case,
                    world.mediator,
                    version=None,
                    starts_at=_soon(),
                    mode=SessionMode.VIDEO,
                    video_url=bad,
                    notices=False,
                )
            assert e.value.field == "video_url"
        s = scheduling.schedule(
            case,
            world.mediator,
            version=None,
            starts_at=_soon(),
            mode=SessionMode.VIDEO,
            video_url="https://meeting.tencent.example/j/123",
            notices=False,
        )
    finally:
        app.config["VIDEO_MEETING_URL_TEMPLATE"] = "https://meet.example.org/jiefen-{room}"
    assert s.video_url == "https://meeting.tencent.example/j/123"


def test_scheduling_rules(case, world, db):
    def go(**kw):
        args = {
            "version": None,
            "starts_at": _soon(),
            "mode": SessionMode.IN_PERSON,
            "place": "调解室",
            "notices": False,
        }
        return scheduling.schedule(case, kw.pop("who", world.mediator), **{**args, **kw})

    with pytest.raises(ValidationFailed) as e:
        go(starts_at=datetime.now(UTC) - timedelta(minutes=5))
    assert e.value.field == "starts_at"
    with pytest.raises(ValidationFailed) as e:
        go(place="  ")
    assert e.value.field == "place"
    with pytest.raises(NotPermitted):
        go(who=world.mediator2)  # not a mediator of this case
    with pytest.raises(NotPermitted):
        go(who=world.clerk)
    with pytest.raises(StaleCase):
        go(version=case.version - 1)
    assert scheduling.outside_working_hours(_soon(hour=20))
    go(who=world.director)  # the committee's director may
    # The same form sent twice (a double click): refused, one session stands.
    with pytest.raises(ValidationFailed) as e:
        go()
    assert e.value.field == "starts_at"
    go(starts_at=_soon(days=3))  # another time is another session


def test_closed_case_refused(world, db):
    closed = world.case(CaseState.FAILED)
    db.session.commit()
    assert not scheduling.may_schedule(world.mediator, closed)
    with pytest.raises((InvalidTransition, NotPermitted)):
        scheduling.schedule(
            closed,
            world.mediator,
            version=None,
            starts_at=_soon(),
            mode=SessionMode.PHONE,
            notices=False,
        )


def test_reschedule_and_cancel(case, world, db):
    s = scheduling.schedule(
        case, world.mediator, version=None, starts_at=_soon(), mode=SessionMode.VIDEO
    )
    with pytest.raises(ValidationFailed) as e:
        scheduling.reschedule(
            case, world.mediator, s, version=None, starts_at=_soon(3), mode=s.mode, reason=" "
        )
    assert e.value.field == "reason"
    new = scheduling.reschedule(
        case,
        world.mediator,
        s,
        version=None,
        starts_at=_soon(3),
        mode=SessionMode.VIDEO,
        reason="申请人出差",
    )
    db.session.commit()
    assert s.status == SessionStatus.RESCHEDULED and s.reason == "申请人出差"
    assert new.replaces_id == s.id and new.video_url == s.video_url  # the link is kept
    (event,) = events_of(case, "reschedule_session")
    assert event.data == {**event.data, "session": new.id, "replaces": s.id}
    with pytest.raises(ValidationFailed):  # the old one can no longer change
        scheduling.cancel(case, world.mediator, s, version=None, reason="x")
    scheduling.cancel(case, world.mediator, new, version=None, reason="双方已自行和解")
    db.session.commit()
    assert new.status == SessionStatus.CANCELLED
    assert events_of(case, "cancel_session")[0].data == {"session": new.id}
    assert scheduling.next_session(case) is None


def test_party_answers(case, world, db):
    s = scheduling.schedule(
        case,
        world.mediator,
        version=None,
        starts_at=_soon(),
        mode=SessionMode.PHONE,
        notices=False,
    )
    applicant, respondent = case.applicants[0], case.respondents[0]
    scheduling.respond(case, applicant, s, attend=True)
    with pytest.raises(ValidationFailed) as e:
        scheduling.respond(case, respondent, s, attend=False, note="")
    assert e.value.field == "note"
    with pytest.raises(ValidationFailed) as e:
        scheduling.respond(
            case,
            respondent,
            s,
            attend=False,
            note="那天要去医院",
            proposed_at=datetime.now(UTC) - timedelta(hours=1),
        )
    assert e.value.field == "proposed_at"
    scheduling.respond(case, respondent, s, attend=False, note="那天要去医院", proposed_at=_soon(4))
    db.session.commit()
    assert s.response_of(applicant).answer == PartyAnswer.CONFIRMED
    assert s.response_of(respondent).answer == PartyAnswer.RESCHEDULE
    (yes,) = events_of(case, "session_confirmed")
    (ask,) = events_of(case, "session_reschedule_asked")
    assert yes.data == {
        "session": s.id,
        "party_id": applicant.id,
        "party": applicant.name,
        "via": "party_online",
    }
    assert yes.actor_id is None
    assert ask.data["party_id"] == respondent.id and not ask.public
    other = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed):
        scheduling.respond(case, other.applicants[0], s, attend=True)


def test_held_record_links_the_session(case, world, db):
    s = scheduling.schedule(
        case,
        world.mediator,
        version=None,
        starts_at=_soon(),
        mode=SessionMode.IN_PERSON,
        place="调解室",
        notices=False,
    )
    rec = scheduling.record_held(
        case,
        world.mediator,
        s,
        version=case.version,
        held_at=datetime.now(UTC),
        place="调解室",
        mode=SessionMode.IN_PERSON,
        notes="双方陈述意见",
    )
    db.session.commit()
    assert isinstance(rec, MediationSession) and s.status == SessionStatus.HELD
    assert s.record_id == rec.id


def test_sessions_on_a_day_and_the_workbench_list(case, world, db):
    s = scheduling.schedule(
        case,
        world.mediator,
        version=None,
        starts_at=_soon(1),
        mode=SessionMode.PHONE,
        notices=False,
    )
    db.session.commit()
    day = s.starts_at.astimezone(scheduling.CHINA).date()
    assert scheduling.sessions_on(day) == [s]
    assert scheduling.sessions_on(day + timedelta(days=1)) == []
    assert scheduling.upcoming_for(world.mediator, day, day) == [s]
    assert scheduling.upcoming_for(world.mediator2, day, day) == []
