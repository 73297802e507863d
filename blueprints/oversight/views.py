"""Oversight: every case in the user's scope, newest first, with filters (centre leaders,
administrators, committee directors)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from blueprints.htmx import is_htmx, render
from blueprints.oversight import bp, figures
from blueprints.oversight.forms import CaseFilterForm, FigureCaseFilterForm
from blueprints.pagination import keyset_page
from domain.clocks import local_today, overdue_condition
from domain.codes import normalise_case_number, normalise_number_prefix
from domain.ledger.rows import period_condition
from extensions import db
from models import Case, CaseRiskFlag, Region, code_range
from models.enums import DisputeType, RegionLevel, RiskLevel, Source
from models.risk import RiskFlag
from models.states import CaseState


def _filtered(
    stmt: sa.Select, form: CaseFilterForm, today: date, chosen: figures.Selection | None = None
) -> sa.Select:
    """Apply the filters that validated; an invalid one is ignored (its error is shown).
    With a figure chosen, its period counts the figure's own date (figures.narrowed) instead
    of any of a case's dates."""
    if form.q.data and not form.q.errors:
        exact = normalise_case_number(form.q.data)
        if exact:
            stmt = stmt.where(Case.number == exact)
        else:
            # A prefix as a half-open range: an index range scan on every database.
            low, high = code_range(normalise_number_prefix(form.q.data))
            stmt = stmt.where(Case.number >= low, Case.number < high)
    if form.state.data and not form.state.errors:
        stmt = stmt.where(Case.state == CaseState(form.state.data))
    if form.dispute_type.data and not form.dispute_type.errors:
        stmt = stmt.where(Case.dispute_type == DisputeType(form.dispute_type.data))
    if form.source.data and not form.source.errors:
        stmt = stmt.where(Case.source == Source(form.source.data))
    if form.overdue.data:
        stmt = stmt.where(overdue_condition(today))
    # Risk: each an index read (models/risk.py), newest first like the rest.
    if form.risk.data and not form.risk.errors:
        stmt = stmt.where(Case.risk_level == RiskLevel(form.risk.data))
    if form.flag.data and not form.flag.errors:
        flagged = sa.select(CaseRiskFlag.case_id).where(
            CaseRiskFlag.flag == RiskFlag(form.flag.data)
        )
        stmt = stmt.where(Case.id.in_(flagged))
    if form.report_owed.data:
        stmt = stmt.where(Case.police_report_owed.is_(True))
    if any(form.period) and not (chosen and chosen.counted):
        stmt = stmt.where(period_condition(*form.period))
    return stmt


def _places(cases: list[Case]) -> dict[int, str]:
    """Each listed case's place from the county down (county, township, village). The regions above
    the cases are loaded in one query (and kept referenced while the names are built), so the
    walk up the tree reads the identity map instead of querying once per row. One city per
    portal: the city name would add nothing."""
    if not cases:
        return {}
    codes = {c.region_code[:n] for c in cases for n in (6, 9, 12) if n < len(c.region_code)}
    # The session's identity map holds objects weakly: keep the ancestors alive meanwhile.
    _ancestors = list(db.session.scalars(sa.select(Region).where(Region.code.in_(codes))))
    return {c.id: c.region.full_name(RegionLevel.COUNTY) for c in cases}


@bp.route("/")
def cases():
    """All cases in scope, newest first, with filters (leader, admin, director)."""
    form = FigureCaseFilterForm(request.args)
    form.validate()
    today = local_today()
    # A figure's cases (from the dashboard): its period, measure and breakdown value.
    chosen = figures.selection(form, today)
    scope = figures.scope(current_user, chosen)
    stmt = _filtered(sa.select(Case).where(scope), form, today, chosen)
    stmt = figures.narrowed(stmt, chosen, today).options(
        joinedload(Case.region), joinedload(Case.handling_org)
    )
    if form.q.data and not form.q.errors:
        # A number search reads the unique number index in order (numbers grow with time
        # within a year and county) instead of sorting every match by date.
        order, kinds, key = [Case.number], [str], lambda c: [c.number]
    else:
        order, kinds, key = (
            [Case.created_at, Case.id],
            [datetime, int],
            lambda c: [c.created_at, c.id],
        )
    page = keyset_page(
        stmt,
        order,
        kinds,
        request.args.get("after"),
        current_app.config["PAGE_SIZE"],
        key=key,
        descending=True,
    )
    # The overdue count sits above the filters: only the full page shows it, so filtering,
    # paging and htmx swaps of the results do not count again.
    overdue = None
    if not is_htmx():
        overdue = db.session.scalar(
            sa.select(sa.func.count(Case.id)).where(scope, overdue_condition(today))
        )
    counted = None
    if chosen.counted:  # how many cases the figure counts: the list below shows them all
        count = _filtered(
            sa.select(sa.func.count()).select_from(Case).where(scope), form, today, chosen
        )
        counted = db.session.scalar(figures.narrowed(count, chosen, today))
    return render(
        "oversight/cases.html",
        "oversight/partials/case_rows.html",
        targets=("case-results",),
        form=form,
        chosen=chosen,
        counted=counted,
        described=figures.describe(chosen),
        results=page,
        overdue=overdue,
        today=today,
        places=_places(page.items),
    )
