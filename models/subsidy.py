"""Per-case subsidies (以案定补): the amounts a justice bureau pays a mediator for each case
mediated, by the case's source, dispute type and difficulty. Configured by an administrator;
how a case's rate is chosen and what it earns lives in domain.subsidies."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.enums import DisputeType, LabelledEnum, Source
from models.types import str_enum


class Difficulty(LabelledEnum):
    """How hard a case is, for its subsidy (一般 / 疑难 / 重大). Not recorded on the case: it
    is read from the case's risk level (domain.subsidies.difficulty_of)."""

    ORDINARY = "ordinary"
    DIFFICULT = "difficult"
    MAJOR = "major"

    @classmethod
    def _labels(cls):
        return {
            cls.ORDINARY: _l("Ordinary"),
            cls.DIFFICULT: _l("Difficult"),
            cls.MAJOR: _l("Major"),
        }


class SubsidyRate(db.Model):
    """An amount per case for the cases of a source, a dispute type and a difficulty (each
    None: any). The most specific rate matching a case applies (domain.subsidies)."""

    __tablename__ = "subsidy_rate"
    __table_args__ = (
        sa.UniqueConstraint(
            "source", "dispute_type", "difficulty", name="uq_subsidy_rate_source_type_difficulty"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[Source | None] = mapped_column(str_enum(Source))
    dispute_type: Mapped[DisputeType | None] = mapped_column(str_enum(DisputeType, 8))
    difficulty: Mapped[Difficulty | None] = mapped_column(str_enum(Difficulty, 16))
    # Whole cents: money is never a float.
    amount_cents: Mapped[int]
    # Pays every case it matches whose mediation ended (an agreement or not); by default only
    # a case ended by an agreement earns its subsidy.
    any_outcome: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    @property
    def amount(self) -> Decimal:
        """The amount in yuan, exact."""
        return Decimal(self.amount_cents) / 100
