from domain.errors import InvalidTransition
from domain.states import TRANSITIONS, Action, actions_from, next_state
from models.states import CLOSED_STATES, PUBLIC_STATE, CaseState, PublicState


def test_every_state_has_a_public_state_and_label():
    for state in CaseState:
        assert isinstance(PUBLIC_STATE[state], PublicState)
        assert str(state.label)


def test_closed_states_only_archive_or_reopen():
    """After mediation ends the case only records follow-up work, is archived, or (an agreement
    a party went back on) is mediated again with both parties' consent. Archived is final."""
    for (state, action), target in TRANSITIONS.items():
        if state in CLOSED_STATES and target != state:
            assert (target, action) in {
                (CaseState.ARCHIVED, Action.ARCHIVE),
                (CaseState.MEDIATING, Action.REOPEN),
            }
        assert state != CaseState.ARCHIVED


def test_every_state_reachable_from_registered():
    seen, frontier = {CaseState.REGISTERED}, [CaseState.REGISTERED]
    while frontier:
        state = frontier.pop()
        for action in actions_from(state):
            nxt = next_state(state, action)
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(CaseState)


def test_invalid_transition_raises():
    import pytest

    with pytest.raises(InvalidTransition):
        next_state(CaseState.REGISTERED, Action.RECORD_AGREEMENT)
    with pytest.raises(InvalidTransition):
        next_state(CaseState.AGREED, Action.ACCEPT)
