"""The administrator's settings: the screening cadence of each level and of single
organisations, and the response time of each warning colour."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from blueprints.actions import attach_error, run_action
from blueprints.auth.forms import EmptyForm
from blueprints.htmx import redirect_303
from blueprints.prevention import bp
from blueprints.prevention.forms import HoursForm, LevelCadenceForm, OrgCadenceForm
from domain import screening_rounds as sr
from domain import warnings
from domain.permissions import org_scope_of
from extensions import db
from models import Organisation, Region
from models.enums import RegionLevel, RiskLevel, Role
from models.prevention import Cadence, ScreeningCadence


def _admin_only() -> None:
    if current_user.role != Role.ADMIN:
        abort(403)


def _org_form(formdata=None) -> OrgCadenceForm:
    form = OrgCadenceForm(formdata=formdata, data={"grace_days": 2})
    orgs = db.session.scalars(
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(org_scope_of(current_user), sr.screening_condition())
        .order_by(Region.code, Organisation.id)
        .limit(2000)
    )
    form.organisation.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(o.id, o.name) for o in orgs
    ]
    return form


def _render(level_forms=None, org_form=None, hour_forms=None, status=200):
    rules = sr.level_rules()
    overrides = list(
        db.session.scalars(
            sa.select(ScreeningCadence)
            .join(Organisation, ScreeningCadence.organisation_id == Organisation.id)
            .where(org_scope_of(current_user))
            .order_by(Organisation.name)
        )
    )
    hours = warnings.response_hours()
    level_forms = level_forms or {}
    hour_forms = hour_forms or {}
    return (
        render_template(
            "prevention/settings.html",
            levels=[
                (
                    level,
                    level_forms.get(level)
                    or LevelCadenceForm(
                        formdata=None,
                        prefix=level.value,
                        data={
                            "cadence": rules[level].cadence.value,
                            "grace_days": rules[level].grace_days,
                        },
                    ),
                )
                for level in sr.LEVELS
            ],
            org_form=org_form or _org_form(),
            overrides=overrides,
            colours=[
                (
                    colour,
                    hour_forms.get(colour)
                    or HoursForm(formdata=None, prefix=colour.value, data={"hours": hours[colour]}),
                )
                for colour in warnings.COLOURS
            ],
            delete_form=EmptyForm(),
        ),
        status,
    )


@bp.route("/settings")
def settings():
    _admin_only()
    return _render()


@bp.route("/settings/level/<level>", methods=["POST"])
def set_level(level: str):
    _admin_only()
    try:
        region_level = RegionLevel(level)
    except ValueError:
        abort(404)
    if region_level not in sr.LEVELS:
        abort(404)
    form = LevelCadenceForm(prefix=level)
    if form.validate_on_submit():
        error = run_action(
            lambda: sr.set_level_cadence(
                current_user, region_level, Cadence(form.cadence.data), form.grace_days.data
            )
        )
        if error is None:
            flash(_("Cadence saved."), "success")
            return redirect_303(url_for("prevention.settings"))
        attach_error(form, error)
    return _render(level_forms={region_level: form}, status=422)


@bp.route("/settings/organisation", methods=["POST"])
def set_org():
    _admin_only()
    form = _org_form(request.form)
    if form.validate_on_submit():
        org = db.session.scalars(
            sa.select(Organisation).where(
                Organisation.id == form.organisation.data, org_scope_of(current_user)
            )
        ).first()
        if org is None:
            abort(404)
        error = run_action(
            lambda: sr.set_org_cadence(
                current_user, org, Cadence(form.cadence.data), form.grace_days.data
            )
        )
        if error is None:
            flash(_("Cadence saved."), "success")
            return redirect_303(url_for("prevention.settings"))
        attach_error(form, error)
    return _render(org_form=form, status=422)


@bp.route("/settings/organisation/<int:row_id>/delete", methods=["POST"])
def remove_org(row_id: int):
    _admin_only()
    row = db.session.scalars(
        sa.select(ScreeningCadence)
        .join(Organisation, ScreeningCadence.organisation_id == Organisation.id)
        .where(ScreeningCadence.id == row_id, org_scope_of(current_user))
    ).first()
    if row is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    error = run_action(lambda: sr.remove_org_cadence(current_user, row))
    if error is not None:
        flash(str(error.message), "error")
    else:
        flash(_("The organisation follows its level's cadence again."), "success")
    return redirect_303(url_for("prevention.settings"))


@bp.route("/settings/hours/<level>", methods=["POST"])
def set_hours(level: str):
    _admin_only()
    try:
        colour = RiskLevel(level)
    except ValueError:
        abort(404)
    if colour not in warnings.COLOURS:
        abort(404)
    form = HoursForm(prefix=level)
    if form.validate_on_submit():
        error = run_action(
            lambda: warnings.set_response_hours(current_user, colour, form.hours.data)
        )
        if error is None:
            flash(_("Response time saved."), "success")
            return redirect_303(url_for("prevention.settings"))
        attach_error(form, error)
    return _render(hour_forms={colour: form}, status=422)
