"""Mediator evaluation (leaders, administrators, committee directors): per presiding mediator,
the cases handled in a period, their success, timeliness, files and follow-up visits, and the
per-case subsidy earned (以案定补), with the finance office's list of cases as XLSX. The
numbers link to the case list where a figure of the case list selects the same cases."""

from __future__ import annotations

import tempfile

from flask import render_template, request, send_file
from flask_login import current_user

from blueprints.oversight import bp, figures
from blueprints.oversight.forms import MediatorsForm
from domain import mediator_evaluation as evaluation
from domain import statistics as st
from domain import subsidies
from domain.calendar import local_today
from domain.ledger.export import MEDIA_TYPES
from models.types import utcnow


def _period(form: MediatorsForm, today):
    """The period asked for (figures.period_of: this year by default); an invalid end or a
    period the wrong way round gives the default."""
    form.validate()

    def ok(f):
        return f.data if f.data is not None and not f.errors else None

    start, end = ok(form.date_from), ok(form.date_to)
    if form.date_to.errors:
        start = end = None
    period = figures.period_of(start, end, today)
    if not form.date_from.raw_data and not form.date_to.raw_data:  # show the default period
        form.date_from.data, form.date_to.data = period.start, period.end
    return period


@bp.route("/mediators")
def mediators():
    """Every mediator's indicators and subsidy in the period (?from=&to=&page=)."""
    form = MediatorsForm(request.args)
    today = local_today()
    period = _period(form, today)
    result = evaluation.evaluate(current_user, period, today)
    number = form.page.data if form.page.data and not form.page.errors else 1
    rows, page, pages = result.page(number)
    return render_template(
        "oversight/mediators.html",
        form=form,
        result=result,
        rows=rows,
        page=page,
        pages=pages,
        period=period,
        rule=subsidies.rule_text(),
        describe_rate=subsidies.describe,
        without_filters=st.Filters(mediator_id=0),
        **figures.HELPERS,
    )


@bp.route("/mediators/subsidies.xlsx")
def subsidies_xlsx():
    """The finance office's file: each case earning a subsidy in the period, with the totals."""
    form = MediatorsForm(request.args)
    today = local_today()
    period = _period(form, today)
    cases = evaluation.subsidy_cases(current_user, period, today)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    evaluation.write_subsidy_xlsx(out, current_user, period, cases, utcnow())
    out.seek(0)
    name = f"jiefen-subsidies-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    response = send_file(out, mimetype=MEDIA_TYPES["xlsx"], as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
