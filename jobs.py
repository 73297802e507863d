"""Background jobs on Huey: sending citizens' messages after commit, the periodic pick-up of
anything still pending, and the reminders.

The queue is a SQLite file in the instance folder by default (one machine); with
JOBS_REDIS_URL (or REDIS_URL) set it is Redis, shared by every app server and worker. Tests
run every task inline (JOBS_IMMEDIATE, TestingConfig). The worker:

    flask jobs worker            # the Huey consumer, with the app context

Periodic tasks hold a Huey lock while they run, and what they do is idempotent in the
database (a message is claimed by one UPDATE, a reminder is a unique row), so several workers
on several machines still do each piece of work once.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.exceptions import TaskLockedException

log = logging.getLogger("jiefen.jobs")

BASE_DIR = Path(__file__).resolve().parent


def build_huey():
    url = os.environ.get("JOBS_REDIS_URL") or os.environ.get("REDIS_URL")
    if url:
        return RedisHuey("jiefen", url=url, results=False)
    path = os.environ.get("JOBS_SQLITE_PATH") or str(BASE_DIR / "instance" / "jobs.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("jiefen", filename=path, results=False)


huey = build_huey()
_app = None


def init_app(app) -> None:
    """Tie the tasks to this app (its configuration and database) and choose inline mode."""
    global _app
    _app = app
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    _watch_commits()


def _context():
    """A fresh app context (so a database session of its own: a task runs inline right after
    the caller's commit) of the caller's app when there is one, else of the app the worker
    was started with."""
    if has_app_context():
        return current_app._get_current_object().app_context()
    if _app is None:
        raise RuntimeError("jobs.init_app(app) was not called")
    return _app.app_context()


def _enqueue(outbox_id: int) -> None:
    """Send now in this process when the running app says so (JOBS_IMMEDIATE: the tests), else
    put the task on the queue. Decided per call, by the app at hand: several apps in one
    process (the test suite) share the one Huey instance."""
    if has_app_context() and current_app.config.get("JOBS_IMMEDIATE"):
        send_message.call_local(outbox_id)
    else:
        send_message(outbox_id)


def shared_storage() -> bool:
    """Redis: several workers (on several servers) share the queue and its locks."""
    return isinstance(huey, RedisHuey) and not huey.immediate


def _lock(name: str, ttl: int):
    """The lock that makes a periodic task run once however many workers there are. On Redis
    it expires after `ttl` seconds (a worker killed mid-task does not hold it forever); the
    embedded SQLite queue has one worker and cannot expire a lock, so `flask jobs worker`
    clears its locks when it starts (cli_jobs.py)."""
    return huey.lock_task(name, ttl=ttl if shared_storage() else None)


@huey.task()
def send_message(outbox_id: int) -> None:
    from domain import notifications

    with _context():
        notifications.send_one(outbox_id)


@huey.periodic_task(crontab(minute="*/5"))
def sweep_outbox() -> None:
    """Anything pending whose time has come: retries, and messages whose enqueue was lost."""
    from domain import notifications

    try:
        with _lock("outbox-sweep", ttl=900), _context():
            notifications.sweep()
    except TaskLockedException:
        log.info("outbox sweep already running elsewhere")


@huey.periodic_task(crontab(minute="15"))
def reminders() -> None:
    """Hourly: due soon, overdue, follow-up due, and the registered others (each once)."""
    from domain import notifications

    try:
        with _lock("reminders", ttl=3000), _context():
            notifications.run_reminders()
    except TaskLockedException:
        log.info("reminders already running elsewhere")


# ---- enqueue after commit -------------------------------------------------------------------


def _watch_commits() -> None:
    from sqlalchemy.orm import Session

    if sa.event.contains(Session, "before_commit", _before_commit):
        return
    sa.event.listen(Session, "before_commit", _before_commit)
    sa.event.listen(Session, "after_commit", _after_commit)
    sa.event.listen(Session, "after_rollback", _after_rollback)


def _before_commit(session) -> None:
    from domain.notifications import ask_surveys

    ask_surveys(session)  # may queue messages: before the outbox rows are gathered
    rows = session.info.pop("outbox_new", None)
    if rows:
        session.flush()
        session.info["outbox_ids"] = [r.id for r in rows if r.id is not None]


def _after_commit(session) -> None:
    ids = session.info.pop("outbox_ids", None)
    for outbox_id in ids or ():
        try:
            _enqueue(outbox_id)
        except Exception:  # the queue is down: the periodic sweep sends it later
            log.exception("could not enqueue message %s; the sweep will send it", outbox_id)


def _after_rollback(session) -> None:
    session.info.pop("survey_cases", None)
    session.info.pop("outbox_new", None)
    session.info.pop("outbox_ids", None)
