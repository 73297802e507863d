"""The next step the law or the file asks for, shown at the top of the staff case page so that
whoever opens a case sees at once what is owed on it. One sentence; None when nothing is
(an archived or merged case)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from domain.consent import DECIDING_ROLES
from models import Case
from models.enums import AgreementKind, ConsentStatus, NoticeAck, RecusalDecision
from models.states import CaseState

_AFTER = {
    CaseState.NOT_ACCEPTED: _l("Archive the case once its file is complete."),
    CaseState.FAILED: _l("Archive the case once its file is complete and the visit is made."),
    CaseState.REFUSED: _l("Archive the case once its file is complete."),
    CaseState.TERMINATED: _l("Archive the case once its file is complete and the visit is made."),
}


def next_step(case: Case):  # noqa: ANN201 - a LazyString or None
    """What is owed on `case` now, from its state and what its file already holds."""
    state = case.state
    deciding = [p for p in case.active_parties if p.role in DECIDING_ROLES]
    if state == CaseState.REGISTERED:
        return _l(
            "Screen the application: accept it, or say which body or channel to use instead "
            "(MOJ-2002 Art. 24)."
        )
    if state == CaseState.ACCEPTED:
        return _l("Dispatch the case to the committee that will mediate it.")
    if state == CaseState.DISPATCHED:
        return _l("Name the presiding mediator.")
    if state in (CaseState.MEDIATING, CaseState.JOINT_MEDIATION):
        if any(r.decision == RecusalDecision.PENDING for r in case.recusals):
            return _l(
                "The committee director decides on the party's recusal request: until then the "
                "challenged mediator records nothing (MOJ-2002 Art. 26)."
            )
        if any(p.consent != ConsentStatus.AGREED for p in deciding):
            return _l("Record whether each party agrees to mediation (PML Art. 17).")
        if any(p.notice_ack == NoticeAck.NONE for p in case.active_parties):
            return _l("Tell each party their rights and obligations (PML Arts. 23-24).")
        if any(m.active and m.declared_no_conflict_at is None for m in case.mediators):
            return _l("Each mediator declares that they have no conflict of interest.")
        if not case.sessions:
            return _l("Hold the first session and record it.")
        return _l("Record the outcome: the agreement, or that this attempt failed.")
    if state == CaseState.SUSPENDED:
        return _l("Resume mediation when the reason for the pause has gone; the clock is stopped.")
    if state == CaseState.AGREED:
        agreement = case.agreement
        if (
            agreement is not None
            and agreement.kind == AgreementKind.WRITTEN
            and agreement.effective_on is None
        ):
            return _l(
                "Collect every party's signature, the mediator's and the committee's seal: "
                "the agreement takes effect then (PML Art. 29)."
            )
        if any(v.done_at is None for v in case.follow_ups):
            return _l("Visit the parties to follow up the agreement, then archive the case.")
        return _l("Archive the case once its file is complete.")
    return _AFTER.get(state)
