"""The organisation registry (人员名册): each organisation's people, with or without a staff
account, and what kind of post they hold; the staffing norms (专职人民调解员配备标准) per kind
of organisation; training records (岗前培训 / 常规培训); and the expert pool (调解专家库), whose
members are registry entries of the kind "expert" with a field, invited to cases
(ExpertInvitation) for their advice.

A person's kind drives the compliance view: the full-time mediators (专职) of an organisation
are counted against the norm configured for its kind (StaffingNorm)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from extensions import db
from models.case import Case
from models.enums import LabelledEnum, OrgKind
from models.organisation import Organisation
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class StaffKind(LabelledEnum):
    FULL_TIME = "full_time"  # 专职人民调解员
    PART_TIME = "part_time"  # 兼职人民调解员
    LAWYER = "lawyer"  # 律师 (村居法律顾问, 律师调解)
    EXPERT = "expert"  # 专家 (调解专家库)
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.FULL_TIME: _l("Full-time mediator"),
            cls.PART_TIME: _l("Part-time mediator"),
            cls.LAWYER: _l("Lawyer"),
            cls.EXPERT: _l("Expert"),
            cls.OTHER: _l("Other"),
        }


class ExpertField(LabelledEnum):
    """The fields of the expert pool (seed 003: 不同行业、不同领域具有专业知识的人员)."""

    MEDICAL = "medical"
    LEGAL = "legal"
    PSYCHOLOGY = "psychology"
    CONSTRUCTION = "construction"
    TRAFFIC = "traffic"
    LABOUR = "labour"
    PROPERTY = "property"
    FINANCE = "finance"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.MEDICAL: _l("Medical"),
            cls.LEGAL: _l("Legal"),
            cls.PSYCHOLOGY: _l("Psychology"),
            cls.CONSTRUCTION: _l("Construction"),
            cls.TRAFFIC: _l("Road traffic"),
            cls.LABOUR: _l("Labour and employment"),
            cls.PROPERTY: _l("Property and land"),
            cls.FINANCE: _l("Finance and insurance"),
            cls.OTHER: _l("Other field"),
        }


class TrainingKind(LabelledEnum):
    PRE_SERVICE = "pre_service"  # 岗前培训
    REGULAR = "regular"  # 常规培训

    @classmethod
    def _labels(cls):
        return {cls.PRE_SERVICE: _l("Pre-service training"), cls.REGULAR: _l("Regular training")}


class StaffMember(db.Model):
    """One person in an organisation's registry. `user` is set when the person has a staff
    account (at most one registry entry per account)."""

    __tablename__ = "staff_member"
    __table_args__ = (sa.Index("ix_staff_member_org_id_kind", "org_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[StaffKind] = mapped_column(str_enum(StaffKind, 16))
    # Experts: their field in the pool; others: empty.
    expert_field: Mapped[ExpertField | None] = mapped_column(str_enum(ExpertField, 16))
    # Where they work and their title (主任医师, 律师事务所…), shown in the pool.
    affiliation: Mapped[str | None] = mapped_column(sa.String(128))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<StaffMember {self.name} {self.kind.value}>"


class StaffingNorm(db.Model):
    """How many full-time mediators an organisation of `org_kind` must have (at least)."""

    __tablename__ = "staffing_norm"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind), unique=True)
    full_time_required: Mapped[int]
    # Where the figure comes from (e.g. "seed 004: 镇级人民调解委员会不少于2人").
    basis: Mapped[str | None] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class TrainingRecord(db.Model):
    """A training a registry member attended: its kind, day, hours and topic."""

    __tablename__ = "training_record"
    __table_args__ = (sa.Index("ix_training_record_member_held_on", "member_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_member.id"))
    # The member's organisation when it was recorded: lists by organisation read one index.
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    kind: Mapped[TrainingKind] = mapped_column(str_enum(TrainingKind, 16))
    held_on: Mapped[date] = mapped_column(sa.Date)
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(5, 1))
    topic: Mapped[str] = mapped_column(sa.String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[StaffMember] = relationship(
        backref=backref("trainings", order_by=lambda: TrainingRecord.held_on.desc())
    )


class ExpertInvitation(db.Model):
    """An expert of the pool invited to a case, with the question put and the advice given."""

    __tablename__ = "expert_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_member.id"), index=True)
    question: Mapped[str] = mapped_column(sa.Text)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    advice: Mapped[str | None] = mapped_column(sa.Text)
    advice_on: Mapped[date | None] = mapped_column(sa.Date)
    advice_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(
        backref=backref(
            "expert_invitations", order_by=lambda: ExpertInvitation.id, cascade="all, delete-orphan"
        )
    )
    expert: Mapped[StaffMember] = relationship(lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
