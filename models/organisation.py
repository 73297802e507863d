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
    # Optimistic locking: two administrators editing the same organisation; a stale write
    # (or a deactivation from an old page) is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    region: Mapped[Region] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"

    @property
    def mediates(self) -> bool:
        return self.kind.mediates
