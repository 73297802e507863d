"""Judicial confirmation (CPL Arts. 205-206; SPC-2011 Arts. 4, 7; CPL Interpretation Arts. 355,
358): no application while a party disputes a term; a term that settles a status relation is
refused; what the dispute type, the parties or words in the terms only suggest must be cleared
by whoever records the application."""

from __future__ import annotations

import pytest

from domain import aftercare, agreements, confirmability
from domain.calendar import local_today
from domain.confirmability import Bar
from domain.errors import ValidationFailed
from domain.intake import PartyData
from models.enums import DisputeType, PartyKind, PartyRole, Performance, Sex
from models.states import CaseState

KW = {"court": "公安县人民法院", "all_parties_join": True}


def _effective(world, db, terms=None, **kw):
    """An agreed case whose written agreement took effect today, with `terms` if given."""
    case = world.case(CaseState.AGREED, **kw)
    if terms is not None:
        case.agreement.terms = list(terms)
        case.agreement.performance = ["pending"] * len(terms)
    for row in agreements.signers(case):
        agreements.sign_agreement(
            case,
            world.mediator,
            version=None,
            signer=row.kind,
            party=row.party,
            signed_on=local_today(),
        )
    db.session.flush()
    assert case.agreement.effective_on is not None
    return case


def _apply(case, world, **kw):
    return aftercare.apply_confirmation(
        case, world.mediator, version=None, applied_on=local_today(), **KW, **kw
    )


def test_a_plain_agreement_meets_nothing(world, db):
    case = _effective(world, db)  # neighbours: clear a ditch
    found = confirmability.check(case)
    assert not found.refused and found.findings == [] and found.to_confirm == []
    _apply(case, world)
    assert len(case.confirmations) == 1


def test_no_application_while_a_party_disputes_a_term(world, db):
    case = _effective(world, db, terms=["被申请人于十日内疏通排水沟", "被申请人赔偿500元"])
    agreements.record_performance(
        case,
        world.mediator,
        version=None,
        term=2,
        status=Performance.DISPUTED,
        note="被申请人认为赔偿数额过高",
    )
    found = confirmability.check(case)
    assert found.refused and found.disputed == [
        (2, "被申请人赔偿500元", "被申请人认为赔偿数额过高")
    ]
    with pytest.raises(ValidationFailed) as info:
        _apply(case, world, confirmed_not=list(Bar))  # clearing every bar does not help
    assert "disputes term 2" in str(info.value.message)
    assert case.confirmations == []
    # Settled: the term is performed after all; the parties may apply.
    agreements.record_performance(
        case, world.mediator, version=None, term=2, status=Performance.PERFORMED
    )
    _apply(case, world)
    assert len(case.confirmations) == 1


@pytest.mark.parametrize(
    "term",
    [
        "双方同意离婚，婚生子由女方抚养",
        "解除收养关系",
        "确认张某与李某的亲子关系",
        "变更监护人为其祖父",
    ],
)
def test_a_term_that_settles_a_status_relation_is_refused(world, db, term):
    case = _effective(world, db, terms=[term], dtype=DisputeType.HYJT)
    found = confirmability.check(case)
    assert found.refused and found.refusals[0].bar == Bar.STATUS
    with pytest.raises(ValidationFailed) as info:
        _apply(case, world, confirmed_not=list(Bar))  # no confirmation gets past it
    assert "settles a status relation" in str(info.value.message)
    assert case.confirmations == []


def test_a_status_that_already_changed_is_a_warning(world, db):
    """ "双方已于…协议离婚" states a fact; the agreement is about support money."""
    terms = ["双方已于2025年3月协议离婚，现就子女抚养费达成协议", "男方每月支付抚养费800元"]
    case = _effective(world, db, terms=terms, dtype=DisputeType.HYJT)
    found = confirmability.check(case)
    assert not found.refused and found.to_confirm == [Bar.STATUS]
    with pytest.raises(ValidationFailed) as info:
        _apply(case, world)
    assert info.value.field == "not_status"
    assert case.confirmations == []
    _apply(case, world, confirmed_not=[Bar.STATUS])
    assert case.events[-1].data["confirmed_not"] == ["status"]


def test_the_dispute_type_alone_asks_for_a_confirmation(world, db):
    case = _effective(
        world, db, terms=["被申请人每月10日前支付赡养费500元"], dtype=DisputeType.HYJT
    )
    found = confirmability.check(case)
    assert [(f.bar, f.source) for f in found.findings] == [(Bar.STATUS, "type")]
    with pytest.raises(ValidationFailed) as info:
        _apply(case, world, confirmed_not=[Bar.OWNERSHIP])  # clearing another bar is not enough
    assert info.value.field == "not_status"


def test_ownership_words_in_a_term(world, db):
    terms = ["父母遗留房屋归张三所有", "张三于月底前向李四支付房屋折价款5万元"]
    case = _effective(world, db, terms=terms, dtype=DisputeType.HYJT)
    found = confirmability.check(case)
    ownership = [f for f in found.findings if f.bar == Bar.OWNERSHIP]
    assert [(f.term, f.words) for f in ownership] == [(1, ("归张三所有",))]
    assert found.to_confirm == [Bar.STATUS, Bar.OWNERSHIP]
    with pytest.raises(ValidationFailed) as info:
        _apply(case, world, confirmed_not=[Bar.STATUS])
    assert info.value.field == "not_ownership"
    _apply(case, world, confirmed_not=[Bar.STATUS, Bar.OWNERSHIP])
    assert case.events[-1].data["confirmed_not"] == ["status", "ownership"]


def test_special_procedures_and_others_interests(world, db):
    terms = ["待被申请人公司破产清算后支付工资", "占用的集体土地由村集体收回"]
    case = _effective(world, db, terms=terms)
    assert confirmability.check(case).to_confirm == [Bar.SPECIAL_PROCEDURE, Bar.OTHERS]


def test_a_third_party_asks_about_others_interests(world, db):
    parties = [
        PartyData(role=PartyRole.APPLICANT, name="王甲", kind=PartyKind.PERSON, sex=Sex.MALE),
        PartyData(role=PartyRole.RESPONDENT, name="李乙", kind=PartyKind.PERSON),
        PartyData(role=PartyRole.THIRD_PARTY, name="赵丙", kind=PartyKind.PERSON),
    ]
    case = _effective(world, db, parties=parties)
    found = confirmability.check(case)
    assert [(f.bar, f.source) for f in found.findings] == [(Bar.OTHERS, "parties")]


def test_marked_cuts_a_term_around_the_words():
    assert confirmability.marked("父母遗留房屋归张三所有，存款平分", ("归张三所有",)) == [
        ("父母遗留房屋", False),
        ("归张三所有", True),
        ("，存款平分", False),
    ]
    assert confirmability.marked("<b>", ()) == [("<b>", False)]
