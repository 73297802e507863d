"""The State Council's holiday schedule as data: each year's public holidays and make-up
working days (调休), entered by an administrator when the schedule is published (usually in
November or December for the next year). Working days are counted from this schedule first and
from the chinese-calendar package second (domain.calendar)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.enums import LabelledEnum
from models.types import UTCDateTime, str_enum, utcnow
from models.user import User


class HolidayKind(LabelledEnum):
    HOLIDAY = "holiday"  # 放假: a day off, even on a weekday
    WORKDAY = "workday"  # 调休上班: a make-up working day, even on a Saturday or Sunday

    @classmethod
    def _labels(cls):
        return {
            cls.HOLIDAY: _l("Holiday (day off)"),
            cls.WORKDAY: _l("Make-up working day"),
        }


class Holiday(db.Model):
    """One day of the schedule: off (holiday) or on (make-up working day). One row per date."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True)
    kind: Mapped[HolidayKind] = mapped_column(str_enum(HolidayKind, 8))
    name: Mapped[str] = mapped_column(sa.String(64))  # 元旦, 春节 …: shown on the admin page

    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Optimistic locking: two administrators editing the same day; a stale write is refused.
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Holiday {self.day.isoformat()} {self.kind.value}>"
