"""Notifications: inbox lines derived from timeline events, citizens' messages through the
outbox on the queue (inline in tests), retries after a failing backend, reminders once, and
no personal data in the log."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

import jobs
from domain import notifications, senders
from models import Notification, Outbox, ReminderSent
from models.notify import OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENT
from models.states import CaseState
from models.types import utcnow


def _rows(db, model, **where):
    db.session.expire_all()
    stmt = sa.select(model).filter_by(**where).order_by(model.id)
    return list(db.session.scalars(stmt))


def test_queue_runs_inline_in_tests(app):
    """Inline by the running app's configuration, whatever another app in this process set
    on the shared Huey instance (tests create apps of every configuration)."""
    from app import create_app
    from config import DevelopmentConfig

    assert app.config["JOBS_IMMEDIATE"] is True
    create_app(DevelopmentConfig)  # another app: the queue's instance is no longer immediate
    assert jobs.huey.immediate is False
    calls = []
    original = jobs.send_message.call_local
    try:
        jobs.send_message.call_local = lambda outbox_id: calls.append(outbox_id)
        jobs._enqueue(42)
    finally:
        jobs.send_message.call_local = original
    assert calls == [42]  # this app's configuration decided: sent in this process, now
    # The embedded queue's own storage (not the memory of immediate mode): its locks work
    # (they cannot expire there; `flask jobs worker` clears them when it starts).
    try:
        with jobs.huey.lock_task("reminders"):
            jobs.reminders.call_local()  # another worker holds it: does nothing, no error
        jobs.reminders.call_local()
    finally:
        jobs.init_app(app)
    assert jobs.huey.immediate is True


def test_dispatch_and_assignment_reach_the_inboxes(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    mine = _rows(db, Notification, user_id=world.mediator.id, case_id=case.id)
    assert [n.kind for n in mine] == ["new_assignment"]
    # Dispatched to the committee: its director was told.
    assert _rows(db, Notification, user_id=world.director.id, case_id=case.id)
    # The clerk acted: never told of their own act.
    assert not _rows(db, Notification, user_id=world.clerk.id)


def test_opted_in_applicant_gets_acceptance_sent_after_commit(world, db, caplog, monkeypatch):
    # The migrations' logging setup (run by the app fixture) disables loggers that existed.
    monkeypatch.setattr(logging.getLogger("jiefen.notify"), "disabled", False)
    case = world.case(CaseState.REGISTERED)
    applicant = case.applicants[0]
    notifications.set_preference(
        applicant, sms=True, email=True, email_address="zhang@example.org", language="en"
    )
    db.session.commit()
    from domain.screening import ScreeningData, accept_case

    with caplog.at_level(logging.INFO, logger="jiefen.notify"):
        accept_case(case, world.clerk, version=None, screening=ScreeningData.clear())
        db.session.commit()
    rows = _rows(db, Outbox, case_id=case.id, kind="accepted")
    assert {r.channel for r in rows} == {"sms", "email"}
    assert {r.status for r in rows} == {OUTBOX_SENT}
    assert all(r.language == "en" for r in rows)
    # The log backend names the kind, the case and the channel; never the phone, the
    # address, the name or the text.
    text = caplog.text
    assert "accepted" in text and case.number in text
    for secret in (applicant.phone, "zhang@example.org", applicant.name, "accepted for mediation"):
        assert secret not in text


def test_nothing_for_a_party_without_opt_in(world, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    assert not _rows(db, Outbox, case_id=case.id)


def test_rendered_in_the_party_language(world, db, app):
    case = world.case(CaseState.REGISTERED)
    row = Outbox(
        case_id=case.id,
        channel="sms",
        recipient="13800000000",
        kind="accepted",
        language="zh_Hans",
        params={"case": case.number},
    )
    db.session.add(row)
    db.session.flush()
    subject, text = notifications.render(row)
    assert case.number in subject and case.number in text
    row.language = "en"
    subject_en, _ = notifications.render(row)
    assert subject_en.startswith("Case ") and case.number in subject_en


class Flaky:
    def __init__(self, failures):
        self.failures = failures
        self.sent = []

    def __call__(self, message, config):
        if self.failures:
            self.failures -= 1
            raise senders.SendFailed("gateway: HTTP 503")
        self.sent.append(message)


def test_failed_send_is_retried_with_backoff_then_sent(world, db, monkeypatch):
    flaky = Flaky(failures=2)
    monkeypatch.setitem(senders.BACKENDS, "log", flaky)
    case = world.case(CaseState.REGISTERED)
    notifications.set_preference(
        case.applicants[0],
        sms=True,
        email=False,
        email_address=None,
        language="zh_Hans",
        receipt=True,
    )
    db.session.commit()  # sent after commit: the first attempt fails
    (row,) = _rows(db, Outbox, case_id=case.id)
    assert row.kind == "receipt"
    assert (row.status, row.attempts, row.last_error) == (OUTBOX_PENDING, 1, "gateway: HTTP 503")
    assert row.next_attempt_at > utcnow()
    # Not yet due: the sweep leaves it.
    assert notifications.sweep() == 0
    later = utcnow() + timedelta(minutes=2)
    assert notifications.sweep(later) == 0  # second attempt fails too
    (row,) = _rows(db, Outbox, case_id=case.id)
    assert (row.status, row.attempts) == (OUTBOX_PENDING, 2)
    assert notifications.sweep(later + timedelta(hours=1)) == 1
    (row,) = _rows(db, Outbox, case_id=case.id)
    assert (row.status, row.attempts, row.last_error) == (OUTBOX_SENT, 3, None)
    assert len(flaky.sent) == 1 and case.number in flaky.sent[0].text
    # Sent once: another sweep sends nothing more.
    assert notifications.sweep(later + timedelta(days=1)) == 0
    assert len(flaky.sent) == 1


def test_after_the_last_attempt_failed_and_retried_by_staff(world, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 1)
    monkeypatch.setitem(senders.BACKENDS, "log", Flaky(failures=1))
    case = world.case(CaseState.REGISTERED)
    notifications.set_preference(
        case.applicants[0],
        sms=True,
        email=False,
        email_address=None,
        language="zh_Hans",
        receipt=True,
    )
    db.session.commit()
    (row,) = _rows(db, Outbox, case_id=case.id)
    assert row.status == OUTBOX_FAILED
    notifications.retry(row)
    db.session.commit()  # enqueued again after commit; the backend works now
    (row,) = _rows(db, Outbox, case_id=case.id)
    assert row.status == OUTBOX_SENT


def test_invitation_goes_to_the_known_phone_with_its_code_then_forgets_it(world, db, monkeypatch):
    sent = Flaky(failures=0)
    monkeypatch.setitem(senders.BACKENDS, "log", sent)
    case = world.case(CaseState.MEDIATING, consented=False)
    db.session.commit()
    from domain.respondents import issue_invitation

    party = case.respondents[0]
    code = issue_invitation(case, party, world.mediator, version=None)
    db.session.commit()
    (row,) = _rows(db, Outbox, case_id=case.id, kind="invitation")
    assert row.channel == "sms" and row.status == OUTBOX_SENT
    assert code in sent.sent[0].text and "/respond" in sent.sent[0].text
    assert "code" not in row.params  # the code is not kept


def test_respondent_answer_online_tells_the_mediator(world, db):
    case = world.case(CaseState.MEDIATING, consented=False)
    db.session.commit()
    from domain.consent import answer_online
    from models.enums import ConsentStatus

    answer_online(case, case.respondents[0], status=ConsentStatus.AGREED, acknowledge=True)
    db.session.commit()
    kinds = [n.kind for n in _rows(db, Notification, user_id=world.mediator.id, case_id=case.id)]
    assert kinds.count("party_answered") == 2  # the acknowledgement and the consent


def test_reminders_given_once(world, db):
    case = world.case(CaseState.MEDIATING)
    case.due_on = (utcnow() - timedelta(days=3)).date()
    db.session.commit()
    notifications.run_reminders()
    notifications.run_reminders()
    rows = _rows(db, Notification, user_id=world.mediator.id, kind="overdue")
    assert len(rows) == 1 and rows[0].params["case"] == case.number
    assert _rows(db, ReminderSent, kind="overdue")


def test_periodic_tasks_hold_a_lock(world, db):
    with jobs.huey.lock_task("reminders"):
        jobs.reminders.call_local()  # another worker holds it: does nothing, no error
    assert not _rows(db, ReminderSent)
    jobs.sweep_outbox.call_local()


def test_mask():
    assert notifications.mask("13812345678") == "138****5678"
    assert notifications.mask("zhang@example.org") == "z***@example.org"


@pytest.mark.parametrize("name", ["log", "smtp", "http_sms"])
def test_backends_registered(name):
    assert name in senders.BACKENDS


def test_a_scheduled_session_reaches_the_parties_and_the_day_before_again(world, db):
    """Scheduling, the parties' answers and the reminder the day before (domain.scheduling's
    events through RULES, the sessions_tomorrow reminder)."""
    from datetime import UTC, datetime

    from domain import scheduling
    from models.enums import SessionMode

    case = world.case(CaseState.MEDIATING)
    for party in case.principals:
        notifications.set_preference(
            party, sms=True, email=False, email_address=None, language="zh_Hans"
        )
    db.session.commit()
    day = (datetime.now(UTC) + timedelta(days=3)).date()
    starts = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
    s = scheduling.schedule(
        case,
        world.mediator,
        version=case.version,
        starts_at=starts,
        mode=SessionMode.IN_PERSON,
        place="调解室",
    )
    db.session.commit()
    notices = _rows(db, Outbox, case_id=case.id, kind="session_notice")
    assert {r.party_id for r in notices} == {p.id for p in case.principals}
    assert all(r.params["when"] == f"{day:%Y-%m-%d} 10:00" for r in notices)
    assert all(r.status == OUTBOX_SENT for r in notices)
    # A party's answer reaches the mediator's inbox.
    scheduling.respond(case, case.applicants[0], s, attend=True)
    db.session.commit()
    assert [n.kind for n in _rows(db, Notification, user_id=world.mediator.id)].count(
        "session_answer"
    ) == 1
    # The day before: one reminder per party, once however often the reminders run.
    notifications.run_reminders(day - timedelta(days=1))
    notifications.run_reminders(day - timedelta(days=1))
    tomorrow = _rows(db, Outbox, case_id=case.id, kind="session_tomorrow")
    assert {r.party_id for r in tomorrow} == {p.id for p in case.principals}
    assert len(tomorrow) == len(case.principals)


def test_mediation_ended_asks_the_parties_and_a_report_reaches_the_mediator(world, db):
    """Mediation ended: the closing message and the satisfaction survey to each party who
    opted in; a party's report to the mediator lands in the mediator's inbox."""
    from domain import closing, satisfaction
    from models.enums import ClosureReason

    case = world.case(CaseState.MEDIATING)
    applicant = case.applicants[0]
    notifications.set_preference(
        applicant, sms=True, email=False, email_address=None, language="zh_Hans"
    )
    db.session.commit()
    closing.terminate(
        case,
        world.mediator,
        version=None,
        reason=ClosureReason.PERIOD_EXPIRED,
        note="期满未同意延长",
    )
    db.session.commit()
    kinds = sorted(r.kind for r in _rows(db, Outbox, case_id=case.id, party_id=applicant.id))
    assert kinds == ["closing", "satisfaction"]
    satisfaction.send_report(
        case, applicant, satisfaction.ReportKind.CONTEST, "调解员没有听我们的意见"
    )
    db.session.commit()
    assert "party_report" in [
        n.kind for n in _rows(db, Notification, user_id=world.mediator.id, case_id=case.id)
    ]


def test_party_messages_reach_the_mediator_and_replies_the_party(world, db):
    """A party's message and request to end reach the mediator's inbox; the mediator's reply
    reaches that party (opted in), never the other side."""
    from domain import party_area

    case = world.case(CaseState.MEDIATING)
    applicant = case.applicants[0]
    respondent = next(p for p in case.principals if p is not applicant and p.role != applicant.role)
    for party in (applicant, respondent):
        notifications.set_preference(
            party, sms=True, email=False, email_address=None, language="zh_Hans"
        )
    db.session.commit()
    party_area.send_message(case, respondent, "我想改个时间谈")
    party_area.ask_to_end(case, respondent, "不想调了")
    db.session.commit()
    kinds = [n.kind for n in _rows(db, Notification, user_id=world.mediator.id, case_id=case.id)]
    assert "party_message" in kinds and "ask_to_end" in kinds
    party_area.reply(case, respondent, world.mediator, "好的，请周三来")
    db.session.commit()
    sent = _rows(db, Outbox, case_id=case.id, kind="staff_message")
    assert [r.party_id for r in sent] == [respondent.id]
