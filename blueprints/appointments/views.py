"""Slots and the day's appointments (desk, leaders, directors of the organisations in their
scope; 404 for a slot or booking outside it)."""

from __future__ import annotations

from datetime import date, time

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, IntegerField, StringField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from blueprints.appointments import bp
from blueprints.forms import ChoiceField, TrimmedForm, optional_int
from blueprints.htmx import redirect_303
from blueprints.leadership.views import found, run
from domain import appointments as ap
from domain import matters
from domain.calendar import local_today
from domain.identity import mask_phone
from domain.permissions import may_register
from models import Appointment, AppointmentStatus
from models.enums import Channel, Role

# The record's action codes (domain.appointments) in words.
ACTION_WORDS = {
    "publish": _l("Published"),
    "cancel": _l("Cancelled"),
    "book": _l("Booked"),
    "cancel_booking": _l("A booking cancelled"),
    "arrived": _l("Arrived"),
    "no_show": _l("Did not come"),
    "registered": _l("Registered as a new case"),
    "attached": _l("Attached to a case"),
}


def action_word(code: str) -> str:
    return str(ACTION_WORDS.get(code, code))


class SlotForm(TrimmedForm):
    org = ChoiceField(
        _l("Organisation"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose an organisation of your area."))],
    )
    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter the day."))])
    starts = TimeField(
        _l("From"), default=time(9), validators=[InputRequired(_l("Enter the start."))]
    )
    ends = TimeField(
        _l("To"), default=time(11, 30), validators=[InputRequired(_l("Enter the end."))]
    )
    capacity = IntegerField(
        _l("Visitors"),
        default=4,
        validators=[
            InputRequired(_l("Enter how many visitors.")),
            NumberRange(1, ap.MAX_CAPACITY, _l("Between 1 and %(max)d visitors.")),
        ],
        render_kw={"class": "short"},
    )
    place = StringField(
        _l("Place"), validators=[InputRequired(_l("Enter the place.")), Length(max=200)]
    )

    def data_(self) -> ap.SlotData:
        return ap.SlotData(
            self.org.data,
            self.day.data,
            self.starts.data,
            self.ends.data,
            self.capacity.data,
            self.place.data,
        )


class RowForm(TrimmedForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class AttachForm(RowForm):
    number = StringField(
        _l("Case number"),
        validators=[InputRequired(_l("Enter the case number.")), Length(max=40)],
    )


def _me():
    return current_user._get_current_object()


def _allowed():
    if not ap.may_manage(_me()):
        abort(403)


def _orgs(form: SlotForm) -> None:
    form.org.choices = [("", _("Choose…"))] + [(o.id, o.name) for o in ap.host_organisations(_me())]


def _index(slot_form=None, status=200):
    user = _me()
    if slot_form is None:
        slot_form = SlotForm(formdata=None)
    _orgs(slot_form)
    slots = ap.upcoming_slots(ap.slot_scope(user), today=local_today())
    return (
        render_template(
            "appointments/index.html",
            slot_form=slot_form,
            slots=slots,
            today=local_today(),
            history={s.id: matters.history(ap.SLOT, s.id) for s in slots},
            action_word=action_word,
        ),
        status,
    )


@bp.route("/")
def index():
    """The upcoming slots of the user's area, and the form to publish one."""
    _allowed()
    return _index()


@bp.route("/slots", methods=["POST"])
def publish():
    _allowed()
    form = SlotForm()
    _orgs(form)
    answer = run(
        form,
        lambda: ap.publish_slot(_me(), form.data_()),
        _("Visiting time published."),
        lambda: url_for("appointments.index"),
    )
    return answer or _index(form, 400)


@bp.route("/slots/<int:slot_id>/cancel", methods=["POST"])
def cancel_slot(slot_id: int):
    _allowed()
    slot = found(ap.get_slot_for(_me(), slot_id))
    form = TrimmedForm()
    answer = run(
        form,
        lambda: ap.cancel_slot(_me(), slot),
        _("Visiting time withdrawn."),
        lambda: url_for("appointments.index"),
    )
    if answer is None:  # refused (bookings on it): the message on the list
        for message in form.form_errors:
            flash(message, "error")
        return redirect_303(url_for("appointments.index"))
    return answer


def _day() -> date:
    try:
        return date.fromisoformat(request.values.get("day", ""))
    except ValueError:
        return local_today()


def _day_page(day: date, forms: dict | None = None, status=200):
    user = _me()
    rows = ap.day_list(user, day)
    return (
        render_template(
            "appointments/day.html",
            day=day,
            rows=rows,
            forms=forms or {},
            AttachForm=AttachForm,
            RowForm=RowForm,
            # The desk calls the visitors: the full number; others see it masked.
            phone=(lambda p: p) if user.role == Role.CLERK else mask_phone,
            desk_registers=may_register(user),
            history={r.id: matters.history(ap.BOOKING, r.id) for r in rows},
            action_word=action_word,
        ),
        status,
    )


@bp.route("/day")
def day():
    """The day's appointments (?day=YYYY-MM-DD, today by default)."""
    _allowed()
    return _day_page(_day())[0]


def _row(appointment_id: int) -> Appointment:
    _allowed()
    return found(ap.get_appointment_for(_me(), appointment_id))


def _back(row: Appointment) -> str:
    return url_for("appointments.day", day=row.slot.day.isoformat(), _anchor=f"appt-{row.id}")


@bp.route("/<int:appointment_id>/<any(arrived, no_show):status>", methods=["POST"])
def mark(appointment_id: int, status: str):
    row = _row(appointment_id)
    form = RowForm(prefix=f"row{row.id}")
    answer = run(
        form,
        lambda: ap.mark(_me(), row, AppointmentStatus(status), version=form.version.data),
        _("Appointment updated."),
        lambda: _back(row),
    )
    return answer or _day_page(row.slot.day, {row.id: form}, 400)


@bp.route("/<int:appointment_id>/attach", methods=["POST"])
def attach(appointment_id: int):
    row = _row(appointment_id)
    form = AttachForm(prefix=f"attach{row.id}")
    answer = run(
        form,
        lambda: ap.attach(_me(), row, form.number.data, version=form.version.data),
        _("Visit attached to the case."),
        lambda: _back(row),
    )
    return answer or _day_page(row.slot.day, {row.id: form}, 400)


# ---- the desk's registration, prefilled (blueprints/desk/views.py) ---------------------------


def appointment_to_register(value: str | None) -> Appointment | None:
    """The appointment (in the clerk's scope, not yet settled) named in the URL."""
    if not value or not value.isdigit() or len(value) > 12:
        return None
    row = ap.get_appointment_for(_me(), int(value))
    if row is None or row.status not in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED):
        return None
    return row


def prefill_from_appointment(form, row: Appointment) -> None:
    """The visitor as the applicant and the line they wrote as the account."""
    form.channel.data = Channel.WALK_IN.value
    form.summary.data = row.description
    applicant = form.applicants.entries[0].form
    applicant.name.data = row.name
    applicant.phone.data = row.phone
