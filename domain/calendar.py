"""China's calendar: the local date, the end of a day, and working days.

No other domain module is imported here, so every part of the domain can count days with it.
Working days follow China's public holidays and make-up workdays (调休) as published each year
by the State Council: first the schedule an administrator entered (models.Holiday), then the
schedule packaged in chinese-calendar (which knows 2004-2026 only), and for a year neither
knows, Monday to Friday; such a year is "unknown" and deadlines that count into it are flagged.

The entered schedule is read in one query the first time a request (or command) counts a
working day, and kept for that application context: a page that computes many deadlines never
queries per day. Writing a Holiday row (or rolling back) forgets it, so the next count in the
same context reads the new schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import Session

from extensions import db
from models import Holiday, HolidayKind

CHINA = ZoneInfo("Asia/Shanghai")

# The years chinese-calendar knows (it raises NotImplementedError outside them).
PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year

_CACHE_KEY = "_holiday_schedule"

# The dates anyone may type or send: mediation, its papers and its deadlines happen between
# these days. A forged year 1 or 9999 is refused where it comes in (a form, a paging cursor),
# so date arithmetic near the ends of Python's calendar (a deadline, a working-day count, a
# shift to UTC) never overflows.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


def local_today(now: datetime | None = None) -> date:
    """Today's date in China, whatever the server's zone."""
    return (now or datetime.now(UTC)).astimezone(CHINA).date()


def end_of_day(day: date) -> datetime:
    """The last moment of a China calendar day, as an aware datetime (a deadline "by" a day)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA)


@dataclass(frozen=True)
class Schedule:
    """The entered schedule: each entered day (True = a working day) and the years entered."""

    days: dict[date, bool]
    years: frozenset[int]


_EMPTY = Schedule({}, frozenset())


def schedule() -> Schedule:
    """The entered schedule, read once per application context (none outside one)."""
    if not has_app_context():
        return _EMPTY
    cached = g.get(_CACHE_KEY)
    if cached is None:
        # Callers may be half-way through writing a case (an event without its case yet):
        # reading the schedule must not flush them.
        with db.session.no_autoflush:
            rows = db.session.execute(sa.select(Holiday.day, Holiday.kind)).all()
        days = {day: kind == HolidayKind.WORKDAY for day, kind in rows}
        cached = Schedule(days, frozenset(day.year for day in days))
        setattr(g, _CACHE_KEY, cached)
    return cached


def forget() -> None:
    """Drop the cached schedule: the next count reads it again (after a change)."""
    if has_app_context():
        g.pop(_CACHE_KEY, None)


@sa.event.listens_for(Session, "after_flush")
def _schedule_written(session, flush_context) -> None:  # noqa: ARG001
    if any(isinstance(o, Holiday) for o in (*session.new, *session.dirty, *session.deleted)):
        forget()


@sa.event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction) -> None:  # noqa: ARG001
    # A schedule read after an uncommitted change must not outlive its rollback.
    forget()


def package_knows(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def year_known(year: int) -> bool:
    """Whether the holidays of `year` are known: entered, or packaged in chinese-calendar."""
    return package_knows(year) or year in schedule().years


def unknown_years(first: date, last: date) -> list[int]:
    """The years from `first` to `last` (inclusive) whose holidays nobody has entered and the
    package does not know: working days there are counted Monday to Friday."""
    if last < first:
        return []
    return [y for y in range(first.year, last.year + 1) if not year_known(y)]


def is_workday(day: date) -> bool:
    """A working day in China: holidays are off, make-up Saturdays/Sundays (调休) are on.
    The entered schedule first, then chinese-calendar, then Monday to Friday."""
    entered = schedule().days.get(day)
    if entered is not None:
        return entered
    if package_knows(day.year):
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            pass
    return day.weekday() < 5


def add_days(start: date, days: int, working: bool) -> date:
    """The last day of a limit of `days` days counted from the day after `start`."""
    if not working:
        return start + timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def days_between(first: date, last: date, working: bool) -> int:
    """Days from `first` (exclusive) to `last` (inclusive): calendar or working days."""
    if last <= first:
        return 0
    if not working:
        return (last - first).days
    return sum(
        1 for n in range(1, (last - first).days + 1) if is_workday(first + timedelta(days=n))
    )
