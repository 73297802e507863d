"""The typical-case library (典型案例库, seed 002): a closed case told without names, proposed by
one of its mediators, reviewed and published by the director of the organisation that handled
it, and read on the public site as a guide to what mediation can do.

An entry keeps its source case (for the staff only: the public never sees which case it was),
the dispute type and the region down to the township, and the anonymised text in four parts.
Its status moves proposed → published, returned (with the reason; the mediator may propose
again) or withdrawn. Every change is on the case's timeline and on the entry's record
(domain.matters, kind "library_entry"); the director's edits are guarded by a version counter.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case
from models.enums import DisputeType, LabelledEnum, RegionLevel
from models.organisation import Organisation
from models.region import Region
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class LibraryStatus(LabelledEnum):
    PROPOSED = "proposed"
    PUBLISHED = "published"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return {
            cls.PROPOSED: _l("Proposed, waiting for review"),
            cls.PUBLISHED: _l("Published"),
            cls.RETURNED: _l("Returned to the mediator"),
            cls.WITHDRAWN: _l("Withdrawn"),
        }


class LibraryEntry(db.Model):
    __tablename__ = "library_entry"
    __table_args__ = (
        sa.Index("ix_library_entry_status_published", "status", "published_at", "id"),
        sa.Index("ix_library_entry_org_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"))
    region_code: Mapped[str] = mapped_column(sa.String(15), index=True)
    dispute_type: Mapped[DisputeType] = mapped_column(str_enum(DisputeType, 8))
    title: Mapped[str] = mapped_column(sa.String(120))
    facts: Mapped[str] = mapped_column(sa.Text)
    mediation: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[str] = mapped_column(sa.Text)
    lesson: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[LibraryStatus] = mapped_column(
        str_enum(LibraryStatus, 16), default=LibraryStatus.PROPOSED
    )
    return_reason: Mapped[str | None] = mapped_column(sa.Text)
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation] = relationship()
    region: Mapped[Region] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def place(self) -> str:
        """The region as published: from the county down to the township (公安县埠河镇)."""
        return self.region.full_name(RegionLevel.COUNTY)

    def __repr__(self) -> str:
        return f"<LibraryEntry {self.id} {self.status.value}>"
