"""Workflow rules through the domain functions."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from domain.clocks import local_today
from domain.dispatch import assign_mediator, dispatch_to_organisation
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from domain.mediation import record_agreement, record_failure, record_session
from domain.screening import ScreeningData, accept_case, not_accept_case
from models import Event, ImmutableEventError
from models.enums import AgreementKind, SessionMode
from models.states import CaseState
from tests.factories import agreement_data, hold_session


def events(db, case):
    return db.session.scalars(sa.select(Event).where(Event.case_id == case.id).order_by(Event.id))


def test_accept_starts_30_day_clock(world, db):
    case = world.case()
    now = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in China
    accept_case(
        case,
        world.clerk,
        version=case.version,
        screening=ScreeningData.clear(note="符合受理条件"),
        now=now,
    )
    assert case.state == CaseState.ACCEPTED
    assert case.due_on == date(2026, 3, 31)
    last = list(events(db, case))[-1]
    assert (last.action, last.from_state, last.to_state) == ("accept", "registered", "accepted")
    assert last.actor_id == world.clerk.id and last.public


def test_accept_date_uses_china_time(world, db):
    case = world.case()
    late_utc = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # already 2 March in China
    accept_case(case, world.clerk, version=None, screening=ScreeningData.clear(), now=late_utc)
    assert case.due_on == date(2026, 4, 1)


def test_not_accept_needs_reason_and_advice(world):
    case = world.case()
    with pytest.raises(ValidationFailed) as info:
        not_accept_case(case, world.clerk, version=None, reason=" ", redirect_advice="x")
    assert info.value.field == "reason"
    with pytest.raises(ValidationFailed) as info:
        not_accept_case(case, world.clerk, version=None, reason="x", redirect_advice="")
    assert info.value.field == "redirect_advice"
    assert case.state == CaseState.REGISTERED


def test_mediator_cannot_screen(world):
    case = world.case()
    with pytest.raises(NotPermitted):
        accept_case(case, world.mediator, version=None, screening=ScreeningData.clear())


def test_stale_version_refused(world):
    case = world.case()
    with pytest.raises(StaleCase):
        accept_case(case, world.clerk, version=case.version - 1, screening=ScreeningData.clear())
    assert case.state == CaseState.REGISTERED


def test_dispatch_override_needs_reason(world):
    case = world.case(CaseState.ACCEPTED)
    with pytest.raises(ValidationFailed) as info:
        dispatch_to_organisation(case, world.township_centre, world.clerk, version=None)
    assert info.value.field == "reason"
    dispatch_to_organisation(
        case, world.township_centre, world.clerk, version=None, reason="当事人要求到镇里调解"
    )
    assert case.handling_org == world.township_centre
    assert case.state == CaseState.DISPATCHED


def test_dispatch_to_partner_refused(world):
    case = world.case(CaseState.ACCEPTED)
    with pytest.raises(ValidationFailed):
        dispatch_to_organisation(case, world.court, world.clerk, version=None, reason="x")


def test_assign_only_mediators_of_handling_org(world):
    case = world.case(CaseState.DISPATCHED)
    with pytest.raises(ValidationFailed):
        assign_mediator(case, world.mediator2, world.clerk, version=None)
    assign_mediator(case, world.mediator, world.clerk, version=None)
    assert case.presiding_mediator == world.mediator
    assign_mediator(case, world.mediator_b, world.director, version=None)
    assert case.presiding_mediator == world.mediator_b
    assert [m.active for m in case.mediators] == [False, True]


def test_only_assigned_mediator_records(world):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(NotPermitted):
        record_failure(case, world.mediator_b, version=None, reason="x")
    record_session(
        case,
        world.director,
        version=None,
        held_at=datetime.now(UTC),
        place="x",
        mode=SessionMode.PHONE,
        notes="电话沟通",
    )
    assert case.state == CaseState.MEDIATING


def test_agreement_rules(world):
    case = world.case(CaseState.MEDIATING)
    hold_session(case, world.mediator)
    data = agreement_data(terms=["", " "], performance_manner=None)
    with pytest.raises(ValidationFailed) as info:
        record_agreement(case, world.mediator, version=None, data=data)
    assert info.value.field == "terms"
    data.terms = ["赔偿500元"]
    with pytest.raises(ValidationFailed) as info:
        record_agreement(case, world.mediator, version=None, data=data)
    assert info.value.field == "performance_manner"
    oral = agreement_data(AgreementKind.ORAL, terms=["当场道歉"], performance_manner="当场道歉")
    record_agreement(case, world.mediator, version=None, data=oral)
    assert case.state == CaseState.AGREED and case.closed_at is not None
    with pytest.raises(InvalidTransition):
        record_failure(case, world.mediator, version=None, reason="x")


def test_every_state_change_has_its_event(world, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    changes = [e for e in events(db, case) if e.to_state]
    chain = [(e.from_state, e.to_state) for e in changes if e.from_state != e.to_state]
    assert chain == [
        ("registered", "accepted"),
        ("accepted", "dispatched"),
        ("dispatched", "mediating"),
        ("mediating", "agreed"),
    ]


def test_events_are_never_updated_or_deleted(world, db):
    case = world.case()
    db.session.commit()
    event = db.session.scalars(sa.select(Event).where(Event.case_id == case.id)).first()
    event.note = "changed"
    with pytest.raises(ImmutableEventError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(Event, event.id))
    with pytest.raises(ImmutableEventError):
        db.session.flush()
    db.session.rollback()


def test_concurrent_update_detected_by_version_counter(world, db, app):
    """Two staff load the same case; the second commit loses and nothing is overwritten."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    from models import Case

    case = world.case()
    db.session.commit()
    other = Session(db.engine)
    try:
        theirs = other.get(Case, case.id)
        mine = db.session.get(Case, case.id)
        accept_case(mine, world.clerk, version=mine.version, screening=ScreeningData.clear())
        db.session.commit()
        theirs.summary = "lost update?"
        with pytest.raises(StaleDataError):
            other.commit()
        other.rollback()
    finally:
        other.close()
    db.session.expire_all()
    reloaded = db.session.get(Case, case.id)
    assert reloaded.state == CaseState.ACCEPTED and reloaded.summary != "lost update?"


def test_overdue_after_30_days(world, app):
    from domain.clocks import Urgency, urgency

    today = date(2026, 5, 1)
    assert urgency(today - timedelta(days=1), today) == Urgency.OVERDUE
    assert urgency(today + timedelta(days=5), today) == Urgency.DUE_SOON
    assert urgency(today + timedelta(days=6), today) == Urgency.ON_TIME
    assert urgency(None, today) == Urgency.NONE


def test_session_and_agreement_dates_not_before_acceptance(world):
    case = world.case(CaseState.MEDIATING, accepted_days_ago=3)
    with pytest.raises(ValidationFailed) as info:
        record_session(
            case,
            world.mediator,
            version=None,
            held_at=datetime(1900, 1, 1, tzinfo=UTC),
            place="x",
            mode=SessionMode.IN_PERSON,
            notes="x",
        )
    assert info.value.field == "held_at"
    hold_session(case, world.mediator)
    oral = agreement_data(
        AgreementKind.ORAL, terms=["x"], agreed_on=local_today() - timedelta(days=30)
    )
    with pytest.raises(ValidationFailed) as info:
        record_agreement(case, world.mediator, version=None, data=oral)
    assert info.value.field == "agreed_on"
    oral.agreed_on = local_today() + timedelta(days=3)
    with pytest.raises(ValidationFailed) as info:
        record_agreement(case, world.mediator, version=None, data=oral)
    assert info.value.field == "agreed_on"


def test_session_needs_the_no_conflict_declaration(world):
    from domain.recusal import declare_no_conflict

    case = world.case(CaseState.MEDIATING)
    for link in case.mediators:
        link.declared_no_conflict_at = None

    def session():
        record_session(
            case,
            world.mediator,
            version=None,
            held_at=datetime.now(UTC),
            place="x",
            mode=SessionMode.IN_PERSON,
            notes="n",
        )

    with pytest.raises(ValidationFailed, match="Declare"):
        session()
    declare_no_conflict(case, world.mediator, version=None)
    session()
    assert case.sessions


def test_session_needs_consent_and_notice(world):
    case = world.case(CaseState.MEDIATING, consented=False)
    with pytest.raises(ValidationFailed, match="consent"):
        record_session(
            case,
            world.mediator,
            version=None,
            held_at=datetime.now(UTC),
            place="x",
            mode=SessionMode.IN_PERSON,
            notes="n",
        )
