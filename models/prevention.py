"""Prevention (DOMAIN.md §5): screening rounds (排查) on a cadence per organisation level,
what they found (an initiative case or a watch-list item), and early warnings with a response
time per colour.

- ScreeningCadence: how often an organisation level (village, township, county) screens, and
  the grace in working days after a period ends before its round is late; a row with an
  organisation overrides its level for that organisation (a centre screening twice a month).
- ScreeningRound: one round filed by an organisation for one period of its cadence (regular,
  key or special), with its findings or as a nil return (零报告).
- ScreeningFinding: one thing a round found, registered as an initiative case or put on the
  watch list.
- WatchItem: a latent dispute watched but not (yet) a case: place, parties in words, colour.
- RiskWarning: a colour raised on a case or a watch item, waiting for a leader's response
  within the time configured for its colour (WarningResponseTime).

Each change is on the matter record (models.matter) or, for a case, on its timeline.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from extensions import db
from models.case import Case
from models.enums import DisputeType, LabelledEnum, RegionLevel, RiskLevel
from models.organisation import Organisation
from models.states import OPEN_STATES
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class Cadence(LabelledEnum):
    """How often an organisation screens (seed 002: 村（社区）每周，乡镇（街道）每月，县（市、区）
    每季度; twice a month in 黄岩, seed 003)."""

    WEEKLY = "weekly"
    HALF_MONTHLY = "half_monthly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"

    @classmethod
    def _labels(cls):
        return {
            cls.WEEKLY: _l("Weekly"),
            cls.HALF_MONTHLY: _l("Twice a month"),
            cls.MONTHLY: _l("Monthly"),
            cls.QUARTERLY: _l("Quarterly"),
        }


class RoundKind(LabelledEnum):
    """The kind of a round (seed 002): regular (定期/常规), key areas, groups or periods (重点),
    special before major events or for a prominent issue (专项)."""

    REGULAR = "regular"
    KEY = "key"
    SPECIAL = "special"

    @classmethod
    def _labels(cls):
        return {
            cls.REGULAR: _l("Regular screening"),
            cls.KEY: _l("Key screening"),
            cls.SPECIAL: _l("Special screening"),
        }


class WatchStatus(LabelledEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    BECAME_CASE = "became_case"

    @classmethod
    def _labels(cls):
        return {
            cls.OPEN: _l("Watched"),
            cls.RESOLVED: _l("Resolved"),
            cls.BECAME_CASE: _l("Became a case"),
        }


class ResponseKind(LabelledEnum):
    """A leader's answer to a warning: reported to the level above (party committee,
    government), or responded (measures taken)."""

    REPORTED = "reported"
    RESPONDED = "responded"

    @classmethod
    def _labels(cls):
        return {
            cls.REPORTED: _l("Reported to the level above"),
            cls.RESPONDED: _l("Responded"),
        }


class ScreeningCadence(db.Model):
    """The cadence of a level (organisation_id empty) or of one organisation (an override)."""

    __tablename__ = "screening_cadence"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[RegionLevel | None] = mapped_column(str_enum(RegionLevel, 16), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), unique=True
    )
    cadence: Mapped[Cadence] = mapped_column(str_enum(Cadence, 16))
    grace_days: Mapped[int] = mapped_column(default=2)  # working days after the period
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation | None] = relationship()


class ScreeningRound(db.Model):
    __tablename__ = "screening_round"
    # Compliance reads "rounds of these organisations whose period ends in [a, b]".
    __table_args__ = (
        sa.Index("ix_screening_round_org_period_end", "organisation_id", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    cadence: Mapped[Cadence] = mapped_column(str_enum(Cadence, 16))
    period_start: Mapped[date]
    period_end: Mapped[date]
    kind: Mapped[RoundKind] = mapped_column(str_enum(RoundKind, 16))
    held_on: Mapped[date]
    nil_return: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    filed_by: Mapped[User | None] = relationship()
    findings: Mapped[list[ScreeningFinding]] = relationship(
        back_populates="round", order_by="ScreeningFinding.id"
    )


class WatchItem(db.Model):
    """A latent dispute on the watch list (not a case): what, where, who, how risky."""

    __tablename__ = "watch_item"
    __table_args__ = (sa.Index("ix_watch_item_org_status", "organisation_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("screening_round.id"))
    description: Mapped[str] = mapped_column(sa.Text)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    parties: Mapped[str | None] = mapped_column(sa.String(500))
    dispute_type: Mapped[DisputeType | None] = mapped_column(str_enum(DisputeType, 16))
    risk_level: Mapped[RiskLevel] = mapped_column(str_enum(RiskLevel, 16))
    # Values of models.risk.RiskFlag.
    flags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[WatchStatus] = mapped_column(str_enum(WatchStatus, 16), default="open")
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    round: Mapped[ScreeningRound | None] = relationship()
    case: Mapped[Case | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class ScreeningFinding(db.Model):
    """One thing a round found: the initiative case registered for it, or the watch item."""

    __tablename__ = "screening_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("screening_round.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"))
    watch_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("watch_item.id"))

    round: Mapped[ScreeningRound] = relationship(back_populates="findings")
    case: Mapped[Case | None] = relationship()
    watch_item: Mapped[WatchItem | None] = relationship()


class WarningResponseTime(db.Model):
    """How many hours a leader has to answer a warning of one colour."""

    __tablename__ = "warning_response_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[RiskLevel] = mapped_column(str_enum(RiskLevel, 16), unique=True)
    hours: Mapped[int]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class RiskWarning(db.Model):
    """A colour raised on a case or a watch item. Closed (closed_at) when the colour changes
    (a new warning takes its place), is removed, or the watch item ends; answered when a
    leader records the first response."""

    __tablename__ = "risk_warning"
    __table_args__ = (
        sa.Index("ix_risk_warning_open", "closed_at", "answered_at", "raised_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id"), index=True)
    watch_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("watch_item.id"), index=True)
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    level: Mapped[RiskLevel] = mapped_column(str_enum(RiskLevel, 16))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    response_kind: Mapped[ResponseKind | None] = mapped_column(str_enum(ResponseKind, 16))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case | None] = relationship()
    watch_item: Mapped[WatchItem | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    answered_by: Mapped[User | None] = relationship()


# ---- a case's colour raises its warning ----------------------------------------------------
#
# Whatever sets a case's risk level (the desk at registration, the risk panel, a merge that
# carries the higher level over) raises the warning here, in the same flush: no writer of
# Case.risk_level can forget it. A change of colour closes the open warning and raises a new
# one; "no particular risk" closes it. Closed cases (a ledger import) raise none.


def _case_open(case: Case) -> bool:
    return case.state is None or case.state in OPEN_STATES


def _raise(session, case: Case) -> None:
    level = case.risk_level
    if level is None or level == RiskLevel.NONE or not _case_open(case):
        return
    org = case.handling_org or case.intake_org
    session.add(RiskWarning(case=case, level=level, organisation=org))


@sa.event.listens_for(Session, "before_flush")
def _case_risk_warnings(session, flush_context, instances) -> None:  # noqa: ARG001
    for obj in list(session.new):
        if isinstance(obj, Case):
            _raise(session, obj)
    for obj in list(session.dirty):
        if not isinstance(obj, Case):
            continue
        history = sa.inspect(obj).attrs.risk_level.history
        if not history.has_changes():
            continue
        with session.no_autoflush:
            still_open = session.scalars(
                sa.select(RiskWarning).where(
                    RiskWarning.case_id == obj.id, RiskWarning.closed_at.is_(None)
                )
            ).all()
        for warning in still_open:
            warning.closed_at = utcnow()
        _raise(session, obj)
