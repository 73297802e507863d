"""The leaders' dashboard: this month and this year against the same days last year, the
trend by month, the figures by type, source, level, organisation and place (charts drawn on
the server as SVG, each with its table), overdue work and the cases due this week. Filters
are a GET form; htmx swaps the figures in place. Every number links to its cases."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import request, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from blueprints.htmx import is_htmx, render
from blueprints.oversight import bp, figures
from blueprints.oversight.forms import DashboardForm
from blueprints.oversight.ledger import scope_text
from blueprints.oversight.views import overdue_condition
from domain import dashboard as board
from domain import statistics as st
from domain.calendar import CHINA
from domain.clocks import local_today
from domain.ledger.export import MEDIA_TYPES
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


@dataclass
class Chosen:
    """The dashboard's filters as read from the query: the form (its invalid fields are
    ignored), the period and the statistics' filters."""

    form: DashboardForm
    area: Region
    period: st.Period
    custom: bool
    filters: st.Filters


def _chosen(today: date) -> Chosen:
    area = _area(current_user)
    form = DashboardForm(request.args)
    _choices(form, area)
    form.validate()
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
    return Chosen(form, area, period, custom, filters)


def _board(chosen: Chosen, today: date) -> board.Dashboard:
    return board.build(
        st.scope_of(current_user),
        chosen.period,
        chosen.filters,
        today,
        with_month=not chosen.custom,
        area=chosen.area.code,
    )


def export_args(chosen: Chosen) -> dict:
    """The query of the workbook's link: the filters that took effect."""
    form = chosen.form
    args = {}
    if chosen.custom:
        args["from"] = chosen.period.start.isoformat()
        args["to"] = chosen.period.end.isoformat()
    for name in ("county", "township", "org", "dispute_type", "source"):
        value = _valid(form[name])
        if value is not None:
            args[name] = value
    return args


def _filters_text(chosen: Chosen) -> str:
    """The filters that took effect, in words (the names the form offers)."""
    form = chosen.form
    out = []
    for name in ("county", "township", "org", "dispute_type", "source"):
        field = form[name]
        value = _valid(field)
        if value is not None:
            shown = next((c.label for c in field.iter_choices() if c.selected), value)
            out.append(_("%(label)s: %(value)s", label=field.label.text, value=shown))
    return "; ".join(out)


@bp.route("/dashboard")
def dashboard():
    """The leaders' dashboard (leaders, administrators, committee directors)."""
    today = local_today()
    chosen = _chosen(today)
    form, filters, custom = chosen.form, chosen.filters, chosen.custom
    data = _board(chosen, today)
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
        export_args=export_args(chosen),
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


@bp.route("/dashboard.xlsx")
def dashboard_xlsx():
    """The dashboard's tables as an XLSX workbook, one sheet per table, for the same filters
    and the same area as the page (the figures of one Dashboard, as on the page)."""
    today = local_today()
    chosen = _chosen(today)
    data = _board(chosen, today)
    user = current_user
    block = board.workbook_block(
        data.period,
        data.today,
        scope=scope_text(),
        filters=_filters_text(chosen),
        by=_(
            "%(name)s (%(role)s, %(organisation)s)",
            name=user.name,
            role=user.role.label,
            organisation=user.organisation.name,
        ),
        at=datetime.now(CHINA).strftime("%Y-%m-%d %H:%M"),
    )
    # On disk, not in memory: openpyxl's write-only sheets append each row to a file.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    board.write_workbook(out, data, block, custom=chosen.custom)
    out.seek(0)
    name = f"jiefen-statistics-{data.period.start.isoformat()}-{data.period.end.isoformat()}.xlsx"
    response = send_file(out, mimetype=MEDIA_TYPES["xlsx"], as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
