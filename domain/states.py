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
    SUSPENDED = "suspended"  # 中止: the clock stops until mediation resumes
    JOINT_MEDIATION = "joint_mediation"  # 联动调解: after two failures, one level up (S0)
    AGREED = "agreed"  # 达成协议 (PML Arts. 28-30)
    FAILED = "failed"  # 调解不成 (PML Art. 26)
    REFUSED = "refused"  # a party refused mediation (PML Art. 17)
    TERMINATED = "terminated"  # 终止 for another reason (DOMAIN §1.6)
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
    # The lifecycle of issue 3.
    RECORD_CONSENT = "record_consent"
    ACK_NOTICE = "ack_notice"
    REFUSE = "refuse"
    ADD_CO_MEDIATOR = "add_co_mediator"
    DECLARE_NO_CONFLICT = "declare_no_conflict"
    REQUEST_RECUSAL = "request_recusal"
    DECIDE_RECUSAL = "decide_recusal"
    RECORD_INVESTIGATION = "record_investigation"
    SIGN_RECORD = "sign_record"
    SUSPEND = "suspend"
    RESUME = "resume"
    EXTEND = "extend"
    ESCALATE_JOINT = "escalate_joint"
    TERMINATE = "terminate"
    SIGN_AGREEMENT = "sign_agreement"
    RECORD_PERFORMANCE = "record_performance"
    REOPEN = "reopen"
    RECORD_FOLLOW_UP = "record_follow_up"
    APPLY_CONFIRMATION = "apply_confirmation"
    RECORD_RULING = "record_ruling"
    ARCHIVE = "archive"
    # Documents (issue 4): not state changes; recorded on the timeline.
    GENERATE_DOCUMENT = "generate_document"
    SIGN_DOCUMENT = "sign_document"
    UPLOAD_DOCUMENT = "upload_document"
    # Docking, related cases and transfers (issue 5).
    RECORD_REFERRAL_FEEDBACK = "record_referral_feedback"  # the return leg to the referrer
    REPORT_REFERRAL_PROGRESS = "report_referral_progress"  # police: the 24 h / 5-day report
    FAIL_BACK_TO_COURT = "fail_back_to_court"  # a court's case fails: back to the court
    EXTEND_PETITION = "extend_petition"  # the petition deadline extended once (≤30 days)
    LINK_CASE = "link_case"
    UNLINK_CASE = "unlink_case"
    MERGE_IN = "merge_in"  # on the surviving case: another case merged into this one
    MERGE_INTO = "merge_into"  # on the absorbed case: it now lives on in the other one
    SEND_TRANSFER = "send_transfer"
    WITHDRAW_TRANSFER = "withdraw_transfer"
    DECLINE_TRANSFER = "decline_transfer"
    ACCEPT_TRANSFER = "accept_transfer"  # the receiving committee acknowledges: it handles it
    ACK_TRANSFER_OUT = "ack_transfer_out"  # the outside body signed for it: mediation ends

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
    Action.RECORD_CONSENT: _l("Consent to mediation recorded"),
    Action.ACK_NOTICE: _l("Rights and obligations notice acknowledged"),
    Action.REFUSE: _l("A party refused mediation"),
    Action.ADD_CO_MEDIATOR: _l("Co-mediator added"),
    Action.DECLARE_NO_CONFLICT: _l("Mediator declared no conflict of interest"),
    Action.REQUEST_RECUSAL: _l("Recusal requested"),
    Action.DECIDE_RECUSAL: _l("Recusal decided"),
    Action.RECORD_INVESTIGATION: _l("Investigation recorded"),
    Action.SIGN_RECORD: _l("Record signed"),
    Action.SUSPEND: _l("Mediation suspended"),
    Action.RESUME: _l("Mediation resumed"),
    Action.EXTEND: _l("Time limit extended"),
    Action.ESCALATE_JOINT: _l("Escalated to joint mediation"),
    Action.TERMINATE: _l("Mediation ended"),
    Action.SIGN_AGREEMENT: _l("Agreement signature recorded"),
    Action.RECORD_PERFORMANCE: _l("Performance recorded"),
    Action.REOPEN: _l("Mediation reopened"),
    Action.RECORD_FOLLOW_UP: _l("Follow-up visit recorded"),
    Action.APPLY_CONFIRMATION: _l("Judicial confirmation applied for"),
    Action.RECORD_RULING: _l("Court ruling recorded"),
    Action.ARCHIVE: _l("Archived"),
    Action.GENERATE_DOCUMENT: _l("Document generated"),
    Action.SIGN_DOCUMENT: _l("Document marked signed"),
    Action.UPLOAD_DOCUMENT: _l("Document uploaded"),
    Action.RECORD_REFERRAL_FEEDBACK: _l("Result reported to the referring body"),
    Action.REPORT_REFERRAL_PROGRESS: _l("Progress reported to the referring body"),
    Action.FAIL_BACK_TO_COURT: _l("Mediation failed: the case goes back to the court"),
    Action.EXTEND_PETITION: _l("Petition deadline extended"),
    Action.LINK_CASE: _l("Linked to another case"),
    Action.UNLINK_CASE: _l("Link to another case removed"),
    Action.MERGE_IN: _l("Another case merged into this one"),
    Action.MERGE_INTO: _l("Merged into another case"),
    Action.SEND_TRANSFER: _l("Transfer sent"),
    Action.WITHDRAW_TRANSFER: _l("Transfer withdrawn"),
    Action.DECLINE_TRANSFER: _l("Transfer declined"),
    Action.ACCEPT_TRANSFER: _l("Transfer acknowledged"),
    Action.ACK_TRANSFER_OUT: _l("Transfer out acknowledged by the receiving body"),
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
}

_M, _J, _S = CaseState.MEDIATING, CaseState.JOINT_MEDIATION, CaseState.SUSPENDED
_BEFORE_MEDIATION = (CaseState.ACCEPTED, CaseState.DISPATCHED)
_ENDED = (CaseState.AGREED, CaseState.FAILED, CaseState.REFUSED, CaseState.TERMINATED)


def _add(states, action: Action, to: CaseState | None = None) -> None:
    """Rows for `action` from each of `states`; `to=None` keeps the state (work recorded
    without a change of state still goes through the table, the version and the timeline)."""
    for state in states:
        TRANSITIONS[(state, action)] = to or state


_add((*_BEFORE_MEDIATION, _M, _J), Action.RECORD_CONSENT)
_add((*_BEFORE_MEDIATION, _M, _J), Action.ACK_NOTICE)
_add((*_BEFORE_MEDIATION, _M, _S, _J), Action.REFUSE, CaseState.REFUSED)
_add((_M, _J), Action.RECORD_SESSION)
_add((_M, _J), Action.RECORD_INVESTIGATION)
_add((_M, _S, _J, *_ENDED), Action.SIGN_RECORD)
_add((_J,), Action.ASSIGN)
_add((_M, _J), Action.ADD_CO_MEDIATOR)
_add((_M, _J), Action.DECLARE_NO_CONFLICT)
_add((_M, _S, _J), Action.REQUEST_RECUSAL)
_add((_M, _S, _J), Action.DECIDE_RECUSAL)
_add((_M,), Action.SUSPEND, _S)
_add((_S,), Action.RESUME, _M)
_add((_M, _J), Action.EXTEND)
# A failed attempt: the first keeps mediating; after the second the domain escalates to
# joint mediation one level up (S0); a failed joint mediation ends the case (PML Art. 26).
_add((_M,), Action.RECORD_FAILURE)
_add((_M,), Action.ESCALATE_JOINT, _J)
_add((_J,), Action.RECORD_FAILURE, CaseState.FAILED)
_add((_M, _J), Action.RECORD_AGREEMENT, CaseState.AGREED)
_add((*_BEFORE_MEDIATION, _M, _S, _J), Action.TERMINATE, CaseState.TERMINATED)
_add((CaseState.AGREED,), Action.SIGN_AGREEMENT)
_add((CaseState.AGREED,), Action.RECORD_PERFORMANCE)
_add((CaseState.AGREED,), Action.REOPEN, _M)
_add(_ENDED, Action.RECORD_FOLLOW_UP)
_add((CaseState.AGREED,), Action.APPLY_CONFIRMATION)
_add((CaseState.AGREED,), Action.RECORD_RULING)
_add((*_ENDED, CaseState.NOT_ACCEPTED), Action.ARCHIVE, CaseState.ARCHIVED)
# Docking (issue 5). The return leg is reported once the outcome is known and before the file
# is archived (archive_gaps insists); petitions may be extended while the case is open.
_add((*_ENDED, CaseState.NOT_ACCEPTED), Action.RECORD_REFERRAL_FEEDBACK)
_OPEN = tuple(s for s in CaseState if s not in CLOSED_STATES)
_add(_OPEN, Action.EXTEND_PETITION)
_add(_OPEN, Action.REPORT_REFERRAL_PROGRESS)
# A court's case that fails twice goes back to the court instead of to joint mediation
# (SPC-TY Art. 21).
_add((_M,), Action.FAIL_BACK_TO_COURT, CaseState.FAILED)
# Links are notes between files: recorded on any case but a merged or archived one (an
# archived file is final; a link to it is recorded on the other case only).
_LINKABLE = tuple(s for s in CaseState if s not in {CaseState.MERGED, CaseState.ARCHIVED})
_add(_LINKABLE, Action.LINK_CASE)
_add(_LINKABLE, Action.UNLINK_CASE)
# Merging: an open case is absorbed into another open case of the same dispute.
_add(_OPEN, Action.MERGE_IN)
_add(_OPEN, Action.MERGE_INTO, CaseState.MERGED)
# Transfers keep the case number. A committee hands the case on (before or during
# mediation); the receiver acknowledges and becomes the handling organisation (back to
# "dispatched", waiting for its own mediator); an outside body's acknowledgement ends
# mediation (closure reason: transferred out).
_TRANSFERABLE = (CaseState.ACCEPTED, CaseState.DISPATCHED, _M, _S)
_add(_TRANSFERABLE, Action.SEND_TRANSFER)
_add(_TRANSFERABLE, Action.WITHDRAW_TRANSFER)
_add(_TRANSFERABLE, Action.DECLINE_TRANSFER)
_add(_TRANSFERABLE, Action.ACCEPT_TRANSFER, CaseState.DISPATCHED)
_add(_TRANSFERABLE, Action.ACK_TRANSFER_OUT, CaseState.TERMINATED)


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
