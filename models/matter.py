"""The work record of matters that are not cases: screening rounds, warnings, leader
responsibility (包案), supervision orders (督办), meetings, reception days, staffing, training,
experts, assessments. Each change of such a matter is one MatterEvent (who, when, what, why),
appended and never edited, as the case timeline (models.case.Event) is for cases.

A matter is named by its kind (the table it lives in, e.g. "screening_round") and its id; the
organisation it belongs to is kept beside it so a leader's area can read the record of every
matter in it on one index."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.types import UTCDateTime, utcnow
from models.user import User


class MatterEvent(db.Model):
    __tablename__ = "matter_event"
    __table_args__ = (
        sa.Index("ix_matter_event_matter", "matter_kind", "matter_id", "id"),
        sa.Index("ix_matter_event_org_id_id", "org_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_kind: Mapped[str] = mapped_column(sa.String(32))
    matter_id: Mapped[int]
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(sa.String(32))
    note: Mapped[str | None] = mapped_column(sa.Text)
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<MatterEvent {self.matter_kind}:{self.matter_id} {self.action}>"


class ImmutableMatterEventError(RuntimeError):
    """Raised when code tries to change or delete a matter's record."""


@sa.event.listens_for(MatterEvent, "before_update")
def _refuse_update(mapper, connection, target):  # noqa: ARG001
    raise ImmutableMatterEventError("a matter's record is never updated")


@sa.event.listens_for(MatterEvent, "before_delete")
def _refuse_delete(mapper, connection, target):  # noqa: ARG001
    raise ImmutableMatterEventError("a matter's record is never deleted")
