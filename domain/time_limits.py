"""Configuring time limits (default: normally one month, MOJ-2002 Art. 33): rules per source
and/or per organisation, managed by administrators inside their region. How a case's limit is
computed from the rules lives in domain.clocks (limit_for); a saved rule applies when a case's
limit is next computed (acceptance, dispatch, an accepted transfer).

A rule without an organisation applies everywhere, so only an administrator of a top-level
region (the city) may create or change one.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain.accounts import organisation_scope
from domain.errors import NotPermitted, ValidationFailed
from domain.ids import is_row_id
from extensions import db
from models import Organisation, Region, TimeLimitRule, User, code_range
from models.enums import Role, Source

MIN_DAYS, MAX_DAYS = 1, 365


def _check_admin(admin: User) -> None:
    if admin.role != Role.ADMIN or not admin.active:
        raise NotPermitted()


def may_set_global(admin: User) -> bool:
    """Rules for every organisation: only an administrator of a top-level region."""
    return admin.organisation.region.parent_id is None


def rule_scope(admin: User) -> sa.ColumnElement[bool]:
    """SQL condition on TimeLimitRule: rules of organisations inside the admin's region, and
    the rules for every organisation (shown to every admin, since they apply to their cases)."""
    inside = (
        sa.select(Organisation.id)
        .join(Region, Organisation.region_id == Region.id)
        .where(organisation_scope(admin))
    )
    return sa.or_(
        TimeLimitRule.organisation_id.is_(None), TimeLimitRule.organisation_id.in_(inside)
    )


def get_rule_for(admin: User, rule_id: int) -> TimeLimitRule | None:
    """The rule if `admin` may see it; None otherwise (the view answers 404)."""
    if not is_row_id(rule_id):
        return None
    return db.session.scalars(
        sa.select(TimeLimitRule).where(TimeLimitRule.id == rule_id, rule_scope(admin))
    ).first()


def may_change(admin: User, rule: TimeLimitRule) -> bool:
    return rule.organisation_id is not None or may_set_global(admin)


def _organisation_ok(admin: User, organisation: Organisation | None) -> Organisation | None:
    if organisation is None:
        if not may_set_global(admin):
            raise ValidationFailed(
                _l(
                    "Only a city administrator may set a rule for every organisation. "
                    "Choose an organisation."
                ),
                field="organisation",
            )
        return None
    low, high = code_range(admin.organisation.region.code)
    if not organisation.active or not low <= organisation.region.code < high:
        raise ValidationFailed(
            _l("Choose an organisation inside your region."), field="organisation"
        )
    if not organisation.mediates:
        raise ValidationFailed(_l("Choose an organisation that mediates."), field="organisation")
    return organisation


def save_rule(
    admin: User,
    rule: TimeLimitRule | None,
    *,
    organisation: Organisation | None,
    source: Source | None,
    days: int | None,
    working_days: bool,
) -> TimeLimitRule:
    """Create (rule=None) or change a time-limit rule. One rule per (organisation, source).

    Raises NotPermitted, ValidationFailed (fields organisation, source, days).
    """
    _check_admin(admin)
    if rule is not None and not may_change(admin, rule):
        raise NotPermitted()
    organisation = _organisation_ok(admin, organisation)
    if days is None or not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationFailed(
            _l("Enter %(min)s to %(max)s days.", min=MIN_DAYS, max=MAX_DAYS), field="days"
        )
    org_id = organisation.id if organisation else None
    clash = db.session.scalar(
        sa.select(TimeLimitRule.id).where(
            TimeLimitRule.organisation_id.is_(None)
            if org_id is None
            else TimeLimitRule.organisation_id == org_id,
            TimeLimitRule.source.is_(None) if source is None else TimeLimitRule.source == source,
            TimeLimitRule.id != (rule.id if rule is not None else -1),
        )
    )
    if clash is not None:
        raise ValidationFailed(
            _l("A rule for this organisation and source already exists: change that one."),
            field="source",
        )
    if rule is None:
        rule = TimeLimitRule()
        db.session.add(rule)
    rule.organisation, rule.source = organisation, source
    rule.days, rule.working_days = days, bool(working_days)
    db.session.flush()
    return rule


def delete_rule(admin: User, rule: TimeLimitRule) -> None:
    """Delete a rule; a running case keeps its limit until the limit is next computed.

    Raises NotPermitted.
    """
    _check_admin(admin)
    if not may_change(admin, rule):
        raise NotPermitted()
    db.session.delete(rule)
    db.session.flush()
