"""Actions on a case and the one table of allowed transitions between case states.

Every state change goes through `transition()`; nothing else assigns `Case.state`. The states
themselves (CaseState, PublicState and their labels) are vocabulary of the model: models.states.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from domain.errors import InvalidTransition
from models.states import CLOSED_STATES, CaseState


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
    # The rest of the lifecycle: consent and notice to archiving.
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
    # Documents: not state changes; recorded on the timeline.
    GENERATE_DOCUMENT = "generate_document"
    SIGN_DOCUMENT = "sign_document"
    UPLOAD_DOCUMENT = "upload_document"
    VIEW_DOCUMENT = "view_document"  # opened with personal details in full (PML Art. 15)
    SERVE_DOCUMENT = "serve_document"  # a party served with a notice (PML Art. 26)
    # Docking, related cases and transfers.
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
    # Corrections of what was registered: before and after on the timeline, no state change.
    CORRECT_PARTY = "correct_party"
    ADD_PARTY = "add_party"
    WITHDRAW_PARTY = "withdraw_party"
    CORRECT_DISPUTE = "correct_dispute"
    # The holiday schedule changed: a working-day deadline placed again on the new schedule.
    RECOMPUTE_DEADLINE = "recompute_deadline"
    # Risk (PML Art. 25): the level and flags changed; a report to the police or the
    # grassroots government.
    SET_RISK = "set_risk"
    REPORT_TO_POLICE = "report_to_police"
    # Early warning: a leader answered the warning the case's colour raised.
    RESPOND_WARNING = "respond_warning"
    # The case ledger (台账): a case brought in from an old ledger (one event, never the
    # steps it went through elsewhere), and a case exported with personal details in full.
    IMPORT_LEDGER = "import_ledger"
    EXPORT_LEDGER = "export_ledger"
    # Leadership (DOMAIN.md §5.4): a responsible leader (包案) assigned, its plan changed, one
    # of the three 包 done, the assignment closed; a supervision order (督办单) naming the case;
    # a meeting that discussed it or a decision on it; a leader reception visit attached.
    LEAD_ASSIGN = "lead_assign"
    LEAD_UPDATE = "lead_update"
    LEAD_DEMAND_DONE = "lead_demand_done"
    LEAD_EDUCATION_DONE = "lead_education_done"
    LEAD_CONTROL_DONE = "lead_control_done"
    LEAD_CLOSE = "lead_close"
    SUPERVISION = "supervision"
    SUPERVISION_CLOSED = "supervision_closed"
    MEETING_DECISION = "meeting_decision"
    MEETING_DECISION_DONE = "meeting_decision_done"
    RECEPTION_VISIT = "reception_visit"
    # The expert pool (调解专家库): an expert invited to the case, and the advice given.
    INVITE_EXPERT = "invite_expert"
    RECORD_EXPERT_ADVICE = "record_expert_advice"
    # The other party's door: a respondent invited with a code of their own, and what they
    # sent online (their consent and acknowledgement are RECORD_CONSENT / ACK_NOTICE / REFUSE).
    INVITE_PARTY = "invite_party"
    PARTY_ACCOUNT = "party_account"
    PARTY_UPLOAD = "party_upload"
    # The parties' own area: messages with the mediator, sharing a party's file with the other
    # side, a party asking that mediation end (PML Art. 23), the applicant withdrawing before
    # acceptance.
    PARTY_MESSAGE = "party_message"
    STAFF_MESSAGE = "staff_message"
    SHARE_UPLOAD = "share_upload"
    ASK_TO_END = "ask_to_end"
    HANDLE_END_REQUEST = "handle_end_request"
    WITHDRAW_APPLICATION = "withdraw_application"
    # The typical-case library (典型案例库): the closed case proposed, published, returned to
    # the mediator, withdrawn from the public site. Not state changes; internal.
    LIBRARY_PROPOSE = "library_propose"
    LIBRARY_PUBLISH = "library_publish"
    LIBRARY_RETURN = "library_return"
    LIBRARY_WITHDRAW = "library_withdraw"
    # Scheduled sessions (调解安排): scheduled, moved, cancelled by the mediator (the case's
    # version moves); each party's answer from the public pages (data: session, party).
    SCHEDULE_SESSION = "schedule_session"
    RESCHEDULE_SESSION = "reschedule_session"
    CANCEL_SESSION = "cancel_session"
    SESSION_CONFIRMED = "session_confirmed"
    SESSION_RESCHEDULE_ASKED = "session_reschedule_asked"
    # After mediation ended: a party's own answer (resolved? satisfied? the 满意率) and a
    # party's report to the mediator (the other side does not perform; the closing is
    # contested), handled by the mediator with a note; a citizen's appointment (预约调解)
    # attached to the case or registered as it. Not state changes.
    PARTY_FEEDBACK = "party_feedback"
    PARTY_REPORT = "party_report"
    HANDLE_PARTY_REPORT = "handle_party_report"
    APPOINTMENT_VISIT = "appointment_visit"

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
    Action.VIEW_DOCUMENT: _l("Document with personal details opened"),
    Action.SERVE_DOCUMENT: _l("Notice served on a party"),
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
    Action.CORRECT_PARTY: _l("Party's details corrected"),
    Action.ADD_PARTY: _l("Party added"),
    Action.WITHDRAW_PARTY: _l("Party marked withdrawn"),
    Action.CORRECT_DISPUTE: _l("Dispute details corrected"),
    Action.RECOMPUTE_DEADLINE: _l("Deadline recomputed for the holiday schedule"),
    Action.SET_RISK: _l("Risk level or flags changed"),
    Action.REPORT_TO_POLICE: _l("Reported to the police or the grassroots government"),
    Action.RESPOND_WARNING: _l("Early warning answered by a leader"),
    Action.IMPORT_LEDGER: _l("Imported from a case ledger"),
    Action.EXPORT_LEDGER: _l("Exported in the case ledger with personal details"),
    Action.LEAD_ASSIGN: _l("Responsible leader assigned"),
    Action.LEAD_UPDATE: _l("Leader responsibility plan changed"),
    Action.LEAD_DEMAND_DONE: _l("Leader responsibility: demand solved"),
    Action.LEAD_EDUCATION_DONE: _l("Leader responsibility: education and guidance done"),
    Action.LEAD_CONTROL_DONE: _l("Leader responsibility: control kept"),
    Action.LEAD_CLOSE: _l("Leader responsibility closed"),
    Action.SUPERVISION: _l("Supervision order issued on this case"),
    Action.SUPERVISION_CLOSED: _l("Supervision order closed"),
    Action.MEETING_DECISION: _l("Meeting decision on this case"),
    Action.MEETING_DECISION_DONE: _l("Meeting decision carried out"),
    Action.RECEPTION_VISIT: _l("Leader reception visit attached"),
    Action.INVITE_EXPERT: _l("Expert invited from the expert pool"),
    Action.RECORD_EXPERT_ADVICE: _l("Expert's advice recorded"),
    Action.INVITE_PARTY: _l("Respondent invited to answer online"),
    Action.PARTY_ACCOUNT: _l("Respondent gave their account online"),
    Action.PARTY_UPLOAD: _l("A party uploaded material online"),
    Action.PARTY_MESSAGE: _l("A party sent a message to the mediator"),
    Action.STAFF_MESSAGE: _l("The mediator sent a message to a party"),
    Action.SHARE_UPLOAD: _l("A party's file shared with the other side"),
    Action.ASK_TO_END: _l("A party asked to end mediation"),
    Action.HANDLE_END_REQUEST: _l("A party's request to end mediation handled"),
    Action.WITHDRAW_APPLICATION: _l("Application withdrawn by the applicant"),
    Action.LIBRARY_PROPOSE: _l("Proposed for the typical-case library"),
    Action.LIBRARY_PUBLISH: _l("Published in the typical-case library"),
    Action.LIBRARY_RETURN: _l("Library proposal returned to the mediator"),
    Action.LIBRARY_WITHDRAW: _l("Withdrawn from the typical-case library"),
    Action.SCHEDULE_SESSION: _l("Mediation session scheduled"),
    Action.RESCHEDULE_SESSION: _l("Mediation session rescheduled"),
    Action.CANCEL_SESSION: _l("Mediation session cancelled"),
    Action.SESSION_CONFIRMED: _l("A party confirmed attending the session"),
    Action.SESSION_RESCHEDULE_ASKED: _l("A party asked to reschedule the session"),
    Action.PARTY_FEEDBACK: _l("A party answered the satisfaction question"),
    Action.PARTY_REPORT: _l("A party reported to the mediator"),
    Action.HANDLE_PARTY_REPORT: _l("A party's report handled"),
    Action.APPOINTMENT_VISIT: _l("Appointment visit attached"),
}

# The one table: (state, action) -> new state.
TRANSITIONS: dict[tuple[CaseState, Action], CaseState] = {
    (CaseState.REGISTERED, Action.ACCEPT): CaseState.ACCEPTED,
    (CaseState.REGISTERED, Action.NOT_ACCEPT): CaseState.NOT_ACCEPTED,
    # Withdrawn before acceptance: never accepted, so it ends where a case not accepted ends
    # (closure reason: the party withdrew).
    (CaseState.REGISTERED, Action.WITHDRAW_APPLICATION): CaseState.NOT_ACCEPTED,
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
_add((_M, _J), Action.SCHEDULE_SESSION)
_add((_M, _J), Action.RESCHEDULE_SESSION)
_add((_M, _S, _J), Action.CANCEL_SESSION)
_add((_M, _J), Action.RECORD_INVESTIGATION)
_add((_M, _S, _J, *_ENDED), Action.SIGN_RECORD)
_add((_J,), Action.ASSIGN)
_add((_M, _J), Action.ADD_CO_MEDIATOR)
_add((_M, _J), Action.DECLARE_NO_CONFLICT)
_add((_M, _S, _J), Action.REQUEST_RECUSAL)
# A request still waiting when mediation ended is decided afterwards: until then the
# challenged mediator records nothing, not even the follow-up visit.
_add((_M, _S, _J, *_ENDED), Action.DECIDE_RECUSAL)
_add((_M,), Action.SUSPEND, _S)
_add((_S,), Action.RESUME, _M)
_add((_M, _J), Action.EXTEND)
# A failed attempt: the first keeps mediating; after the second the domain escalates to
# joint mediation one level up (a local rule); a failed joint mediation ends the case
# (PML Art. 26).
_add((_M,), Action.RECORD_FAILURE)
_add((_M,), Action.ESCALATE_JOINT, _J)
_add((_J,), Action.RECORD_FAILURE, CaseState.FAILED)
_add((_M, _J), Action.RECORD_AGREEMENT, CaseState.AGREED)
_add((*_BEFORE_MEDIATION, _M, _S, _J), Action.TERMINATE, CaseState.TERMINATED)
_add((CaseState.AGREED,), Action.SIGN_AGREEMENT)
_add((CaseState.AGREED,), Action.RECORD_PERFORMANCE)
_add((CaseState.AGREED,), Action.REOPEN, _M)
_add(_ENDED, Action.RECORD_FOLLOW_UP)
# The notice of termination reaches each party after mediation has ended (PML Art. 26);
# recorded until the file is archived (archive_gaps insists on it).
_add(_ENDED, Action.SERVE_DOCUMENT)
_add((CaseState.AGREED,), Action.APPLY_CONFIRMATION)
_add((CaseState.AGREED,), Action.RECORD_RULING)
_add((*_ENDED, CaseState.NOT_ACCEPTED), Action.ARCHIVE, CaseState.ARCHIVED)
# Docking. The return leg is reported once the outcome is known and before the file
# is archived (archive_gaps insists); petitions may be extended while the case is open.
_add((*_ENDED, CaseState.NOT_ACCEPTED), Action.RECORD_REFERRAL_FEEDBACK)
_OPEN = tuple(s for s in CaseState if s not in CLOSED_STATES)
_add(_OPEN, Action.EXTEND_PETITION)
_add(_OPEN, Action.REPORT_REFERRAL_PROGRESS)
# A new or corrected holiday schedule moves the deadline of every case whose clock still
# runs or is stopped (a suspended case resumes from it); a closed case's deadline is history.
_add(_OPEN, Action.RECOMPUTE_DEADLINE)
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


# Corrections: what was registered can be put right until the file is archived (then it is
# final) or the case merged (work goes on in the other case).
_CORRECTABLE = tuple(s for s in CaseState if s not in {CaseState.MERGED, CaseState.ARCHIVED})
for _action in (
    Action.CORRECT_PARTY,
    Action.ADD_PARTY,
    Action.WITHDRAW_PARTY,
    Action.CORRECT_DISPUTE,
):
    _add(_CORRECTABLE, _action)


# Risk is watched at every stage, a case not accepted included (MOJ-2002 Art. 24: calm it down
# first, then hand it on), until the file is archived or the case merged (its risk goes on in
# the other case).
_add(_CORRECTABLE, Action.SET_RISK)
_add(_CORRECTABLE, Action.REPORT_TO_POLICE)


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


# The expert pool: an expert is invited while the case is before or in mediation; the advice
# may come after mediation has ended, and is recorded until the file is archived.
_add((*_BEFORE_MEDIATION, _M, _S, _J), Action.INVITE_EXPERT)
_add((*_BEFORE_MEDIATION, _M, _S, _J, *_ENDED), Action.RECORD_EXPERT_ADVICE)
