"""The leaders' dashboard: which figures it shows, computed by domain.statistics.

This month and the chosen period (this year by default) against the same days a year
earlier, the months of the period beside the same months a year before, and the period's
breakdowns by type, source, level, organisation and place. A dozen aggregate queries
whatever the number of cases: a day series per counting date over every period shown, the
distinct-case counts of all the periods, and the breakdowns grouped together.

The same tables go out as an XLSX workbook (workbook_sheets): one sheet per table of the
page, each from the same Dashboard, so the file and the page cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

from domain.ledger.tables import TableColumn, TableSheet, write_tables_xlsx
from domain.statistics import (
    Breakdown,
    Dimension,
    Figures,
    Filters,
    Period,
    PreventionCounts,
    columns,
    compute_many,
    figures_for,
    months_of,
    prevention_counts,
    values,
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
    # The screening counts of each column's period (by column key); None where the filters
    # are of cases only (a type, a source).
    prevention: dict[str, PreventionCounts | None]

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
        prevention={c.key: prevention_counts(scope, c.period, filters) for c in columns},
    )


# ---- the workbook --------------------------------------------------------------------------

# The breakdowns in the page's order, with each table's title.
BREAKDOWN_TABLES = (
    (Dimension.TYPE, _l("By type of dispute")),
    (Dimension.SOURCE, _l("By source")),
    (Dimension.LEVEL, _l("By level")),
    (Dimension.ORGANISATION, _l("By organisation")),
    (Dimension.REGION, _l("By place")),
)


def _days(period: Period) -> str:
    return _("%(start)s to %(end)s", start=period.start.isoformat(), end=period.end.isoformat())


def workbook_block(
    period: Period, today: date, *, scope: str, filters: str, by: str, at: str
) -> list[tuple[str, str]]:
    """The header block of every sheet: the period, the scope and the filters in words, who
    exported and when."""
    return [
        (_("Period"), _days(period)),
        (_("Scope"), scope),
        (_("Filters"), filters or _("None")),
        (_("Counted on"), today.isoformat()),
        (_("Exported by"), by),
        (_("Exported at"), at),
        (
            _("Counting"),
            _(
                "Each figure is counted by its own date: accepted by the date of acceptance, "
                "mediated and successful by the end of mediation, registered and filed online "
                "by the date of registration. Rates are percentages, each with its formula "
                "under its name; empty when there is nothing to divide by."
            ),
        ),
    ]


def _column_label(key: str, custom: bool) -> str:
    if key == "month":
        return _("This month")
    if key == "month_before":
        return _("Same month last year")
    if key == "period":
        return _("Chosen period") if custom else _("This year")
    return _("Same period last year")


def flat_columns() -> list[TableColumn]:
    """Every indicator as a column (statistics.columns), with its formula."""
    return [
        TableColumn(str(c.label), c.kind, str(c.formula) if c.formula else None) for c in columns()
    ]


def workbook_sheets(
    board: Dashboard, block: list[tuple[str, str]], *, custom: bool
) -> list[TableSheet]:
    """The page's tables as sheets: the key figures (every indicator, one row per period
    beside the same days a year earlier), the months, and each breakdown with its total."""
    title = _("People's mediation statistics")
    sheets = []
    # Key figures: every indicator (the flat table of `flask stats`), a row per period.
    flat = flat_columns()
    rows = [
        (f"{_column_label(col.key, custom)} ({_days(col.period)})", values(col.figures))
        for col in board.columns
    ]
    key_block = list(block)
    for col in board.columns:
        counts = board.prevention.get(col.key)
        if counts is not None:
            key_block.append(
                (
                    f"{_('Screening rounds held')} ({_days(col.period)})",
                    _(
                        "%(rounds)s, of which %(nil)s nil returns; %(watched)s disputes put on "
                        "a watch list",
                        rounds=counts.screening_rounds,
                        nil=counts.nil_returns,
                        watched=counts.watch_items,
                    ),
                )
            )
    # What a mediation prevented is not recorded (the page says so too).
    label = _(
        "Prevention counts (disputes kept from becoming criminal cases, group petitions prevented…)"
    )
    key_block.append((label, _("Not recorded in the portal yet.")))
    name = _("Key figures")
    sheets.append(TableSheet(f"{title}: {name}", name, key_block, _("Period"), flat, rows))
    # By month, with the same months a year earlier; the total of the months listed.
    accepted = pgettext("figure", "Accepted")
    registered = pgettext("figure", "Registered")
    sample = Figures()
    month_columns = [
        TableColumn(accepted, "count"),
        TableColumn(_("A year earlier"), "count"),
        TableColumn(_("Mediated"), "count"),
        TableColumn(_("Successful"), "count"),
        TableColumn(_("Success rate"), "rate", str(sample.success_rate.formula)),
        TableColumn(registered, "count"),
        TableColumn(_("Filed online by the parties"), "count"),
        TableColumn(_("Self-filing rate"), "rate", str(sample.self_filing_rate.formula)),
    ]

    def month_row(f: Figures, before: Figures) -> list:
        return [
            f.accepted,
            before.accepted,
            f.mediated,
            f.successful,
            f.success_rate.value(),
            f.registered,
            f.self_filed,
            f.self_filing_rate.value(),
        ]

    total, total_before = Figures(), Figures()
    rows = []
    for m in board.months:
        rows.append((m.period.start.strftime("%Y-%m"), month_row(m.figures, m.year_before)))
        total.add(m.figures)
        total_before.add(m.year_before)
    # A long period's trend shows its last TREND_MONTHS months: their total is not the period's.
    whole = len(board.months) == len(months_of(board.period))
    total_label = _("Total") if whole else _("Total of the months listed")
    name = _("By month")
    sheets.append(
        TableSheet(
            f"{title}: {name}",
            name,
            block,
            _("Month"),
            month_columns,
            rows,
            (total_label, month_row(total, total_before)),
        )
    )
    # The breakdowns: the columns of the page's tables.
    breakdown_columns = [
        TableColumn(accepted, "count"),
        TableColumn(_("Mediated"), "count"),
        TableColumn(_("Successful"), "count"),
        TableColumn(_("Success rate"), "rate", str(sample.success_rate.formula)),
    ]

    def breakdown_row(f: Figures) -> list:
        return [f.accepted, f.mediated, f.successful, f.success_rate.value()]

    for dimension, caption in BREAKDOWN_TABLES:
        bd = board.breakdowns[dimension]
        name = str(caption)
        sheets.append(
            TableSheet(
                f"{title}: {name}",
                name,
                block,
                str(dimension.label),
                breakdown_columns,
                [(row.label, breakdown_row(row.figures)) for row in bd.rows],
                (_("Total"), breakdown_row(bd.total)),
            )
        )
    return sheets


def write_workbook(
    out: IO[bytes], board: Dashboard, block: list[tuple[str, str]], *, custom: bool
) -> None:
    """The dashboard's tables as one XLSX workbook."""
    write_tables_xlsx(out, workbook_sheets(board, block, custom=custom))


def write_breakdown_sheet(out: IO[bytes], breakdown: Breakdown, block: list[tuple[str, str]]):
    """Every indicator of `breakdown` (flask stats --by), one row per value and the total, as
    a workbook of one sheet."""
    title = _("People's mediation statistics")
    name = str(breakdown.dimension.label) if breakdown.dimension else _("Total")
    rows = [(row.label, values(row.figures)) for row in breakdown.rows]
    sheet = TableSheet(
        f"{title}: {name}",
        name,
        block,
        name,
        flat_columns(),
        rows,
        (_("Total"), values(breakdown.total)),
    )
    write_tables_xlsx(out, [sheet])
