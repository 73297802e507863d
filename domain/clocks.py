"""Time limits: normally one month (MOJ-2002 Art. 33); court cases 30 days (委派) or 15/7
days (委托, ordinary/summary procedure) from signing for the materials (SPC-TY Art. 27).

A court referral's own period comes first; otherwise the most specific TimeLimitRule
(organisation + source, then organisation, then source), else the default of 30 calendar
days. Working-day limits follow China's public holidays and make-up workdays
(domain.calendar). Suspension stops the clock: resuming moves the deadline by the days spent
suspended. An extension with both parties' consent adds days.

So a working-day deadline is always `clock_start` plus a number of working days (the limit,
the extensions and the days suspended so far): when the holiday schedule changes, that number
is kept and placed again on the new schedule (working_days_counted, recount_deadline).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

# The calendar arithmetic lives in domain.calendar; CHINA is offered here too for callers that
# take every time-limit name from this module.
from domain.calendar import CHINA as CHINA
from domain.calendar import add_days, days_between, end_of_day, local_today, unknown_years
from extensions import db
from models import Case, TimeLimitRule
from models.docking import Referral
from models.enums import ReferralKind
from models.states import OPEN_STATES, CaseState


def due_date(start: datetime, days: int | None = None, working: bool = False) -> date:
    """The deadline of a limit starting on the (China) date of `start`."""
    limit = days if days is not None else current_app.config["DEFAULT_TIME_LIMIT_DAYS"]
    return add_days(local_today(start), limit, working)


def _court(case: Case) -> Referral | None:
    """The case's court referral, if any (its period is set by the court, SPC-TY Art. 27)."""
    # Loading the referrals must not flush: callers may still be writing the new event.
    with db.session.no_autoflush:
        return next((r for r in case.referrals if r.kind == ReferralKind.COURT), None)


def limit_for(case: Case) -> tuple[int, bool]:
    """(days, working_days) for the case: a court referral's own period (30 / 15 / 7 calendar
    days, SPC-TY Art. 27), else the most specific configured rule, else the default."""
    court = _court(case)
    if court is not None:
        return court.court_days, False

    org_ids = [i for i in (case.handling_org_id, case.intake_org_id) if i is not None]
    rules = db.session.scalars(
        sa.select(TimeLimitRule).where(
            sa.or_(
                TimeLimitRule.organisation_id.in_(org_ids), TimeLimitRule.organisation_id.is_(None)
            ),
            sa.or_(TimeLimitRule.source == case.source, TimeLimitRule.source.is_(None)),
        )
    ).all()

    def rank(rule) -> tuple[int, int, int]:
        org_rank = (
            len(org_ids) - org_ids.index(rule.organisation_id)
            if rule.organisation_id in org_ids
            else 0
        )
        return (
            1 if rule.organisation_id is not None else 0,
            org_rank,
            1 if rule.source is not None else 0,
        )

    if rules:
        best = max(rules, key=rank)
        return best.days, best.working_days
    return current_app.config["DEFAULT_TIME_LIMIT_DAYS"], False


def start_clock(case, start: datetime) -> None:
    """Start the case's time limit on the (China) date of `start`; a court referral's clock
    starts on the day the court's materials were signed for, whenever the case is accepted."""
    court = _court(case)
    case.clock_start = local_today(court.received_at if court is not None else start)
    apply_limit(case)


def apply_limit(case) -> None:
    """(Re)compute the deadline from the clock start and the rule that now applies: called at
    acceptance, and again at dispatch, when the handling organisation's own rule may apply."""
    if case.clock_start is None or case.suspended_since is not None:
        return
    extended = case.extended_days or 0
    # Days the case spent suspended so far: resuming moved the deadline past the one its limit
    # and extensions give. Recomputing must keep them (a transfer after a suspension).
    paused = 0
    if case.due_on is not None and case.time_limit_days is not None:
        baseline = add_days(case.clock_start, case.time_limit_days + extended, case.working_days)
        paused = max(0, days_between(baseline, case.due_on, case.working_days))
    days, working = limit_for(case)
    case.time_limit_days, case.working_days = days, working
    case.due_on = add_days(add_days(case.clock_start, days + extended, working), paused, working)
    _court_feedback_due(case)


def _court_feedback_due(case) -> None:
    """A court's feedback is due by the mediation deadline: keep the two in step."""
    court = _court(case)
    if court is not None and case.due_on is not None:
        court.feedback_due_at = end_of_day(case.due_on)


def suspend_clock(case, now: datetime) -> None:
    case.suspended_since = now


def resume_clock(case, now: datetime) -> int:
    """Stop the suspension; the deadline moves by the days suspended. Returns those days."""
    if case.suspended_since is None:
        return 0
    paused = days_between(local_today(case.suspended_since), local_today(now), case.working_days)
    if case.due_on is not None:
        case.due_on = add_days(case.due_on, paused, case.working_days)
    case.suspended_since = None
    _court_feedback_due(case)
    return paused


def extend_clock(case, days: int) -> None:
    case.due_on = add_days(case.due_on or local_today(), days, case.working_days)
    case.extended_days = (case.extended_days or 0) + days
    _court_feedback_due(case)


def working_days_counted(case) -> int | None:
    """The working days the case's clock gives, counted on the schedule as it stands: the
    limit, the extensions and the days suspended so far. None for a calendar-day clock or a
    clock that has not started."""
    if not case.working_days or case.clock_start is None or case.due_on is None:
        return None
    return days_between(case.clock_start, case.due_on, working=True)


def recount_deadline(case, counted: int) -> date | None:
    """Place `counted` working days from the clock start on the schedule as it now stands.
    Returns the new deadline, or None when it does not move."""
    moved = add_days(case.clock_start, counted, working=True)
    if moved == case.due_on:
        return None
    case.due_on = moved
    _court_feedback_due(case)
    return moved


def unknown_holiday_years(case) -> list[int]:
    """The years a working-day deadline counts through whose holidays nobody has entered (and
    the calendar package does not know): there it counts Monday to Friday, so the deadline may
    move when the schedule is entered."""
    if not case.working_days or case.clock_start is None or case.due_on is None:
        return []
    return unknown_years(case.clock_start + timedelta(days=1), case.due_on)


class Urgency(enum.StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"
    PAUSED = "paused"
    NONE = "none"

    @property
    def label(self):  # noqa: ANN201
        return {
            Urgency.OVERDUE: _l("Overdue"),
            Urgency.DUE_SOON: _l("Due soon"),
            Urgency.ON_TIME: _l("On time"),
            Urgency.PAUSED: _l("Clock stopped"),
            Urgency.NONE: _l("No deadline"),
        }[self]


# ---- overdue: the one definition -------------------------------------------------------------
#
# A case is overdue when its clock runs and its deadline has passed. The clock runs while the
# case is open and not suspended: suspension stops it, and resuming moves the deadline by the
# days suspended, so a suspended case past its old deadline is not late (it is "suspended
# since …"). Every list, count and badge asks these functions, in SQL or in Python.

RUNNING_STATES = frozenset(OPEN_STATES - {CaseState.SUSPENDED})


def _due_soon_until(today: date) -> date:
    return today + timedelta(days=current_app.config["DUE_SOON_DAYS"])


def running_condition() -> sa.ColumnElement[bool]:
    """SQL: the case's clock runs (open, not suspended)."""
    return sa.and_(Case.state.in_(sorted(RUNNING_STATES)), Case.suspended_since.is_(None))


def overdue_condition(today: date) -> sa.ColumnElement[bool]:
    """SQL: the case is overdue (its clock runs and the deadline has passed). Reads the
    (state, due_on) index, one range per running state."""
    return sa.and_(running_condition(), Case.due_on < today)


def overdue_when_ended_condition(ended_on: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """SQL: an ended case was overdue on the day its mediation ended (`ended_on`: the China
    date of Case.closed_at, as an SQL expression). The same rule as overdue_condition, read on
    that day: the clock ran (mediation ends from a running or a suspended state, so "running"
    is "not suspended") and the deadline had passed. A case ended while suspended was not
    late, as a suspended case is not overdue; resuming earlier had moved its deadline by the
    days suspended. A case without a deadline is neither late nor on time (NULL)."""
    return sa.and_(Case.suspended_since.is_(None), Case.due_on < ended_on)


def was_overdue_when_ended(case: Case) -> bool | None:
    """Python twin of overdue_when_ended_condition: None without a deadline or an end."""
    if case.due_on is None or case.closed_at is None:
        return None
    return case.suspended_since is None and case.due_on < local_today(case.closed_at)


def due_soon_condition(today: date) -> sa.ColumnElement[bool]:
    """SQL: the clock runs and the deadline is today or within DUE_SOON_DAYS."""
    return sa.and_(running_condition(), Case.due_on.between(today, _due_soon_until(today)))


def is_running(case: Case) -> bool:
    return case.state in RUNNING_STATES and case.suspended_since is None


def is_overdue(case: Case, today: date | None = None) -> bool:
    """Python twin of overdue_condition."""
    return is_running(case) and case.due_on is not None and case.due_on < (today or local_today())


def case_urgency(case: Case, today: date | None = None) -> Urgency:
    """A case's deadline for a badge: PAUSED while suspended, NONE once closed or without a
    deadline, else by its date (overdue exactly when is_overdue)."""
    if case.state.is_closed or case.due_on is None:
        return Urgency.NONE
    if not is_running(case):
        return Urgency.PAUSED
    return urgency(case.due_on, today)


def urgency(due_on: date | None, today: date | None = None) -> Urgency:
    if due_on is None:
        return Urgency.NONE
    today = today or local_today()
    if due_on < today:
        return Urgency.OVERDUE
    if due_on <= _due_soon_until(today):
        return Urgency.DUE_SOON
    return Urgency.ON_TIME


def days_left(due_on: date | None, today: date | None = None) -> int | None:
    if due_on is None:
        return None
    return (due_on - (today or local_today())).days
