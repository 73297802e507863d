"""Co-mediators, no-conflict declarations and recusal (domain.recusal)."""

import pytest

from domain import recusal
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from models import Event
from models.enums import RecusalDecision, Role
from models.states import CaseState
from tests.factories import user


@pytest.fixture
def case(world, db):
    """In mediation; nobody has declared yet (whatever the factory does by default)."""
    c = world.case(CaseState.MEDIATING)
    for link in c.mediators:
        link.declared_no_conflict_at = None
    db.session.flush()
    return c


def last_event(db, case, action):
    return (
        db.session.query(Event)
        .filter_by(case_id=case.id, action=action)
        .order_by(Event.id.desc())
        .first()
    )


# ---- co-mediators ------------------------------------------------------------------------------


def test_director_adds_a_co_mediator_chosen_by_the_parties(world, db, case):
    link = recusal.add_co_mediator(
        case, world.mediator_b, world.director, version=case.version, chosen_by_parties=True
    )
    db.session.flush()
    assert (link.presiding, link.active, link.chosen_by_parties) == (False, True, True)
    assert case.presiding_mediator == world.mediator  # unchanged
    assert [m.user for m in recusal.active_links(case)] == [world.mediator, world.mediator_b]
    event = last_event(db, case, "add_co_mediator")
    assert event.actor == world.director and event.public is False
    assert event.data["chosen_by_parties"] is True
    assert case.state == CaseState.MEDIATING


@pytest.mark.parametrize("who", ["mediator", "clerk", "leader"])
def test_only_the_director_adds_co_mediators(world, case, who):
    with pytest.raises(NotPermitted):
        recusal.add_co_mediator(case, world.mediator_b, getattr(world, who), version=None)


def test_co_mediator_must_be_eligible_and_new(world, case):
    with pytest.raises(ValidationFailed) as err:
        recusal.add_co_mediator(case, world.mediator2, world.director, version=None)
    assert err.value.field == "mediator"  # another committee's mediator
    with pytest.raises(ValidationFailed):
        recusal.add_co_mediator(case, None, world.director, version=None)
    with pytest.raises(ValidationFailed, match="already on the case"):
        recusal.add_co_mediator(case, world.mediator, world.director, version=None)


def test_add_co_mediator_stale_and_wrong_state(world, db, case):
    with pytest.raises(StaleCase):
        recusal.add_co_mediator(case, world.mediator_b, world.director, version=case.version - 1)
    suspended = world.case(CaseState.SUSPENDED)
    with pytest.raises(InvalidTransition):
        recusal.add_co_mediator(suspended, world.mediator_b, world.director, version=None)


# ---- declarations ------------------------------------------------------------------------------


def test_mediator_declares_once(world, db, case):
    with pytest.raises(ValidationFailed, match="Declare that you have no conflict"):
        recusal.check_declared(case, world.mediator)
    version = case.version
    recusal.declare_no_conflict(case, world.mediator, version=version)
    db.session.flush()
    assert case.version == version + 1
    assert recusal.link_of(case, world.mediator).declared_no_conflict_at is not None
    event = last_event(db, case, "declare_no_conflict")
    assert event.actor == world.mediator and event.public is False
    recusal.check_declared(case, world.mediator)  # no error now
    with pytest.raises(ValidationFailed, match="already declared"):
        recusal.declare_no_conflict(case, world.mediator, version=None)


@pytest.mark.parametrize("who", ["director", "mediator_b", "clerk"])
def test_only_a_mediator_of_the_case_declares(world, case, who):
    with pytest.raises(NotPermitted):
        recusal.declare_no_conflict(case, getattr(world, who), version=None)


def test_check_declared_names_the_presiding_mediator(world, db, case):
    # The director records, is not a mediator on the case: the presiding one must have declared.
    with pytest.raises(ValidationFailed, match="presiding mediator"):
        recusal.check_declared(case, world.director)
    recusal.add_co_mediator(case, world.mediator_b, world.director, version=None)
    recusal.declare_no_conflict(case, world.mediator, version=None)
    recusal.check_declared(case, world.director)
    with pytest.raises(ValidationFailed, match="Declare that you"):
        recusal.check_declared(case, world.mediator_b)


# ---- recusal -----------------------------------------------------------------------------------


def request(world, case, by=None, mediator=None, grounds="调解员系被申请人的表兄"):
    return recusal.request_recusal(
        case,
        case.applicants[0],
        mediator or world.mediator,
        by or world.mediator,
        version=None,
        grounds=grounds,
    )


def test_request_recusal_is_recorded_internally(world, db, case):
    r = request(world, case)
    db.session.flush()
    assert r.decision == RecusalDecision.PENDING and r.party == case.applicants[0]
    event = last_event(db, case, "request_recusal")
    assert event.public is False and event.note == "调解员系被申请人的表兄"
    assert event.data["mediator_id"] == world.mediator.id


def test_request_recusal_bad_input(world, db, case):
    other = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed) as err:
        recusal.request_recusal(
            case, other.parties[0], world.mediator, world.mediator, version=None, grounds="x"
        )
    assert err.value.field == "party"
    with pytest.raises(ValidationFailed) as err:
        recusal.request_recusal(
            case, case.parties[0], world.mediator_b, world.mediator, version=None, grounds="x"
        )
    assert err.value.field == "mediator"
    with pytest.raises(ValidationFailed) as err:
        request(world, case, grounds="  ")
    assert err.value.field == "grounds"
    request(world, case)
    with pytest.raises(ValidationFailed, match="already waiting"):
        request(world, case, by=world.director)
    with pytest.raises(NotPermitted):  # the challenged mediator records nothing meanwhile
        request(world, case)
    with pytest.raises(NotPermitted):
        request(world, case, by=world.admin)


def test_grant_replaces_the_presiding_mediator(world, db, case):
    r = request(world, case)
    db.session.flush()
    recusal.decide_recusal(
        case, r, world.director, version=case.version, grant=True, replacement=world.mediator_b
    )
    db.session.flush()
    assert case.presiding_mediator == world.mediator_b
    old = next(m for m in case.mediators if m.user == world.mediator)
    assert (old.active, old.ended_reason) == (False, "recused")
    assert (r.decision, r.replacement, r.decided_by_id) == (
        RecusalDecision.GRANTED,
        world.mediator_b,
        world.director.id,
    )
    event = last_event(db, case, "decide_recusal")
    assert event.public is False and event.data["decision"] == "granted"
    assert case.state == CaseState.MEDIATING
    # The replacement must declare before recording a session.
    with pytest.raises(ValidationFailed):
        recusal.check_declared(case, world.mediator_b)


def test_grant_on_a_co_mediator_keeps_the_presiding_one(world, db, case):
    recusal.add_co_mediator(case, world.mediator_b, world.director, version=None)
    r = request(world, case, mediator=world.mediator_b)
    recusal.decide_recusal(
        case, r, world.director, version=None, grant=True, replacement=world.director
    )
    db.session.flush()
    assert case.presiding_mediator == world.mediator
    new = recusal.link_of(case, world.director)
    assert new.presiding is False
    r2 = request(world, case, mediator=world.director)
    with pytest.raises(NotPermitted):  # nobody decides on their own recusal
        recusal.decide_recusal(
            case, r2, world.director, version=None, grant=True, replacement=world.mediator_b
        )
    deputy = user("deputy", Role.DIRECTOR, world.village_committee)
    db.session.flush()
    with pytest.raises(ValidationFailed, match="already on the case"):
        recusal.decide_recusal(
            case, r2, deputy, version=None, grant=True, replacement=world.mediator
        )


def test_grant_promotes_a_co_mediator_to_presiding(world, db, case):
    recusal.add_co_mediator(case, world.mediator_b, world.director, version=None)
    r = request(world, case)
    recusal.decide_recusal(
        case, r, world.director, version=None, grant=True, replacement=world.mediator_b
    )
    db.session.flush()
    assert case.presiding_mediator == world.mediator_b
    assert len(recusal.active_links(case)) == 1


def test_grant_needs_a_valid_replacement(world, db, case):
    r = request(world, case)
    for replacement, field in (
        (None, "replacement"),
        (world.mediator, "replacement"),
        (world.mediator2, "replacement"),
    ):
        with pytest.raises(ValidationFailed) as err:
            recusal.decide_recusal(
                case, r, world.director, version=None, grant=True, replacement=replacement
            )
        assert err.value.field == field
    assert r.decision == RecusalDecision.PENDING


def test_refuse_needs_reasons(world, db, case):
    r = request(world, case)
    with pytest.raises(ValidationFailed) as err:
        recusal.decide_recusal(case, r, world.director, version=None, grant=False, note=" ")
    assert err.value.field == "note"
    recusal.decide_recusal(
        case, r, world.director, version=None, grant=False, note="经核实不存在亲属关系"
    )
    db.session.flush()
    assert r.decision == RecusalDecision.REFUSED and r.decision_note == "经核实不存在亲属关系"
    assert case.presiding_mediator == world.mediator
    with pytest.raises(ValidationFailed, match="already been decided"):
        recusal.decide_recusal(case, r, world.director, version=None, grant=False, note="x")


@pytest.mark.parametrize("who", ["mediator", "mediator_b", "clerk", "leader"])
def test_only_the_director_decides(world, db, case, who):
    r = request(world, case)
    with pytest.raises(NotPermitted):
        recusal.decide_recusal(case, r, getattr(world, who), version=None, grant=False, note="x")


def test_decide_stale_and_foreign_request(world, db, case):
    r = request(world, case)
    db.session.flush()
    with pytest.raises(StaleCase):
        recusal.decide_recusal(
            case, r, world.director, version=case.version - 1, grant=False, note="x"
        )
    other = world.case(CaseState.MEDIATING)
    r2 = request(world, other)
    with pytest.raises(ValidationFailed) as err:
        recusal.decide_recusal(case, r2, world.director, version=None, grant=False, note="x")
    assert err.value.field == "request"


def test_recusal_while_suspended(world, db):
    case = world.case(CaseState.SUSPENDED)
    r = request(world, case)
    recusal.decide_recusal(
        case, r, world.director, version=None, grant=True, replacement=world.mediator_b
    )
    assert case.state == CaseState.SUSPENDED
    assert case.presiding_mediator == world.mediator_b
