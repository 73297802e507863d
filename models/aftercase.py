"""After mediation ends: each party's own answer ("is it resolved?", how satisfied: the 满意率
of the statistics) and the reports a party sends to the mediator (the other side does not
perform the agreement; the closing is contested), a task until the mediator handles it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.case import Case, Party
from models.enums import LabelledEnum, Satisfaction
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class Resolved(LabelledEnum):
    RESOLVED = "resolved"
    PARTLY = "partly"
    NOT_RESOLVED = "not_resolved"

    @classmethod
    def _labels(cls):
        return {
            cls.RESOLVED: _l("Yes, resolved"),
            cls.PARTLY: _l("Partly resolved"),
            cls.NOT_RESOLVED: _l("Not resolved"),
        }


class ReportKind(LabelledEnum):
    NON_PERFORMANCE = "non_performance"  # the other side does not perform the agreement
    CONTEST = "contest"  # the party contests the closing

    @classmethod
    def _labels(cls):
        return {
            cls.NON_PERFORMANCE: _l("The other side does not perform the agreement"),
            cls.CONTEST: _l("Contests the closing"),
        }


class PartyFeedback(db.Model):
    """One party's answer after mediation ended: one per party (a second one is refused)."""

    __tablename__ = "party_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"), unique=True)
    resolved: Mapped[Resolved] = mapped_column(str_enum(Resolved, 16))
    satisfaction: Mapped[Satisfaction] = mapped_column(str_enum(Satisfaction, 16))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    # The counting date of 满意率 (the answer's day, China time).
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    case: Mapped[Case] = relationship()
    party: Mapped[Party] = relationship()


class PartyReport(db.Model):
    """A party's report to the mediator: a task on the case page and the workbench until
    handled (with a note)."""

    __tablename__ = "party_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case.id"), index=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("party.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, 24))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    handled_note: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    party: Mapped[Party] = relationship()
    handled_by: Mapped[User | None] = relationship()
