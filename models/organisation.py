"""Organisations: centres, committees, stationed rooms, studios and partner bodies."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.enums import OrgKind
from models.region import Region
from models.types import str_enum


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128), unique=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind), index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    # National dispute-type codes an industry committee takes (e.g. ["DLJT"]); empty otherwise.
    dispute_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    address: Mapped[str | None] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # The short name in the committee's file numbers, e.g. 埠河 in （2026）埠河人调字第12号.
    file_prefix: Mapped[str | None] = mapped_column(sa.String(32))
    # The people's mediation committee under which a centre, stationed room or studio
    # mediates: its agreements bear that committee's seal and its files that committee's
    # numbers (PML Arts. 7, 29); a committee is its own committee and leaves this empty.
    committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    # Optimistic locking: two administrators editing the same organisation; a stale write
    # (or a deactivation from an old page) is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    region: Mapped[Region] = relationship(lazy="joined")
    committee: Mapped[Organisation | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"

    @property
    def mediates(self) -> bool:
        return self.kind.mediates

    @property
    def mediating_committee(self) -> Organisation | None:
        """The committee whose name and seal this organisation's mediation documents bear:
        itself if it is a committee, else the committee recorded for it (None when none is
        recorded, or when that one is not a committee)."""
        if self.kind.is_committee:
            return self
        committee = self.committee
        return committee if committee is not None and committee.kind.is_committee else None
