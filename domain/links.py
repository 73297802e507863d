"""Related cases, repeat petitions and merging (关联案件 / 重复信访 / 合并).

A link is a note between two files, recorded on both timelines (only on the open one when the
other file is archived: an archived file is final). It is made from a case that is neither
archived nor merged, by whoever holds that case (domain.permissions, Work.LINK); the other case
may be any case in the user's scope, an archived one included (a repeat petition of a dispute
settled long ago). Merging absorbs case B into case A when
both turn out to be the same dispute: B closes as MERGED and lives on in A; its number, query
code and timeline stay; its parties not already on A are added to A, so nothing is lost.

Both cases must be in the user's scope; a case outside it is answered exactly like a number
that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from domain.codes import normalise_case_number
from domain.errors import InvalidTransition, NotPermitted, ValidationFailed
from domain.ids import is_row_id
from domain.permissions import Work, get_case_for, may
from domain.states import Action, allowed
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, CaseRiskFlag, Event, Party, User
from models.docking import CaseLink, Referral
from models.enums import ClosureReason, LinkKind, PartyRole, RiskLevel, TransferStatus
from models.types import utcnow

_RISK_ORDER = list(RiskLevel)  # none < blue < yellow < orange < red

LINK_KINDS = (LinkKind.RELATED, LinkKind.REPEAT)
NO_SUCH_CASE = _l("There is no case with this number in your area.")


@dataclass
class LinkRow:
    """One link as seen from one case: the other case, the kind, and which way it points."""

    link: CaseLink
    other: Case
    outgoing: bool  # this case → other (for MERGED: this case was merged into `other`)

    @property
    def kind(self) -> LinkKind:
        return LinkKind(self.link.kind)


def find_case(user: User, number: str | None, field: str = "number") -> Case:
    """A case in `user`'s scope by its number as typed; ValidationFailed otherwise (the same
    message for a number that does not exist and one outside the scope)."""
    normalised = normalise_case_number(number or "")
    case = get_case_for(user, normalised) if normalised else None
    if case is None:
        raise ValidationFailed(NO_SUCH_CASE, field=field)
    return case


def links_of(case: Case) -> list[LinkRow]:
    """Every link of `case`, both ways, oldest first (one query)."""
    stmt = (
        sa.select(CaseLink)
        .where(sa.or_(CaseLink.case_id == case.id, CaseLink.other_id == case.id))
        .options(joinedload(CaseLink.case), joinedload(CaseLink.other))
        .order_by(CaseLink.id)
    )
    rows = []
    for link in db.session.scalars(stmt).unique():
        outgoing = link.case_id == case.id
        rows.append(LinkRow(link, link.other if outgoing else link.case, outgoing))
    return rows


def is_repeat(case: Case, rows: list[LinkRow]) -> bool:
    """A repeat petition: linked as such (`rows`: links_of(case)), or transferred by a
    petition office that marked it 重复访 — the same rule as repeat_case_ids."""
    return any(r.kind == LinkKind.REPEAT for r in rows) or any(
        r.repeat_petition for r in case.referrals
    )


def merged_into(case: Case) -> Case | None:
    """The case `case` was merged into (following later merges of that case too)."""
    seen = {case.id}
    target = None
    current = case
    for _ in range(10):
        link = db.session.scalars(
            sa.select(CaseLink).where(
                CaseLink.case_id == current.id, CaseLink.kind == LinkKind.MERGED.value
            )
        ).first()
        if link is None or link.other_id in seen:
            break
        seen.add(link.other_id)
        target = current = link.other
    return target


def merged_timelines(case: Case) -> list[tuple[Case, list[Event]]]:
    """The timelines of the cases merged into `case`: [(merged case, its events)], in two
    queries however many there are."""
    merged = list(
        db.session.scalars(
            sa.select(Case)
            .join(CaseLink, CaseLink.case_id == Case.id)
            .where(CaseLink.other_id == case.id, CaseLink.kind == LinkKind.MERGED.value)
            .order_by(CaseLink.id)
        )
    )
    if not merged:
        return []
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.case_id.in_([c.id for c in merged]))
        .options(joinedload(Event.actor))
        .order_by(Event.id)
    ).all()
    by_case: dict[int, list[Event]] = {c.id: [] for c in merged}
    for e in events:
        by_case[e.case_id].append(e)
    return [(c, by_case[c.id]) for c in merged]


def _existing(a: Case, b: Case) -> CaseLink | None:
    return db.session.scalars(
        sa.select(CaseLink).where(
            sa.or_(
                sa.and_(CaseLink.case_id == a.id, CaseLink.other_id == b.id),
                sa.and_(CaseLink.case_id == b.id, CaseLink.other_id == a.id),
            )
        )
    ).first()


def _record_on_both(
    case: Case, other: Case, action: Action, actor: User, data: dict, note: str | None
) -> None:
    """The event on each of the two cases whose state allows it (an archived file is final)."""
    if not allowed(case.state, action) and not allowed(other.state, action):
        raise InvalidTransition()
    if allowed(case.state, action):
        transition(
            case,
            action,
            actor,
            note=note,
            public=False,
            data={**data, "other": other.number, "other_id": other.id},
        )
    if allowed(other.state, action):
        transition(
            other,
            action,
            actor,
            note=note,
            public=False,
            data={**data, "other": case.number, "other_id": case.id},
        )


def can_link(user: User, case: Case) -> bool:
    """Whether `user` may link `case` to another case, or remove one of its links, now: the
    case's file is still open (neither archived nor merged) and `user` holds the case."""
    return allowed(case.state, Action.LINK_CASE) and may(user, Work.LINK, case)


def _check_linking(case: Case, actor: User, action: Action) -> None:
    if get_case_for(actor, case.number) is None or not may(actor, Work.LINK, case):
        raise NotPermitted()
    if not allowed(case.state, action):
        raise InvalidTransition()  # an archived file is final; a merged case lives on elsewhere


def link_cases(
    case: Case,
    other_number: str,
    actor: User,
    *,
    version: int | None,
    kind: LinkKind | str,
    note: str | None = None,
) -> CaseLink:
    """Link `case` to the case numbered `other_number` (RELATED or REPEAT), on both timelines.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (number, kind).
    """
    _check_linking(case, actor, Action.LINK_CASE)
    check_version(case, version)
    try:
        kind = LinkKind(kind)
    except ValueError:
        kind = None
    if kind not in LINK_KINDS:
        raise ValidationFailed(_l("Choose how the cases are related."), field="kind")
    other = find_case(actor, other_number)
    if other.id == case.id:
        raise ValidationFailed(_l("A case cannot be linked to itself."), field="number")
    if _existing(case, other) is not None:
        raise ValidationFailed(_l("These two cases are already linked."), field="number")
    note = (note or "").strip() or None
    _record_on_both(case, other, Action.LINK_CASE, actor, {"kind": kind.value}, note)
    link = CaseLink(case=case, other=other, kind=kind.value, note=note, created_by=actor)
    db.session.add(link)
    return link


def unlink_cases(case: Case, link_id: int, actor: User, *, version: int | None) -> None:
    """Remove a RELATED or REPEAT link of `case` (a merge is permanent).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    _check_linking(case, actor, Action.UNLINK_CASE)
    check_version(case, version)
    link = db.session.get(CaseLink, link_id) if is_row_id(link_id) else None
    if link is None or case.id not in (link.case_id, link.other_id):
        raise ValidationFailed(_l("This link no longer exists."))
    if link.kind == LinkKind.MERGED.value:
        raise ValidationFailed(_l("A merge cannot be undone."))
    other = link.other if link.case_id == case.id else link.case
    if get_case_for(actor, other.number) is None:
        raise ValidationFailed(NO_SUCH_CASE)
    _record_on_both(case, other, Action.UNLINK_CASE, actor, {"kind": link.kind}, None)
    db.session.delete(link)


def repeat_case_ids(case_ids: list[int]) -> set[int]:
    """Which of these cases are repeat petitions — linked as such to an earlier case, or
    transferred by a petition office that marked the petition 重复访: one query for a whole
    list page."""
    if not case_ids:
        return set()
    links = sa.select(CaseLink.case_id, CaseLink.other_id).where(
        CaseLink.kind == LinkKind.REPEAT.value,
        sa.or_(CaseLink.case_id.in_(case_ids), CaseLink.other_id.in_(case_ids)),
    )
    flagged = sa.select(Referral.case_id, Referral.case_id).where(
        Referral.repeat_petition.is_(True), Referral.case_id.in_(case_ids)
    )
    rows = db.session.execute(sa.union_all(links, flagged)).all()
    wanted = set(case_ids)
    return {i for row in rows for i in row if i in wanted}


def link_at_registration(case: Case, numbers: list[str], repeat: bool, actor: User) -> None:
    """Link a case just registered to the earlier cases the clerk ticked (same transaction)."""
    kind = LinkKind.REPEAT if repeat else LinkKind.RELATED
    for number in dict.fromkeys(n for n in numbers if (n or "").strip()):
        db.session.flush()
        link_cases(case, number, actor, version=None, kind=kind)


# ---- merging ------------------------------------------------------------------------------


def can_merge(user: User, case: Case, into: Case | None = None) -> bool:
    """Whoever holds `case` (domain.permissions, Work.MERGE: the desk before dispatch, the
    handling committee's director after); a director merges only into a case their committee
    handles too."""
    if not may(user, Work.MERGE, case):
        return False
    return (
        into is None
        or case.handling_org_id is None
        or (into.handling_org_id == case.handling_org_id)
    )


def _same_person(p: Party, q: Party) -> bool:
    if p.role != q.role and PartyRole.AGENT in (p.role, q.role):
        return False  # an agent is kept with the party they act for
    if p.credit_code and q.credit_code:
        return p.credit_code == q.credit_code
    if p.id_number_norm and q.id_number_norm:
        return p.id_number_norm == q.id_number_norm
    return bool(p.phone_norm) and p.name == q.name and p.phone_norm == q.phone_norm


_PARTY_FIELDS = (
    "role",
    "kind",
    "name",
    "sex",
    "ethnicity",
    "age",
    "occupation",
    "legal_rep",
    "legal_rep_post",
    "credit_code",
    "agent_authority",
    "id_number",
    "phone",
    "address",
    "id_number_norm",
    "phone_norm",
    "consent",
    "consent_method",
    "consent_at",
    "notice_ack",
    "notice_ack_at",
)


def merge_cases(
    case: Case,
    into_number: str,
    actor: User,
    *,
    version: int | None,
    reason: str,
    now: datetime | None = None,
) -> Case:
    """Merge `case` (B) into the open case numbered `into_number` (A): B closes as MERGED,
    A records MERGE_IN, B's parties not already on A are added to A. Returns A.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (number, reason).
    """
    if get_case_for(actor, case.number) is None or not can_merge(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if not allowed(case.state, Action.MERGE_INTO):
        raise InvalidTransition()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Say why these are the same dispute."), field="reason")
    into = find_case(actor, into_number)
    if into.id == case.id:
        raise ValidationFailed(_l("A case cannot be merged into itself."), field="number")
    if not allowed(into.state, Action.MERGE_IN):
        raise ValidationFailed(_l("A case can only be merged into an open case."), field="number")
    if not can_merge(actor, case, into):
        raise ValidationFailed(_l("Both cases must be handled by your committee."), field="number")
    if any(t.status == TransferStatus.PENDING.value for t in (*case.transfers, *into.transfers)):
        raise ValidationFailed(
            _l(
                "A transfer of one of these cases is waiting for acknowledgement: withdraw it "
                "or let the receiver answer first."
            ),
            field="number",
        )
    now = now or utcnow()
    on_a = list(into.active_parties)
    copied = []
    position = max((p.position for p in into.parties), default=0)
    on_a_for: dict[int, Party] = {}  # B's party id -> the same party on A
    for p in case.active_parties:  # a party withdrawn from B is not in the dispute
        same = next((q for q in on_a if _same_person(p, q)), None)
        if same is not None:
            on_a_for[p.id] = same
            continue
        position += 1
        twin = Party(position=position, **{f: getattr(p, f) for f in _PARTY_FIELDS})
        into.parties.append(twin)
        on_a.append(twin)
        copied.append(twin)
        on_a_for[p.id] = twin
    for p in case.active_parties:  # a copied agent acts for the same party on A
        if p.principal_id is not None and on_a_for.get(p.id) in copied:
            on_a_for[p.id].principal = on_a_for.get(p.principal_id)
    # What the duplicate brought goes on with the dispute: its referrals (the return leg to
    # the court, petition office or police is now owed by the surviving case), and the
    # weightiest of its risk, amount and reach (routing and escalation must not drop them).
    moved = [r.id for r in case.referrals]
    for referral in list(case.referrals):
        referral.case = into
    if _RISK_ORDER.index(case.risk_level) > _RISK_ORDER.index(into.risk_level):
        into.risk_level = case.risk_level
    # Its risk flags too, and a report to the police it still owes (PML Art. 25); one it made
    # stays in its own file.
    flagged = {row.flag for row in into.risk_flag_rows}
    for row in case.risk_flag_rows:
        if row.flag not in flagged:
            into.risk_flag_rows.append(CaseRiskFlag(flag=row.flag))
    into.police_report_owed = into.police_report_owed or case.police_report_owed
    case.police_report_owed = False
    if case.amount is not None and (into.amount is None or case.amount > into.amount):
        into.amount = case.amount
    into.cross_region = into.cross_region or case.cross_region
    db.session.flush()
    transition(
        case,
        Action.MERGE_INTO,
        actor,
        note=reason,
        public=True,
        data={"other": into.number, "other_id": into.id, "referrals_moved": moved},
    )
    case.closure_reason = ClosureReason.MERGED
    case.closed_at = now
    transition(
        into,
        Action.MERGE_IN,
        actor,
        note=reason,
        public=False,
        data={
            "other": case.number,
            "other_id": case.id,
            "parties_added": [p.id for p in copied],
            "referrals_moved": moved,
        },
    )
    link = _existing(case, into)
    if link is not None and link.case_id == case.id:
        link.kind = LinkKind.MERGED.value
    else:
        db.session.add(
            CaseLink(
                case=case, other=into, kind=LinkKind.MERGED.value, note=reason, created_by=actor
            )
        )
    return into
