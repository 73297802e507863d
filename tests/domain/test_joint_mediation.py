"""Joint mediation is real: after the second failure the centre one level up organises it, its
director and mediators see the case and work it (case_scope, MAY), and "failed" cannot end a
case before its joint mediation has failed too (a court's case goes back to the court)."""

import pytest
import sqlalchemy as sa

from domain import closing, consent
from domain.corrections import add_party
from domain.errors import NotPermitted, ValidationFailed
from domain.intake import PartyData
from domain.mediation import record_agreement
from domain.permissions import Work, case_scope, may
from extensions import db as _db
from models import Case
from models.enums import (
    AgreementKind,
    ClosureReason,
    ConsentStatus,
    ContactMethod,
    NoticeAck,
    PartyRole,
    Role,
)
from models.states import CaseState
from tests.factories import agreement_data, hold_session, user


def _scope_ids(who) -> set[int]:
    return set(_db.session.scalars(sa.select(Case.id).where(case_scope(who))))


@pytest.fixture
def joint(world, db):
    case = world.case(CaseState.JOINT_MEDIATION)
    assert case.joint_org == world.township_centre
    return case


@pytest.fixture
def centre(world, db):
    """The organising centre's director and one of its mediators."""
    staff = (
        user("tdirector", Role.DIRECTOR, world.township_centre, "镇主任"),
        user("tmediator", Role.MEDIATOR, world.township_centre, "镇调解员"),
    )
    _db.session.flush()
    return staff


def test_the_organising_centre_sees_the_case(world, db, joint, centre):
    director, mediator = centre
    other = world.case(CaseState.MEDIATING)
    assert joint.id in _scope_ids(director) and joint.id in _scope_ids(mediator)
    assert other.id not in _scope_ids(mediator)  # only the joint mediations of its centre
    # Another centre's mediator does not.
    stranger = user("smediator", Role.MEDIATOR, world.county2_centre)
    _db.session.flush()
    assert joint.id not in _scope_ids(stranger)


def test_the_organising_centre_works_the_case(world, db, joint, centre):
    director, mediator = centre
    for who in centre:
        for work in (Work.MEDIATE, Work.CONSENT, Work.KEEP_FILE, Work.AGREEMENT):
            assert may(who, work, joint), (who.username, work)
    hold_session(joint, mediator, notes="联动调解：司法所、派出所参加")
    agreement = record_agreement(joint, mediator, version=None, data=agreement_data())
    assert joint.state == CaseState.AGREED and agreement.recorded_by_id == mediator.id
    # The agreement reached there is the centre's to follow up (signatures, performance).
    assert may(director, Work.AGREEMENT, joint) and may(mediator, Work.AGREEMENT, joint)
    # While the case was in joint mediation, not after: no more mediating.
    assert not may(mediator, Work.MEDIATE, joint)


def test_the_organising_centre_records_a_new_partys_consent(world, db, joint, centre):
    director, _mediator = centre
    party = add_party(
        joint,
        director,
        version=None,
        data=PartyData(role=PartyRole.THIRD_PARTY, name="镇第三人"),
        reason="联动调解中发现的利害关系人",
    )
    consent.record_consent(
        joint,
        party,
        director,
        version=None,
        status=ConsentStatus.AGREED,
        method=ContactMethod.IN_PERSON,
    )
    consent.acknowledge_notice(joint, party, director, version=None, how=NoticeAck.WRITTEN)
    assert party.consent == ConsentStatus.AGREED


def test_its_failure_ends_the_case(world, db, joint, centre):
    _director, mediator = centre
    closing.record_failure(joint, mediator, version=None, reason="联动调解仍未达成协议")
    assert joint.state == CaseState.FAILED and joint.closure_reason == ClosureReason.FAILED


def test_its_leaders_oversee_it_only(world, db, joint):
    leader = user("tleader", Role.LEADER, world.township_centre)
    _db.session.flush()
    assert not may(leader, Work.MEDIATE, joint)


# ---- "failed" cannot skip the joint mediation --------------------------------------------------


@pytest.mark.parametrize("failures", [0, 1])
def test_terminate_as_failed_is_refused_before_joint_mediation(world, db, failures):
    case = world.case(CaseState.MEDIATING)
    for _ in range(failures):
        closing.record_failure(case, world.mediator, version=None, reason="分歧较大")
    with pytest.raises(ValidationFailed) as info:
        closing.terminate(
            case, world.mediator, version=None, reason=ClosureReason.FAILED, note="调解不成"
        )
    assert info.value.field == "reason"
    assert case.state == CaseState.MEDIATING and case.closure_reason is None
    # Other grounds still end it.
    closing.terminate(
        case, world.mediator, version=None, reason=ClosureReason.PERIOD_EXPIRED, note="期满"
    )
    assert case.state == CaseState.TERMINATED


def test_terminate_as_failed_is_refused_while_suspended(world, db):
    case = world.case(CaseState.SUSPENDED)
    with pytest.raises(ValidationFailed):
        closing.terminate(
            case, world.mediator, version=None, reason=ClosureReason.FAILED, note="调解不成"
        )


def test_terminate_as_failed_ends_a_joint_mediation(world, db, joint, centre):
    closing.terminate(
        joint, centre[0], version=None, reason=ClosureReason.FAILED, note="联动调解不成"
    )
    assert joint.state == CaseState.TERMINATED and joint.closure_reason == ClosureReason.FAILED


def test_a_courts_case_may_end_as_failed_at_once(world, db):
    """SPC-TY Art. 26: the mediator may end a court's mediation when the parties are too far
    apart; the case goes back to the court, never to joint mediation (Art. 21)."""
    case = world.referral_case("court", CaseState.MEDIATING)
    closing.terminate(
        case, world.mediator, version=None, reason=ClosureReason.FAILED, note="双方分歧过大"
    )
    assert case.state == CaseState.TERMINATED and case.closure_reason == ClosureReason.FAILED


def test_an_oral_agreement_in_joint_mediation_needs_its_manner(world, db, joint, centre):
    with pytest.raises(ValidationFailed) as info:
        record_agreement(
            joint,
            centre[1],
            version=None,
            data=agreement_data(AgreementKind.ORAL, performance_manner=None),
        )
    assert info.value.field == "performance_manner"


def test_a_stranger_cannot_mediate_it(world, db, joint):
    stranger = user("smediator", Role.MEDIATOR, world.county2_centre)
    _db.session.flush()
    with pytest.raises(NotPermitted):
        hold_session(joint, stranger)
