"""The rules an administrator keeps: time limits, routing rules and subsidy rates.

Time limits: court referrals 30 days (the default of a delegated, pre-filing referral; an
entrusted case gets the 15 or 7 days its court sets, SPC-TY Art. 27), petition cases 60 days
(the petition office's own handling period from its receipt), and one township centre of 松滋市
counts working days. Routing rules: per county, the built-in routing written out as data. Rules
already present are kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from demo.organisations import INDUSTRY
from demo.world import DemoWorld
from extensions import db
from models import RoutingRule, SubsidyRate, TimeLimitRule
from models.enums import DisputeType, RiskLevel, RoutingLevel, Source
from models.subsidy import Difficulty

TIME_LIMIT_RULES = [(None, Source.COURT, 30, False), (None, Source.PETITION, 60, False)]
WORKING_DAYS_TOWNSHIP = ("421087", 1)  # 松滋市, its second township


def load_time_limits(world: DemoWorld) -> None:
    county, index = WORKING_DAYS_TOWNSHIP
    township = world.townships(county)[index]
    centre = world.orgs[world.township_centre[township.code]]
    wanted = [*TIME_LIMIT_RULES, (centre, None, 20, True)]
    existing = {(r.organisation_id, r.source) for r in db.session.scalars(sa.select(TimeLimitRule))}
    created = 0
    for org, source, days, working in wanted:
        if (org.id if org else None, source) in existing:
            continue
        db.session.add(
            TimeLimitRule(organisation=org, source=source, days=days, working_days=working)
        )
        created += 1
    db.session.flush()
    world.result.created["time limits"] = created


def load_routing_rules(world: DemoWorld) -> None:
    """Per county, rules that reproduce the built-in routing of domain.routing as data: the
    industry committee per type it takes, then escalation (collective and cross-region to
    the county centre, high risk and large amounts to the township). A county that
    already has rules is left alone."""
    have = set(db.session.scalars(sa.select(RoutingRule.scope_code).distinct()))
    created = 0
    for county in sorted(world.counties(), key=lambda r: r.code):
        c = county.code
        if c in have:
            continue
        specs: list[dict[str, Any]] = [
            dict(
                name=f"{part}归口调处",
                dispute_types=types,
                target_org=world.orgs[world.industry[(c, slug)]],
            )
            for slug, part, types in INDUSTRY
        ]
        specs += [
            dict(
                name="群体性纠纷（10人以上）上交县中心",
                min_parties=10,
                target_level=RoutingLevel.COUNTY,
            ),
            dict(name="跨地区纠纷上交县中心", cross_region=True, target_level=RoutingLevel.COUNTY),
            dict(
                name="高风险纠纷（橙色、红色）上交镇中心",
                risk_levels=[RiskLevel.ORANGE.value, RiskLevel.RED.value],
                target_level=RoutingLevel.TOWNSHIP,
            ),
            dict(
                name="大额纠纷（10万元以上）上交镇中心",
                min_amount=Decimal("100000"),
                target_level=RoutingLevel.TOWNSHIP,
            ),
        ]
        for position, spec in enumerate(specs, start=1):
            db.session.add(RoutingRule(scope_code=c, position=position, **spec))
            created += 1
    db.session.flush()
    world.result.created["routing rules"] = created


# Per-case subsidies (以案定补), in cents: 200 yuan for any case settled by agreement, 1,000
# for a petition backlog case (paid whatever the ending: the work is the same), 500 for a
# court's case, 300 for a difficult and 600 for a major one, 800 for a major land dispute.
SUBSIDY_RATES = [
    (None, None, None, 20_000, False),
    (Source.PETITION, None, None, 100_000, True),
    (Source.COURT, None, None, 50_000, False),
    (None, None, Difficulty.DIFFICULT, 30_000, False),
    (None, None, Difficulty.MAJOR, 60_000, False),
    (None, DisputeType.SLTD, Difficulty.MAJOR, 80_000, False),
]


def load_subsidy_rates(world: DemoWorld) -> None:
    existing = {
        (r.source, r.dispute_type, r.difficulty) for r in db.session.scalars(sa.select(SubsidyRate))
    }
    created = 0
    for source, dtype, difficulty, cents, any_outcome in SUBSIDY_RATES:
        if (source, dtype, difficulty) in existing:
            continue
        db.session.add(
            SubsidyRate(
                source=source,
                dispute_type=dtype,
                difficulty=difficulty,
                amount_cents=cents,
                any_outcome=any_outcome,
            )
        )
        created += 1
    db.session.flush()
    world.result.created["subsidy rates"] = created
