"""The five-level region tree: city, county, township, village/community, group."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.enums import RegionLevel
from models.types import str_enum


class Region(db.Model):
    """A region. `code` is the administrative code: 4 digits for a city, 6 for a county, 9 for a
    township, 12 for a village; groups append 3 digits. Codes nest as prefixes, so "everything
    inside a region" is the half-open string range [code, code_upper) that an index can read."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(15), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    level: Mapped[RegionLevel] = mapped_column(str_enum(RegionLevel, 16))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), index=True)
    # Optimistic locking: two administrators correcting the same name; a stale write is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    parent: Mapped[Region | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Region]] = relationship(back_populates="parent", order_by="Region.code")

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"

    @property
    def county_code(self) -> str | None:
        """The 6-digit county code this region lies in (None for a city)."""
        return self.code[:6] if len(self.code) >= 6 else None

    def full_name(self, stop_level: RegionLevel = RegionLevel.CITY) -> str:
        """Names from `stop_level` down to this region, e.g. 公安县埠河镇新民村."""
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            if node.level == stop_level:
                break
            node = node.parent
        return "".join(reversed(names))


def code_range(code: str) -> tuple[str, str]:
    """The half-open range of codes inside `code` (its prefix range), e.g. 421022 -> [421022,
    421022\\uffff). Comparison on a plain indexed string column, the same on every database."""
    return code, code + "\uffff"
