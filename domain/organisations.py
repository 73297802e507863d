"""Organisations of a deployment, managed by administrators inside their region: centres,
people's mediation committees (village/residents', township, enterprise, industry with the
dispute types they take: PML Arts. 8, 34), stationed rooms, personal studios and the partner
bodies (courts, petition offices, police stations, justice offices, arbitration).

Nothing a case refers to is deleted: an organisation is deactivated instead, and then it is no
longer offered for dispatch, transfer, routing or referral (those lists read `active`). It
cannot be deactivated while it still handles open cases or has transfers waiting for it: they
are moved first, so no case is left with a body that no longer works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

from domain.errors import DomainError, NotPermitted, ValidationFailed
from domain.ids import is_row_id
from domain.regions import admin_code, has_control, inside, normalise_code, search_text
from extensions import db
from models import Case, Organisation, Region, RoutingRule, User, code_range
from models.docking import Transfer
from models.enums import COMMITTEE_KINDS, DisputeType, OrgKind, RegionLevel, Role, TransferStatus
from models.states import OPEN_STATES

MAX_NAME = 128
MAX_PHONE = 32
MAX_ADDRESS = 256
MAX_PREFIX = 32
OPEN_CASES_SHOWN = 50

# Where each kind may sit. A village or residents' committee is set up by a village or
# residents' committee (PML Art. 8), a township committee by a township or street; a centre
# serves a city, county or township. Other kinds may sit at any level down to a village.
KIND_LEVELS = {
    OrgKind.VILLAGE_COMMITTEE: (RegionLevel.VILLAGE,),
    OrgKind.TOWNSHIP_COMMITTEE: (RegionLevel.TOWNSHIP,),
    OrgKind.CENTRE: (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP),
}
ANY_LEVEL = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
# The body that administers a deployment: its first administrator's organisation.
ADMINISTERING_KINDS = (OrgKind.CENTRE, OrgKind.JUSTICE_OFFICE)


class StaleOrganisation(DomainError):
    """Someone else changed the organisation after this admin opened the page."""

    message = _l(
        "Someone else changed this organisation while you were working on it. Your changes "
        "are below and are not saved: compare them with the organisation as it is now and "
        "save again."
    )


class HasOpenCases(DomainError):
    """The organisation still handles open cases (or has transfers waiting for it)."""

    def __init__(self, cases: int, transfers: int):
        parts = []
        if cases:
            parts.append(
                _ln(
                    "This organisation still handles %(num)d open case.",
                    "This organisation still handles %(num)d open cases.",
                    cases,
                )
            )
        if transfers:
            parts.append(
                _ln(
                    "%(num)d transfer to it is waiting to be acknowledged.",
                    "%(num)d transfers to it are waiting to be acknowledged.",
                    transfers,
                )
            )
        parts.append(
            _l(
                "Have the desk or the committee's director transfer them to another "
                "organisation first (they are listed on this page); then deactivate it."
            )
        )
        super().__init__(" ".join(str(p) for p in parts), field="active")
        self.cases = cases
        self.transfers = transfers


@dataclass
class OrgData:
    """An organisation as typed in the form (or given to `flask create-admin`)."""

    name: str = ""
    kind: OrgKind | None = None
    region_code: str = ""
    dispute_types: list[str] = field(default_factory=list)
    phone: str | None = None
    address: str | None = None
    file_prefix: str | None = None
    # The name of the people's mediation committee a centre, stationed room or studio
    # mediates under (empty for a committee, which is its own).
    committee: str | None = None


COMMITTEES_SUGGESTED = 50


def _check_admin(admin: User) -> None:
    if admin.role != Role.ADMIN or not admin.active:
        raise NotPermitted()


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def org_scope(admin: User) -> sa.ColumnElement[bool]:
    """SQL condition on Organisation: its region lies inside the admin's region (no join: the
    region ids are read in a subquery on the region code index)."""
    low, high = code_range(admin_code(admin))
    return Organisation.region_id.in_(
        sa.select(Region.id).where(Region.code >= low, Region.code < high)
    )


def get_organisation_for(admin: User, org_id: object) -> Organisation | None:
    """The organisation `org_id` if `admin` manages it; None otherwise (the view answers 404)."""
    if not is_row_id(org_id):
        return None
    return db.session.scalars(
        sa.select(Organisation).where(Organisation.id == org_id, org_scope(admin))
    ).first()


def _region(code: str) -> Region | None:
    code = normalise_code(code)
    if not code.isascii() or not code.isdigit() or len(code) > 15:
        return None
    return db.session.scalar(sa.select(Region).where(Region.code == code))


def check(data: OrgData, org: Organisation | None = None, admin: User | None = None) -> dict:
    """Every problem with `data`, by form field (empty: it may be saved). `admin` None: the
    first administrator's body, created from the command line (no scope yet)."""
    errors: dict[str, object] = {}
    name = _clean(data.name)
    if not name:
        errors["name"] = _l("Enter the organisation's name.")
    elif has_control(name):
        errors["name"] = _l("The name contains characters that cannot be shown.")
    elif len(name) > MAX_NAME:
        errors["name"] = _l("Use at most %(n)s characters.", n=MAX_NAME)
    else:
        taken = db.session.scalar(
            sa.select(Organisation.id).where(
                Organisation.name == name, Organisation.id != (org.id if org else -1)
            )
        )
        if taken is not None:
            errors["name"] = _l("An organisation with this name already exists.")
    if not isinstance(data.kind, OrgKind):
        errors["kind"] = _l("Choose the kind of organisation.")
    region = _region(data.region_code)
    if region is None or (admin is not None and not inside(admin, region.code)):
        errors["region_code"] = _l(
            "Enter the code of a region inside your region (see Admin → Regions)."
        )
    elif isinstance(data.kind, OrgKind):
        allowed = KIND_LEVELS.get(data.kind, ANY_LEVEL)
        if region.level not in allowed:
            errors["region_code"] = _l(
                "A %(kind)s sits in a %(levels)s; %(region)s is a %(level)s.",
                kind=data.kind.label,
                levels=" / ".join(str(lv.label) for lv in allowed),
                region=region.name,
                level=region.level.label,
            )
    types = list(dict.fromkeys(data.dispute_types or []))
    if any(t not in DisputeType._value2member_map_ for t in types):
        errors["dispute_types"] = _l("Choose dispute types from the list.")
    elif data.kind == OrgKind.INDUSTRY_COMMITTEE and not types:
        errors["dispute_types"] = _l(
            "Tick the dispute types this industry committee takes (PML Art. 34)."
        )
    for key, value, limit in (
        ("phone", data.phone, MAX_PHONE),
        ("address", data.address, MAX_ADDRESS),
        ("file_prefix", data.file_prefix, MAX_PREFIX),
    ):
        if value and len(_clean(value) or "") > limit:
            errors[key] = _l("Use at most %(n)s characters.", n=limit)
        elif has_control(value):
            errors[key] = _l("This contains characters that cannot be shown.")
    problem = _committee_problem(data, org, admin)
    if problem is not None:
        errors["committee"] = problem
    if org is not None and not errors:
        errors.update(_change_problems(org, data, region))
    return errors


def find_committee(name: str | None, admin: User | None) -> Organisation | None:
    """The people's mediation committee of exactly this name inside the admin's region (any
    region when there is no admin yet), or None."""
    name = _clean(name)
    if not name or has_control(name) or len(name) > MAX_NAME:
        return None
    stmt = sa.select(Organisation).where(
        Organisation.name == name, Organisation.kind.in_(sorted(COMMITTEE_KINDS))
    )
    if admin is not None:
        stmt = stmt.where(org_scope(admin))
    return db.session.scalars(stmt).first()


def _committee_problem(data: OrgData, org: Organisation | None, admin: User | None):
    """What is wrong with the committee typed, or None. A committee mediates under its own
    name and seal; any other mediating body names the committee it mediates under (PML Arts.
    7, 29: the agreement bears a committee's seal), which must be a committee of the admin's
    region, active, and not the organisation itself."""
    name = _clean(data.committee)
    if name is None:
        return None
    if has_control(name):
        return _l("This contains characters that cannot be shown.")
    if len(name) > MAX_NAME:
        return _l("Use at most %(n)s characters.", n=MAX_NAME)
    if isinstance(data.kind, OrgKind) and data.kind.is_committee:
        return _l("A people's mediation committee mediates under its own name: leave this empty.")
    if isinstance(data.kind, OrgKind) and not data.kind.mediates:
        return _l("Only a body that mediates names a committee: leave this empty.")
    committee = find_committee(name, admin)
    if committee is None:
        return _l(
            "No people's mediation committee of this name in your region: type its full name "
            "as listed under Organisations."
        )
    if org is not None and committee.id == org.id:
        return _l("An organisation cannot mediate under itself.")
    if not committee.active:
        return _l("This committee is deactivated.")
    return None


def committees_to_suggest(admin: User, limit: int = COMMITTEES_SUGGESTED) -> list[str]:
    """Names of the active committees above village level inside the admin's region (the
    township, joint, industry and enterprise committees a centre or room mediates under),
    at most `limit`: suggestions while typing; any committee can be typed by its name."""
    stmt = (
        sa.select(Organisation.name)
        .join(Region, Organisation.region_id == Region.id)
        .where(
            org_scope(admin),
            Organisation.active.is_(True),
            Organisation.kind.in_(sorted(COMMITTEE_KINDS - {OrgKind.VILLAGE_COMMITTEE})),
        )
        .order_by(Region.code, Organisation.name)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def _change_problems(org: Organisation, data: OrgData, region: Region) -> dict:
    """What a change would break: the mediators of a body that would stop mediating, or the
    open cases of one that would leave its county."""
    errors: dict[str, object] = {}
    if org.mediates and not data.kind.mediates:
        staff = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.organisation_id == org.id,
                User.active.is_(True),
                User.role.in_([Role.MEDIATOR, Role.DIRECTOR]),
            )
        )
        if staff:
            errors["kind"] = _ln(
                "%(num)d mediator or director works here: only a mediating kind fits.",
                "%(num)d mediators or directors work here: only a mediating kind fits.",
                staff,
            )
        elif count_open(org).cases:
            errors["kind"] = _l("It handles open cases: only a mediating kind fits.")
    moves_county = region.id != org.region_id and region.code[:6] != org.region.code[:6]
    if moves_county and count_open(org).cases:
        errors["region_code"] = _l(
            "It handles open cases of its county: move them first, or choose a region in "
            "the same county."
        )
    return errors


def _apply(org: Organisation, data: OrgData) -> None:
    org.name = _clean(data.name)
    org.kind = data.kind
    org.region = _region(data.region_code)
    types = list(dict.fromkeys(data.dispute_types or []))
    order = list(DisputeType._value2member_map_)
    org.dispute_types = (
        sorted(types, key=order.index) if data.kind == OrgKind.INDUSTRY_COMMITTEE else []
    )
    org.phone = _clean(data.phone)
    org.address = _clean(data.address)
    org.file_prefix = _clean(data.file_prefix)
    committee = None
    if data.kind is not None and data.kind.mediates and not data.kind.is_committee:
        committee = find_committee(data.committee, None)
    org.committee = committee


def _raise_first(errors: dict) -> None:
    if errors:
        key, message = next(iter(errors.items()))
        raise ValidationFailed(message, field=key)


def _add(org: Organisation) -> Organisation:
    try:
        # A concurrent create of the same name trips the unique index: report it on the field.
        with db.session.begin_nested():
            db.session.add(org)
    except sa.exc.IntegrityError as error:
        raise ValidationFailed(
            _l("An organisation with this name already exists."), field="name"
        ) from error
    return org


def create_organisation(admin: User, data: OrgData) -> Organisation:
    """Create an active organisation inside the admin's region.

    Raises NotPermitted, ValidationFailed (the first problem, with its field).
    """
    _check_admin(admin)
    _raise_first(check(data, admin=admin))
    org = Organisation(active=True)
    _apply(org, data)
    return _add(org)


def found_organisation(data: OrgData) -> Organisation:
    """The first body of a deployment, created from the command line before any administrator
    exists (`flask create-admin`).

    Raises ValidationFailed.
    """
    _raise_first(check(data))
    org = Organisation(active=True)
    _apply(org, data)
    return _add(org)


def update_organisation(
    admin: User, org: Organisation, data: OrgData, *, version: int | None
) -> None:
    """Change an organisation; `version` is the one the admin saw (None skips the check).
    Cases keep pointing at it, so every page shows the new name.

    Raises NotPermitted, StaleOrganisation, ValidationFailed.
    """
    _check_admin(admin)
    if not inside(admin, org.region.code):
        raise NotPermitted()
    if version is not None and version != org.version:
        raise StaleOrganisation()
    _raise_first(check(data, org, admin))
    _apply(org, data)
    db.session.flush()


@dataclass
class OpenWork:
    cases: int
    transfers: int

    def __bool__(self) -> bool:
        return bool(self.cases or self.transfers)


def _open_cases_condition(org: Organisation) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.or_(Case.handling_org_id == org.id, Case.joint_org_id == org.id),
        Case.state.in_(sorted(OPEN_STATES)),
    )


def count_open(org: Organisation) -> OpenWork:
    """Open cases the organisation handles (or organises joint mediation for) and transfers
    waiting for it (one query)."""
    cases, transfers = db.session.execute(
        sa.select(
            sa.select(sa.func.count(Case.id)).where(_open_cases_condition(org)).scalar_subquery(),
            sa.select(sa.func.count(Transfer.id))
            .where(Transfer.to_org_id == org.id, Transfer.status == TransferStatus.PENDING.value)
            .scalar_subquery(),
        )
    ).one()
    return OpenWork(cases, transfers)


def open_cases(org: Organisation, limit: int = OPEN_CASES_SHOWN) -> list[Case]:
    """The open cases to move before deactivating, and those with a transfer waiting for it,
    oldest first, at most `limit`."""
    waiting = sa.select(Transfer.case_id).where(
        Transfer.to_org_id == org.id, Transfer.status == TransferStatus.PENDING.value
    )
    stmt = (
        sa.select(Case)
        .where(sa.or_(_open_cases_condition(org), Case.id.in_(waiting)))
        .order_by(Case.created_at, Case.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


@dataclass
class Ties:
    """What stays attached to an organisation when it is deactivated (shown, not refused)."""

    users: int
    rules: int


def ties(org: Organisation) -> Ties:
    users, rules = db.session.execute(
        sa.select(
            sa.select(sa.func.count(User.id))
            .where(User.organisation_id == org.id, User.active.is_(True))
            .scalar_subquery(),
            sa.select(sa.func.count(RoutingRule.id))
            .where(RoutingRule.target_org_id == org.id, RoutingRule.active.is_(True))
            .scalar_subquery(),
        )
    ).one()
    return Ties(users, rules)


def set_active(admin: User, org: Organisation, active: bool, *, version: int | None) -> None:
    """Deactivate or reactivate an organisation. A deactivated one keeps its cases, documents
    and accounts but is no longer offered anywhere (dispatch, transfer, routing rules skip it,
    referral forms no longer list it, no account can be put in it).

    Refused while it handles open cases or has transfers waiting (HasOpenCases), and for the
    administrator's own organisation.

    Raises NotPermitted, StaleOrganisation, ValidationFailed, HasOpenCases.
    """
    _check_admin(admin)
    if not inside(admin, org.region.code):
        raise NotPermitted()
    if version is not None and version != org.version:
        raise StaleOrganisation()
    if org.active == active:
        return
    if not active:
        if org.id == admin.organisation_id:
            raise ValidationFailed(
                _l("You cannot deactivate your own organisation."), field="active"
            )
        work = count_open(org)
        if work:
            raise HasOpenCases(work.cases, work.transfers)
    org.active = active
    db.session.flush()


def organisations_stmt(
    admin: User,
    *,
    search: str | None = None,
    kind: OrgKind | None = None,
    active: bool | None = None,
    region_code: str | None = None,
) -> sa.Select:
    """The organisations the admin manages, filtered (the list's query, without its order)."""
    stmt = sa.select(Organisation).where(org_scope(admin))
    search = search_text(search, MAX_NAME)
    if search:
        stmt = stmt.where(Organisation.name.contains(search, autoescape=True))
    if kind is not None:
        stmt = stmt.where(Organisation.kind == kind)
    if active is not None:
        stmt = stmt.where(Organisation.active.is_(active))
    if region_code:
        low, high = code_range(region_code)
        stmt = stmt.where(
            Organisation.region_id.in_(
                sa.select(Region.id).where(Region.code >= low, Region.code < high)
            )
        )
    return stmt
