"""Screening rounds: cadence periods and deadlines, overdue rounds and nil returns, findings
as cases (counted as 排查发现纠纷数) or watch-list items, and the count for the assessment."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from domain import screening_rounds as sr
from domain.calendar import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.statistics import Measure, Period, case_condition
from models import Case, Organisation
from models.enums import Channel, DisputeType, OrgKind, RegionLevel, RiskLevel, Source
from models.prevention import Cadence, RiskWarning, RoundKind, WatchStatus
from models.risk import RiskFlag

TODAY = date(2026, 11, 20)  # a Friday


def test_periods_of_each_cadence():
    day = date(2026, 11, 18)  # a Wednesday
    assert sr.period_of(Cadence.WEEKLY, day) == (date(2026, 11, 16), date(2026, 11, 22))
    assert sr.period_of(Cadence.HALF_MONTHLY, day) == (date(2026, 11, 16), date(2026, 11, 30))
    assert sr.period_of(Cadence.HALF_MONTHLY, date(2026, 2, 3)) == (
        date(2026, 2, 1),
        date(2026, 2, 15),
    )
    assert sr.period_of(Cadence.MONTHLY, date(2026, 12, 31)) == (
        date(2026, 12, 1),
        date(2026, 12, 31),
    )
    assert sr.period_of(Cadence.QUARTERLY, day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert sr.period_of(Cadence.QUARTERLY, date(2026, 2, 28)) == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )


def test_slots_ending_in_a_period():
    weekly = sr.slots(sr.Rule(Cadence.WEEKLY, 1), date(2026, 11, 1), date(2026, 11, 30))
    # Weeks ending 1, 8, 15, 22, 29 November (the week of 30 Nov ends in December).
    assert [s.end.day for s in weekly] == [1, 8, 15, 22, 29]
    monthly = sr.slots(sr.Rule(Cadence.MONTHLY, 2), date(2026, 7, 1), date(2026, 9, 30))
    assert [s.end for s in monthly] == [date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30)]
    assert sr.slots(sr.Rule(Cadence.QUARTERLY, 2), date(2026, 10, 1), date(2026, 11, 30)) == []


def test_grace_is_counted_in_working_days_and_a_holiday_moves_it(db):
    # A weekly round: the week ends on Sunday 22 Nov; one working day's grace: Monday.
    assert sr.deadline_of(date(2026, 11, 22), 1) == date(2026, 11, 23)
    # September's round: two working days after the 30th, but 1-7 October is the National
    # Day holiday: the 8th and the 9th are the first working days.
    assert sr.deadline_of(date(2026, 9, 30), 2) == date(2026, 10, 9)
    assert sr.deadline_of(date(2026, 9, 30), 0) == date(2026, 9, 30)


def _file(org, actor, start, *, nil=True, today=TODAY, held=None, summary=None):
    return sr.file_round(
        org,
        actor,
        period_start=start,
        kind=RoundKind.REGULAR,
        held_on=held or start,
        nil_return=nil,
        summary=summary,
        today=today,
    )


def test_overdue_rounds_nil_returns_and_missed_rounds(world, db):
    village = world.village_committee
    # November, as of Friday 20 Nov: weeks ending 1, 8, 15 Nov are past their deadlines (2, 9,
    # 16 Nov); the weeks ending 22 and 29 Nov are not. Filed: a nil return for the first, a
    # round with findings for the third; the second is late.
    _file(village, world.director, date(2026, 10, 26))  # week ending 1 Nov: a nil return
    _file(village, world.mediator, date(2026, 11, 9), nil=False, summary="两户宅基地界址争议")
    db.session.commit()
    start, end = date(2026, 11, 1), date(2026, 11, 30)
    (row,) = sr.compliance([village], start, end, TODAY)
    assert row.due == 5 and len(row.filed) == 2 and row.nil_returns == 1
    assert [s.end for s in row.overdue] == [date(2026, 11, 8)]
    assert [s.end for s in row.pending] == [date(2026, 11, 22), date(2026, 11, 29)]
    counts = sr.missed_rounds(
        [village.id, world.township_centre.id, world.traffic.id], start, end, TODAY
    )
    # The township centre: November's round is due on 2 Dec, not yet late; the industry
    # committee does not screen.
    assert counts == {village.id: 1, world.township_centre.id: 0, world.traffic.id: 0}
    # The week ending Sunday 8 Nov was due on Monday 9th: on time that day, late from the 10th.
    assert sr.missed_rounds([village.id], start, end, date(2026, 11, 9))[village.id] == 0
    assert sr.missed_rounds([village.id], start, end, date(2026, 11, 10))[village.id] == 1
    assert sr.missed_rounds([], start, end) == {}


def test_a_township_overrides_its_cadence(world, db):
    centre = world.township_centre
    assert sr.rule_for(centre) == sr.Rule(Cadence.MONTHLY, 2)
    sr.set_org_cadence(world.admin, centre, Cadence.HALF_MONTHLY, 1)
    sr.set_level_cadence(world.admin, RegionLevel.VILLAGE, Cadence.HALF_MONTHLY, 0)
    db.session.commit()
    assert sr.rule_for(centre) == sr.Rule(Cadence.HALF_MONTHLY, 1)
    assert sr.rule_for(world.village_committee) == sr.Rule(Cadence.HALF_MONTHLY, 0)
    counts = sr.missed_rounds([centre.id], date(2026, 10, 1), date(2026, 10, 31), TODAY)
    assert counts[centre.id] == 2  # 1-15 and 16-31 October
    with pytest.raises(NotPermitted):
        sr.set_org_cadence(world.leader, centre, Cadence.WEEKLY, 1)
    with pytest.raises(ValidationFailed):
        sr.set_org_cadence(world.admin, world.traffic, Cadence.WEEKLY, 1)
    with pytest.raises(ValidationFailed):
        sr.set_level_cadence(world.admin, RegionLevel.COUNTY, Cadence.WEEKLY, 99)


def test_the_level_above_sees_the_late_rounds_below(world, db):
    below_township = set(db.session.scalars(sr.below(world.township_centre)))
    assert below_township == {world.village_committee}
    below_county = set(db.session.scalars(sr.below(world.county_centre)))
    assert world.township_centre in below_county and world.village_committee not in below_county


def test_who_files_and_what_is_refused(world, db):
    village = world.village_committee
    with pytest.raises(NotPermitted):
        _file(village, world.leader, date(2026, 11, 16))  # not its staff
    with pytest.raises(NotPermitted):
        _file(village, world.mediator2, date(2026, 11, 16))
    with pytest.raises(ValidationFailed):
        _file(village, world.director, date(2026, 11, 17))  # a Tuesday starts no week
    with pytest.raises(ValidationFailed):
        _file(village, world.director, date(2026, 11, 23))  # not begun
    with pytest.raises(ValidationFailed):
        _file(village, world.director, date(2026, 11, 16), held=date(2026, 11, 15))
    with pytest.raises(ValidationFailed):
        _file(village, world.director, date(2026, 11, 16), nil=False, summary="  ")
    # The county leader files the county centre's own rounds.
    round_ = _file(world.county_centre, world.leader, date(2026, 7, 1))
    assert round_.period_end == date(2026, 9, 30) and round_.cadence == Cadence.QUARTERLY


def test_a_finding_becomes_an_initiative_case_counted_as_found_in_screening(world, db):
    round_ = _file(
        world.village_committee, world.director, date(2026, 11, 9), nil=False, summary="排查发现"
    )
    case = sr.add_case_finding(
        round_,
        world.director,
        sr.FoundCase(
            dispute_type=DisputeType.LL,
            summary="两户因排水沟发生争执",
            applicant="王大山",
            respondent="李小河",
            risk_level=RiskLevel.ORANGE,
        ),
    )
    db.session.commit()
    assert case.source == Source.INITIATIVE and case.channel == Channel.SCREENING
    assert case.intake_org == world.village_committee
    found = db.session.scalar(
        sa.select(sa.func.count(Case.id)).where(
            case_condition(
                Measure.SCREENING_FOUND,
                Period(date(2026, 1, 1), date(2100, 1, 1)),
                local_today(),
            )
        )
    )
    assert found == 1
    # The orange colour raised a warning.
    warning = db.session.scalar(sa.select(RiskWarning).where(RiskWarning.case_id == case.id))
    assert warning.level == RiskLevel.ORANGE and warning.closed_at is None
    nil = _file(world.village_committee, world.director, date(2026, 11, 16))
    with pytest.raises(ValidationFailed):
        sr.add_case_finding(nil, world.director, sr.FoundCase(DisputeType.LL, "x", respondent="y"))


def test_a_finding_on_the_watch_list_later_becomes_a_case(world, db):
    round_ = _file(
        world.village_committee, world.mediator, date(2026, 11, 9), nil=False, summary="排查"
    )
    item = sr.add_watch_finding(
        round_,
        world.mediator,
        sr.Watched(
            description="三组十余户因土地流转费分配不满，扬言集体上访",
            risk_level=RiskLevel.RED,
            place="新民村三组",
            parties="三组村民约十五户；流转企业",
            flags=(RiskFlag.MASS_INCIDENT,),
        ),
    )
    db.session.commit()
    open_warning = db.session.scalar(
        sa.select(RiskWarning).where(RiskWarning.watch_item_id == item.id)
    )
    assert open_warning.level == RiskLevel.RED and open_warning.closed_at is None
    case = sr.watch_to_case(
        item,
        world.director,
        version=item.version,
        found=sr.FoundCase(DisputeType.SLTD, item.description, respondent="流转企业"),
    )
    db.session.commit()
    assert item.status == WatchStatus.BECAME_CASE and item.case == case
    assert case.risk_level == RiskLevel.RED and case.channel == Channel.SCREENING
    assert open_warning.closed_at is not None
    assert db.session.scalar(
        sa.select(RiskWarning).where(
            RiskWarning.case_id == case.id, RiskWarning.closed_at.is_(None)
        )
    )
    with pytest.raises(ValidationFailed):
        sr.resolve_watch(item, world.director, version=None, note="已化解")


def test_empty_database_counts_nothing(db):
    assert sr.missed_rounds([1, 2], date(2026, 1, 1), date(2026, 3, 31)) == {1: 0, 2: 0}
    assert sr.compliance([], date(2026, 1, 1), date(2026, 3, 31)) == []
    with pytest.raises(ValidationFailed):
        sr.compliance([], date(2026, 1, 1), date(2027, 6, 1))
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0
    assert OrgKind.CENTRE in sr.SCREENING_KINDS


def test_one_regular_round_per_period_and_special_rounds_on_top(world, db):
    village = world.village_committee
    _file(village, world.director, date(2026, 11, 9))
    with pytest.raises(ValidationFailed) as refused:
        _file(village, world.director, date(2026, 11, 9))  # the same form sent twice
    assert refused.value.field == "period"
    special = sr.file_round(
        village,
        world.director,
        period_start=date(2026, 11, 9),
        kind=RoundKind.SPECIAL,
        held_on=date(2026, 11, 12),
        nil_return=False,
        summary="土地流转专项排查",
        today=TODAY,
    )
    assert special.kind == RoundKind.SPECIAL
    _file(village, world.director, date(2026, 11, 16))  # the next week's regular round
