"""What cases the demo holds: a plan per case (state, place, dispute type, text template,
source, channel, dates), drawn before any case is made.

About 200 cases: the 埠河镇 centre's (user `mediator`'s workbench: cases in mediation overdue,
due soon and on time, and one of each later step), the village committee of user `mediator2`,
a queue of new cases at each county's desk, and a general mix of every state, source and
dispute type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from demo.organisations import INDUSTRY_TYPES
from demo.world import DemoWorld
from domain.clocks import CHINA, Urgency
from domain.routing import LARGE_AMOUNT
from domain.states import CaseState
from models import Organisation, Region
from models.enums import Channel, OrgKind, Source

# Relative frequency of the 15 types in the demo (roughly like a county's monthly report).
TYPE_WEIGHTS = {
    "HYJT": 15,
    "LL": 15,
    "FWZJD": 8,
    "HT": 10,
    "SCJY": 4,
    "SHPC": 8,
    "SLTD": 6,
    "ZDCQ": 3,
    "HJWR": 3,
    "LDZY": 8,
    "XF": 4,
    "YL": 3,
    "DLJT": 9,
    "WY": 4,
    "QT": 3,
}
SOURCE_WEIGHTS = {
    Source.APPLICATION: 50,
    Source.INITIATIVE: 10,
    Source.COURT: 14,
    Source.POLICE: 10,
    Source.PETITION: 6,
    Source.GOVERNMENT: 5,
}
# Which dispute types each referring body plausibly sends.
SOURCE_TYPES = {
    Source.COURT: {"HT", "HYJT", "DLJT", "LDZY", "SHPC", "FWZJD", "XF", "WY"},
    Source.POLICE: {"LL", "SHPC", "DLJT", "HYJT", "XF"},
    Source.PETITION: {"ZDCQ", "FWZJD", "SLTD", "HJWR", "LDZY", "WY", "QT"},
    Source.GOVERNMENT: {"HJWR", "ZDCQ", "SLTD", "WY", "SCJY", "XF"},
    Source.INITIATIVE: {"LL", "HYJT", "FWZJD", "SLTD", "SCJY", "QT", "HJWR"},
}

# The general mix of states; the groups below come on top (200 cases in all, plus one online
# duplicate that the desk merged into a case in mediation).
GENERIC_STATES = {
    CaseState.NOT_ACCEPTED: 12,
    CaseState.ACCEPTED: 12,
    CaseState.DISPATCHED: 13,
    CaseState.MEDIATING: 26,
    CaseState.SUSPENDED: 4,
    CaseState.JOINT_MEDIATION: 4,
    CaseState.AGREED: 50,
    CaseState.FAILED: 12,
    CaseState.REFUSED: 5,
    CaseState.TERMINATED: 6,
    CaseState.ARCHIVED: 8,
}
# Cases for the 埠河镇 centre (user `mediator`): MEDIATING split by urgency, plus a few others.
BUHE_MEDIATING = [Urgency.OVERDUE] * 3 + [Urgency.DUE_SOON] * 3 + [Urgency.ON_TIME] * 6
BUHE_OTHER = {
    CaseState.AGREED: 5,
    CaseState.FAILED: 1,
    CaseState.SUSPENDED: 1,
    CaseState.TERMINATED: 1,
    CaseState.DISPATCHED: 1,
}
# What happens after the agreement in the 埠河镇 centre's agreed cases, one each, so that
# `mediator` sees every step of aftercare.
BUHE_AFTERCARE = ["unsigned", "confirmation_ruled", "confirmation_pending", "visited", "signed"]
# Cases for the village committee of user `mediator2`; its joint mediation is organised by
# the 埠河镇 centre (user `director`).
VILLAGE_STATES = {
    CaseState.MEDIATING: 1,
    CaseState.JOINT_MEDIATION: 1,
    CaseState.AGREED: 2,
    CaseState.DISPATCHED: 1,
}
# New cases waiting at each county's desk.
REGISTERED_PER_COUNTY = {"421022": 16, "421087": 6}


@dataclass
class CasePlan:
    state: CaseState
    county: str
    region: Region
    dtype: str
    template: dict
    source: Source
    channel: Channel
    accept_at: datetime | None
    created_at: datetime
    target: Organisation | None = None  # where to dispatch; None: follow the suggestion
    amount: Decimal | None = None
    pay: int | None = None  # the settlement, for the texts
    aftercare: str | None = None  # one of BUHE_AFTERCARE, for agreed cases


def plan_cases(world: DemoWorld) -> list[CasePlan]:
    """Every case to make, in the order drawn (the caller sorts them by registration)."""
    rng = world.rng
    plans: list[CasePlan] = []
    gongan = "421022"
    buhe = world.townships(gongan)[0]
    buhe_centre = world.orgs[world.township_centre[buhe.code]]
    general_types = [t for t in TYPE_WEIGHTS if t not in INDUSTRY_TYPES]

    # 1. The 埠河镇 centre: user `mediator`'s workbench and `director`'s committee.
    buhe_states = [(CaseState.MEDIATING, u) for u in BUHE_MEDIATING]
    buhe_states += [(s, None) for s, n in BUHE_OTHER.items() for _ in range(n)]
    aftercare = list(BUHE_AFTERCARE)
    for state, urg in buhe_states:
        dtype = rng.choice(general_types)
        template = rng.choice(world.texts["types"][dtype])
        if template.get("where"):
            region = _pick_place(world, buhe.code, template["where"])
        else:
            region = buhe if rng.random() < 0.7 else _pick_place(world, buhe.code, None)
        plan = _plan(world, state, region, dtype, template, urg, target=buhe_centre)
        if state == CaseState.AGREED:
            plan.aftercare = aftercare.pop(0)
        plans.append(plan)

    # 2. The village committee of user `mediator2`.
    committee = world.orgs[world.mediator2_org]
    for state, n in VILLAGE_STATES.items():
        for _ in range(n):
            dtype = rng.choice(general_types)
            choices = [
                t for t in world.texts["types"][dtype] if t.get("where") in (None, "village")
            ]
            template = rng.choice(choices or world.texts["types"]["LL"])
            plan = _plan(world, state, committee.region, dtype, template, None, target=committee)
            if plan.amount is not None and plan.amount > LARGE_AMOUNT:
                plan.amount = Decimal(rng.randrange(20, 90) * 1000)
            plans.append(plan)

    # 3. The desks' queues of new cases.
    for county, n in REGISTERED_PER_COUNTY.items():
        for _ in range(n):
            dtype = _pick_type(world)
            plans.append(_generic(world, CaseState.REGISTERED, county, dtype))

    # 4. Everything else, every type at least once.
    states = [s for s, n in GENERIC_STATES.items() for _ in range(n)]
    rng.shuffle(states)
    types = list(TYPE_WEIGHTS)
    rng.shuffle(types)
    for i, state in enumerate(states):
        dtype = types[i] if i < len(types) else _pick_type(world)
        county = gongan if rng.random() < 0.62 else "421087"
        plans.append(_generic(world, state, county, dtype))
    return plans


def _pick_type(world: DemoWorld) -> str:
    types = list(TYPE_WEIGHTS)
    return world.rng.choices(types, weights=[TYPE_WEIGHTS[t] for t in types])[0]


def _pick_place(world: DemoWorld, township: str, where: str | None) -> Region:
    villages = world.villages(township)
    if where == "village":
        villages = [v for v in villages if v.code[-3] == "2"] or villages
    elif where == "community":
        villages = [v for v in villages if v.code[-3] == "0"] or villages
    return world.rng.choice(villages)


def _generic(world: DemoWorld, state: CaseState, county: str, dtype: str) -> CasePlan:
    """A case of the general mix: anywhere in the county, dispatched as the routing suggests."""
    rng = world.rng
    template = rng.choice(world.texts["types"][dtype])
    township = rng.choice(world.townships(county))
    where = template.get("where")
    # Staff exist at township centres and industry committees, not in most villages: a
    # case that goes beyond the desk is more often recorded at township level, which
    # routes it to the township centre without overriding the suggestion.
    progressed = state not in (CaseState.REGISTERED, CaseState.NOT_ACCEPTED, CaseState.ACCEPTED)
    if where is None and rng.random() < (0.5 if progressed else 0.15):
        region = township  # somewhere in the township, no village given
    else:
        region = _pick_place(world, township.code, where)
    urg = None
    if state == CaseState.MEDIATING:
        urg = rng.choices(
            [Urgency.OVERDUE, Urgency.DUE_SOON, Urgency.ON_TIME], weights=[15, 15, 70]
        )[0]
    return _plan(world, state, region, dtype, template, urg)


def _plan(
    world: DemoWorld,
    state: CaseState,
    region: Region,
    dtype: str,
    template: dict,
    urg: Urgency | None,
    target: Organisation | None = None,
) -> CasePlan:
    """Source, channel, dates (by state; a case in mediation by its urgency) and amount."""
    rng = world.rng
    candidates = [s for s in SOURCE_WEIGHTS if s == Source.APPLICATION or dtype in SOURCE_TYPES[s]]
    source = rng.choices(candidates, weights=[SOURCE_WEIGHTS[s] for s in candidates])[0]
    if source == Source.APPLICATION:
        channel = rng.choices(
            [Channel.ONLINE, Channel.WALK_IN, Channel.PHONE], weights=[45, 40, 15]
        )[0]
    elif source == Source.INITIATIVE:
        channel = Channel.SCREENING
    else:
        channel = Channel.REFERRAL

    accept_at: datetime | None
    if state == CaseState.REGISTERED:
        accept_at = None
        days = rng.choices(range(7), weights=[4, 4, 3, 3, 2, 1, 1])[0]
        created = (
            world.clock.office_time(days)
            if days
            else world.now - timedelta(minutes=rng.randrange(20, 300))
        )
    else:
        if state == CaseState.NOT_ACCEPTED:
            days = rng.randrange(3, 86)
        elif state == CaseState.ACCEPTED:
            days = rng.randrange(0, 6)
        elif state == CaseState.DISPATCHED:
            days = rng.randrange(1, 12)
        elif state == CaseState.MEDIATING:
            days = {
                Urgency.OVERDUE: lambda: rng.randrange(31, 48),
                Urgency.DUE_SOON: lambda: rng.randrange(25, 31),
                Urgency.ON_TIME: lambda: rng.randrange(2, 25),
            }[urg or Urgency.ON_TIME]()
            if source == Source.PETITION:  # a 60-day limit (rules.TIME_LIMIT_RULES)
                days += 30
        else:
            days = rng.randrange(14, 88)
        accept_at = world.clock.office_time(days)
        created = world.clock.office_time(days + rng.choice([0, 0, 1, 1, 2, 3]))
        if created > accept_at - timedelta(minutes=20):
            created = accept_at - timedelta(minutes=rng.randrange(20, 120))
    evening = timedelta(hours=rng.randrange(0, 10))
    if channel == Channel.ONLINE and created.astimezone(CHINA).hour < 20:
        created -= evening  # citizens apply in the evening too

    amount = None
    if template.get("amount"):
        lo, hi = template["amount"]
        amount = Decimal(round(rng.uniform(lo, hi), -2))
        large = rng.random() < 0.3
        if target is not None and target.kind == OrgKind.CENTRE and large and hi > LARGE_AMOUNT:
            amount = Decimal(round(rng.uniform(float(LARGE_AMOUNT) + 1000, hi), -2))
    return CasePlan(
        state=state,
        county=region.code[:6],
        region=region,
        dtype=dtype,
        template=template,
        source=source,
        channel=channel,
        accept_at=accept_at,
        created_at=created,
        target=target,
        amount=amount,
    )
