"""The organisation registry and its staffing rules: who works at each organisation and in what
kind of post (models.staffing.StaffKind), the full-time mediators each kind of organisation
must have (StaffingNorm, data an administrator edits; defaults in data/staffing/norms.json),
the compliance of each organisation with its norm, and the training its people attended.

Who may change what:
- the registry and training of an organisation: administrators and leaders for the
  organisations of their area (org_scope_of), a director for their own committee;
- the norms: administrators.

Every change is one entry on the matter's record (domain.matters), in the same transaction.
A registry entry tied to a staff account keeps the account's `full_time` flag (read by the
mediator lists) equal to "kind is full-time", so the two never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain import matters
from domain.calendar import FIRST_DAY, LAST_DAY
from domain.errors import DomainError, NotPermitted, ValidationFailed
from domain.permissions import org_scope_of
from extensions import db
from models import Organisation, StaffingNorm, StaffKind, StaffMember, TrainingRecord, User
from models.enums import MEDIATING_KINDS, OrgKind, Role
from models.staffing import ExpertField, TrainingKind

NORMS_FILE = Path(__file__).resolve().parent.parent / "data" / "staffing" / "norms.json"
NAME_MAX = 64
AFFILIATION_MAX = 128
PHONE_MAX = 32
NOTE_MAX = 2000
TOPIC_MAX = 200
BASIS_MAX = 200
MAX_REQUIRED = 99
MAX_HOURS = Decimal("200")


class StaleRecord(DomainError):
    message = _l(
        "Someone else changed this record while you were working on it. "
        "The page now shows the current values; please check them and try again."
    )


# ---- who may -------------------------------------------------------------------------------


def in_scope(user: User, org_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(Organisation.id)).where(
                Organisation.id == org_id, org_scope_of(user)
            )
        )
    )


def may_manage(user: User, org: Organisation) -> bool:
    """Change an organisation's registry and training records."""
    if user.role == Role.DIRECTOR:
        return org.id == user.organisation_id
    return user.role in (Role.ADMIN, Role.LEADER) and in_scope(user, org.id)


def may_edit_norms(user: User) -> bool:
    return user.role == Role.ADMIN


def _check_version(row, version: int | None) -> None:
    if version is not None and version != row.version:
        raise StaleRecord()


# ---- loading within scope ----------------------------------------------------------------


def organisations_for(user: User) -> list[Organisation]:
    """The organisations in the user's scope that have staff (mediating bodies), by name."""
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(org_scope_of(user), Organisation.kind.in_(MEDIATING_KINDS))
            .order_by(Organisation.name)
        )
    )


def get_org_for(user: User, org_id: int) -> Organisation | None:
    return db.session.scalars(
        sa.select(Organisation).where(Organisation.id == org_id, org_scope_of(user))
    ).first()


def get_member_for(user: User, member_id: int) -> StaffMember | None:
    return db.session.scalars(
        sa.select(StaffMember)
        .join(Organisation, StaffMember.org_id == Organisation.id)
        .where(StaffMember.id == member_id, org_scope_of(user))
    ).first()


def members_of(org_ids: list[int], *, active_only: bool = False) -> list[StaffMember]:
    stmt = sa.select(StaffMember).where(StaffMember.org_id.in_(org_ids))
    if active_only:
        stmt = stmt.where(StaffMember.active.is_(True))
    return list(db.session.scalars(stmt.order_by(StaffMember.kind, StaffMember.name)))


def accounts_without_entry(org: Organisation) -> list[User]:
    """Active staff accounts of the organisation not yet in its registry."""
    registered = sa.select(StaffMember.user_id).where(StaffMember.user_id.is_not(None))
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organisation_id == org.id, User.active.is_(True), User.id.not_in(registered)
            )
            .order_by(User.name)
        )
    )


# ---- the registry --------------------------------------------------------------------------


@dataclass
class MemberData:
    name: str | None
    kind: StaffKind
    expert_field: ExpertField | None = None
    affiliation: str | None = None
    phone: str | None = None
    note: str | None = None
    active: bool = True


def _text(value: str | None, limit: int, field: str, *, required: bool = False) -> str | None:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationFailed(_l("This field is required."), field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("Keep this under %(max)d characters.", max=limit), field=field)
    return text or None


def _clean(data: MemberData, user: User | None) -> dict:
    if not isinstance(data.kind, StaffKind):
        raise ValidationFailed(_l("Choose a kind from the list."), field="kind")
    name = _text(data.name, NAME_MAX, "name", required=user is None) or (user.name if user else "")
    field = data.expert_field
    if data.kind == StaffKind.EXPERT:
        if not isinstance(field, ExpertField):
            raise ValidationFailed(_l("Choose the expert's field."), field="expert_field")
    else:
        field = None
    return {
        "name": name,
        "kind": data.kind,
        "expert_field": field,
        "affiliation": _text(data.affiliation, AFFILIATION_MAX, "affiliation"),
        "phone": _text(data.phone, PHONE_MAX, "phone"),
        "note": _text(data.note, NOTE_MAX, "note"),
        "active": bool(data.active),
    }


def _sync_account(member: StaffMember) -> None:
    if member.user is not None:
        member.user.full_time = member.active and member.kind == StaffKind.FULL_TIME


def add_member(
    actor: User | None, org: Organisation, data: MemberData, *, account: User | None = None
) -> StaffMember:
    """Register a person at `org`, with a staff account (`account`, of that organisation) or
    without one. Raises NotPermitted, ValidationFailed."""
    if actor is not None and not may_manage(actor, org):
        raise NotPermitted()
    if account is not None:
        if account.organisation_id != org.id:
            raise ValidationFailed(_l("This account belongs to another organisation."), "account")
        taken = db.session.scalar(
            sa.select(sa.func.count(StaffMember.id)).where(StaffMember.user_id == account.id)
        )
        if taken:
            raise ValidationFailed(_l("This account is already in the registry."), "account")
    values = _clean(data, account)
    member = StaffMember(org_id=org.id, user=account, **values)
    db.session.add(member)
    db.session.flush()
    _sync_account(member)
    matters.record(
        "staff_member",
        member.id,
        "registered",
        actor,
        org=org.id,
        data={"kind": member.kind.value, "account": account.username if account else None},
    )
    return member


def update_member(
    actor: User | None, member: StaffMember, data: MemberData, *, version: int | None
) -> StaffMember:
    if actor is not None and not may_manage(actor, member.organisation):
        raise NotPermitted()
    _check_version(member, version)
    values = _clean(data, member.user)
    changes = []
    for key, value in values.items():
        before = getattr(member, key)
        if before != value:
            changes.append(
                {
                    "field": key,
                    "before": getattr(before, "value", before),
                    "after": getattr(value, "value", value),
                }
            )
            setattr(member, key, value)
    if not changes:
        raise ValidationFailed(_l("Nothing was changed."))
    _sync_account(member)
    matters.record(
        "staff_member", member.id, "changed", actor, org=member.org_id, data={"changes": changes}
    )
    return member


# ---- norms and compliance ------------------------------------------------------------------


def norm_sets() -> dict:
    return json.loads(NORMS_FILE.read_text(encoding="utf-8"))


def load_norms(actor: User | None, set_name: str | None = None) -> int:
    """Put a published set of norms in place (the seed: the file's default set; an
    administrator: either set). Kinds the set names are written; others are left as they are.
    Returns how many norms changed."""
    if actor is not None and not may_edit_norms(actor):
        raise NotPermitted()
    data = norm_sets()
    name = set_name or data["default"]
    if name not in data["sets"]:
        raise ValidationFailed(_l("No such set of norms."), field="norm_set")
    chosen = data["sets"][name]
    basis = f"{name}: {chosen['basis']}"[:BASIS_MAX]
    changed = 0
    for kind_value, required in chosen["norms"].items():
        kind = OrgKind(kind_value)
        norm = db.session.scalars(
            sa.select(StaffingNorm).where(StaffingNorm.org_kind == kind)
        ).first()
        if norm is None:
            norm = StaffingNorm(org_kind=kind, full_time_required=required, basis=basis)
            db.session.add(norm)
        elif norm.full_time_required == required and norm.basis == basis:
            continue
        else:
            norm.full_time_required, norm.basis = required, basis
        db.session.flush()
        matters.record(
            "staffing_norm",
            norm.id,
            "loaded",
            actor,
            data={"kind": kind.value, "required": required, "set": name},
        )
        changed += 1
    return changed


def set_norm(
    actor: User | None,
    kind: OrgKind,
    required: int | None,
    basis: str | None,
    *,
    version: int | None = None,
) -> StaffingNorm | None:
    """Set (or, with `required` None, remove) the norm for `kind`."""
    if actor is not None and not may_edit_norms(actor):
        raise NotPermitted()
    if not isinstance(kind, OrgKind):
        raise ValidationFailed(_l("Choose a kind from the list."), field="org_kind")
    if required is not None and not (0 <= required <= MAX_REQUIRED):
        raise ValidationFailed(
            _l("Enter a number from 0 to %(max)d.", max=MAX_REQUIRED), field="required"
        )
    basis = _text(basis, BASIS_MAX, "basis")
    norm = db.session.scalars(sa.select(StaffingNorm).where(StaffingNorm.org_kind == kind)).first()
    if norm is not None:
        _check_version(norm, version)
    if required is None:
        if norm is None:
            raise ValidationFailed(_l("Nothing was changed."))
        db.session.flush()
        matters.record("staffing_norm", norm.id, "removed", actor, data={"kind": kind.value})
        db.session.delete(norm)
        return None
    if norm is None:
        norm = StaffingNorm(org_kind=kind, full_time_required=required, basis=basis)
        db.session.add(norm)
    else:
        norm.full_time_required, norm.basis = required, basis
    db.session.flush()
    matters.record(
        "staffing_norm",
        norm.id,
        "set",
        actor,
        data={"kind": kind.value, "required": required},
        note=basis,
    )
    return norm


def norms() -> dict[OrgKind, StaffingNorm]:
    return {n.org_kind: n for n in db.session.scalars(sa.select(StaffingNorm))}


@dataclass
class Compliance:
    org: Organisation
    required: int | None  # None: no norm for this kind
    full_time: list[StaffMember]

    @property
    def actual(self) -> int:
        return len(self.full_time)

    @property
    def shortfall(self) -> int:
        return max(0, (self.required or 0) - self.actual)

    @property
    def compliant(self) -> bool | None:
        return None if self.required is None else self.shortfall == 0


def compliance(orgs: list[Organisation]) -> list[Compliance]:
    """Required against actual active full-time mediators, per organisation. A committee
    counts its own people and those of the centres and rooms that mediate under its name and
    seal (Organisation.committee_id: a township's centre mediates as the township committee,
    PML Art. 34), so the township committee of a township whose mediators sit at its centre is
    not reported empty. One query for the members, one for the norms."""
    table = norms()
    ids = [o.id for o in orgs]
    by_org: dict[int, list[StaffMember]] = {i: [] for i in ids}
    if ids:
        rows = db.session.execute(
            sa.select(StaffMember, Organisation.committee_id)
            .join(Organisation, StaffMember.org_id == Organisation.id)
            .where(
                sa.or_(StaffMember.org_id.in_(ids), Organisation.committee_id.in_(ids)),
                StaffMember.kind == StaffKind.FULL_TIME,
                StaffMember.active.is_(True),
            )
            .order_by(StaffMember.name, StaffMember.id)
        )
        for member, committee_id in rows:
            for org_id in {member.org_id, committee_id}:
                if org_id in by_org:
                    by_org[org_id].append(member)
    out = []
    for org in orgs:
        norm = table.get(org.kind)
        out.append(Compliance(org, norm.full_time_required if norm else None, by_org[org.id]))
    return out


# ---- training ----------------------------------------------------------------------------


def parse_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _l("Enter the hours as a number, such as 4 or 1.5."), "hours"
        ) from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ValidationFailed(
            _l("Enter between 0.5 and %(max)s hours.", max=MAX_HOURS), field="hours"
        )
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationFailed(_l("Enter hours to one decimal place."), field="hours")
    return hours


def add_training(
    actor: User | None,
    member: StaffMember,
    *,
    kind: TrainingKind,
    held_on: date,
    hours,
    topic: str | None,
) -> TrainingRecord:
    if actor is not None and not may_manage(actor, member.organisation):
        raise NotPermitted()
    if not isinstance(kind, TrainingKind):
        raise ValidationFailed(_l("Choose a kind from the list."), field="kind")
    if not isinstance(held_on, date) or not FIRST_DAY <= held_on <= LAST_DAY:
        raise ValidationFailed(_l("Enter the day of the training."), field="held_on")
    record = TrainingRecord(
        member=member,
        org_id=member.org_id,
        kind=kind,
        held_on=held_on,
        hours=parse_hours(hours),
        topic=_text(topic, TOPIC_MAX, "topic", required=True),
        recorded_by_id=actor.id if actor else None,
    )
    db.session.add(record)
    db.session.flush()
    matters.record(
        "training_record",
        record.id,
        "recorded",
        actor,
        org=member.org_id,
        data={
            "member": member.id,
            "kind": kind.value,
            "held_on": held_on.isoformat(),
            "hours": str(record.hours),
        },
    )
    return record


def training_hours(user_ids: list[int], start: date, end: date) -> dict[int, Decimal]:
    """Hours of training (pre-service and regular) attended by each staff account in
    `user_ids` from `start` to `end`, both included, summed over their registry entries.
    Every id asked for is in the answer (Decimal 0 when none); one aggregate query."""
    out = {uid: Decimal(0) for uid in user_ids}
    if not user_ids:
        return out
    rows = db.session.execute(
        sa.select(StaffMember.user_id, sa.func.sum(TrainingRecord.hours))
        .join(TrainingRecord, TrainingRecord.member_id == StaffMember.id)
        .where(
            StaffMember.user_id.in_(user_ids),
            TrainingRecord.held_on >= start,
            TrainingRecord.held_on <= end,
        )
        .group_by(StaffMember.user_id)
    )
    for uid, total in rows:
        out[uid] = Decimal(str(total or 0)).quantize(Decimal("0.1"))
    return out


def trainings_of(org_ids: list[int], start: date, end: date) -> list[TrainingRecord]:
    return list(
        db.session.scalars(
            sa.select(TrainingRecord)
            .where(
                TrainingRecord.org_id.in_(org_ids),
                TrainingRecord.held_on >= start,
                TrainingRecord.held_on <= end,
            )
            .order_by(TrainingRecord.held_on.desc(), TrainingRecord.id.desc())
        )
    )


def hours_by_member(member_ids: list[int], start: date, end: date) -> dict[int, Decimal]:
    out = {i: Decimal(0) for i in member_ids}
    if not member_ids:
        return out
    for mid, total in db.session.execute(
        sa.select(TrainingRecord.member_id, sa.func.sum(TrainingRecord.hours))
        .where(
            TrainingRecord.member_id.in_(member_ids),
            TrainingRecord.held_on >= start,
            TrainingRecord.held_on <= end,
        )
        .group_by(TrainingRecord.member_id)
    ):
        out[mid] = Decimal(str(total or 0)).quantize(Decimal("0.1"))
    return out
