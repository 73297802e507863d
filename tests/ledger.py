"""Cases written straight into the tables, as a ledger records them: a number, dates, source,
type, outcome, agreement, visits and judicial confirmation, without the workflow. The
statistics tests build hundreds of cases this way in a second (tests/factories.World drives
cases through the domain functions, which is slower and not what a ledger needs)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from domain.calendar import CHINA
from extensions import db
from models import (
    Agreement,
    Case,
    CaseMediator,
    FollowUp,
    JudicialConfirmation,
    Organisation,
    Region,
    User,
)
from models.enums import (
    AgreementKind,
    Channel,
    ClosureReason,
    DisputeType,
    Performance,
    Ruling,
    Source,
)
from models.states import CaseState

_numbers = count(1)

STATE_OF = {
    ClosureReason.AGREEMENT_WRITTEN: CaseState.AGREED,
    ClosureReason.AGREEMENT_ORAL: CaseState.AGREED,
    ClosureReason.FAILED: CaseState.FAILED,
    ClosureReason.PARTY_REFUSED: CaseState.REFUSED,
    ClosureReason.NOT_ACCEPTED: CaseState.NOT_ACCEPTED,
    ClosureReason.MERGED: CaseState.MERGED,
}


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of a China calendar day."""
    return datetime.combine(day, time(hour, minute), tzinfo=CHINA)


def ledger_case(
    region: Region,
    *,
    registered: datetime,
    source: Source = Source.APPLICATION,
    channel: Channel | None = None,
    dtype: DisputeType = DisputeType.LL,
    accepted: datetime | None = None,
    closed: datetime | None = None,
    reason: ClosureReason | None = None,
    state: CaseState | None = None,
    amount: Decimal | None = None,
    handling: Organisation | None = None,
    intake: Organisation | None = None,
    mediator: User | None = None,
    performance: Performance | None = None,
    confirmed_on: date | None = None,
    visit_due: date | None = None,
    visited: datetime | None = None,
) -> Case:
    """One case as a ledger line. The state follows the outcome unless given."""
    if channel is None:
        channel = Channel.WALK_IN if source == Source.APPLICATION else Channel.REFERRAL
    if state is None:
        if reason is not None:
            state = STATE_OF.get(reason, CaseState.TERMINATED)
        elif accepted is not None:
            state = CaseState.MEDIATING if handling else CaseState.ACCEPTED
        else:
            state = CaseState.REGISTERED
    n = next(_numbers)
    case = Case(
        number=f"{registered.year}-{region.code[:6]}-{n:06d}",
        query_code_hash="x",
        state=state,
        source=source,
        channel=channel,
        dispute_type=dtype,
        summary=f"台账案件{n}",
        requests=[],
        amount=amount,
        region=region,
        region_code=region.code,
        intake_org=intake,
        handling_org=handling,
        created_at=registered,
        accepted_at=accepted,
        closed_at=closed,
        closure_reason=reason,
    )
    db.session.add(case)
    recorder = mediator
    if mediator is not None:
        case.mediators.append(CaseMediator(user=mediator, presiding=True, active=True))
    if reason in (ClosureReason.AGREEMENT_WRITTEN, ClosureReason.AGREEMENT_ORAL):
        assert recorder is not None, "an agreement is recorded by a mediator"
        agreed_on = closed.astimezone(CHINA).date()
        case.agreement = Agreement(
            kind=AgreementKind.ORAL
            if reason == ClosureReason.AGREEMENT_ORAL
            else AgreementKind.WRITTEN,
            terms=["按约履行"],
            agreed_on=agreed_on,
            effective_on=agreed_on,
            recorded_by_id=recorder.id,
            performance=[(performance or Performance.PENDING).value],
            performance_status=performance or Performance.PENDING,
        )
    if confirmed_on is not None:
        case.confirmations.append(
            JudicialConfirmation(
                court="公安县人民法院",
                applied_on=confirmed_on,
                all_parties_joined=True,
                ruling=Ruling.CONFIRMED,
                ruled_on=confirmed_on,
                recorded_by_id=recorder.id,
            )
        )
    if visit_due is not None:
        case.follow_ups.append(
            FollowUp(
                due_on=visit_due,
                reason="agreement",
                done_at=visited,
                visited_on=visited.astimezone(CHINA).date() if visited else None,
            )
        )
    return case
