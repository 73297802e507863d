"""The leaders' dashboard: which figures it shows, computed by domain.statistics.

This month and the chosen period (this year by default) against the same days a year
earlier, the months of the period beside the same months a year before, and the period's
breakdowns by type, source, level, organisation and place. A dozen aggregate queries
whatever the number of cases: a day series per counting date over every period shown, the
distinct-case counts of all the periods, and the breakdowns grouped together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from domain.statistics import (
    Breakdown,
    Dimension,
    Figures,
    Filters,
    Period,
    PreventionCounts,
    compute_many,
    figures_for,
    months_of,
    prevention_counts,
)

# The trend shows at most this many months (the last ones of a long period).
TREND_MONTHS = 24
# The breakdowns count acceptance and the end of mediation (the charts' figures).
BREAKDOWN_FAMILIES = ("accepted", "closed")


@dataclass
class Column:
    """One column of the key figures: a period and its figures."""

    key: str  # "month", "month_before", "period", "period_before"
    period: Period
    figures: Figures


@dataclass
class Month:
    period: Period
    figures: Figures
    year_before: Figures


@dataclass
class Dashboard:
    period: Period
    today: date
    columns: list[Column]
    months: list[Month]
    breakdowns: dict[Dimension, Breakdown]
    region_depth: int
    prevention: PreventionCounts | None

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def region_depth(code: str | None) -> int:
    """The length of the codes one level below `code` (a city's counties, a county's
    townships, a township's villages)."""
    length = len(code or "")
    if length < 6:
        return 6
    if length < 9:
        return 9
    if length < 12:
        return 12
    return 15


def build(
    scope: sa.ColumnElement[bool] | None,
    period: Period,
    filters: Filters,
    today: date,
    *,
    with_month: bool,
    area: str | None = None,
) -> Dashboard:
    """The dashboard of `period` (with this month too when `with_month`), narrowed by
    `filters`, within `scope`. `area` is the region code of the viewer's area: places are
    broken down one level below it (or below the place filtered on)."""
    periods = []
    if with_month:
        month = Period.month_to_date(today)
        periods += [("month", month), ("month_before", month.year_earlier())]
    periods += [("period", period), ("period_before", period.year_earlier())]
    trend = months_of(period)[-TREND_MONTHS:]
    # The trend's months (and a year earlier) are summed from the same series.
    also = [*trend, *(m.year_earlier() for m in trend)]
    figures, days = figures_for(scope, [p for _k, p in periods], filters, today=today, also=also)
    columns = [Column(k, p, f) for (k, p), f in zip(periods, figures, strict=True)]
    months = [Month(m, days.figures(m), days.figures(m.year_earlier())) for m in trend]
    depth = region_depth(filters.region or area)
    breakdowns = compute_many(
        scope,
        period,
        filters,
        (
            Dimension.TYPE,
            Dimension.SOURCE,
            Dimension.ORGANISATION,
            Dimension.REGION,
            Dimension.LEVEL,
        ),
        today=today,
        families=BREAKDOWN_FAMILIES,
        region_depth=depth,
    )
    return Dashboard(
        period=period,
        today=today,
        columns=columns,
        months=months,
        breakdowns=breakdowns,
        region_depth=depth,
        prevention=prevention_counts(scope, period, filters),
    )
