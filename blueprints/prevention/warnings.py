"""The early-warning board (leaders; administrators read it) and one warning's page, where a
leader records the response."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.actions import attach_error, run_action
from blueprints.htmx import redirect_303
from blueprints.prevention import bp
from blueprints.prevention.forms import BoardFilterForm, RespondForm
from domain import warnings
from models.enums import RiskLevel, Role
from models.prevention import ResponseKind
from models.types import utcnow

READERS = {Role.LEADER, Role.ADMIN}


def _readers_only() -> None:
    if current_user.role not in READERS:
        abort(403)


@bp.route("/warnings")
def warnings_board():
    _readers_only()
    form = BoardFilterForm(request.args)
    form.validate()
    show = form.show.data if not form.show.errors and form.show.data else warnings.Show.ALL
    level = RiskLevel(form.level.data) if form.level.data and not form.level.errors else None
    page = form.page.data if form.page.data and not form.page.errors else 1
    now = utcnow()
    result = warnings.board(current_user, show=show, level=level, page=page, now=now)
    hours = warnings.response_hours()
    return render_template(
        "prevention/warnings.html",
        form=form,
        result=result,
        hours=hours,
        now=now,
        due=lambda w: warnings.due_at(w, hours),
        flags=warnings.flags_of,
        suggestions=lambda w: warnings.suggestions(w.level, warnings.flags_of(w)),
        show=show,
        level=level.value if level else "",
    )


def _load(warning_id: int):
    _readers_only()
    warning = warnings.get_for(current_user, warning_id)
    if warning is None:
        abort(404)
    return warning


def _page(warning, form=None, status=200):
    hours = warnings.response_hours()
    flags = warnings.flags_of(warning)
    return (
        render_template(
            "prevention/warning.html",
            warning=warning,
            due=warnings.due_at(warning, hours),
            now=utcnow(),
            flags=flags,
            suggestions=warnings.suggestions(warning.level, flags),
            may_respond=warnings.may_respond(current_user, warning),
            form=form or RespondForm(formdata=None, data={"version": warning.version}),
            history=warnings.history(warning),
        ),
        status,
    )


@bp.route("/warnings/<int:warning_id>")
def warning_page(warning_id: int):
    return _page(_load(warning_id))


@bp.route("/warnings/<int:warning_id>/respond", methods=["POST"])
def respond(warning_id: int):
    warning = _load(warning_id)
    if not warnings.may_respond(current_user, warning):
        abort(403)
    form = RespondForm()
    if form.validate_on_submit():
        error = run_action(
            lambda: warnings.respond(
                warning,
                current_user,
                version=form.version.data,
                kind=ResponseKind(form.kind.data),
                note=form.note.data,
            )
        )
        if error is None:
            flash(_("Response recorded."), "success")
            return redirect_303(url_for("prevention.warning_page", warning_id=warning_id))
        attach_error(form, error)
        warning = _load(warning_id)
    return _page(warning, form, 422)
