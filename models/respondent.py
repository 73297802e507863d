"""The other party's door (被申请人): a respondent's own secret code, and what they sent online.

A respondent invited by the centre gets a code of their own (hashed like the applicant's query
code, shown once in the invitation letter; issuing it again replaces it). With the case number
and that code they answer online (consent, the rights notice: on the Party row, through
domain.consent) and may give their own account and upload material, kept here.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case, Party
from models.types import UTCDateTime, utcnow
from models.user import User


class PartyAccess(db.Model):
    """A party's secret code for the public door: one per party, replaced on re-issue."""

    __tablename__ = "party_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"), unique=True)
    code_hash: Mapped[str] = mapped_column(sa.String(256))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    party: Mapped[Party] = relationship()
    issued_by: Mapped[User | None] = relationship()


class PartySubmission(db.Model):
    """The party's own account (text) or a file they uploaded through the door. Kept as sent:
    never edited; a file was parsed in full before it was stored (domain.uploads)."""

    __tablename__ = "party_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    account: Mapped[str | None] = mapped_column(sa.Text)
    media_type: Mapped[str | None] = mapped_column(sa.String(64))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pages: Mapped[int | None]
    # A file shown to the other side too, when the mediator shared it (None: only the party
    # who sent it and staff see it).
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()
    party: Mapped[Party] = relationship()
