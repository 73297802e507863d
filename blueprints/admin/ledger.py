"""Importing an old case ledger (台账) from an XLSX or CSV file (administrators)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import SubmitField

from blueprints.actions import attach_error
from blueprints.admin import bp
from blueprints.forms import TrimmedForm
from domain.errors import DomainError
from domain.ledger.columns import COLUMNS
from domain.ledger.export import language
from domain.ledger.importing import MAX_WEB_ROWS, import_ledger
from domain.ledger.reading import LedgerRefused, read_ledger
from extensions import db

MAX_UPLOAD = 10 * 1024 * 1024
# The columns a row cannot do without (the others may be left empty where they do not apply).
REQUIRED = ("number", "registered_on", "source", "type_code", "region_code")


class LedgerImportForm(TrimmedForm):
    file = FileField(_l("Ledger file (XLSX or CSV)"))
    check = SubmitField(_l("Check the file only"))
    submit = SubmitField(_l("Import"))


def _read_upload(form: LedgerImportForm) -> bytes | None:
    """The uploaded bytes, or None with the reason beside the field."""
    upload = form.file.data
    raw = upload.read(MAX_UPLOAD + 1) if upload else b""
    if not raw:
        form.file.errors = [_("Choose an XLSX or CSV file.")]
    elif len(raw) > MAX_UPLOAD:
        form.file.errors = [_("The file is larger than 10 MB: split it in parts.")]
    else:
        return raw
    return None


@bp.route("/ledger/import", methods=["GET", "POST"])
def import_ledger_page():
    """Import the cases of a ledger file, all or none, with a report of every rejected row
    (admin); "check only" reports without importing."""
    form = LedgerImportForm()
    refused = result = None
    checked = False
    if form.validate_on_submit() and (raw := _read_upload(form)) is not None:
        checked = bool(form.check.data)
        try:
            sheet = read_ledger(raw, MAX_WEB_ROWS)
            result = import_ledger(
                sheet,
                current_user,
                via="web",
                file_format="xlsx" if raw.startswith(b"PK") else "csv",
                raw=raw,
            )
        except LedgerRefused as error:
            db.session.rollback()
            refused = error
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            if checked:
                db.session.rollback()
            else:
                db.session.commit()
    return render_template(
        "admin/ledger_import.html",
        form=form,
        refused=refused,
        result=result,
        checked=checked,
        columns=COLUMNS,
        required=REQUIRED,
        lang=language(),
        max_rows=MAX_WEB_ROWS,
    )
