"""Organisations: list (by name, kind, status and region), create, edit, deactivate and
reactivate the centres, committees, rooms, studios and partner bodies inside the
administrator's region. Admin only (the admin blueprint is guarded)."""

from __future__ import annotations

from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, SearchField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from blueprints.actions import attach_error, run_action
from blueprints.admin import bp
from blueprints.forms import ChoiceField, TrimmedForm, enum_choices
from blueprints.htmx import redirect_303, render
from blueprints.pagination import keyset_page
from domain import organisations as orgs
from domain import regions
from domain.errors import StaleCase
from extensions import db
from models import Organisation, Region
from models.enums import DisputeType, OrgKind, RegionLevel

STATUSES = ("active", "inactive")


class OrgFilterForm(TrimmedForm):
    """Filters of the organisation list (GET, no CSRF)."""

    class Meta(TrimmedForm.Meta):
        csrf = False

    q = SearchField(_l("Name contains"), validators=[Optional(), Length(max=64)])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    region = StringField(validators=[Optional(), Length(max=15)], widget=HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = enum_choices(OrgKind, blank=_l("Any kind"))
        self.status.choices = [
            ("", _l("Active and deactivated")),
            ("active", _l("Active")),
            ("inactive", _l("Deactivated")),
        ]


class OrgForm(TrimmedForm):
    name = StringField(
        _l("Name of the organisation"),
        validators=[InputRequired(_l("Enter the organisation's name.")), Length(max=128)],
    )
    kind = ChoiceField(
        _l("Kind"), validators=[InputRequired(_l("Choose the kind of organisation."))]
    )
    region_code = StringField(
        _l("Region code"),
        validators=[InputRequired(_l("Enter the region's code.")), Length(max=32)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )
    # Check boxes rather than a multi-select: no Ctrl-click, and usable on a phone.
    dispute_types = SelectMultipleField(
        _l("Dispute types it takes (industry committees)"),
        choices=lambda: enum_choices(DisputeType),
        validate_choice=True,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    address = StringField(_l("Office address"), validators=[Optional(), Length(max=256)])
    file_prefix = StringField(
        _l("Short name in file numbers"), validators=[Optional(), Length(max=32)]
    )
    committee = StringField(
        _l("People's mediation committee it mediates under"),
        validators=[Optional(), Length(max=orgs.MAX_NAME)],
        render_kw={"autocomplete": "off", "list": "committee-names"},
    )
    # The organisation's version when the form was loaded (optimistic lock; empty when new).
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = enum_choices(OrgKind, blank=_l("Choose the kind"))

    def values(self) -> orgs.OrgData:
        return orgs.OrgData(
            name=self.name.data or "",
            kind=OrgKind(self.kind.data) if self.kind.data in OrgKind._value2member_map_ else None,
            region_code=self.region_code.data or "",
            dispute_types=list(self.dispute_types.data or []),
            phone=self.phone.data,
            address=self.address.data,
            file_prefix=self.file_prefix.data,
            committee=self.committee.data,
        )


class ActiveForm(TrimmedForm):
    """Deactivate or reactivate, with the version of the page it was pressed on."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


def _load(org_id: int) -> Organisation:
    org = orgs.get_organisation_for(current_user, org_id)
    if org is None:
        abort(404)
    return org


def _region_named(code: str | None) -> Region | None:
    code = regions.normalise_code(code)
    return regions.get_region_for(current_user, code) if code else None


@bp.route("/organisations")
def organisations():
    """The organisations inside the admin's region, by name, filtered (admin)."""
    form = OrgFilterForm(request.args)
    form.validate()
    kind = form.kind.data if not form.kind.errors else None
    status = form.status.data if not form.status.errors else None
    region = _region_named(form.region.data) if not form.region.errors else None
    stmt = orgs.organisations_stmt(
        current_user,
        search=form.q.data if not form.q.errors else None,
        kind=OrgKind(kind) if kind else None,
        active={"active": True, "inactive": False}.get(status or ""),
        region_code=region.code if region else None,
    )
    page = keyset_page(
        stmt,
        [Organisation.name, Organisation.id],
        [str, int],
        request.args.get("after"),
        current_app.config["PAGE_SIZE"],
        key=lambda o: [o.name, o.id],
    )
    return render(
        "admin/organisations.html",
        "admin/partials/organisation_rows.html",
        targets=("org-results",),
        form=form,
        results=page,
        region=region,
    )


def _form_page(form: OrgForm, org: Organisation | None, **context):
    # The region typed, named beside the field (also when it does not suit the kind).
    region = _region_named(form.region_code.data) if form.region_code.data else None
    context.setdefault("stale", orgs.StaleOrganisation.message in form.form_errors)
    return render_template(
        "admin/organisation_form.html",
        form=form,
        org=org,
        region=region,
        region_path=region.full_name(RegionLevel.CITY) if region else None,
        committee_names=orgs.committees_to_suggest(current_user),
        **context,
    )


def _save(form: OrgForm, org: Organisation | None):
    """Validate and save; the redirect on success, else None (errors are on the form)."""
    form_ok = form.validate_on_submit()
    csrf = getattr(form, "csrf_token", None)
    if csrf is not None and csrf.errors:
        return None
    # The domain's checks too, beside the fields the form found nothing wrong with.
    values = form.values()
    problems = orgs.check(values, org, current_user)
    if org is not None and form.version.data is not None and form.version.data != org.version:
        problems = {}  # said once, at the top, with the typed values kept
    for key, message in problems.items():
        if key in form and not form[key].errors:
            form[key].errors = [*form[key].errors, message]
    if not form_ok or problems:
        return None
    saved: list[Organisation] = []
    if org is None:
        error = run_action(lambda: saved.append(orgs.create_organisation(current_user, values)))
    else:
        error = run_action(
            lambda: orgs.update_organisation(current_user, org, values, version=form.version.data)
        )
        saved.append(org)
    if isinstance(error, StaleCase | orgs.StaleOrganisation) and org is not None:
        # Keep what was typed; saving again (against the version now shown) overwrites.
        db.session.refresh(org)
        form.version.data, form.version.raw_data = org.version, [str(org.version)]
        form.form_errors.append(orgs.StaleOrganisation.message)
        return None
    if error is not None:
        attach_error(form, error)
        return None
    flash(_("%(name)s saved.", name=saved[0].name), "success")
    return redirect_303(url_for("admin.edit_organisation", org_id=saved[0].id))


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    """Create an organisation (admin); ?region=CODE and ?kind= fill the form in."""
    if request.method == "POST":
        form = OrgForm()
        if (done := _save(form, None)) is not None:
            return done
    else:
        region = _region_named(request.args.get("region"))
        kind = request.args.get("kind")
        form = OrgForm(
            formdata=None,
            data={
                "region_code": region.code if region else "",
                "kind": kind if kind in OrgKind._value2member_map_ else "",
            },
        )
    return _form_page(form, None)


def _status_context(org: Organisation) -> dict:
    return {
        "work": orgs.count_open(org),
        "open_cases": orgs.open_cases(org),
        "ties": orgs.ties(org),
        "active_form": ActiveForm(formdata=None, data={"version": org.version}),
    }


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
def edit_organisation(org_id: int):
    """Change an organisation; its status and open cases (admin)."""
    org = _load(org_id)
    if request.method == "POST":
        form = OrgForm()
        if (done := _save(form, org)) is not None:
            return done
        if form.form_errors:  # stale: show the organisation as it is now beside the form
            db.session.refresh(org)
    else:
        form = OrgForm(
            formdata=None,
            data={
                "name": org.name,
                "kind": org.kind.value,
                "region_code": org.region.code,
                "dispute_types": list(org.dispute_types or []),
                "phone": org.phone,
                "address": org.address,
                "file_prefix": org.file_prefix,
                "committee": org.committee.name if org.committee else "",
                "version": org.version,
            },
        )
    return _form_page(form, org, **_status_context(org))


def _set_active(org_id: int, active: bool):
    org = _load(org_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    error = run_action(
        lambda: orgs.set_active(current_user, org, active, version=form.version.data)
    )
    if isinstance(error, StaleCase | orgs.StaleOrganisation):
        flash(
            _(
                "Someone else changed this organisation meanwhile. The page shows it as it is "
                "now; please check and try again."
            ),
            "error",
        )
    elif error is not None:
        flash(str(error.message), "error")
        if isinstance(error, orgs.HasOpenCases):
            return redirect_303(url_for("admin.edit_organisation", org_id=org.id) + "#open-cases")
    elif active:
        flash(_("%(name)s is active again.", name=org.name), "success")
    else:
        flash(
            _(
                "%(name)s deactivated: it is no longer offered for dispatch, transfers, "
                "referrals or new accounts.",
                name=org.name,
            ),
            "success",
        )
    return redirect_303(url_for("admin.edit_organisation", org_id=org.id) + "#status-h")


@bp.route("/organisations/<int:org_id>/deactivate", methods=["POST"])
def deactivate_organisation(org_id: int):
    """Deactivate an organisation that handles no open case (admin)."""
    return _set_active(org_id, False)


@bp.route("/organisations/<int:org_id>/activate", methods=["POST"])
def activate_organisation(org_id: int):
    """Reactivate an organisation (admin)."""
    return _set_active(org_id, True)
