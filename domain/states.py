"""Case states, the one table of allowed transitions, and the citizen's smaller vocabulary.

Every state change goes through `transition()`; nothing else assigns `Case.state`.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from domain.errors import InvalidTransition


class CaseState(enum.StrEnum):
    REGISTERED = "registered"  # 登记: online application or desk registration, not yet screened
    NOT_ACCEPTED = "not_accepted"  # 不予受理 (MOJ-2002 Art. 22, 24)
    ACCEPTED = "accepted"  # 受理: screened in, waiting for dispatch
    DISPATCHED = "dispatched"  # 分派: at an organisation, waiting for a mediator
    MEDIATING = "mediating"  # 调解中: a presiding mediator is assigned
    AGREED = "agreed"  # 达成协议 (PML Arts. 28-30)
    FAILED = "failed"  # 调解不成 (PML Art. 26)

    @property
    def label(self):  # noqa: ANN201 - a LazyString
        return STATE_LABELS[self]

    @property
    def public(self) -> PublicState:
        return PUBLIC_STATE[self]

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATES


STATE_LABELS = {
    CaseState.REGISTERED: _l("Registered, awaiting screening"),
    CaseState.NOT_ACCEPTED: _l("Not accepted"),
    CaseState.ACCEPTED: _l("Accepted, awaiting dispatch"),
    CaseState.DISPATCHED: _l("Dispatched, awaiting mediator"),
    CaseState.MEDIATING: _l("In mediation"),
    CaseState.AGREED: _l("Agreement reached"),
    CaseState.FAILED: _l("Mediation failed"),
}

CLOSED_STATES = frozenset({CaseState.NOT_ACCEPTED, CaseState.AGREED, CaseState.FAILED})
OPEN_STATES = frozenset(set(CaseState) - CLOSED_STATES)


class PublicState(enum.StrEnum):
    """What a citizen is told. Deliberately coarse: no internal step leaks out."""

    SUBMITTED = "submitted"
    NOT_ACCEPTED = "not_accepted"
    ACCEPTED = "accepted"
    IN_MEDIATION = "in_mediation"
    AGREEMENT = "agreement"
    ENDED = "ended"

    @property
    def label(self):  # noqa: ANN201
        return PUBLIC_LABELS[self][0]

    @property
    def explanation(self):  # noqa: ANN201
        return PUBLIC_LABELS[self][1]


PUBLIC_LABELS = {
    PublicState.SUBMITTED: (
        _l("Received"),
        _l("We have your application. Staff will check it, usually within 3 working days."),
    ),
    PublicState.NOT_ACCEPTED: (
        _l("Not accepted"),
        _l("This dispute cannot be handled by people's mediation. See the advice below."),
    ),
    PublicState.ACCEPTED: (
        _l("Accepted"),
        _l("Your case is accepted and is being passed to a mediation committee."),
    ),
    PublicState.IN_MEDIATION: (
        _l("In mediation"),
        _l("A mediator is working on your case and will contact you."),
    ),
    PublicState.AGREEMENT: (
        _l("Agreement reached"),
        _l("The parties reached a mediation agreement."),
    ),
    PublicState.ENDED: (
        _l("Mediation ended"),
        _l(
            "Mediation ended without agreement. You may still apply for arbitration, "
            "ask an administrative body to handle it, or go to court."
        ),
    ),
}

PUBLIC_STATE = {
    CaseState.REGISTERED: PublicState.SUBMITTED,
    CaseState.NOT_ACCEPTED: PublicState.NOT_ACCEPTED,
    CaseState.ACCEPTED: PublicState.ACCEPTED,
    CaseState.DISPATCHED: PublicState.ACCEPTED,
    CaseState.MEDIATING: PublicState.IN_MEDIATION,
    CaseState.AGREED: PublicState.AGREEMENT,
    CaseState.FAILED: PublicState.ENDED,
}


class Action(enum.StrEnum):
    """Things that can happen to a case. State-changing ones appear in TRANSITIONS."""

    REGISTER = "register"
    ACCEPT = "accept"
    NOT_ACCEPT = "not_accept"
    DISPATCH = "dispatch"
    ASSIGN = "assign"
    RECORD_SESSION = "record_session"
    RECORD_AGREEMENT = "record_agreement"
    RECORD_FAILURE = "record_failure"
    REVEAL_PII = "reveal_pii"
    RESET_QUERY_CODE = "reset_query_code"

    @property
    def label(self):  # noqa: ANN201
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.REGISTER: _l("Registered"),
    Action.ACCEPT: _l("Accepted for mediation"),
    Action.NOT_ACCEPT: _l("Not accepted"),
    Action.DISPATCH: _l("Dispatched"),
    Action.ASSIGN: _l("Mediator assigned"),
    Action.RECORD_SESSION: _l("Mediation session recorded"),
    Action.RECORD_AGREEMENT: _l("Agreement recorded"),
    Action.RECORD_FAILURE: _l("Mediation failed"),
    Action.REVEAL_PII: _l("Personal details viewed"),
    Action.RESET_QUERY_CODE: _l("Query code reset"),
}

# The one table: (state, action) -> new state.
TRANSITIONS: dict[tuple[CaseState, Action], CaseState] = {
    (CaseState.REGISTERED, Action.ACCEPT): CaseState.ACCEPTED,
    (CaseState.REGISTERED, Action.NOT_ACCEPT): CaseState.NOT_ACCEPTED,
    (CaseState.ACCEPTED, Action.DISPATCH): CaseState.DISPATCHED,
    (CaseState.DISPATCHED, Action.DISPATCH): CaseState.DISPATCHED,
    (CaseState.DISPATCHED, Action.ASSIGN): CaseState.MEDIATING,
    (CaseState.MEDIATING, Action.ASSIGN): CaseState.MEDIATING,
    (CaseState.MEDIATING, Action.RECORD_SESSION): CaseState.MEDIATING,
    (CaseState.MEDIATING, Action.RECORD_AGREEMENT): CaseState.AGREED,
    (CaseState.MEDIATING, Action.RECORD_FAILURE): CaseState.FAILED,
}


def allowed(state: CaseState, action: Action) -> bool:
    return (state, action) in TRANSITIONS


def next_state(state: CaseState, action: Action) -> CaseState:
    """The state after `action`, or InvalidTransition if the table has no such row."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition() from None


def actions_from(state: CaseState) -> set[Action]:
    return {a for (s, a) in TRANSITIONS if s == state}
