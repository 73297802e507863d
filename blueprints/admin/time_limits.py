"""Time-limit rules: list, add, change and delete the rules that set a case's
time limit per source and/or organisation. Admin only (the admin blueprint is guarded)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange

from blueprints.actions import attach_error, run_action
from blueprints.admin import bp
from blueprints.auth.forms import EmptyForm
from blueprints.forms import TrimmedForm, optional_int, optional_str
from blueprints.htmx import redirect_303
from blueprints.pagination import keyset_page
from domain import time_limits
from domain.accounts import organisations_for
from extensions import db
from models import Organisation, TimeLimitRule
from models.enums import Source


class TimeLimitRuleForm(TrimmedForm):
    organisation = SelectField(_l("Organisation"), coerce=optional_int)
    source = SelectField(_l("Case source"), coerce=optional_str)
    days = IntegerField(
        _l("Time limit in days"),
        validators=[
            InputRequired(_l("Enter the number of days.")),
            NumberRange(
                min=time_limits.MIN_DAYS,
                max=time_limits.MAX_DAYS,
                message=_l("Enter %(min)s to %(max)s days."),
            ),
        ],
    )
    working_days = BooleanField(_l("Count working days only (skip weekends and holidays)"))

    def __init__(self, *args, admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = [o for o in organisations_for(admin) if o.mediates] if admin else []
        self.organisation.choices = [SelectChoice("", _l("Every organisation"))] + [
            SelectChoice(o.id, o.name) for o in orgs
        ]
        self.source.choices = [SelectChoice("", _l("Every source"))] + [
            SelectChoice(s.value, s.label) for s in Source
        ]

    def source_value(self) -> Source | None:
        return Source(self.source.data) if self.source.data else None


def _organisation(form: TimeLimitRuleForm) -> Organisation | None:
    return db.session.get(Organisation, form.organisation.data) if form.organisation.data else None


def _load_rule(rule_id: int) -> TimeLimitRule:
    rule = time_limits.get_rule_for(current_user, rule_id)
    if rule is None:
        abort(404)
    return rule


def _save(form: TimeLimitRuleForm, rule: TimeLimitRule | None):
    """Validate and save; the redirect on success, else None (errors are on the form)."""
    if not form.validate_on_submit():
        return None
    error = run_action(
        lambda: time_limits.save_rule(
            current_user,
            rule,
            organisation=_organisation(form),
            source=form.source_value(),
            days=form.days.data,
            working_days=form.working_days.data,
        )
    )
    if error is None:
        flash(
            _("Time-limit rule saved. It applies to cases whose clock starts from now on."),
            "success",
        )
        return redirect_303(url_for("admin.time_limits"))
    attach_error(form, error, unplaced="flash")
    return None


@bp.route("/time-limits", methods=["GET", "POST"], endpoint="time_limits")
def time_limits_page():
    """The time-limit rules in the admin's region, and a form to add one (admin)."""
    form = TimeLimitRuleForm(
        admin=current_user,
        data={"days": 30},
        formdata=request.form if request.method == "POST" else None,
    )
    if request.method == "POST" and (done := _save(form, None)) is not None:
        return done
    stmt = (
        sa.select(TimeLimitRule)
        .where(time_limits.rule_scope(current_user))
        .options(joinedload(TimeLimitRule.organisation))
    )
    page = keyset_page(
        stmt,
        [TimeLimitRule.id],
        [int],
        request.args.get("after"),
        current_app.config["PAGE_SIZE"],
        key=lambda r: [r.id],
    )
    return render_template(
        "admin/time_limits.html",
        rules=page,
        form=form,
        editing=None,
        may_set_global=time_limits.may_set_global(current_user),
        may_change=lambda r: time_limits.may_change(current_user, r),
        default_days=current_app.config["DEFAULT_TIME_LIMIT_DAYS"],
    )


@bp.route("/time-limits/<int:rule_id>", methods=["GET", "POST"])
def edit_time_limit(rule_id: int):
    """Change one time-limit rule (admin; a rule for every organisation: city admin only)."""
    rule = _load_rule(rule_id)
    if not time_limits.may_change(current_user, rule):
        abort(403)
    if request.method == "POST":
        form = TimeLimitRuleForm(admin=current_user)
        if (done := _save(form, rule)) is not None:
            return done
    else:
        form = TimeLimitRuleForm(
            admin=current_user,
            formdata=None,
            data={
                "organisation": rule.organisation_id,
                "source": rule.source.value if rule.source else "",
                "days": rule.days,
                "working_days": rule.working_days,
            },
        )
    return render_template(
        "admin/time_limits.html",
        rules=None,
        form=form,
        editing=rule,
        may_set_global=time_limits.may_set_global(current_user),
    )


@bp.route("/time-limits/<int:rule_id>/delete", methods=["POST"])
def delete_time_limit(rule_id: int):
    """Delete one time-limit rule (admin; a rule for every organisation: city admin only)."""
    rule = _load_rule(rule_id)
    if not time_limits.may_change(current_user, rule):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    error = run_action(lambda: time_limits.delete_rule(current_user, rule))
    if error is not None:
        flash(str(error.message), "error")
    else:
        flash(_("Time-limit rule deleted. Cases already running keep their deadline."), "success")
    return redirect_303(url_for("admin.time_limits"))
