"""A case's risk: its flags (风险类型) beside the colour grade on the case (Case.risk_level), and
the reports made to the police or the grassroots government when a dispute may lead to a
public-order or criminal case (PML Art. 25: 应当及时向当地公安机关或者其他有关部门报告).

The flags live in their own table, one row per flag, so that "every case flagged X" is an
index read (the leaders' list filters by it). A report keeps the level and flags the case had
when it was made: the printed report says what was reported, whatever the case says later.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from extensions import db
from models.case import Case
from models.enums import LabelledEnum, RiskLevel
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class RiskFlag(LabelledEnum):
    """What the dispute may turn into (the early-warning vocabulary of local practice)."""

    CIVIL_TO_CRIMINAL = "civil_to_criminal"  # 民转刑风险
    MASS_INCIDENT = "mass_incident"  # 群体性事件
    OVER_LEVEL_PETITION = "over_level_petition"  # 越级上访
    REPEAT_PETITION = "repeat_petition"  # 重复信访
    PUBLIC_ORDER_OR_CRIMINAL = "public_order_criminal"  # 可能引发治安案件、刑事案件
    EXTREME_ACT = "extreme_act"  # 自杀、极端行为风险

    @classmethod
    def _labels(cls):
        return {
            cls.CIVIL_TO_CRIMINAL: _l("May turn from a civil dispute into a crime"),
            cls.MASS_INCIDENT: _l("Mass incident"),
            cls.OVER_LEVEL_PETITION: _l("Over-level petition"),
            cls.REPEAT_PETITION: _l("Repeat petition"),
            cls.PUBLIC_ORDER_OR_CRIMINAL: _l("May lead to a public-order or criminal case"),
            cls.EXTREME_ACT: _l("Risk of suicide or an extreme act"),
        }


# The flags that oblige the committee to report to the police or the grassroots government
# (PML Art. 25).
REPORTABLE_FLAGS = frozenset({RiskFlag.CIVIL_TO_CRIMINAL, RiskFlag.PUBLIC_ORDER_OR_CRIMINAL})


class ReportRecipient(LabelledEnum):
    """Whom the report went to (PML Art. 25: 当地公安机关或者其他有关部门)."""

    POLICE = "police"  # 公安派出所 / 公安机关
    GOVERNMENT = "government"  # 乡镇人民政府、街道办事处

    @classmethod
    def _labels(cls):
        return {
            cls.POLICE: _l("Police station"),
            cls.GOVERNMENT: _l("Township government or street office"),
        }


class ReportMethod(LabelledEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    WRITTEN = "written"

    @classmethod
    def _labels(cls):
        return {
            cls.IN_PERSON: _l("In person"),
            cls.PHONE: _l("By phone"),
            cls.WRITTEN: _l("In writing"),
        }


class CaseRiskFlag(db.Model):
    """One flag of one case."""

    __tablename__ = "case_risk_flag"
    # "Cases flagged X": the flag first, then the case ids in order.
    __table_args__ = (sa.Index("ix_case_risk_flag_flag_case_id", "flag", "case_id"),)

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), primary_key=True)
    flag: Mapped[RiskFlag] = mapped_column(str_enum(RiskFlag, 24), primary_key=True)

    case: Mapped[Case] = relationship(
        backref=backref("risk_flag_rows", cascade="all, delete-orphan")
    )


class PoliceReport(db.Model):
    """A report of a dispute that may lead to a public-order or criminal case (PML Art. 25)."""

    __tablename__ = "police_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    recipient_kind: Mapped[ReportRecipient] = mapped_column(str_enum(ReportRecipient, 16))
    recipient_name: Mapped[str] = mapped_column(sa.String(128))  # 埠河派出所
    received_by: Mapped[str | None] = mapped_column(sa.String(64))  # 接报人
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[ReportMethod] = mapped_column(str_enum(ReportMethod, 16))
    content: Mapped[str] = mapped_column(sa.Text)
    measures: Mapped[str | None] = mapped_column(sa.Text)  # 已采取的预防措施
    # The case's risk when the report was made (values of RiskLevel and RiskFlag).
    risk_level: Mapped[RiskLevel] = mapped_column(str_enum(RiskLevel, 16))
    risk_flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(
        backref=backref(
            "police_reports",
            order_by=lambda: (PoliceReport.reported_at, PoliceReport.id),
            cascade="all, delete-orphan",
        )
    )
    reported_by: Mapped[User | None] = relationship()

    @property
    def flags(self) -> list[RiskFlag]:
        return [RiskFlag(v) for v in self.risk_flags if v in RiskFlag._value2member_map_]


# The leaders' list filters by risk and by a report owed, newest first like its other filters
# (models.case: ix_case_dispute_type_created_at_id).
sa.Index("ix_case_risk_level_created_at_id", Case.risk_level, Case.created_at, Case.id)
sa.Index(
    "ix_case_police_report_owed_created_at_id",
    Case.police_report_owed,
    Case.created_at,
    Case.id,
)
