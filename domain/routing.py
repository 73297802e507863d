"""Where an accepted case should go (DOMAIN §4.5): by subject, then territory, then difficulty.

"小事不出村、大事不出镇、矛盾不上交": the village committee takes ordinary disputes of its village;
an industry committee takes the types it covers; large or risky disputes go to the township
centre. The desk sees the suggestion and its reason and may choose otherwise with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from extensions import db
from models import Case, Organisation, Region
from models.enums import MEDIATING_KINDS, OrgKind, RiskLevel

# A dispute above this amount (yuan) is "large" and goes at least to the township centre.
LARGE_AMOUNT = Decimal("100000")
HIGH_RISK = {RiskLevel.ORANGE, RiskLevel.RED}


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    reason: object  # a lazy translated string


def _orgs_at(kind: OrgKind, codes: list[str]) -> list[Organisation]:
    stmt = (
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(Organisation.kind == kind, Organisation.active.is_(True), Region.code.in_(codes))
        .order_by(sa.func.length(Region.code).desc(), Organisation.id)
    )
    return list(db.session.scalars(stmt))


def _ancestor_codes(code: str) -> list[str]:
    """The case's own region and every level above it that has a code (12, 9, 6 digits)."""
    return [code[:n] for n in (15, 12, 9, 6) if len(code) >= n]


def suggest_organisation(case: Case) -> Suggestion | None:
    county = case.region_code[:6]
    difficult = case.risk_level in HIGH_RISK or (case.amount or 0) > LARGE_AMOUNT

    for org in _orgs_at(OrgKind.INDUSTRY_COMMITTEE, [county]):
        if case.dispute_type.value in (org.dispute_types or []):
            return Suggestion(
                org,
                _l(
                    "Industry committee for %(type)s disputes in this county.",
                    type=case.dispute_type.label,
                ),
            )

    codes = _ancestor_codes(case.region_code)
    if not difficult:
        villages = _orgs_at(OrgKind.VILLAGE_COMMITTEE, [c for c in codes if len(c) >= 12])
        if villages:
            return Suggestion(
                villages[0], _l("Committee of the village or community where it happened.")
            )

    township_codes = [c for c in codes if len(c) == 9]
    for kind in (OrgKind.CENTRE, OrgKind.TOWNSHIP_COMMITTEE):
        found = _orgs_at(kind, township_codes)
        if found:
            reason = (
                _l("Large amount or high risk: handled by the township centre.")
                if difficult
                else _l("No committee in the village: handled by the township.")
            )
            return Suggestion(found[0], reason)

    centres = _orgs_at(OrgKind.CENTRE, [county])
    if centres:
        return Suggestion(centres[0], _l("Handled by the county centre."))
    return None


def dispatch_targets(case: Case) -> list[Organisation]:
    """Organisations the desk may choose: every active mediating body in the case's county."""
    low, high = case.region_code[:6], case.region_code[:6] + "\uffff"
    stmt = (
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(
            Organisation.active.is_(True),
            Organisation.kind.in_(sorted(MEDIATING_KINDS)),
            Region.code >= low,
            Region.code < high,
        )
        .order_by(Region.code, Organisation.name)
    )
    return list(db.session.scalars(stmt))
