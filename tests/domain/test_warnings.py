"""Early warnings: raised by a case's colour, response times per colour, answers on the case
timeline, overdue flags, escalation suggestions, scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain import risk, warnings
from domain.errors import NotPermitted, StaleCase, ValidationFailed
from domain.states import Action
from models import Event
from models.enums import RiskLevel
from models.prevention import ResponseKind, RiskWarning
from models.risk import RiskFlag
from models.states import CaseState
from models.types import utcnow


def _red(world, db, flags=(RiskFlag.MASS_INCIDENT,)):
    case = world.case(CaseState.MEDIATING)
    risk.set_risk(
        case, world.mediator, version=None, level=RiskLevel.RED, flags=flags, reason="扬言集体上访"
    )
    db.session.commit()
    return case


def test_a_colour_raises_a_warning_and_a_new_colour_replaces_it(world, db):
    case = _red(world, db)
    (first,) = db.session.scalars(sa.select(RiskWarning).where(RiskWarning.case_id == case.id))
    assert first.level == RiskLevel.RED and first.organisation == case.handling_org
    risk.set_risk(
        case, world.mediator, version=None, level=RiskLevel.ORANGE, flags=[], reason="缓和"
    )
    db.session.commit()
    rows = db.session.scalars(
        sa.select(RiskWarning).where(RiskWarning.case_id == case.id).order_by(RiskWarning.id)
    ).all()
    assert [w.level for w in rows] == [RiskLevel.RED, RiskLevel.ORANGE]
    assert rows[0].closed_at is not None and rows[1].closed_at is None
    risk.set_risk(case, world.mediator, version=None, level=RiskLevel.NONE, flags=[], reason="化解")
    db.session.commit()
    assert all(w.closed_at is not None for w in rows)


def test_response_times_overdue_and_the_answer_on_the_timeline(world, db):
    case = _red(world, db)
    warning = db.session.scalar(sa.select(RiskWarning).where(RiskWarning.case_id == case.id))
    hours = warnings.response_hours()
    assert hours == {
        RiskLevel.RED: 2,
        RiskLevel.ORANGE: 8,
        RiskLevel.YELLOW: 72,
        RiskLevel.BLUE: 168,
    }
    assert warnings.due_at(warning, hours) == warning.raised_at + timedelta(hours=2)
    now = utcnow()
    assert warnings.board(world.leader, now=now).overdue == 0
    later = now + timedelta(hours=3)
    board = warnings.board(world.leader, now=later)
    assert board.unanswered == 1 and board.overdue == 1 and board.rows == [warning]
    warnings.set_response_hours(world.admin, RiskLevel.RED, 4)
    db.session.commit()
    assert warnings.board(world.leader, now=later).overdue == 0
    with pytest.raises(NotPermitted):
        warnings.respond(
            warning, world.mediator, version=None, kind=ResponseKind.REPORTED, note="x"
        )
    with pytest.raises(ValidationFailed):
        warnings.respond(warning, world.leader, version=None, kind=ResponseKind.REPORTED, note=" ")
    warnings.respond(
        warning,
        world.leader,
        version=warning.version,
        kind=ResponseKind.REPORTED,
        note="已报县委政法委",
    )
    db.session.commit()
    assert warning.answered_by == world.leader and warning.response_kind == ResponseKind.REPORTED
    events = db.session.scalars(
        sa.select(Event).where(Event.case_id == case.id, Event.action == Action.RESPOND_WARNING)
    ).all()
    assert len(events) == 1 and events[0].note == "已报县委政法委" and not events[0].public
    assert warnings.board(world.leader, now=later).unanswered == 0
    assert [e.id for e in warnings.history(warning)] == [events[0].id]
    # A further response from a fresh page is recorded; the same form sent again is told.
    seen = warning.version
    warnings.respond(
        warning, world.leader, version=seen, kind=ResponseKind.RESPONDED, note="已稳控"
    )
    db.session.commit()
    with pytest.raises(StaleCase):
        warnings.respond(
            warning, world.leader, version=seen, kind=ResponseKind.RESPONDED, note="已稳控"
        )
    assert len(warnings.history(warning)) == 2


def test_escalation_suggestions_follow_the_flags():
    assert warnings.suggestions(RiskLevel.YELLOW, []) == []
    county = warnings.suggestions(RiskLevel.ORANGE, [RiskFlag.MASS_INCIDENT])
    assert len(county) == 1 and "county" in str(county[0])
    police = warnings.suggestions(RiskLevel.ORANGE, [RiskFlag.CIVIL_TO_CRIMINAL])
    assert "police" in str(police[0])
    assert warnings.suggestions(RiskLevel.RED, [])  # red always goes up


def test_another_countys_leader_sees_nothing(world, db):
    case = _red(world, db)
    warning = db.session.scalar(sa.select(RiskWarning).where(RiskWarning.case_id == case.id))
    assert warnings.board(world.leader2).rows == []
    assert warnings.get_for(world.leader2, warning.id) is None
    assert warnings.get_for(world.leader, warning.id) == warning


def test_empty_database(db):
    from models import User
    from models.enums import Role

    assert db.session.scalar(sa.select(sa.func.count(RiskWarning.id))) == 0
    assert Role.LEADER and User
