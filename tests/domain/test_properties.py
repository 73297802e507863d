"""Property test: random sequences of actions by random users through the domain layer keep
the invariants of the lifecycle:

- every successful action writes an event, and every state change follows the one table;
- a refused action changes nothing;
- the clock never runs while mediation is suspended (the deadline stays put), and resuming
  never brings the deadline forward;
- no agreement is effective without every signature (written) — oral ones on their day;
- closed cases carry a close time and a closure reason; a refused case has a refusing party.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain import closing, consent
from domain.dispatch import assign_mediator, dispatch_to_organisation
from domain.errors import DomainError
from domain.mediation import record_agreement, record_session
from domain.recusal import declare_no_conflict
from domain.screening import ScreeningData, accept_case, not_accept_case
from domain.states import TRANSITIONS, Action
from extensions import db as _db
from models import Event
from models.enums import (
    AgreementKind,
    ClosureReason,
    ConsentStatus,
    ContactMethod,
    NoticeAck,
    SessionMode,
    SignerKind,
)
from models.states import CLOSED_STATES, CaseState
from tests.factories import agreement_data

ACTIONS = [
    "to_mediating",
    "to_mediating",  # a shortcut, so deep states are reached often
    "accept",
    "not_accept",
    "dispatch",
    "dispatch_other",
    "assign",
    "assign_b",
    "consent_all",
    "consent_refuse",
    "notice_all",
    "session",
    "agree_oral",
    "agree_written",
    "agree_empty",
    "fail",
    "fail_empty",
    "terminate",
    "suspend",
    "resume",
    "extend",
    "extend_no_consent",
    "archive",
    # the outcomes again, so that walks end in every way
    "agree_oral",
    "agree_written",
    "fail",
    "fail_twice",
    "terminate",
    "suspend",
    "resume",
]
# Everyone appears; the people who do most of the work appear more often.
USERS = [
    "clerk",
    "clerk2",
    "mediator",
    "mediator",
    "mediator",
    "mediator_b",
    "mediator2",
    "director",
    "director",
    "leader",
    "admin",
]


def act(world, case, name, user):
    now = datetime.now(UTC)
    v = case.version
    if name == "to_mediating":
        # The ordinary path by the right people, whoever was drawn.
        accept_case(case, world.clerk, version=v, screening=ScreeningData.clear())
        dispatch_to_organisation(case, world.village_committee, world.clerk, version=case.version)
        assign_mediator(case, world.mediator, world.clerk, version=case.version)
        _db.session.flush()
        declare_no_conflict(case, world.mediator, version=case.version)
        for party in case.parties:
            consent.record_consent(
                case,
                party,
                world.mediator,
                version=case.version,
                status=ConsentStatus.AGREED,
                method=ContactMethod.PHONE,
            )
            consent.acknowledge_notice(
                case, party, world.mediator, version=case.version, how=NoticeAck.ORAL
            )
    elif name == "accept":
        accept_case(case, user, version=v, screening=ScreeningData.clear())
    elif name == "not_accept":
        not_accept_case(case, user, version=v, reason="r", redirect_advice="a")
    elif name == "dispatch":
        dispatch_to_organisation(case, world.village_committee, user, version=v)
    elif name == "dispatch_other":
        dispatch_to_organisation(case, world.township_centre, user, version=v, reason="r")
    elif name == "assign":
        assign_mediator(case, world.mediator, user, version=v)
    elif name == "assign_b":
        assign_mediator(case, world.mediator_b, user, version=v)
    elif name == "consent_all":
        for party in case.parties:
            consent.record_consent(
                case,
                party,
                user,
                version=case.version,
                status=ConsentStatus.AGREED,
                method=ContactMethod.PHONE,
            )
    elif name == "consent_refuse":
        consent.record_consent(
            case,
            case.respondents[0],
            user,
            version=v,
            status=ConsentStatus.REFUSED,
            method=ContactMethod.PHONE,
        )
    elif name == "notice_all":
        for party in case.parties:
            consent.acknowledge_notice(case, party, user, version=case.version, how=NoticeAck.ORAL)
    elif name == "session":
        record_session(
            case, user, version=v, held_at=now, place="p", mode=SessionMode.IN_PERSON, notes="n"
        )
    elif name.startswith("agree"):
        kind = AgreementKind.WRITTEN if name == "agree_written" else AgreementKind.ORAL
        terms = [] if name == "agree_empty" else ["t"]
        record_agreement(
            case,
            user,
            version=v,
            data=agreement_data(kind, terms=terms),
        )
    elif name == "fail_twice":
        closing.record_failure(case, user, version=v, reason="r")
        closing.record_failure(case, user, version=case.version, reason="r")
    elif name.startswith("fail"):
        closing.record_failure(case, user, version=v, reason="" if "empty" in name else "r")
    elif name == "terminate":
        closing.terminate(case, user, version=v, reason=ClosureReason.PARTY_WITHDREW, note="n")
    elif name == "suspend":
        closing.suspend(case, user, version=v, reason="r")
    elif name == "resume":
        closing.resume(case, user, version=v)
    elif name.startswith("extend"):
        closing.extend(
            case, user, version=v, days=5, reason="r", both_parties_agree=name == "extend"
        )
    elif name == "archive":
        closing.archive_case(case, user, version=v)


REACHED: set[CaseState] = set()


def check_agreement(case):
    agreement = case.agreement
    if agreement is None or agreement.effective_on is None:
        return
    if agreement.kind == AgreementKind.ORAL:
        assert agreement.effective_on == agreement.agreed_on
        return
    kinds = {(s.signer_kind, s.party_id) for s in agreement.signatures}
    for party in case.parties:
        assert (SignerKind.PARTY, party.id) in kinds
    assert any(k == SignerKind.MEDIATOR for k, _ in kinds)
    assert any(k == SignerKind.SEAL for k, _ in kinds)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# The walks are derandomised from the test's source, so any edit reshuffles them: these
# examples make sure the deep states are always visited, whatever the draw.
@example(from_mediation=True, steps=[("fail_twice", "mediator"), ("fail", "mediator")])
@example(
    from_mediation=True,
    steps=[("suspend", "mediator"), ("resume", "mediator"), ("terminate", "mediator")],
)
@example(
    from_mediation=True,
    steps=[("session", "mediator"), ("agree_oral", "mediator"), ("archive", "mediator")],
)
@given(
    from_mediation=st.booleans(),
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.sampled_from(USERS)), min_size=3, max_size=18
    ),
)
def test_random_action_sequences_keep_invariants(world, db, from_mediation, steps):
    case = world.case()
    db.session.flush()
    if from_mediation:  # half the walks start in mediation, where most of the rules live
        steps = [("to_mediating", "clerk"), *steps]
    for name, username in steps:
        user = getattr(world, username)
        before, due_before = case.state, case.due_on
        n_events = len(case.events)
        try:
            with db.session.begin_nested():
                act(world, case, name, user)
                db.session.flush()
        except DomainError:
            db.session.refresh(case)
            assert case.state == before
            assert len(case.events) == n_events
            continue
        new_events = case.events[n_events:]
        assert new_events, "every successful action writes an event"
        REACHED.add(case.state)
        state = before
        for event in new_events:
            assert event.actor_id == user.id or name == "to_mediating"
            if event.to_state:
                assert event.from_state == state.value
                assert (state, Action(event.action)) in TRANSITIONS
                assert TRANSITIONS[(state, Action(event.action))].value == event.to_state
                state = CaseState(event.to_state)
        assert state == case.state
        if before == CaseState.SUSPENDED and case.state == CaseState.SUSPENDED:
            assert case.due_on == due_before, "the clock does not run while suspended"
        if before == CaseState.SUSPENDED and case.state == CaseState.MEDIATING and due_before:
            assert case.due_on >= due_before
        if case.state == CaseState.SUSPENDED:
            assert case.suspended_since is not None
        if case.state in CLOSED_STATES:
            assert case.closed_at is not None and case.closure_reason is not None
        if case.state == CaseState.REFUSED:
            assert any(p.consent == ConsentStatus.REFUSED for p in case.parties)
        check_agreement(case)
    stored = db.session.scalar(
        sa.select(sa.func.count()).select_from(Event).where(Event.case_id == case.id)
    )
    assert stored == len(case.events)
    db.session.rollback()


def test_the_random_walk_reaches_the_lifecycle():
    """Guard against a property test that silently stops exploring (runs after the above)."""
    if REACHED:  # only meaningful when the property test ran in this process
        assert {
            CaseState.MEDIATING,
            CaseState.AGREED,
            CaseState.SUSPENDED,
            CaseState.JOINT_MEDIATION,
            CaseState.TERMINATED,
        } <= REACHED, REACHED
