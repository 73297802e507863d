"""Routing rules as data: the administrator's ordered list that suggests where an accepted case
goes (by subject, territory or difficulty). The first active rule whose conditions all hold
wins; a condition left empty always holds. The desk sees the suggestion and the rule that
produced it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.enums import RoutingLevel
from models.organisation import Organisation
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class RoutingRule(db.Model):
    __tablename__ = "routing_rule"
    __table_args__ = (sa.Index("ix_routing_rule_scope_position", "scope_code", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The region the rule applies in (a county code, or a longer code for a township or
    # village); cases whose place starts with it. Admins manage rules inside their region.
    scope_code: Mapped[str] = mapped_column(sa.String(15))
    position: Mapped[int] = mapped_column(default=0)  # evaluation order, lowest first
    name: Mapped[str] = mapped_column(sa.String(128))  # shown to the desk as the reason
    active: Mapped[bool] = mapped_column(default=True)

    # Conditions (all must hold; empty = any).
    dispute_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    place_code: Mapped[str | None] = mapped_column(sa.String(15))  # territory (属地)
    cross_region: Mapped[bool] = mapped_column(default=False)  # only cross-region cases
    min_parties: Mapped[int | None]  # collective: N or more parties
    min_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    risk_levels: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    # Target: one organisation, or a level (the centre of the case's township / county).
    target_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    target_level: Mapped[RoutingLevel | None] = mapped_column(str_enum(RoutingLevel, 16))

    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking: two admins editing the same rule; a stale write is refused.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    target_org: Mapped[Organisation | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
