"""The second half of the 卷宗 documents as PDF (non-acceptance, termination, judicial
confirmation, petition transfer, cover, contents, back cover) and the citizen's receipt with
its QR code."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET  # noqa: S405 (parses our own SVG)
from datetime import date
from urllib.parse import unquote

import pytest
import segno
from flask import render_template, url_for
from flask_babel import force_locale

from domain.documents import html_to_pdf, render_html
from extensions import db
from models import JudicialConfirmation
from models.enums import ClosureReason, DisputeType, DocumentKind, PartyKind, Source
from models.states import CaseState

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


def pdf(tmp_path, case, kind: DocumentKind, **extra) -> str:
    """Render the document to a PDF file; check A4 and an embedded CJK font; return its text
    with all whitespace removed."""
    path = tmp_path / f"{kind.value}.pdf"
    path.write_bytes(html_to_pdf(render_html(case, kind, **extra)).write_pdf())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"Page size:\s+595\.2\d* x 841\.89 pts \(A4\)", info.stdout), info.stdout
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "cjk" in line.lower()]
    assert cjk and all(" yes " in line for line in cjk), fonts
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", text)


def zh(label) -> str:
    with force_locale("zh_Hans"):
        return str(label)


def test_non_acceptance(world, tmp_path):
    case = world.case(CaseState.NOT_ACCEPTED)
    db.session.commit()
    text = pdf(tmp_path, case, DocumentKind.NON_ACCEPTANCE)
    assert "不予受理通知书" in text
    assert case.number in text
    assert "不属于调解范围" in text and "请向公安县人民法院起诉" in text
    assert case.applicants[0].name in text and case.respondents[0].name in text
    assert "公安县矛盾纠纷调处中心（印章）" in text
    assert zh(DisputeType.LL.label) + "纠纷" in text


def test_termination_names_the_reason_in_chinese_and_the_other_channels(world, tmp_path):
    case = world.case(CaseState.TERMINATED)
    db.session.commit()
    text = pdf(tmp_path, case, DocumentKind.TERMINATION)
    reason = zh(ClosureReason.PARTY_WITHDREW.label)
    assert reason != str(ClosureReason.PARTY_WITHDREW.label) or reason  # translated label
    assert re.search(r"[\u4e00-\u9fff]", reason)
    assert "终止调解告知书" in text and reason in text
    assert "申请人撤回申请" in text  # what the mediator noted
    assert "第二十六条" in text
    for channel in ("申请仲裁", "请求有关行政机关处理", "向人民法院提起诉讼"):
        assert channel in text
    for party in case.parties:
        assert party.name in text
    assert "新民村人民调解委员会（印章）" in text


def test_termination_after_failure_gives_the_failure_reason(world, tmp_path):
    case = world.case(CaseState.FAILED)
    db.session.commit()
    text = pdf(tmp_path, case, DocumentKind.TERMINATION)
    assert zh(ClosureReason.FAILED.label) in text
    assert "联动调解仍未达成协议" in text


def _effective(world, **kw):
    case = world.case(CaseState.AGREED, **kw)
    case.agreement.effective_on = date(2026, 3, 5)
    db.session.commit()
    return case


def test_confirmation_persons_joint_application(world, tmp_path):
    case = _effective(world)
    text = pdf(tmp_path, case, DocumentKind.CONFIRMATION_PERSONS)
    assert "司法确认申请书" in text and "共同申请" in text
    applicant, respondent = case.applicants[0], case.respondents[0]
    assert applicant.name in text and respondent.name in text
    assert applicant.id_number in text and "公安县埠河镇新民村3组" in text
    assert "请求确认双方于2026年3月5日经新民村人民调解委员会调解达成的调解协议有效" in text
    assert "被申请人于十日内疏通排水沟" in text
    assert "自愿达成调解协议" in text and "恶意串通" in text
    assert text.count("申请人（签名或按指印）") == 2
    assert "受理法院" in text and "人民法院" in text  # no court yet: a blank line


def test_confirmation_names_the_court_applied_to(world, tmp_path):
    case = _effective(world)
    case.confirmations.append(
        JudicialConfirmation(
            court="公安县人民法院",
            applied_on=date(2026, 3, 10),
            all_parties_joined=True,
            recorded_by_id=world.mediator.id,
        )
    )
    db.session.commit()
    text = pdf(tmp_path, case, DocumentKind.CONFIRMATION_PERSONS)
    assert "受理法院：公安县人民法院" in text
    assert "2026年3月10日" in text


def test_confirmation_organisation(world, tmp_path):
    case = _effective(world)
    company = case.respondents[0]
    company.kind = PartyKind.ORGANISATION
    company.name = "公安县长江物流有限公司"
    company.legal_rep = "钱经理"
    company.legal_rep_post = "总经理"
    db.session.commit()
    text = pdf(tmp_path, case, DocumentKind.CONFIRMATION_ORGANISATION)
    assert "公安县长江物流有限公司" in text
    assert "法定代表人/职务" in text and "钱经理/总经理" in text
    assert "申请人（盖章）：公安县长江物流有限公司" in text
    assert "申请人（签名或按指印）：" + case.applicants[0].name in text


def test_transfer_form_for_a_petition_case(world, tmp_path):
    case = world.case(CaseState.MEDIATING)
    case.source = Source.PETITION
    db.session.commit()
    text = pdf(tmp_path, case, DocumentKind.TRANSFER)
    assert "工作移交单" in text and "移交编号：" + case.number in text
    for field in (
        "移交单位",
        "移交日期",
        "信访人/当事人",
        "对方当事人",
        "反映的主要问题/诉求",
        "双方同意调解的确认",
        "接收单位",
        "接收人签收",
        "接收日期",
        "反馈栏",
        "调处结果",
        "协议编号",
        "反馈日期",
        "反馈人",
    ):
        assert field in text, field
    assert "☑同意调解" in text
    assert "新民村人民调解委员会" in text
    assert zh(ClosureReason.AGREEMENT_WRITTEN.label) not in text  # not ended: feedback blank


def test_transfer_feedback_filled_when_the_case_has_ended(world, tmp_path):
    case = world.case(CaseState.AGREED)
    case.source = Source.PETITION
    db.session.commit()
    text = pdf(tmp_path, case, DocumentKind.TRANSFER)
    assert "调处结果" + zh(ClosureReason.AGREEMENT_WRITTEN.label) in text
    assert "协议编号" + case.number in text
    assert "反馈人张调解" in text


def test_cover(world, tmp_path):
    case = world.case(CaseState.AGREED)
    case.file_number = "（2026）新民人调字第7号"
    db.session.commit()
    text = pdf(tmp_path, case, DocumentKind.COVER)
    assert "新民村人民调解委员会" in text and "调解卷宗" in text
    title = f"{case.applicants[0].name}与{case.respondents[0].name}{zh(DisputeType.LL.label)}纠纷"
    assert title in text
    assert "（2026）新民人调字第7号" in text
    assert "张调解" in text and "保管期限长期" in text
    ended = world.case(CaseState.TERMINATED)
    db.session.commit()
    text = pdf(tmp_path, ended, DocumentKind.COVER)
    assert "保管期限短期" in text and "人调字第" in text


def test_contents_lists_documents_in_chinese_with_their_pages(world, tmp_path):
    """Every filed document has its pages in the file, the identity documents included (never
    "另附", attached separately)."""
    case = world.case(CaseState.AGREED)
    db.session.commit()
    entries = [
        {"title": "Application for mediation", "subject": "", "page": 3, "kind": "application"},
        {"title": "Mediation record", "subject": "2026-03-01", "page": 4, "kind": "session"},
        {"title": "Parties' identity documents", "subject": "", "page": 6, "kind": "id_proof"},
        {"title": "Mediation agreement", "subject": "", "page": 7, "kind": "agreement"},
    ]
    entries[1].update(pages=2, note="第1版，已签名")
    entries[2].update(note="扫描件")
    text = pdf(tmp_path, case, DocumentKind.CONTENTS, entries=entries)
    assert "卷内目录" in text
    for column in ("序号", "文书名称", "页号", "备注"):
        assert column in text
    assert "1人民调解申请书3" in text
    assert "2人民调解记录（2026-03-01）4–5第1版，已签名" in text
    assert "3当事人身份证明6扫描件" in text
    assert "4人民调解协议书7" in text
    assert "另附" not in text and "Application" not in text


def test_back_cover(world, tmp_path):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    assert "本卷共12页" in pdf(tmp_path, case, DocumentKind.BACK_COVER, total_pages=12)
    text = pdf(tmp_path, case, DocumentKind.BACK_COVER)
    assert "本卷共页" in text and "立卷人" in text and "检查人" in text


# ---- the receipt ----------------------------------------------------------------------------

RECEIPT = {"number": "2026-421022-000123", "code": "ABCDEFGH"}


def _qr_src(html: str) -> str:
    match = re.search(r'<img class="receipt-qr" src="([^"]+)"', html)
    assert match, html
    return match.group(1).replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')


@pytest.mark.parametrize("name", ["receipt", "shown"])
def test_receipt_partial_has_a_qr_code_for_the_lookup_page(app, name):
    with app.test_request_context("/apply/submitted"):
        html = render_template("public/partials/receipt.html", **{name: RECEIPT})
        url = url_for("public.lookup", number=RECEIPT["number"], _external=True)
    assert "2026-421022-000123" in html and "ABCD-EFGH" in html
    src = _qr_src(html)
    assert src.startswith("data:image/svg+xml")
    # segno made exactly this code for exactly this URL (the number, never the query code)
    assert src == segno.make_qr(url, error="m").svg_data_uri(scale=4, border=4)
    assert "ABCDEFGH" not in url and "number=2026-421022-000123" in url
    svg = ET.fromstring(unquote(src.split(",", 1)[1]))  # noqa: S314 (our own SVG)
    assert svg.tag.endswith("svg") and any(el.tag.endswith("path") for el in svg.iter())
    assert app.config["CENTRE_PHONE"] in html


def test_the_qr_link_opens_lookup_with_the_number_filled_in(client):
    response = client.get(f"/lookup?number={RECEIPT['number']}")
    assert response.status_code == 200
    assert 'value="2026-421022-000123"' in response.get_data(as_text=True)


def test_submitted_page_stays_small(world, client, db):
    from datetime import timedelta

    from domain.receipts import hold_code
    from models.types import utcnow

    case = world.case(CaseState.REGISTERED)
    token = hold_code(case, "ABCDEFGH", utcnow() + timedelta(minutes=10), utcnow())
    db.session.commit()
    with client.session_transaction() as session:
        session["receipt"] = {"number": case.number, "hold": token}
    response = client.get("/apply/submitted")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert case.number in body and "ABCD-EFGH" in body
    assert len(response.data) < 40_000


def test_assembled_file_of_a_case_not_accepted(world, tmp_path):
    """The whole 卷宗 in order: cover, contents (Chinese names, page numbers), the documents,
    back cover."""
    from domain.documents import assemble, generate, mark_signed

    case = world.case(CaseState.NOT_ACCEPTED)
    application = generate(case, DocumentKind.APPLICATION, world.clerk)
    mark_signed(case, application, world.clerk)
    generate(case, DocumentKind.NON_ACCEPTANCE, world.clerk)
    bundle = assemble(case, world.clerk)
    db.session.commit()
    path = tmp_path / "file.pdf"
    path.write_bytes(bundle.content)
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout,
    )
    order = ["调解卷宗", "卷内目录", "1人民调解申请书3", "不予受理通知书", "本卷共"]
    positions = [text.find(marker) for marker in order]
    assert -1 not in positions and positions == sorted(positions), positions
    assert case.file_number in text
