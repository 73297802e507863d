"""Property test: random sequences of actions by random users through the domain layer keep
the invariants (every change has its event; states only move along the table; closed cases
have a close time; agreements have terms)."""

from datetime import UTC, datetime

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.clocks import local_today
from domain.dispatch import assign_mediator, dispatch_to_organisation
from domain.errors import DomainError
from domain.mediation import AgreementData, record_agreement, record_failure, record_session
from domain.screening import accept_case, not_accept_case
from domain.states import CLOSED_STATES, TRANSITIONS, Action, CaseState
from models import Event
from models.enums import AgreementKind, SessionMode

ACTIONS = ["accept", "not_accept", "dispatch", "dispatch_other", "assign", "assign_b",
           "session", "agree", "agree_empty", "fail", "fail_empty"]
USERS = ["clerk", "clerk2", "mediator", "mediator_b", "mediator2", "director", "leader",
         "admin"]


def act(world, case, name, user):
    now = datetime.now(UTC)
    if name == "accept":
        accept_case(case, user, version=case.version)
    elif name == "not_accept":
        not_accept_case(case, user, version=case.version, reason="r", redirect_advice="a")
    elif name == "dispatch":
        dispatch_to_organisation(case, world.village_committee, user, version=case.version)
    elif name == "dispatch_other":
        dispatch_to_organisation(case, world.township_centre, user, version=case.version)
    elif name == "assign":
        assign_mediator(case, world.mediator, user, version=case.version)
    elif name == "assign_b":
        assign_mediator(case, world.mediator_b, user, version=case.version)
    elif name == "session":
        record_session(case, user, version=case.version, held_at=now, place="p",
                       mode=SessionMode.IN_PERSON, notes="n")
    elif name.startswith("agree"):
        terms = [] if name == "agree_empty" else ["t"]
        record_agreement(case, user, version=case.version, data=AgreementData(
            kind=AgreementKind.ORAL, terms=terms, agreed_on=local_today()))
    elif name.startswith("fail"):
        record_failure(case, user, version=case.version, reason="" if "empty" in name else "r")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(USERS)),
                      min_size=1, max_size=12))
def test_random_action_sequences_keep_invariants(world, db, steps):
    case = world.case()
    db.session.flush()
    for name, username in steps:
        user = getattr(world, username)
        before = case.state
        n_events = len(case.events)
        try:
            with db.session.begin_nested():
                act(world, case, name, user)
                db.session.flush()
        except DomainError:
            db.session.refresh(case)
            assert case.state == before
            continue
        new_events = case.events[n_events:]
        assert new_events, "every successful action writes an event"
        changed = [e for e in new_events if e.to_state]
        assert changed and changed[-1].to_state == case.state.value
        assert (before, Action(changed[-1].action)) in TRANSITIONS
        assert changed[-1].actor_id == user.id
        if case.state in CLOSED_STATES:
            assert case.closed_at is not None
        if case.state == CaseState.AGREED:
            assert case.agreement is not None and case.agreement.terms
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(Event)
                               .where(Event.case_id == case.id))
    assert stored == len(case.events)
    db.session.rollback()
