"""Time limits. Issue 2 uses the ordinary 30 calendar days from acceptance (MOJ-2002 Art. 33);
per-source limits and working-day clocks build on `due_date()`."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

CHINA = ZoneInfo("Asia/Shanghai")


def local_today(now: datetime | None = None) -> date:
    """Today's date in China, whatever the server's zone."""
    return (now or datetime.now(UTC)).astimezone(CHINA).date()


def due_date(start: datetime, days: int | None = None) -> date:
    """The last day of a time limit of `days` calendar days starting the day after `start`."""
    limit = days if days is not None else current_app.config["DEFAULT_TIME_LIMIT_DAYS"]
    return start.astimezone(CHINA).date() + timedelta(days=limit)


class Urgency(enum.StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"
    NONE = "none"

    @property
    def label(self):  # noqa: ANN201
        return {
            Urgency.OVERDUE: _l("Overdue"),
            Urgency.DUE_SOON: _l("Due soon"),
            Urgency.ON_TIME: _l("On time"),
            Urgency.NONE: _l("No deadline"),
        }[self]


def urgency(due_on: date | None, today: date | None = None) -> Urgency:
    if due_on is None:
        return Urgency.NONE
    today = today or local_today()
    if due_on < today:
        return Urgency.OVERDUE
    if (due_on - today).days <= current_app.config["DUE_SOON_DAYS"]:
        return Urgency.DUE_SOON
    return Urgency.ON_TIME


def days_left(due_on: date | None, today: date | None = None) -> int | None:
    if due_on is None:
        return None
    return (due_on - (today or local_today())).days
