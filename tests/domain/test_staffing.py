"""The organisation registry: staffing norms and compliance, training hours, the expert pool
and an expert invited to a case (on its timeline)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from domain import experts, matters, staffing
from domain.calendar import local_today
from domain.errors import NotPermitted, StaleCase, ValidationFailed
from domain.staffing import MemberData, StaleRecord, training_hours
from domain.states import Action
from models import Event, StaffingNorm, StaffKind
from models.enums import OrgKind
from models.staffing import ExpertField, TrainingKind
from tests.factories import org


def _member(w, at, name, kind=StaffKind.FULL_TIME, account=None, **kw):
    return staffing.add_member(w.admin, at, MemberData(name=name, kind=kind, **kw), account=account)


# ---- norms ---------------------------------------------------------------------------------


def test_default_norms_are_seed_004_and_seed_002_can_be_loaded(world, db):
    assert staffing.load_norms(None) == 4
    table = {k: n.full_time_required for k, n in staffing.norms().items()}
    assert table == {
        OrgKind.TOWNSHIP_COMMITTEE: 2,
        OrgKind.INDUSTRY_COMMITTEE: 3,
        OrgKind.STATIONED_ROOM: 2,
        OrgKind.VILLAGE_COMMITTEE: 1,
    }
    assert staffing.load_norms(None) == 0  # loading again changes nothing
    staffing.load_norms(world.admin, "seed_002")
    table = {k: n.full_time_required for k, n in staffing.norms().items()}
    assert table[OrgKind.CENTRE] == 5 and table[OrgKind.STATIONED_ROOM] == 2
    with pytest.raises(NotPermitted):
        staffing.load_norms(world.leader, "seed_002")
    with pytest.raises(ValidationFailed):
        staffing.load_norms(world.admin, "seed_999")


def test_a_norm_is_edited_with_its_version_and_recorded(world, db):
    staffing.load_norms(None)
    norm = staffing.norms()[OrgKind.VILLAGE_COMMITTEE]
    staffing.set_norm(world.admin, OrgKind.VILLAGE_COMMITTEE, 2, "本县规定", version=norm.version)
    db.session.commit()
    assert staffing.norms()[OrgKind.VILLAGE_COMMITTEE].full_time_required == 2
    with pytest.raises(StaleRecord):
        staffing.set_norm(world.admin, OrgKind.VILLAGE_COMMITTEE, 3, None, version=norm.version - 1)
    with pytest.raises(ValidationFailed):
        staffing.set_norm(world.admin, OrgKind.VILLAGE_COMMITTEE, 100, None)
    with pytest.raises(NotPermitted):
        staffing.set_norm(world.director, OrgKind.VILLAGE_COMMITTEE, 1, None)
    assert [e.action for e in matters.history("staffing_norm", norm.id)][-1] == "set"
    staffing.set_norm(world.admin, OrgKind.VILLAGE_COMMITTEE, None, None)  # removed
    assert OrgKind.VILLAGE_COMMITTEE not in staffing.norms()


# ---- compliance ----------------------------------------------------------------------------


def test_compliance_counts_active_full_time_only_and_flags_the_shortfall(world, db):
    staffing.load_norms(None)
    vc, traffic = world.village_committee, world.traffic
    _member(world, vc, "张调解", account=world.mediator)
    _member(world, vc, "赵调解", StaffKind.PART_TIME, account=world.mediator_b)
    _member(world, traffic, "交调一")
    gone = _member(world, traffic, "交调二")
    staffing.update_member(
        world.admin,
        gone,
        MemberData(name="交调二", kind=StaffKind.FULL_TIME, active=False),
        version=gone.version,
    )
    _member(world, traffic, "律师甲", StaffKind.LAWYER)
    rows = {c.org.id: c for c in staffing.compliance([vc, traffic, world.county_centre])}
    assert (rows[vc.id].required, rows[vc.id].actual, rows[vc.id].shortfall) == (1, 1, 0)
    assert rows[vc.id].compliant is True
    assert (rows[traffic.id].required, rows[traffic.id].actual) == (3, 1)
    assert rows[traffic.id].shortfall == 2 and rows[traffic.id].compliant is False
    # No norm for a centre in seed 004's set: not judged.
    assert rows[world.county_centre.id].required is None
    assert rows[world.county_centre.id].compliant is None
    # The account's full-time flag follows the registry.
    assert world.mediator.full_time is True and world.mediator_b.full_time is False


def test_a_committee_counts_the_people_of_the_centre_mediating_under_it(world, db):
    staffing.load_norms(None)
    committee = org("埠河镇人民调解委员会", OrgKind.TOWNSHIP_COMMITTEE, world.township)
    db.session.flush()
    world.township_centre.committee_id = committee.id
    _member(world, world.township_centre, "镇专职一")
    (row,) = staffing.compliance([committee])
    assert (row.required, row.actual, row.shortfall) == (2, 1, 1)
    assert [m.name for m in row.full_time] == ["镇专职一"]


def test_the_registry_refuses_bad_input_and_other_peoples_organisations(world, db):
    with pytest.raises(ValidationFailed) as e:
        _member(world, world.village_committee, "")
    assert e.value.field == "name"
    with pytest.raises(ValidationFailed):
        _member(world, world.village_committee, "甲" * 65)
    with pytest.raises(ValidationFailed) as e:
        _member(world, world.village_committee, "专家", StaffKind.EXPERT)  # no field
    assert e.value.field == "expert_field"
    with pytest.raises(ValidationFailed):  # an account of another organisation
        _member(world, world.village_committee, "", account=world.mediator2)
    _member(world, world.village_committee, "", account=world.mediator)
    with pytest.raises(ValidationFailed):  # twice
        _member(world, world.village_committee, "", account=world.mediator)
    # A director manages their own committee only; a leader their area only.
    with pytest.raises(NotPermitted):
        staffing.add_member(
            world.director, world.traffic, MemberData(name="x", kind=StaffKind.OTHER)
        )
    with pytest.raises(NotPermitted):
        staffing.add_member(
            world.leader2, world.village_committee, MemberData(name="x", kind=StaffKind.OTHER)
        )
    m = staffing.add_member(
        world.director, world.village_committee, MemberData(name="x", kind=StaffKind.OTHER)
    )
    assert [e.action for e in matters.history("staff_member", m.id)] == ["registered"]


# ---- training ------------------------------------------------------------------------------


def test_training_hours_per_account_within_the_days_given(world, db):
    a = _member(world, world.village_committee, "", account=world.mediator)
    b = _member(world, world.village_committee, "", account=world.mediator_b)
    c = _member(world, world.village_committee, "无账号调解员")
    day = date(2026, 3, 10)
    staffing.add_training(
        world.admin, a, kind=TrainingKind.PRE_SERVICE, held_on=day, hours="8", topic="岗前培训"
    )
    staffing.add_training(
        world.admin, a, kind=TrainingKind.REGULAR, held_on=date(2026, 6, 1), hours="2.5", topic="x"
    )
    staffing.add_training(
        world.admin, a, kind=TrainingKind.REGULAR, held_on=date(2025, 12, 31), hours=4, topic="y"
    )
    staffing.add_training(
        world.admin, c, kind=TrainingKind.REGULAR, held_on=day, hours=3, topic="z"
    )
    hours = training_hours(
        [world.mediator.id, world.mediator_b.id, 999999], date(2026, 1, 1), date(2026, 6, 1)
    )
    assert hours == {world.mediator.id: Decimal("10.5"), world.mediator_b.id: 0, 999999: 0}
    assert all(isinstance(v, Decimal) for v in hours.values())
    assert training_hours([world.mediator.id], day, day) == {world.mediator.id: Decimal("8")}
    assert training_hours([], date(2026, 1, 1), date(2026, 12, 31)) == {}
    assert staffing.hours_by_member([a.id, b.id, c.id], date(2026, 1, 1), date(2026, 12, 31)) == {
        a.id: Decimal("10.5"),
        b.id: 0,
        c.id: Decimal("3"),
    }


@pytest.mark.parametrize("hours", ["NaN", "Infinity", "-1", "0", "201", "1.25", "abc", None])
def test_training_hours_that_are_not_hours_are_refused(world, db, hours):
    a = _member(world, world.village_committee, "x")
    with pytest.raises(ValidationFailed) as e:
        staffing.add_training(
            world.admin, a, kind=TrainingKind.REGULAR, held_on=local_today(), hours=hours, topic="t"
        )
    assert e.value.field == "hours"


def test_training_needs_a_topic_and_a_real_day(world, db):
    a = _member(world, world.village_committee, "x")
    with pytest.raises(ValidationFailed):
        staffing.add_training(
            world.admin, a, kind=TrainingKind.REGULAR, held_on=local_today(), hours=1, topic="  "
        )
    with pytest.raises(ValidationFailed):
        staffing.add_training(
            world.admin, a, kind=TrainingKind.REGULAR, held_on=None, hours=1, topic="t"
        )


def test_empty_database_answers_without_rows(db):
    assert staffing.training_hours([1, 2], date(2026, 1, 1), date(2026, 1, 31)) == {1: 0, 2: 0}
    assert staffing.compliance([]) == []
    assert staffing.norms() == {}
    assert db.session.scalar(sa.select(sa.func.count(StaffingNorm.id))) == 0


# ---- experts -------------------------------------------------------------------------------


def test_an_expert_is_invited_to_a_case_and_the_advice_recorded_on_its_timeline(world, db):
    county_expert = _member(
        world,
        world.county_centre,
        "李医生",
        StaffKind.EXPERT,
        expert_field=ExpertField.MEDICAL,
        affiliation="公安县人民医院 主任医师",
    )
    other_county = _member(
        world, world.county2_centre, "王律师", StaffKind.EXPERT, expert_field=ExpertField.LEGAL
    )
    case = world.mediating_case()
    db.session.commit()
    pool = experts.pool_for_case(case)
    assert county_expert in pool and other_county not in pool  # the case's own county only
    assert experts.may_invite(world.mediator, case)
    assert not experts.may_invite(world.clerk, case)
    invitation = experts.invite_expert(
        case,
        world.mediator,
        expert_id=county_expert.id,
        question="伤残等级是否合理？",
        version=case.version,
    )
    db.session.commit()
    with pytest.raises(ValidationFailed):  # the same expert twice while unanswered
        experts.invite_expert(
            case, world.mediator, expert_id=county_expert.id, question="再问", version=None
        )
    with pytest.raises(ValidationFailed):  # an expert of another county's pool
        experts.invite_expert(
            case, world.mediator, expert_id=other_county.id, question="q", version=None
        )
    with pytest.raises(StaleCase):
        experts.record_advice(
            case,
            world.mediator,
            invitation_id=invitation.id,
            advice="x",
            advice_on=local_today(),
            version=case.version - 1,
        )
    with pytest.raises(ValidationFailed):  # in the future
        experts.record_advice(
            case,
            world.mediator,
            invitation_id=invitation.id,
            advice="x",
            advice_on=local_today() + timedelta(days=1),
            version=None,
        )
    experts.record_advice(
        case,
        world.director,
        invitation_id=invitation.id,
        advice="按十级伤残计算较为合理。",
        advice_on=local_today(),
        version=case.version,
    )
    db.session.commit()
    events = db.session.scalars(
        sa.select(Event).where(Event.case_id == case.id).order_by(Event.id)
    ).all()
    tail = [(e.action, e.public) for e in events[-2:]]
    assert tail == [(Action.INVITE_EXPERT.value, False), (Action.RECORD_EXPERT_ADVICE.value, False)]
    assert events[-2].data["expert"] == "李医生" and events[-2].note == "伤残等级是否合理？"
    assert events[-1].note == "按十级伤残计算较为合理。"
    assert Action.INVITE_EXPERT.label and Action.RECORD_EXPERT_ADVICE.label
    with pytest.raises(ValidationFailed):  # recorded once
        experts.record_advice(
            case,
            world.mediator,
            invitation_id=invitation.id,
            advice="y",
            advice_on=local_today(),
            version=None,
        )
    with pytest.raises(NotPermitted):
        experts.invite_expert(
            case, world.leader, expert_id=county_expert.id, question="q", version=None
        )
