"""Appointments (预约调解): a centre's visiting slots and the citizens' bookings.

- A centre (or a committee) publishes slots: a day, the hours, the place, how many visitors.
  Who publishes: the desk (clerks), leaders and directors, for the organisations in their
  scope (domain.permissions.org_scope_of). The shape follows the leaders' reception days
  (domain.leadership: ReceptionSlot/ReceptionBooking), which a leader receives in person;
  these are the centre's ordinary hours anyone may book.
- A citizen books from the public site (no account) or from their case's status page (then
  the booking is linked to the case). The place is taken by one conditional UPDATE of the
  slot's count (`booked < capacity`), so two citizens racing for the last place cannot both
  get it, whichever database. The citizen gets a booking reference, and cancels with it and
  the phone number given.
- The desk sees the day's appointments, marks who arrived or did not come, and registers the
  visitor as a case (the desk's registration form, prefilled) or attaches the visit to a case.
  `appointments_on(day)` gives the reminders the day's bookings.

Every change goes on the record of its slot and of its booking (domain.matters); a booking
attached to or registered as a case goes on the case's timeline. Phone numbers never go into
a record (they are personal data): the desk's pages show them, masked elsewhere.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from domain import matters
from domain.calendar import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.identity import IdentifierError, normalise_phone
from domain.leadership import StaleMatter, cases_by_number
from domain.permissions import org_scope_of
from domain.states import Action
from domain.timeline import record
from extensions import db
from models import Appointment, AppointmentSlot, AppointmentStatus, Case, Organisation, User
from models.enums import OrgKind, Role

SLOT = "appointment_slot"  # the matters' kinds
BOOKING = "appointment"

MAX_CAPACITY = 50
MAX_DAYS_AHEAD = 366
# How far ahead the public site offers slots.
PUBLIC_DAYS_AHEAD = 60
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
REFERENCE_LENGTH = 10
# Partner bodies do not receive visitors for mediation.
HOSTS = tuple(
    k
    for k in OrgKind
    if k
    not in (
        OrgKind.COURT,
        OrgKind.PETITION_OFFICE,
        OrgKind.POLICE_STATION,
        OrgKind.JUSTICE_OFFICE,
        OrgKind.ARBITRATION,
    )
)
ACTIVE = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
SETTLED = (AppointmentStatus.REGISTERED, AppointmentStatus.ATTACHED)


def check_version(row: Appointment, version: int | None) -> None:
    if version is not None and version != row.version:
        raise StaleMatter()


# ---- who ------------------------------------------------------------------------------------


def may_manage(user: User) -> bool:
    """The desk, leaders and directors publish slots and work the day's appointments."""
    return user.role in (Role.CLERK, Role.LEADER, Role.DIRECTOR)


def host_organisations(user: User) -> list[Organisation]:
    """The organisations `user` may publish slots for."""
    if not may_manage(user):
        return []
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(org_scope_of(user), Organisation.kind.in_(HOSTS))
            .order_by(Organisation.name)
            .limit(500)
        )
    )


def slot_scope(user: User) -> sa.ColumnElement[bool]:
    return AppointmentSlot.org_id.in_(sa.select(Organisation.id).where(org_scope_of(user)))


def get_slot_for(user: User, slot_id: int) -> AppointmentSlot | None:
    return db.session.scalar(
        sa.select(AppointmentSlot).where(AppointmentSlot.id == slot_id, slot_scope(user))
    )


def get_appointment_for(user: User, appointment_id: int) -> Appointment | None:
    return db.session.scalar(
        sa.select(Appointment)
        .join(AppointmentSlot)
        .where(Appointment.id == appointment_id, slot_scope(user))
    )


# ---- slots ----------------------------------------------------------------------------------


@dataclass
class SlotData:
    org_id: int | None
    day: date
    starts: time
    ends: time
    capacity: int
    place: str


def publish_slot(user: User, data: SlotData, *, today: date | None = None) -> AppointmentSlot:
    if not may_manage(user):
        raise NotPermitted()
    today = today or local_today()
    org = next((o for o in host_organisations(user) if o.id == data.org_id), None)
    if org is None:
        raise ValidationFailed(_l("Choose an organisation of your area."), "org")
    if data.day < today:
        raise ValidationFailed(_l("The day cannot be in the past."), "day")
    if (data.day - today).days > MAX_DAYS_AHEAD:
        raise ValidationFailed(_l("Publish at most a year ahead."), "day")
    if data.ends <= data.starts:
        raise ValidationFailed(_l("The end comes after the start."), "ends")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise ValidationFailed(_l("Between 1 and %(max)d visitors.", max=MAX_CAPACITY), "capacity")
    slot = AppointmentSlot(
        org_id=org.id,
        day=data.day,
        starts=data.starts,
        ends=data.ends,
        capacity=data.capacity,
        booked=0,
        place=data.place,
        created_by_id=user.id,
    )
    db.session.add(slot)
    db.session.flush()
    matters.record(
        SLOT,
        slot.id,
        "publish",
        user,
        org=org.id,
        note=data.place,
        data={"day": data.day.isoformat(), "hours": slot.hours, "capacity": data.capacity},
    )
    return slot


def cancel_slot(user: User, slot: AppointmentSlot) -> None:
    """Withdraw a slot nobody has booked (with bookings: call the visitors first, and let
    them cancel, or keep the slot)."""
    if not may_manage(user):
        raise NotPermitted()
    if slot.cancelled:
        raise ValidationFailed(_l("This slot is already withdrawn."))
    if slot.booked:
        raise ValidationFailed(_l("Visitors have booked this slot: it cannot be withdrawn."))
    slot.cancelled = True
    matters.record(SLOT, slot.id, "cancel", user, org=slot.org_id)


def upcoming_slots(org_condition=None, *, today: date | None = None, days: int | None = None):
    today = today or local_today()
    stmt = (
        sa.select(AppointmentSlot)
        .where(AppointmentSlot.day >= today, AppointmentSlot.cancelled.is_(False))
        .options(joinedload(AppointmentSlot.organisation))
        .order_by(AppointmentSlot.day, AppointmentSlot.starts, AppointmentSlot.id)
        .limit(300)
    )
    if days is not None:
        stmt = stmt.where(AppointmentSlot.day <= date.fromordinal(today.toordinal() + days))
    if org_condition is not None:
        stmt = stmt.where(org_condition)
    return list(db.session.scalars(stmt))


def public_centres(*, today: date | None = None) -> list[Organisation]:
    """The organisations with bookable slots ahead (the public page's first choice)."""
    today = today or local_today()
    ids = sa.select(AppointmentSlot.org_id).where(
        AppointmentSlot.day >= today,
        AppointmentSlot.day <= date.fromordinal(today.toordinal() + PUBLIC_DAYS_AHEAD),
        AppointmentSlot.cancelled.is_(False),
    )
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        )
    )


def public_slots(org_id: int, *, today: date | None = None) -> list[AppointmentSlot]:
    return upcoming_slots(AppointmentSlot.org_id == org_id, today=today, days=PUBLIC_DAYS_AHEAD)


# ---- bookings -------------------------------------------------------------------------------


@dataclass
class BookingData:
    name: str
    phone: str
    description: str


def _reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(value: str | None) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:32]


def format_reference(value: str) -> str:
    return f"{value[:5]}-{value[5:]}"


def _take_place(slot_id: int, today: date) -> bool:
    """One place of the slot, if one is left: one conditional UPDATE (no read-then-write)."""
    result = db.session.execute(
        sa.update(AppointmentSlot)
        .where(
            AppointmentSlot.id == slot_id,
            AppointmentSlot.cancelled.is_(False),
            AppointmentSlot.day >= today,
            AppointmentSlot.booked < AppointmentSlot.capacity,
        )
        .values(booked=AppointmentSlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def book(
    slot_id: int, data: BookingData, *, case: Case | None = None, today: date | None = None
) -> Appointment:
    """A citizen's booking (no account). Raises ValidationFailed when the slot is full, past
    or withdrawn, or the phone is not a phone number."""
    today = today or local_today()
    try:
        phone = normalise_phone(data.phone)
    except IdentifierError as error:
        raise ValidationFailed(error.message, "phone") from None
    slot = db.session.get(AppointmentSlot, slot_id)
    if slot is None:
        raise ValidationFailed(_l("Choose one of the times offered."), "slot")
    if not _take_place(slot.id, today):
        raise ValidationFailed(
            _l("This time is fully booked or no longer offered. Choose another."), "slot"
        )
    row = Appointment(
        slot_id=slot.id,
        reference=_reference(),
        name=data.name,
        phone=phone,
        description=data.description,
        case_id=case.id if case is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    db.session.expire(slot, ["booked"])
    info = {"appointment": row.id, "day": slot.day.isoformat(), "hours": slot.hours}
    if case is not None:
        info["case"] = case.number
    matters.record(BOOKING, row.id, "book", None, org=slot.org_id, note=data.description, data=info)
    matters.record(SLOT, slot.id, "book", None, org=slot.org_id, data={"appointment": row.id})
    if case is not None:
        record(case, Action.APPOINTMENT_VISIT, None, note=data.description, data=info | {
            "via": "party_online", "status": "booked"})  # fmt: skip
    return row


def find_booking(reference: str | None, phone: str | None) -> Appointment | None:
    """The booking with this reference and phone number (both must match)."""
    reference = normalise_reference(reference)
    if len(reference) != REFERENCE_LENGTH:
        return None
    row = db.session.scalar(sa.select(Appointment).where(Appointment.reference == reference))
    try:
        given = normalise_phone(phone or "")
    except IdentifierError:
        return None
    if row is None or not secrets.compare_digest(row.phone, given):
        return None
    return row


def cancel_booking(row: Appointment, *, today: date | None = None) -> None:
    """The citizen cancels (with the reference): the place is free again."""
    today = today or local_today()
    if row.status != AppointmentStatus.BOOKED:
        raise ValidationFailed(_l("This booking can no longer be cancelled."))
    if row.slot.day < today:
        raise ValidationFailed(_l("This appointment is over."))
    row.status = AppointmentStatus.CANCELLED
    db.session.execute(
        sa.update(AppointmentSlot)
        .where(AppointmentSlot.id == row.slot_id, AppointmentSlot.booked > 0)
        .values(booked=AppointmentSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )
    slot = row.slot
    matters.record(BOOKING, row.id, "cancel", None, org=slot.org_id)
    matters.record(SLOT, slot.id, "cancel_booking", None, org=slot.org_id,
                   data={"appointment": row.id})  # fmt: skip
    db.session.expire(slot, ["booked"])


# ---- the desk -------------------------------------------------------------------------------


def appointments_on(day: date, org_condition=None) -> list[Appointment]:
    """The day's bookings still expected (booked or arrived), by time: the desk's list, and
    what the reminders send the day before."""
    stmt = (
        sa.select(Appointment)
        .join(AppointmentSlot)
        .where(
            AppointmentSlot.day == day,
            AppointmentSlot.cancelled.is_(False),
            Appointment.status.in_(ACTIVE),
        )
        .options(joinedload(Appointment.slot).joinedload(AppointmentSlot.organisation))
        .order_by(AppointmentSlot.starts, Appointment.id)
    )
    if org_condition is not None:
        stmt = stmt.where(org_condition)
    return list(db.session.scalars(stmt))


def day_list(user: User, day: date) -> list[Appointment]:
    """Every booking of the day in `user`'s scope, cancelled ones included (at the end)."""
    return list(
        db.session.scalars(
            sa.select(Appointment)
            .join(AppointmentSlot)
            .where(AppointmentSlot.day == day, slot_scope(user))
            .options(joinedload(Appointment.slot).joinedload(AppointmentSlot.organisation))
            .order_by(
                (Appointment.status == AppointmentStatus.CANCELLED).asc(),
                AppointmentSlot.starts,
                Appointment.id,
            )
        )
    )


def mark(user: User, row: Appointment, status: AppointmentStatus, *, version: int | None):
    """Arrived or did not come."""
    if not may_manage(user):
        raise NotPermitted()
    check_version(row, version)
    if status not in (AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW):
        raise ValidationFailed(_l("Choose arrived or did not come."))
    if row.status not in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED,
                          AppointmentStatus.NO_SHOW):  # fmt: skip
        raise ValidationFailed(_l("This booking is already settled."))
    row.status = status
    row.handled_by_id = user.id
    matters.record(BOOKING, row.id, status.value, user, org=row.slot.org_id)


def _settle(user: User, row: Appointment, case: Case, status: AppointmentStatus) -> None:
    if row.status not in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED):
        raise ValidationFailed(_l("This booking is already settled."))
    row.status, row.case_id, row.handled_by_id = status, case.id, user.id
    slot = row.slot
    info = {"appointment": row.id, "case": case.number, "day": slot.day.isoformat()}
    matters.record(BOOKING, row.id, status.value, user, org=slot.org_id, data=info)
    record(case, Action.APPOINTMENT_VISIT, user, note=row.description,
           data=info | {"status": status.value})  # fmt: skip


def attach(user: User, row: Appointment, number: str, *, version: int | None) -> Case:
    """The visit concerns a case already registered: on that case's timeline."""
    if not may_manage(user):
        raise NotPermitted()
    check_version(row, version)
    case = cases_by_number(user, [number], field="number")[0]
    _settle(user, row, case, AppointmentStatus.ATTACHED)
    return case


def registered(user: User, row: Appointment, case: Case) -> None:
    """The desk registered the visitor as a new case (blueprints/desk, prefilled)."""
    _settle(user, row, case, AppointmentStatus.REGISTERED)
