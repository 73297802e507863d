"""The case-file documents on the shared case page (the 2010 national formats): each
document that applies to the case with its versions; generate a new version, print it,
download its PDF, mark the printed copy signed (frozen), or upload a signed scan (the parties'
ID documents are upload only). Shows which mandatory documents the file still lacks.

On the `cases` blueprint because the desk keeps the file before dispatch and the committee
after: domain.documents.can_manage_documents decides who sees the panel, and
domain.permissions.may_keep_document who generates, marks signed and uploads each document;
the others see no such form. Who reads a document in full, masked, or not at all, and the
record of full views: domain/document_access.py. Document bytes are deferred: the panel never
loads them; only a download reads one version's bytes.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import abort, make_response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from sqlalchemy.orm import joinedload
from wtforms import IntegerField, StringField
from wtforms.widgets import HiddenInput

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import TrimmedForm
from blueprints.panels import Panel, panel
from domain import document_access, documents, uploads
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import can_reveal_pii, may_keep_document
from extensions import db
from models import Case, Document, User
from models.enums import DocumentKind
from models.states import CaseState

DOCUMENTS = "documents"  # the panel's name; its region is #panel-documents
UPLOAD_ONLY = {DocumentKind.ID_PROOF}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# The print view is the national format's own page: its template carries an inline <style>.
PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self'"


# ---- forms ------------------------------------------------------------------------------------


class DocumentForm(TrimmedForm):
    """Which document (kind and record) an action is about."""

    kind = StringField(_l("Document"), widget=HiddenInput())
    subject = IntegerField(_l("Record"), widget=HiddenInput(), default=0)


class UploadForm(DocumentForm):
    file = FileField(_l("File to upload (PDF, JPEG or PNG, at most 10 MB)"))


def _keyed(form, key: str):
    """Give one of the several upload forms on the page its own ids."""
    for f in form:
        f.id = f"{form._prefix}{key}-{f.short_name}"
        f.label.field_id = f.id
    return form


# ---- the panel --------------------------------------------------------------------------------


def _documents(case: Case) -> list[Document]:
    """The case's document versions with their authors, without their bytes (one query)."""
    stmt = (
        sa.select(Document)
        .where(Document.case_id == case.id)
        .options(joinedload(Document.created_by))
        .order_by(Document.id)
    )
    return list(db.session.scalars(stmt))


def _entries(case: Case, user: User) -> list[dict[str, Any]]:
    """One row per document of the file: the applicable ones in the standard file order, then any
    mandatory one that has no record to generate it from (upload only); `writable` when `user`
    may generate, sign or upload it now."""
    docs = _documents(case)
    subjects = documents.applicable(case)
    known = {(s.kind, s.subject_id) for s in subjects}
    needed = {(s.kind, s.subject_id) for s in documents.mandatory(case)}
    extra = [s for s in documents.mandatory(case) if (s.kind, s.subject_id) not in known]
    rows = []
    for s in [*subjects, *extra]:
        rows.append(
            {
                "subject": s,
                "key": _row_key(s.kind, s.subject_id),
                "mandatory": (s.kind, s.subject_id) in needed,
                "done": documents.is_done(case, s),
                "versions": sorted(
                    (d for d in docs if d.kind == s.kind and d.subject_id == s.subject_id),
                    key=lambda d: d.version,
                    reverse=True,
                ),
                "generate": s.kind not in UPLOAD_ONLY and (s.kind, s.subject_id) in known,
                "writable": case.state != CaseState.ARCHIVED
                and may_keep_document(user, case, s.kind),
            }
        )
    return rows


def _row_key(kind: DocumentKind | str, subject: int | None) -> str:
    """A document's key in the panel: "<kind>-<record id>" (0 when it has no record)."""
    return f"{getattr(kind, 'value', kind)}-{subject or 0}"


def _opened(row: dict[str, Any]):
    """One document opened: its versions, generate, print, mark signed and upload. A refused
    upload comes back with its message beside the file; a refused generate or sign at the top."""
    s = row["subject"]

    def build(failed):
        upload = failed if isinstance(failed, UploadForm) else None
        upload = upload or UploadForm(
            formdata=None, prefix="upload", kind=s.kind.value, subject=s.subject_id
        )
        refused = failed if isinstance(failed, DocumentForm) and failed is not upload else None
        return {
            "upload_form": _keyed(upload, row["key"]),
            "refused": refused,
        }

    return build


@panel(DOCUMENTS)
def documents_panel(case: Case, user: User) -> Panel | None:
    """The case file's documents, one line each; a document opens (key "<kind>-<record id>")
    with its versions, and the actions for whoever keeps the file at this stage."""
    if not documents.can_manage_documents(user, case):
        return None
    rows = _entries(case, user)
    return Panel(
        DOCUMENTS,
        "cases/partials/documents_panel.html",
        {
            "rows": rows,
            "missing": documents.missing(case),
            "closed": case.state == CaseState.ARCHIVED,
            # How this user opens each version (full, masked, or listed only).
            "access": {
                d.id: document_access.access_to(user, case, d).value
                for row in rows
                for d in row["versions"]
            },
            "in_full": can_reveal_pii(user, case),
            "writable": any(row["writable"] for row in rows),
        },
        forms={row["key"]: _opened(row) for row in rows},
    )


# ---- routes -----------------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


def _authorised(number: str) -> Case:
    """The case (404 outside the user's scope), if the user may keep its file (403)."""
    case = load_case(number)
    if not documents.can_manage_documents(_me(), case):
        abort(403)
    return case


def _readable(number: str) -> Case:
    """The case (404 outside the user's scope), if the user may open its file (403)."""
    case = load_case(number)
    if not document_access.can_open_documents(_me(), case):
        abort(403)
    return case


def _keeper(number: str, kind: str | None) -> Case:
    """The case (404 outside the user's scope), if the user may add to its file a document of
    `kind` (as posted) now (403)."""
    case = _authorised(number)
    try:
        known = DocumentKind(kind)
    except ValueError:
        known = None
    if not may_keep_document(_me(), case, known):
        abort(403)
    return case


def _kind(value: str | None) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        raise ValidationFailed(_l("This document does not apply to this case now.")) from None


def _open(case: Case) -> None:
    if case.state == CaseState.ARCHIVED:
        raise ValidationFailed(_l("The case is archived: its file can no longer change."))


def _version_of(case: Case, doc_id: int) -> Document:
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.case_id != case.id:
        abort(404)
    return doc


@bp.route("/<number>/documents/generate", methods=["POST"])
def generate_document(number: str):
    """Generate a new version of a case-file document (who keeps the case's file now)."""
    form = DocumentForm(prefix="doc")
    case, user = _keeper(number, form.kind.data), _me()

    def call():
        _open(case)
        doc = documents.generate(case, _kind(form.kind.data), user, form.subject.data or 0)
        return doc

    return panel_action(
        case,
        DOCUMENTS,
        form,
        _("New version generated. Print it for signing."),
        call,
        key=_row_key(form.kind.data, form.subject.data),
        keep_open=True,
    )


@bp.route("/<number>/documents/<int:doc_id>/sign", methods=["POST"])
def sign_document(number: str, doc_id: int):
    """Mark a printed version as signed; it is then frozen (who keeps the case's file now)."""
    case, user = _authorised(number), _me()
    doc = _version_of(case, doc_id)
    if not may_keep_document(user, case, doc.kind):
        abort(403)
    form = DocumentForm(prefix="doc")

    def call():
        _open(case)
        documents.mark_signed(case, doc, user)

    return panel_action(
        case,
        DOCUMENTS,
        form,
        _("Marked as signed. This version is frozen."),
        call,
        key=_row_key(doc.kind, doc.subject_id),
        keep_open=True,
    )


@bp.route("/<number>/documents/upload", methods=["POST"])
def upload_document(number: str):
    """Upload a signed scan or the parties' ID documents (who keeps the case's file now)."""
    form = UploadForm(prefix="upload")
    case, user = _keeper(number, form.kind.data), _me()

    def call():
        _open(case)
        kind = _kind(form.kind.data)
        subject = form.subject.data or 0
        if (kind, subject) not in {
            (s.kind, s.subject_id)
            for s in [*documents.applicable(case), *documents.mandatory(case)]
        }:
            raise ValidationFailed(_l("This document does not apply to this case now."))
        data = form.file.data
        content = data.read(uploads.MAX_UPLOAD_BYTES + 1) if data else b""
        documents.upload(case, kind, content, user, subject)

    return panel_action(
        case,
        DOCUMENTS,
        form,
        _("File uploaded."),
        call,
        key=_row_key(form.kind.data, form.subject.data),
        keep_open=True,
    )


def print_response(shown: document_access.Shown):
    """A document's print view: the national format's page alone, never cached (whether it
    is masked depends on who asked)."""
    response = make_response(shown.content)
    response.headers["Content-Security-Policy"] = PRINT_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<number>/documents/<kind>/<int(signed=True):subject>/print")
def document_html(number: str, kind: str, subject: int):
    """A document as it would be generated now, to print (who may keep the case's file);
    masked for staff who may not reveal personal details, a full view recorded."""
    case, user = _readable(number), _me()
    try:
        kind_ = DocumentKind(kind)
    except ValueError:
        abort(404)
    if kind_ in UPLOAD_ONLY or (kind_, subject) not in {
        (s.kind, s.subject_id) for s in documents.applicable(case)
    }:
        abort(404)
    shown = document_access.print_view(case, kind_, subject, user)
    db.session.commit()  # the record of a full view
    return print_response(shown)


@bp.route("/<number>/documents/<int:doc_id>/file")
def document_pdf(number: str, doc_id: int):
    """One stored version's file: the PDF, or an uploaded scan (who may keep the case's
    file); the masked rendition for staff who may not reveal personal details (403 for an
    upload, which cannot be masked), a full download recorded."""
    case, user = _readable(number), _me()
    # Loaded without its bytes: open_version reads the one rendition this viewer gets.
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.case_id != case.id:
        abort(404)
    try:
        shown = document_access.open_version(case, doc, user)
    except NotPermitted:
        abort(403)
    db.session.commit()  # the record of a full download
    response = make_response(shown.content)
    response.headers["Content-Type"] = shown.media_type
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{file_name(case, doc, masked=shown.masked)}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def file_name(case: Case, doc: Document, *, masked: bool = False) -> str:
    """2026-421022-000123-agreement-v2.pdf (ASCII only: the case number's digits); a masked
    rendition ends in -masked, so the two copies are never mistaken for one another."""
    number = re.sub(r"[^0-9A-Za-z]+", "-", case.number).strip("-")
    kind = (
        "case-file"
        if doc.kind == DocumentKind.COVER and doc.subject_id == -1
        else doc.kind.value.replace("_", "-")
    )
    if doc.subject_id > 0:
        kind = f"{kind}-{doc.subject_id}"
    suffix = "-masked" if masked else ""
    return f"{number}-{kind}-v{doc.version}{suffix}.{EXTENSIONS.get(doc.media_type, 'bin')}"
