"""The monthly summary of the statistics (domain.stat_summary) stays equal to a sum of every
case while cases go through the real workflow (intake, acceptance, dispatch, outcomes,
corrections, performance, merges), and the figures read from it equal the figures counted
from the cases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from domain import stat_summary
from domain import statistics as st
from domain.calendar import local_today
from domain.corrections import DisputeCorrection, correct_dispute
from extensions import db
from models import StatMonth
from models.enums import ClosureReason, DisputeType, Performance, Source
from models.states import CaseState
from tests.ledger import at, ledger_case


def rows() -> dict[tuple, tuple]:
    """The summary's rows with a count (the mark aside)."""
    t = StatMonth.__table__
    out = {}
    for r in db.session.execute(sa.select(t).where(t.c.family != stat_summary.READY)):
        values = (r.n1, r.n2, r.n3, r.n4, r.cents)
        if any(values):
            out[(r.family, r.month, r.org_id, r.region, r.dispute_type, r.source)] = values
    return out


def assert_equal_to_a_rebuild():
    db.session.flush()
    kept = rows()
    stat_summary.rebuild()
    assert kept == rows()
    assert stat_summary.ready()


def test_kept_current_through_the_workflow(world):
    for state in (
        CaseState.REGISTERED,
        CaseState.NOT_ACCEPTED,
        CaseState.ACCEPTED,
        CaseState.DISPATCHED,
        CaseState.MEDIATING,
        CaseState.REFUSED,
        CaseState.TERMINATED,
        CaseState.AGREED,
        CaseState.FAILED,
        CaseState.ARCHIVED,
        CaseState.MERGED,
    ):
        world.case(state, dtype=DisputeType.HT if state == CaseState.AGREED else DisputeType.LL)
    world.case(CaseState.MEDIATING, village=world.village3, online=False)
    assert rows()  # the hooks wrote as the cases went along
    assert_equal_to_a_rebuild()


def test_kept_current_through_corrections_and_performance(world, db):
    from domain.agreements import record_performance

    agreed = world.case(CaseState.AGREED, oral=True)
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    stat_summary.rebuild()
    db.session.commit()
    # Another type and place, an amount: the case moves between summary rows.
    correct_dispute(
        other,
        world.mediator,
        version=None,
        data=DisputeCorrection(
            summary="改正后的案情",
            dispute_type=DisputeType.SHPC,
            region=world.village2,
            amount=Decimal("1234.56"),
        ),
        reason="登记有误",
    )
    record_performance(agreed, world.mediator, version=None, term=1, status=Performance.PERFORMED)
    # Another presiding mediator: the case's rows move to them.
    from domain.dispatch import assign_mediator

    assign_mediator(other, world.mediator_b, world.director, version=None)
    assert_equal_to_a_rebuild()
    by_mediator = st.compute(
        None,
        st.Period(date(2000, 1, 1), local_today()),
        by=st.Dimension.MEDIATOR,
        today=local_today() + timedelta(days=60),
    )
    assert {row.label: row.figures.registered for row in by_mediator.rows} == {
        "张调解": 1,
        "赵调解": 1,
    }
    db.session.rollback()  # a rollback takes the summary's changes back with the rest
    assert_equal_to_a_rebuild()


def test_bulk_inserted_cases_are_added(world):
    """Rows written around the unit of work are summed in with add_cases()."""
    from models import Case

    day = date(2026, 3, 3)
    stat_summary.rebuild()
    ids = []
    for i in range(3):
        values = {
            "number": f"2026-421022-9{i:05d}",
            "query_code_hash": "x",
            "state": CaseState.FAILED,
            "source": Source.COURT,
            "channel": "referral",
            "dispute_type": DisputeType.LL,
            "summary": "批量",
            "region_id": world.village.id,
            "region_code": world.village.code,
            "intake_org_id": world.county_centre.id,
            "handling_org_id": world.village_committee.id,
            "created_at": at(day),
            "accepted_at": at(day, 11),
            "closed_at": at(day + timedelta(days=3)),
            "closure_reason": ClosureReason.FAILED,
        }
        ids.append(db.session.scalar(sa.insert(Case).returning(Case.id), values))
    stat_summary.add_cases(ids)
    assert_equal_to_a_rebuild()
    figures = st.compute(None, st.Period.month(2026, 3), today=date(2026, 12, 6)).total
    assert (figures.accepted, figures.mediated) == (3, 3)


def test_figures_read_the_summary_for_settled_months(world, count_queries):
    """A settled whole month comes from the summary; the days of an unsettled month from
    the cases; both give the same figures."""
    ledger_case(
        world.village,
        registered=at(date(2026, 3, 2)),
        accepted=at(date(2026, 3, 2), 11),
        closed=at(date(2026, 3, 20)),
        reason=ClosureReason.AGREEMENT_ORAL,
        handling=world.village_committee,
        mediator=world.mediator,
    )
    db.session.flush()
    period = st.Period(date(2026, 1, 1), date(2026, 12, 6))
    direct = st.compute(None, period, today=date(2026, 12, 6)).total
    stat_summary.rebuild()
    with count_queries() as statements:
        summed = st.compute(None, period, today=date(2026, 12, 6)).total
    assert summed == direct
    assert any("stat_month" in s for s in statements)
    # A leader's scope and a township filter are answered from it too; a village is not.
    leader = st.scope_of(world.leader)
    assert leader.region == world.county.code
    with count_queries() as statements:
        st.compute(leader, period, st.Filters(region=world.township.code), today=local_today())
    assert any("stat_month" in s for s in statements)
    with count_queries() as statements:
        st.compute(None, period, st.Filters(region=world.village.code), today=local_today())
    assert not any("stat_month" in s for s in statements)


def test_several_breakdowns_at_once_from_the_summary(world):
    """The dashboard's breakdowns read together (on PostgreSQL in one pass of grouping sets)
    equal each breakdown read alone, and the figures counted from the cases."""
    from tests.domain.test_statistics import mixed_world

    month = mixed_world(world)
    today = date(2026, 12, 6)
    dims = (
        st.Dimension.TYPE,
        st.Dimension.SOURCE,
        st.Dimension.ORGANISATION,
        st.Dimension.REGION,
        st.Dimension.LEVEL,
    )

    def table(breakdown):
        return {row.key: row.figures for row in breakdown.rows}, breakdown.total

    direct = {d: table(st.compute(None, month, by=d, today=today, region_depth=6)) for d in dims}
    stat_summary.rebuild()
    together = st.compute_many(
        None, month, st.Filters(), dims, today=today, region_depth=6, families=("accepted",
        "closed")
    )  # fmt: skip
    for d in dims:
        rows_, total = table(together[d])
        expected_rows, expected_total = direct[d]
        assert {k: (f.accepted, f.mediated, f.successful) for k, f in rows_.items()} == {
            k: (f.accepted, f.mediated, f.successful) for k, f in expected_rows.items()
        }, d
        assert (total.accepted, total.mediated) == (
            expected_total.accepted,
            expected_total.mediated,
        )
