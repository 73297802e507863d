"""Scheduled sessions on the case page (调解安排): schedule a session (time, mode, place or video
link), reschedule or cancel it with a reason, print each party's session notice, see the
parties' answers, and write the record (人民调解记录) of a session held, prefilled from it. The
rules are in domain/scheduling.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateTimeLocalField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm, enum_choices
from blueprints.panels import Panel, fresh, panel
from blueprints.workbench.records import _session_values, session_form
from domain import scheduling
from domain.calendar import CHINA, local_today
from domain.document_access import can_open_documents
from extensions import db
from models import Case, User
from models.enums import SessionMode
from models.scheduling import ScheduledSession, SessionStatus

SCHEDULE = "schedule"  # the panel's name; its region is #panel-schedule


def _local(moment: datetime) -> datetime:
    return moment.astimezone(CHINA).replace(tzinfo=None)


class ScheduleForm(CaseActionForm):
    starts_at = DateTimeLocalField(
        _l("Date and time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(_l("Enter the date and time of the session."))],
    )
    mode = RadioField(
        _l("How the session is held"),
        choices=lambda: enum_choices(SessionMode),
        default=SessionMode.IN_PERSON.value,
        validators=[InputRequired(_l("Choose how the session is held."))],
    )
    place = StringField(
        _l("Place (in person)"), validators=[Optional(), Length(max=scheduling.PLACE_MAX)]
    )
    video_url = StringField(
        _l("Video meeting link"),
        validators=[Optional(), Length(max=scheduling.URL_MAX)],
        render_kw={"inputmode": "url"},
    )
    bring = TextAreaField(
        _l("What the parties should bring"),
        validators=[Optional(), Length(max=scheduling.BRING_MAX)],
        render_kw={"rows": 2},
    )

    def starts_at_utc(self) -> datetime:
        """The Beijing wall-clock time typed, as an aware UTC datetime."""
        return self.starts_at.data.replace(tzinfo=CHINA).astimezone(UTC)

    def values(self) -> dict:
        return {
            "version": self.version.data,
            "starts_at": self.starts_at_utc(),
            "mode": SessionMode(self.mode.data),
            "place": self.place.data,
            "video_url": self.video_url.data,
            "bring": self.bring.data,
        }


class RescheduleForm(ScheduleForm):
    reason = TextAreaField(
        _l("Why the session moves"),
        validators=[
            InputRequired(_l("Give the reason.")),
            Length(max=scheduling.REASON_MAX),
        ],
        render_kw={"rows": 2},
    )


class CancelForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why the session is cancelled"),
        validators=[
            InputRequired(_l("Give the reason.")),
            Length(max=scheduling.REASON_MAX),
        ],
        render_kw={"rows": 2},
    )


# ---- the panel --------------------------------------------------------------------------------


def _reschedule_form(case: Case, s: ScheduledSession):
    def build(failed):
        if failed is not None:
            return failed
        return RescheduleForm(
            formdata=None,
            prefix=f"reschedule-{s.id}",
            version=case.version,
            starts_at=_local(s.starts_at),
            mode=s.mode.value,
            place=s.place,
            bring=s.bring,
        )

    return build


def _held_form(case: Case, s: ScheduledSession):
    """The session record's form, prefilled from the scheduled session."""

    def build(failed):
        if failed is not None:
            return failed
        form = session_form(case, prefix=f"held-{s.id}")
        if s.starts_at <= datetime.now(UTC):  # a record is never in the future
            form.held_at.data = _local(s.starts_at)
        form.mode.data = s.mode.value
        form.place.data = s.place or str(s.mode.label)
        return form

    return build


@panel(SCHEDULE)
def schedule_panel(case: Case, user: User) -> Panel | None:
    """The case's scheduled sessions with the parties' answers; for whoever mediates it, the
    forms to schedule, move, cancel, and record a session as held."""
    sessions = list(reversed(getattr(case, "scheduled_sessions", [])))
    may = scheduling.may_schedule(user, case)
    if not may and not sessions:
        return None
    forms = {}
    if may:
        forms["schedule"] = fresh(ScheduleForm, case, "schedule")
        for s in sessions:
            if s.status == SessionStatus.SCHEDULED:
                forms[f"reschedule-{s.id}"] = _reschedule_form(case, s)
                forms[f"cancel-{s.id}"] = fresh(CancelForm, case, f"cancel-{s.id}")
                forms[f"held-{s.id}"] = _held_form(case, s)
    return Panel(
        SCHEDULE,
        "cases/partials/schedule_panel.html",
        {
            "sessions": sessions,
            "template": scheduling.video_template(),
            "may_print": can_open_documents(user, case),
            "outside_hours": scheduling.outside_working_hours,
            "notice_of": lambda r: scheduling.notice_of(case, r),
        },
        forms=forms,
    )


# ---- the workbench: sessions today and this week ----------------------------------------------


@bp.app_template_global("upcoming_sessions")
def upcoming_sessions() -> dict:
    """The sessions still scheduled today and in the next six days on the current user's
    cases (templates/workbench/partials/upcoming_sessions.html)."""
    today = local_today()
    week = scheduling.upcoming_for(current_user, today, today + timedelta(days=6))
    return {
        "today": [s for s in week if s.starts_at.astimezone(CHINA).date() == today],
        "later": [s for s in week if s.starts_at.astimezone(CHINA).date() != today],
    }


# ---- actions ----------------------------------------------------------------------------------


def _working(number: str) -> tuple[Case, User]:
    case, user = load_case(number), current_user._get_current_object()
    if not scheduling.may_schedule(user, case):
        abort(403)
    return case, user


def _session(case: Case, sid: int) -> ScheduledSession:
    found = db.session.get(ScheduledSession, sid)
    if found is None or found.case_id != case.id:
        abort(404)
    return found


def _done_message(s: ScheduledSession) -> str:
    if scheduling.outside_working_hours(s.starts_at):
        return _(
            "Session scheduled, outside working hours: make sure the parties can come. "
            "Each party's session notice is among the documents."
        )
    return _("Session scheduled. Each party's session notice is among the documents.")


@bp.route("/<number>/schedule", methods=["POST"])
def schedule_session(number: str):
    """Schedule a mediation session (the case's mediators, the committee director)."""
    case, user = _working(number)
    form = ScheduleForm(prefix="schedule")
    made: list[ScheduledSession] = []
    return panel_action(
        case,
        SCHEDULE,
        form,
        lambda: _done_message(made[0]),
        lambda: made.append(scheduling.schedule(case, user, **form.values())),
    )


@bp.route("/<number>/schedule/<int:sid>/reschedule", methods=["POST"])
def reschedule_session(number: str, sid: int):
    """Move a scheduled session to another time (or mode, or place), with the reason."""
    case, user = _working(number)
    s = _session(case, sid)
    form = RescheduleForm(prefix=f"reschedule-{s.id}")
    return panel_action(
        case,
        SCHEDULE,
        form,
        _("Session rescheduled. New session notices are among the documents."),
        lambda: scheduling.reschedule(case, user, s, reason=form.reason.data, **form.values()),
    )


@bp.route("/<number>/schedule/<int:sid>/cancel", methods=["POST"])
def cancel_session(number: str, sid: int):
    """Cancel a scheduled session, with the reason."""
    case, user = _working(number)
    s = _session(case, sid)
    form = CancelForm(prefix=f"cancel-{s.id}")
    return panel_action(
        case,
        SCHEDULE,
        form,
        _("Session cancelled."),
        lambda: scheduling.cancel(
            case, user, s, version=form.version.data, reason=form.reason.data
        ),
    )


@bp.route("/<number>/schedule/<int:sid>/held", methods=["POST"])
def record_held_session(number: str, sid: int):
    """Write the record (人民调解记录) of a scheduled session held; marks it held."""
    case, user = _working(number)
    s = _session(case, sid)
    form = session_form(case, prefix=f"held-{s.id}", formdata=request.form)

    def call():
        values = _session_values(case, form)
        version = values.pop("version")
        scheduling.record_held(case, user, s, version=version, **values)

    return panel_action(case, SCHEDULE, form, _("Session recorded and marked as held."), call)
