"""Appointments (预约调解): a centre publishes visiting slots (a day, hours, a place, how many
visitors) and a citizen books one from the public site or their case's status page, with a
booking reference to cancel it. The desk sees the day's appointments, marks who came, and
registers the visitor as a case or attaches the visit to one. The shape follows the leaders'
reception days (models.leadership.ReceptionSlot/ReceptionBooking)."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case
from models.enums import LabelledEnum
from models.organisation import Organisation
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class AppointmentSlot(db.Model):
    """Visiting hours a centre offers for appointments."""

    __tablename__ = "appointment_slot"
    __table_args__ = (sa.Index("ix_appointment_slot_org_id_day", "org_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    day: Mapped[date] = mapped_column(index=True)
    starts: Mapped[time] = mapped_column(sa.Time)
    ends: Mapped[time] = mapped_column(sa.Time)
    capacity: Mapped[int] = mapped_column(default=1)
    # Places taken by active bookings: raised in one conditional UPDATE, so two citizens
    # racing for the last place cannot both get it.
    booked: Mapped[int] = mapped_column(default=0)
    place: Mapped[str] = mapped_column(sa.String(200))
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="slot", order_by="Appointment.id"
    )

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def hours(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"


class AppointmentStatus(LabelledEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"  # by the citizen, with the reference
    ARRIVED = "arrived"
    NO_SHOW = "no_show"
    REGISTERED = "registered"  # registered as a new case
    ATTACHED = "attached"  # attached to an existing case

    @classmethod
    def _labels(cls):
        return {
            cls.BOOKED: _l("Booked"),
            cls.CANCELLED: _l("Cancelled"),
            cls.ARRIVED: _l("Arrived"),
            cls.NO_SHOW: _l("Did not come"),
            cls.REGISTERED: _l("Registered as a new case"),
            cls.ATTACHED: _l("Attached to a case"),
        }


class Appointment(db.Model):
    """One citizen's booking of a slot."""

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("appointment_slot.id"), index=True)
    # The booking reference the citizen keeps (to cancel): short, unambiguous letters/digits.
    reference: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    phone: Mapped[str] = mapped_column(sa.String(32))
    description: Mapped[str] = mapped_column(sa.String(200))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    status: Mapped[AppointmentStatus] = mapped_column(
        str_enum(AppointmentStatus, 16), default=AppointmentStatus.BOOKED
    )
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    slot: Mapped[AppointmentSlot] = relationship(back_populates="appointments")
    case: Mapped[Case | None] = relationship()
    handled_by: Mapped[User | None] = relationship()
