"""Documents that list the parties show every one of them: two respondents, one of them a
company with its credit code and legal representative, and an agent under the party they act
for, on the application, the acceptance register, the agreement and the court report."""

from __future__ import annotations

import shutil

import pytest

from domain.intake import PartyData
from models.enums import (
    AgentAuthority,
    AgreementKind,
    DocumentKind,
    PartyKind,
    PartyRole,
    ReferralKind,
    Sex,
)
from models.states import CaseState
from tests.documents.test_documents_a import _agreed, assert_print_ready, render

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")

CREDIT_CODE = "91421022MA49000015"


def several_parties() -> list[PartyData]:
    """An applicant, two respondents (a neighbour and a company) and the company's agent."""
    return [
        PartyData(
            role=PartyRole.APPLICANT,
            name="李春华",
            sex=Sex.FEMALE,
            age=52,
            phone="13812345678",
            address="公安县埠河镇新民村3组",
        ),
        PartyData(
            role=PartyRole.RESPONDENT,
            name="黄建国",
            sex=Sex.MALE,
            age=60,
            phone="13900001111",
            address="公安县埠河镇新民村4组",
        ),
        PartyData(
            role=PartyRole.RESPONDENT,
            name="荆州市恒通物流有限公司",
            kind=PartyKind.ORGANISATION,
            credit_code=CREDIT_CODE,
            legal_rep="王建国",
            legal_rep_post="总经理",
            phone="0716-5226688",
            address="公安县埠河镇工业园8号",
        ),
        PartyData(
            role=PartyRole.AGENT,
            name="赵明律师",
            acts_for=2,
            authority=AgentAuthority.SPECIAL,
            phone="13700002222",
            occupation="湖北某某律师事务所",
        ),
    ]


def test_credit_code_is_valid():
    from stdnum.cn import uscc

    assert uscc.is_valid(CREDIT_CODE)


def _all_shown(text: str) -> None:
    for expected in (
        "李春华",
        "黄建国",
        "荆州市恒通物流有限公司",
        CREDIT_CODE,
        "王建国",
        "总经理",
        "赵明律师",
        "特别授权",
    ):
        assert expected in text, expected


def test_application_lists_both_respondents_and_the_agent(world, db, tmp_path):
    case = world.case(CaseState.REGISTERED, online=False, parties=several_parties())
    text, path = render(tmp_path, case, DocumentKind.APPLICATION)
    _all_shown(text)
    assert text.count("被申请人") >= 2 and "委托代理人" in text
    # The agent stands right after the company it acts for, not as a party of its own.
    assert text.index("荆州市恒通物流有限公司") < text.index("赵明律师")
    assert text.count("申请人（签名盖章或按指印）") == 1
    assert_print_ready(path)


def test_register_names_every_party_and_signature(world, db, tmp_path):
    case = world.case(CaseState.ACCEPTED, online=False, parties=several_parties())
    text, _path = render(tmp_path, case, DocumentKind.REGISTER)
    assert "调解李春华、黄建国、荆州市恒通物流有限公司之间的纠纷" in text
    assert text.count("当事人（签名）") == 3
    assert "荆州市恒通物流有限公司，法定代表人王建国" in text
    assert "委托代理人（签名）" in text and "赵明律师" in text


def test_agreement_lists_every_party_and_one_copy_each(world, db, tmp_path):
    case = _agreed(world, db, AgreementKind.WRITTEN, parties=several_parties())
    assert case.agreement.copies == 4  # three parties and the committee; not the agent
    text, path = render(tmp_path, case, DocumentKind.AGREEMENT)
    _all_shown(text)
    assert "法定代表人王建国" in text and f"统一社会信用代码{CREDIT_CODE}" in text
    assert "代理权限特别授权" in text
    assert "本协议一式4份" in text
    assert text.count("当事人（签名盖章或按指印）") == 3
    assert text.count("委托代理人（签名）") == 1
    assert_print_ready(path)


def test_court_report_lists_both_respondents_and_the_company_representative(world, db, tmp_path):
    case = world.referral_case(ReferralKind.COURT, CaseState.FAILED, parties=several_parties())
    text, path = render(tmp_path, case, DocumentKind.COURT_REPORT)
    assert "李春华与黄建国、荆州市恒通物流有限公司" in text
    assert "申请人：李春华" in text and "被申请人：黄建国" in text
    assert (
        f"被申请人：荆州市恒通物流有限公司（统一社会信用代码：{CREDIT_CODE}；"
        "法定代表人：王建国，总经理）" in text
    )
    assert "委托代理人：赵明律师（特别授权）" in text
    assert_print_ready(path)
