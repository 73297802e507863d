"""The case-state vocabulary: what a case's state is called, which states are closed, and the
citizen's coarser view of them. The column type of Case.state; the rules for moving between
states (the transition table) live in domain.states.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class CaseState(enum.StrEnum):
    REGISTERED = "registered"  # 登记: online application or desk registration, not yet screened
    NOT_ACCEPTED = "not_accepted"  # 不予受理 (MOJ-2002 Art. 22, 24)
    ACCEPTED = "accepted"  # 受理: screened in, waiting for dispatch
    DISPATCHED = "dispatched"  # 分派: at an organisation, waiting for a mediator
    MEDIATING = "mediating"  # 调解中: a presiding mediator is assigned
    SUSPENDED = "suspended"  # 中止: the clock stops until mediation resumes
    JOINT_MEDIATION = "joint_mediation"  # 联动调解: after two failures, one level up (a local rule)
    AGREED = "agreed"  # 达成协议 (PML Arts. 28-30)
    FAILED = "failed"  # 调解不成 (PML Art. 26)
    REFUSED = "refused"  # a party refused mediation (PML Art. 17)
    TERMINATED = "terminated"  # 终止 on another ground (PML Art. 23; SPC-ZX Art. 25)
    ARCHIVED = "archived"  # 归档: the case file is complete (PML Art. 27)
    MERGED = "merged"  # the same dispute as another case: work goes on there (number kept)

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
    CaseState.SUSPENDED: _l("Suspended"),
    CaseState.JOINT_MEDIATION: _l("In joint mediation"),
    CaseState.AGREED: _l("Agreement reached"),
    CaseState.FAILED: _l("Mediation failed"),
    CaseState.REFUSED: _l("Refused by a party"),
    CaseState.TERMINATED: _l("Mediation ended"),
    CaseState.ARCHIVED: _l("Archived"),
    CaseState.MERGED: _l("Merged into another case"),
}

# Mediation is over in these states: the time limit no longer runs.
CLOSED_STATES = frozenset(
    {
        CaseState.NOT_ACCEPTED,
        CaseState.AGREED,
        CaseState.FAILED,
        CaseState.REFUSED,
        CaseState.TERMINATED,
        CaseState.ARCHIVED,
        CaseState.MERGED,
    }
)
# Mediation work goes on in these states (sessions, consent, investigations).
WORKING_STATES = frozenset({CaseState.MEDIATING, CaseState.JOINT_MEDIATION})
OPEN_STATES = frozenset(set(CaseState) - CLOSED_STATES)


class PublicState(enum.StrEnum):
    """What a citizen is told. Deliberately coarse: no internal step leaks out."""

    SUBMITTED = "submitted"
    NOT_ACCEPTED = "not_accepted"
    ACCEPTED = "accepted"
    IN_MEDIATION = "in_mediation"
    PAUSED = "paused"
    AGREEMENT = "agreement"
    DECLINED = "declined"
    ENDED = "ended"
    CLOSED = "closed"
    MERGED = "merged"

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
    PublicState.PAUSED: (
        _l("Paused"),
        _l("Mediation is paused for the moment. The mediator will contact you when it resumes."),
    ),
    PublicState.AGREEMENT: (
        _l("Agreement reached"),
        _l("The parties reached a mediation agreement."),
    ),
    PublicState.DECLINED: (
        _l("The other party declined"),
        _l(
            "Mediation is voluntary and a party declined it, so it cannot go ahead. You may "
            "still apply for arbitration, ask an administrative body to handle it, or go to court."
        ),
    ),
    PublicState.CLOSED: (
        _l("Closed"),
        _l("The case is finished and its file has been archived."),
    ),
    PublicState.MERGED: (
        _l("Handled together with another case"),
        _l(
            "Your case is the same dispute as another case and is handled together with it. "
            "Your case number and query code keep working."
        ),
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
    CaseState.SUSPENDED: PublicState.PAUSED,
    CaseState.JOINT_MEDIATION: PublicState.IN_MEDIATION,
    CaseState.AGREED: PublicState.AGREEMENT,
    CaseState.FAILED: PublicState.ENDED,
    CaseState.REFUSED: PublicState.DECLINED,
    CaseState.TERMINATED: PublicState.ENDED,
    CaseState.ARCHIVED: PublicState.CLOSED,
    CaseState.MERGED: PublicState.MERGED,
}
