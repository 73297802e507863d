"""Leader reception days (领导接访日): a centre publishes its schedule (shown on the public face
too), the desk books visitors in and afterwards registers each visit as a new case (the desk's
registration, prefilled) or attaches it to a case."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.leadership import bp
from blueprints.leadership.forms import AttachForm, BookingForm, SlotForm
from blueprints.leadership.views import found, run
from domain import leadership as lead
from domain.calendar import local_today
from domain.identity import mask_phone
from domain.permissions import may_register
from models.enums import Role


def _leaders(form, user) -> None:
    form.leader.choices = [("", _("Choose…"))] + [
        (u.id, f"{u.name} · {u.organisation.name}")
        for u in lead.staff_in_scope(user, {Role.LEADER})
    ]


def _page(*, slot_form=None, book=None, book_slot=None, attach=None, attach_id=None):
    user = current_user._get_current_object()
    if lead.may_schedule(user) and slot_form is None:
        slot_form = SlotForm(formdata=None)
    if slot_form is not None:
        _leaders(slot_form, user)
    slots = lead.upcoming_slots(lead.slot_scope(user), today=local_today())
    return render_template(
        "leadership/reception.html",
        slots=slots,
        slot_form=slot_form,
        may_book=lead.may_book(user),
        desk_registers=may_register(user),
        book=book,
        book_slot=book_slot,
        attach=attach,
        attach_id=attach_id,
        mask_phone=mask_phone,
        AttachForm=AttachForm,
        BookingForm=BookingForm,
    )


@bp.route("/reception")
def reception():
    """The upcoming receptions of the user's area with their bookings."""
    return _page()


@bp.route("/reception/new", methods=["POST"])
def publish():
    user = current_user._get_current_object()
    if not lead.may_schedule(user):
        abort(403)
    form = SlotForm()
    _leaders(form, user)
    answer = run(
        form,
        lambda: lead.publish_slot(user, form.data_()),
        _("Reception published."),
        lambda: url_for("leadership.reception"),
    )
    return answer or _page(slot_form=form)


@bp.route("/reception/<int:slot_id>/book", methods=["POST"])
def book(slot_id: int):
    user = current_user._get_current_object()
    slot = found(lead.get_slot_for(user, slot_id))
    if not lead.may_book(user):
        abort(403)
    form = BookingForm(prefix=f"book{slot.id}")
    answer = run(
        form,
        lambda: lead.book_visitor(slot, user, form.data_()),
        _("Visitor booked."),
        lambda: url_for("leadership.reception", _anchor=f"slot-{slot.id}"),
    )
    return answer or _page(book=form, book_slot=slot.id)


@bp.route("/reception/booking/<int:booking_id>/attach", methods=["POST"])
def attach(booking_id: int):
    user = current_user._get_current_object()
    booking = found(lead.get_booking_for(user, booking_id))
    if not lead.may_book(user):
        abort(403)
    form = AttachForm(prefix=f"attach{booking.id}")
    answer = run(
        form,
        lambda: lead.attach_visit(booking, user, form.number.data, version=form.version.data),
        _("Visit attached to the case."),
        lambda: url_for("leadership.reception", _anchor=f"slot-{booking.slot_id}"),
    )
    return answer or _page(attach=form, attach_id=booking.id)
