"""domain.transfers: down, up, across and out; acknowledgement moves the handling
organisation and keeps the number; decline, withdraw; out → terminated with its reason;
one pending transfer only; who may do what; the receiver sees the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain.clocks import local_today
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from domain.permissions import case_scope, get_case_for
from domain.states import Action
from domain.transfers import (
    accept_transfer,
    decline_transfer,
    direction_between,
    incoming_transfers,
    record_out_acknowledgement,
    send_transfer,
    withdraw_transfer,
)
from extensions import db as _db
from models import Case, TimeLimitRule
from models.enums import ClosureReason, OrgKind, Role, TransferDirection
from models.states import CaseState
from tests.factories import events_of, org, user


def test_directions_from_region_levels(world):
    assert direction_between(world.village_committee, world.township_centre) == TransferDirection.UP
    assert direction_between(world.county_centre, world.village_committee) == TransferDirection.DOWN
    assert direction_between(world.county_centre, world.traffic) == TransferDirection.ACROSS
    assert direction_between(world.county_centre, world.court) == TransferDirection.OUT


def test_up_and_acknowledged_moves_the_case_and_keeps_the_number(world, db):
    case = world.case(CaseState.MEDIATING)
    number = case.number
    township_director = user("tdir", Role.DIRECTOR, world.township_centre)
    _db.session.add(TimeLimitRule(organisation=world.township_centre, days=20))
    db.session.flush()
    t = send_transfer(
        case,
        world.mediator,
        version=case.version,
        to_org=world.township_centre,
        reason="涉及两个村，需由镇调处中心调解",
    )
    assert t.direction == "up" and t.status == "pending"
    assert t.from_org == world.village_committee
    assert case.state == CaseState.MEDIATING  # nothing moves until acknowledged
    # The receiving director sees the case now (and only while the transfer is pending).
    assert get_case_for(township_director, number) is case
    assert [x.id for x in incoming_transfers(township_director)] == [t.id]
    accept_transfer(case, t.id, township_director, version=case.version)
    db.session.flush()
    assert case.number == number
    assert case.state == CaseState.DISPATCHED
    assert case.handling_org == world.township_centre
    assert not any(m.active for m in case.mediators)
    assert case.time_limit_days == 20
    assert t.status == "acknowledged" and t.receiver_name == township_director.name
    [event] = events_of(case, Action.ACCEPT_TRANSFER)
    assert event.public and event.data["public_text"] == world.township_centre.name
    assert incoming_transfers(township_director) == []
    # The mediator who handed it on no longer sees it.
    assert get_case_for(world.mediator, number) is None


def test_down_from_the_centre_before_dispatch(world, db):
    case = world.case(CaseState.ACCEPTED)
    t = send_transfer(
        case, world.clerk, version=None, to_org=world.village_committee, reason="属地调解"
    )
    assert t.direction == "down" and t.from_org == world.county_centre
    accept_transfer(case, t.id, world.director, version=None)
    assert case.handling_org == world.village_committee
    assert case.state == CaseState.DISPATCHED


def test_across_to_another_county_visible_to_its_clerk(world, db):
    case = world.case(CaseState.DISPATCHED)
    t = send_transfer(
        case,
        world.director,
        version=None,
        to_org=world.village3_committee,
        reason="当事人居住在长江社区",
    )
    assert t.direction == "across"
    db.session.flush()
    assert get_case_for(world.clerk2, case.number) is case
    assert get_case_for(world.leader2, case.number) is case
    ids = db.session.scalars(sa.select(Case.id).where(case_scope(world.mediator2))).all()
    assert case.id not in ids  # mediators see only their assigned cases
    with pytest.raises(NotPermitted):  # the sending side does not acknowledge for them
        accept_transfer(case, t.id, world.clerk, version=None)
    accept_transfer(case, t.id, world.clerk2, version=None)
    assert case.handling_org == world.village3_committee


def test_decline_keeps_the_case_where_it_was(world, db):
    case = world.case(CaseState.MEDIATING)
    version_before_send = case.version
    t = send_transfer(
        case, world.director, version=None, to_org=world.township_centre, reason="疑难"
    )
    tdir = user("tdir", Role.DIRECTOR, world.township_centre)
    db.session.flush()
    with pytest.raises(ValidationFailed) as err:
        decline_transfer(case, t.id, tdir, version=None, reason=" ")
    assert err.value.field == "reason"
    decline_transfer(case, t.id, tdir, version=None, reason="应由村委会先行调解")
    assert t.status == "declined" and t.answer_note == "应由村委会先行调解"
    assert case.state == CaseState.MEDIATING
    assert case.handling_org == world.village_committee
    assert any(m.active for m in case.mediators)
    assert case.version > version_before_send
    db.session.flush()
    assert get_case_for(tdir, case.number) is None  # no longer pending: out of their scope
    # A new transfer may be sent after a decline.
    send_transfer(case, world.director, version=None, to_org=world.county_centre, reason="再报")


def test_withdraw_and_one_pending_only(world, db):
    case = world.case(CaseState.SUSPENDED)
    t = send_transfer(
        case, world.mediator, version=None, to_org=world.township_centre, reason="需要镇里协调"
    )
    with pytest.raises(ValidationFailed) as err:
        send_transfer(case, world.director, version=None, to_org=world.county_centre, reason="x")
    assert "already has a transfer" in err.value.message
    with pytest.raises(NotPermitted):
        withdraw_transfer(case, t.id, world.mediator2, version=None)
    withdraw_transfer(case, t.id, world.mediator, version=None)
    assert t.status == "withdrawn" and case.state == CaseState.SUSPENDED
    assert case.suspended_since is not None
    with pytest.raises(ValidationFailed):  # no longer pending
        accept_transfer(case, t.id, world.clerk, version=None)
    assert [e.action for e in case.events[-2:]] == ["send_transfer", "withdraw_transfer"]


def test_out_to_a_court_ends_mediation(world, db):
    case = world.case(CaseState.MEDIATING)
    t = send_transfer(
        case, world.mediator, version=None, to_org=world.court, reason="涉及确权，属法院管辖"
    )
    assert t.direction == "out" and t.to_name == world.court.name
    with pytest.raises(ValidationFailed):  # the outside body does not use the system
        accept_transfer(case, t.id, world.clerk, version=None)
    with pytest.raises(ValidationFailed) as err:
        record_out_acknowledgement(
            case, t.id, world.mediator, version=None, receiver_name="", received_on=local_today()
        )
    assert err.value.field == "receiver_name"
    with pytest.raises(ValidationFailed) as err:
        record_out_acknowledgement(
            case,
            t.id,
            world.mediator,
            version=None,
            receiver_name="立案庭 李某",
            received_on=local_today() + timedelta(days=1),
        )
    assert err.value.field == "received_on"
    record_out_acknowledgement(
        case,
        t.id,
        world.mediator,
        version=case.version,
        receiver_name="立案庭 李某",
        received_on=local_today(),
    )
    assert case.state == CaseState.TERMINATED
    assert case.closure_reason == ClosureReason.TRANSFERRED_OUT
    assert case.closed_at is not None and case.closure_notice == world.court.name
    assert t.status == "acknowledged" and t.receiver_name == "立案庭 李某"
    [event] = events_of(case, Action.ACK_TRANSFER_OUT)
    assert event.public and event.data["received_on"] == local_today().isoformat()


def test_out_to_a_typed_body_and_follow_up_for_petitions(world, db):
    from models.enums import Source

    case = world.case(CaseState.ACCEPTED)
    case.source = Source.PETITION
    t = send_transfer(
        case,
        world.clerk,
        version=None,
        to_name="公安县人力资源和社会保障局",
        reason="劳动争议应先行仲裁",
    )
    assert t.direction == "out" and t.to_org is None
    record_out_acknowledgement(
        case, t.id, world.clerk, version=None, receiver_name="张某", received_on=local_today()
    )
    assert case.state == CaseState.TERMINATED
    assert len(case.follow_ups) == 1  # petition-sourced cases are visited however they end


def test_send_validation_and_states(world, db):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed) as err:
        send_transfer(case, world.mediator, version=None, reason="x")
    assert err.value.field == "to_org"
    with pytest.raises(ValidationFailed) as err:
        send_transfer(case, world.mediator, version=None, to_org=world.township_centre, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(ValidationFailed) as err:
        send_transfer(
            case, world.mediator, version=None, to_org=world.village_committee, reason="x"
        )
    assert err.value.field == "to_org"
    closed = org("停用委员会", OrgKind.VILLAGE_COMMITTEE, world.village2)
    closed.active = False
    with pytest.raises(ValidationFailed):
        send_transfer(case, world.mediator, version=None, to_org=closed, reason="x")
    with pytest.raises(StaleCase):
        send_transfer(
            case, world.mediator, version=case.version - 1, to_org=world.township_centre, reason="x"
        )
    for state, holder in (
        (CaseState.REGISTERED, world.clerk),
        (CaseState.AGREED, world.director),
        (CaseState.JOINT_MEDIATION, world.director),
    ):
        other = world.case(state)
        with pytest.raises(InvalidTransition):
            send_transfer(other, holder, version=None, to_org=world.township_centre, reason="x")


def test_who_may_send_and_answer(world, db):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(NotPermitted):  # a co-worker who is not on the case
        send_transfer(
            case, world.mediator_b, version=None, to_org=world.township_centre, reason="x"
        )
    far_director = user("fdir", Role.DIRECTOR, world.village3_committee)
    db.session.flush()
    with pytest.raises(NotPermitted):
        send_transfer(case, far_director, version=None, to_org=world.township_centre, reason="x")
    # The committee holds the case: neither the desk nor a leader sends it on.
    for outsider in (world.clerk, world.leader, world.admin):
        with pytest.raises(NotPermitted):
            send_transfer(case, outsider, version=None, to_org=world.township_centre, reason="x")
    t = send_transfer(case, world.mediator, version=None, to_org=world.township_centre, reason="x")
    with pytest.raises(NotPermitted):  # the sending committee's director
        accept_transfer(case, t.id, world.director, version=None)
    with pytest.raises(NotPermitted):  # another county's clerk
        accept_transfer(case, t.id, world.clerk2, version=None)
    with pytest.raises(NotPermitted):
        decline_transfer(case, t.id, world.mediator, version=None, reason="x")
    with pytest.raises(NotPermitted):  # leaders oversee; the receiving side acknowledges
        accept_transfer(case, t.id, world.leader, version=case.version)
    with pytest.raises(NotPermitted):
        decline_transfer(case, t.id, world.leader, version=case.version, reason="x")
    with pytest.raises(StaleCase):
        accept_transfer(case, t.id, world.clerk, version=case.version - 1)
    accept_transfer(case, t.id, world.clerk, version=case.version)
    assert case.handling_org == world.township_centre
    assert t.answered_by == world.clerk and t.sent_by == world.mediator


def test_the_sender_does_not_see_its_own_transfer_to_acknowledge(world, db):
    from domain.transfers import incoming_transfers

    case = world.case(CaseState.ACCEPTED)  # still at the desk: the desk sends it
    colleague = user("clerk_b", Role.CLERK, world.county_centre)  # of the sending centre
    receiving_desk = user("clerk_t", Role.CLERK, world.township_centre)
    t = send_transfer(
        case, world.clerk, version=None, to_org=world.township_centre, reason="镇中心统一调处"
    )
    db.session.flush()
    assert t not in incoming_transfers(world.clerk)
    assert t not in incoming_transfers(colleague)
    assert t in incoming_transfers(receiving_desk)
    assert t not in incoming_transfers(world.leader)  # leaders do not acknowledge


def test_suspended_case_restarts_its_clock_at_the_receiver(world, db):
    case = world.case(CaseState.SUSPENDED)
    assert case.suspended_since is not None
    t = send_transfer(
        case, world.mediator, version=None, to_org=world.township_centre, reason="镇中心统一调处"
    )
    accept_transfer(case, t.id, world.clerk, version=None)
    assert case.state == CaseState.DISPATCHED
    assert case.suspended_since is None and case.due_on is not None


def test_days_suspended_are_kept_when_the_receiver_takes_the_case(world, db):
    """Resuming moves the deadline by the days suspended; the receiver's limit, applied at
    acknowledgement, must not take them back."""
    from datetime import UTC, datetime

    from domain.clocks import add_days, apply_limit
    from domain.closing import suspend

    case = world.case(CaseState.MEDIATING)
    before = case.due_on
    suspend(
        case,
        world.mediator,
        version=None,
        reason="当事人住院",
        now=datetime.now(UTC) - timedelta(days=10),
    )
    t = send_transfer(
        case, world.mediator, version=None, to_org=world.township_centre, reason="镇中心统一调处"
    )
    accept_transfer(case, t.id, world.clerk, version=None)
    assert case.due_on == add_days(before, 10, case.working_days)
    # Recomputing the limit again (another dispatch) still keeps the 10 days.
    apply_limit(case)
    assert case.due_on == add_days(before, 10, case.working_days)
