"""The case ledger (台账) of the oversight list: the cases of its filter, all pages, as XLSX or
CSV (leaders, administrators, committee directors)."""

from __future__ import annotations

import tempfile

import sqlalchemy as sa
from flask import Response, abort, current_app, request, send_file
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.oversight import bp, figures
from blueprints.oversight.forms import CaseFilterForm, FigureCaseFilterForm
from blueprints.oversight.views import _filtered
from domain.calendar import local_today
from domain.ledger.export import (
    FORMATS,
    MEDIA_TYPES,
    ExportSpec,
    Filter,
    LedgerExport,
    start_export,
)
from domain.permissions import reveal_condition
from extensions import db
from models import Case
from models.enums import Role

# Who may ask for ID numbers and phones in full, for the cases they work (the rest of the
# oversight face, leaders and administrators, only ever sees them masked).
MAY_ASK_FULL = frozenset({Role.DIRECTOR})


def _choice_label(field) -> object:
    """The label of a select's chosen value: its choices are pairs or SelectChoice (iterable
    as four fields: value, label, render_kw, selected), so read the first two of each."""
    pairs = (tuple(c)[:2] for c in field.choices)
    return next((label for value, label in pairs if value == field.data), field.data)


def _filters(form: CaseFilterForm) -> list[Filter]:
    """The list's filters that validated, for the header block and the record."""
    out = []
    for name in ("q", "state", "dispute_type", "source"):
        f = form[name]
        if f.data and not f.errors:
            shown = _choice_label(f) if hasattr(f, "choices") else f.data
            out.append(Filter(name, f.data, str(f.label.text), str(shown)))
    if form.overdue.data:
        out.append(Filter("overdue", "y", str(form.overdue.label.text), _("Yes")))
    for name in ("risk", "flag"):
        f = form[name]
        if f.data and not f.errors:
            out.append(Filter(name, f.data, str(f.label.text), str(_choice_label(f))))
    if form.report_owed.data:
        out.append(Filter("report_owed", "y", str(form.report_owed.label.text), _("Yes")))
    return out


def _figure_filters(chosen: figures.Selection) -> list[Filter]:
    """The figure a ledger was asked from (the dashboard's link), in words."""
    out = []
    if chosen.counted:
        out.append(
            Filter("indicator", chosen.measure.value, _("Figure"), str(chosen.measure.label))
        )
    # filter_args and describe name the same breakdown values in the same order.
    for (key, value), (label, shown) in zip(
        figures.filter_args(chosen.filters).items(), figures.describe(chosen), strict=True
    ):
        out.append(Filter(key, str(value), label, shown))
    if chosen.due_week:
        out.append(Filter("due_week", "y", _("Due within 7 days only"), _("Yes")))
    return out


def _scope_text() -> str:
    if current_user.role == Role.DIRECTOR:
        return _("Cases handled by %(organisation)s", organisation=current_user.organisation.name)
    return _("Cases of %(region)s", region=current_user.organisation.region.full_name())


def _streamed(export: LedgerExport):
    """The CSV as it is written. The rows are read after the view has returned, so they are
    read in an application context of their own (its own database session) in the language
    of the request. The first chunk, the header block, needs neither (LedgerExport worked it
    out): a server may take it while the request is still being answered, in another
    context than the rest."""
    app = current_app._get_current_object()
    locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])

    def chunks():
        parts = export.csv_chunks()
        yield next(parts).encode("utf-8")
        with app.app_context(), force_locale(locale):
            for chunk in parts:
                yield chunk.encode("utf-8")

    return chunks()


@bp.route("/ledger.<fmt>")
def ledger(fmt: str):
    """The ledger of the listed cases as XLSX or CSV (leader, admin, director); `full=1`
    shows a director's own cases' ID numbers and phones in full, recorded on each case."""
    if fmt not in FORMATS:
        abort(404)
    form = FigureCaseFilterForm(request.args)
    form.validate()
    today = local_today()
    # The same cases as the list: a figure's cases when the dashboard's link chose one.
    picked = figures.selection(form, today)
    scope = figures.scope(current_user, picked)
    chosen = figures.narrowed(
        _filtered(sa.select(Case.id).where(scope), form, today, picked), picked, today
    )
    full = request.args.get("full") == "1" and current_user.role in MAY_ASK_FULL
    spec = ExportSpec(
        condition=sa.and_(scope, Case.id.in_(chosen)),
        scope=_scope_text(),
        scope_key=current_user.organisation.region.code,
        file_format=fmt,
        via="web",
        user=current_user,
        period=form.period,
        filters=_filters(form) + _figure_filters(picked),
        reveal=reveal_condition(current_user) if full else None,
    )
    export = start_export(spec)
    db.session.commit()
    name = f"jiefen-ledger-{local_today().isoformat()}.{fmt}"
    if fmt == "csv":
        response = Response(_streamed(export), mimetype=MEDIA_TYPES["csv"])
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        # On disk, not in memory: openpyxl's write-only sheet appends each row to a file.
        out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
        export.write_xlsx(out)
        out.seek(0)
        response = send_file(
            out, mimetype=MEDIA_TYPES["xlsx"], as_attachment=True, download_name=name
        )
    response.headers["Cache-Control"] = "private, no-store"
    return response
