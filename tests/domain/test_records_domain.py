"""Session and investigation records: the consent/notice rule, corrections as events, signed
records frozen, who may keep records."""

from datetime import UTC, datetime, timedelta

import pytest

from domain import records
from domain.consent import acknowledge_notice, record_consent
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from domain.mediation import record_session
from domain.states import Action
from models import Investigation, MediationSession
from models.enums import ConsentStatus, ContactMethod, NoticeAck, Role, SessionMode
from models.states import CaseState
from tests.factories import earlier_today, events_of, user


def _events(db, case, action):
    db.session.flush()
    return events_of(case, action)


def _session(case, actor, **kw):
    values = {
        "held_at": earlier_today(timedelta(minutes=5)),
        "place": "村委会",
        "mode": SessionMode.IN_PERSON,
        "notes": "双方陈述事实",
    }
    values.update(kw)
    return record_session(case, actor, version=case.version, **values)


def _investigation(case, actor, **kw):
    values = {
        "held_at": earlier_today(timedelta(hours=1)),
        "place": "田间",
        "investigators": "张调解、刘主任",
        "interviewee": "王五，男，60岁，邻居",
        "record": "问：排水沟何时堵塞？答：去年夏天。",
    }
    values.update(kw)
    return records.record_investigation(case, actor, version=case.version, **values)


# ---- consent and notice before a session ----------------------------------------------------


def test_session_needs_every_deciding_partys_consent(world, db):
    case = world.case(CaseState.MEDIATING, consented=False)
    with pytest.raises(ValidationFailed) as caught:
        _session(case, world.mediator)
    assert caught.value.field == "present"
    assert "Record the consent of every party first" in caught.value.message
    assert db.session.query(MediationSession).count() == 0


def test_present_party_must_have_acknowledged_the_notice(world, db):
    case = world.case(CaseState.MEDIATING, consented=False)
    applicant, respondent = case.applicants[0], case.respondents[0]
    for party in (applicant, respondent):
        record_consent(
            case,
            party,
            world.mediator,
            version=None,
            status=ConsentStatus.AGREED,
            method=ContactMethod.PHONE,
        )
    acknowledge_notice(case, applicant, world.mediator, version=None, how=NoticeAck.WRITTEN)
    with pytest.raises(ValidationFailed) as caught:
        _session(case, world.mediator, present=[applicant, respondent])
    assert caught.value.field == "present"
    assert respondent.name in caught.value.message
    # Only the applicant came: they acknowledged, so the session can be recorded.
    session = _session(
        case,
        world.mediator,
        present=[applicant],
        participants="村支书李四",
        accounts="申请人：排水沟堵塞",
        result="约定下周再谈",
    )
    assert session.present_party_ids == [applicant.id]
    assert session.participants == "村支书李四" and session.result == "约定下周再谈"


def test_session_needs_someone_present(world, db):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed) as caught:
        _session(case, world.mediator, present=[])
    assert caught.value.field == "present"


# ---- investigation --------------------------------------------------------------------------


def test_record_investigation_is_an_internal_event(world, db):
    case = world.case(CaseState.MEDIATING)
    version = case.version
    investigation = _investigation(case, world.mediator)
    db.session.flush()
    assert case.state == CaseState.MEDIATING
    assert case.version == version + 1
    assert investigation.recorded_by_id == world.mediator.id
    assert investigation.interviewee == "王五，男，60岁，邻居"
    [event] = _events(db, case, Action.RECORD_INVESTIGATION)
    assert event.public is False and event.actor_id == world.mediator.id
    assert event.data["investigation_id"] == investigation.id


@pytest.mark.parametrize("field", ["investigators", "interviewee", "record"])
def test_investigation_needs_its_fields(world, db, field):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed) as caught:
        _investigation(case, world.mediator, **{field: "  "})
    assert caught.value.field == field
    assert db.session.query(Investigation).count() == 0


def test_investigation_not_before_acceptance(world, db):
    case = world.case(CaseState.MEDIATING, accepted_days_ago=3)
    with pytest.raises(ValidationFailed) as caught:
        _investigation(case, world.mediator, held_at=datetime.now(UTC) - timedelta(days=10))
    assert caught.value.field == "held_at"


def test_investigation_refused_outside_mediation_and_for_others(world, db):
    suspended = world.case(CaseState.SUSPENDED)
    with pytest.raises(InvalidTransition):
        _investigation(suspended, world.mediator)
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(NotPermitted):
        _investigation(case, world.mediator_b)  # same committee, not on the case
    with pytest.raises(StaleCase):
        records.record_investigation(
            case,
            world.mediator,
            version=case.version - 1,
            held_at=datetime.now(UTC),
            place=None,
            investigators="张",
            interviewee="王",
            record="记录",
        )


def test_joint_mediation_staff_keep_records(world, db):
    case = world.case(CaseState.JOINT_MEDIATION)
    assert case.joint_org_id == world.township_centre.id
    joint = user("tdirector", Role.DIRECTOR, world.township_centre)
    db.session.flush()
    _investigation(case, joint)
    session = _session(case, joint)
    records.sign_record(case, session, joint, version=case.version)
    assert session.signed_at is not None


# ---- corrections and signing ----------------------------------------------------------------


def test_edit_session_writes_an_event_naming_the_fields(world, db):
    case = world.case(CaseState.MEDIATING)
    session = _session(case, world.mediator)
    db.session.flush()
    version = case.version
    changed = records.edit_session(
        case,
        session,
        world.director,
        version=version,
        held_at=session.held_at,
        place="村委会",
        mode=SessionMode.PHONE,
        notes="双方陈述事实，补充：申请人出示照片",
        present=[case.respondents[0], case.applicants[0]],
        result="下周再谈",
    )
    assert set(changed) == {"mode", "notes", "result"}  # the order of the ticks is no change
    assert session.mode == SessionMode.PHONE and session.result == "下周再谈"
    assert case.state == CaseState.MEDIATING
    edits = [e for e in _events(db, case, Action.RECORD_SESSION) if e.data.get("edited")]
    [edit] = edits
    assert edit.data == {
        "edited": session.id,
        "record": "session",
        "fields": ["mode", "notes", "result"],
    }
    assert edit.actor_id == world.director.id and edit.public is False
    assert case.version == version + 1


def test_edit_without_change_writes_nothing(world, db):
    case = world.case(CaseState.MEDIATING)
    investigation = _investigation(case, world.mediator)
    db.session.flush()
    version = case.version
    changed = records.edit_investigation(
        case,
        investigation,
        world.mediator,
        version=version,
        held_at=investigation.held_at,
        place=investigation.place,
        investigators=investigation.investigators,
        interviewee=investigation.interviewee,
        record=investigation.record,
    )
    db.session.flush()
    assert changed == []
    assert case.version == version
    assert len(_events(db, case, Action.RECORD_INVESTIGATION)) == 1


def test_signed_records_are_frozen(world, db):
    case = world.case(CaseState.MEDIATING)
    session = _session(case, world.mediator)
    investigation = _investigation(case, world.mediator)
    db.session.flush()
    records.sign_record(case, session, world.mediator, version=case.version)
    records.sign_record(case, investigation, world.mediator, version=case.version)
    db.session.flush()
    assert session.signed_at is not None and investigation.signed_at is not None
    signs = _events(db, case, Action.SIGN_RECORD)
    assert [(e.data["record"], e.data["record_id"]) for e in signs] == [
        ("session", session.id),
        ("investigation", investigation.id),
    ]
    assert all(e.public is False for e in signs)
    with pytest.raises(ValidationFailed, match="can no longer be changed"):
        records.edit_session(
            case,
            session,
            world.mediator,
            version=case.version,
            held_at=session.held_at,
            place="x",
            mode=SessionMode.VIDEO,
            notes="改",
            present=case.parties,
        )
    with pytest.raises(ValidationFailed, match="can no longer be changed"):
        records.edit_investigation(
            case,
            investigation,
            world.mediator,
            version=case.version,
            held_at=investigation.held_at,
            place=None,
            investigators="x",
            interviewee="y",
            record="z",
        )
    with pytest.raises(ValidationFailed):
        records.sign_record(case, session, world.mediator, version=case.version)
    assert session.notes == "双方陈述事实"


def test_sign_after_the_case_ended_but_no_more_edits(world, db):
    case = world.case(CaseState.AGREED)  # the factory recorded one session
    [session] = case.sessions
    with pytest.raises(InvalidTransition):
        records.edit_session(
            case,
            session,
            world.mediator,
            version=case.version,
            held_at=session.held_at,
            place="x",
            mode=SessionMode.VIDEO,
            notes="改",
            present=case.parties,
        )
    records.sign_record(case, session, world.mediator, version=case.version)
    assert session.signed_at is not None
    assert case.state == CaseState.AGREED


def test_record_of_another_case_is_refused(world, db):
    case = world.case(CaseState.MEDIATING)
    other = world.case(CaseState.MEDIATING)
    session = _session(other, world.mediator)
    db.session.flush()
    with pytest.raises(ValidationFailed):
        records.sign_record(case, session, world.mediator, version=case.version)
