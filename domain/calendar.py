"""China's calendar: the local date, the end of a day, and working days.

Pure date arithmetic with no database, no application and no other domain module, so every
part of the domain can count days with it. Working days follow China's public holidays and
make-up workdays (调休), as published by the State Council and packaged in chinese-calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

CHINA = ZoneInfo("Asia/Shanghai")


def local_today(now: datetime | None = None) -> date:
    """Today's date in China, whatever the server's zone."""
    return (now or datetime.now(UTC)).astimezone(CHINA).date()


def end_of_day(day: date) -> datetime:
    """The last moment of a China calendar day, as an aware datetime (a deadline "by" a day)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA)


def is_workday(day: date) -> bool:
    """A working day in China: holidays are off, make-up Saturdays/Sundays (调休) are on.
    Beyond the years the calendar package knows, Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
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
