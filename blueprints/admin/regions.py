"""Regions: the administrator's part of the tree, one region at a time (its place above, the
regions under it, what each holds), villages, communities and groups added one by one or from a
CSV file, names corrected, and a region added by mistake removed while nothing refers to it.
Admin only (the admin blueprint is guarded); an administrator manages the regions inside their
own organisation's region."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import IntegerField, SearchField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from blueprints.actions import attach_error, run_action
from blueprints.admin import bp
from blueprints.auth.forms import EmptyForm
from blueprints.forms import TrimmedForm
from blueprints.htmx import redirect_303, render
from domain import regions
from domain.errors import StaleCase
from models import Region
from models.enums import RegionLevel

MAX_UPLOAD = 2 * 1024 * 1024


class RegionSearchForm(TrimmedForm):
    """Find a region by name or code (GET, no CSRF)."""

    class Meta(TrimmedForm.Meta):
        csrf = False

    q = SearchField(_l("Find a region by name or code"), validators=[Optional(), Length(max=64)])


class NewRegionForm(TrimmedForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(_l("Enter the code.")), Length(max=32)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )
    name = StringField(
        _l("Region name"),
        validators=[InputRequired(_l("Enter the name.")), Length(max=regions.MAX_NAME)],
    )


class RenameRegionForm(TrimmedForm):
    name = StringField(
        _l("Region name"),
        validators=[InputRequired(_l("Enter the name.")), Length(max=regions.MAX_NAME)],
    )
    # The region's version when the form was loaded (optimistic lock).
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class ImportRegionsForm(TrimmedForm):
    file = FileField(_l("CSV file"))


def _load(code: str) -> Region:
    region = regions.get_region_for(current_user, code)
    if region is None:
        abort(404)
    return region


def _add_label(level: RegionLevel | None):
    return {
        RegionLevel.TOWNSHIP: _l("Add a township or street"),
        RegionLevel.VILLAGE: _l("Add a village or community"),
        RegionLevel.GROUP: _l("Add a group"),
    }.get(level)


@bp.route("/regions", endpoint="regions")
def regions_home():
    """The administrator's own region, or the regions found by name or code."""
    return region_page(regions.admin_code(current_user))


@bp.route("/regions/<code>", endpoint="region")
def region_page(code: str):
    """One region: where it sits, the regions under it and what they hold (admin)."""
    region = _load(code)
    search = RegionSearchForm(request.args)
    found = None
    if search.q.data and search.validate():
        found = regions.search_regions(current_user, search.q.data)
    own = region.code == regions.admin_code(current_user)
    return render(
        "admin/regions.html",
        "admin/partials/region_found.html",
        targets=("region-found",),
        region=region,
        above=regions.ancestors(region),
        children=regions.children_of(region),
        uses=regions.uses(region),
        child_level=regions.child_level(region),
        add_label=_add_label(regions.child_level(region)),
        own=own,
        search=search,
        found=found,
        national=region.level in (RegionLevel.CITY, RegionLevel.COUNTY),
    )


@bp.route("/regions/<code>/new", methods=["GET", "POST"])
def new_region(code: str):
    """Add a township, village/community or group under a region (admin)."""
    parent = _load(code)
    level = regions.child_level(parent)
    if level is None:
        abort(404)
    form = NewRegionForm()
    if form.validate_on_submit():
        made: list[Region] = []
        error = run_action(
            lambda: made.append(
                regions.add_region(
                    current_user,
                    parent,
                    regions.RegionData(code=form.code.data, name=form.name.data),
                )
            )
        )
        if error is None:
            region = made[0]
            flash(_("%(name)s (%(code)s) added.", name=region.name, code=region.code), "success")
            if request.form.get("again"):
                return redirect_303(url_for("admin.new_region", code=parent.code))
            return redirect_303(
                url_for("admin.region", code=parent.code) + f"#region-{region.code}"
            )
        attach_error(form, error)
    return render_template(
        "admin/region_form.html",
        parent=parent,
        level=level,
        form=form,
        digits=regions.DIGITS[level],
        example=parent.code + ("201" if level == RegionLevel.VILLAGE else "001"),
        title=_add_label(level),
    )


@bp.route("/regions/<code>/edit", methods=["GET", "POST"])
def edit_region(code: str):
    """Correct a region's name (admin). The code never changes: cases carry it."""
    region = _load(code)
    if region.code == regions.admin_code(current_user):
        abort(404)  # the administrator's own region is managed above them
    current_name = region.name
    if request.method == "POST":
        form = RenameRegionForm()
        if form.validate_on_submit():
            error = run_action(
                lambda: regions.rename_region(
                    current_user, region, form.name.data, version=form.version.data
                )
            )
            if error is None:
                flash(_("Name saved."), "success")
                return redirect_303(url_for("admin.region", code=region.code))
            if isinstance(error, StaleCase | regions.StaleRegion):
                # Keep what was typed; saving again (against the version now shown) overwrites.
                form.version.data, form.version.raw_data = region.version, [str(region.version)]
                form.form_errors.append(regions.StaleRegion.message)
                current_name = region.name
            else:
                attach_error(form, error)
    else:
        form = RenameRegionForm(
            formdata=None, data={"name": region.name, "version": region.version}
        )
    stale = regions.StaleRegion.message in form.form_errors
    return render_template(
        "admin/region_edit.html", region=region, form=form, current_name=current_name, stale=stale
    )


@bp.route("/regions/<code>/delete", methods=["POST"])
def delete_region(code: str):
    """Remove a region nothing refers to (admin)."""
    region = _load(code)
    if not EmptyForm().validate_on_submit():
        abort(400)
    parent_code = region.code[: regions.PARENT_DIGITS.get(len(region.code), 0)] or region.code
    name, removed = region.name, region.code
    error = run_action(lambda: regions.delete_region(current_user, region))
    if error is not None:
        flash(str(error.message), "error")
        return redirect_303(url_for("admin.region", code=removed))
    flash(_("%(name)s (%(code)s) removed.", name=name, code=removed), "success")
    return redirect_303(url_for("admin.region", code=parent_code))


@bp.route("/regions/import", methods=["GET", "POST"])
def import_regions():
    """Add villages, communities and groups from a CSV file; one bad line refuses the whole
    file, with its line number (admin)."""
    form = ImportRegionsForm()
    refused = None
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_UPLOAD + 1) if upload else b""
        text = regions.decode_upload(raw) if raw else None
        if not raw:
            form.file.errors = [_("Choose a CSV file.")]
        elif len(raw) > MAX_UPLOAD:
            form.file.errors = [_("The file is larger than 2 MB: split it in parts.")]
        elif text is None:
            form.file.errors = [_("The file is not a text CSV file (UTF-8 or GB 18030).")]
        else:
            done: list[regions.ImportResult] = []
            error = run_action(lambda: done.append(regions.import_regions(current_user, text)))
            if error is None:
                result = done[0]
                flash(
                    _(
                        "Imported: %(created)s regions added, %(present)s already present.",
                        created=result.total_created,
                        present=result.present,
                    ),
                    "success",
                )
                return redirect_303(url_for("admin.regions"))
            if isinstance(error, regions.ImportRefused):
                refused = error
            else:
                attach_error(form, error)
    return render_template(
        "admin/region_import.html",
        form=form,
        refused=refused,
        header=",".join(regions.IMPORT_HEADER),
        township=regions.sample_township(current_user),
        max_lines=regions.MAX_IMPORT_LINES,
    )
