from decimal import Decimal

import sqlalchemy as sa

from domain.permissions import case_scope, get_case_for
from domain.routing import suggest_organisation
from models import Case
from models.enums import DisputeType, RiskLevel
from models.states import CaseState


def test_traffic_dispute_goes_to_industry_committee(world):
    case = world.case(dtype=DisputeType.DLJT)
    suggestion = suggest_organisation(case)
    assert suggestion.organisation == world.traffic
    assert "county" in str(suggestion.reason).lower() or suggestion.reason


def test_ordinary_dispute_goes_to_village_committee(world):
    case = world.case(dtype=DisputeType.LL)
    assert suggest_organisation(case).organisation == world.village_committee


def test_village_without_committee_goes_to_township(world):
    case = world.case(village=world.village2)
    assert suggest_organisation(case).organisation == world.township_centre


def test_large_amount_or_high_risk_goes_to_township(world):
    case = world.case()
    case.amount = Decimal("250000")
    assert suggest_organisation(case).organisation == world.township_centre
    case.amount = None
    case.risk_level = RiskLevel.RED
    assert suggest_organisation(case).organisation == world.township_centre


def test_township_without_centre_goes_to_county(world):
    case = world.case(village=world.village3)  # has a committee
    assert suggest_organisation(case).organisation == world.village3_committee
    case.risk_level = RiskLevel.ORANGE  # difficult: skip the village; no township centre
    assert suggest_organisation(case).organisation == world.county2_centre


def visible(user):
    from extensions import db

    return set(db.session.scalars(sa.select(Case.number).where(case_scope(user))))


def test_scope_per_role(world, db):
    gongan = world.case(CaseState.MEDIATING)
    songzi = world.case(CaseState.MEDIATING, village=world.village3)
    registered = world.case(CaseState.REGISTERED)
    db.session.commit()
    assert visible(world.clerk) == {gongan.number, registered.number}
    assert visible(world.clerk2) == {songzi.number}
    assert visible(world.mediator) == {gongan.number}
    assert visible(world.mediator_b) == set()
    assert visible(world.mediator2) == {songzi.number}
    assert visible(world.director) == {gongan.number}
    assert visible(world.leader) == {gongan.number, registered.number}
    assert visible(world.admin) == {gongan.number, songzi.number, registered.number}
    # single-case access uses the same rule
    assert get_case_for(world.mediator, songzi.number) is None
    assert get_case_for(world.mediator, gongan.number) is not None


def test_clerk_sees_cases_registered_at_their_centre_elsewhere(world, db):
    case = world.case(village=world.village3, online=False)  # registered by clerk (公安)
    db.session.commit()
    assert case.number in visible(world.clerk)
    assert case.number in visible(world.clerk2)
