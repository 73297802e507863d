"""The next scheduled session on the parties' own pages: the applicant's /status and the
respondent's /respond/case show its time and place (or the video link: these pages are open
only to a party of the case, with their code) and take the party's answer: "I will attend" or
"Ask to reschedule" with a note. Plain forms, no JavaScript; rate limited like the doors.

The pages include templates/public/partials/next_session.html, which reads what it shows
through the template global `party_session` registered here. A refused answer comes back to
the page it was sent from with the message beside its field and the text typed kept (held in
the session for one page view).
"""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from flask import current_app, flash, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.forms import SelectChoice, TrimmedForm
from blueprints.htmx import redirect_303
from blueprints.public import bp
from blueprints.public.respond import _party as respondent
from domain import scheduling
from domain.calendar import CHINA
from domain.errors import DomainError
from extensions import db, limiter
from models import Case, Party
from models.enums import PartyRole
from models.scheduling import ScheduledSession

REFUSED_KEY = "session_answer_refused"  # {"sid", "note", "proposed_at", "errors": {field: msg}}


class SessionAnswerForm(TrimmedForm):
    answer = RadioField(
        _l("Your answer"),
        choices=[
            SelectChoice("attend", _l("I will attend")),
            SelectChoice("reschedule", _l("Ask to reschedule")),
        ],
        validators=[InputRequired(_l("Choose your answer."))],
    )
    note = TextAreaField(
        _l("Why, and when you could come"),
        validators=[Optional(), Length(max=scheduling.NOTE_MAX)],
        render_kw={"rows": 3, "maxlength": scheduling.NOTE_MAX},
    )
    proposed_at = DateTimeLocalField(
        _l("A time that suits you (optional)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )


def _applicant(case: Case) -> Party | None:
    """Who answers on the applicant's status page: the case's query code is the applicant's
    (the first applicant still in the dispute)."""
    return next((p for p in case.active_parties if p.role == PartyRole.APPLICANT), None)


def _status_party() -> Party | None:
    number = session.get("case_access")
    if not number:
        return None
    case = db.session.scalar(sa.select(Case).where(Case.number == number))
    return _applicant(case) if case is not None else None


@bp.app_template_global("party_session")
def party_session(case: Case, party: Party | None = None) -> dict | None:
    """What the partial shows: the next session, this party's answer, the form (with a refused
    answer put back), where it posts. None when no session is scheduled."""
    # Without a party: the applicant's status page; with one: the respondent's door.
    endpoint = "public.status_session" if party is None else "public.respond_session"
    if party is None:
        party = _applicant(case)
    s = scheduling.next_session(case)
    if s is None or party is None:
        return None
    response = s.response_of(party)
    form = SessionAnswerForm(formdata=None, prefix="session")
    refused = session.get(REFUSED_KEY)
    if isinstance(refused, dict) and refused.get("sid") == s.id:
        session.pop(REFUSED_KEY, None)
        form.answer.data = "reschedule"
        form.note.data = refused.get("note") or ""
        for name, message in (refused.get("errors") or {}).items():
            if name in form:
                form[name].errors = [message]
    return {
        "session": s,
        "response": response,
        "form": form,
        "action": url_for(endpoint, sid=s.id),
        "outside_hours": scheduling.outside_working_hours(s.starts_at),
    }


def _answer(party: Party | None, sid: int, back: str, door: str):
    if party is None:
        return redirect_303(url_for(door))
    s = db.session.get(ScheduledSession, sid)
    if s is None or s.case_id != party.case_id:
        flash(_("This session was changed meanwhile: see the new details."), "error")
        return redirect_303(url_for(back))
    form = SessionAnswerForm(prefix="session")
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        proposed = form.proposed_at.data
        try:
            scheduling.respond(
                party.case,
                party,
                s,
                attend=form.answer.data == "attend",
                note=form.note.data,
                proposed_at=proposed.replace(tzinfo=CHINA).astimezone(UTC) if proposed else None,
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            errors[error.field if error.field in form else "answer"] = str(error.message)
        else:
            if form.answer.data == "attend":
                flash(_("Thank you: the centre knows you will attend."), "success")
            else:
                flash(_("Your request to reschedule was sent to the mediator."), "success")
            return redirect_303(url_for(back, _anchor="next-session"))
    else:
        errors = {name: str(messages[0]) for name, messages in form.errors.items() if messages}
    session[REFUSED_KEY] = {"sid": s.id, "note": form.note.data or "", "errors": errors}
    return redirect_303(url_for(back, _anchor="next-session"))


def _limit() -> str:
    return current_app.config["JIEFEN_LIMIT_LOOKUP"]


@bp.route("/status/session/<int:sid>", methods=["POST"])
@limiter.limit(_limit, methods=["POST"])
def status_session(sid: int):
    """The applicant's answer to the next session (from /status)."""
    return _answer(_status_party(), sid, "public.status", "public.lookup")


@bp.route("/respond/session/<int:sid>", methods=["POST"])
@limiter.limit(_limit, methods=["POST"])
def respond_session(sid: int):
    """The respondent's answer to the next session (from /respond/case)."""
    return _answer(respondent(), sid, "public.respond_case", "public.respond")
