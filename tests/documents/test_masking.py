"""Every document of the case file, rendered masked, holds no party's full ID number, phone or
address, whatever the kind of party (person, organisation, third party, agent) and wherever the
template puts them; rendered in full it holds them. The stored versions carry their masked
rendition, the uploads none."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from domain import documents
from domain.document_masking import MaskedParty, scrub
from domain.documents import render_html
from domain.records import record_investigation
from domain.transfers import send_transfer
from models.enums import DocumentKind, Source
from models.states import CaseState
from tests.factories import PII_VALUES, pii_found, pii_parties

SHEETS = (DocumentKind.COVER, DocumentKind.CONTENTS, DocumentKind.BACK_COVER)


def subjects(case) -> list[tuple[DocumentKind, int]]:
    out = [(s.kind, s.subject_id) for s in documents.applicable(case)]
    out = [(k, i) for k, i in out if k != DocumentKind.ID_PROOF]
    out += [(t, 0) for t in SHEETS]
    out += [(DocumentKind.TRANSFER_NOTE, t.id) for t in case.transfers]
    return out


def check(case) -> set[DocumentKind]:
    """Render every document of `case` in full and masked; return the kinds that held
    personal details in full."""
    holding = set()
    for kind, subject in subjects(case):
        full = render_html(case, kind, subject)
        masked = render_html(case, kind, subject, masked=True)
        assert pii_found(masked) == [], (kind.value, pii_found(masked))
        if pii_found(full):
            holding.add(kind)
            assert masked != full
    return holding


def test_every_document_is_masked(world, db):
    # An online application; a case in mediation with an investigation record quoting a phone
    # and an address, and a transfer note; a petition case with an effective agreement; a case
    # not accepted.
    applied = world.case(CaseState.REGISTERED, parties=pii_parties())
    mediating = world.case(CaseState.MEDIATING, parties=pii_parties())
    record_investigation(
        mediating,
        world.mediator,
        version=None,
        held_at=datetime.now(UTC),
        place="新民村",
        investigators="张调解",
        interviewee="邻居王五",
        record="申请人电话13812345678，住公安县埠河镇新民村3组17号。",  # quoted in free text
    )
    send_transfer(mediating, world.mediator, version=None, to_name="公安县人民法院", reason="移送")
    agreed = world.case(CaseState.AGREED, parties=pii_parties())
    agreed.source = Source.PETITION
    agreed.agreement.effective_on = date(2026, 3, 5)
    refused = world.case(CaseState.NOT_ACCEPTED, parties=pii_parties())
    db.session.flush()

    holding = set()
    for case in (applied, mediating, agreed, refused):
        holding |= check(case)
    # The documents that print the parties' contact details were all checked.
    assert {
        DocumentKind.APPLICATION,
        DocumentKind.AGREEMENT,
        DocumentKind.CONFIRMATION_ORGANISATION,
        DocumentKind.TRANSFER,
        DocumentKind.TRANSFER_NOTE,
        DocumentKind.INVESTIGATION,  # only through the free text: the scrub
    } <= holding


def test_masked_fields_read_as_on_the_case_page(world, db):
    case = world.case(CaseState.REGISTERED, parties=pii_parties())
    masked = render_html(case, DocumentKind.APPLICATION, masked=True)
    assert "138****5678" in masked and "139****1111" in masked and "071****6688" in masked
    assert "公安县埠******" in masked and "新民村3组" not in masked
    assert "李春华" in masked and "荆州市恒通物流有限公司" in masked  # names stay
    assert "91421022MA49000015" in masked  # a credit code is public, never masked


def test_masked_party_is_read_only_and_leaves_the_party_alone(world, db):
    case = world.case(CaseState.REGISTERED, parties=pii_parties())
    party = case.applicants[0]
    shown = MaskedParty(party)
    assert shown.phone == "138****5678" and shown.name == party.name
    assert shown == party and shown.agents == []
    try:
        shown.phone = "x"
    except AttributeError:
        pass
    else:
        raise AssertionError("a masked party must be read-only")
    assert party.phone == "13812345678"
    assert case not in db.session.dirty


def test_scrub_masks_every_written_form(world, db):
    case = world.case(CaseState.REGISTERED, parties=pii_parties())
    text = " ".join(PII_VALUES)
    assert pii_found(scrub(text, case)) == []
    # A bare place given as an address is not a house: names of bodies keep it.
    case.respondents[1].address = "公安县埠河镇"
    assert scrub("公安县埠河镇人民调解委员会", case) == "公安县埠河镇人民调解委员会"


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_generated_version_stores_its_masked_rendition(world, db):
    case = world.case(CaseState.ACCEPTED, parties=pii_parties())
    doc = documents.generate(case, DocumentKind.APPLICATION, world.clerk)
    assert doc.has_pii and doc.has_masked and doc.masked_size == len(doc.masked_content)
    assert pii_found(pdf_text(doc.content))
    assert pii_found(pdf_text(doc.masked_content)) == []
    assert "138****5678" in pdf_text(doc.masked_content)


def test_a_document_without_personal_details_has_no_masked_copy(world, db):
    case = world.case(CaseState.MEDIATING, parties=pii_parties())
    doc = documents.generate(case, DocumentKind.NOTICE, world.mediator)
    assert not doc.has_pii and not doc.has_masked and doc.masked_content is None


def test_the_archived_case_file_has_a_masked_copy(world, db):
    case = world.case(CaseState.ARCHIVED, parties=pii_parties())
    bundle = next(d for d in case.documents if d.subject_id == -1)
    assert bundle.has_pii and bundle.has_masked
    assert pii_found(pdf_text(bundle.content))
    assert pii_found(pdf_text(bundle.masked_content)) == []
    upload = next(d for d in case.documents if d.uploaded)
    assert upload.has_pii and not upload.has_masked
