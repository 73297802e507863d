"""Leadership work around cases (DOMAIN.md §5.4, seeds 000 and 004):

- LeadAssignment, 领导包案: "一个问题、一名领导、一个班子、一套方案、一包到底" - a major case gets
  a responsible leader, a team, a plan (方案), a deadline and the three 包 (包诉求解决到位、
  包教育疏导到位、包管理控制到位), each ticked off with a note; closed only when all three are done.
- SupervisionOrder, 督办单: a higher level orders an organisation of its area to deal with a
  matter by a deadline and report; a report can be returned for more; one file per matter
  (一事一档).
- Meeting, 联席会议 / 重大疑难案件分析会 / 评访 / 调委会主任工作例会: participants, the cases
  discussed, and decisions each with an owner and a deadline (and optionally a case, on whose
  page it then appears).
- ReceptionSlot and ReceptionBooking, 领导接访日: a centre's published reception schedule and the
  visitors the desk books into it; a visit becomes a new case or is attached to one.

Every change is recorded with domain.matters.record (and, where it concerns a case, on the
case's timeline). The rows that two staff may edit at once carry a version counter.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case
from models.enums import LabelledEnum
from models.organisation import Organisation
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User

# ---- 包案 ------------------------------------------------------------------------------------


class Bao(LabelledEnum):
    """The three 包 a responsible leader answers for (seed 004)."""

    DEMAND = "demand"  # 包诉求解决到位
    EDUCATION = "education"  # 包教育疏导到位
    CONTROL = "control"  # 包管理控制到位

    @classmethod
    def _labels(cls):
        return {
            cls.DEMAND: _l("Demand solved"),
            cls.EDUCATION: _l("Education and guidance done"),
            cls.CONTROL: _l("Control kept"),
        }


lead_team = sa.Table(
    "lead_team",
    db.metadata,
    sa.Column("assignment_id", sa.ForeignKey("lead_assignment.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id"), primary_key=True),
)


class LeadAssignment(db.Model):
    __tablename__ = "lead_assignment"
    __table_args__ = (sa.Index("ix_lead_assignment_case_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"))
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    plan: Mapped[str] = mapped_column(sa.Text)
    due_on: Mapped[date]
    demand_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    demand_note: Mapped[str | None] = mapped_column(sa.Text)
    education_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    education_note: Mapped[str | None] = mapped_column(sa.Text)
    control_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    control_note: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_note: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation] = relationship()
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])
    team: Mapped[list[User]] = relationship(secondary=lead_team, order_by=User.name)

    def done_at(self, bao: Bao) -> datetime | None:
        return getattr(self, f"{bao.value}_done_at")

    def note_of(self, bao: Bao) -> str | None:
        return getattr(self, f"{bao.value}_note")

    @property
    def all_done(self) -> bool:
        return all(self.done_at(b) is not None for b in Bao)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


# ---- 督办单 ----------------------------------------------------------------------------------


class SupervisionStatus(LabelledEnum):
    ISSUED = "issued"  # waiting for the organisation's report
    REPORTED = "reported"  # a report waits for the issuer's decision
    RETURNED = "returned"  # the last report was returned for more
    CLOSED = "closed"  # the issuer accepted the report: the matter is closed

    @classmethod
    def _labels(cls):
        return {
            cls.ISSUED: _l("Issued, report awaited"),
            cls.REPORTED: _l("Reported, decision awaited"),
            cls.RETURNED: _l("Report returned for more"),
            cls.CLOSED: _l("Accepted and closed"),
        }


supervision_case = sa.Table(
    "supervision_case",
    db.metadata,
    sa.Column("order_id", sa.ForeignKey("supervision_order.id"), primary_key=True),
    sa.Column("case_id", sa.ForeignKey("case.id"), primary_key=True),
)


class SupervisionOrder(db.Model):
    __tablename__ = "supervision_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    matter: Mapped[str] = mapped_column(sa.Text)
    required_report: Mapped[str] = mapped_column(sa.Text)
    issuer_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    to_org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    due_on: Mapped[date]
    status: Mapped[SupervisionStatus] = mapped_column(
        str_enum(SupervisionStatus, 16), default=SupervisionStatus.ISSUED
    )
    decision: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    issuer_org: Mapped[Organisation] = relationship(foreign_keys=[issuer_org_id])
    to_org: Mapped[Organisation] = relationship(foreign_keys=[to_org_id])
    issued_by: Mapped[User | None] = relationship()
    cases: Mapped[list[Case]] = relationship(secondary=supervision_case, order_by=Case.number)
    reports: Mapped[list[SupervisionReport]] = relationship(
        back_populates="order", order_by="SupervisionReport.id"
    )


class ReportOutcome(LabelledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @classmethod
    def _labels(cls):
        return {
            cls.PENDING: _l("Awaiting decision"),
            cls.ACCEPTED: _l("Accepted"),
            cls.RETURNED: _l("Returned for more"),
        }


class SupervisionReport(db.Model):
    __tablename__ = "supervision_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("supervision_order.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[ReportOutcome] = mapped_column(
        str_enum(ReportOutcome, 16), default=ReportOutcome.PENDING
    )
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[SupervisionOrder] = relationship(back_populates="reports")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])


# ---- meetings ------------------------------------------------------------------------------


class MeetingKind(LabelledEnum):
    JOINT = "joint"  # 联席会议
    CASE_ANALYSIS = "case_analysis"  # 重大疑难案件分析会
    PUBLIC_REVIEW = "public_review"  # 评访 (难案评访)
    CHAIRS = "chairs"  # 调委会主任工作例会

    @classmethod
    def _labels(cls):
        return {
            cls.JOINT: _l("Joint meeting"),
            cls.CASE_ANALYSIS: _l("Case-analysis meeting (major and difficult cases)"),
            cls.PUBLIC_REVIEW: _l("Public review meeting"),
            cls.CHAIRS: _l("Committee chairs' meeting"),
        }


meeting_participant = sa.Table(
    "meeting_participant",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id"), primary_key=True),
)

meeting_case = sa.Table(
    "meeting_case",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id"), primary_key=True),
    sa.Column("case_id", sa.ForeignKey("case.id"), primary_key=True),
)


class Meeting(db.Model):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(str_enum(MeetingKind, 16))
    title: Mapped[str] = mapped_column(sa.String(200))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(200))
    outside: Mapped[str | None] = mapped_column(sa.Text)  # outside bodies and people, as text
    minutes: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    participants: Mapped[list[User]] = relationship(
        secondary=meeting_participant, order_by=User.name
    )
    cases: Mapped[list[Case]] = relationship(secondary=meeting_case, order_by=Case.number)
    decisions: Mapped[list[MeetingDecision]] = relationship(
        back_populates="meeting", order_by="MeetingDecision.id"
    )


class MeetingDecision(db.Model):
    __tablename__ = "meeting_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    due_on: Mapped[date]
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_note: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    owner: Mapped[User] = relationship()
    case: Mapped[Case | None] = relationship()


# ---- reception days ---------------------------------------------------------------------------


class ReceptionSlot(db.Model):
    """One published reception by a leader (领导接访日): who, when, where."""

    __tablename__ = "reception_slot"
    __table_args__ = (sa.Index("ix_reception_slot_org_id_day", "org_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    leader_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    day: Mapped[date] = mapped_column(index=True)
    hours: Mapped[str] = mapped_column(sa.String(32))  # "09:00-11:30"
    place: Mapped[str] = mapped_column(sa.String(200))
    topics: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    cancelled: Mapped[bool] = mapped_column(default=False)

    organisation: Mapped[Organisation] = relationship()
    leader: Mapped[User] = relationship(foreign_keys=[leader_id])
    bookings: Mapped[list[ReceptionBooking]] = relationship(
        back_populates="slot", order_by="ReceptionBooking.id"
    )


class BookingStatus(LabelledEnum):
    BOOKED = "booked"
    REGISTERED = "registered"  # registered as a new case
    ATTACHED = "attached"  # attached to an existing case

    @classmethod
    def _labels(cls):
        return {
            cls.BOOKED: _l("Booked"),
            cls.REGISTERED: _l("Registered as a new case"),
            cls.ATTACHED: _l("Attached to a case"),
        }


class ReceptionBooking(db.Model):
    __tablename__ = "reception_booking"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("reception_slot.id"), index=True)
    visitor_name: Mapped[str] = mapped_column(sa.String(64))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    matter: Mapped[str] = mapped_column(sa.Text)
    booked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[BookingStatus] = mapped_column(
        str_enum(BookingStatus, 16), default=BookingStatus.BOOKED
    )
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    slot: Mapped[ReceptionSlot] = relationship(back_populates="bookings")
    booked_by: Mapped[User | None] = relationship()
    case: Mapped[Case | None] = relationship()
