"""Routing rules: the ordered list of rules that suggests where an accepted case
goes. List, add, change, deactivate/activate, delete, move up/down, and a "try it" box that shows
which rule fires for a made-up case. Admin only (the admin blueprint is guarded); an
administrator manages the rules inside their region."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from blueprints.actions import run_action
from blueprints.admin import bp
from blueprints.auth.forms import EmptyForm
from blueprints.forms import TrimmedForm, optional_int, optional_str
from blueprints.htmx import redirect_303
from domain import routing_rules
from domain.errors import DomainError, StaleCase
from domain.ids import is_row_id
from domain.routing import CaseProbe, ConditionText, suggest_organisation, target_text
from extensions import db
from models import Organisation, RoutingRule
from models.enums import DisputeType, RiskLevel, RoutingLevel


def _region_label(region) -> str:
    indent = {4: "", 6: "", 9: "· ", 12: "· · "}.get(len(region.code), "· · · ")
    return f"{indent}{region.name} ({region.code})"


class RoutingRuleForm(TrimmedForm):
    name = StringField(_l("Name of the rule"), render_kw={"maxlength": 128})
    scope_code = SelectField(_l("Applies in"))
    dispute_types = SelectMultipleField(_l("Dispute types"))
    place_code = SelectField(_l("Place"), coerce=optional_str)
    cross_region = BooleanField(_l("Only disputes that cross villages, townships or counties"))
    min_parties = IntegerField(_l("At least this many parties"), validators=[Optional()])
    min_amount = DecimalField(
        _l("Amount at least (yuan)"),
        places=2,
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=routing_rules.MAX_AMOUNT,
                message=_l("Enter an amount of 0 or more (or leave it empty)."),
            ),
        ],
    )
    risk_levels = SelectMultipleField(_l("Risk levels"))
    target_org = SelectField(_l("Send to this organisation"), coerce=optional_int)
    target_level = SelectField(_l("Or send to a level"), coerce=optional_str)
    active = BooleanField(_l("Active"), default=True)
    # The rule's version when the form was loaded (optimistic lock; empty for a new rule).
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def __init__(self, *args, admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        scopes = routing_rules.regions_for(admin, max_len=9)
        places = routing_rules.regions_for(admin, max_len=12)
        self.scope_code.choices = [SelectChoice(r.code, _region_label(r)) for r in scopes]
        self.place_code.choices = [SelectChoice("", _l("Any place"))] + [
            SelectChoice(r.code, _region_label(r)) for r in places
        ]
        self.dispute_types.choices = [SelectChoice(t.value, t.label) for t in DisputeType]
        self.risk_levels.choices = [
            SelectChoice(r.value, r.label) for r in RiskLevel if r != RiskLevel.NONE
        ]
        self.target_org.choices = [SelectChoice("", _l("None: send to a level"))] + [
            SelectChoice(o.id, o.name) for o in routing_rules.target_orgs_for(admin)
        ]
        self.target_level.choices = [SelectChoice("", _l("None: send to the organisation"))] + [
            SelectChoice(lv.value, lv.label) for lv in RoutingLevel
        ]

    def values(self) -> routing_rules.RuleValues:
        # Only an organisation of the list is looked up (a forged or huge id is not).
        offered = {c.value for c in self.target_org.choices}
        org = (
            db.session.get(Organisation, self.target_org.data)
            if self.target_org.data in offered and is_row_id(self.target_org.data)
            else None
        )
        return routing_rules.RuleValues(
            name=self.name.data or "",
            scope_code=self.scope_code.data or "",
            dispute_types=list(self.dispute_types.data or []),
            place_code=self.place_code.data,
            cross_region=bool(self.cross_region.data),
            min_parties=self.min_parties.data,
            min_amount=self.min_amount.data,
            risk_levels=list(self.risk_levels.data or []),
            target_org=org,
            target_level=(
                RoutingLevel(self.target_level.data)
                if self.target_level.data in RoutingLevel._value2member_map_
                else None
            ),
            active=bool(self.active.data),
        )


class TryForm(TrimmedForm):
    """The "try it" box: a made-up case (codes only, no personal data), sent by GET."""

    class Meta(TrimmedForm.Meta):
        csrf = False

    dispute_type = SelectField(_l("Dispute type"))
    place = SelectField(_l("Place"), validators=[InputRequired(_l("Choose a place."))])
    amount = DecimalField(
        _l("Amount (yuan)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, message=_l("Enter an amount of 0 or more."))],
    )
    parties = IntegerField(
        _l("Number of parties"),
        default=2,
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message=_l("Enter 1 or more parties.")),
        ],
    )
    risk = SelectField(_l("Risk level"))
    cross_region = BooleanField(_l("Crosses villages, townships or counties"))

    def __init__(self, *args, admin=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dispute_type.choices = [SelectChoice(t.value, t.label) for t in DisputeType]
        self.place.choices = [SelectChoice("", _l("Choose a place"))] + [
            SelectChoice(r.code, _region_label(r))
            for r in routing_rules.regions_for(admin, max_len=12)
            if len(r.code) >= 6
        ]
        self.risk.choices = [SelectChoice(r.value, r.label) for r in RiskLevel]

    def probe(self) -> CaseProbe:
        return CaseProbe(
            region_code=self.place.data,
            dispute_type=DisputeType(self.dispute_type.data),
            amount=self.amount.data,
            risk_level=RiskLevel(self.risk.data),
            cross_region=bool(self.cross_region.data),
            party_count=self.parties.data if self.parties.data is not None else 2,
        )


def _load_rule(rule_id: int) -> RoutingRule:
    rule = routing_rules.get_rule_for(current_user, rule_id)
    if rule is None:
        abort(404)
    return rule


def _show_errors(form: RoutingRuleForm, errors: dict) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            flash(str(message), "error")


def _save(form: RoutingRuleForm, rule: RoutingRule | None):
    """Validate and save; the redirect on success, else None (errors are on the form)."""
    form_ok = form.validate_on_submit()
    csrf = getattr(form, "csrf_token", None)
    if csrf is None or not csrf.errors:
        # The rule's own checks too, beside the fields the form found nothing wrong with.
        values = form.values()
        errors = {
            k: v
            for k, v in routing_rules.check_rule(current_user, values).items()
            if not getattr(form, k).errors
        }
        _show_errors(form, errors)
        if errors:
            return None
    if not form_ok:
        return None
    error = run_action(
        lambda: routing_rules.save_rule(current_user, rule, values, version=form.version.data)
    )
    if isinstance(error, StaleCase | routing_rules.StaleRule) and rule is not None:
        # Keep what was typed; saving again (against the version now shown) overwrites.
        form.version.data, form.version.raw_data = rule.version, [str(rule.version)]
        form.form_errors.append(routing_rules.StaleRule.message)
        return None
    if error is not None:
        _show_errors(form, {error.field or "": error.message})
        return None
    flash(_("Routing rule saved. It applies to cases dispatched from now on."), "success")
    return redirect_303(url_for("admin.routing_rules"))


def _describe(rules: list[RoutingRule]) -> dict[int, dict]:
    names = routing_rules.region_names(
        {r.place_code for r in rules}
        | {r.scope_code for r in rules}
        | {r.scope_code[:6] for r in rules}
    )
    return {
        r.id: {
            "conditions": ConditionText(r, names),
            "target": target_text(r),
            "scope": names.get(r.scope_code, r.scope_code),
            "group": names.get(r.scope_code[:6], r.scope_code[:6]),
        }
        for r in rules
    }


@bp.route("/routing", endpoint="routing_rules")
def routing_rules_page():
    """The routing rules in the admin's region, in order, and the "try it" box (admin)."""
    rules = routing_rules.rules_for_admin(current_user)
    tried = "place" in request.args
    try_form = TryForm(
        admin=current_user,
        formdata=request.args if tried else None,
        data={"parties": 2, "risk": RiskLevel.NONE.value},
    )
    result = None
    if tried and try_form.validate():
        result = {"suggestion": suggest_organisation(try_form.probe())}
        db.session.rollback()  # nothing to keep: the box never writes
    return render_template(
        "admin/routing.html",
        rules=rules,
        described=_describe(rules),
        try_form=try_form,
        tried=tried,
        result=result,
    )


@bp.route("/routing/new", methods=["GET", "POST"])
def new_routing_rule():
    """Add a routing rule (placed last)."""
    form = RoutingRuleForm(
        admin=current_user,
        formdata=request.form if request.method == "POST" else None,
        data={"scope_code": routing_rules.admin_code(current_user), "active": True},
    )
    if request.method == "POST" and (done := _save(form, None)) is not None:
        return done
    return render_template("admin/routing_form.html", form=form, editing=None)


@bp.route("/routing/<int:rule_id>", methods=["GET", "POST"])
def edit_routing_rule(rule_id: int):
    """Change one routing rule."""
    rule = _load_rule(rule_id)
    if request.method == "POST":
        form = RoutingRuleForm(admin=current_user)
        if (done := _save(form, rule)) is not None:
            return done
    else:
        form = RoutingRuleForm(
            admin=current_user,
            formdata=None,
            data={
                "name": rule.name,
                "scope_code": rule.scope_code,
                "dispute_types": list(rule.dispute_types or []),
                "place_code": rule.place_code or "",
                "cross_region": rule.cross_region,
                "min_parties": rule.min_parties,
                "min_amount": rule.min_amount,
                "risk_levels": list(rule.risk_levels or []),
                "target_org": rule.target_org_id or "",
                "target_level": rule.target_level.value if rule.target_level else "",
                "active": rule.active,
                "version": rule.version,
            },
        )
    stale = routing_rules.StaleRule.message in form.form_errors
    return render_template(
        "admin/routing_form.html",
        form=form,
        editing=rule,
        current=_describe([rule])[rule.id] if stale else None,
    )


def _post_action(rule_id: int, fn, done_message) -> object:
    rule = _load_rule(rule_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    error: DomainError | None = run_action(lambda: fn(rule))
    if isinstance(error, StaleCase):  # another admin changed the rule at the same moment
        flash(
            _(
                "Someone else changed the rules at the same moment. The list shows them as "
                "they are now; please try again."
            ),
            "error",
        )
    elif error is not None:
        flash(str(error.message), "error")
    elif done_message:
        flash(done_message, "success")
    return redirect_303(url_for("admin.routing_rules") + f"#rule-{rule_id}-row")


@bp.route("/routing/<int:rule_id>/active", methods=["POST"])
def toggle_routing_rule(rule_id: int):
    """Deactivate or activate a rule (field `active`: 1 or 0)."""
    active = request.form.get("active") == "1"
    message = _("Rule activated.") if active else _("Rule deactivated: it is skipped.")
    return _post_action(
        rule_id, lambda r: routing_rules.set_active(current_user, r, active), message
    )


@bp.route("/routing/<int:rule_id>/move", methods=["POST"])
def move_routing_rule(rule_id: int):
    """Move a rule one place up or down (field `direction`: up or down)."""
    _load_rule(rule_id)  # 404 before 400
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    step = -1 if direction == "up" else 1
    return _post_action(rule_id, lambda r: routing_rules.move_rule(current_user, r, step), None)


@bp.route("/routing/<int:rule_id>/delete", methods=["POST"])
def delete_routing_rule(rule_id: int):
    """Delete a rule. Dispatches already made keep its id in their history."""
    return _post_action(
        rule_id, lambda r: routing_rules.delete_rule(current_user, r), _("Routing rule deleted.")
    )
