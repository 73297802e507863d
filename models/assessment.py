"""Assessment by a rubric (考核细则): the rubric an administrator configures (sections with their
points, items with their deduction rules), and an assessment of one organisation (a township's
centre or committee, or a department) over a period, one line per item with the points
deducted or added and the evidence behind them.

An item's `rule` says whether the portal computes it (models below: ItemRule) or a person
enters it; `params` holds the rule's numbers (points per unit, the cap, the threshold)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.enums import LabelledEnum
from models.organisation import Organisation
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class ItemRule(LabelledEnum):
    MANUAL = "manual"
    MISSING_FULL_TIME = "missing_full_time"
    SCREENING_MISSED = "screening_missed"
    DATA_COMPLETENESS = "data_completeness"
    VIDEO_NOT_USED = "video_not_used"
    ODR_SELF_FILING = "odr_self_filing"
    CIVIL_TO_CRIMINAL = "civil_to_criminal"

    @classmethod
    def _labels(cls):
        return {
            cls.MANUAL: _l("Entered by hand with evidence"),
            cls.MISSING_FULL_TIME: _l("Computed: full-time mediators missing"),
            cls.SCREENING_MISSED: _l("Computed: screening rounds not done"),
            cls.DATA_COMPLETENESS: _l("Computed: data-entry completeness"),
            cls.VIDEO_NOT_USED: _l("Computed: video mediation not used"),
            cls.ODR_SELF_FILING: _l("Computed: monthly online self-application rate"),
            cls.CIVIL_TO_CRIMINAL: _l("Computed: civil-to-criminal risks not worked"),
        }


class Rubric(db.Model):
    __tablename__ = "rubric"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    sections: Mapped[list[RubricSection]] = relationship(
        order_by=lambda: RubricSection.position,
        cascade="all, delete-orphan",
        back_populates="rubric",
    )

    @property
    def total_points(self) -> Decimal:
        return sum((s.max_points for s in self.sections), Decimal(0))

    @property
    def items(self) -> list[RubricItem]:
        return [i for s in self.sections for i in s.items]


class RubricSection(db.Model):
    """A row of the rubric (工作内容) with its points (分值); its items deduct from them, never
    below zero; bonuses come on top."""

    __tablename__ = "rubric_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    max_points: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    scorer: Mapped[str | None] = mapped_column(sa.String(64))  # 考核赋分单位

    rubric: Mapped[Rubric] = relationship(back_populates="sections")
    items: Mapped[list[RubricItem]] = relationship(
        order_by=lambda: RubricItem.position, cascade="all, delete-orphan", back_populates="section"
    )


class RubricItem(db.Model):
    """A scoring standard (评分标准): its text, its rule and the rule's numbers."""

    __tablename__ = "rubric_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_section.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(sa.String(8))  # "2", "5a"
    text: Mapped[str] = mapped_column(sa.Text)
    rule: Mapped[ItemRule] = mapped_column(str_enum(ItemRule, 24), default=ItemRule.MANUAL)
    # The most this item may deduct, and add (None: only the section's points bound it).
    max_deduction: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    max_bonus: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    section: Mapped[RubricSection] = relationship(back_populates="items")


class Assessment(db.Model):
    """One organisation scored by one rubric over one period."""

    __tablename__ = "assessment"
    __table_args__ = (sa.Index("ix_assessment_org_id_period_end", "org_id", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric.id"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    computed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    rubric: Mapped[Rubric] = relationship()
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    lines: Mapped[list[AssessmentLine]] = relationship(
        cascade="all, delete-orphan", back_populates="assessment"
    )


class AssessmentLine(db.Model):
    """One item of an assessment: points deducted and added, and the evidence. `computed`:
    the portal worked it out (evidence from the data); otherwise a person entered it."""

    __tablename__ = "assessment_line"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment.id"))
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("rubric_item.id"), index=True)
    computed: Mapped[bool] = mapped_column(default=False)
    entered: Mapped[bool] = mapped_column(default=False)  # a manual line filled in
    deduction: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    bonus: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    # Computed lines: the facts behind the figure (per organisation, per month, case numbers).
    details: Mapped[list] = mapped_column(sa.JSON, default=list)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    assessment: Mapped[Assessment] = relationship(back_populates="lines")
    item: Mapped[RubricItem] = relationship(lazy="joined")
    entered_by: Mapped[User | None] = relationship()
