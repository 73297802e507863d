"""The holiday schedule: view a year's holidays and make-up working days, add, change and delete
a day, and import a year from a CSV file. Any administrator (the schedule is the State
Council's, the same everywhere); the admin blueprint is guarded. Every change recomputes the
deadlines of open working-day cases (domain.holidays)."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from blueprints.actions import attach_error, run_action
from blueprints.admin import bp
from blueprints.forms import TrimmedForm, enum_choices
from blueprints.htmx import redirect_303
from domain import holidays
from domain.calendar import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, local_today
from domain.errors import StaleCase
from models import Holiday, HolidayKind


class HolidayForm(TrimmedForm):
    day = DateField(
        _l("Date"),
        validators=[InputRequired(_l("Enter the date, for example 2027-01-01."))],
    )
    kind = RadioField(
        _l("Kind"),
        choices=enum_choices(HolidayKind),
        validators=[InputRequired(_l("Choose holiday or make-up working day."))],
    )
    name = StringField(
        _l("Name of the holiday"),
        validators=[Length(max=holidays.MAX_NAME)],
        render_kw={"maxlength": holidays.MAX_NAME},
    )


class HolidayEditForm(TrimmedForm):
    kind = RadioField(
        _l("Kind"),
        choices=enum_choices(HolidayKind),
        validators=[InputRequired(_l("Choose holiday or make-up working day."))],
    )
    name = StringField(
        _l("Name of the holiday"),
        validators=[Length(max=holidays.MAX_NAME)],
        render_kw={"maxlength": holidays.MAX_NAME},
    )
    # The day's version when the form was loaded (optimistic lock).
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class HolidayDeleteForm(TrimmedForm):
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class HolidayFileForm(TrimmedForm):
    file = FileField(_l("Schedule file (CSV)"))


def _year() -> int:
    """The year asked for (?year=), else this year; a year out of range answers 404."""
    raw = request.args.get("year", "")
    if not raw:
        return local_today().year
    if not raw.isascii() or not raw.isdigit() or len(raw) != 4:
        abort(404)
    year = int(raw)
    if not holidays.FIRST_YEAR <= year <= holidays.LAST_YEAR:
        abort(404)
    return year


def _load(entry_id: int) -> Holiday:
    row = holidays.get_entry(entry_id)
    if row is None:
        abort(404)
    return row


def _moved_message(done: str, moved: list) -> str:
    if not moved:
        return done + " " + _("No open case's deadline moved.")
    numbers = ", ".join(m.case.number for m in moved[:10])
    more = "…" if len(moved) > 10 else ""
    return (
        done
        + " "
        + ngettext(
            "The deadline of %(num)s open case moved (%(numbers)s); the move is on its timeline.",
            "The deadlines of %(num)s open cases moved (%(numbers)s); each move is on the "
            "case's timeline.",
            len(moved),
            numbers=numbers + more,
        )
    )


def _page(year: int, *, form=None, file_form=None, status=200):
    today = local_today()
    years = sorted({*holidays.entered_years(), today.year, today.year + 1, year})
    return (
        render_template(
            "admin/holidays.html",
            year=year,
            years=years,
            status=holidays.year_status(year),
            rows=holidays.entries_for_year(year),
            form=form or HolidayForm(formdata=None, data={"kind": HolidayKind.HOLIDAY.value}),
            file_form=file_form or HolidayFileForm(formdata=None),
            delete_form=HolidayDeleteForm(formdata=None),
            missing=holidays.missing_years(current_user),
            package_years=(PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR),
        ),
        status,
    )


@bp.route("/holidays", methods=["GET"])
def holidays_page():
    """A year's holidays and make-up working days, and the forms to add a day or import a
    file (admin)."""
    return _page(_year())


@bp.route("/holidays", methods=["POST"])
def add_holiday():
    """Add one day to the schedule (admin)."""
    form = HolidayForm()
    year = _year()
    if not form.validate_on_submit():
        return _page(year, form=form)
    added: list = []
    error = run_action(
        lambda: added.append(
            holidays.add_entry(
                current_user,
                holidays.Entry(form.day.data, HolidayKind(form.kind.data), form.name.data or ""),
            )
        )
    )
    if error is not None:
        if isinstance(error, StaleCase):
            error = holidays.StaleHoliday()
        attach_error(form, error)
        return _page(year, form=form)
    row, moved = added[0]
    flash(_moved_message(_("%(day)s added.", day=row.day.isoformat()), moved), "success")
    return redirect_303(url_for("admin.holidays_page", year=row.day.year))


@bp.route("/holidays/import", methods=["POST"])
def import_holidays():
    """Import a CSV file: each year in it replaces that year's entries; a malformed line
    refuses the whole file (admin)."""
    form = HolidayFileForm()
    year = _year()
    if not form.validate_on_submit():
        return _page(year, file_form=form)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors = [_("Choose a CSV file.")]
        return _page(year, file_form=form)
    data = upload.stream.read(holidays.MAX_FILE_BYTES + 1)
    done: list = []
    error = run_action(
        lambda: done.append(
            holidays.import_schedule(current_user, holidays.parse_csv(data), via="page")
        )
    )
    if error is not None:
        if isinstance(error, StaleCase):
            error = holidays.StaleHoliday()
        attach_error(form, error if error.field else holidays.ScheduleRefused(error.message))
        return _page(year, file_form=form)
    outcome = done[0]
    years = ", ".join(str(y) for y in outcome.years)
    message = ngettext(
        "%(num)s day imported for %(years)s.",
        "%(num)s days imported for %(years)s.",
        outcome.entries,
        years=years,
    )
    flash(_moved_message(message, outcome.moved), "success")
    return redirect_303(url_for("admin.holidays_page", year=outcome.years[0]))


@bp.route("/holidays/<int:entry_id>", methods=["GET", "POST"])
def edit_holiday(entry_id: int):
    """Change the kind or name of one day (admin; to move a date, delete it and add another)."""
    row = _load(entry_id)
    if request.method == "POST":
        form = HolidayEditForm()
        if form.validate_on_submit():
            moved: list = []
            error = run_action(
                lambda: moved.extend(
                    holidays.change_entry(
                        current_user,
                        row,
                        kind=HolidayKind(form.kind.data),
                        name=form.name.data,
                        version=form.version.data,
                    )
                )
            )
            if error is None:
                flash(
                    _moved_message(_("%(day)s saved.", day=row.day.isoformat()), moved), "success"
                )
                return redirect_303(url_for("admin.holidays_page", year=row.day.year))
            row = _load(entry_id)  # as it is now, after the rollback
            if isinstance(error, StaleCase | holidays.StaleHoliday):
                # Keep what was typed; saving again (against the version now shown) overwrites.
                form.version.data, form.version.raw_data = row.version, [str(row.version)]
                error = holidays.StaleHoliday()
            attach_error(form, error)
    else:
        form = HolidayEditForm(
            formdata=None,
            data={"kind": row.kind.value, "name": row.name, "version": row.version},
        )
    return render_template("admin/holiday_form.html", row=row, form=form)


@bp.route("/holidays/<int:entry_id>/delete", methods=["POST"])
def delete_holiday(entry_id: int):
    """Remove one day from the schedule (admin)."""
    row = _load(entry_id)
    year, day = row.day.year, row.day.isoformat()
    form = HolidayDeleteForm()
    if not form.validate_on_submit():
        abort(400)
    moved: list = []
    error = run_action(
        lambda: moved.extend(holidays.delete_entry(current_user, row, version=form.version.data))
    )
    if isinstance(error, StaleCase | holidays.StaleHoliday):
        flash(str(holidays.StaleHoliday.message), "error")
    elif error is not None:
        flash(str(error.message), "error")
    else:
        flash(_moved_message(_("%(day)s removed from the schedule.", day=day), moved), "success")
    return redirect_303(url_for("admin.holidays_page", year=year))
