"""Who may do what to a case at each stage: the one table of domain.permissions (MAY), and the
domain verbs that ask it. The desk acts before dispatch; the handling committee after (and the
joint-mediation centre while it organises); leaders correct; administrators do no case work."""

from __future__ import annotations

import pytest

from domain.consent import record_consent
from domain.errors import NotPermitted
from domain.links import link_cases, merge_cases
from domain.mediation import record_session
from domain.permissions import MAY, Work, may, may_receive_transfer
from domain.transfers import send_transfer
from models.enums import ConsentStatus, ContactMethod, Role, SessionMode
from models.states import CaseState
from tests.factories import events_of, user

STAGES = (
    CaseState.REGISTERED,
    CaseState.NOT_ACCEPTED,
    CaseState.ACCEPTED,
    CaseState.DISPATCHED,
    CaseState.MEDIATING,
    CaseState.SUSPENDED,
    CaseState.JOINT_MEDIATION,
    CaseState.AGREED,
    CaseState.FAILED,
    CaseState.TERMINATED,
    CaseState.ARCHIVED,
)
BEFORE_DISPATCH = (CaseState.REGISTERED, CaseState.ACCEPTED, CaseState.NOT_ACCEPTED)
# What the desk keeps at every stage: the citizen's new code, the report back to the
# referring body, the outside body's signature for a transfer out.
DESK_THROUGHOUT = {Work.REFERRAL, Work.RESET_CODE, Work.TRANSFER_OUT_ACK}


@pytest.fixture
def cases(world, db):
    return {state: world.case(state) for state in STAGES}


def test_every_kind_of_work_has_its_row():
    assert set(MAY) == set(Work)


def test_the_desk_holds_a_case_until_dispatch(world, cases):
    for state, case in cases.items():
        at_desk = state in BEFORE_DISPATCH
        for work in (Work.SCREEN, Work.CONSENT, Work.KEEP_FILE, Work.LINK, Work.MERGE):
            assert may(world.clerk, work, case) is at_desk, (state, work)
        assert may(world.clerk, Work.TRANSFER, case) is at_desk, state
        assert may(world.clerk, Work.CORRECT, case) is at_desk, state
        waiting = state == CaseState.DISPATCHED
        assert may(world.clerk, Work.NAME_MEDIATOR, case) is waiting, state
        assert may(world.clerk, Work.DISPATCH, case) is (at_desk or waiting), state
        for work in (Work.MEDIATE, Work.CLOCK, Work.AGREEMENT, Work.MEDIATORS, Work.FOLLOW_UP):
            assert not may(world.clerk, work, case), (state, work)
        assert not may(world.clerk, Work.RECUSAL_REQUEST, case), state
        for work in DESK_THROUGHOUT:
            assert may(world.clerk, work, case), (state, work)


def test_then_the_handling_committee(world, cases):
    for state, case in cases.items():
        at_committee = state not in BEFORE_DISPATCH
        for who in (world.director, world.mediator):
            for work in (Work.CONSENT, Work.CORRECT, Work.KEEP_FILE, Work.LINK, Work.ARCHIVE):
                holds = at_committee and (who is world.director or state != CaseState.DISPATCHED)
                assert may(who, work, case) is holds, (who.username, state, work)
        # A colleague of the committee who is not on the case does not record its work.
        assert not may(world.mediator_b, Work.CONSENT, case), state
        assert not may(world.mediator_b, Work.MEDIATE, case), state


def test_leaders_oversee_correct_and_watch_the_risk_only(world, cases):
    # Besides correcting what was registered, leaders grade a case's risk and record a report
    # to the police (PML Art. 25).
    theirs = {Work.CORRECT, Work.RISK}
    for state, case in cases.items():
        for work in Work:
            if work not in theirs:
                assert not may(world.leader, work, case), (state, work)
        for work in theirs:
            assert may(world.leader, work, case), (state, work)
            assert not may(world.leader2, work, case), (state, work)  # another county's leader


def test_administrators_do_no_case_work(world, cases):
    for state, case in cases.items():
        for work in Work:
            assert not may(world.admin, work, case), (state, work)


@pytest.mark.parametrize("state", [CaseState.DISPATCHED, CaseState.MEDIATING])
@pytest.mark.parametrize("who", ["clerk", "leader", "admin", "mediator_b"])
def test_only_the_committee_records_a_refusal_once_dispatched(world, db, state, who):
    """PML Art. 17: a party's refusal ends the case; once a committee holds it, only the
    committee records the parties' answers."""
    case = world.case(state, consented=False)
    with pytest.raises(NotPermitted):
        record_consent(
            case,
            case.respondents[0],
            getattr(world, who),
            version=None,
            status=ConsentStatus.REFUSED,
            method=ContactMethod.PHONE,
        )
    assert case.state == state and case.closure_reason is None
    assert events_of(case, "refuse") == []
    holder = world.director if state == CaseState.DISPATCHED else world.mediator
    record_consent(
        case,
        case.respondents[0],
        holder,
        version=None,
        status=ConsentStatus.REFUSED,
        method=ContactMethod.PHONE,
    )
    assert case.state == CaseState.REFUSED


def test_the_desk_records_a_refusal_at_intake(world, db):
    case = world.case(CaseState.ACCEPTED)
    with pytest.raises(NotPermitted):
        record_consent(
            case,
            case.respondents[0],
            world.leader,
            version=None,
            status=ConsentStatus.REFUSED,
            method=ContactMethod.IN_PERSON,
        )
    record_consent(
        case,
        case.respondents[0],
        world.clerk,
        version=None,
        status=ConsentStatus.REFUSED,
        method=ContactMethod.IN_PERSON,
    )
    assert case.state == CaseState.REFUSED


def test_the_desk_and_leaders_neither_merge_nor_transfer_a_committees_case(world, db):
    case = world.case(CaseState.MEDIATING)
    into = world.case(CaseState.MEDIATING)
    for who in (world.clerk, world.leader):
        with pytest.raises(NotPermitted):
            merge_cases(case, into.number, who, version=None, reason="同一纠纷")
        with pytest.raises(NotPermitted):
            send_transfer(case, who, version=None, to_org=world.township_centre, reason="x")
        with pytest.raises(NotPermitted):
            link_cases(case, into.number, who, version=None, kind="related")
    assert case.state == CaseState.MEDIATING and not case.transfers


def test_another_countys_desk_does_not_hold_a_case_on_its_way(world, db):
    """A transfer waiting for acknowledgement shows the case to the receiving area's desk,
    which may answer it, but does not make the case theirs to screen, ask or send on."""
    case = world.case(CaseState.ACCEPTED)
    t = send_transfer(case, world.clerk, version=None, to_org=world.village3_committee, reason="x")
    db.session.flush()
    assert may_receive_transfer(world.clerk2, t)
    for work in (Work.CONSENT, Work.DISPATCH, Work.CORRECT, Work.RESET_CODE, Work.REFERRAL):
        assert not may(world.clerk2, work, case), work
    assert not may_receive_transfer(world.leader2, t)


def test_the_joint_centre_mediates_while_it_organises(world, db):
    case = world.case(CaseState.JOINT_MEDIATION)
    organiser = case.joint_org
    director = user("tdirector", Role.DIRECTOR, organiser)
    leader = user("tleader", Role.LEADER, organiser)
    db.session.flush()
    assert may(director, Work.MEDIATE, case) and may(director, Work.KEEP_FILE, case)
    assert not may(leader, Work.MEDIATE, case)  # its leaders oversee, as everywhere
    with pytest.raises(NotPermitted):
        record_session(
            case,
            leader,
            version=None,
            held_at=case.created_at,
            place="镇中心",
            mode=SessionMode.IN_PERSON,
            notes="联动调解",
        )
    assert not may(director, Work.CLOCK, case)  # the handling committee's clock
