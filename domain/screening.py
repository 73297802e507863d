"""Screening (审查): accept a registered case, or refuse it and say where to go instead
(MOJ-2002 Arts. 22, 24). 宜调则调，宜分则分.

MOJ-2002 Art. 22 names what people's mediation may not take up, and the desk answers each one
before a case is accepted (models.enums.Exclusion): the dispute is already before a court or an
arbitration commission; the police or another administrative body has already accepted or dealt
with it; the law reserves it to a specialised body or forbids mediating it. Acceptance without
an answer to each is refused; an exclusion that applies turns the screening into a refusal,
with the channel to use instead (Art. 24) printed on the 不予受理通知书.

A referral answers the question about its own sender: a court that delegates (委派, before
filing) or entrusts (委托, after filing) a dispute to mediation is asking for it (PML Art. 18;
SPC-TY Art. 11), so its case is not "already before a court" in the sense of Art. 22; the same
holds for the police station, petition office or department that transferred the dispute
instead of handling it (PML Art. 18). The other questions are still asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from domain.clocks import start_clock
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import can_screen
from domain.states import Action, next_state
from domain.timeline import transition
from domain.versioning import check_version
from models import Case, User
from models.docking import Referral
from models.enums import ClosureReason, Exclusion, ReferralKind
from models.states import CaseState
from models.types import utcnow

# What the desk is asked, in this order, and the message when a question is left unanswered.
QUESTIONS = (Exclusion.COURT, Exclusion.ADMINISTRATIVE, Exclusion.RESERVED)
UNANSWERED = {
    Exclusion.COURT: _l("Answer whether the dispute is already before a court or arbitration."),
    Exclusion.ADMINISTRATIVE: _l(
        "Answer whether an administrative body has already accepted or dealt with the dispute."
    ),
    Exclusion.RESERVED: _l(
        "Answer whether the law reserves the dispute to another body or forbids mediating it."
    ),
}


@dataclass(frozen=True)
class ScreeningData:
    """The desk's answer to each exclusion of MOJ-2002 Art. 22: True when it applies, False
    when the clerk confirmed that it does not, missing or None when not answered. `note` goes
    into the file (on acceptance: how it was checked; on refusal: the details of the ground);
    `redirect_advice` is the channel the person should use instead (needed when one applies)."""

    answers: Mapping[Exclusion, bool | None] = field(default_factory=dict)
    note: str | None = None
    redirect_advice: str | None = None

    @classmethod
    def clear(cls, note: str | None = None) -> ScreeningData:
        """Every exclusion confirmed not to apply (the desk's answers after checking)."""
        return cls({e: False for e in QUESTIONS}, note=note)


def settled_by_referral(case: Case) -> dict[Exclusion, Referral]:
    """The questions a referral of the case answers itself: the court's own referral is not
    "already before a court"; a police station's, petition office's or department's transfer
    is not "already dealt with by an administrative body" (PML Art. 18; SPC-TY Art. 11)."""
    out: dict[Exclusion, Referral] = {}
    for referral in case.referrals:
        exclusion = (
            Exclusion.COURT if referral.kind == ReferralKind.COURT else Exclusion.ADMINISTRATIVE
        )
        out.setdefault(exclusion, referral)
    return out


def questions_for(case: Case) -> list[Exclusion]:
    """The exclusions the desk must answer for this case (those no referral settles)."""
    settled = settled_by_referral(case)
    return [e for e in QUESTIONS if e not in settled]


def _answered(case: Case, screening: ScreeningData) -> list[Exclusion]:
    """Check every question is answered; return the exclusions found to apply."""
    applying = []
    for exclusion in questions_for(case):
        answer = screening.answers.get(exclusion)
        if answer is None:
            raise ValidationFailed(UNANSWERED[exclusion], field=exclusion.value)
        if answer:
            applying.append(exclusion)
    return applying


def _record(case: Case, answers: Mapping[Exclusion, bool | None]) -> dict[str, str]:
    """How each exclusion was answered, for the timeline: applies, clear or the referral."""
    settled = settled_by_referral(case)
    return {
        e.value: "referral" if e in settled else ("applies" if answers.get(e) else "clear")
        for e in QUESTIONS
    }


def accept_case(
    case: Case,
    actor: User,
    *,
    version: int | None,
    screening: ScreeningData,
    now: datetime | None = None,
) -> None:
    """Accept the case for mediation once the desk has confirmed that no exclusion of
    MOJ-2002 Art. 22 applies; starts the time limit (30 days by default).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (a question not
    answered, or an exclusion that applies: the case must be refused with advice instead).
    """
    if not can_screen(actor, case):
        raise NotPermitted()
    check_version(case, version)
    next_state(case.state, Action.ACCEPT)  # InvalidTransition before the questions
    for exclusion in _answered(case, screening):
        raise ValidationFailed(
            _l(
                "This exclusion applies, so the case cannot be accepted (MOJ-2002 Art. 22): "
                "record the screening with the channel the person should use instead."
            ),
            field=exclusion.value,
        )
    now = now or utcnow()
    note = (screening.note or "").strip() or None
    transition(
        case,
        Action.ACCEPT,
        actor,
        note=note,
        public=True,
        data={"screening": _record(case, screening.answers)},
    )
    case.accepted_at = now
    start_clock(case, now)


def screen_case(
    case: Case,
    actor: User,
    *,
    version: int | None,
    screening: ScreeningData,
    now: datetime | None = None,
) -> CaseState:
    """The desk's screening: accepted when the clerk confirmed that no exclusion applies;
    not accepted, with the channel to use instead (MOJ-2002 Art. 24), when one does.
    Returns the case's new state.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (a question not
    answered; no advice when an exclusion applies).
    """
    if not can_screen(actor, case):
        raise NotPermitted()
    check_version(case, version)
    next_state(case.state, Action.ACCEPT)
    applying = _answered(case, screening)
    if not applying:
        accept_case(case, actor, version=None, screening=screening, now=now)
    else:
        _refuse(
            case,
            actor,
            grounds=applying,
            reason=screening.note,
            redirect_advice=screening.redirect_advice,
            screening=_record(case, screening.answers),
            now=now,
        )
    return case.state


def not_accept_case(
    case: Case,
    actor: User,
    *,
    version: int | None,
    reason: str,
    redirect_advice: str,
    now: datetime | None = None,
) -> None:
    """Refuse the case on a ground other than the exclusions the screening asks about (e.g.
    not a civil dispute between the parties). The reason is internal; the advice on where to
    go is told to the citizen.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (missing texts).
    """
    if not can_screen(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if not (reason or "").strip():
        raise ValidationFailed(_l("Give the reason for not accepting."), field="reason")
    _refuse(case, actor, grounds=[], reason=reason, redirect_advice=redirect_advice, now=now)


def _refuse(
    case: Case,
    actor: User,
    *,
    grounds: list[Exclusion],
    reason: str | None,
    redirect_advice: str | None,
    screening: dict[str, str] | None = None,
    now: datetime | None = None,
) -> None:
    """Not accepted: the grounds found (if any), the details, and the channel to use instead,
    which the applicant is told (MOJ-2002 Art. 24) and the 不予受理通知书 prints."""
    advice = (redirect_advice or "").strip()
    if not advice:
        raise ValidationFailed(
            _l("Tell the applicant which body or channel to use instead."),
            field="redirect_advice",
        )
    reason = (reason or "").strip() or None
    data: dict = {"grounds": [g.value for g in grounds]}
    if screening:
        data["screening"] = screening
    transition(case, Action.NOT_ACCEPT, actor, note=reason, public=True, data=data)
    case.not_accepted_reason = reason
    case.not_accepted_grounds = [g.value for g in grounds] or None
    case.redirect_advice = advice
    case.closure_reason = ClosureReason.NOT_ACCEPTED
    case.closed_at = now or utcnow()
