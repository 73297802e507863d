"""The case-file documents (卷宗: the 2010 national formats and a few others): generated
from case data as HTML for print and PDF (WeasyPrint), kept as versions with a masked
rendition for staff who may not reveal personal details, frozen once signed; uploads parsed in
full (domain/uploads.py); archiving assembles the whole file in the standard order with
its contents list, from the versions stored as signed, served or uploaded (filed_versions),
merged and page-numbered by domain/pdf_bundle.py.

Document templates live in templates/documents/<kind>.html and always render in Chinese: they
are the national formats the committees are audited on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from domain import document_data, pdf_bundle, serving
from domain.calendar import local_today
from domain.document_masking import mask_context, scrub
from domain.document_transfer import transfer_note_context
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import can_record, may_keep_document
from domain.states import Action
from domain.timeline import record
from domain.uploads import MAX_UPLOAD_BYTES as MAX_UPLOAD_BYTES
from domain.uploads import check_upload
from extensions import db
from models import Case, Document, FileSequence, User
from models.enums import (
    AgreementKind,
    Channel,
    ClosureReason,
    DocumentKind,
    PartyKind,
    ReferralKind,
    Role,
    Source,
)
from models.states import CaseState
from models.types import utcnow

PDF = "application/pdf"
SIGNATURES_NEEDED = {
    DocumentKind.APPLICATION,
    DocumentKind.REGISTER,
    DocumentKind.NOTICE,
    DocumentKind.INVESTIGATION,
    DocumentKind.SESSION,
    DocumentKind.AGREEMENT,
    DocumentKind.ORAL_AGREEMENT,
    DocumentKind.FOLLOW_UP,
}
MEDIATED = {CaseState.AGREED, CaseState.FAILED, CaseState.TERMINATED, CaseState.ARCHIVED}
# A court referral's written report exists once the case has an outcome.
REPORTED = {
    CaseState.AGREED,
    CaseState.FAILED,
    CaseState.REFUSED,
    CaseState.TERMINATED,
    CaseState.ARCHIVED,
}


@dataclass(frozen=True)
class Subject:
    """One document to produce: a kind, and the record it is about (0 for the case)."""

    kind: DocumentKind
    subject_id: int = 0
    label: str = ""


def _subjects(case: Case) -> list[Subject]:
    """Every document that applies to the case now, in the order of the national 卷内目录."""
    out: list[Subject] = []
    if case.channel == Channel.ONLINE:
        out.append(Subject(DocumentKind.APPLICATION))
    if case.state != CaseState.REGISTERED or case.channel != Channel.ONLINE:
        out.append(Subject(DocumentKind.REGISTER))
    court = any(r.kind == ReferralKind.COURT for r in case.referrals)
    # Each report to the police or the township government (PML Art. 25), among the other
    # materials at the end of the file.
    reports = [
        Subject(DocumentKind.POLICE_REPORT, r.id, local_today(r.reported_at).isoformat())
        for r in case.police_reports
    ]
    if case.state == CaseState.NOT_ACCEPTED:
        # No decision not to accept when the applicant withdrew before acceptance.
        if case.closure_reason != ClosureReason.PARTY_WITHDREW:
            out.append(Subject(DocumentKind.NON_ACCEPTANCE))
        if court:
            out.append(Subject(DocumentKind.COURT_REPORT))
        return out + reports
    if case.source == Source.PETITION:
        out.append(Subject(DocumentKind.TRANSFER))
    out.append(Subject(DocumentKind.NOTICE))
    out.append(Subject(DocumentKind.ID_PROOF))
    # Each party's session notice (调解通知书) of each scheduled session. Imported here:
    # domain.scheduling imports this module (a cycle at import time).
    from domain.scheduling import notice_subjects

    out += notice_subjects(case)
    out += [
        Subject(DocumentKind.INVESTIGATION, r.id, r.held_at.date().isoformat())
        for r in case.investigations
    ]
    out += [
        Subject(DocumentKind.SESSION, r.id, r.held_at.date().isoformat()) for r in case.sessions
    ]
    agreement = case.agreement
    if agreement is not None:
        out.append(
            Subject(
                DocumentKind.AGREEMENT
                if agreement.kind == AgreementKind.WRITTEN
                else DocumentKind.ORAL_AGREEMENT
            )
        )
    out += [
        Subject(DocumentKind.FOLLOW_UP, v.id, v.visited_on.isoformat())
        for v in case.follow_ups
        if v.done_at is not None
    ]
    if agreement is not None and agreement.effective_on is not None:
        organisations = any(p.kind == PartyKind.ORGANISATION for p in case.active_parties)
        out.append(
            Subject(
                DocumentKind.CONFIRMATION_ORGANISATION
                if organisations
                else DocumentKind.CONFIRMATION_PERSONS
            )
        )
    if (
        case.closure_reason is not None
        and agreement is None
        and case.state not in (CaseState.NOT_ACCEPTED, CaseState.MERGED)
    ):
        out.append(Subject(DocumentKind.TERMINATION))
    if court and case.state in REPORTED:
        # The result goes back to the court in writing (SPC-TY Arts. 19-21, 26).
        out.append(Subject(DocumentKind.COURT_REPORT))
    return out + reports


def applicable(case: Case) -> list[Subject]:
    return _subjects(case)


def mandatory(case: Case) -> list[Subject]:
    """What the 卷宗 must hold, signed: the national 必须 items (application or register, rights
    notice, ID proof, mediation record, agreement), and the non-acceptance notice and the court
    report where they apply."""
    need = []
    for s in _subjects(case):
        if s.kind in (DocumentKind.APPLICATION, DocumentKind.REGISTER):
            continue  # one of the two, below
        if s.kind in (
            DocumentKind.NOTICE,
            DocumentKind.ID_PROOF,
            DocumentKind.AGREEMENT,
            DocumentKind.ORAL_AGREEMENT,
            DocumentKind.NON_ACCEPTANCE,
            DocumentKind.COURT_REPORT,
        ):
            need.append(s)
    kinds = [s.kind for s in _subjects(case)]
    entry = DocumentKind.APPLICATION if DocumentKind.APPLICATION in kinds else DocumentKind.REGISTER
    need.insert(0, Subject(entry))
    if case.state in MEDIATED or case.sessions:
        sessions = [s for s in _subjects(case) if s.kind == DocumentKind.SESSION]
        need += sessions or [Subject(DocumentKind.SESSION)]
    return need


def versions(case: Case, kind: DocumentKind, subject_id: int = 0) -> list[Document]:
    return [d for d in case.documents if d.kind == kind and d.subject_id == subject_id]


def is_done(case: Case, subject: Subject) -> bool:
    """Present in the file: a signed version (or an upload), or any version when no signature
    is needed."""
    docs = versions(case, subject.kind, subject.subject_id)
    if subject.kind == DocumentKind.ID_PROOF:
        return any(d.uploaded for d in docs)
    if subject.kind in SIGNATURES_NEEDED:
        return any(d.signed_at is not None for d in docs)
    return bool(docs)


def missing(case: Case) -> list[str]:
    """Mandatory documents not yet in the file, as readable names."""
    out = []
    for s in mandatory(case):
        if not is_done(case, s):
            name = str(s.kind.label)
            out.append(f"{name} {s.label}".strip() if s.subject_id else name)
    return out


# ---- rendering ----------------------------------------------------------------------------------


def render_html(
    case: Case, kind: DocumentKind, subject_id: int = 0, *, masked: bool = False, **extra
) -> str:
    """The document as HTML for print, always in Chinese (the national formats); with
    `masked`, the parties' ID numbers, phones and addresses masked (domain/document_masking.py).
    """
    with force_locale("zh_Hans"):
        context = document_data.context(case, kind, subject_id)
        if kind == DocumentKind.TRANSFER_NOTE:  # one per transfer: domain/document_transfer.py
            context.update(transfer_note_context(case, subject_id))
        if masked:
            context = mask_context(context)
        html = render_template(
            f"documents/{kind.value}.html", **context, file_names=FILE_NAMES, **extra
        )
    return scrub(html, case) if masked else html


def html_to_pdf(html: str, base_url: str | None = None):
    """Render with WeasyPrint; returns the WeasyPrint document (pages and write_pdf)."""
    from weasyprint import HTML  # slow to import (Pango, fonts): loaded only to make a PDF

    return HTML(string=html, base_url=base_url).render()


def _store(
    case: Case,
    kind: DocumentKind,
    subject_id: int,
    actor: User | None,
    *,
    content: bytes,
    media_type: str,
    pages: int | None,
    uploaded: bool,
    masked: bytes | None = None,
) -> Document:
    """A new version. `masked` is the same version with the parties' personal details masked,
    when it holds any; an upload counts as holding them and has no masked rendition."""
    latest = max((d.version for d in versions(case, kind, subject_id)), default=0)
    doc = Document(
        kind=kind,
        subject_id=subject_id,
        version=latest + 1,
        media_type=media_type,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        uploaded=uploaded,
        masked_content=masked,
        masked_size=len(masked) if masked is not None else None,
        has_pii=uploaded or masked is not None,
        created_by=actor,
        signed_at=utcnow() if uploaded else None,
    )
    case.documents.append(doc)
    return doc


def can_manage_documents(user: User, case: Case) -> bool:
    return can_record(user, case) or user.role in {Role.CLERK, Role.LEADER}


def _open_file(case: Case) -> None:
    """An archived case file is closed: nothing is added or changed."""
    if case.state == CaseState.ARCHIVED:
        raise ValidationFailed(_l("The case is archived: its file can no longer change."))


def generate(case: Case, kind: DocumentKind, actor: User, subject_id: int = 0) -> Document:
    """Generate a new version of a document as PDF. Raises NotPermitted, ValidationFailed."""
    if not may_keep_document(actor, case, kind):
        raise NotPermitted()
    _open_file(case)
    if (
        Subject(kind, subject_id) not in {Subject(s.kind, s.subject_id) for s in _subjects(case)}
        or kind == DocumentKind.ID_PROOF
    ):
        raise ValidationFailed(_l("This document does not apply to this case now."))
    full = render_html(case, kind, subject_id)
    masked = render_html(case, kind, subject_id, masked=True)
    rendered = html_to_pdf(full)
    doc = _store(
        case,
        kind,
        subject_id,
        actor,
        content=rendered.write_pdf(),
        media_type=PDF,
        pages=len(rendered.pages),
        uploaded=False,
        # Made now from the same data, so that staff who may not reveal personal details
        # read this very version (domain/document_access.py).
        masked=html_to_pdf(masked).write_pdf() if masked != full else None,
    )
    db.session.flush()
    record(
        case,
        Action.GENERATE_DOCUMENT,
        actor,
        data={"document_id": doc.id, "kind": kind.value, "version": doc.version},
    )
    return doc


def mark_signed(case: Case, doc: Document, actor: User, *, now: datetime | None = None) -> None:
    """The printed version was signed: freeze it. Raises NotPermitted, ValidationFailed."""
    if not may_keep_document(actor, case, doc.kind):
        raise NotPermitted()
    _open_file(case)
    if doc.case_id != case.id:
        raise ValidationFailed(_l("This document is not of this case."))
    if doc.signed_at is not None:
        raise ValidationFailed(_l("This version is already signed and cannot change."))
    doc.signed_at = now or utcnow()
    record(
        case,
        Action.SIGN_DOCUMENT,
        actor,
        data={"document_id": doc.id, "kind": doc.kind.value, "version": doc.version},
    )


def upload(
    case: Case, kind: DocumentKind, content: bytes, actor: User, subject_id: int = 0
) -> Document:
    """Store an uploaded signed scan (or the parties' ID documents): frozen at once.

    Raises NotPermitted, ValidationFailed (empty, size, type, a file that does not parse:
    domain/uploads.py).
    """
    if not may_keep_document(actor, case, kind):
        raise NotPermitted()
    _open_file(case)
    checked = check_upload(content)
    media_type = checked.media_type
    doc = _store(
        case,
        kind,
        subject_id,
        actor,
        content=content,
        media_type=media_type,
        pages=checked.pages,
        uploaded=True,
    )
    db.session.flush()
    record(
        case,
        Action.UPLOAD_DOCUMENT,
        actor,
        data={
            "document_id": doc.id,
            "kind": kind.value,
            "version": doc.version,
            "media_type": media_type,
        },
    )
    return doc


# ---- the 卷宗 ---------------------------------------------------------------------------------


def next_file_number(case: Case, year: int) -> str:
    """（2026）埠河人调字第12号: the number of the committee that mediated (a centre or a
    stationed room files under the committee it mediates under), per committee and year,
    never reused. Raises ValidationFailed when no committee is recorded."""
    org = document_data.file_keeper(case)
    if org is None:
        raise ValidationFailed(committee_gap(case))
    stmt = (
        sa.update(FileSequence)
        .where(FileSequence.organisation_id == org.id, FileSequence.year == year)
        .values(last=FileSequence.last + 1)
        .returning(FileSequence.last)
    )
    seq = db.session.execute(stmt).scalar()
    if seq is None:
        db.session.add(FileSequence(organisation_id=org.id, year=year, last=1))
        db.session.flush()
        seq = 1
    prefix = org.file_prefix or org.name.replace("人民调解委员会", "").replace(
        "矛盾纠纷调处中心", ""
    )
    return f"（{year}）{prefix}人调字第{seq}号"


def committee_gap(case: Case):
    """Why the file cannot name its committee, or None: the organisation that mediated is no
    committee and none is recorded for it (PML Art. 29: the committee's seal). A case never
    dispatched is filed by the desk's body (document_data.file_keeper)."""
    org = case.handling_org
    if org is None or org.mediating_committee is not None:
        return None
    return _l(
        "The people's mediation committee under which %(org)s mediates is not recorded: an "
        "administrator records it (Admin → Organisations) so that the agreement, the cover "
        "and the file number name it.",
        org=org.name,
    )


CONFIRMATIONS = frozenset(
    {DocumentKind.CONFIRMATION_PERSONS, DocumentKind.CONFIRMATION_ORGANISATION}
)


def filed_versions(case: Case, subject: Subject) -> list[Document]:
    """The stored versions the 卷宗 files for `subject`: what the parties signed or were
    served, or the uploaded scan — never a render of the case's data as it is today.

    - the parties' identity documents: every uploaded scan;
    - a judicial-confirmation application: only once the application was made (an
      unsubmitted form is no part of the file);
    - a notice served on the parties: each version served (the copies they hold), and any
      scan uploaded of it (the signed receipt);
    - a document that is signed: its latest signed version (or upload); none while unsigned;
    - any other document: its latest signed version, else its latest version.
    """
    docs = sorted(versions(case, subject.kind, subject.subject_id), key=lambda d: d.version)
    if subject.kind == DocumentKind.ID_PROOF:
        return [d for d in docs if d.uploaded]
    if subject.kind in CONFIRMATIONS and not case.confirmations:
        return []
    served = serving.served_versions(case)
    if any(d.id in served for d in docs):
        return [d for d in docs if d.id in served or d.uploaded]
    signed = [d for d in docs if d.signed_at is not None]
    if signed:
        return [signed[-1]]
    if subject.kind not in SIGNATURES_NEEDED and docs:
        return [docs[-1]]
    return []


def assemble(case: Case, actor: User | None) -> Document:
    """The whole 卷宗 as one PDF in the standard order: cover, contents (with the page numbers
    filled in), every filed version (filed_versions) as stored, back cover; every page
    numbered in the file's own sequence. Stored as a new COVER document version (the bundle).
    Raises ValidationFailed listing what is missing."""
    gaps = missing(case)
    if gaps:
        raise ValidationFailed(
            _l("The case file lacks: %(items)s", items="、".join(gaps)), field="documents"
        )
    if case.file_number is None:
        case.file_number = next_file_number(case, local_today().year)
    full, pages, full_key = _bundle(case, masked=False)
    # The same file with the parties' personal details masked, for staff who may not reveal
    # them (domain/document_access.py): each version's masked rendition, stand-in pages for
    # an upload; numbered on its own, as a masked rendition may break its pages elsewhere.
    masked, _pages, masked_key = _bundle(case, masked=True)
    doc = _store(
        case,
        DocumentKind.COVER,
        -1,
        actor,
        content=full,
        media_type=PDF,
        pages=pages,
        uploaded=False,
        masked=masked if masked_key != full_key else None,
    )
    doc.signed_at = utcnow()  # the archived file is final
    return doc


@dataclass(frozen=True)
class _Part:
    subject: Subject
    doc: Document
    content: bytes  # one PDF
    pages: int


def _filed_pdf(doc: Document, title: str, *, masked: bool) -> bytes:
    """A filed version as PDF: its stored bytes (an image as a page of its own); in the masked
    file its masked rendition, or stand-in pages when it holds personal details that cannot
    be masked (an upload, or a version made before masked copies were kept)."""
    if masked and doc.has_pii:
        if doc.has_masked:
            return doc.masked_content
        return pdf_bundle.withheld_pages(title, doc.pages or 1)
    if doc.media_type == PDF:
        return doc.content
    return pdf_bundle.image_page(doc.content, doc.media_type)


def _parts(case: Case, *, masked: bool) -> list[_Part]:
    parts = []
    for s in _subjects(case):
        for doc in filed_versions(case, s):
            title = f"{FILE_NAMES.get(s.kind.value, s.kind.value)}{s.label and f'（{s.label}）'}"
            content = _filed_pdf(doc, title, masked=masked)
            parts.append(_Part(s, doc, content, pdf_bundle.page_count(content)))
    return parts


def _bundle(case: Case, *, masked: bool) -> tuple[bytes, int, tuple]:
    """The 卷宗 as one PDF, its number of pages, and what it was made of (to tell whether the
    masked file differs from the full one)."""
    parts = _parts(case, masked=masked)
    served = serving.served_versions(case)
    cover_html = render_html(case, DocumentKind.COVER, masked=masked, bundle=True)
    cover = html_to_pdf(cover_html)
    # The contents list gives each document's first page in the file's own numbering, which
    # starts at the cover: lay it out, then again if its length moved the pages it names.
    contents_pages, contents_html, contents = 1, "", None
    for _attempt in range(3):
        entries, page = [], len(cover.pages) + contents_pages + 1
        for part in parts:
            entries.append(_entry(part, page, served))
            page += part.pages
        contents_html = render_html(
            case, DocumentKind.CONTENTS, masked=masked, entries=entries, bundle=True
        )
        contents = html_to_pdf(contents_html)
        if len(contents.pages) == contents_pages:
            break
        contents_pages = len(contents.pages)
    total = page  # the back cover is the last page
    back_html = render_html(
        case, DocumentKind.BACK_COVER, masked=masked, total_pages=total, bundle=True
    )
    back = html_to_pdf(back_html)
    writer = pdf_bundle.merge(
        [
            cover.write_pdf(),
            contents.write_pdf(),
            *(p.content for p in parts),
            back.write_pdf(),
        ]
    )
    pdf_bundle.stamp_page_numbers(writer)
    digests = [hashlib.sha256(p.content).hexdigest() for p in parts]
    made_of = (cover_html, contents_html, back_html, *digests)
    return pdf_bundle.write(writer), len(writer.pages), made_of


def _entry(part: _Part, page: int, served: set[int]) -> dict:
    doc = part.doc
    if doc.uploaded:
        note = "扫描件"
    elif doc.id in served:
        note = f"第{doc.version}版，已送达"
    elif doc.signed_at is not None and part.subject.kind in SIGNATURES_NEEDED:
        note = f"第{doc.version}版，已签名"
    else:
        note = f"第{doc.version}版"
    return {
        "title": FILE_NAMES.get(part.subject.kind.value, str(part.subject.kind.label)),
        "subject": part.subject.label,
        "page": page,
        "kind": part.subject.kind.value,
        "note": note,
        "pages": part.pages,
    }


# The documents' names in the 卷内目录 (always Chinese: the national formats).
FILE_NAMES = {
    "application": "人民调解申请书",
    "register": "人民调解受理登记表",
    "notice": "人民调解当事人权利义务告知书",
    "investigation": "人民调解调查记录",
    "session": "人民调解记录",
    "agreement": "人民调解协议书",
    "oral_agreement": "人民调解口头协议登记表",
    "follow_up": "人民调解回访记录",
    "non_acceptance": "不予受理通知书",
    "termination": "终止调解告知书",
    "confirmation_persons": "司法确认申请书（个人与个人）",
    "confirmation_organisation": "司法确认申请书（个人与单位）",
    "transfer": "工作移交单",
    "transfer_note": "案件移送函",
    "court_report": "调解结果反馈函",
    "id_proof": "当事人身份证明",
    "cover": "卷宗封面",
    "contents": "卷内目录",
    "back_cover": "封底",
    "session_notice": "调解通知书",
}


Renderer = Callable[[Case, int], dict]
