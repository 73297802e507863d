"""Figures and the cases behind them: the link from a number on the dashboard to the case
list, and the case list's reading of it (the same period, measure and breakdown value, so
the list shows exactly the cases counted)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext

from domain import statistics as st
from domain.permissions import case_scope
from extensions import db
from models import Case, Organisation, Region, User
from models.states import OPEN_STATES

# "Due this week": open cases whose deadline falls within the next seven days.
DUE_SOON_DAYS = 7


def due_this_week(today: date) -> sa.ColumnElement[bool]:
    """Open cases due from today to six days on (reads the (state, due_on) index). Suspended
    cases follow the overdue rule of the case list (its open states)."""
    return sa.and_(
        Case.state.in_(sorted(OPEN_STATES)),
        Case.due_on >= today,
        Case.due_on < today + timedelta(days=DUE_SOON_DAYS),
    )


@dataclass(frozen=True)
class Selection:
    """What a case list was asked to show besides its own filters."""

    measure: st.Measure | None
    period: st.Period
    filters: st.Filters
    due_week: bool
    area: bool = False

    @property
    def counted(self) -> bool:
        return self.measure is not None


def default_period(today: date) -> st.Period:
    return st.Period.year_to_date(today)


def period_of(start: date | None, end: date | None, today: date) -> st.Period:
    """The period typed: either end may be left out (from the start of the end's year; to
    today, or to the end of the start's year when that is earlier)."""
    if start is None and end is None:
        return default_period(today)
    if start is None:
        start = date(end.year, 1, 1)
    if end is None:
        end = max(start, min(today, date(start.year, 12, 31)))
    return st.Period(start, end)


def selection(form, today: date) -> Selection:
    """Read the figure fields of the case list's form (those that validated)."""

    def ok(field):
        return field.data if field.data not in (None, "") and not field.errors else None

    measure = ok(form.indicator)
    start, end = ok(form.date_from), ok(form.date_to)
    if form.date_to.errors:  # a period the wrong way round or too long: none
        start = end = None
    level = ok(form.level)
    return Selection(
        measure=st.Measure(measure) if measure else None,
        period=period_of(start, end, today),
        filters=st.Filters(
            region=ok(form.region),
            organisation_id=ok(form.org),
            level=st.Level(level) if level else None,
            mediator_id=ok(form.mediator),
        ),
        due_week=bool(form.due_week.data),
        area=bool(form.area.data),
    )


def scope(user, chosen: Selection) -> sa.ColumnElement[bool]:
    """Figures count the cases of the viewer's area (statistics' scope); a plain list also
    shows the transfers on their way in (the list's scope)."""
    if chosen.counted or chosen.area:
        return st.scope_of(user).condition
    return case_scope(user)


def narrowed(stmt: sa.Select, chosen: Selection, today: date) -> sa.Select:
    stmt = stmt.where(*st.filter_conditions(chosen.filters))
    if chosen.measure is not None:
        stmt = stmt.where(st.case_condition(chosen.measure, chosen.period, today))
    if chosen.due_week:
        stmt = stmt.where(due_this_week(today))
    return stmt


def describe(chosen: Selection) -> list[tuple[str, str]]:
    """The breakdown value of a selection in words (for the list's heading)."""
    f = chosen.filters
    out = []
    if f.region:
        name = db.session.scalar(sa.select(Region.name).where(Region.code == f.region))
        out.append((gettext("Place"), name or f.region))
    if f.organisation_id is not None:
        name = db.session.scalar(
            sa.select(Organisation.name).where(Organisation.id == f.organisation_id)
        )
        out.append((gettext("Organisation"), name or "—"))
    if f.level is not None:
        out.append((gettext("Level"), str(f.level.label)))
    if f.mediator_id is not None:
        name = (
            db.session.scalar(sa.select(User.name).where(User.id == f.mediator_id))
            if f.mediator_id
            else gettext("No presiding mediator")
        )
        out.append((gettext("Presiding mediator"), name or "—"))
    return out


def figure_url(measure: st.Measure, period: st.Period, filters: st.Filters, **extra) -> str:
    """The case list of the cases counted by `measure` in `period` with `filters`."""
    args = {
        "indicator": measure.value,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        **filter_args(filters),
        **extra,
    }
    return url_for("oversight.cases", **args)


def filter_args(filters: st.Filters) -> dict:
    """The case list's query arguments for `filters`."""
    args = {}
    if filters.region:
        args["region"] = filters.region
    if filters.organisation_id is not None:
        args["org"] = filters.organisation_id
    if filters.level is not None:
        args["level"] = filters.level.value
    if filters.dispute_type is not None:
        args["dispute_type"] = filters.dispute_type.value
    if filters.source is not None:
        args["source"] = filters.source.value
    if filters.mediator_id is not None:
        args["mediator"] = filters.mediator_id
    return args


def number(value) -> str:
    """A count or an amount with thousands separated by commas, as both Chinese and English
    write them (1,234 / 1,234.50). Plain formatting: a dashboard prints hundreds of them."""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}"


def nice_scale(most: float) -> tuple[int, int]:
    """The top of a chart's axis and its step: 1, 2 or 5 times a power of ten, four to eight
    steps (45 cases: 50 in steps of 10)."""
    if most <= 0:
        return 1, 1
    step = 1
    while most / step > 8:
        for factor in (2, 5 / 2, 2):  # 1 → 2 → 5 → 10 → 20 …
            step = round(step * factor)
            if most / step <= 8:
                break
    top = math.ceil(most / step) * step
    return top, step


HELPERS = {
    "figure_url": figure_url,
    "number": number,
    "filter_args": filter_args,
    "Measure": st.Measure,
    "Dimension": st.Dimension,
    "INDICATORS": st.INDICATORS,
    "value_of": st.value_of,
    "nice_scale": nice_scale,
}
