"""Notifications derived from the case timeline, the citizens' messages and the reminders.

Every timeline event passes through on_event() (called by domain.timeline.record). RULES says,
per Action, which staff get an inbox line and which parties get a message; adding an Action
is one line there. Staff recipients default to the case's active mediators, else the
handling organisation's directors; the one who acted is never told of their own act.

Citizens' messages are Outbox rows written in the same transaction as the event: nothing is
sent before the commit, and nothing committed is lost (jobs.py sends each after commit, and
a periodic sweep picks up whatever is still pending). A party gets messages only when they
opted in for this case (ContactPreference), except the invitation, which goes to a
respondent's known phone.

Texts are message keys rendered through Babel when shown (staff: the reader's language) or
sent (citizens: the language they chose).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from domain import senders
from domain.calendar import CHINA, local_today
from domain.clocks import due_soon_condition, overdue_condition
from domain.states import Action
from extensions import db
from models import Case, Event, FollowUp, Party, User
from models.enums import PartyRole, Role
from models.notify import (
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_SENDING,
    OUTBOX_SENT,
    ContactPreference,
    Notification,
    Outbox,
    ReminderSent,
)
from models.scheduling import ScheduledSession
from models.types import utcnow

log = logging.getLogger("jiefen.notify")

LANGUAGES = ("zh_Hans", "en")

# ---- staff inbox kinds: the line shown, rendered in the reader's language -----------------

STAFF_KINDS = {
    "new_assignment": _l("Case %(case)s is now yours to handle."),
    "transfer": _l("Case %(case)s was transferred to your organisation: acknowledge it."),
    "due_soon": _l("Case %(case)s is due on %(due)s."),
    "overdue": _l("Case %(case)s is overdue (due %(due)s)."),
    "party_answered": _l("A party answered online on case %(case)s."),
    "party_message": _l("A party sent a message on case %(case)s."),
    "party_report": _l("A party reported to the mediator on case %(case)s: see the case."),
    "library_proposal": _l(
        "Case %(case)s is proposed for the typical-case library: review its anonymised text."
    ),
    "library_returned": _l("The library proposal of case %(case)s was returned to you."),
    "ask_to_end": _l("A party asked to end mediation on case %(case)s (PML Art. 23)."),
    "session_answer": _l("A party answered the session invitation on case %(case)s."),
    "follow_up_due": _l("A follow-up visit on case %(case)s is due on %(due)s."),
}

# ---- citizens' messages: subject and text, rendered in the party's language when sent -----

CITIZEN_KINDS = {
    "receipt": (
        _l("Your application %(case)s was received"),
        _l(
            "The mediation centre received your application. Case number: %(case)s. Keep "
            "your query code to follow it online."
        ),
    ),
    "accepted": (
        _l("Case %(case)s accepted for mediation"),
        _l("Your case %(case)s was accepted for mediation. A mediator will contact you."),
    ),
    "not_accepted": (
        _l("Case %(case)s not accepted"),
        _l(
            "Your case %(case)s was not accepted for mediation. The status page says why and "
            "where to go instead."
        ),
    ),
    "invitation": (
        _l("Invitation to mediation, case %(case)s"),
        _l(
            "You are named in a mediation case (%(case)s). Answer online at %(link)s with the "
            "code %(code)s, or call the centre."
        ),
    ),
    "session_notice": (
        _l("Mediation session, case %(case)s"),
        _l("A mediation session of case %(case)s is scheduled: %(when)s. See the case page."),
    ),
    "staff_message": (
        _l("A message from your mediator, case %(case)s"),
        _l("Your mediator sent you a message on case %(case)s. Read it on your case page."),
    ),
    "shared_file": (
        _l("New material to read, case %(case)s"),
        _l("The mediator shared the other side's material on case %(case)s. See your case page."),
    ),
    "session_cancelled": (
        _l("Mediation session cancelled, case %(case)s"),
        _l("The mediation session of case %(case)s on %(when)s is cancelled. See the case page."),
    ),
    "appointment_tomorrow": (
        _l("Your visit to the mediation centre is tomorrow"),
        _l(
            "Reminder: your visit to %(centre)s is tomorrow, %(when)s, at %(place)s. Booking "
            "reference %(reference)s; cancel with it on the centre's site if you cannot come."
        ),
    ),
    "session_tomorrow": (
        _l("Mediation session tomorrow, case %(case)s"),
        _l("Reminder: the mediation session of case %(case)s is tomorrow, %(when)s."),
    ),
    "agreement": (
        _l("Agreement reached, case %(case)s"),
        _l("The mediation agreement of case %(case)s is signed. Keep your copy."),
    ),
    "closing": (
        _l("Case %(case)s closed"),
        _l("Mediation of case %(case)s has ended. The status page shows the outcome."),
    ),
    "satisfaction": (
        _l("How did mediation go? Case %(case)s"),
        _l("Case %(case)s is closed. Tell us whether it is resolved and how satisfied you are."),
    ),
}

# What staff read in the outbox and on the case page.
MESSAGE_LABELS = {
    "receipt": _l("Receipt"),
    "accepted": _l("Accepted"),
    "not_accepted": _l("Not accepted"),
    "invitation": _l("Invitation to mediation"),
    "session_notice": _l("Session notice"),
    "session_cancelled": _l("Session cancelled"),
    "staff_message": _l("Message from the mediator"),
    "shared_file": _l("Material shared"),
    "session_tomorrow": _l("Session tomorrow"),
    "appointment_tomorrow": _l("Visit tomorrow"),
    "agreement": _l("Agreement"),
    "closing": _l("Closing"),
    "satisfaction": _l("Satisfaction survey"),
    "sms": _l("SMS"),
    "email": _l("E-mail"),
    "pending": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}


def label(code: str) -> str:
    return str(MESSAGE_LABELS.get(code, code))


# Parameters that must not outlive the send (a respondent's code).
SECRET_PARAMS = ("code",)


# ---- who is told ---------------------------------------------------------------------------


def _staff_of(org_id: int | None, role: Role) -> list[User]:
    if org_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.organisation_id == org_id,
                User.active.is_(True),
                User.role == role,
            )
        )
    )


def _directors(org_id: int | None) -> list[User]:
    return _staff_of(org_id, Role.DIRECTOR)


def case_staff(case: Case, event: Event | None = None) -> list[User]:  # noqa: ARG001
    """Who holds the case: its active mediators; else the handling organisation's directors;
    else (a case still at the desk, or a centre without a director) the desk that registered
    it."""
    mediators = [m.user for m in case.mediators if m.active and m.user.active]
    return (
        mediators
        or _directors(case.handling_org_id)
        or _staff_of(case.intake_org_id, Role.CLERK)
        or _staff_of(case.handling_org_id, Role.CLERK)
    )


def _case_directors(case: Case, event: Event) -> list[User]:  # noqa: ARG001
    return _directors(case.handling_org_id)


def _dispatched_to(case: Case, event: Event) -> list[User]:  # noqa: ARG001
    return _directors(event.data.get("organisation_id"))


def _assigned(case: Case, event: Event) -> list[User]:  # noqa: ARG001
    user = db.session.get(User, event.data.get("mediator_id") or 0)
    return [user] if user is not None else []


def _transferred_to(case: Case, event: Event) -> list[User]:  # noqa: ARG001
    org_id = event.data.get("to_org_id")
    if org_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.organisation_id == org_id,
                User.active.is_(True),
                User.role.in_([Role.DIRECTOR, Role.LEADER]),
            )
        )
    )


def applicants(case: Case, event: Event) -> list[Party]:  # noqa: ARG001
    return case.applicants


def principals(case: Case, event: Event) -> list[Party]:  # noqa: ARG001
    return case.principals


def the_party(case: Case, event: Event) -> list[Party]:
    pid = event.data.get("party_id")
    return [p for p in case.parties if p.id == pid]


def _other_side(case: Case, event: Event) -> list[Party]:
    """The principals on the other side from the party named in the event."""
    pid = event.data.get("party_id")
    owner = next((p for p in case.parties if p.id == pid), None)
    if owner is None:
        return []
    return [p for p in case.principals if p.role != owner.role]


def _online(case: Case, event: Event) -> bool:  # noqa: ARG001
    return event.data.get("via") == "party_online"


def _public(case: Case, event: Event) -> bool:  # noqa: ARG001
    return bool(event.public)


def _when(starts_at: datetime) -> str:
    """A session's time as parties read it: Beijing time, to the minute."""
    return starts_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def _session_when(case: Case, event: Event) -> dict:  # noqa: ARG001
    session = db.session.get(ScheduledSession, event.data.get("session"))
    return {"when": _when(session.starts_at)} if session is not None else {"when": ""}


@dataclass(frozen=True)
class Rule:
    """What an Action gives: an inbox line of `staff` kind to `staff_to(case, event)`, and a
    message of `citizen` kind to `parties(case, event)`; only `when(case, event)` holds."""

    staff: str | None = None
    citizen: str | None = None
    staff_to: Callable[[Case, Event], list[User]] = case_staff
    parties: Callable[[Case, Event], list[Party]] = principals
    when: Callable[[Case, Event], bool] | None = None
    # The invitation goes to a known phone before the party could opt in.
    without_opt_in: bool = False
    # More message parameters than the case number, from the event (e.g. a session's time).
    params: Callable[[Case, Event], dict] | None = None
    # Mediation ended: the parties are also asked whether it is resolved and how satisfied
    # they are (the satisfaction survey, answered on their page).
    survey: bool = False


RULES: dict[str, Rule] = {
    Action.DISPATCH: Rule(staff="new_assignment", staff_to=_dispatched_to),
    Action.ASSIGN: Rule(staff="new_assignment", staff_to=_assigned),
    Action.SEND_TRANSFER: Rule(staff="transfer", staff_to=_transferred_to),
    Action.ACCEPT: Rule(citizen="accepted", parties=applicants),
    Action.NOT_ACCEPT: Rule(citizen="not_accepted", parties=applicants),
    Action.INVITE_PARTY: Rule(citizen="invitation", parties=the_party, without_opt_in=True),
    Action.RECORD_CONSENT: Rule(staff="party_answered", when=_online),
    Action.ACK_NOTICE: Rule(staff="party_answered", when=_online),
    Action.REFUSE: Rule(staff="party_answered", citizen="closing"),
    Action.PARTY_ACCOUNT: Rule(staff="party_answered"),
    Action.PARTY_UPLOAD: Rule(staff="party_answered"),
    Action.SIGN_AGREEMENT: Rule(citizen="agreement", when=_public),
    Action.RECORD_AGREEMENT: Rule(citizen="agreement", survey=True),
    Action.RECORD_FAILURE: Rule(citizen="closing", survey=True),
    Action.TERMINATE: Rule(citizen="closing", survey=True),
    Action.PARTY_REPORT: Rule(staff="party_report"),
    Action.LIBRARY_PROPOSE: Rule(staff="library_proposal", staff_to=_case_directors),
    Action.LIBRARY_RETURN: Rule(staff="library_returned"),
    Action.PARTY_MESSAGE: Rule(staff="party_message"),
    Action.ASK_TO_END: Rule(staff="ask_to_end"),
    Action.STAFF_MESSAGE: Rule(citizen="staff_message", parties=the_party),
    Action.SHARE_UPLOAD: Rule(citizen="shared_file", parties=_other_side),
    Action.SCHEDULE_SESSION: Rule(citizen="session_notice", params=_session_when),
    Action.RESCHEDULE_SESSION: Rule(citizen="session_notice", params=_session_when),
    Action.CANCEL_SESSION: Rule(citizen="session_cancelled", params=_session_when),
    Action.SESSION_CONFIRMED: Rule(staff="session_answer"),
    Action.SESSION_RESCHEDULE_ASKED: Rule(staff="session_answer"),
}


def on_event(event: Event) -> None:
    """Derive the inbox lines and the messages of one timeline event (same transaction)."""
    rule = RULES.get(event.action)
    if rule is None or event.case is None:
        return
    case = event.case
    if rule.when is not None and not rule.when(case, event):
        return
    params = {"case": case.number}
    if rule.params is not None:
        params.update(rule.params(case, event))
    if rule.staff:
        actor_id = event.actor.id if event.actor is not None else event.actor_id
        seen: set[int] = set()
        for user in rule.staff_to(case, event):
            if user.id in seen or user.id == actor_id:
                continue
            seen.add(user.id)
            notify_staff(user, rule.staff, case, params)
    if rule.citizen:
        for party in rule.parties(case, event):
            message_party(party, rule.citizen, params, without_opt_in=rule.without_opt_in)
    if rule.survey:
        # The ending's reason and time are set after its event: decided at the commit.
        db.session.info.setdefault("survey_cases", []).append(case)


def ask_surveys(session) -> None:
    """At the commit: each case whose mediation ended in this transaction asks its parties
    whether it is resolved and how satisfied they are (domain.satisfaction)."""
    cases = session.info.pop("survey_cases", None)
    if not cases:
        return
    # domain.satisfaction records events (domain.timeline), which call on_event here.
    from domain.satisfaction import asks_feedback

    for case in {id(c): c for c in cases}.values():
        try:
            asked = asks_feedback(case)
        except sa.orm.exc.ObjectDeletedError:  # removed in the same transaction (an import)
            continue
        if asked:
            for party in case.principals:
                message_party(party, "satisfaction", {"case": case.number})


def notify_staff(user: User, kind: str, case: Case | None, params: dict) -> Notification:
    row = Notification(user=user, kind=kind, case=case, params=dict(params))
    db.session.add(row)
    return row


# ---- the citizens' opt-in -----------------------------------------------------------------


def preference_of(party: Party) -> ContactPreference | None:
    if party.id is None:
        return None
    return db.session.scalar(
        sa.select(ContactPreference).where(ContactPreference.party_id == party.id)
    )


def set_preference(
    party: Party,
    *,
    sms: bool,
    email: bool,
    email_address: str | None,
    language: str | None,
    receipt: bool = False,
) -> ContactPreference:
    """Record a party's choice (the caller validated the address). With `receipt`, the
    receipt of a new application goes out at once on the chosen channels."""
    db.session.flush()
    pref = preference_of(party)
    if pref is None:
        pref = ContactPreference(party_id=party.id)
        db.session.add(pref)
    pref.sms = bool(sms)
    pref.email = bool(email) and bool(email_address)
    pref.email_address = (email_address or "").strip() or None
    pref.language = language if language in LANGUAGES else "zh_Hans"
    pref.updated_at = utcnow()
    db.session.flush()
    if receipt:
        message_party(party, "receipt", {"case": party.case.number}, pref=pref)
    return pref


def message_party(
    party: Party,
    kind: str,
    params: dict,
    *,
    without_opt_in: bool = False,
    pref: ContactPreference | None = None,
) -> list[Outbox]:
    """Queue `kind` for `party` on each channel they opted in to (same transaction)."""
    if party.withdrawn_at is not None or (party.role == PartyRole.AGENT and not without_opt_in):
        return []
    pref = pref or preference_of(party)
    language = pref.language if pref is not None else "zh_Hans"
    targets: list[tuple[str, str]] = []
    if party.phone and ((pref is not None and pref.sms) or without_opt_in):
        targets.append(("sms", party.phone))
    if pref is not None and pref.email and pref.email_address:
        targets.append(("email", pref.email_address))
    return [
        queue_message(
            channel,
            recipient,
            kind,
            params,
            case_id=party.case_id,
            party_id=party.id,
            language=language,
        )
        for channel, recipient in targets
    ]


def queue_message(
    channel: str,
    recipient: str,
    kind: str,
    params: dict,
    *,
    case_id: int | None,
    party_id: int | None = None,
    language: str = "zh_Hans",
) -> Outbox:
    """A pending message in this transaction, sent after its commit (jobs.py)."""
    row = Outbox(
        case_id=case_id,
        party_id=party_id,
        channel=channel,
        recipient=recipient,
        kind=kind,
        language=language,
        params=dict(params),
        status=OUTBOX_PENDING,
        next_attempt_at=utcnow(),
    )
    db.session.add(row)
    db.session.info.setdefault("outbox_new", []).append(row)
    return row


def add_secret(party: Party, **secrets) -> None:
    """Put a secret (the invitation's code) into this transaction's pending messages for
    `party`; it is removed from the row once the message is sent or given up."""
    for row in db.session.info.get("outbox_new", []):
        if row.party_id == party.id and row.status == OUTBOX_PENDING:
            row.params = {**row.params, **secrets}


# ---- sending -------------------------------------------------------------------------------


def mask(recipient: str) -> str:
    """138****5678, z***@example.org: enough for staff to recognise, not to copy."""
    if "@" in recipient:
        name, _, domain_ = recipient.partition("@")
        return f"{name[:1]}***@{domain_}"
    digits = recipient.strip()
    if len(digits) <= 4:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def render(row: Outbox) -> tuple[str, str]:
    subject, text = CITIZEN_KINDS[row.kind]
    params = {"case": "", "link": "", "code": "-", "when": "", **row.params}
    if not params["link"]:
        base = current_app.config.get("NOTIFY_PUBLIC_URL") or ""
        params["link"] = base.rstrip("/") + "/respond" if base else "/respond"
    language = row.language if row.language in LANGUAGES else "zh_Hans"
    with force_locale(language):
        return str(subject) % params, str(text) % params


def backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes… capped at six hours."""
    return timedelta(minutes=min(4 ** max(attempts - 1, 0), 360))


def _claim(outbox_id: int, now: datetime) -> bool:
    """Take the row for sending: one worker only (an UPDATE that matches once)."""
    result = db.session.execute(
        sa.update(Outbox)
        .where(
            Outbox.id == outbox_id,
            Outbox.status == OUTBOX_PENDING,
            Outbox.next_attempt_at <= now,
        )
        .values(status=OUTBOX_SENDING, next_attempt_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def send_one(outbox_id: int, now: datetime | None = None) -> str | None:
    """Send one pending message whose time has come. Returns its new status, or None when
    it was not ours to send (already taken, sent, or not yet due)."""
    now = now or utcnow()
    if not _claim(outbox_id, now):
        return None
    row = db.session.get(Outbox, outbox_id)
    subject, text = render(row)
    message = senders.Message(
        channel=row.channel,
        recipient=row.recipient,
        subject=subject,
        text=text,
        kind=row.kind,
        case_number=row.case.number if row.case else None,
    )
    row.attempts += 1
    try:
        senders.send(message, current_app.config)
    except senders.SendFailed as error:
        row.last_error = str(error)[:255]
        if row.attempts >= int(current_app.config.get("NOTIFY_MAX_ATTEMPTS", 5)):
            row.status = OUTBOX_FAILED
            row.params = _without_secrets(row.params)
        else:
            row.status = OUTBOX_PENDING
            row.next_attempt_at = now + backoff(row.attempts)
        log.warning(
            "notification %s for case %s by %s failed (attempt %d): %s",
            row.kind,
            message.case_number or "-",
            row.channel,
            row.attempts,
            row.last_error,
        )
    else:
        row.status, row.sent_at, row.last_error = OUTBOX_SENT, now, None
        row.params = _without_secrets(row.params)
    db.session.commit()
    return row.status


def _without_secrets(params: dict) -> dict:
    return {k: v for k, v in params.items() if k not in SECRET_PARAMS}


def due_ids(now: datetime | None = None, limit: int = 200) -> list[int]:
    """Pending messages whose time has come; 'sending' rows left by a worker that died (ten
    minutes without an answer) go back to pending first."""
    now = now or utcnow()
    db.session.execute(
        sa.update(Outbox)
        .where(
            Outbox.status == OUTBOX_SENDING, Outbox.next_attempt_at < now - timedelta(minutes=10)
        )
        .values(status=OUTBOX_PENDING)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            sa.select(Outbox.id)
            .where(Outbox.status == OUTBOX_PENDING, Outbox.next_attempt_at <= now)
            .order_by(Outbox.next_attempt_at, Outbox.id)
            .limit(limit)
        )
    )


def sweep(now: datetime | None = None) -> int:
    """Send everything due (the periodic pick-up). Returns how many were sent."""
    sent = 0
    for outbox_id in due_ids(now):
        if send_one(outbox_id, now) == OUTBOX_SENT:
            sent += 1
    return sent


def retry(row: Outbox) -> None:
    """Staff ask to try a failed message again (from now, with a fresh count)."""
    if row.status != OUTBOX_FAILED:
        return
    row.status, row.attempts, row.next_attempt_at = OUTBOX_PENDING, 0, utcnow()
    db.session.info.setdefault("outbox_new", []).append(row)


# ---- the staff inbox -----------------------------------------------------------------------


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def text_of(row: Notification) -> str:
    template = STAFF_KINDS.get(row.kind)
    if template is None:
        return row.kind
    return str(template) % {"case": "", "due": "", **row.params}


# ---- reminders -----------------------------------------------------------------------------
#
# A reminder is a function of today's date registered with @reminder; it calls remind() once
# per thing to remind of, with a key that names it (remind() gives each key once). A new
# reminder is a few lines (sessions_tomorrow below is one).

REMINDERS: list[Callable[[date], None]] = []


def reminder(fn: Callable[[date], None]) -> Callable[[date], None]:
    REMINDERS.append(fn)
    return fn


def remind(kind: str, key: str) -> bool:
    """True the first time (kind, key) is asked for; False ever after (a unique row, so two
    workers cannot both give it)."""
    exists = db.session.scalar(
        sa.select(ReminderSent.id).where(ReminderSent.kind == kind, ReminderSent.key == key)
    )
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(kind=kind, key=key))
    except sa.exc.IntegrityError:
        return False
    return True


def _due_text(day: date) -> str:
    return day.isoformat()


def _deadline(kind: str, condition) -> None:
    """Tell whoever holds each case meeting `condition` about its deadline, once per due date
    (a new deadline after a suspension or an extension is told again)."""
    for case in db.session.scalars(sa.select(Case).where(condition)):
        if remind(kind, f"{case.id}:{case.due_on}"):
            params = {"case": case.number, "due": _due_text(case.due_on)}
            for user in case_staff(case):
                notify_staff(user, kind, case, params)


@reminder
def due_soon(today: date) -> None:
    _deadline("due_soon", due_soon_condition(today))


@reminder
def overdue(today: date) -> None:
    _deadline("overdue", overdue_condition(today))


@reminder
def follow_up_due(today: date) -> None:
    rows = db.session.scalars(
        sa.select(FollowUp).where(
            FollowUp.done_at.is_(None), FollowUp.due_on <= today + timedelta(days=1)
        )
    )
    for row in rows:
        if remind("follow_up_due", f"{row.id}"):
            case = row.case
            for user in case_staff(case):
                notify_staff(
                    user,
                    "follow_up_due",
                    case,
                    {"case": case.number, "due": _due_text(row.due_on)},
                )


@reminder
def sessions_tomorrow(today: date) -> None:
    # domain.scheduling records events (domain.timeline), which call on_event here.
    from domain.scheduling import sessions_on

    for session in sessions_on(today + timedelta(days=1)):
        if remind("session_tomorrow", f"{session.id}:{session.starts_at:%Y%m%d%H%M}"):
            case = session.case
            params = {"case": case.number, "when": _when(session.starts_at)}
            for party in case.principals:
                message_party(party, "session_tomorrow", params)


@reminder
def appointments_tomorrow(today: date) -> None:
    """The day before a booked visit (预约调解), an SMS to the phone given when booking: the
    citizen asked for the visit and left the number for it."""
    # domain.appointments records case events (domain.timeline), which call on_event here.
    from domain.appointments import appointments_on

    for booking in appointments_on(today + timedelta(days=1)):
        if not remind("appointment_tomorrow", str(booking.id)):
            continue
        slot = booking.slot
        queue_message(
            "sms",
            booking.phone,
            "appointment_tomorrow",
            {
                "centre": slot.organisation.name,
                "when": f"{slot.day:%Y-%m-%d} {slot.starts:%H:%M}",
                "place": slot.place,
                "reference": booking.reference,
            },
            case_id=booking.case_id,
        )


def run_reminders(today: date | None = None, *, commit: bool = True) -> None:
    today = today or local_today()
    for fn in REMINDERS:
        fn(today)
        if commit:
            db.session.commit()
