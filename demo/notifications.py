"""The staff inboxes of the demo world. The cases were made through the real workflow, so the
assignments, dispatches and online answers already left inbox lines (domain.notifications);
here today's reminders are given (due soon, overdue, follow-ups due), as the hourly job would."""

from __future__ import annotations

from domain import notifications
from domain.calendar import local_today


def load_notifications(world) -> None:
    notifications.run_reminders(local_today(world.now), commit=False)
