"""Transfers (移送): a committee hands a case down, up or across to another mediating
organisation, or out of people's mediation to a court, an arbitration commission or an
administrative department, with a transfer note (案件移送函). The case keeps its number.

Inside the system the receiving organisation acknowledges (it becomes the handling
organisation; the case waits there for its own mediator, under its own time limit) or
declines (the case stays where it was). Out of the system, the sender records the outside
body's acknowledgement and mediation ends (closure reason: transferred out).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from domain.aftercare import schedule_closing_follow_ups
from domain.calendar import CHINA, local_today
from domain.clocks import apply_limit, resume_clock
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, can_send_transfer, may, may_receive_transfer
from domain.states import Action, next_state
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, Organisation, Region, User, code_range
from models.docking import Transfer
from models.enums import ClosureReason, Role, TransferDirection, TransferStatus
from models.types import utcnow

PENDING = TransferStatus.PENDING.value


def pending_transfer(case: Case) -> Transfer | None:
    return next((t for t in case.transfers if t.status == PENDING), None)


def origin(case: Case) -> Organisation | None:
    """Where the case is now: the handling organisation, or before dispatch the intake one."""
    return case.handling_org or case.intake_org


def direction_between(sender: Organisation | None, receiver: Organisation) -> TransferDirection:
    """DOWN/UP/ACROSS from the two organisations' region levels (a longer code is lower)."""
    if not receiver.mediates:
        return TransferDirection.OUT
    if sender is None:
        return TransferDirection.ACROSS
    mine, theirs = len(sender.region.code), len(receiver.region.code)
    if theirs > mine:
        return TransferDirection.DOWN
    if theirs < mine:
        return TransferDirection.UP
    return TransferDirection.ACROSS


def _need(value: str | None, message, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def send_transfer(
    case: Case,
    actor: User,
    *,
    version: int | None,
    to_org: Organisation | None = None,
    to_name: str | None = None,
    reason: str,
) -> Transfer:
    """Send the case to `to_org` (an organisation of the list: a mediating one, or a court or
    arbitration body), or out to the body named `to_name`.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (to_org, to_name,
    reason).
    """
    if not can_send_transfer(actor, case):
        raise NotPermitted()
    check_version(case, version)
    next_state(case.state, Action.SEND_TRANSFER)  # InvalidTransition first
    if pending_transfer(case) is not None:
        raise ValidationFailed(_l("This case already has a transfer waiting for acknowledgement."))
    sender = origin(case)
    to_name = (to_name or "").strip() or None
    if to_org is None and to_name is None:
        raise ValidationFailed(
            _l("Choose the receiving organisation or type the name of the outside body."),
            field="to_org",
        )
    if to_org is not None:
        if not to_org.active:
            raise ValidationFailed(_l("This organisation is no longer active."), field="to_org")
        if sender is not None and to_org.id == sender.id:
            raise ValidationFailed(_l("The case is already there."), field="to_org")
        if to_org.mediates and to_org.id == case.handling_org_id:
            raise ValidationFailed(_l("The case is already there."), field="to_org")
        direction = direction_between(sender, to_org)
        to_name = to_org.name
    else:
        direction = TransferDirection.OUT
    reason = _need(reason, _l("Give the reason for the transfer."), "reason")
    transfer = Transfer(
        direction=direction.value,
        status=PENDING,
        from_org=sender,
        to_org=to_org,
        to_name=to_name,
        reason=reason,
        sent_by=actor,
        sent_at=utcnow(),
    )
    case.transfers.append(transfer)
    db.session.flush()
    transition(
        case,
        Action.SEND_TRANSFER,
        actor,
        note=reason,
        public=False,
        data={
            "transfer_id": transfer.id,
            "direction": direction.value,
            "to_org_id": to_org.id if to_org else None,
            "to": to_name,
        },
    )
    return transfer


def _pending(case: Case, transfer_id: int | None) -> Transfer:
    transfer = next((t for t in case.transfers if t.id == transfer_id), None)
    if transfer is None or transfer.status != PENDING:
        raise ValidationFailed(_l("This transfer is no longer waiting for an answer."))
    return transfer


def withdraw_transfer(
    case: Case, transfer_id: int, actor: User, *, version: int | None
) -> Transfer:
    """The sender takes a pending transfer back. Raises NotPermitted, StaleCase,
    InvalidTransition, ValidationFailed."""
    if not can_send_transfer(actor, case):
        raise NotPermitted()
    check_version(case, version)
    transfer = _pending(case, transfer_id)
    transition(
        case,
        Action.WITHDRAW_TRANSFER,
        actor,
        public=False,
        data={"transfer_id": transfer.id, "to": transfer.to_name},
    )
    transfer.status = TransferStatus.WITHDRAWN.value
    transfer.answered_at, transfer.answered_by = utcnow(), actor
    return transfer


def _receiving(transfer: Transfer, actor: User) -> None:
    if transfer.direction == TransferDirection.OUT.value or transfer.to_org is None:
        raise ValidationFailed(_l("An outside body's acknowledgement is recorded by the sender."))
    if not may_receive_transfer(actor, transfer):
        raise NotPermitted()


def decline_transfer(
    case: Case, transfer_id: int, actor: User, *, version: int | None, reason: str
) -> Transfer:
    """The receiving organisation declines: the case stays where it was.
    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (reason)."""
    transfer = _pending(case, transfer_id)
    _receiving(transfer, actor)
    check_version(case, version)
    reason = _need(reason, _l("Say why the transfer is declined."), "reason")
    transition(
        case,
        Action.DECLINE_TRANSFER,
        actor,
        note=reason,
        public=False,
        data={"transfer_id": transfer.id, "to": transfer.to_name},
    )
    transfer.status = TransferStatus.DECLINED.value
    transfer.answered_at, transfer.answered_by = utcnow(), actor
    transfer.answer_note = reason
    return transfer


def accept_transfer(
    case: Case, transfer_id: int, actor: User, *, version: int | None, note: str | None = None
) -> Transfer:
    """The receiving organisation acknowledges: it handles the case now (dispatched, waiting
    for its own mediator; earlier mediators step off; its own time limit applies).
    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed."""
    transfer = _pending(case, transfer_id)
    _receiving(transfer, actor)
    check_version(case, version)
    receiver = transfer.to_org
    transition(
        case,
        Action.ACCEPT_TRANSFER,
        actor,
        note=(note or "").strip() or None,
        public=True,
        data={
            "transfer_id": transfer.id,
            "organisation_id": receiver.id,
            "public_text": receiver.name,
            "direction": transfer.direction,
        },
    )
    transfer.status = TransferStatus.ACKNOWLEDGED.value
    transfer.answered_at, transfer.answered_by = utcnow(), actor
    transfer.receiver_name = actor.name
    transfer.answer_note = (note or "").strip() or None
    case.handling_org = receiver
    for link in case.mediators:
        link.active = False
    if case.suspended_since is not None:  # a suspended case starts again at the receiver
        resume_clock(case, utcnow())
    db.session.flush()
    apply_limit(case)
    return transfer


def can_record_out_acknowledgement(user: User, case: Case) -> bool:
    """Record that the outside body signed for the case (domain.permissions,
    Work.TRANSFER_OUT_ACK)."""
    return may(user, Work.TRANSFER_OUT_ACK, case)


def record_out_acknowledgement(
    case: Case,
    transfer_id: int,
    actor: User,
    *,
    version: int | None,
    receiver_name: str,
    received_on: date | None,
    now: datetime | None = None,
) -> Transfer:
    """The outside body signed for the case: mediation ends (transferred out), the parties
    get the notice of termination, follow-up is scheduled as for any ending.
    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (receiver_name,
    received_on). The sending side records it, or the desk of the case's area."""
    if not can_record_out_acknowledgement(actor, case):
        raise NotPermitted()
    check_version(case, version)
    transfer = _pending(case, transfer_id)
    if transfer.direction != TransferDirection.OUT.value:
        raise ValidationFailed(_l("The receiving committee acknowledges this transfer itself."))
    receiver_name = _need(receiver_name, _l("Enter who signed for the case."), "receiver_name")
    if received_on is None:
        raise ValidationFailed(_l("Enter the date it was signed for."), field="received_on")
    if received_on > local_today() or received_on < local_today(transfer.sent_at):
        raise ValidationFailed(
            _l("The date must be between the day the transfer was sent and today."),
            field="received_on",
        )
    now = now or utcnow()
    transition(
        case,
        Action.ACK_TRANSFER_OUT,
        actor,
        public=True,
        data={
            "transfer_id": transfer.id,
            "public_text": transfer.to_name,
            "receiver": receiver_name,
            "received_on": received_on.isoformat(),
        },
    )
    transfer.status = TransferStatus.ACKNOWLEDGED.value
    transfer.answered_at = datetime.combine(received_on, time(12), CHINA).astimezone(UTC)
    transfer.answered_by = actor
    transfer.receiver_name = receiver_name
    case.closure_reason = ClosureReason.TRANSFERRED_OUT
    case.closure_notice = transfer.to_name
    case.closed_at = now
    schedule_closing_follow_ups(case, local_today(now))
    return transfer


def awaiting_answer_from(user: User) -> sa.ColumnElement[bool]:
    """SQL condition on Transfer: pending transfers `user` may acknowledge — to their own
    organisation (a director), or for clerks to organisations inside their region; never an
    outward one (its receiver is outside the system), never one's own transfers nor those of
    one's own committee (see may_receive_transfer). None for other roles."""
    answerable = sa.and_(
        Transfer.status == PENDING,
        Transfer.direction != TransferDirection.OUT.value,
        sa.or_(Transfer.sent_by_id.is_(None), Transfer.sent_by_id != user.id),
        sa.or_(Transfer.from_org_id.is_(None), Transfer.from_org_id != user.organisation_id),
    )
    if user.role == Role.DIRECTOR:
        return sa.and_(answerable, Transfer.to_org_id == user.organisation_id)
    if user.role != Role.CLERK:
        return sa.false()
    low, high = code_range(user.organisation.region.code)
    orgs = (
        sa.select(Organisation.id)
        .join(Region, Organisation.region_id == Region.id)
        .where(Region.code >= low, Region.code < high)
    )
    return sa.and_(answerable, Transfer.to_org_id.in_(orgs))


def to_acknowledge(user: User) -> sa.Select:
    """Pending transfers `user` may acknowledge, oldest first."""
    return sa.select(Transfer).where(awaiting_answer_from(user)).order_by(Transfer.id)


def incoming_transfers(user: User, limit: int = 100) -> list[Transfer]:
    """Pending transfers `user` may acknowledge, with their case and organisations (one
    query), oldest first."""
    stmt = (
        to_acknowledge(user)
        .options(
            joinedload(Transfer.case), joinedload(Transfer.from_org), joinedload(Transfer.to_org)
        )
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())
