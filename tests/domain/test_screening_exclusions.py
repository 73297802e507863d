"""Screening out (MOJ-2002 Arts. 22, 24; PML Art. 18): a case is accepted only once the desk
has answered every exclusion; one that applies refuses it with the channel to use instead."""

from __future__ import annotations

import pytest

from domain import documents
from domain.errors import InvalidTransition, ValidationFailed
from domain.screening import (
    QUESTIONS,
    ScreeningData,
    accept_case,
    questions_for,
    screen_case,
    settled_by_referral,
)
from models.enums import ClosureReason, DocumentKind, Exclusion, ReferralKind
from models.states import CaseState


def _answers(**applies: bool) -> dict[Exclusion, bool]:
    """Every question answered "no", except those given."""
    return {e: applies.get(e.value, False) for e in QUESTIONS}


@pytest.mark.parametrize("missing", list(QUESTIONS))
def test_accept_without_every_confirmation_is_refused(world, db, missing):
    case = world.case()
    answers = _answers()
    del answers[missing]
    with pytest.raises(ValidationFailed) as info:
        accept_case(case, world.clerk, version=None, screening=ScreeningData(answers))
    assert info.value.field == missing.value
    assert case.state == CaseState.REGISTERED and case.accepted_at is None
    with pytest.raises(ValidationFailed):  # no answers at all
        accept_case(case, world.clerk, version=None, screening=ScreeningData())
    assert case.state == CaseState.REGISTERED


@pytest.mark.parametrize("exclusion", list(QUESTIONS))
def test_accepting_a_case_an_exclusion_covers_is_refused(world, db, exclusion):
    case = world.case()
    screening = ScreeningData(_answers(**{exclusion.value: True}), redirect_advice="向法院起诉")
    with pytest.raises(ValidationFailed) as info:
        accept_case(case, world.clerk, version=None, screening=screening)
    assert info.value.field == exclusion.value
    assert case.state == CaseState.REGISTERED


def test_screening_with_every_exclusion_cleared_accepts(world, db):
    case = world.case()
    state = screen_case(
        case,
        world.clerk,
        version=case.version,
        screening=ScreeningData(_answers(), note="已核实：未起诉、未报行政机关处理"),
    )
    assert state == CaseState.ACCEPTED and case.due_on is not None
    event = case.events[-1]
    assert event.action == "accept" and event.note == "已核实：未起诉、未报行政机关处理"
    assert event.data["screening"] == {
        "court": "clear",
        "administrative": "clear",
        "reserved": "clear",
    }


def test_an_exclusion_that_applies_refuses_with_the_channel(world, db):
    case = world.case()
    screening = ScreeningData(
        _answers(court=True),
        note="申请人已于上月向公安县人民法院起诉，法院已立案",
        redirect_advice="请向公安县人民法院了解诉讼进展，也可在诉讼中申请法院主持调解",
    )
    state = screen_case(case, world.clerk, version=None, screening=screening)
    assert state == CaseState.NOT_ACCEPTED
    assert case.not_accepted_grounds == ["court"]
    assert case.redirect_advice.startswith("请向公安县人民法院")
    assert case.not_accepted_reason == "申请人已于上月向公安县人民法院起诉，法院已立案"
    assert case.closure_reason == ClosureReason.NOT_ACCEPTED and case.closed_at is not None
    assert case.accepted_at is None and case.due_on is None  # no clock ever started
    event = case.events[-1]
    assert (event.action, event.to_state, event.public) == ("not_accept", "not_accepted", True)
    assert event.data["grounds"] == ["court"]
    assert event.data["screening"]["court"] == "applies"
    # The notice states the ground (Art. 22) and where to go instead (Art. 24).
    html = documents.render_html(case, DocumentKind.NON_ACCEPTANCE)
    assert "第二十二条" in html and "已经向人民法院起诉或者向仲裁机构申请仲裁" in html
    assert "请向公安县人民法院了解诉讼进展" in html


def test_several_grounds_are_all_recorded(world, db):
    case = world.case()
    screening = ScreeningData(
        _answers(administrative=True, reserved=True), redirect_advice="请向派出所报案"
    )
    screen_case(case, world.clerk, version=None, screening=screening)
    assert case.not_accepted_grounds == ["administrative", "reserved"]


def test_an_exclusion_without_advice_changes_nothing(world, db):
    case = world.case()
    for advice in (None, "   "):
        screening = ScreeningData(_answers(reserved=True), redirect_advice=advice)
        with pytest.raises(ValidationFailed) as info:
            screen_case(case, world.clerk, version=None, screening=screening)
        assert info.value.field == "redirect_advice"
    assert case.state == CaseState.REGISTERED and case.not_accepted_grounds is None


def test_screening_an_accepted_case_is_a_transition_error(world, db):
    case = world.case(CaseState.ACCEPTED)
    with pytest.raises(InvalidTransition):
        screen_case(case, world.clerk, version=None, screening=ScreeningData())


@pytest.mark.parametrize(
    ("kind", "settled"),
    [
        (ReferralKind.COURT, Exclusion.COURT),
        (ReferralKind.POLICE, Exclusion.ADMINISTRATIVE),
        (ReferralKind.PETITION, Exclusion.ADMINISTRATIVE),
    ],
)
def test_a_referral_answers_the_question_about_its_sender(world, db, kind, settled):
    """A court that delegates or entrusts a dispute asks for mediation (PML Art. 18; SPC-TY
    Art. 11): its case is not "already before a court". The other questions are still asked."""
    case = world.referral_case(kind)
    assert settled in settled_by_referral(case)
    assert settled not in questions_for(case)
    asked = [e for e in QUESTIONS if e != settled]
    assert questions_for(case) == asked
    # Still refused while another question is open.
    with pytest.raises(ValidationFailed) as info:
        accept_case(case, world.clerk, version=None, screening=ScreeningData({settled: False}))
    assert info.value.field == asked[0].value
    # Answering "applies" to the settled question does not refuse it: the referral answers.
    answers = {e: False for e in asked} | {settled: True}
    accept_case(case, world.clerk, version=None, screening=ScreeningData(answers))
    assert case.state == CaseState.ACCEPTED
    assert case.events[-1].data["screening"][settled.value] == "referral"


def test_an_entrusted_court_case_is_accepted_without_the_court_question(world, db):
    from models.enums import CourtMode, CourtProcedure

    case = world.referral_case(
        ReferralKind.COURT, court_mode=CourtMode.ENTRUSTED, court_procedure=CourtProcedure.SUMMARY
    )
    screening = ScreeningData({Exclusion.ADMINISTRATIVE: False, Exclusion.RESERVED: False})
    assert screen_case(case, world.clerk, version=None, screening=screening) == CaseState.ACCEPTED
