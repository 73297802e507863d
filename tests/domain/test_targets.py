"""Where a case may be sent, read in the database: the case's county (and the bodies above it
for a transfer), active organisations only, by typed name, never the forged or the far."""

import pytest

from domain import targets
from models.states import CaseState


@pytest.fixture
def case(world, db):
    return world.case(CaseState.ACCEPTED)


def test_dispatch_offers_the_countys_mediating_bodies_only(world, case):
    offered = targets.dispatch_targets(case)
    assert world.village_committee in offered and world.township_centre in offered
    assert world.court not in offered  # does not mediate
    assert world.county2_centre not in offered  # another county
    assert targets.dispatch_target(case, world.court.id) is None
    assert targets.dispatch_target(case, world.county2_centre.id) is None
    assert targets.dispatch_target(case, world.village_committee.id) == world.village_committee


@pytest.mark.parametrize("forged", [None, -1, 0, 2**31, 10**30, "1", 1.5, True])
def test_a_forged_id_names_no_target(world, case, forged):
    assert targets.dispatch_target(case, forged) is None
    assert targets.transfer_target(case, None, forged) is None


def test_a_deactivated_organisation_is_no_longer_offered(world, db, case):
    world.township_centre.active = False
    db.session.flush()
    assert world.township_centre not in targets.dispatch_targets(case)
    assert targets.transfer_target(case, None, world.township_centre.id) is None


def test_transfer_offers_courts_but_not_where_the_case_is(world, case):
    here = world.village_committee
    offered = targets.transfer_targets(case, here)
    assert world.court in offered and here not in offered
    assert targets.transfer_target(case, here, here.id) is None


@pytest.mark.parametrize("typed", ["%", "_", "\\", "' OR 1=1 --", "x" * 500])
def test_typed_text_is_matched_literally(world, case, typed):
    assert targets.dispatch_targets(case, typed) == []


def test_typed_chinese_narrows_the_list_and_the_limit_holds(world, case):
    name = world.township_centre.name
    assert targets.dispatch_targets(case, name[:2])[0:1] and all(
        name[:2] in o.name for o in targets.dispatch_targets(case, name[:2])
    )
    assert len(targets.dispatch_targets(case, limit=1)) == 1
