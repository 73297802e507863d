"""The seed clock: where "now" stands while the demo world is built, and how its moments are
drawn.

Domain functions take `now=` for the case's own dates, but timeline events, mediator links,
session, agreement, document and service rows get `utcnow()` as their insert default. While
installed, the clock fills those timestamps with the moment of the current step instead, on
insert only (events stay immutable). Each step runs at a moment in office hours (China time),
never after the real now.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from domain.clocks import CHINA, local_today
from extensions import db
from models import (
    Agreement,
    Case,
    CaseMediator,
    Document,
    DocumentService,
    Event,
    MatterEvent,
    MediationSession,
    RiskWarning,
    ScreeningRound,
    WatchItem,
)


class SeedClock:
    STAMPS: tuple[tuple[type, str], ...] = (
        (Event, "at"),
        (CaseMediator, "assigned_at"),
        (MediationSession, "created_at"),
        (Agreement, "created_at"),
        (Document, "created_at"),
        (DocumentService, "recorded_at"),
        (RiskWarning, "raised_at"),
        (MatterEvent, "at"),
        (ScreeningRound, "filed_at"),
        (WatchItem, "created_at"),
    )

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.today = local_today(now)
        self.at: datetime | None = None  # the moment of the current step
        self._listeners: list[tuple[type, Callable]] = []

    # ---- filling the insert defaults ----------------------------------------------------

    def install(self) -> None:
        for model, attr in self.STAMPS:

            def stamp(mapper, connection, target, attr=attr):  # noqa: ARG001
                if self.at is not None and getattr(target, attr) is None:
                    setattr(target, attr, self.at)

            sa.event.listen(model, "before_insert", stamp)
            self._listeners.append((model, stamp))

    def remove(self) -> None:
        for model, stamp in self._listeners:
            sa.event.remove(model, "before_insert", stamp)
        self._listeners.clear()

    @contextmanager
    def installed(self):
        self.install()
        try:
            yield self
        finally:
            self.remove()
            self.at = None

    def step(self, when: datetime, fn: Callable, *args, **kwargs):
        """Run one domain step with the clock at `when`, and write it out at that time."""
        self.at = when
        result = fn(*args, **kwargs)
        db.session.flush()
        return result

    def last_event(self, case: Case) -> datetime:
        """The moment of the latest step (the case's registration before any)."""
        return self.at or case.created_at

    # ---- drawing moments ----------------------------------------------------------------

    def office_time(self, days_ago: int) -> datetime:
        """A moment in office hours `days_ago` days ago (China time), never in the future."""
        day = self.today - timedelta(days=days_ago)
        minutes = self.rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=CHINA)
        moment = local.astimezone(UTC)
        if moment >= self.now:
            # Today's office hours are still ahead (just after midnight in China): earlier,
            # with room for the case's later steps before now.
            moment = self.now - timedelta(hours=3, minutes=minutes % 60)
        return moment

    def after(self, start: datetime, lo_hours: float, hi_hours: float) -> datetime:
        """A later moment, moved into office hours, and before now."""
        # Always draw the same numbers, so the demo does not depend on the time of day.
        moment = start + timedelta(hours=self.rng.uniform(lo_hours, hi_hours))
        minute = self.rng.randrange(0, 60)
        local = moment.astimezone(CHINA)
        if local.hour < 8:
            local = local.replace(hour=8, minute=30 + minute // 2)
        elif local.hour >= 18:
            local = (local + timedelta(days=1)).replace(hour=9, minute=minute)
        moment = local.astimezone(UTC)
        latest = self.now - timedelta(minutes=5)
        if moment > latest:
            # Steps squeezed up to now keep their order, a few seconds apart, and stay before
            # it (the five minutes' margin holds ten of them).
            moment = max(start + timedelta(seconds=30), latest)
        return moment

    def soon(self, at: datetime, minutes: int) -> datetime:
        """A few minutes later, but not after now (the timeline never runs backwards)."""
        return max(at, min(at + timedelta(minutes=minutes), self.now - timedelta(minutes=1)))
