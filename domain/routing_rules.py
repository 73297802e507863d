"""Managing routing rules: administrators keep an ordered list of rules inside
their region. How a rule is applied to a case lives in domain.routing (suggest_organisation).

A rule's scope (the region it applies in) and its place must lie inside the administrator's
region; a target organisation must be active, mediate and lie inside that region too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from domain.errors import DomainError, NotPermitted, ValidationFailed
from domain.ids import is_row_id
from domain.routing import prefixes
from extensions import db
from models import Organisation, Region, RoutingRule, User, code_range
from models.enums import MEDIATING_KINDS, DisputeType, RegionLevel, RiskLevel, Role, RoutingLevel
from models.types import utcnow

MAX_AMOUNT = Decimal("999999999999")
MAX_PARTIES = 100000


class StaleRule(DomainError):
    """Someone else changed (or moved) the rule after this admin opened the form."""

    message = _l(
        "Someone else changed this rule while you were working on it. Your changes are "
        "below and are not saved: compare them with the rule as it is now and save again."
    )


@dataclass
class RuleValues:
    """What the form sends; checked by check_rule."""

    name: str = ""
    scope_code: str = ""
    dispute_types: list[str] = field(default_factory=list)
    place_code: str | None = None
    cross_region: bool = False
    min_parties: int | None = None
    min_amount: Decimal | None = None
    risk_levels: list[str] = field(default_factory=list)
    target_org: Organisation | None = None
    target_level: RoutingLevel | None = None
    active: bool = True


def _check_admin(admin: User) -> None:
    if admin.role != Role.ADMIN or not admin.active:
        raise NotPermitted()


def admin_code(admin: User) -> str:
    return admin.organisation.region.code


def inside(admin: User, code: str | None) -> bool:
    if not code:
        return False
    low, high = code_range(admin_code(admin))
    return low <= code < high


def rule_scope(admin: User) -> sa.ColumnElement[bool]:
    """SQL condition on RoutingRule: rules whose scope lies inside the admin's region."""
    low, high = code_range(admin_code(admin))
    return sa.and_(RoutingRule.scope_code >= low, RoutingRule.scope_code < high)


def rules_for_admin(admin: User) -> list[RoutingRule]:
    """The admin's rules, county by county, each in evaluation order (position, then id)."""
    stmt = (
        sa.select(RoutingRule)
        .where(rule_scope(admin))
        .options(joinedload(RoutingRule.target_org))
        .order_by(
            sa.func.substr(RoutingRule.scope_code, 1, 6), RoutingRule.position, RoutingRule.id
        )
    )
    return list(db.session.scalars(stmt).unique())


def get_rule_for(admin: User, rule_id: int) -> RoutingRule | None:
    """The rule if `admin` may manage it; None otherwise (the view answers 404)."""
    if not is_row_id(rule_id):
        return None
    return db.session.scalars(
        sa.select(RoutingRule).where(RoutingRule.id == rule_id, rule_scope(admin))
    ).first()


def regions_for(admin: User, *, max_len: int = 15) -> list[Region]:
    """Regions inside the admin's region (codes up to `max_len` digits), by code."""
    low, high = code_range(admin_code(admin))
    stmt = (
        sa.select(Region)
        .where(Region.code >= low, Region.code < high, sa.func.length(Region.code) <= max_len)
        .order_by(Region.code)
    )
    return list(db.session.scalars(stmt))


def target_orgs_for(admin: User) -> list[Organisation]:
    """Active mediating organisations inside the admin's region, by region code then name."""
    low, high = code_range(admin_code(admin))
    stmt = (
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(
            Region.code >= low,
            Region.code < high,
            Organisation.active.is_(True),
            Organisation.kind.in_(sorted(MEDIATING_KINDS)),
        )
        .order_by(Region.code, Organisation.name)
    )
    return list(db.session.scalars(stmt))


def region_names(codes) -> dict[str, str]:
    """Full names (county down) of the given region codes, in one query."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    regions = db.session.scalars(sa.select(Region).where(Region.code.in_(codes)))
    return {r.code: r.full_name(RegionLevel.COUNTY) for r in regions}


def check_rule(admin: User, values: RuleValues) -> dict[str, object]:
    """Every problem with `values`, by field name (empty: the rule may be saved)."""
    errors: dict[str, object] = {}
    if not values.name.strip():
        errors["name"] = _l("Enter a name for the rule.")
    elif len(values.name) > 128:
        errors["name"] = _l("Use at most 128 characters.")
    if not inside(admin, values.scope_code):
        errors["scope_code"] = _l("Choose a region inside your region.")
    if values.place_code:
        if not inside(admin, values.place_code):
            errors["place_code"] = _l("Choose a place inside your region.")
        elif values.scope_code and not (
            values.place_code.startswith(values.scope_code)
            or values.scope_code.startswith(values.place_code)
        ):
            errors["place_code"] = _l("Choose a place inside the region the rule applies in.")
    bad_types = [t for t in values.dispute_types if t not in DisputeType._value2member_map_]
    if bad_types:
        errors["dispute_types"] = _l("Choose dispute types from the list.")
    bad_risks = [r for r in values.risk_levels if r not in RiskLevel._value2member_map_]
    if bad_risks:
        errors["risk_levels"] = _l("Choose risk levels from the list.")
    if values.min_parties is not None and not 2 <= values.min_parties <= MAX_PARTIES:
        errors["min_parties"] = _l("Enter 2 or more parties (or leave it empty).")
    if values.min_amount is not None and (
        not values.min_amount.is_finite() or not 0 <= values.min_amount <= MAX_AMOUNT
    ):
        errors["min_amount"] = _l("Enter an amount of 0 or more (or leave it empty).")
    has_condition = bool(
        values.dispute_types
        or values.place_code
        or values.cross_region
        or values.min_parties is not None
        or values.min_amount is not None
        or values.risk_levels
    )
    if not has_condition:
        errors["dispute_types"] = _l(
            "Give at least one condition (dispute type, place, cross-region, parties, amount "
            "or risk): a rule without one would catch every case."
        )
    org, level = values.target_org, values.target_level
    if org is None and level is None:
        errors["target_org"] = _l("Choose where the rule sends cases: an organisation or a level.")
    elif org is not None and level is not None:
        errors["target_org"] = _l("Choose an organisation or a level, not both.")
    elif org is not None:
        if not org.active or not inside(admin, org.region.code):
            errors["target_org"] = _l("Choose an organisation inside your region.")
        elif not org.mediates:
            errors["target_org"] = _l("Choose an organisation that mediates.")
        elif len(values.scope_code) < 6 or not org.region.code.startswith(values.scope_code[:6]):
            # The desk chooses among the organisations of the case's county.
            errors["target_org"] = _l(
                "Choose an organisation in the county the rule applies in (for a rule of the "
                "whole city, send to a level)."
            )
    return errors


def save_rule(
    admin: User, rule: RoutingRule | None, values: RuleValues, *, version: int | None = None
) -> RoutingRule:
    """Create (rule=None, placed last) or change a routing rule; `version` is the rule's
    version the admin saw (optimistic lock: None skips the check).

    Raises NotPermitted, StaleRule, ValidationFailed (the first problem found, with its field).
    """
    _check_admin(admin)
    if rule is not None and not inside(admin, rule.scope_code):
        raise NotPermitted()
    if rule is not None and version is not None and version != rule.version:
        raise StaleRule()
    errors = check_rule(admin, values)
    if errors:
        name, message = next(iter(errors.items()))
        raise ValidationFailed(message, field=name)
    if rule is None:
        last = db.session.scalar(
            sa.select(sa.func.max(RoutingRule.position)).where(rule_scope(admin))
        )
        rule = RoutingRule(position=(last or 0) + 1)
        db.session.add(rule)
    rule.name = values.name.strip()
    rule.scope_code = values.scope_code
    rule.dispute_types = sorted(
        set(values.dispute_types), key=list(DisputeType._value2member_map_).index
    )
    rule.place_code = values.place_code or None
    rule.cross_region = bool(values.cross_region)
    rule.min_parties = values.min_parties
    rule.min_amount = values.min_amount
    rule.risk_levels = sorted(set(values.risk_levels), key=list(RiskLevel._value2member_map_).index)
    rule.target_org = values.target_org
    rule.target_level = values.target_level
    rule.active = bool(values.active)
    _touch(admin, rule)
    db.session.flush()
    return rule


def _touch(admin: User, rule: RoutingRule) -> None:
    rule.updated_by = admin
    rule.updated_at = utcnow()


def set_active(admin: User, rule: RoutingRule, active: bool) -> None:
    _check_admin(admin)
    if not inside(admin, rule.scope_code):
        raise NotPermitted()
    rule.active = active
    _touch(admin, rule)
    db.session.flush()


def delete_rule(admin: User, rule: RoutingRule) -> None:
    """Delete a rule; dispatches already made keep its id in their event data."""
    _check_admin(admin)
    if not inside(admin, rule.scope_code):
        raise NotPermitted()
    db.session.delete(rule)
    db.session.flush()


def _related(a: RoutingRule, b: RoutingRule) -> bool:
    """Two rules can apply to the same case when one scope contains the other."""
    return a.scope_code.startswith(b.scope_code) or b.scope_code.startswith(a.scope_code)


def move_rule(admin: User, rule: RoutingRule, step: int) -> bool:
    """Move a rule one place earlier (step=-1) or later (+1) among the admin's rules that can
    apply to the same cases. Returns False when it is already first/last.

    The positions of those rules are kept as a set (renumbered 1.. if two were equal), so
    rules of other regions keep their order.
    """
    _check_admin(admin)
    if not inside(admin, rule.scope_code):
        raise NotPermitted()
    peers = sorted(
        (r for r in rules_for_admin(admin) if _related(r, rule)), key=lambda r: (r.position, r.id)
    )
    i = peers.index(rule)
    j = i + step
    if not 0 <= j < len(peers):
        return False
    positions = sorted(r.position for r in peers)
    if len(set(positions)) != len(positions):
        positions = list(range(1, len(peers) + 1))
    peers[i], peers[j] = peers[j], peers[i]
    for position, r in zip(positions, peers, strict=True):
        if r.position != position:
            r.position = position
            _touch(admin, r)
    db.session.flush()
    return True


def applies_in(rule: RoutingRule, region_code: str) -> bool:
    return rule.scope_code in prefixes(region_code)
