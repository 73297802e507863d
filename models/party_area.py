"""The parties' own area after filing: messages between each party and the mediator, and a
party's request that mediation end (PML Art. 23: 当事人要求终止调解).

Each party has one thread with the centre. A party's file sent with a message is a
PartySubmission (the same kind of row as any material sent through the door, parsed in full by
domain.uploads); the mediator decides whether it is shared with the other side
(PartySubmission.shared_at). A message's text is never shown to anyone but its party and
staff.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case, Party
from models.respondent import PartySubmission
from models.types import UTCDateTime, utcnow
from models.user import User

TO_STAFF = "to_staff"  # from the party to the mediator
TO_PARTY = "to_party"  # from the mediator to the party


class CaseMessage(db.Model):
    """One message in a party's thread with the centre. Kept as sent: never edited."""

    __tablename__ = "case_message"
    __table_args__ = (sa.Index("ix_case_message_case_party", "case_id", "party_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"))
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"))
    direction: Mapped[str] = mapped_column(sa.String(16))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("party_submission.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    party: Mapped[Party] = relationship()
    author: Mapped[User | None] = relationship()
    attachment: Mapped[PartySubmission | None] = relationship()

    @property
    def from_party(self) -> bool:
        return self.direction == TO_STAFF


class EndRequest(db.Model):
    """A party asks that mediation end (PML Art. 23), with their reason: a task for the
    mediator until handled (mediation ended, or answered with a note)."""

    __tablename__ = "end_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    handled_note: Mapped[str | None] = mapped_column(sa.Text)

    case: Mapped[Case] = relationship()
    party: Mapped[Party] = relationship()
    handled_by: Mapped[User | None] = relationship()
