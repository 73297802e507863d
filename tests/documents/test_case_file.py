"""The case file is what was signed: the assembled 卷宗 files the stored version each party
signed or was served, or the uploaded scan, never a fresh rendering of today's data; a
judicial-confirmation form never applied for is not filed; the identity documents are pages
of the file; every page carries its own number in the file; a signature block never stands
on a page without the text it signs."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from domain import documents
from domain.aftercare import apply_confirmation
from domain.agreements import sign_agreement
from domain.calendar import local_today
from models.enums import AgreementKind, DocumentKind, SignerKind
from models.states import CaseState
from tests.factories import complete_file, tiny_pdf


def page_texts(content: bytes) -> list[str]:
    """Each page's text as pdftotext reads it, without spaces."""
    reader = PdfReader(io.BytesIO(content))
    out = []
    for i in range(1, len(reader.pages) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        out.append(re.sub(r"\s+", "", text))
    return out


def contents_rows(pages: list[str]) -> list[str]:
    return [p for p in pages if "卷内目录" in p]


def test_every_page_has_its_own_number(world, db):
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator)
    documents.upload(case, DocumentKind.ID_PROOF, tiny_pdf(2), world.mediator)
    bundle = documents.assemble(case, world.mediator)
    pages = page_texts(bundle.content)
    total = len(pages)
    assert total == bundle.pages
    for number, text in enumerate(pages, start=1):
        assert text.count(f"卷宗第{number}页共{total}页") == 1, (number, text[:80])
    # The cover, the contents and the back cover carry the file's number alone.
    for text in (pages[0], pages[1], pages[-1]):
        assert re.findall(r"第(\d+)页", text) == [str(pages.index(text) + 1)]
    assert "调解卷宗" in pages[0] and "卷内目录" in pages[1] and f"本卷共{total}页" in pages[-1]


def test_contents_give_the_page_each_filed_document_starts_on(world, db):
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator)
    pages = page_texts(documents.assemble(case, world.mediator).content)
    contents = contents_rows(pages)[0]
    titles = {
        "人民调解申请书": "人民调解申请书",
        "人民调解当事人权利义务告知书": "人民调解当事人权利义务告知书",
        "终止调解告知书": "终止调解告知书",
    }
    for listed, heading in titles.items():
        first = int(re.search(re.escape(listed) + r"(\d+)", contents).group(1))
        assert heading in pages[first - 1], (listed, first)


def test_the_file_holds_the_signed_version_not_todays_data(world, db):
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator)
    signed = documents.versions(case, DocumentKind.NOTICE)[-1]
    assert signed.signed_at is not None
    old_name = case.applicants[0].name
    # The data changes after signing, and a new version is made but never signed.
    case.applicants[0].name = "更正后姓名"
    db.session.flush()
    unsigned = documents.generate(case, DocumentKind.NOTICE, world.mediator)
    assert unsigned.version == signed.version + 1 and unsigned.signed_at is None
    assert documents.filed_versions(case, documents.Subject(DocumentKind.NOTICE)) == [signed]
    pages = page_texts(documents.assemble(case, world.mediator).content)
    notice = [p for p in pages if p.count("权利义务告知书") and "卷内目录" not in p]
    assert len(notice) == 1
    assert old_name in notice[0] and "更正后姓名" not in notice[0]
    assert "第1版，已签名" in contents_rows(pages)[0]


def test_an_unsubmitted_judicial_confirmation_form_is_not_filed(world, db):
    case = world.case(CaseState.AGREED)
    for party in case.principals:
        sign_agreement(
            case,
            world.mediator,
            version=None,
            signer=SignerKind.PARTY,
            party=party,
            signed_on=local_today(),
        )
    for signer in (SignerKind.MEDIATOR, SignerKind.SEAL):
        sign_agreement(case, world.mediator, version=None, signer=signer, signed_on=local_today())
    complete_file(case, world.mediator)
    form = documents.generate(case, DocumentKind.CONFIRMATION_PERSONS, world.mediator)
    subject = documents.Subject(DocumentKind.CONFIRMATION_PERSONS)
    assert documents.filed_versions(case, subject) == []
    pages = page_texts(documents.assemble(case, world.mediator).content)
    assert not [p for p in pages if "司法确认申请书" in p]
    apply_confirmation(
        case,
        world.mediator,
        version=None,
        court="公安县人民法院",
        applied_on=local_today(),
        all_parties_join=True,
    )
    assert documents.filed_versions(case, subject) == [form]
    pages = page_texts(documents.assemble(case, world.mediator).content)
    assert "司法确认申请书（个人与个人）" in contents_rows(pages)[0]


def test_identity_documents_are_pages_of_the_file(world, db):
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator)  # one PNG scan
    documents.upload(case, DocumentKind.ID_PROOF, tiny_pdf(3), world.mediator)
    bundle = documents.assemble(case, world.mediator)
    pages = page_texts(bundle.content)
    contents = contents_rows(pages)[0]
    assert "另附" not in contents
    rows = re.findall(r"当事人身份证明(\d+)(?:–(\d+))?扫描件", contents)
    assert len(rows) == 2  # the PNG on one page, the PDF on three
    (png_first, png_last), (pdf_first, pdf_last) = rows
    assert png_last == "" and int(pdf_last) - int(pdf_first) == 2
    filed = sum(
        len(documents.filed_versions(case, s))
        for s in documents.applicable(case)
        if s.kind != DocumentKind.ID_PROOF
    )
    assert filed >= 3
    # The scans' pages hold nothing but the file's page number.
    for number in range(int(pdf_first), int(pdf_last) + 1):
        assert pages[number - 1] == f"卷宗第{number}页共{len(pages)}页"
    masked = page_texts(bundle.masked_content)
    assert len(masked) == len(pages)
    assert "含当事人个人信息，本遮蔽本不予显示" in masked[int(pdf_first) - 1]


# ---- the signature block ----------------------------------------------------------------------

SIGN = "当事人（签名盖章或按指印）"


def _agreement_with(case, terms: int, actor) -> bytes:
    agreement = case.agreement
    agreement.terms = [
        f"第{i}项：被申请人按约定履行本项义务，双方确认无异议。" for i in range(terms)
    ]
    agreement.facts = "排水沟堵塞致申请人菜地受淹。" * 6
    return documents.generate(case, DocumentKind.AGREEMENT, actor).content


@pytest.mark.parametrize("start", [0, 1, 2, 3])
def test_a_signature_block_never_stands_alone(world, db, start):
    """Agreements long enough to break anywhere near the signatures: the page where they
    begin also holds the agreement's own text (a term, or the manner of performance)."""
    case = world.case(CaseState.AGREED)
    assert case.agreement.kind == AgreementKind.WRITTEN
    for terms in range(12 + start, 40, 4):
        pdf = _agreement_with(case, terms, world.mediator)
        reader = PdfReader(io.BytesIO(pdf))
        texts = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]
        first = next(i for i, t in enumerate(texts) if SIGN in t)
        before = texts[first].split(SIGN)[0]
        # Before the signatures on their page: a term or the manner of performance, not only
        # the copies sentence that opens the block.
        assert re.search(r"第\d+项|履行方式", before), (terms, texts[first][:160])
