"""The world the fuzzer works in: the test world with a case in every state (so every panel
and its forms appear for some role), referrals of each kind, a pending transfer, a link, and
one of each administrator's records (routing rule, working-day time limit, holiday)."""

from __future__ import annotations

from datetime import date

from domain.links import link_cases
from domain.transfers import send_transfer
from extensions import db
from models import RoutingRule
from models.case import TimeLimitRule
from models.enums import ReferralKind, RoutingLevel
from models.holiday import Holiday, HolidayKind
from models.states import CaseState
from tests.factories import World

# Who the fuzzer is: one user of each staff role, and a citizen (None: not logged in).
USERS = (None, "clerk", "mediator", "director", "leader", "admin")


def build() -> World:
    world = World()
    # Working days at the village committee: deadlines go through the holiday calendar.
    db.session.add(TimeLimitRule(organisation=world.village_committee, days=15, working_days=True))
    db.session.add(
        RoutingRule(
            scope_code="421022",
            position=1,
            name="交通事故",
            dispute_types=["DLJT"],
            target_org=world.traffic,
        )
    )
    db.session.add(
        RoutingRule(
            scope_code="421022",
            position=2,
            name="大案",
            min_parties=5,
            target_level=RoutingLevel.COUNTY,
        )
    )
    db.session.add(Holiday(day=date(2026, 10, 1), kind=HolidayKind.HOLIDAY, name="国庆节"))
    db.session.flush()
    for state in CaseState:
        if state != CaseState.MERGED:
            world.case(state)
    world.case(CaseState.REGISTERED, online=False)
    world.case(CaseState.AGREED, oral=True)
    world.case(CaseState.MERGED)
    world.referral_case(ReferralKind.COURT, CaseState.ACCEPTED)
    world.referral_case(ReferralKind.PETITION, CaseState.MEDIATING)
    world.referral_case(ReferralKind.POLICE, CaseState.FAILED)
    moving = world.case(CaseState.MEDIATING)
    send_transfer(
        moving, world.mediator, version=None, to_org=world.township_centre, reason="需要镇里协调"
    )
    a, b = world.case(CaseState.ACCEPTED), world.case(CaseState.MEDIATING)
    link_cases(a, b.number, world.clerk, version=None, kind="related")
    world.case(CaseState.MEDIATING, village=world.village3)  # another county's
    db.session.commit()
    return world
