"""Suspended is not overdue: the clock stops while mediation is suspended (resuming moves the
deadline by the days suspended), so a suspended case past its old deadline is never counted
or shown as overdue. One definition in domain.clocks, in SQL and in Python."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from domain.clocks import (
    RUNNING_STATES,
    Urgency,
    case_urgency,
    due_soon_condition,
    is_overdue,
    local_today,
    overdue_condition,
)
from domain.closing import resume
from domain.referrals import feedback_overdue, feedback_urgency
from models import Case
from models.enums import ReferralKind
from models.states import CaseState


def _overdue_ids(db, today):
    return set(db.session.scalars(sa.select(Case.id).where(overdue_condition(today))))


def test_a_suspended_case_past_its_old_deadline_is_not_overdue(world, db):
    today = local_today()
    late = world.case(CaseState.MEDIATING, accepted_days_ago=60)
    paused = world.case(CaseState.SUSPENDED, accepted_days_ago=60)
    db.session.flush()
    assert paused.due_on < today and paused.suspended_since is not None  # its old deadline
    assert is_overdue(late, today) and not is_overdue(paused, today)
    assert case_urgency(late, today) == Urgency.OVERDUE
    assert case_urgency(paused, today) == Urgency.PAUSED
    assert _overdue_ids(db, today) >= {late.id} and paused.id not in _overdue_ids(db, today)
    soon = set(db.session.scalars(sa.select(Case.id).where(due_soon_condition(paused.due_on))))
    assert paused.id not in soon  # nor "due soon" on the day of its old deadline


def test_the_suspended_state_alone_stops_the_clock(world, db):
    """Both the state and suspended_since say it: either one keeps a case off the list."""
    assert CaseState.SUSPENDED not in RUNNING_STATES
    case = world.case(CaseState.MEDIATING, accepted_days_ago=60)
    case.suspended_since = datetime.now(UTC)  # a stopped clock, whatever the state says
    db.session.flush()
    assert not is_overdue(case) and case.id not in _overdue_ids(db, local_today())


def test_resuming_moves_the_deadline_and_the_clock_runs_again(world, db):
    case = world.case(CaseState.SUSPENDED, accepted_days_ago=60)
    old = case.due_on
    case.suspended_since = datetime.now(UTC) - timedelta(days=20)
    resume(case, world.mediator, version=None)
    db.session.flush()
    assert case.due_on == old + timedelta(days=20)
    assert is_overdue(case) == (case.due_on < local_today())
    assert (case.id in _overdue_ids(db, local_today())) == is_overdue(case)


def test_python_and_sql_agree_on_every_state(world, db):
    today = local_today()
    cases = [
        world.case(state, accepted_days_ago=45)
        for state in CaseState
        if state not in (CaseState.MERGED,)
    ]
    db.session.flush()
    in_sql = _overdue_ids(db, today)
    for case in cases:
        assert (case.id in in_sql) == is_overdue(case, today), case.state
    closed = [c for c in cases if c.state.is_closed]
    assert closed and all(case_urgency(c, today) == Urgency.NONE for c in closed)


def test_a_courts_report_waits_with_the_suspended_case(world, db):
    """The court's report is due with the mediation deadline (SPC-TY Art. 27): it does not
    run while the case is suspended. A police station's own deadline still does."""
    court = world.referral_case(ReferralKind.COURT, CaseState.SUSPENDED, accepted_days_ago=40)
    police = world.referral_case(ReferralKind.POLICE, CaseState.SUSPENDED, accepted_days_ago=40)
    db.session.flush()
    [c], [p] = court.referrals, police.referrals
    assert c.feedback_due_at < datetime.now(UTC)
    assert feedback_urgency(c) == Urgency.PAUSED and not feedback_overdue(c)
    assert feedback_urgency(p) == Urgency.OVERDUE and feedback_overdue(p)
