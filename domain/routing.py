"""Where an accepted case should go: by subject (归口), then territory (属地: where the dispute
happened, MOJ-2002 Art. 21), then difficulty (分级).

"小事不出村、大事不出镇、矛盾不上交". The administrator's routing rules (models.RoutingRule) are
read first: the active rules whose scope contains the case's place, in order of position (then
id); the first rule whose every condition holds and whose target can be found wins. When no rule
matches, the built-in territorial default applies: an industry committee takes the types it
covers; the village committee takes ordinary disputes of its village; large or risky disputes go
to the township centre, then the county centre. The desk sees the suggestion, the rule (or
"default rule") and the reason, and may choose otherwise with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy.orm import joinedload

from extensions import db
from models import Case, Organisation, Region, RoutingRule
from models.enums import DisputeType, OrgKind, RiskLevel, RoutingLevel

# A dispute above this amount (yuan) is "large" and goes at least to the township centre.
LARGE_AMOUNT = Decimal("100000")
HIGH_RISK = {RiskLevel.ORANGE, RiskLevel.RED}


@dataclass(frozen=True)
class Suggestion:
    organisation: Organisation
    reason: object  # a lazy translated string
    rule: RoutingRule | None = None  # None: the built-in default rule

    @property
    def default_rule(self) -> bool:
        return self.rule is None


@dataclass
class CaseProbe:
    """An unsaved stand-in for a case, for the admin's "try it" box: never touches the DB."""

    region_code: str
    dispute_type: DisputeType
    amount: Decimal | None = None
    risk_level: RiskLevel = RiskLevel.NONE
    cross_region: bool = False
    party_count: int = 2


# ---- the rules ---------------------------------------------------------------------------


def prefixes(code: str) -> list[str]:
    """Every prefix of a region code from the province (2 digits) to the code itself."""
    return [code[:n] for n in range(2, len(code) + 1)]


def rules_for(region_code: str) -> list[RoutingRule]:
    """The active rules whose scope contains `region_code`, in evaluation order (one query)."""
    stmt = (
        sa.select(RoutingRule)
        .where(RoutingRule.active.is_(True), RoutingRule.scope_code.in_(prefixes(region_code)))
        .options(joinedload(RoutingRule.target_org))
        .order_by(RoutingRule.position, RoutingRule.id)
    )
    return list(db.session.scalars(stmt).unique())


def party_count(case: Case | CaseProbe) -> int:
    """Applicants and respondents; a petition referral's petitioner count if that is larger."""
    if isinstance(case, CaseProbe):
        return case.party_count
    count = len(case.applicants) + len(case.respondents)
    for referral in getattr(case, "referrals", None) or []:
        if referral.petitioner_count and referral.petitioner_count > count:
            count = referral.petitioner_count
    return count


def rule_holds(rule: RoutingRule, case: Case | CaseProbe) -> bool:
    """Whether every non-empty condition of `rule` holds for `case`."""
    if rule.dispute_types and case.dispute_type.value not in rule.dispute_types:
        return False
    if rule.place_code and not case.region_code.startswith(rule.place_code):
        return False
    if rule.cross_region and not case.cross_region:
        return False
    if rule.min_amount is not None and (case.amount is None or case.amount < rule.min_amount):
        return False
    risk = case.risk_level.value if case.risk_level is not None else RiskLevel.NONE.value
    if rule.risk_levels and risk not in rule.risk_levels:
        return False
    # Last: counting parties may load them.
    return not (rule.min_parties is not None and party_count(case) < rule.min_parties)


class _LevelTargets:
    """The centres and township committees of the case's township and county, loaded once
    (one query) when a rule first needs them."""

    def __init__(self, region_code: str):
        self.township, self.county = region_code[:9], region_code[:6]
        self._orgs: list[Organisation] | None = None

    def _load(self) -> list[Organisation]:
        if self._orgs is None:
            stmt = (
                sa.select(Organisation)
                .join(Region, Organisation.region_id == Region.id)
                .where(
                    Organisation.active.is_(True),
                    Organisation.kind.in_([OrgKind.CENTRE, OrgKind.TOWNSHIP_COMMITTEE]),
                    Region.code.in_({self.township, self.county}),
                )
                .order_by(Organisation.id)
            )
            self._orgs = list(db.session.scalars(stmt))
        return self._orgs

    def find(self, level: RoutingLevel) -> Organisation | None:
        orgs = self._load()
        if level == RoutingLevel.COUNTY:
            kinds, code = (OrgKind.CENTRE,), self.county
        else:
            if len(self.township) < 9:
                return None
            kinds, code = (OrgKind.CENTRE, OrgKind.TOWNSHIP_COMMITTEE), self.township
        for kind in kinds:
            for org in orgs:
                if org.kind == kind and org.region.code == code:
                    return org
        return None


def rule_target(rule: RoutingRule, levels: _LevelTargets) -> Organisation | None:
    """The organisation a rule sends to, or None (inactive, not mediating, outside the case's
    county where the desk could not choose it, none at that level): the rule is skipped."""
    if rule.target_org_id is not None:
        org = rule.target_org
        if org is None or not org.active or not org.mediates:
            return None
        return org if org.region.code.startswith(levels.county) else None
    if rule.target_level is not None:
        return levels.find(rule.target_level)
    return None


def rule_reason(rule: RoutingRule) -> Any:
    """Why a rule fired, in words (the desk shows the rule's number and name beside it)."""
    names = {}
    if rule.place_code:  # one query, for the winning rule only
        region = db.session.scalar(sa.select(Region).where(Region.code == rule.place_code))
        if region is not None:
            names[region.code] = region.name
    return _l("It matches: %(conditions)s.", conditions=ConditionText(rule, names))


class ConditionText:
    """The conditions of a rule in words (lazy: translated when shown)."""

    def __init__(self, rule: RoutingRule, place_names: dict[str, str] | None = None):
        self.rule, self.place_names = rule, place_names or {}

    def parts(self) -> list[str]:
        r, out = self.rule, []
        if r.dispute_types:
            labels = [
                DisputeType(t).label if t in DisputeType._value2member_map_ else t
                for t in r.dispute_types
            ]
            out.append(str(_l("type is %(types)s", types=" / ".join(str(x) for x in labels))))
        if r.place_code:
            out.append(
                str(
                    _l(
                        "place is in %(place)s",
                        place=self.place_names.get(r.place_code, r.place_code),
                    )
                )
            )
        if r.cross_region:
            out.append(str(_l("the dispute crosses regions")))
        if r.min_parties is not None:
            out.append(str(_l("%(n)s or more parties", n=r.min_parties)))
        if r.min_amount is not None:
            out.append(str(_l("amount at least %(amount)s yuan", amount=f"{r.min_amount:,.0f}")))
        if r.risk_levels:
            labels = [
                RiskLevel(v).label if v in RiskLevel._value2member_map_ else v
                for v in r.risk_levels
            ]
            out.append(str(_l("risk is %(levels)s", levels=" / ".join(str(x) for x in labels))))
        return out

    def __str__(self) -> str:
        return "; ".join(self.parts()) or str(_l("any case"))

    def __html__(self) -> str:
        return str(escape(str(self)))


def target_text(rule: RoutingRule) -> str:
    if rule.target_org is not None:
        return rule.target_org.name
    if rule.target_level is not None:
        return str(rule.target_level.label)
    return "?"


# ---- the suggestion ----------------------------------------------------------------------


def suggest_organisation(case: Case | CaseProbe) -> Suggestion | None:
    """The first matching routing rule's organisation, else the built-in default's.

    A constant number of queries whatever the number of rules: one for the rules (with their
    target organisations), at most one for the township and county centres, the parties and
    referrals of the case when a rule counts parties, and the default's few queries.
    """
    levels = _LevelTargets(case.region_code)
    for rule in rules_for(case.region_code):
        if not rule_holds(rule, case):
            continue
        org = rule_target(rule, levels)
        if org is not None:
            return Suggestion(org, rule_reason(rule), rule)
    return default_suggestion(case)


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


def default_suggestion(case: Case | CaseProbe) -> Suggestion | None:
    """The built-in territorial default, used when no routing rule matches."""
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
