"""The statistics definitions (domain.statistics) against hand-computed figures: the Jingzhou
bulletin (802 = 525 + 276 + 1; 802 mediated; 666 successful, 83.04%; 100 confirmed), the
Huangshi report (869 = 455 + 378 + 36; 842 successful, 96.9%), the counting dates at a
period's edges, scope, and that each figure's list of cases has exactly as many cases."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from domain import statistics as st
from domain.statistics import Dimension, Filters, Level, Measure, Period
from extensions import db
from models import Case
from models.enums import Channel, ClosureReason, DisputeType, Performance, Source
from tests.ledger import at, ledger_case

WHOLE = None  # no scope: the whole database
TODAY = date(2026, 12, 6)


@pytest.fixture(params=["cases", "summary"])
def mode(request, world):
    """Count from the cases, or from the monthly summary kept current as the cases are
    written (marked complete while the database has no case yet)."""
    if request.param == "summary":
        from domain import stat_summary

        stat_summary._mark_ready(db.session.connection())
        assert stat_summary.ready()
    return request.param


def cases_listed(scope, period, filters, measure, today=TODAY) -> int:
    """How many cases the case list shows for a figure (the same conditions)."""
    stmt = sa.select(sa.func.count(Case.id)).where(
        st.case_condition(measure, period, today), *st.filter_conditions(filters)
    )
    if scope is not None:
        stmt = stmt.where(st.condition_of(scope))
    return db.session.scalar(stmt)


def assert_lists_agree(scope, breakdown, today=TODAY):
    """Every count of the total and of every row equals the number of cases listed for it."""
    for filters, figures in [(breakdown.filters, breakdown.total)] + [
        (row.filters, row.figures) for row in breakdown.rows
    ]:
        for measure in Measure:
            expected = st.count_of(figures, measure)
            got = cases_listed(scope, breakdown.period, filters, measure, today)
            assert got == expected, (measure, filters, got, expected)


# ---- Jingzhou ------------------------------------------------------------------------------

JINGZHOU = Period(date(2021, 3, 1), date(2021, 11, 30))


def spread(k: int, n: int) -> set[int]:
    """k of the indices 0..n-1, evenly spread."""
    return {i for i in range(n) if (i + 1) * k // n > i * k // n}


def build_jingzhou(world):
    """802 accepted: 525 self-accepted (500 applications, 25 on the committee's initiative),
    276 entrusted by the court, 1 from the petition office; all mediated within the period;
    666 agreements spread over the sources (100 of them confirmed by the court), 136
    failures."""
    sources = [Source.APPLICATION] * 500 + [Source.INITIATIVE] * 25
    sources += [Source.COURT] * 276 + [Source.PETITION]
    successes = spread(666, 802)
    confirmed = {sorted(successes)[j] for j in spread(100, 666)}
    assert (len(sources), len(successes), len(confirmed)) == (802, 666, 100)
    for i, source in enumerate(sources):
        day = JINGZHOU.start + timedelta(days=i % 250)
        closed = day + timedelta(days=i % 19 + 1)
        ledger_case(
            world.village,
            registered=at(day, 9),
            source=source,
            accepted=at(day, 11),
            closed=at(closed, 15),
            reason=ClosureReason.AGREEMENT_WRITTEN if i in successes else ClosureReason.FAILED,
            handling=world.village_committee,
            intake=world.county_centre,
            mediator=world.mediator,
            confirmed_on=closed + timedelta(days=10) if i in confirmed else None,
        )
    db.session.flush()


def test_jingzhou_bulletin(mode, world):
    build_jingzhou(world)
    breakdown = st.compute(WHOLE, JINGZHOU, today=TODAY)
    f = breakdown.total
    assert f.accepted == 802
    assert (f.self_accepted, f.by_source(Source.COURT), f.by_source(Source.PETITION)) == (
        525,
        276,
        1,
    )
    assert f.mediated == 802
    assert f.mediation_rate.text() == "100%"
    assert f.successful == 666
    assert f.success_rate.text() == "83.04%"
    assert f.success_rate_of_accepted.text() == "83.04%"  # 调解数 = 受理数: both agree
    assert f.confirmed == 100
    assert f.confirmation_rate.text() == "15.02%"  # 100 / 666
    assert st.Rate(f.confirmed, f.accepted, "").text() == "12.47%"  # 100 / 802
    # Source shares: 65.46% / 34.41% / 0.12%.
    assert st.format_percent(st.percent(f.self_accepted, f.accepted)) == "65.46%"
    assert f.source_share(Source.COURT).text() == "34.41%"
    assert f.source_share(Source.PETITION).text() == "0.12%"
    # The formula travels with each rate.
    assert str(f.success_rate.formula) == "successful ÷ mediated"
    assert str(f.success_rate_of_accepted.formula) == "successful ÷ accepted"
    # The day series (the dashboard's path) gives the same figures.
    [from_series], _ = st.figures_for(WHOLE, [JINGZHOU], today=TODAY)
    assert from_series == f


def test_jingzhou_by_source_lists_agree(mode, world):
    build_jingzhou(world)
    breakdown = st.compute(WHOLE, JINGZHOU, by=Dimension.SOURCE, today=TODAY)
    accepted = {row.key: row.figures.accepted for row in breakdown.rows}
    assert accepted == {
        Source.APPLICATION: 500,
        Source.INITIATIVE: 25,
        Source.COURT: 276,
        Source.PETITION: 1,
    }
    assert sum(row.figures.successful for row in breakdown.rows) == 666
    assert_lists_agree(WHOLE, breakdown)


# ---- Huangshi ------------------------------------------------------------------------------


def test_huangshi_report(mode, world):
    """Aug 2016: 869 = 主动 455 (52.4%) + 申请 378 (43.5%) + 委托移送 36 (4.1%); 842 successful,
    96.9% (printed to one decimal)."""
    month = Period.month(2016, 8)
    sources = [Source.INITIATIVE] * 455 + [Source.APPLICATION] * 378 + [Source.GOVERNMENT] * 36
    for i, source in enumerate(sources):
        day = month.start + timedelta(days=i % 31)
        ledger_case(
            world.village,
            registered=at(day, 8),
            source=source,
            accepted=at(day, 9),
            closed=at(day, 17),
            reason=ClosureReason.AGREEMENT_ORAL if i >= 27 else ClosureReason.FAILED,
            handling=world.village_committee,
            mediator=world.mediator,
        )
    db.session.flush()
    f = st.compute(WHOLE, month, today=TODAY).total
    assert (f.accepted, f.mediated, f.successful) == (869, 869, 842)
    assert f.success_rate.text(places=1) == "96.9%"
    shares = [f.source_share(s).text(places=1) for s in (Source.INITIATIVE, Source.APPLICATION)]
    assert shares == ["52.4%", "43.5%"]
    assert f.source_share(Source.GOVERNMENT).text(places=1) == "4.1%"


# ---- formatting ----------------------------------------------------------------------------


@pytest.mark.no_db
@pytest.mark.parametrize(
    ("num", "den", "places", "text"),
    [
        (666, 802, 2, "83.04%"),
        (802, 802, 2, "100%"),
        (1, 8, 2, "12.5%"),
        (1, 3, 2, "33.33%"),
        (2, 3, 2, "66.67%"),
        (1, 200, 2, "0.5%"),
        (1, 800, 2, "0.13%"),  # 0.125 rounds half up
        (0, 5, 2, "0%"),
        (3, 0, 2, "—"),
        (842, 869, 1, "96.9%"),
    ],
)
def test_percent_as_bulletins_print(num, den, places, text):
    assert st.format_percent(st.percent(num, den, places)) == text


@pytest.mark.no_db
def test_period_helpers():
    assert Period(date(2024, 2, 29), date(2024, 3, 31)).year_earlier() == Period(
        date(2023, 2, 28), date(2023, 3, 31)
    )
    assert Period.month(2026, 12) == Period(date(2026, 12, 1), date(2026, 12, 31))
    months = st.months_of(Period(date(2025, 11, 15), date(2026, 1, 10)))
    assert [(m.start, m.end) for m in months] == [
        (date(2025, 11, 15), date(2025, 11, 30)),
        (date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 1, 10)),
    ]
    with pytest.raises(ValueError, match="ends on or after"):
        Period(date(2026, 2, 1), date(2026, 1, 1))


# ---- counting dates ------------------------------------------------------------------------


def test_empty_period(mode, world):
    f = st.compute(WHOLE, Period.month(2026, 1), today=TODAY).total
    assert f == st.Figures()
    assert f.success_rate.text() == "—"
    assert f.amount == Decimal(0)


def test_counting_dates_at_the_edges_of_a_period(mode, world):
    """Accepted at 23:30 on 31 December in Beijing (15:30 UTC) counts into December; its
    mediation, ended in January, counts into January (with no acceptance there, January's
    调解率 would exceed 100%); 00:10 on 1 January in Beijing is still 31 December in UTC but
    counts into January."""
    dec, jan = Period.month(2025, 12), Period.month(2026, 1)
    crossing = ledger_case(
        world.village,
        registered=at(date(2025, 12, 31), 8),
        accepted=at(date(2025, 12, 31), 23, 30),
        closed=at(date(2026, 1, 5)),
        reason=ClosureReason.AGREEMENT_ORAL,
        handling=world.village_committee,
        mediator=world.mediator,
    )
    # Accepted at 00:10 on 1 January Beijing time = 16:10 UTC on 31 December: January's.
    early = ledger_case(
        world.village,
        registered=at(date(2025, 12, 31), 22),
        accepted=at(date(2026, 1, 1), 0, 10),
    )
    db.session.flush()
    assert early.accepted_at.astimezone(UTC).date() == date(2025, 12, 31)
    d = st.compute(WHOLE, dec, today=TODAY).total
    j = st.compute(WHOLE, jan, today=TODAY).total
    assert (d.accepted, d.mediated, d.registered) == (1, 0, 2)
    assert (j.accepted, j.mediated, j.successful) == (1, 1, 1)
    assert d.mediation_rate.text() == "0%"
    assert j.mediation_rate.text() == "100%"
    # A one-day period at each edge.
    first = st.compute(WHOLE, Period(date(2026, 1, 1), date(2026, 1, 1)), today=TODAY).total
    assert first.accepted == 1
    assert crossing.closure_reason == ClosureReason.AGREEMENT_ORAL


def test_what_counts_as_mediated(mode, world):
    """Only endings of mediation count as mediated; refusals, non-acceptance, transfers and
    merged duplicates do not, and a merged case counts nowhere."""
    day = date(2026, 3, 10)
    month = Period.month(2026, 3)
    common = {
        "registered": at(day, 8),
        "handling": world.village_committee,
        "mediator": world.mediator,
    }
    for reason in (
        ClosureReason.AGREEMENT_WRITTEN,
        ClosureReason.AGREEMENT_ORAL,
        ClosureReason.FAILED,
        ClosureReason.PARTY_WITHDREW,
        ClosureReason.UNREACHABLE,
        ClosureReason.PERIOD_EXPIRED,
        ClosureReason.REFUSED_TO_SIGN,
        ClosureReason.PARTY_REFUSED,
        ClosureReason.TRANSFERRED_OUT,
        ClosureReason.MERGED,
    ):
        ledger_case(world.village, accepted=at(day, 9), closed=at(day, 16), reason=reason, **common)
    ledger_case(world.village, closed=at(day, 16), reason=ClosureReason.NOT_ACCEPTED, **common)
    db.session.flush()
    f = st.compute(WHOLE, month, today=TODAY).total
    assert f.accepted == 9  # not the merged one, nor the one not accepted
    assert f.registered == 10  # every registration but the merged duplicate
    assert f.mediated == 7
    assert f.successful == 2
    assert f.mediation_rate.text() == "77.78%"  # 7 / 9
    assert f.success_rate.text() == "28.57%"  # 2 / 7
    assert f.success_rate_of_accepted.text() == "22.22%"  # 2 / 9
    assert_lists_agree(WHOLE, st.compute(WHOLE, month, today=TODAY))


def test_amount_performance_visits_and_confirmation(mode, world):
    month = Period.month(2026, 5)
    day = date(2026, 5, 6)
    common = {
        "registered": at(day, 8),
        "accepted": at(day, 9),
        "handling": world.village_committee,
        "mediator": world.mediator,
    }
    ledger_case(
        world.village,
        closed=at(day, 15),
        reason=ClosureReason.AGREEMENT_WRITTEN,
        amount=Decimal("0.10"),
        performance=Performance.PERFORMED,
        visit_due=date(2026, 5, 20),
        visited=at(date(2026, 5, 18)),
        confirmed_on=date(2026, 5, 25),
        **common,
    )
    ledger_case(
        world.village,
        closed=at(day, 16),
        reason=ClosureReason.AGREEMENT_ORAL,
        amount=Decimal("0.20"),
        performance=Performance.PARTLY,
        visit_due=date(2026, 5, 31),  # due, not visited
        **common,
    )
    ledger_case(
        world.village,
        closed=at(day, 17),
        reason=ClosureReason.AGREEMENT_ORAL,
        amount=Decimal("12345678.99"),
        performance=Performance.PERFORMED,
        visit_due=date(2026, 6, 5),  # due next month
        confirmed_on=date(2026, 6, 2),  # ruled next month
        **common,
    )
    ledger_case(
        world.village,
        closed=at(day, 17),
        reason=ClosureReason.FAILED,
        amount=Decimal("999"),  # no agreement: not in the agreements' amount
        **common,
    )
    db.session.flush()
    f = st.compute(WHOLE, month, today=TODAY).total
    assert f.amount == Decimal("12345679.29")  # exact, summed in cents
    assert (f.successful, f.performed) == (3, 2)
    assert f.performance_rate.text() == "66.67%"
    assert (f.visits_due, f.visited) == (2, 1)
    assert f.follow_up_rate.text() == "50%"
    assert f.confirmed == 1
    june = st.compute(WHOLE, Period.month(2026, 6), today=TODAY).total
    assert (june.confirmed, june.visits_due, june.successful) == (1, 1, 0)
    assert_lists_agree(WHOLE, st.compute(WHOLE, month, today=TODAY))


def test_visits_not_yet_due_are_not_counted(mode, world):
    """A visit due after today is not counted, unless it was already made."""
    today = date(2026, 5, 20)
    common = {
        "registered": at(date(2026, 5, 1)),
        "accepted": at(date(2026, 5, 1)),
        "closed": at(date(2026, 5, 2)),
        "reason": ClosureReason.AGREEMENT_ORAL,
        "handling": world.village_committee,
        "mediator": world.mediator,
    }
    ledger_case(world.village, visit_due=date(2026, 5, 25), **common)
    ledger_case(world.village, visit_due=date(2026, 5, 28), visited=at(date(2026, 5, 10)), **common)
    ledger_case(world.village, visit_due=date(2026, 5, 20), **common)  # due today
    db.session.flush()
    f = st.compute(WHOLE, Period.month(2026, 5), today=today).total
    assert (f.visits_due, f.visited) == (2, 1)
    assert_lists_agree(WHOLE, st.compute(WHOLE, Period.month(2026, 5), today=today), today)


def test_self_filing_and_timely_response(mode, world):
    """Online applications answered by the third working day after filing are in time
    (a Friday's by Wednesday); answers are due only once that time has run out."""
    friday = date(2026, 11, 6)
    assert st.response_deadline(friday) == date(2026, 11, 11)
    today = date(2026, 11, 30)
    online = {"channel": Channel.ONLINE, "registered": at(friday, 20)}
    ledger_case(world.village, accepted=at(date(2026, 11, 11), 17), **online)  # in time
    ledger_case(world.village, accepted=at(date(2026, 11, 12), 9), **online)  # late
    ledger_case(  # not accepted on Monday: answered in time
        world.village, closed=at(date(2026, 11, 9)), reason=ClosureReason.NOT_ACCEPTED, **online
    )
    ledger_case(world.village, **online)  # never answered: due, late
    # Filed on the 27th (Friday): its time runs to 2 December, so not yet due on the 30th...
    ledger_case(world.village, channel=Channel.ONLINE, registered=at(date(2026, 11, 27), 9))
    # ...unless it was answered already.
    ledger_case(
        world.village,
        channel=Channel.ONLINE,
        registered=at(date(2026, 11, 27), 9),
        accepted=at(date(2026, 11, 27), 14),
    )
    ledger_case(world.village, registered=at(friday, 10))  # a walk-in
    ledger_case(world.village, registered=at(friday, 11), channel=Channel.SCREENING)
    db.session.flush()
    month = Period.month(2026, 11)
    f = st.compute(WHOLE, month, today=today).total
    assert (f.registered, f.self_filed, f.screening_found) == (8, 6, 1)
    assert f.self_filing_rate.text() == "75%"
    assert (f.response_due, f.responded_in_time) == (5, 3)
    assert f.response_rate.text() == "60%"
    assert_lists_agree(WHOLE, st.compute(WHOLE, month, today=today), today)
    # The series judges each filing day against its own deadline: the same result.
    [from_series], _ = st.figures_for(WHOLE, [month], today=today)
    assert (from_series.response_due, from_series.responded_in_time) == (5, 3)
    # Once every deadline of the month has passed (the summary may then answer for it), the
    # application of the 27th left unanswered is late too.
    settled = st.compute(WHOLE, month, today=date(2026, 12, 31)).total
    assert (settled.response_due, settled.responded_in_time, settled.self_filed) == (6, 3, 6)


def test_response_deadline_skips_holidays(world):
    """Filed on 30 September 2026: National Day's holidays run to 7 October."""
    assert st.response_deadline(date(2026, 9, 30)) > date(2026, 10, 7)


# ---- scope and breakdowns ------------------------------------------------------------------


def mixed_world(world):
    """A few cases of every source, type, level and place in both counties, one month."""
    day = date(2026, 4, 8)
    rows = [
        (world.village, world.village_committee, world.mediator, Source.APPLICATION, "LL"),
        (world.village, world.village_committee, world.mediator_b, Source.COURT, "HYJT"),
        (world.village2, world.township_centre, None, Source.POLICE, "LL"),
        (world.village, world.traffic, None, Source.APPLICATION, "DLJT"),
        (world.village, None, None, Source.PETITION, "QT"),  # accepted, not dispatched
        (world.village3, world.village3_committee, world.mediator2, Source.INITIATIVE, "HT"),
        (world.village3, world.county2_centre, None, Source.GOVERNMENT, "LL"),
    ]
    for i, (place, org, mediator, source, dtype) in enumerate(rows):
        success = i % 2 == 0
        ledger_case(
            place,
            registered=at(day, 8),
            accepted=at(day, 9),
            closed=at(day + timedelta(days=3)) if org else None,
            reason=(ClosureReason.AGREEMENT_ORAL if success else ClosureReason.FAILED)
            if org
            else None,
            source=source,
            dtype=DisputeType(dtype),
            handling=org,
            intake=world.county_centre if place.code.startswith("421022") else world.county2_centre,
            mediator=mediator or world.mediator,
            amount=Decimal(100 * (i + 1)),
        )
    db.session.flush()
    return Period.month(2026, 4)


@pytest.mark.parametrize("dimension", list(Dimension))
def test_every_breakdown_sums_to_the_total_and_lists_agree(mode, world, dimension):
    month = mixed_world(world)
    whole = st.compute(WHOLE, month, today=TODAY)
    breakdown = st.compute(WHOLE, month, by=dimension, today=TODAY)
    assert breakdown.total == whole.total
    summed = st.Figures()
    for row in breakdown.rows:
        summed = summed + row.figures
    assert summed == whole.total
    assert_lists_agree(WHOLE, breakdown)


def test_breakdown_by_level_and_region(mode, world):
    month = mixed_world(world)
    levels = st.compute(WHOLE, month, by=Dimension.LEVEL, today=TODAY)
    accepted = {row.key: row.figures.accepted for row in levels.rows}
    # Village committees 3; the township centre 1; county level: 公安县's centre (the case
    # waiting at its desk) and 松滋市's centre; the traffic committee.
    assert accepted == {Level.COUNTY: 2, Level.TOWNSHIP: 1, Level.VILLAGE: 3, Level.INDUSTRY: 1}
    county = st.compute(WHOLE, month, by=Dimension.REGION, region_depth=6, today=TODAY)
    assert {row.label: row.figures.accepted for row in county.rows} == {"公安县": 5, "松滋市": 2}
    townships = st.compute(
        WHOLE, month, Filters(region="421022"), by=Dimension.REGION, region_depth=9, today=TODAY
    )
    assert {row.label: row.figures.accepted for row in townships.rows} == {"埠河镇": 5}
    assert_lists_agree(WHOLE, townships)


def test_breakdown_by_mediator_and_organisation(mode, world):
    month = mixed_world(world)
    mediators = st.compute(WHOLE, month, by=Dimension.MEDIATOR, today=TODAY)
    by_name = {row.label: row.figures.accepted for row in mediators.rows}
    assert by_name == {"张调解": 5, "赵调解": 1, "陈调解": 1}
    orgs = st.compute(WHOLE, month, by=Dimension.ORGANISATION, today=TODAY)
    rates = {row.label: row.figures.success_rate.text() for row in orgs.rows}
    assert rates["新民村人民调解委员会"] == "50%"  # 1 of 2
    assert rates["公安县矛盾纠纷调处中心"] == "—"  # waiting at its desk: nothing mediated


def test_scope_keeps_to_the_viewers_area(mode, world):
    month = mixed_world(world)
    gongan = st.compute(st.scope_of(world.leader), month, today=TODAY).total
    songzi = st.compute(st.scope_of(world.leader2), month, today=TODAY).total
    city = st.compute(st.scope_of(world.admin), month, today=TODAY).total
    assert (gongan.accepted, songzi.accepted, city.accepted) == (5, 2, 7)
    director = st.compute(st.scope_of(world.director), month, today=TODAY).total
    assert director.accepted == 2  # the village committee's own cases
    breakdown = st.compute(st.scope_of(world.leader2), month, by=Dimension.TYPE, today=TODAY)
    assert {row.key for row in breakdown.rows} == {DisputeType.HT, DisputeType.LL}
    assert_lists_agree(st.scope_of(world.leader2), breakdown)


def test_filters_narrow_every_family(mode, world):
    month = mixed_world(world)
    f = st.compute(
        WHOLE, month, Filters(dispute_type=DisputeType.LL, source=Source.APPLICATION), today=TODAY
    ).total
    assert (f.accepted, f.mediated, f.successful) == (1, 1, 1)
    level = st.compute(WHOLE, month, Filters(level=Level.VILLAGE), today=TODAY).total
    assert level.accepted == 3
    none = st.compute(WHOLE, month, Filters(organisation_id=2**31 - 1), today=TODAY).total
    assert none == st.Figures()


def test_series_matches_period_queries(mode, world):
    """The dashboard's one-pass series gives each period the figures compute() gives it."""
    mixed_world(world)
    build_jingzhou(world)
    periods = [
        Period.month(2026, 4),
        Period(date(2026, 4, 1), date(2026, 4, 9)),
        Period(date(2021, 1, 1), date(2026, 12, 31)),
        JINGZHOU,
    ]
    got, days = st.figures_for(WHOLE, periods, today=TODAY)
    for period, figures in zip(periods, got, strict=True):
        assert figures == st.compute(WHOLE, period, today=TODAY).total, period
    assert days.figures(Period.month(2026, 4)).accepted == 7


def test_screening_counts_of_the_area_by_the_day_held(world):
    """排查次数: rounds held in the period by the area's organisations, nil returns among them;
    none for a filter rounds do not have (a type), none outside the area."""
    from domain import screening_rounds as sr
    from models.prevention import RoundKind

    def filed(start, held, nil=True):
        sr.file_round(
            world.village_committee,
            world.director,
            period_start=start,
            kind=RoundKind.REGULAR,
            held_on=held,
            nil_return=nil,
            summary=None if nil else "发现一起土地纠纷",
            today=date(2026, 5, 10),
        )

    filed(date(2026, 3, 30), date(2026, 4, 3))
    filed(date(2026, 4, 6), date(2026, 4, 8), nil=False)
    filed(date(2026, 4, 27), date(2026, 5, 1))  # held in May
    db.session.commit()
    april = Period.month(2026, 4)
    counts = st.prevention_counts(WHOLE, april)
    assert (counts.screening_rounds, counts.nil_returns, counts.watch_items) == (2, 1, 0)
    assert st.prevention_counts(st.scope_of(world.leader), april).screening_rounds == 2
    assert st.prevention_counts(st.scope_of(world.leader2), april).screening_rounds == 0
    assert st.prevention_counts(st.scope_of(world.director), april).screening_rounds == 2
    assert st.prevention_counts(st.scope_of(world.mediator2), april).screening_rounds == 0
    assert st.prevention_counts(WHOLE, april, st.Filters(dispute_type=DisputeType.LL)) is None
    assert (
        st.prevention_counts(WHOLE, april, st.Filters(region=world.county2.code)).screening_rounds
        == 0
    )


def test_deadlines_of_a_period_agree_with_the_clock(world):
    """The per-period table of answer deadlines is the calendar's own count, day by day,
    across National Day and the Spring Festival."""
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    table = st._deadlines(period)
    assert len(table) == 365
    assert all(table[d] == st.response_deadline(d) for d in period.days())


def test_long_and_distant_periods_do_not_fail(world):
    """Ten years, or a day in 1900 or 2100: more filing days than a statement has
    parameters, dates far from any case."""
    for period in (
        Period(date(2016, 1, 1), date(2025, 12, 31)),
        Period(date(1900, 1, 1), date(1900, 1, 1)),
        Period(date(2100, 12, 31), date(2100, 12, 31)),
    ):
        f = st.compute(WHOLE, period, today=TODAY).total
        assert f.response_due == 0
        both, _ = st.figures_for(WHOLE, [period, period.year_earlier()], today=TODAY)
        assert both[0] == f


def test_each_case_counts_once_on_its_latest_visit_and_first_ruling(mode, world):
    """A re-mediated agreement's new visit replaces the earlier one; a case confirmed twice
    counts on the first ruling: one counting date per case, so months add up."""
    from models import FollowUp, JudicialConfirmation
    from models.enums import Ruling

    case = ledger_case(
        world.village,
        registered=at(date(2026, 4, 20)),
        accepted=at(date(2026, 4, 20)),
        closed=at(date(2026, 4, 25)),
        reason=ClosureReason.AGREEMENT_WRITTEN,
        handling=world.village_committee,
        mediator=world.mediator,
        visit_due=date(2026, 5, 10),
        visited=at(date(2026, 5, 8)),
        confirmed_on=date(2026, 5, 5),
    )
    db.session.flush()
    case.follow_ups.append(FollowUp(due_on=date(2026, 6, 10), reason="agreement"))
    case.confirmations.append(
        JudicialConfirmation(
            court="公安县人民法院",
            applied_on=date(2026, 6, 1),
            ruling=Ruling.CONFIRMED,
            ruled_on=date(2026, 6, 7),
            recorded_by_id=world.mediator.id,
        )
    )
    db.session.flush()
    may = st.compute(WHOLE, Period.month(2026, 5), today=TODAY).total
    june = st.compute(WHOLE, Period.month(2026, 6), today=TODAY).total
    both = st.compute(WHOLE, Period(date(2026, 5, 1), date(2026, 6, 30)), today=TODAY).total
    assert (may.visits_due, may.visited, may.confirmed) == (0, 0, 1)
    assert (june.visits_due, june.visited, june.confirmed) == (1, 0, 0)
    assert (both.visits_due, both.visited, both.confirmed) == (1, 0, 1)
    assert_lists_agree(WHOLE, st.compute(WHOLE, Period.month(2026, 6), today=TODAY))
