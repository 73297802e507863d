"""The first half of the 2010 national document formats as PDF: application, register,
notice, investigation and session records, written and oral agreements, follow-up record. Each
is rendered from a case in the right state and read back with poppler: the case's own data is
in the text, a CJK font is embedded and the page is A4."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain import records
from domain.clocks import local_today
from domain.documents import html_to_pdf, render_html
from domain.intake import PartyData
from domain.mediation import AgreementData, record_agreement, record_session
from models.enums import AgreementKind, DocumentKind, PartyKind, PartyRole, SessionMode, Sex, Source
from models.states import CaseState
from tests.factories import earlier_today

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")),
    reason="poppler-utils not installed",
)

DECLARATION = "人民调解委员会已将申请人民调解的相关规定告知我，现自愿申请人民调解委员会进行调解。"
CHINA = ZoneInfo("Asia/Shanghai")


def ymd(value) -> str:
    """2026年11月23日, computed here independently of the templates' helper."""
    if isinstance(value, datetime):
        value = value.astimezone(CHINA).date()
    return f"{value.year}年{value.month}月{value.day}日"


def _poppler(*argv: str) -> str:
    return subprocess.run(list(argv), capture_output=True, text=True, check=True).stdout


def render(tmp_path, case, kind: DocumentKind, subject_id: int = 0) -> tuple[str, str]:
    """Render the document to a PDF file; return (its text without whitespace, path)."""
    pdf = html_to_pdf(render_html(case, kind, subject_id)).write_pdf()
    path = tmp_path / f"{kind.value}-{subject_id}.pdf"
    path.write_bytes(pdf)
    text = _poppler("pdftotext", "-enc", "UTF-8", str(path), "-")
    return re.sub(r"\s+", "", text), str(path)


def assert_print_ready(path: str) -> None:
    """A CJK font embedded (so it prints the same anywhere) and every page A4."""
    fonts = _poppler("pdffonts", path)
    cjk = [line for line in fonts.splitlines() if "cjk" in line.lower()]
    assert cjk, fonts
    assert all(" yes " in f" {line} " for line in cjk[:1]), fonts  # emb column
    info = _poppler("pdfinfo", path)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    # 210 x 297 mm = 595.28 x 841.89 pt (poppler prints 595.276).
    assert abs(float(size[1]) - 595.28) < 0.01 and abs(float(size[2]) - 841.89) < 0.01, info


def parties_full() -> list[PartyData]:
    return [
        PartyData(
            role=PartyRole.APPLICANT,
            name="李春华",
            sex=Sex.FEMALE,
            ethnicity="土家族",
            age=52,
            occupation="个体经营",
            phone="13812345678",
            address="公安县埠河镇新民村3组",
        ),
        PartyData(
            role=PartyRole.RESPONDENT,
            name="荆州市恒通物流有限公司",
            kind=PartyKind.ORGANISATION,
            legal_rep="王建国",
            legal_rep_post="总经理",
            phone="0716-5226688",
            address="公安县埠河镇工业园8号",
        ),
    ]


def test_application(world, db, tmp_path):
    case = world.case(
        CaseState.REGISTERED, parties=parties_full(), requests=["赔偿货物损失两千元", "赔礼道歉"]
    )
    case.amount = Decimal("2000")
    db.session.flush()
    text, path = render(tmp_path, case, DocumentKind.APPLICATION)
    assert "人民调解申请书" in text
    assert case.number in text
    for expected in (
        "李春华",
        "女",
        "土家族",
        "52",
        "个体经营",
        "13812345678",
        "公安县埠河镇新民村3组",
        "荆州市恒通物流有限公司",
        "王建国",
        "总经理",
        "申请人",
        "被申请人",
        "纠纷简要情况陈述",
        "当事人申请事项",
    ):
        assert expected in text, expected
    assert "1.赔偿货物损失两千元" in text and "2.赔礼道歉" in text
    assert re.sub(r"\s+", "", case.summary) in text
    assert "贰仟元整" in text
    assert DECLARATION in text
    assert "申请人（签名盖章或按指印）" in text
    assert ymd(case.created_at) in text
    assert_print_ready(path)


@pytest.mark.parametrize(
    ("source", "ticked", "unticked"),
    [
        (Source.APPLICATION, "☑①当事人申请", "□②人民调解委员会主动调解"),
        (Source.INITIATIVE, "☑②人民调解委员会主动调解", "□①当事人申请"),
    ],
)
def test_register(world, db, tmp_path, source, ticked, unticked):
    case = world.case(CaseState.ACCEPTED, online=False)
    case.source = source
    db.session.flush()
    text, path = render(tmp_path, case, DocumentKind.REGISTER)
    a, r = case.applicants[0].name, case.respondents[0].name
    assert "人民调解受理登记表" in text
    sentence = f"{ymd(case.accepted_at)}，本人民调解委员会经当事人同意，调解{a}、{r}之间的纠纷。"
    assert sentence in text
    assert "纠纷类型邻里纠纷" in text
    assert ticked in text and unticked in text
    assert re.sub(r"\s+", "", case.summary) in text
    committee = (case.handling_org or case.intake_org).name  # accepted, not yet dispatched
    for line in ("当事人（签名）", "登记人（签名）", f"{committee}（印章）"):
        assert line in text, line
    assert_print_ready(path)


def test_notice(world, db, tmp_path):
    case = world.case(CaseState.MEDIATING)
    text, path = render(tmp_path, case, DocumentKind.NOTICE)
    assert "人民调解当事人权利义务告知书" in text
    for p in case.parties:
        assert p.name in text
    for clause in (
        "人民调解委员会是依法设立的调解民间纠纷的群众性组织",  # nature
        "在当事人自愿、平等的基础上进行调解",
        "不违背法律、法规和国家政策",  # PML Art. 3
        "不得因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利",
        "具有法律约束力，当事人应当按照约定履行",  # effect (Art. 31)
        "不收取任何费用",  # Art. 4
        "选择或者接受人民调解员",
        "接受调解、拒绝调解或者要求终止调解",  # Art. 23
        "要求调解公开进行或者不公开进行",
        "自主表达意愿、自愿达成调解协议",
        "如实陈述纠纷事实",
        "遵守调解现场秩序，尊重人民调解员",  # Art. 24
        "尊重对方当事人行使权利",
    ):
        assert clause in text, clause
    assert text.count("当事人（签名）") == len(case.parties)
    assert_print_ready(path)


def test_investigation(world, db, tmp_path):
    case = world.case(CaseState.MEDIATING)
    held = earlier_today(timedelta(minutes=30))
    item = records.record_investigation(
        case,
        world.mediator,
        version=case.version,
        held_at=held,
        place="新民村3组田间",
        investigators="张调解、刘主任",
        interviewee="王五，男，60岁，邻居",
        record="问：排水沟何时堵塞？答：去年夏天暴雨后。",
    )
    db.session.flush()
    text, path = render(tmp_path, case, DocumentKind.INVESTIGATION, item.id)
    assert "人民调解调查记录" in text
    local = held.astimezone(CHINA)
    assert f"{ymd(held)}{local.hour}时{local.minute:02d}分" in text
    for expected in (
        "新民村3组田间",
        "张调解、刘主任",
        "王五，男，60岁，邻居",
        "问：排水沟何时堵塞？答：去年夏天暴雨后。",
        "被调查人（签名）",
        "调查人（签名）",
        "记录人（签名）",
    ):
        assert expected in text, expected
    assert_print_ready(path)


def test_session(world, db, tmp_path):
    case = world.case(CaseState.MEDIATING)
    held = earlier_today(timedelta(minutes=10))
    item = record_session(
        case,
        world.mediator,
        version=case.version,
        held_at=held,
        place="村委会调解室",
        mode=SessionMode.IN_PERSON,
        notes="调解员释明相关法律规定并进行风险提示",
        present=[case.applicants[0]],
        participants="村民小组长周六",
        accounts="申请人称排水沟被堵导致农田受淹",
        result="双方同意再行协商",
    )
    db.session.flush()
    text, path = render(tmp_path, case, DocumentKind.SESSION, item.id)
    assert "人民调解记录" in text
    a, r = case.applicants[0].name, case.respondents[0].name
    assert ymd(held) in text
    for expected in (
        "时间",
        "地点村委会调解室",
        f"事由{a}与{r}邻里纠纷",
        "参加人村民小组长周六",
        f"当事人{a}",
        "权利和承担的义务",
        "调解员张调解",
        "调解员释明相关法律规定并进行风险提示",
        "申请人称排水沟被堵导致农田受淹",
        "双方同意再行协商",
        "当事人（签名）",
        "调解员（签名）",
        "记录人（签名）",
        "新民村人民调解委员会（印章）",
    ):
        assert expected in text, expected
    assert f"当事人{a}、{r}" not in text  # only the party present is listed
    assert_print_ready(path)


def _agreed(world, db, kind: AgreementKind, parties=None):
    case = world.case(CaseState.MEDIATING, parties=parties or parties_full())
    case.amount = Decimal("2000")
    record_session(
        case,
        world.mediator,
        version=case.version,
        held_at=earlier_today(timedelta(minutes=20)),
        place="村委会调解室",
        mode=SessionMode.IN_PERSON,
        notes="双方陈述事实",
    )
    record_agreement(
        case,
        world.mediator,
        version=case.version,
        data=AgreementData(
            kind=kind,
            agreed_on=local_today(),
            terms=["被申请人赔偿申请人货物损失人民币2000元", "申请人放弃其他请求"],
            facts="被申请人运输途中损坏申请人货物，双方就赔偿数额发生争议。",
            issues="货物损失的赔偿数额。",
            responsibilities="被申请人承担全部责任。",
            performance_manner="银行转账",
            performance_place="公安县埠河镇",
            performance_deadline=local_today() + timedelta(days=10),
        ),
    )
    db.session.flush()
    return case


def test_written_agreement_has_every_article_29_element(world, db, tmp_path):
    case = _agreed(world, db, AgreementKind.WRITTEN)
    agreement = case.agreement
    text, path = render(tmp_path, case, DocumentKind.AGREEMENT)
    assert "人民调解协议书" in text
    assert f"编号：{case.number}" in text
    # (1) the parties, with the standard fields; an organisation with its representative
    for expected in (
        "李春华",
        "女",
        "土家族",
        "52",
        "个体经营",
        "13812345678",
        "公安县埠河镇新民村3组",
        "荆州市恒通物流有限公司",
        "法定代表人王建国",
        "总经理",
        "0716-5226688",
    ):
        assert expected in text, expected
    # (2) main facts, disputed issues and responsibilities
    assert "纠纷主要事实、争议事项" in text
    assert "被申请人运输途中损坏申请人货物，双方就赔偿数额发生争议。" in text
    assert "被申请人承担全部责任。" in text
    assert "贰仟元整" in text
    # (3) the terms, numbered, and the manner, place and deadline of performance
    assert "经调解，自愿达成如下协议：" in text
    assert "1.被申请人赔偿申请人货物损失人民币2000元" in text and "2.申请人放弃其他请求" in text
    assert "履行方式银行转账" in text and "履行地点公安县埠河镇" in text
    assert "履行期限" in text and f"{ymd(agreement.performance_deadline)}前" in text
    # copies: one per party plus the committee's
    assert agreement.copies == len(case.parties) + 1 == 3
    assert "本协议一式3份，当事人、人民调解委员会各持一份。" in text
    # signatures: one line per party, the mediator, the recorder; the seal and the date
    assert text.count("当事人（签名盖章或按指印）") == len(case.parties)
    assert "人民调解员（签名）" in text and "记录人（签名）" in text
    assert "新民村人民调解委员会（印章）" in text
    assert ymd(agreement.agreed_on) in text
    assert_print_ready(path)


def test_oral_agreement(world, db, tmp_path):
    case = _agreed(world, db, AgreementKind.ORAL)
    text, path = render(tmp_path, case, DocumentKind.ORAL_AGREEMENT)
    assert "人民调解口头协议登记表" in text
    for expected in (
        "李春华",
        "荆州市恒通物流有限公司",
        "纠纷简要情况",
        "被申请人运输途中损坏申请人货物",
        "口头协议内容",
        "1.被申请人赔偿申请人货物损失人民币2000元",
        "履行方式银行转账",
        f"履行时限{ymd(case.agreement.performance_deadline)}前",
        "登记人（签名）",
        "新民村人民调解委员会（印章）",
        ymd(case.agreement.agreed_on),
    ):
        assert expected in text, expected
    assert_print_ready(path)


def test_follow_up(world, db, tmp_path):
    case = world.case(CaseState.ARCHIVED)
    visit = next(v for v in case.follow_ups if v.done_at is not None)
    text, path = render(tmp_path, case, DocumentKind.FOLLOW_UP, visit.id)
    a, r = case.applicants[0].name, case.respondents[0].name
    assert "人民调解回访记录" in text
    for expected in (
        f"当事人{a}、{r}",
        f"调解协议编号{case.number}",
        f"回访事由{a}与{r}邻里纠纷",
        f"回访时间{ymd(visit.visited_on)}",
        "协议履行情况：已履行",
        "满意程度：满意",
        "遗留问题及风险",
        "采取的措施",
        "回访人（签名）",
        "张调解",
        "新民村人民调解委员会",
    ):
        assert expected in text, expected
    assert_print_ready(path)
