"""Recusal (MOJ-2002 Art. 26): while a party's request that a mediator be recused waits for the
director's decision, that mediator records nothing on the case, whatever the verb (one rule,
domain.permissions.may); a refusal keeps its reasons and gives the mediator the case back; a
grant replaces them."""

from datetime import UTC, datetime

import pytest

from domain import closing, consent, corrections, documents, links, records, recusal, transfers
from domain.aftercare import record_follow_up
from domain.clocks import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.mediation import record_agreement
from domain.next_step import next_step
from domain.permissions import Work, case_scope, challenged, may
from extensions import db as _db
from models import Case
from models.enums import (
    ClosureReason,
    ConsentStatus,
    ContactMethod,
    DocumentKind,
    NoticeAck,
    Performance,
    RecusalDecision,
    Role,
    Satisfaction,
)
from models.states import CaseState
from tests.factories import PNG, agreement_data, hold_session, user


def _session(case, who):
    return hold_session(case, who, notes="再次听取双方意见")


def _investigation(case, who):
    return records.record_investigation(
        case,
        who,
        version=None,
        held_at=datetime.now(UTC),
        place="现场",
        investigators=who.name,
        interviewee="邻居王某",
        record="核实排水沟堵塞情况",
    )


def _correct(case, who):
    data = corrections.DisputeCorrection(
        summary=case.summary + "（补正）",
        dispute_type=case.dispute_type,
        region=case.region,
        requests=list(case.requests),
        amount=case.amount,
    )
    return corrections.correct_dispute(case, who, version=None, data=data, reason="笔误")


def _link(case, who):
    other = Case.query.filter(Case.id != case.id).first()
    return links.link_cases(case, other.number, who, version=None, kind="related")


# Every kind of recording a mediator does on an open case.
VERBS = {
    "session": _session,
    "investigation": _investigation,
    "sign_record": lambda c, w: records.sign_record(c, c.sessions[0], w, version=None),
    "agreement": lambda c, w: record_agreement(c, w, version=None, data=agreement_data()),
    "failure": lambda c, w: closing.record_failure(c, w, version=None, reason="分歧过大"),
    "terminate": lambda c, w: closing.terminate(
        c, w, version=None, reason=ClosureReason.PARTY_WITHDREW, note="申请人撤回"
    ),
    "suspend": lambda c, w: closing.suspend(c, w, version=None, reason="当事人住院"),
    "extend": lambda c, w: closing.extend(
        c, w, version=None, days=10, reason="双方同意", both_parties_agree=True
    ),
    "consent": lambda c, w: consent.record_consent(
        c,
        c.applicants[0],
        w,
        version=None,
        status=ConsentStatus.AGREED,
        method=ContactMethod.IN_PERSON,
    ),
    "notice": lambda c, w: consent.acknowledge_notice(
        c, c.applicants[0], w, version=None, how=NoticeAck.WRITTEN
    ),
    "document": lambda c, w: documents.upload(c, DocumentKind.ID_PROOF, PNG, w, c.parties[0].id),
    "correction": _correct,
    "link": _link,
    "transfer": lambda c, w: transfers.send_transfer(
        c, w, version=None, to_name="公安县人民法院", reason="已起诉"
    ),
    "recusal_request": lambda c, w: recusal.request_recusal(
        c, c.respondents[0], w, w, version=None, grounds="另一方也提出回避"
    ),
}


@pytest.fixture
def challenged_case(world, db):
    """In mediation with a session; the applicant asks that the presiding mediator (`mediator`)
    be recused."""
    world.case(CaseState.MEDIATING)  # another case to link to
    return _challenge(world, world.case(CaseState.MEDIATING))


def _challenge(world, case):
    hold_session(case, world.mediator)
    _db.session.flush()
    request = recusal.request_recusal(
        case,
        case.applicants[0],
        world.mediator,
        world.director,
        version=None,
        grounds="调解员系被申请人的表兄",
    )
    _db.session.flush()
    case.request = request  # for the tests only
    return case


@pytest.mark.parametrize("verb", list(VERBS))
def test_the_challenged_mediator_records_nothing_until_refused(world, db, challenged_case, verb):
    case = challenged_case
    assert challenged(world.mediator, case)
    n_events = len(case.events)
    with pytest.raises(NotPermitted):
        VERBS[verb](case, world.mediator)
    assert len(case.events) == n_events
    # The director refuses, with the reasons: the mediator works the case again.
    recusal.decide_recusal(
        case, case.request, world.director, version=None, grant=False, note="经核实并无亲属关系"
    )
    assert not challenged(world.mediator, case)
    VERBS[verb](case, world.mediator)
    assert len(case.events) > n_events + 1


def test_the_challenged_mediator_may_not_declare_meanwhile(world, db, challenged_case):
    case = challenged_case
    for link in case.mediators:
        link.declared_no_conflict_at = None
    with pytest.raises(NotPermitted):
        recusal.declare_no_conflict(case, world.mediator, version=None)


def test_no_work_of_any_kind_is_offered_to_the_challenged_mediator(world, db, challenged_case):
    assert not [w for w in Work if may(world.mediator, w, challenged_case)]
    # Others working the case go on (the director records a session meanwhile).
    _session(challenged_case, world.director)
    # The case stays in the mediator's scope: they read it and see why.
    assert Case.query.filter(case_scope(world.mediator), Case.id == challenged_case.id).count()


def test_a_refusal_records_its_reasons(world, db, challenged_case):
    case = challenged_case
    with pytest.raises(ValidationFailed) as info:
        recusal.decide_recusal(case, case.request, world.director, version=None, grant=False)
    assert info.value.field == "note"
    recusal.decide_recusal(
        case, case.request, world.director, version=None, grant=False, note="理由不成立"
    )
    assert case.request.decision == RecusalDecision.REFUSED
    assert case.request.decision_note == "理由不成立"
    event = [e for e in case.events if e.action == "decide_recusal"][-1]
    assert event.note == "理由不成立" and event.data["decision"] == "refused"


def test_a_grant_replaces_the_mediator(world, db, challenged_case):
    case = challenged_case
    recusal.decide_recusal(
        case,
        case.request,
        world.director,
        version=None,
        grant=True,
        replacement=world.mediator_b,
    )
    db.session.flush()
    assert case.presiding_mediator == world.mediator_b
    assert not Case.query.filter(case_scope(world.mediator), Case.id == case.id).count()
    with pytest.raises(NotPermitted):
        _session(case, world.mediator)
    recusal.declare_no_conflict(case, world.mediator_b, version=None)
    _session(case, world.mediator_b)


def test_a_challenged_director_does_not_decide_their_own_recusal(world, db, challenged_case):
    case = challenged_case
    recusal.add_co_mediator(case, world.director, world.director, version=None)
    db.session.flush()
    mine = recusal.request_recusal(
        case, case.respondents[0], world.director, world.director, version=None, grounds="亲戚"
    )
    with pytest.raises(NotPermitted):
        recusal.decide_recusal(case, mine, world.director, version=None, grant=False, note="n")
    deputy = user("deputy", Role.DIRECTOR, world.village_committee)
    db.session.flush()
    recusal.decide_recusal(case, mine, deputy, version=None, grant=False, note="不成立")
    assert mine.decision == RecusalDecision.REFUSED


def test_a_request_still_waiting_when_mediation_ended_is_decided_afterwards(world, db):
    # A petition case: every ending is followed by a visit.
    case = _challenge(world, world.referral_case("petition", CaseState.MEDIATING))
    closing.terminate(
        case, world.director, version=None, reason=ClosureReason.PARTY_WITHDREW, note="撤回"
    )
    assert case.state == CaseState.TERMINATED
    visit = next(v for v in case.follow_ups if v.done_at is None)
    with pytest.raises(NotPermitted):  # not even the follow-up visit
        _visit(case, visit, world.mediator)
    assert any("recusal" in str(g) for g in closing.archive_gaps(case))
    recusal.decide_recusal(
        case, case.request, world.director, version=None, grant=False, note="案件已终止"
    )
    _visit(case, visit, world.mediator)
    assert not any("recusal" in str(g) for g in closing.archive_gaps(case))


def _visit(case, visit, who):
    record_follow_up(
        case,
        visit,
        who,
        version=None,
        visited_on=local_today(),
        performance=Performance.PERFORMED,
        satisfaction=Satisfaction.SATISFIED,
    )


def test_the_next_step_is_the_directors_decision(world, db, challenged_case):
    assert "recusal request" in str(next_step(challenged_case))
    recusal.decide_recusal(
        challenged_case,
        challenged_case.request,
        world.director,
        version=None,
        grant=False,
        note="n",
    )
    assert "recusal" not in str(next_step(challenged_case))
