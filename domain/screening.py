"""Screening (审查): accept a registered case, or refuse it and say where to go instead
(MOJ-2002 Arts. 22, 24). 宜调则调，宜分则分."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from domain.clocks import start_clock
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import can_screen
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from models import Case, User
from models.enums import ClosureReason
from models.types import utcnow


def accept_case(
    case: Case,
    actor: User,
    *,
    version: int | None,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """Accept the case for mediation; starts the time limit (30 days by default).

    Raises NotPermitted, StaleCase, InvalidTransition.
    """
    if not can_screen(actor, case):
        raise NotPermitted()
    check_version(case, version)
    now = now or utcnow()
    transition(case, Action.ACCEPT, actor, note=note, public=True)
    case.accepted_at = now
    start_clock(case, now)


def not_accept_case(
    case: Case,
    actor: User,
    *,
    version: int | None,
    reason: str,
    redirect_advice: str,
    now: datetime | None = None,
) -> None:
    """Refuse the case. The reason is internal; the advice on where to go is told to the citizen.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (missing texts).
    """
    if not can_screen(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if not (reason or "").strip():
        raise ValidationFailed(_l("Give the reason for not accepting."), field="reason")
    if not (redirect_advice or "").strip():
        raise ValidationFailed(
            _l("Tell the applicant which body or channel to use instead."),
            field="redirect_advice",
        )
    transition(case, Action.NOT_ACCEPT, actor, note=reason.strip(), public=True)
    case.not_accepted_reason = reason.strip()
    case.redirect_advice = redirect_advice.strip()
    case.closure_reason = ClosureReason.NOT_ACCEPTED
    case.closed_at = now or utcnow()
