"""The leaders' dashboard: this month and this year against the same days last year, the
trend by month, the figures by type, source, level, organisation and place (charts drawn on
the server as SVG, each with its table), overdue work and the cases due this week. Filters
are a GET form; htmx swaps the figures in place. Every number links to its cases."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from blueprints.htmx import is_htmx, render
from blueprints.oversight import bp, figures
from blueprints.oversight.forms import DashboardForm
from blueprints.oversight.views import overdue_condition
from domain import dashboard as board
from domain import statistics as st
from domain.clocks import local_today
from extensions import db
from models import Case, Organisation, Region, code_range
from models.enums import MEDIATING_KINDS, DisputeType, RegionLevel, Source

DUE_LIST_LENGTH = 10


def _area(user) -> Region:
    return user.organisation.region


def _regions(level: RegionLevel, within: str) -> list[Region]:
    low, high = code_range(within)
    return list(
        db.session.scalars(
            sa.select(Region)
            .where(Region.level == level, Region.code >= low, Region.code < high)
            .order_by(Region.code)
        )
    )


def _region(code: str) -> Region | None:
    return db.session.scalar(sa.select(Region).where(Region.code == code))


def _choices(form: DashboardForm, area: Region) -> None:
    """Places and organisations of the viewer's area; the townships follow the county chosen,
    the organisations the place chosen."""
    if area.level == RegionLevel.CITY:
        counties = _regions(RegionLevel.COUNTY, area.code)
    else:
        counties = [r for r in [_region(area.code[:6])] if r is not None]
    form.county.choices = [("", _l("Whole area"))] + [(r.code, r.name) for r in counties]
    codes = {r.code for r in counties}
    county = form.county.data if form.county.data in codes else None
    if county is None and len(counties) == 1:
        county = counties[0].code
    if len(area.code) >= 9:
        townships = [r for r in [_region(area.code[:9])] if r is not None]
    elif county is not None:
        townships = _regions(RegionLevel.TOWNSHIP, county)
    else:
        townships = []  # a city's townships: choose the county first
    form.township.choices = [("", _l("Whole area"))] + [(r.code, r.name) for r in townships]
    codes = {r.code for r in townships}
    township = form.township.data if form.township.data in codes else None
    low, high = code_range(township or county or area.code)
    orgs = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .join(Region, Organisation.region_id == Region.id)
        .where(
            Organisation.kind.in_(sorted(MEDIATING_KINDS)),
            Region.code >= low,
            Region.code < high,
        )
        .order_by(Region.code, Organisation.name)
    ).all()
    form.org.choices = [("", _l("Any organisation"))] + [(i, name) for i, name in orgs]


def _valid(field):
    return field.data if field.data not in (None, "") and not field.errors else None


@bp.route("/dashboard")
def dashboard():
    """The leaders' dashboard (leaders, administrators, committee directors)."""
    area = _area(current_user)
    form = DashboardForm(request.args)
    _choices(form, area)
    form.validate()
    today = local_today()
    start, end = _valid(form.date_from), _valid(form.date_to)
    if form.date_to.errors:
        start = end = None
    custom = start is not None or end is not None
    period = figures.period_of(start, end, today)
    dtype, source = _valid(form.dispute_type), _valid(form.source)
    filters = st.Filters(
        region=_valid(form.township) or _valid(form.county),
        organisation_id=_valid(form.org),
        dispute_type=DisputeType(dtype) if dtype else None,
        source=Source(source) if source else None,
    )
    data = board.build(
        st.scope_of(current_user),
        period,
        filters,
        today,
        with_month=not custom,
        area=area.code,
    )
    # Overdue work and the cases due this week: the case list's overdue rule, in the area the
    # figures count (the links ask the list for the same: area=y).
    scope = sa.and_(st.scope_of(current_user).condition, *st.filter_conditions(filters))
    overdue = db.session.scalar(
        # count(*), not count(id): PostgreSQL then counts from the index alone.
        sa.select(sa.func.count()).select_from(Case).where(scope, overdue_condition(today))
    )
    due_week = db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(scope, figures.due_this_week(today))
    )
    due_cases = db.session.scalars(
        sa.select(Case)
        .where(scope, figures.due_this_week(today))
        .options(joinedload(Case.handling_org))
        .order_by(Case.due_on, Case.id)
        .limit(DUE_LIST_LENGTH)
    ).all()
    # The places and organisations follow the county: refreshed beside the figures when the
    # county changed since the form was drawn.
    places_changed = is_htmx() and request.args.get("county_shown", "") != (form.county.data or "")
    return render(
        "oversight/dashboard.html",
        "oversight/partials/dashboard_body.html",
        targets=("dashboard-body",),
        form=form,
        board=data,
        custom=custom,
        filters=filters,
        overdue=overdue,
        due_week=due_week,
        due_cases=due_cases,
        today=today,
        places_changed=places_changed,
        list_args={**figures.filter_args(filters), "area": "y"},
        presets=presets(today),
        **figures.HELPERS,
    )


def presets(today: date) -> list[tuple[str, st.Period]]:
    """Quick periods offered as links."""
    this_year = st.Period.year_to_date(today)
    last_year = st.Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    return [
        ("month", st.Period.month_to_date(today)),
        ("year", this_year),
        ("last_year", last_year),
    ]
