"""After mediation: follow-up visits (回访, within one month: a local rule) and the parties'
joint application for judicial confirmation (PML Art. 33: within 30 days of the effective date)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain import confirmability
from domain.agreements import may_record_outcome
from domain.calendar import local_today
from domain.confirmability import Bar
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, case_scope, may
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from models import Case, FollowUp, JudicialConfirmation, User
from models.enums import Performance, ReferralKind, Ruling, Satisfaction, Source
from models.types import utcnow

FOLLOW_UP_WITHIN_DAYS = 30
CONFIRMATION_WINDOW_DAYS = 30


def schedule_follow_up(case: Case, ended_on: date, reason: str) -> FollowUp:
    """Schedule a visit due within one month after mediation ended (a local rule)."""
    visit = FollowUp(due_on=ended_on + timedelta(days=FOLLOW_UP_WITHIN_DAYS), reason=reason)
    case.follow_ups.append(visit)
    return visit


def needs_follow_up(case: Case) -> bool:
    """Every agreement, and every petition case however it ended (a local rule: 100%): one
    that came from a petition office, or absorbed a petition transfer by a merge."""
    return (
        case.agreement is not None
        or case.source == Source.PETITION
        or any(r.kind == ReferralKind.PETITION for r in case.referrals)
    )


def schedule_closing_follow_ups(case: Case, ended_on: date | None = None) -> FollowUp | None:
    """When a case ends (however it ends), schedule the visit it needs, unless one is already
    open: every petition-sourced case is visited (a local rule); an agreement schedules its own
    visit in record_agreement. Call it from every ending (failure, termination, refusal).
    Returns the new visit, or None."""
    if not needs_follow_up(case) or any(v.done_at is None for v in case.follow_ups):
        return None
    reason = "agreement" if case.agreement is not None else "petition"
    return schedule_follow_up(case, ended_on or local_today(), reason)


def may_visit(user: User, case: Case) -> bool:
    """Who records a visit: whoever records the case's work, or any mediator of the handling
    committee (the presiding mediator may have moved on)."""
    return may(user, Work.FOLLOW_UP, case)


def open_visits(user: User) -> sa.Select:
    """Open visits (not yet made) of the cases `user` may see, for a keyset page ordered by
    (due_on, id); reads the (done_at, due_on) index."""
    return (
        sa.select(FollowUp)
        .join(Case, FollowUp.case_id == Case.id)
        .where(FollowUp.done_at.is_(None), case_scope(user))
    )


def confirmation_deadline(effective_on: date | None) -> date | None:
    """Last day for the joint application to the court (PML Art. 33; CPL Art. 205)."""
    return effective_on + timedelta(days=CONFIRMATION_WINDOW_DAYS) if effective_on else None


def record_follow_up(
    case: Case,
    visit: FollowUp,
    actor: User,
    *,
    version: int | None,
    visited_on: date,
    performance: Performance,
    satisfaction: Satisfaction,
    remaining_risk: str | None = None,
    measures: str | None = None,
    notes: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record a follow-up visit (人民调解回访记录): performance of the agreement, satisfaction,
    remaining risk and measures taken.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may_visit(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if visit.case_id != case.id or visit.done_at is not None:
        raise ValidationFailed(_l("This visit is not open on this case."), field="visit")
    if visited_on > local_today(now):
        raise ValidationFailed(_l("The visit date cannot be in the future."), field="visited_on")
    visit.done_at, visit.visited_on, visit.visitor = now or utcnow(), visited_on, actor
    visit.performance, visit.satisfaction = performance, satisfaction
    visit.remaining_risk = (remaining_risk or "").strip() or None
    visit.measures = (measures or "").strip() or None
    visit.notes = (notes or "").strip() or None
    transition(
        case,
        Action.RECORD_FOLLOW_UP,
        actor,
        public=False,
        data={
            "visit_id": visit.id,
            "performance": performance.value,
            "satisfaction": satisfaction.value,
        },
    )


# ---- judicial confirmation (PML Art. 33; CPL Arts. 205-206) ----------------------------------


def confirmation_open(case: Case) -> JudicialConfirmation | None:
    """The application the court is still ruling on, if any."""
    return next((c for c in case.confirmations if c.ruling == Ruling.PENDING), None)


def apply_confirmation(
    case: Case,
    actor: User,
    *,
    version: int | None,
    court: str,
    applied_on: date,
    all_parties_join: bool,
    confirmed_not: Collection[Bar] = (),
    now: datetime | None = None,
) -> JudicialConfirmation:
    """Record the parties' joint application to a court to confirm the agreement, within 30
    days of its effective date (PML Art. 33; CPL Art. 205).

    Refused while a party disputes a term (the application is joint) and when a term itself
    settles a status relation (SPC-2011 Art. 4). A matter the check only suspects (the
    dispute type, a third party, words in the terms: domain.confirmability) must be cleared:
    `confirmed_not` names the bars the recorder confirmed the terms do not concern.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may_record_outcome(actor, case):
        raise NotPermitted()
    check_version(case, version)
    agreement = case.agreement
    if agreement is None or agreement.effective_on is None:
        raise ValidationFailed(_l("Only an agreement in effect can be confirmed by a court."))
    if any(c.ruling in (Ruling.PENDING, Ruling.CONFIRMED) for c in case.confirmations):
        raise ValidationFailed(_l("An application for this agreement is already recorded."))
    found = confirmability.check(case)
    if found.disputed:
        numbers = ", ".join(str(n) for n, _term, _note in found.disputed)
        raise ValidationFailed(
            _l(
                "A party disputes term %(numbers)s. A court confirms only an agreement the "
                "parties apply for together (CPL Art. 205): settle the dispute first (record "
                "the term's performance again), or mediate again, or tell the parties they may "
                "sue over the agreement.",
                numbers=numbers,
            )
        )
    if found.refusals:
        numbers = ", ".join(str(f.term) for f in found.refusals)
        raise ValidationFailed(
            _l(
                "Term %(numbers)s settles a status relation (marriage, adoption, parent and "
                "child or guardianship). No court confirms such an agreement (SPC-2011 Art. 4; "
                "CPL Interpretation Art. 355).",
                numbers=numbers,
            )
        )
    court = (court or "").strip()
    if not court:
        raise ValidationFailed(_l("Name the court."), field="court")
    if not all_parties_join:
        raise ValidationFailed(
            _l("The application is made jointly: every party must join it."),
            field="all_parties_join",
        )
    deadline = confirmation_deadline(agreement.effective_on)
    if applied_on < agreement.effective_on:
        raise ValidationFailed(
            _l(
                "The application cannot be before the agreement took effect (%(date)s).",
                date=agreement.effective_on.isoformat(),
            ),
            field="applied_on",
        )
    if applied_on > local_today(now):
        raise ValidationFailed(
            _l("The application date cannot be in the future."), field="applied_on"
        )
    if applied_on > deadline:
        raise ValidationFailed(
            _l(
                "The 30 days for applying ended on %(date)s (PML Art. 33). The parties may "
                "still sue over the agreement.",
                date=deadline.isoformat(),
            ),
            field="applied_on",
        )
    confirmed_not = set(confirmed_not)
    for bar in found.to_confirm:
        if bar not in confirmed_not:
            raise ValidationFailed(
                _l(
                    "Confirm that the terms do not concern this, or tell the parties that the "
                    "court will not confirm them."
                ),
                field=f"not_{bar.value}",
            )
    application = JudicialConfirmation(
        court=court,
        applied_on=applied_on,
        ruling=Ruling.PENDING,
        all_parties_joined=True,
        recorded_by_id=actor.id,
    )
    case.confirmations.append(application)
    transition(
        case,
        Action.APPLY_CONFIRMATION,
        actor,
        public=True,
        data={
            "court": court,
            "applied_on": applied_on.isoformat(),
            # What the check suspected and the recorder confirmed the terms do not concern.
            "confirmed_not": [b.value for b in found.to_confirm],
            "public_text": court,
        },
    )
    return application


def record_ruling(
    case: Case,
    application: JudicialConfirmation,
    actor: User,
    *,
    version: int | None,
    ruling: Ruling,
    ruling_number: str,
    ruled_on: date,
    now: datetime | None = None,
) -> None:
    """Record the court's ruling on the application (confirmed valid or rejected) and its number.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may_record_outcome(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if application not in case.confirmations or application.ruling != Ruling.PENDING:
        raise ValidationFailed(_l("This application is not awaiting a ruling."))
    if ruling not in (Ruling.CONFIRMED, Ruling.REJECTED):
        raise ValidationFailed(_l("Choose the court's ruling."), field="ruling")
    ruling_number = (ruling_number or "").strip()
    if not ruling_number:
        raise ValidationFailed(_l("Enter the number of the ruling."), field="ruling_number")
    if ruled_on < application.applied_on:
        raise ValidationFailed(
            _l(
                "The ruling cannot be before the application (%(date)s).",
                date=application.applied_on.isoformat(),
            ),
            field="ruled_on",
        )
    if ruled_on > local_today(now):
        raise ValidationFailed(_l("The ruling date cannot be in the future."), field="ruled_on")
    application.ruling, application.ruling_number = ruling, ruling_number
    application.ruled_on = ruled_on
    transition(
        case,
        Action.RECORD_RULING,
        actor,
        public=True,
        data={
            "confirmation_id": application.id,
            "ruling": ruling.value,
            "ruling_number": ruling_number,
            "ruled_on": ruled_on.isoformat(),
            "court": application.court,
        },
    )
