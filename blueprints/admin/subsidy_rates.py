"""Subsidy rates (以案定补): the amount per case by source, dispute type and difficulty. Every
administrator sees them; the city administrator sets them (domain.subsidies.may_change)."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, DecimalField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange, StopValidation

from blueprints.actions import attach_error, run_action
from blueprints.admin import bp
from blueprints.auth.forms import EmptyForm
from blueprints.forms import TrimmedForm, optional_str
from blueprints.htmx import redirect_303
from domain import subsidies
from models import SubsidyRate
from models.enums import DisputeType, Source
from models.subsidy import Difficulty


def _finite(form, field) -> None:  # noqa: ARG001
    """NaN and infinity are decimals too, and cannot be compared: refuse them first."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Enter the amount in yuan."))


def _any(label, enum_cls):
    return [SelectChoice("", label)] + [SelectChoice(m.value, m.label) for m in enum_cls]


class SubsidyRateForm(TrimmedForm):
    source = SelectField(_l("Case source"), coerce=optional_str)
    dispute_type = SelectField(_l("Type of dispute"), coerce=optional_str)
    difficulty = SelectField(_l("Difficulty"), coerce=optional_str)
    amount = DecimalField(
        _l("Amount per case, yuan"),
        places=2,
        validators=[
            InputRequired(_l("Enter the amount in yuan.")),
            _finite,
            NumberRange(
                min=0,
                max=subsidies.MAX_AMOUNT,
                message=_l("Enter an amount from %(min)s to %(max)s yuan."),
            ),
        ],
    )
    any_outcome = BooleanField(_l("Pay for any ending of mediation, not only an agreement"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = _any(_l("Every source"), Source)
        self.dispute_type.choices = _any(_l("Every type"), DisputeType)
        self.difficulty.choices = _any(_l("Every difficulty"), Difficulty)

    def data_for_domain(self) -> subsidies.RateData:
        return subsidies.RateData(
            source=Source(self.source.data) if self.source.data else None,
            dispute_type=DisputeType(self.dispute_type.data) if self.dispute_type.data else None,
            difficulty=Difficulty(self.difficulty.data) if self.difficulty.data else None,
            amount=self.amount.data,
            any_outcome=bool(self.any_outcome.data),
        )


def _load(rate_id: int) -> SubsidyRate:
    rate = subsidies.get_rate(rate_id)
    if rate is None:
        abort(404)
    return rate


def _save(form: SubsidyRateForm, rate: SubsidyRate | None):
    """Validate and save; the redirect on success, else None (errors are on the form)."""
    if not form.validate_on_submit():
        return None
    error = run_action(lambda: subsidies.save_rate(current_user, rate, form.data_for_domain()))
    if error is None:
        flash(_("Subsidy rate saved. It applies to every period shown from now on."), "success")
        return redirect_303(url_for("admin.subsidy_rates"))
    attach_error(form, error, unplaced="flash")
    return None


def _page(form: SubsidyRateForm, editing: SubsidyRate | None, status: int = 200):
    return (
        render_template(
            "admin/subsidy_rates.html",
            rates=subsidies.all_rates() if editing is None else None,
            form=form,
            editing=editing,
            may_change=subsidies.may_change(current_user),
            describe=subsidies.describe,
            rule=subsidies.rule_text(),
        ),
        status,
    )


@bp.route("/subsidy-rates", methods=["GET", "POST"])
def subsidy_rates():
    """The rates, the most specific first, and a form to add one (admin)."""
    form = SubsidyRateForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if not subsidies.may_change(current_user):
            abort(403)
        if (done := _save(form, None)) is not None:
            return done
    return _page(form, None)


@bp.route("/subsidy-rates/<int:rate_id>", methods=["GET", "POST"])
def edit_subsidy_rate(rate_id: int):
    """Change one rate (the city administrator)."""
    rate = _load(rate_id)
    if not subsidies.may_change(current_user):
        abort(403)
    if request.method == "POST":
        form = SubsidyRateForm()
        if (done := _save(form, rate)) is not None:
            return done
    else:
        form = SubsidyRateForm(
            formdata=None,
            data={
                "source": rate.source.value if rate.source else "",
                "dispute_type": rate.dispute_type.value if rate.dispute_type else "",
                "difficulty": rate.difficulty.value if rate.difficulty else "",
                "amount": rate.amount,
                "any_outcome": rate.any_outcome,
            },
        )
    return _page(form, rate)


@bp.route("/subsidy-rates/<int:rate_id>/delete", methods=["POST"])
def delete_subsidy_rate(rate_id: int):
    """Delete one rate (the city administrator)."""
    rate = _load(rate_id)
    if not subsidies.may_change(current_user):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    error = run_action(lambda: subsidies.delete_rate(current_user, rate))
    if error is not None:
        flash(str(error.message), "error")
    else:
        flash(_("Subsidy rate deleted."), "success")
    return redirect_303(url_for("admin.subsidy_rates"))
