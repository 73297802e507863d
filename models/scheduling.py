"""Scheduled mediation sessions (调解安排): the time, the mode (in person at a place, video with
a meeting link, phone) and each party's answer (will attend / asks to reschedule). The record
of the session as held is MediationSession (人民调解记录), linked back here once written.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from extensions import db
from models.case import Case, MediationSession, Party
from models.enums import LabelledEnum, SessionMode
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class SessionStatus(LabelledEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"  # replaced by a later one (kept for the history)

    @classmethod
    def _labels(cls):
        return {
            cls.SCHEDULED: _l("Scheduled"),
            cls.HELD: _l("Held"),
            cls.CANCELLED: _l("Cancelled"),
            cls.RESCHEDULED: _l("Rescheduled"),
        }


class PartyAnswer(enum.StrEnum):
    NONE = "none"
    CONFIRMED = "confirmed"
    RESCHEDULE = "reschedule"


class ScheduledSession(db.Model):
    __tablename__ = "scheduled_session"
    __table_args__ = (sa.Index("ix_scheduled_session_status_starts_at", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[SessionMode] = mapped_column(str_enum(SessionMode, 16))
    place: Mapped[str | None] = mapped_column(sa.String(128))
    video_url: Mapped[str | None] = mapped_column(sa.String(512))
    bring: Mapped[str | None] = mapped_column(sa.Text)  # what the parties should bring
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus, 16), default=SessionStatus.SCHEDULED
    )
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why cancelled or rescheduled
    # The session it replaces (a reschedule makes a new row and marks the old one).
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("scheduled_session.id"))
    record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mediation_session.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship(
        backref=backref(
            "scheduled_sessions",
            order_by="ScheduledSession.starts_at",
            cascade="all, delete-orphan",
        )
    )
    created_by: Mapped[User] = relationship()
    record: Mapped[MediationSession | None] = relationship()
    responses: Mapped[list[SessionResponse]] = relationship(
        back_populates="session", order_by="SessionResponse.id", cascade="all, delete-orphan"
    )

    @property
    def upcoming(self) -> bool:
        return self.status == SessionStatus.SCHEDULED

    def response_of(self, party: Party) -> SessionResponse | None:
        return next((r for r in self.responses if r.party_id == party.id), None)


class SessionResponse(db.Model):
    """One party's part in a scheduled session: its session notice (调解通知书, a document
    whose subject is this row) and its answer."""

    __tablename__ = "session_response"
    __table_args__ = (sa.UniqueConstraint("session_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("scheduled_session.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"))
    answer: Mapped[PartyAnswer] = mapped_column(str_enum(PartyAnswer, 16), default=PartyAnswer.NONE)
    note: Mapped[str | None] = mapped_column(sa.Text)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[ScheduledSession] = relationship(back_populates="responses")
    party: Mapped[Party] = relationship()
