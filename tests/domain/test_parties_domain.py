"""Several parties in the domain: organisations with a unified social credit code, agents
acting for a party with an authority, the earlier-cases lookup by credit code, and merging
that keeps an agent with the party it acts for."""

from __future__ import annotations

import pytest

from domain.identity import IdentifierError, normalise_credit_code
from domain.intake import PartyData, register_case, submit_application
from domain.links import merge_cases
from domain.people import find_earlier_cases
from models.enums import AgentAuthority, PartyKind, PartyRole
from models.states import CaseState

CODE = "91421022MA49000015"


@pytest.mark.parametrize(
    "typed",
    [CODE, CODE.lower(), f"{CODE[:6]} {CODE[6:12]}-{CODE[12:]}", "９１421022MA49000015"],
)
def test_credit_codes_typed_loosely(typed):
    assert normalise_credit_code(typed) == CODE


@pytest.mark.parametrize(
    "bad", ["", "91421022MA49000016", "91421022MA4900001", "9" * 300, "91421022MA4900001I", "\x00"]
)
def test_bad_credit_codes(bad):
    with pytest.raises(IdentifierError):
        normalise_credit_code(bad)


def parties(code: str | None = CODE) -> list[PartyData]:
    return [
        PartyData(role=PartyRole.APPLICANT, name="李春华", phone="13812345678"),
        PartyData(role=PartyRole.RESPONDENT, name="黄建国", phone="13900001111"),
        PartyData(
            role=PartyRole.RESPONDENT,
            name="荆州市恒通物流有限公司",
            kind=PartyKind.ORGANISATION,
            credit_code=code,
            legal_rep="王建国",
            legal_rep_post="总经理",
        ),
        PartyData(
            role=PartyRole.AGENT,
            name="赵明",
            acts_for=2,
            authority=AgentAuthority.GENERAL,
            phone="13700002222",
        ),
    ]


def test_registration_keeps_every_party_and_the_agent_principal(world, db):
    case, _code = register_case(world.case_data(parties=parties(CODE.lower())), world.clerk)
    applicant, neighbour, firm, lawyer = case.parties
    assert [p.position for p in case.parties] == [0, 1, 2, 3]
    assert case.respondents == [neighbour, firm] and case.principals == case.parties[:3]
    assert firm.credit_code == CODE and firm.legal_rep == "王建国"
    assert lawyer.principal is firm and lawyer.agent_authority == AgentAuthority.GENERAL
    assert lawyer.phone_norm == "+8613700002222"
    assert applicant.principal is None and applicant.agent_authority is None


def test_the_citizens_form_rules_stay_the_same(world, db):
    """Online applications take organisations with their credit code too; a bad one is
    refused as an identifier, like a bad ID number."""
    case, _code = submit_application(world.case_data(parties=parties()[:3]))
    assert case.parties[2].credit_code == CODE
    with pytest.raises(IdentifierError):
        submit_application(world.case_data(parties=parties("91421022MA49000016")[:3]))


def test_an_agent_is_a_person_acting_for_a_party(world, db):
    from domain.errors import ValidationFailed

    wrong = parties()
    wrong[3].kind = PartyKind.ORGANISATION
    with pytest.raises(ValidationFailed):
        register_case(world.case_data(parties=wrong), world.clerk)
    wrong = parties() + [
        PartyData(
            role=PartyRole.AGENT, name="再转委托", acts_for=3, authority=AgentAuthority.GENERAL
        )
    ]
    with pytest.raises(ValidationFailed):  # not for another agent
        register_case(world.case_data(parties=wrong), world.clerk)
    wrong = parties()
    wrong[1].acts_for = 0
    with pytest.raises(ValidationFailed):  # only agents act for someone
        register_case(world.case_data(parties=wrong), world.clerk)


def test_earlier_cases_by_credit_code(world, db):
    old = world.case(parties=parties())
    world.case()  # other people
    rows = find_earlier_cases(world.clerk, credit_code=CODE.lower())
    assert [(c.number, str(why)) for c, _p, why in rows] == [(old.number, "same credit code")]
    assert rows[0][1].name == "荆州市恒通物流有限公司"
    assert find_earlier_cases(world.clerk, credit_code="91421022MA49000016") == []


def test_merge_keeps_an_agent_with_the_party_it_acts_for(world, db):
    a = world.case(CaseState.MEDIATING)
    b = world.case(CaseState.ACCEPTED, parties=parties())
    merge_cases(b, a.number, world.clerk, version=None, reason="同一纠纷")
    db.session.flush()
    firm = next(p for p in a.parties if p.credit_code == CODE)
    lawyer = next(p for p in a.parties if p.role == PartyRole.AGENT)
    assert lawyer.principal is firm and lawyer.agent_authority == AgentAuthority.GENERAL
    assert firm.case_id == a.id and lawyer.case_id == a.id
    # Merged again from a third case with the same company and agent: nothing duplicated.
    c = world.case(CaseState.ACCEPTED, parties=parties())
    before = len(a.parties)
    merge_cases(c, a.number, world.clerk, version=None, reason="同一纠纷")
    db.session.flush()
    assert len(a.parties) == before
