"""Notifications: the staff inbox, the citizens' opt-in, the outbox of messages to send, and
the reminders already given (so none goes twice).

- Notification: one line in one staff member's inbox. The text is a message key and its
  parameters, rendered in the reader's language when shown (domain.notifications.KINDS).
- ContactPreference: a party's opt-in for this case (SMS, e-mail, the address, the language).
  One row per party; none means no messages beyond the invitation.
- Outbox: one message to one party, written in the same transaction as the event that caused
  it, sent after commit by the queue (jobs.py), retried with backoff, "failed" after
  NOTIFY_MAX_ATTEMPTS and shown to staff. Never deleted.
- ReminderSent: one row per reminder given (kind, key): unique, so two workers or two runs of
  the same day give it once.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case, Party
from models.types import UTCDateTime, utcnow
from models.user import User


class Notification(db.Model):
    __tablename__ = "notification"
    # The header's unread count and the inbox list: one user's rows, unread first, newest.
    __table_args__ = (sa.Index("ix_notification_user_read", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    case: Mapped[Case | None] = relationship()


class ContactPreference(db.Model):
    __tablename__ = "contact_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"), unique=True)
    sms: Mapped[bool] = mapped_column(default=False)
    email: Mapped[bool] = mapped_column(default=False)
    email_address: Mapped[str | None] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(8), default="zh_Hans")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    party: Mapped[Party] = relationship()


OUTBOX_PENDING = "pending"
OUTBOX_SENDING = "sending"
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"


class Outbox(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        # The periodic pick-up: pending rows whose time has come.
        sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party.id"))
    channel: Mapped[str] = mapped_column(sa.String(8))  # sms, email
    recipient: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(32))
    language: Mapped[str] = mapped_column(sa.String(8))
    # What the text is made from; secrets (a respondent's code) are removed once sent.
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(8), default=OUTBOX_PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case | None] = relationship()
    party: Mapped[Party | None] = relationship()


class ReminderSent(db.Model):
    __tablename__ = "reminder_sent"
    __table_args__ = (sa.UniqueConstraint("kind", "key", name="uq_reminder_sent_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
