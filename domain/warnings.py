"""Early warning (预警, DOMAIN.md §5.3): a case or a watch-list item graded red, orange,
yellow or blue raises a warning (models.prevention: the colour of a case raises it in the same
flush, whoever set it); a leader of the area answers it within the time configured for its
colour: "reported" to the level above, or "responded" with the measures taken. The answer goes
on the case timeline, or on the watch item's record.

Response times (configurable by an administrator, WarningResponseTime; calendar hours, since a
risk does not wait for Monday): red 2 hours (临海: red reported at once), orange 8 hours (the
same working day), yellow 72 hours (3 days), blue 168 hours (a week, latent risks).

Escalation suggestions (DOMAIN.md §5.2-5.3) follow the flags: a mass incident or an
over-level petition goes to the county; a dispute that may turn criminal or lead to a
public-order case is reported to the police (PML Art. 25); a risk of suicide or an extreme act
calls for the police and the township at once; a repeat petition to the petition office.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from domain import matters
from domain.errors import NotPermitted, StaleCase, ValidationFailed
from domain.permissions import case_scope, org_scope_of
from domain.states import Action
from domain.timeline import record
from extensions import db
from models import Case, Event, Organisation, User
from models.enums import RiskLevel, Role
from models.prevention import ResponseKind, RiskWarning, WarningResponseTime, WatchItem
from models.risk import RiskFlag
from models.types import utcnow

DEFAULT_HOURS: dict[RiskLevel, int] = {
    RiskLevel.RED: 2,
    RiskLevel.ORANGE: 8,
    RiskLevel.YELLOW: 72,
    RiskLevel.BLUE: 168,
}
COLOURS = tuple(DEFAULT_HOURS)
MAX_HOURS = 24 * 31
NOTE_MAX = 2000
SEVERITY = {RiskLevel.RED: 0, RiskLevel.ORANGE: 1, RiskLevel.YELLOW: 2, RiskLevel.BLUE: 3}


def response_hours() -> dict[RiskLevel, int]:
    """Hours to answer each colour: configured, else the default (one query)."""
    hours = dict(DEFAULT_HOURS)
    for row in db.session.scalars(sa.select(WarningResponseTime)):
        if row.level in hours:
            hours[row.level] = row.hours
    return hours


def set_response_hours(actor: User, level: RiskLevel, hours: int) -> WarningResponseTime:
    if actor.role != Role.ADMIN:
        raise NotPermitted()
    if level not in COLOURS:
        raise ValidationFailed(_l("Choose a colour."), field="level")
    if hours is None or not 1 <= hours <= MAX_HOURS:
        raise ValidationFailed(_l("Enter 1 to %(max)d hours.", max=MAX_HOURS), field="hours")
    row = db.session.scalar(
        sa.select(WarningResponseTime).where(WarningResponseTime.level == level)
    )
    if row is None:
        row = WarningResponseTime(level=level, hours=hours)
        db.session.add(row)
    row.hours = hours
    db.session.flush()
    matters.record(
        "warning_response_time", row.id, "set", actor, data={"level": level.value, "hours": hours}
    )
    return row


# ---- reading --------------------------------------------------------------------------------


def due_at(warning: RiskWarning, hours: dict[RiskLevel, int]) -> datetime:
    return warning.raised_at + timedelta(hours=hours.get(warning.level, 0))


def overdue_condition(now: datetime, hours: dict[RiskLevel, int]) -> sa.ColumnElement[bool]:
    """SQL: unanswered past its colour's time."""
    return sa.and_(
        RiskWarning.answered_at.is_(None),
        sa.or_(
            *[
                sa.and_(
                    RiskWarning.level == level, RiskWarning.raised_at < now - timedelta(hours=h)
                )
                for level, h in hours.items()
            ]
        ),
    )


def scope(user: User) -> sa.ColumnElement[bool]:
    """The warnings `user` may see: a case's by the case scope, a watch item's by the
    organisation scope (domain.permissions)."""
    return sa.or_(
        RiskWarning.case_id.in_(sa.select(Case.id).where(case_scope(user))),
        sa.and_(
            RiskWarning.watch_item_id.is_not(None),
            RiskWarning.org_id.in_(sa.select(Organisation.id).where(org_scope_of(user))),
        ),
    )


def get_for(user: User, warning_id: int) -> RiskWarning | None:
    """One warning if `user` may see it (else None: the view answers 404)."""
    return db.session.scalars(
        sa.select(RiskWarning).where(RiskWarning.id == warning_id, scope(user)).options(*_loads())
    ).first()


def _loads():
    return (
        joinedload(RiskWarning.case).selectinload(Case.risk_flag_rows),
        joinedload(RiskWarning.watch_item),
        joinedload(RiskWarning.organisation),
        joinedload(RiskWarning.answered_by),
    )


class Show:
    ALL = "all"
    UNANSWERED = "unanswered"
    OVERDUE = "overdue"
    ANSWERED = "answered"


@dataclass
class BoardPage:
    rows: list[RiskWarning]
    page: int
    has_next: bool
    unanswered: int
    overdue: int


def board(
    user: User,
    *,
    show: str = Show.ALL,
    level: RiskLevel | None = None,
    page: int = 1,
    size: int = 25,
    now: datetime | None = None,
) -> BoardPage:
    """The open warnings in the user's scope: unanswered first (the most severe, then the
    oldest), then answered ones (latest answer first). One page; two counts; flags loaded
    with the page in one more query."""
    now = now or utcnow()
    hours = response_hours()
    base = sa.select(RiskWarning).where(RiskWarning.closed_at.is_(None), scope(user))
    unanswered = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            base.where(RiskWarning.answered_at.is_(None)).subquery()
        )
    )
    overdue = db.session.scalar(
        sa.select(sa.func.count()).select_from(base.where(overdue_condition(now, hours)).subquery())
    )
    stmt = base
    if show == Show.UNANSWERED:
        stmt = stmt.where(RiskWarning.answered_at.is_(None))
    elif show == Show.OVERDUE:
        stmt = stmt.where(overdue_condition(now, hours))
    elif show == Show.ANSWERED:
        stmt = stmt.where(RiskWarning.answered_at.is_not(None))
    if level is not None:
        stmt = stmt.where(RiskWarning.level == level)
    severity = sa.case(
        {lvl.value: rank for lvl, rank in SEVERITY.items()}, value=RiskWarning.level, else_=9
    )
    page = max(1, min(page, 10_000))
    rows = list(
        db.session.scalars(
            stmt.options(*_loads())
            .order_by(
                RiskWarning.answered_at.is_not(None),
                severity,
                RiskWarning.answered_at.desc(),
                RiskWarning.raised_at,
                RiskWarning.id,
            )
            .limit(size + 1)
            .offset((page - 1) * size)
        ).unique()
    )
    return BoardPage(rows[:size], page, len(rows) > size, unanswered or 0, overdue or 0)


def flags_of(warning: RiskWarning) -> list[RiskFlag]:
    if warning.case is not None:
        have = {row.flag for row in warning.case.risk_flag_rows}
    elif warning.watch_item is not None:
        have = {RiskFlag(v) for v in warning.watch_item.flags if v in RiskFlag._value2member_map_}
    else:
        have = set()
    return [f for f in RiskFlag if f in have]


def suggestions(level: RiskLevel, flags: Iterable[RiskFlag]) -> list:
    """Where the warning should go, by its colour and flags (DOMAIN.md §5.2-5.3)."""
    flags = set(flags)
    out = []
    if RiskFlag.MASS_INCIDENT in flags:
        out.append(
            _l(
                "Mass incident risk: report to the county centre and the county's party committee "
                "and government; consider a joint meeting."
            )
        )
    if RiskFlag.OVER_LEVEL_PETITION in flags:
        out.append(_l("Over-level petition risk: inform the county petition office and centre."))
    if RiskFlag.REPEAT_PETITION in flags:
        out.append(_l("Repeat petition: coordinate with the petition office."))
    if flags & {RiskFlag.CIVIL_TO_CRIMINAL, RiskFlag.PUBLIC_ORDER_OR_CRIMINAL}:
        out.append(
            _l(
                "May lead to a public-order or criminal case: report to the local police "
                "station (PML Art. 25)."
            )
        )
    if RiskFlag.EXTREME_ACT in flags:
        out.append(
            _l(
                "Risk of suicide or an extreme act: alert the police and the township at once "
                "and keep someone with the person."
            )
        )
    if level == RiskLevel.RED and not out:
        out.append(_l("Red: report at once to the township's party committee and government."))
    return out


# ---- answering -------------------------------------------------------------------------------


def may_respond(user: User, warning: RiskWarning) -> bool:
    """Leaders of the area answer warnings (the warning was loaded through `scope`)."""
    return user.role == Role.LEADER and warning.closed_at is None


def respond(
    warning: RiskWarning,
    actor: User,
    *,
    version: int | None,
    kind: ResponseKind,
    note: str | None,
    now: datetime | None = None,
) -> None:
    """Record a leader's response: reported to the level above or responded, with a note. The
    first one answers the warning. On the case timeline (internal) or the watch item's record.
    Raises NotPermitted, StaleCase, ValidationFailed."""
    if not may_respond(actor, warning):
        raise NotPermitted()
    if version is not None and version != warning.version:
        raise StaleCase()
    if not isinstance(kind, ResponseKind):
        raise ValidationFailed(_l("Choose the response."), field="kind")
    text = (note or "").strip()
    if not text:
        raise ValidationFailed(_l("Say what was reported or done."), field="note")
    if len(text) > NOTE_MAX:
        raise ValidationFailed(
            _l("Keep this under %(max)d characters.", max=NOTE_MAX), field="note"
        )
    now = now or utcnow()
    if warning.answered_at is None:
        warning.answered_at = now
        warning.answered_by = actor
        warning.response_kind = kind
    else:
        # A further response moves the version too: the same form sent again (back button,
        # an older tab) is told rather than recorded twice.
        flag_modified(warning, "answered_at")
    data = {"warning": warning.id, "level": warning.level.value, "kind": kind.value}
    if warning.case is not None:
        record(warning.case, Action.RESPOND_WARNING, actor, note=text, public=False, data=data)
    else:
        item: WatchItem = warning.watch_item
        matters.record(
            "watch_item",
            item.id,
            "warning_" + kind.value,
            actor,
            org=item.organisation_id,
            note=text,
            data=data,
        )
    db.session.flush()


def history(warning: RiskWarning) -> list:
    """The responses to one warning, oldest first: the case's timeline events for it or the
    watch item's record entries."""
    if warning.case is not None:
        return [
            e
            for e in db.session.scalars(
                sa.select(Event)
                .where(Event.case_id == warning.case_id, Event.action == Action.RESPOND_WARNING)
                .order_by(Event.id)
            )
            if (e.data or {}).get("warning") == warning.id
        ]
    return [
        e
        for e in matters.history("watch_item", warning.watch_item_id)
        if (e.data or {}).get("warning") == warning.id
    ]
