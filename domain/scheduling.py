"""Scheduled mediation sessions (调解安排) and their session notices (调解通知书).

The mediator of a case (or its committee's director: Work.MEDIATE) schedules a session while
the case is in mediation: a time not in the past, a mode (in person at a place, video, phone).
A video session carries a meeting link made from the configured URL template
(VIDEO_MEETING_URL_TEMPLATE, with {room}: an unguessable token of the session, and {case}), so
a centre points it at its own meeting server; without a template the mediator pastes a link.
Scheduling makes one session notice per applicant and respondent (a document whose subject is
that party's SessionResponse row). Rescheduling replaces the session with a new one (the old
one kept, marked rescheduled); cancelling keeps it, marked cancelled; both with a reason.

Each party answers from their public page (will attend / asks to reschedule, with a note and a
time they propose). When the session is held, the mediator writes the record (人民调解记录) with
the session-record flow, prefilled from the scheduled session, which is then marked held and
linked to the record.

Every change is an Action on the case timeline with the session id (and the party id for an
answer): the notifications are derived from those events; nothing is sent from here.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from domain import documents, mediation
from domain.calendar import CHINA, is_workday
from domain.consent import DECIDING_ROLES
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, case_scope, may
from domain.states import Action
from domain.timeline import record, transition
from domain.versioning import check_version
from extensions import db
from models import Case, MediationSession, Party, User
from models.enums import DocumentKind, SessionMode
from models.scheduling import PartyAnswer, ScheduledSession, SessionResponse, SessionStatus
from models.states import CaseState
from models.types import utcnow

SCHEDULING_STATES = (CaseState.MEDIATING, CaseState.JOINT_MEDIATION)
WORK_START, WORK_END = time(8, 30), time(17, 30)  # a warning outside these, not a refusal
PLACE_MAX, URL_MAX, NOTE_MAX, BRING_MAX, REASON_MAX = 128, 512, 1000, 1000, 1000
# How long after its start a session still shows as "the next session" to the parties.
SHOWN_AFTER_START = timedelta(hours=3)


# ---- who, when ----------------------------------------------------------------------------------


def may_schedule(user: User, case: Case) -> bool:
    return case.state in SCHEDULING_STATES and may(user, Work.MEDIATE, case)


def outside_working_hours(starts_at: datetime) -> bool:
    """Whether the time falls outside the committee's working hours or on a rest day (only a
    warning: village committees meet in the evening when the parties are back from work)."""
    local = starts_at.astimezone(CHINA)
    return not is_workday(local.date()) or not (WORK_START <= local.time() <= WORK_END)


def video_template() -> str:
    return (current_app.config.get("VIDEO_MEETING_URL_TEMPLATE") or "").strip()


def make_video_url(case: Case) -> str | None:
    """A new meeting link from the configured template, or None when none is configured."""
    template = video_template()
    if not template:
        return None
    room = secrets.token_urlsafe(16)
    # Plain replacement (not str.format): a template with other braces never raises.
    return template.replace("{room}", room).replace("{case}", case.number)


def check_https_url(url: str | None) -> str:
    """A pasted meeting link: an https URL with a host, no spaces, not too long."""
    url = (url or "").strip()
    if not url:
        raise ValidationFailed(_l("Paste the link of the video meeting."), field="video_url")
    parts = urlsplit(url)
    if (
        len(url) > URL_MAX
        or parts.scheme != "https"
        or not parts.hostname
        or any(c.isspace() for c in url)
        or parts.username
        or parts.password
    ):
        raise ValidationFailed(
            _l("Give the meeting link as a full https:// address."), field="video_url"
        )
    return url


def _check_details(
    case: Case,
    *,
    starts_at: datetime,
    mode: SessionMode,
    place: str | None,
    video_url: str | None,
    now: datetime,
    keep_url: str | None = None,
) -> tuple[str | None, str | None]:
    """The place and the meeting link the session gets; raises ValidationFailed."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be aware")
    if starts_at <= now:
        raise ValidationFailed(_l("A session cannot be scheduled in the past."), field="starts_at")
    if starts_at > now + timedelta(days=366):
        raise ValidationFailed(_l("Schedule the session within a year."), field="starts_at")
    place = (place or "").strip() or None
    if place and len(place) > PLACE_MAX:
        raise ValidationFailed(_l("Keep the place shorter."), field="place")
    if mode == SessionMode.IN_PERSON and not place:
        raise ValidationFailed(_l("Say where the session is held."), field="place")
    url = None
    if mode == SessionMode.VIDEO:
        pasted = (video_url or "").strip()
        if pasted:
            url = check_https_url(pasted)
        else:
            url = keep_url or make_video_url(case)
            if url is None:
                check_https_url(None)  # raises: no template, nothing pasted
    return place, url


# ---- scheduling, rescheduling, cancelling -------------------------------------------------------


def _parties(case: Case) -> list[Party]:
    return [p for p in case.active_parties if p.role in DECIDING_ROLES]


def _authorise(case: Case, actor: User, version: int | None) -> None:
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)


def _data(session: ScheduledSession) -> dict:
    return {
        "session": session.id,
        "starts_at": session.starts_at.isoformat(),
        "mode": session.mode.value,
    }


def _new_session(
    case: Case,
    actor: User,
    *,
    starts_at: datetime,
    mode: SessionMode,
    place: str | None,
    url: str | None,
    bring: str | None,
    replaces: ScheduledSession | None = None,
) -> ScheduledSession:
    session = ScheduledSession(
        case=case,
        starts_at=starts_at,
        mode=mode,
        place=place,
        video_url=url,
        bring=(bring or "").strip()[:BRING_MAX] or None,
        created_by=actor,
        replaces_id=replaces.id if replaces is not None else None,
        responses=[SessionResponse(party_id=p.id) for p in _parties(case)],
    )
    db.session.add(session)
    db.session.flush()
    return session


def schedule(
    case: Case,
    actor: User,
    *,
    version: int | None,
    starts_at: datetime,
    mode: SessionMode,
    place: str | None = None,
    video_url: str | None = None,
    bring: str | None = None,
    now: datetime | None = None,
    notices: bool = True,
) -> ScheduledSession:
    """Schedule a session and make each party's session notice.

    Raises NotPermitted, StaleCase, InvalidTransition (the case is not in mediation),
    ValidationFailed."""
    _authorise(case, actor, version)
    place, url = _check_details(
        case,
        starts_at=starts_at,
        mode=mode,
        place=place,
        video_url=video_url,
        now=now or utcnow(),
    )
    if any(
        x.status == SessionStatus.SCHEDULED and x.starts_at == starts_at
        for x in case.scheduled_sessions
    ):
        # The same form sent twice (a double click): one session, one set of notices.
        raise ValidationFailed(
            _l("A session at this time is already scheduled on this case."), field="starts_at"
        )
    session = _new_session(
        case, actor, starts_at=starts_at, mode=mode, place=place, url=url, bring=bring
    )
    transition(case, Action.SCHEDULE_SESSION, actor, public=True, data=_data(session))
    if notices:
        make_notices(case, session, actor)
    return session


def _scheduled(case: Case, session: ScheduledSession) -> None:
    if session.case_id != case.id:
        raise ValidationFailed(_l("This session is not of this case."))
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationFailed(
            _l("This session is %(status)s: it can no longer change.", status=session.status.label)
        )


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Give the reason."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_l("Keep the reason shorter."), field="reason")
    return reason


def reschedule(
    case: Case,
    actor: User,
    session: ScheduledSession,
    *,
    version: int | None,
    starts_at: datetime,
    mode: SessionMode,
    reason: str,
    place: str | None = None,
    video_url: str | None = None,
    bring: str | None = None,
    now: datetime | None = None,
    notices: bool = True,
) -> ScheduledSession:
    """Move a session: the old one is kept, marked rescheduled with the reason, and a new one
    (with new notices) replaces it. A video session keeps its meeting link."""
    _authorise(case, actor, version)
    _scheduled(case, session)
    reason = _reason(reason)
    keep = session.video_url if session.mode == SessionMode.VIDEO else None
    place, url = _check_details(
        case,
        starts_at=starts_at,
        mode=mode,
        place=place,
        video_url=video_url,
        now=now or utcnow(),
        keep_url=keep,
    )
    session.status, session.reason = SessionStatus.RESCHEDULED, reason
    new = _new_session(
        case,
        actor,
        starts_at=starts_at,
        mode=mode,
        place=place,
        url=url,
        bring=bring if bring is not None else session.bring,
        replaces=session,
    )
    transition(
        case,
        Action.RESCHEDULE_SESSION,
        actor,
        public=True,
        note=reason,
        data={**_data(new), "replaces": session.id},
    )
    if notices:
        make_notices(case, new, actor)
    return new


def cancel(
    case: Case, actor: User, session: ScheduledSession, *, version: int | None, reason: str
) -> None:
    """Cancel a session, with the reason."""
    _authorise(case, actor, version)
    _scheduled(case, session)
    session.status, session.reason = SessionStatus.CANCELLED, _reason(reason)
    transition(
        case,
        Action.CANCEL_SESSION,
        actor,
        public=True,
        note=session.reason,
        data={"session": session.id},
    )


# ---- the session notices ------------------------------------------------------------------------


def notice_subjects(case: Case) -> list[documents.Subject]:
    """One session notice per party of each scheduled session (documents._subjects)."""
    out = []
    for s in getattr(case, "scheduled_sessions", []):
        day = s.starts_at.astimezone(CHINA).date().isoformat()
        for r in s.responses:
            label = f"{day} {r.party.role.label}" if r.party is not None else day
            out.append(documents.Subject(DocumentKind.SESSION_NOTICE, r.id, label))
    return out


def make_notices(case: Case, session: ScheduledSession, actor: User) -> list:
    """Generate each party's session notice (调解通知书) as a PDF document version. The
    scheduler may do so (Work.MEDIATE): the notice is part of scheduling, whoever keeps the
    rest of the file."""
    made = []
    for r in session.responses:
        full = documents.render_html(case, DocumentKind.SESSION_NOTICE, r.id)
        masked = documents.render_html(case, DocumentKind.SESSION_NOTICE, r.id, masked=True)
        rendered = documents.html_to_pdf(full)
        doc = documents._store(
            case,
            DocumentKind.SESSION_NOTICE,
            r.id,
            actor,
            content=rendered.write_pdf(),
            media_type=documents.PDF,
            pages=len(rendered.pages),
            uploaded=False,
            masked=documents.html_to_pdf(masked).write_pdf() if masked != full else None,
        )
        db.session.flush()
        record(
            case,
            Action.GENERATE_DOCUMENT,
            actor,
            data={
                "document_id": doc.id,
                "kind": DocumentKind.SESSION_NOTICE.value,
                "version": doc.version,
                "session": session.id,
                "party_id": r.party_id,
                "party": r.party.name if r.party is not None else None,
            },
        )
        made.append(doc)
    return made


def notice_of(case: Case, response: SessionResponse):
    """The latest version of a party's session notice, or None."""
    docs = documents.versions(case, DocumentKind.SESSION_NOTICE, response.id)
    return max(docs, key=lambda d: d.version, default=None)


# ---- the parties' side --------------------------------------------------------------------------


def next_session(case: Case, now: datetime | None = None) -> ScheduledSession | None:
    """The next scheduled session of the case (still shown for a while after it started)."""
    since = (now or utcnow()) - SHOWN_AFTER_START
    upcoming = [
        s
        for s in getattr(case, "scheduled_sessions", [])
        if s.status == SessionStatus.SCHEDULED and s.starts_at >= since
    ]
    return min(upcoming, key=lambda s: s.starts_at, default=None)


def respond(
    case: Case,
    party: Party,
    session: ScheduledSession,
    *,
    attend: bool,
    note: str | None = None,
    proposed_at: datetime | None = None,
    now: datetime | None = None,
) -> SessionResponse:
    """A party's answer from their public page: will attend, or asks to reschedule (a note
    required; a proposed time optional, not in the past). Raises ValidationFailed."""
    now = now or utcnow()
    if session.case_id != case.id or party.case_id != case.id:
        raise ValidationFailed(_l("This session is not of your case."))
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationFailed(_l("This session was changed meanwhile: see the new details."))
    response = session.response_of(party)
    if response is None:
        raise ValidationFailed(_l("This session does not concern you."))
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise ValidationFailed(_l("Keep the note shorter."), field="note")
    if attend:
        response.answer, response.note, response.proposed_at = PartyAnswer.CONFIRMED, note, None
        action = Action.SESSION_CONFIRMED
    else:
        if not note:
            raise ValidationFailed(
                _l("Say why you ask to reschedule, and when you could come."), field="note"
            )
        if proposed_at is not None and proposed_at <= now:
            raise ValidationFailed(_l("Propose a time in the future."), field="proposed_at")
        response.answer, response.note = PartyAnswer.RESCHEDULE, note
        response.proposed_at = proposed_at
        action = Action.SESSION_RESCHEDULE_ASKED
    response.answered_at = now
    data = {
        "session": session.id,
        "party_id": party.id,
        "party": party.name,
        "via": "party_online",
    }
    if proposed_at is not None and not attend:
        data["proposed_at"] = proposed_at.isoformat()
    record(case, action, None, note=note, public=False, data=data)
    return response


# ---- held: the record written as today ---------------------------------------------------------


def record_held(
    case: Case, actor: User, session: ScheduledSession, *, version: int | None, **record_args
) -> MediationSession:
    """Write the session record (人民调解记录, domain.mediation.record_session) of a scheduled
    session and mark it held, linked to the record."""
    _scheduled(case, session)
    rec = mediation.record_session(case, actor, version=version, **record_args)
    db.session.flush()
    session.status, session.record = SessionStatus.HELD, rec
    return rec


# ---- lists ------------------------------------------------------------------------------------


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time.min, tzinfo=CHINA)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=CHINA)
    return start, end


def sessions_on(day: date) -> list[ScheduledSession]:
    """Every session still scheduled on `day` (Beijing time), earliest first: for the
    reminders ("sessions tomorrow")."""
    start, end = _day_bounds(day, day)
    stmt = (
        sa.select(ScheduledSession)
        .where(
            ScheduledSession.status == SessionStatus.SCHEDULED,
            ScheduledSession.starts_at >= start,
            ScheduledSession.starts_at < end,
        )
        .order_by(ScheduledSession.starts_at, ScheduledSession.id)
    )
    return list(db.session.scalars(stmt))


def upcoming_for(user: User, first: date, last: date, limit: int = 50) -> list[ScheduledSession]:
    """The sessions still scheduled from `first` to `last` on the cases the user may see
    (a mediator: their own cases; a director: their committee's)."""
    start, end = _day_bounds(first, last)
    stmt = (
        sa.select(ScheduledSession)
        .join(Case, Case.id == ScheduledSession.case_id)
        .where(
            case_scope(user, incoming=False),
            ScheduledSession.status == SessionStatus.SCHEDULED,
            ScheduledSession.starts_at >= start,
            ScheduledSession.starts_at < end,
        )
        .order_by(ScheduledSession.starts_at, ScheduledSession.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
