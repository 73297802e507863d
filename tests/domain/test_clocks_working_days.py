"""Time limits (domain.clocks, counting days with domain.calendar): working days across the 2026
holidays and make-up workdays, the rule precedence of limit_for, suspension and extension moving
the deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain import calendar
from domain.calendar import add_days, days_between, is_workday
from domain.clocks import limit_for
from domain.closing import extend, resume, suspend
from models import TimeLimitRule
from models.enums import Source
from models.states import CaseState


def test_2026_national_day_calendar():
    # chinese-calendar 1.11: Mid-autumn 25-27 Sept and National Day 1-7 Oct 2026 are off;
    # Sunday 20 Sept and Saturday 10 Oct 2026 are make-up working days.
    assert not any(is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert not any(is_workday(date(2026, 9, d)) for d in (25, 26, 27))
    assert is_workday(date(2026, 9, 20))
    assert is_workday(date(2026, 10, 10))
    assert not is_workday(date(2026, 10, 11))


def test_add_working_days_across_national_day():
    # From Wed 30 Sept: Oct 1-7 off, Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
    assert add_days(date(2026, 9, 30), 5, working=True) == date(2026, 10, 13)
    assert add_days(date(2026, 9, 30), 3, working=True) == date(2026, 10, 10)
    assert add_days(date(2026, 9, 30), 5, working=False) == date(2026, 10, 5)
    # The make-up Sunday 20 Sept counts: from Sat 19 Sept, one working day ends that Sunday.
    assert add_days(date(2026, 9, 19), 1, working=True) == date(2026, 9, 20)


def test_days_between_counts_working_days():
    assert days_between(date(2026, 9, 30), date(2026, 10, 13), working=True) == 5
    assert days_between(date(2026, 9, 30), date(2026, 10, 13), working=False) == 13
    assert days_between(date(2026, 10, 13), date(2026, 9, 30), working=True) == 0


def test_beyond_the_calendar_monday_to_friday(monkeypatch):
    def unknown(day):
        raise NotImplementedError

    monkeypatch.setattr(calendar.chinese_calendar, "is_workday", unknown)
    assert is_workday(date(2099, 1, 5))  # a Monday
    assert not is_workday(date(2099, 1, 4))  # a Sunday


# ---- limit_for precedence -------------------------------------------------------------------


def _rule(db, org=None, source=None, days=30, working=False):
    db.session.add(TimeLimitRule(organisation=org, source=source, days=days, working_days=working))
    db.session.flush()


def test_limit_for_default_then_source_then_org_then_both(world, db, app):
    case = world.case(CaseState.DISPATCHED, online=False)
    case.source = Source.COURT
    assert limit_for(case) == (app.config["DEFAULT_TIME_LIMIT_DAYS"], False)
    _rule(db, source=Source.COURT, days=15)
    _rule(db, source=Source.PETITION, days=60)
    assert limit_for(case) == (15, False)
    _rule(db, org=world.village_committee, days=20, working=True)
    assert limit_for(case) == (20, True)  # organisation beats source
    _rule(db, org=world.village_committee, source=Source.COURT, days=7, working=True)
    assert limit_for(case) == (7, True)  # organisation + source beats both


def test_limit_for_prefers_the_handling_organisation_over_intake(world, db):
    case = world.case(CaseState.DISPATCHED, online=False)
    _rule(db, org=world.county_centre, days=45)  # the intake organisation
    assert limit_for(case) == (45, False)
    _rule(db, org=world.village_committee, days=25)  # the handling organisation
    assert limit_for(case) == (25, False)


def test_the_clock_starts_with_the_rule(world, db):
    # The clock starts at acceptance, when the case is at the intake organisation.
    _rule(db, org=world.county_centre, days=10, working=True)
    case = world.case(CaseState.MEDIATING, online=False)
    assert (case.time_limit_days, case.working_days) == (10, True)
    assert case.due_on == add_days(case.clock_start, 10, True)


# ---- suspension and extension ---------------------------------------------------------------


@pytest.mark.parametrize("working", [False, True])
def test_suspension_moves_the_deadline(world, db, working):
    case = world.case(CaseState.MEDIATING)
    case.working_days = working
    case.due_on = date(2026, 10, 20)
    stop = datetime(2026, 9, 29, 2, tzinfo=UTC)  # 29 Sept in China
    back = datetime(2026, 10, 9, 2, tzinfo=UTC)  # 9 Oct in China
    suspend(case, world.mediator, version=None, reason="住院", now=stop)
    assert case.suspended_since == stop
    resume(case, world.mediator, version=None, now=back)
    db.session.flush()
    paused = days_between(date(2026, 9, 29), date(2026, 10, 9), working)
    # Calendar: 10 days; working: 30 Sept, 8 Oct, 9 Oct = 3 days.
    assert paused == (3 if working else 10)
    assert case.due_on == add_days(date(2026, 10, 20), paused, working)
    assert case.events[-1].data["paused_days"] == paused
    assert case.suspended_since is None


@pytest.mark.parametrize("working", [False, True])
def test_extension_adds_days(world, db, working):
    case = world.case(CaseState.MEDIATING)
    case.working_days = working
    case.due_on = date(2026, 9, 30)
    extend(case, world.mediator, version=None, days=5, reason="双方同意", both_parties_agree=True)
    assert case.due_on == (date(2026, 10, 13) if working else date(2026, 10, 5))
    assert case.extended_days == 5
    extend(case, world.mediator, version=None, days=1, reason="再延", both_parties_agree=True)
    assert case.extended_days == 6
