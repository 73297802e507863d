"""Meetings: joint meetings (联席会议), case-analysis meetings, public review meetings (评访) and
committee chairs' meetings; their decisions, each with an owner and a deadline, shown on the
case they concern; printable minutes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.leadership import bp
from blueprints.leadership.forms import DecisionForm, DoneForm, MeetingEditForm, MeetingForm
from blueprints.leadership.views import found, printed, run
from domain import leadership as lead
from domain import matters
from domain.calendar import local_today
from domain.clocks import CHINA
from extensions import db
from models.leadership import Meeting, MeetingDecision


def _staff_choices(field, user) -> None:
    field.choices = [
        (u.id, f"{u.name} · {u.role.label} · {u.organisation.name}")
        for u in lead.staff_in_scope(user)
    ]


@bp.route("/meetings")
def meetings():
    user = current_user._get_current_object()
    rows = list(
        db.session.scalars(
            sa.select(Meeting)
            .where(lead.meeting_scope(user))
            .order_by(Meeting.held_at.desc(), Meeting.id.desc())
            .limit(200)
        )
    )
    return render_template(
        "leadership/meetings.html",
        rows=rows,
        today=local_today(),
        may_record=lead.may_record_meeting(user),
        decisions=lead.decisions_owed_by(user),
        lead=lead,
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
def new_meeting():
    user = current_user._get_current_object()
    if not lead.may_record_meeting(user):
        abort(403)
    form = MeetingForm()
    _staff_choices(form.participants, user)
    if request.method == "GET" and request.args.get("case"):
        form.cases.data = request.args.get("case", "")[:40]
    made = {}

    def call():
        made["m"] = lead.record_meeting(user, form.data_())

    answer = run(
        form,
        call,
        _("Meeting recorded. Add its decisions below."),
        lambda: url_for("leadership.meeting", meeting_id=made["m"].id),
    )
    return answer or render_template("leadership/meeting_form.html", form=form, m=None)


def _load(meeting_id: int) -> Meeting:
    return found(lead.get_meeting_for(current_user._get_current_object(), meeting_id))


def _page(m: Meeting, *, edit=None, decision=None, done=None, done_id=None):
    user = current_user._get_current_object()
    may_edit = lead.may_edit_meeting(user, m)
    if may_edit and decision is None:
        decision = DecisionForm(formdata=None, prefix="decision", version=m.version)
    if decision is not None:
        decision.owner.choices = [("", _("Choose…"))]
        _staff_choices(decision.owner, user)
        decision.owner.choices = [("", _("Choose…")), *decision.owner.choices]
    done_forms = {}
    for d in m.decisions:
        if lead.may_complete(user, d):
            done_forms[d.id] = (
                done
                if done_id == d.id and done is not None
                else DoneForm(formdata=None, prefix=f"done{d.id}", version=d.version)
            )
    return render_template(
        "leadership/meeting.html",
        m=m,
        may_edit=may_edit,
        decision=decision,
        done_forms=done_forms,
        today=local_today(),
        lead=lead,
        history=matters.history(lead.MEETING, m.id),
    )


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    return _page(_load(meeting_id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit_meeting(meeting_id: int):
    m = _load(meeting_id)
    user = current_user._get_current_object()
    if not lead.may_edit_meeting(user, m):
        abort(403)
    if request.method == "GET":
        form = MeetingEditForm(
            formdata=None,
            version=m.version,
            kind=m.kind.value,
            title=m.title,
            held_at=m.held_at.astimezone(CHINA).replace(tzinfo=None),
            place=m.place,
            participants=[u.id for u in m.participants],
            outside=m.outside,
            cases="\n".join(c.number for c in m.cases),
            minutes=m.minutes,
        )
    else:
        form = MeetingEditForm()
    _staff_choices(form.participants, user)
    answer = run(
        form,
        lambda: lead.update_meeting(m, user, form.data_(), version=form.version.data),
        _("Meeting updated."),
        lambda: url_for("leadership.meeting", meeting_id=m.id),
    )
    return answer or render_template("leadership/meeting_form.html", form=form, m=m)


@bp.route("/meetings/<int:meeting_id>/decisions", methods=["POST"])
def add_decision(meeting_id: int):
    m = _load(meeting_id)
    user = current_user._get_current_object()
    if not lead.may_edit_meeting(user, m):
        abort(403)
    form = DecisionForm(prefix="decision")
    _staff_choices(form.owner, user)
    form.owner.choices = [("", _("Choose…")), *form.owner.choices]
    answer = run(
        form,
        lambda: lead.add_decision(m, user, form.data_(), version=form.version.data),
        _("Decision added."),
        lambda: url_for("leadership.meeting", meeting_id=m.id, _anchor="decisions"),
    )
    return answer or _page(m, decision=form)


@bp.route("/decisions/<int:decision_id>/done", methods=["POST"])
def decision_done(decision_id: int):
    """The owner marks a decision carried out (from the meeting page or the case page)."""
    user = current_user._get_current_object()
    d = found(db.session.get(MeetingDecision, decision_id))
    m = found(lead.get_meeting_for(user, d.meeting_id))
    if not lead.may_complete(user, d):
        abort(403)
    form = DoneForm(prefix=f"done{d.id}")
    back = request.args.get("back")
    answer = run(
        form,
        lambda: lead.complete_decision(d, user, form.note.data, version=form.version.data),
        _("Decision marked done."),
        lambda: (
            url_for("cases.detail", number=d.case.number, _anchor="panel-leadership")
            if back == "case" and d.case is not None
            else url_for("leadership.meeting", meeting_id=m.id, _anchor="decisions")
        ),
    )
    return answer or _page(m, done=form, done_id=d.id)


@bp.route("/meetings/<int:meeting_id>/minutes")
def minutes(meeting_id: int):
    """The minutes on one print-friendly page."""
    m = _load(meeting_id)
    return printed(render_template("leadership/minutes.html", m=m))


@bp.route("/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id: int):
    m = _load(meeting_id)
    from weasyprint import HTML  # slow to import: only to make a PDF

    pdf = HTML(string=render_template("leadership/minutes.html", m=m)).write_pdf()
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="minutes-{m.id}.pdf"'
    return response
