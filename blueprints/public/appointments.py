"""Appointments (预约调解) on the citizen's face: choose a centre and a time, leave a name, a
phone number and a line on the matter, get a booking reference; cancel with it. No account,
no JavaScript needed, CSRF-checked, rate limited (only bookings actually made count). Opened
from a case's status page the booking is linked to that case. Rules in domain/appointments.py."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import InputRequired, Length

from blueprints.actions import attach_error
from blueprints.forms import TrimmedForm
from blueprints.htmx import redirect_303
from blueprints.parties import valid_phone
from blueprints.public import bp
from blueprints.public.retry import retried
from domain import appointments as ap
from domain.errors import DomainError
from domain.identity import mask_phone
from extensions import db, limiter
from models import Appointment, Case

BOOKED_KEY = "appointment_booked"  # the reference, shown once after booking


class BookForm(TrimmedForm):
    slot = RadioField(
        _l("Time"), coerce=str, validate_choice=False,
        validators=[InputRequired(_l("Choose a time."))],
    )  # fmt: skip
    name = StringField(
        _l("Your name"), validators=[InputRequired(_l("Enter your name.")), Length(max=64)]
    )
    phone = StringField(
        _l("Phone"),
        validators=[InputRequired(_l("Enter a phone number.")), Length(max=32), valid_phone],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
    )
    description = StringField(
        _l("What it is about, in one line"),
        validators=[InputRequired(_l("Say in one line what it is about.")), Length(max=200)],
        render_kw={"maxlength": 200},
    )


class CancelForm(TrimmedForm):
    reference = StringField(
        _l("Booking reference"),
        validators=[InputRequired(_l("Enter the booking reference.")), Length(max=32)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    phone = StringField(
        _l("The phone number you gave"),
        validators=[InputRequired(_l("Enter a phone number.")), Length(max=32)],
        render_kw={"type": "tel", "inputmode": "tel"},
    )


def _linked_case() -> Case | None:
    """The case opened on this device (its status page), when the booking comes from there."""
    number = session.get("case_access")
    if not number or request.values.get("case") != "1":
        return None
    return db.session.scalar(sa.select(Case).where(Case.number == number))


def _org_id() -> int | None:
    value = request.values.get("org", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _page(form: BookForm, case: Case | None, status: int = 200):
    centres = ap.public_centres()
    org_id = _org_id()
    if org_id is None and case is not None and case.handling_org_id is not None:
        org_id = case.handling_org_id
    org = next((o for o in centres if o.id == org_id), None)
    slots = ap.public_slots(org.id) if org is not None else []
    return (
        render_template(
            "public/appointments.html",
            form=form,
            centres=centres,
            org=org,
            slots=slots,
            case=case,
        ),
        status,
    )


@bp.route("/appointments", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["JIEFEN_LIMIT_APPLICATION"],
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 303,
)
@retried()
def appointments():
    """Book a visit to a centre (anyone, no account)."""
    case = _linked_case()
    form = BookForm()
    if request.method == "GET" and case is not None:
        form.description.data = _("About case %(number)s", number=case.number)
        if case.applicants:
            form.name.data = case.applicants[0].name
    if request.method == "POST" and form.validate_on_submit():
        slot_id = int(form.slot.data) if (form.slot.data or "").isdigit() else -1
        data = ap.BookingData(form.name.data, form.phone.data, form.description.data)
        try:
            row = ap.book(slot_id, data, case=case)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            return _page(form, case, 400)
        session[BOOKED_KEY] = row.id
        return redirect_303(url_for("public.appointment_booked"))
    return _page(form, case, 400 if request.method == "POST" else 200)


@bp.route("/appointments/booked")
def appointment_booked():
    """The booking reference, once, right after booking."""
    row_id = session.pop(BOOKED_KEY, None)
    row = db.session.get(Appointment, row_id) if isinstance(row_id, int) else None
    if row is None:
        return redirect_303(url_for("public.appointments"))
    return render_template(
        "public/appointment_booked.html",
        row=row,
        reference=ap.format_reference(row.reference),
        phone=mask_phone(row.phone),
    )


@bp.route("/appointments/cancel", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JIEFEN_LIMIT_LOOKUP"], methods=["POST"])
@retried()
def cancel_appointment():
    """Cancel a booking with its reference and the phone number given (anyone)."""
    form = CancelForm()
    done = False
    if form.validate_on_submit():
        row = ap.find_booking(form.reference.data, form.phone.data)
        if row is None:
            form.form_errors.append(_("No booking with this reference and phone number."))
        else:
            try:
                ap.cancel_booking(row)
                db.session.commit()
                done = True
            except DomainError as error:
                db.session.rollback()
                attach_error(form, error)
    status = 400 if request.method == "POST" and not done else 200
    return render_template("public/appointment_cancel.html", form=form, done=done), status
