"""The statistics' monthly summary: what each calendar month (China time) adds to the figures
of domain.statistics, per organisation, township, dispute type, source and presiding
mediator. Kept current in the same transaction as every change of a case
(domain.stat_summary), so a year's figures are read from a few thousand rows instead of every
case."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class StatMonth(db.Model):
    """One month's counts of one family of figures for one combination of the breakdown keys.
    Which count is in which column depends on the family (domain.stat_summary.COLUMNS)."""

    __tablename__ = "stat_month"
    __table_args__ = (
        # The upsert's key, and the reading order: a range of months, one family.
        sa.UniqueConstraint(
            "month",
            "family",
            "org_id",
            "region",
            "dispute_type",
            "source",
            "mediator_id",
            name="uq_stat_month",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date)  # its first day
    family: Mapped[str] = mapped_column(sa.String(16))
    # The organisation the cases are counted at (0: none) and the township of their place (the
    # first 9 digits of the region code, fewer for a place above a township).
    org_id: Mapped[int] = mapped_column()
    region: Mapped[str] = mapped_column(sa.String(9))
    dispute_type: Mapped[str] = mapped_column(sa.String(8))
    source: Mapped[str] = mapped_column(sa.String(32))
    # The case's presiding mediator (0: none yet).
    mediator_id: Mapped[int] = mapped_column()
    n1: Mapped[int] = mapped_column(default=0)
    n2: Mapped[int] = mapped_column(default=0)
    n3: Mapped[int] = mapped_column(default=0)
    n4: Mapped[int] = mapped_column(default=0)
    cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
