"""domain.closing: failures and joint mediation, termination, suspension rules, archive gaps,
and the time-limit rules administration (domain.time_limits)."""

from __future__ import annotations

import pytest

from domain import time_limits
from domain.closing import (
    archive_case,
    archive_gaps,
    can_archive,
    joint_organiser,
    record_failure,
    suspend,
    terminate,
)
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from models import TimeLimitRule
from models.enums import ClosureReason, OrgKind, Role, Source
from models.states import CaseState
from tests.factories import complete_file, org, user


def test_joint_organiser_is_one_level_up(world, db):
    village_case = world.case(CaseState.MEDIATING)
    assert joint_organiser(village_case) == world.township_centre
    far = world.case(CaseState.MEDIATING, village=world.village3)
    # 长江社区's township has no centre of its own: the county centre organises.
    assert joint_organiser(far) == world.county2_centre


def test_failures_count_escalate_and_end(world, db):
    case = world.case(CaseState.MEDIATING)
    record_failure(case, world.mediator, version=case.version, reason="一")
    assert (case.state, case.failure_count) == (CaseState.MEDIATING, 1)
    record_failure(
        case,
        world.mediator,
        version=case.version,
        reason="二",
        departments=["司法所", " ", "派出所"],
    )
    assert case.state == CaseState.JOINT_MEDIATION
    assert case.joint_departments == ["司法所", "派出所"]
    with pytest.raises(InvalidTransition):
        suspend(case, world.mediator, version=case.version, reason="不能中止联动调解")
    record_failure(case, world.mediator, version=case.version, reason="三")
    assert case.state == CaseState.FAILED
    assert case.closure_reason == ClosureReason.FAILED
    assert case.closed_at is not None


def test_failure_rules(world, db):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed) as err:
        record_failure(case, world.mediator, version=case.version, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(StaleCase):
        record_failure(case, world.mediator, version=case.version - 1, reason="x")
    with pytest.raises(NotPermitted):
        record_failure(case, world.mediator_b, version=case.version, reason="x")


def test_terminate_reasons(world, db):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed):
        terminate(case, world.mediator, version=None, reason=ClosureReason.AGREEMENT_ORAL, note="x")
    terminate(
        case,
        world.mediator,
        version=None,
        reason=ClosureReason.PERIOD_EXPIRED,
        note="期满未同意延长",
    )
    assert case.state == CaseState.TERMINATED
    assert case.events[-1].public is True


# ---- archive --------------------------------------------------------------------------------


def test_archive_refused_while_mediating_names_the_state_not_the_file(world, db):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(InvalidTransition):
        archive_case(case, world.mediator, version=None)


def test_archive_gaps_for_an_agreement_then_archive(world, db):
    case = world.case(CaseState.AGREED)  # written, unsigned, a follow-up to make
    gaps = [str(g) for g in archive_gaps(case)]
    assert any("not yet signed" in g for g in gaps)
    assert any("follow-up" in g for g in gaps)
    with pytest.raises(ValidationFailed) as err:
        archive_case(case, world.mediator, version=None)
    assert "follow-up" in str(err.value.message)


def test_archive_a_terminated_case(world, db):
    case = world.case(CaseState.TERMINATED)
    gaps = [str(g) for g in archive_gaps(case)]
    assert "The case file lacks: Notice of rights and obligations." in gaps
    with pytest.raises(ValidationFailed) as err:
        archive_case(case, world.mediator, version=case.version)
    assert "The case file lacks: Parties' identity documents." in str(err.value.message)
    assert case.state == CaseState.TERMINATED and case.file_number is None
    complete_file(case, world.mediator)
    assert archive_gaps(case) == []
    archive_case(case, world.director, version=case.version)
    assert case.state == CaseState.ARCHIVED
    assert case.archived_at is not None
    assert case.file_number.endswith("人调字第1号")
    (bundle,) = [d for d in case.documents if d.subject_id == -1]
    assert bundle.signed_at is not None and bundle.pages >= 4


def test_who_may_archive(world, db):
    """Whoever holds the case keeps its file (PML Art. 27): the committee once dispatched;
    the desk for a case it never dispatched. Leaders and administrators do not."""
    case = world.case(CaseState.TERMINATED)
    assert can_archive(world.mediator, case) and can_archive(world.director, case)
    assert not can_archive(world.mediator_b, case)  # a colleague not on the case
    for outsider in (world.clerk, world.leader, world.admin):
        assert not can_archive(outsider, case)
        with pytest.raises(NotPermitted):
            archive_case(case, outsider, version=None)
    refused = world.case(CaseState.NOT_ACCEPTED)
    assert can_archive(world.clerk, refused)
    assert not can_archive(world.leader, refused) and not can_archive(world.mediator, refused)


def test_archived_is_final(world, db):
    case = world.case(CaseState.ARCHIVED)
    with pytest.raises(InvalidTransition):
        archive_case(case, world.mediator, version=None)


# ---- time-limit rules -----------------------------------------------------------------------


@pytest.fixture
def county_admin(world, db):
    admin = user("admin_gongan", Role.ADMIN, world.county_centre)
    db.session.flush()
    return admin


def test_save_and_change_rules(world, db):
    rule = time_limits.save_rule(
        world.admin, None, organisation=None, source=Source.COURT, days=30, working_days=False
    )
    assert (rule.organisation_id, rule.source, rule.days) == (None, Source.COURT, 30)
    with pytest.raises(ValidationFailed) as err:
        time_limits.save_rule(
            world.admin, None, organisation=None, source=Source.COURT, days=20, working_days=False
        )
    assert err.value.field == "source"
    time_limits.save_rule(
        world.admin,
        rule,
        organisation=world.township_centre,
        source=None,
        days=20,
        working_days=True,
    )
    assert (rule.organisation, rule.working_days) == (world.township_centre, True)


@pytest.mark.parametrize("days", [0, 366, None])
def test_days_are_checked(world, db, days):
    with pytest.raises(ValidationFailed) as err:
        time_limits.save_rule(
            world.admin, None, organisation=None, source=None, days=days, working_days=False
        )
    assert err.value.field == "days"


def test_county_admin_scope(world, db, county_admin):
    # Only a city administrator sets a rule for every organisation.
    with pytest.raises(ValidationFailed) as err:
        time_limits.save_rule(
            county_admin, None, organisation=None, source=Source.COURT, days=30, working_days=False
        )
    assert err.value.field == "organisation"
    # Organisations outside the region or not mediating are refused.
    for outside in (world.county2_centre, world.court):
        with pytest.raises(ValidationFailed):
            time_limits.save_rule(
                county_admin, None, organisation=outside, source=None, days=30, working_days=False
            )
    mine = time_limits.save_rule(
        county_admin,
        None,
        organisation=world.village_committee,
        source=None,
        days=20,
        working_days=False,
    )
    city = time_limits.save_rule(
        world.admin, None, organisation=None, source=None, days=25, working_days=False
    )
    far = time_limits.save_rule(
        world.admin,
        None,
        organisation=world.county2_centre,
        source=None,
        days=25,
        working_days=False,
    )
    assert time_limits.get_rule_for(county_admin, mine.id) is mine
    assert time_limits.get_rule_for(county_admin, city.id) is city  # seen, not changed
    assert not time_limits.may_change(county_admin, city)
    assert time_limits.get_rule_for(county_admin, far.id) is None
    with pytest.raises(NotPermitted):
        time_limits.delete_rule(county_admin, city)
    time_limits.delete_rule(county_admin, mine)
    assert db.session.get(TimeLimitRule, mine.id) is None


def test_only_admins_manage_rules(world, db):
    with pytest.raises(NotPermitted):
        time_limits.save_rule(
            world.leader, None, organisation=None, source=None, days=30, working_days=False
        )
    inactive = org("停用中心", OrgKind.CENTRE, world.township)
    inactive.active = False
    db.session.flush()
    with pytest.raises(ValidationFailed):
        time_limits.save_rule(
            world.admin, None, organisation=inactive, source=None, days=30, working_days=False
        )
