"""No agreement without the procedure (PML Arts. 17, 23-24, 27-29; MOJ-2002 Arts. 26, 30):
every party who signs agreed to mediate and acknowledged the notice, every mediator of the case
declared no conflict of interest, no recusal request waits, a session is recorded; and the
agreement states what its kind requires. Each test breaks one rule and expects a refusal that
names it, with nothing recorded."""

import pytest

from domain import recusal
from domain.consent import acknowledge_notice, record_consent
from domain.corrections import add_party
from domain.errors import ValidationFailed
from domain.intake import PartyData
from domain.mediation import Step, agreement_gaps, missing_content, record_agreement
from models.enums import (
    AgreementKind,
    ConsentStatus,
    ContactMethod,
    NoticeAck,
    PartyRole,
)
from models.states import CaseState
from tests.factories import agreement_data, hold_session


@pytest.fixture
def ready(world, db):
    """In mediation with everything the procedure asks: consent, notice, declaration, a session."""
    case = world.case(CaseState.MEDIATING)
    hold_session(case, world.mediator)
    db.session.flush()
    assert agreement_gaps(case) == []
    return case


def refused(case, world, data=None) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        record_agreement(case, world.mediator, version=None, data=data or agreement_data())
    assert case.state == CaseState.MEDIATING and case.agreement is None
    assert not [e for e in case.events if e.action == "record_agreement"]
    return info.value


def test_the_complete_procedure_records_the_written_agreement(world, db, ready):
    agreement = record_agreement(ready, world.mediator, version=None, data=agreement_data())
    assert ready.state == CaseState.AGREED
    assert agreement.issues == "排水沟由谁疏通，损失是否赔偿"
    assert agreement.facts and agreement.responsibilities and agreement.performance_deadline


def test_no_agreement_without_a_session(world, db):
    case = world.case(CaseState.MEDIATING)  # consent, notice and declaration, no session
    assert [g.step for g in agreement_gaps(case)] == [Step.SESSION]
    error = refused(case, world)
    assert "No session has been recorded" in error.message


def test_no_agreement_without_the_notice(world, db, ready):
    party = ready.respondents[0]
    party.notice_ack = NoticeAck.NONE
    assert [g.step for g in agreement_gaps(ready)] == [Step.CONSENT]
    error = refused(ready, world)
    assert party.name in error.message and "notice" in error.message


def test_no_agreement_without_a_partys_consent(world, db, ready):
    party = ready.applicants[0]
    party.consent = ConsentStatus.UNREACHABLE
    error = refused(ready, world)
    assert f"{party.name} has not agreed to mediation" in error.message


def test_a_third_party_who_signs_must_have_agreed_and_been_told(world, db, ready):
    third = add_party(
        ready,
        world.mediator,
        version=None,
        data=PartyData(role=PartyRole.THIRD_PARTY, name="王第三"),
        reason="保险公司作为第三人参加",
    )
    db.session.flush()
    assert {g.message for g in agreement_gaps(ready)} == {
        "王第三 has not agreed to mediation.",
        "王第三 has not acknowledged the rights and obligations notice.",
    }
    refused(ready, world)
    record_consent(
        ready,
        third,
        world.mediator,
        version=None,
        status=ConsentStatus.AGREED,
        method=ContactMethod.IN_PERSON,
    )
    acknowledge_notice(ready, third, world.mediator, version=None, how=NoticeAck.WRITTEN)
    assert agreement_gaps(ready) == []
    record_agreement(ready, world.mediator, version=None, data=agreement_data())
    assert ready.state == CaseState.AGREED


def test_no_agreement_before_every_mediator_declared(world, db, ready):
    recusal.add_co_mediator(ready, world.mediator_b, world.director, version=None)
    db.session.flush()
    [gap] = agreement_gaps(ready)
    assert gap.step == Step.DECLARATION and world.mediator_b.name in gap.message
    refused(ready, world)
    recusal.declare_no_conflict(ready, world.mediator_b, version=None)
    record_agreement(ready, world.mediator_b, version=None, data=agreement_data())
    assert ready.state == CaseState.AGREED


def test_no_agreement_while_a_recusal_request_waits(world, db, ready):
    recusal.add_co_mediator(ready, world.mediator_b, world.director, version=None)
    db.session.flush()
    recusal.declare_no_conflict(ready, world.mediator_b, version=None)
    recusal.request_recusal(
        ready,
        ready.applicants[0],
        world.mediator_b,
        world.director,
        version=None,
        grounds="调解员系被申请人的亲戚",
    )
    [gap] = agreement_gaps(ready)
    assert gap.step == Step.RECUSAL
    refused(ready, world)  # the presiding mediator is not challenged, but the request waits


@pytest.mark.parametrize(
    "field",
    ["facts", "issues", "responsibilities", "terms", "performance_manner", "performance_deadline"],
)
def test_a_written_agreement_states_what_article_29_lists(world, db, ready, field):
    empty = [] if field == "terms" else None
    error = refused(ready, world, agreement_data(**{field: empty}))
    assert error.field == field


def test_blank_text_is_not_content(world, db, ready):
    data = agreement_data(issues="   ", terms=["", "  "])
    assert [f for f, _m in missing_content(data)] == ["issues", "terms"]
    assert refused(ready, world, data).field == "issues"


@pytest.mark.parametrize("field", ["terms", "performance_manner"])
def test_an_oral_agreement_records_its_content_and_manner(world, db, ready, field):
    empty = [] if field == "terms" else "  "
    data = agreement_data(AgreementKind.ORAL, **{field: empty})
    assert refused(ready, world, data).field == field


def test_an_oral_agreement_needs_no_written_particulars(world, db, ready):
    data = agreement_data(
        AgreementKind.ORAL,
        facts=None,
        issues=None,
        responsibilities=None,
        performance_deadline=None,
    )
    agreement = record_agreement(ready, world.mediator, version=None, data=data)
    assert agreement.effective_on == agreement.agreed_on


def test_the_deadline_is_not_before_the_agreement(world, db, ready):
    from datetime import timedelta

    data = agreement_data()
    data.performance_deadline = data.agreed_on - timedelta(days=1)
    assert refused(ready, world, data).field == "performance_deadline"
