"""Opening a case's documents: in full, masked, or not at all, and the record of full views.

Who may see a document's personal details follows the one rule of the case page
(domain.permissions.can_reveal_pii): staff who work the case see the parties' ID numbers,
phones and addresses in full; others who keep the file (a leader overseeing the area) get the
same document with them masked (domain/document_masking.py). Every print view or download of a
document that holds personal details in full is an internal event on the case's timeline —
who, when, which document, which version and format — as showing them on the case page is
(PML Art. 15; PIPL Art. 51: measures against unauthorised access).

A masked view is not recorded: it discloses nothing the reader did not already see masked on the
case page, whose views are not recorded either, and a line per leader's glance would bury the
full views the timeline is there to show.

A stored version carries its masked rendition, made with it from the same data
(Document.masked_content). An uploaded signed scan cannot be masked: only staff who may reveal
personal details open it; the others see that it exists. Nothing is kept between viewers:
which rendition (stored column, or HTML rendered now) is chosen per request from the viewer's
right, and every answer is `private, no-store`, so no cache can hand one viewer's full copy to
another.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.documents import can_manage_documents, html_to_pdf, render_html
from domain.errors import NotPermitted
from domain.permissions import can_reveal_pii
from domain.states import Action
from domain.timeline import record
from models import Case, Document, User
from models.enums import DocumentKind

PDF = "application/pdf"
FORMATS = {PDF: "pdf", "image/jpeg": "jpeg", "image/png": "png"}


class Access(StrEnum):
    """How a viewer gets one document."""

    FULL = "full"  # as stored: personal details in full (recorded when it holds any)
    MASKED = "masked"  # ID numbers, phones and addresses masked
    NONE = "none"  # listed, not opened (an upload, for staff who may not reveal)


@dataclass(frozen=True)
class Shown:
    """What a viewer receives: the bytes (or HTML), their type, and whether they are masked."""

    content: bytes | str
    media_type: str
    masked: bool


def can_open_documents(user: User, case: Case) -> bool:
    """Open the case file's documents at all: whoever keeps the file."""
    return can_manage_documents(user, case)


def access_to(user: User, case: Case, doc: Document) -> Access:
    """How `user` may open a stored version of `case`'s file."""
    if not can_open_documents(user, case) or doc.case_id != case.id:
        return Access.NONE
    if can_reveal_pii(user, case) or not doc.has_pii:
        return Access.FULL
    return Access.MASKED if doc.has_masked else Access.NONE


def record_full_view(
    case: Case,
    viewer: User,
    kind: DocumentKind,
    subject_id: int,
    fmt: str,
    doc: Document | None = None,
) -> None:
    """An internal timeline event: `viewer` opened a document with personal details in full."""
    record(
        case,
        Action.VIEW_DOCUMENT,
        viewer,
        public=False,
        data={
            "kind": kind.value,
            "subject_id": subject_id,
            "format": fmt,
            "document_id": doc.id if doc else None,
            "version": doc.version if doc else None,
        },
    )


def open_version(case: Case, doc: Document, viewer: User) -> Shown:
    """One stored version for `viewer`: in full (recorded when it holds personal details) or
    its masked rendition; only that one's bytes are read (both are deferred). Raises
    NotPermitted when the viewer may open neither."""
    access = access_to(viewer, case, doc)
    if access == Access.NONE:
        raise NotPermitted()
    if access == Access.MASKED:
        return Shown(doc.masked_content, doc.media_type, masked=True)
    if doc.has_pii:
        record_full_view(
            case, viewer, doc.kind, doc.subject_id, FORMATS.get(doc.media_type, "file"), doc
        )
    return Shown(doc.content, doc.media_type, masked=False)


def _render(case: Case, kind: DocumentKind, subject_id: int, viewer: User, fmt: str) -> Shown:
    """A document as it would be generated now, in full or masked for `viewer`."""
    if not can_open_documents(viewer, case):
        raise NotPermitted()
    masked = render_html(case, kind, subject_id, masked=True)
    if can_reveal_pii(viewer, case):
        html = render_html(case, kind, subject_id)
        if html != masked:  # it holds personal details that masking changes
            record_full_view(case, viewer, kind, subject_id, fmt)
        return Shown(html, "text/html", masked=False)
    return Shown(masked, "text/html", masked=True)


def print_view(case: Case, kind: DocumentKind, subject_id: int, viewer: User) -> Shown:
    """The print view (HTML) of a document as generated now. Raises NotPermitted."""
    return _render(case, kind, subject_id, viewer, "print")


def transfer_note(case: Case, transfer_id: int, viewer: User, *, as_pdf: bool) -> Shown:
    """The transfer note (案件移送函) of one transfer, as PDF or HTML to print. Raises
    NotPermitted."""
    fmt = "pdf" if as_pdf else "print"
    shown = _render(case, DocumentKind.TRANSFER_NOTE, transfer_id, viewer, fmt)
    if not as_pdf:
        return shown
    return Shown(html_to_pdf(shown.content).write_pdf(), PDF, masked=shown.masked)
