"""Subsidy rates (domain.subsidies): the precedence of rates, what a case earns by its ending,
the difficulty read from the risk level, the SQL and its Python twin agreeing case by case, and
saving rates (one per combination, amounts exact, only the city administrator)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from domain import subsidies
from domain.errors import NotPermitted, ValidationFailed
from domain.subsidies import RateData, difficulty_of, earns, rate_for
from extensions import db
from models import Case, SubsidyRate
from models.enums import ClosureReason, DisputeType, RiskLevel, Role, Source
from models.subsidy import Difficulty
from tests.factories import user
from tests.ledger import at, ledger_case

P, A, C = Source.PETITION, Source.APPLICATION, Source.COURT
LAND, LL = DisputeType.SLTD, DisputeType.LL
ORD, DIF, MAJ = Difficulty.ORDINARY, Difficulty.DIFFICULT, Difficulty.MAJOR


def rate(cents, source=None, dtype=None, difficulty=None, any_outcome=False, id_=None):
    return SubsidyRate(
        id=id_,
        source=source,
        dispute_type=dtype,
        difficulty=difficulty,
        amount_cents=cents,
        any_outcome=any_outcome,
    )


def rates():
    return [
        rate(20_000, id_=1),  # every case
        rate(100_000, P, any_outcome=True, id_=2),  # a petition backlog case: 1,000
        rate(30_000, dtype=LAND, id_=3),
        rate(60_000, difficulty=MAJ, id_=4),
        rate(150_000, P, difficulty=MAJ, id_=5),
        rate(80_000, dtype=LAND, difficulty=MAJ, id_=6),
        rate(40_000, C, LL, DIF, id_=7),
    ]


@pytest.mark.parametrize(
    ("source", "dtype", "difficulty", "expected"),
    [
        (A, LL, ORD, 1),  # nothing more specific: the rate for every case
        (P, LL, ORD, 2),  # the source
        (A, LAND, ORD, 3),  # the type
        (A, LL, MAJ, 4),  # the difficulty
        (P, LAND, ORD, 2),  # one named each: the source before the type
        (A, LAND, MAJ, 6),  # two named before one
        (P, LL, MAJ, 5),  # two named (source, difficulty) before one (source; difficulty)
        (P, LAND, MAJ, 5),  # two and two: the one naming the source
        (C, LL, DIF, 7),  # all three named
        (C, LL, ORD, 1),  # a part of the three-named rate matching is no match
    ],
)
def test_precedence(source, dtype, difficulty, expected):
    assert rate_for(rates(), source, dtype, difficulty).id == expected


def test_precedence_type_before_difficulty():
    both = [rate(30_000, dtype=LAND, id_=1), rate(60_000, difficulty=MAJ, id_=2)]
    assert rate_for(both, A, LAND, MAJ).id == 1
    assert rate_for(both, A, LL, MAJ).id == 2
    assert rate_for(both, A, LL, ORD) is None  # no rate for every case: none


def test_precedence_order_whatever_the_order_entered():
    for order in itertools.permutations(rates()[:4]):
        assert [r.id for r in subsidies.in_precedence(order)] == [2, 3, 4, 1]


def test_what_a_case_earns():
    petition, every = rates()[1], rates()[0]
    assert earns(every, ClosureReason.AGREEMENT_WRITTEN) == 20_000
    assert earns(every, ClosureReason.AGREEMENT_ORAL) == 20_000
    assert earns(every, ClosureReason.FAILED) == 0  # only agreements, unless the rate says
    assert earns(petition, ClosureReason.FAILED) == 100_000  # any outcome
    assert earns(None, ClosureReason.AGREEMENT_WRITTEN) == 0
    # The most specific rate decides: a failed major petition case gets the rate for major
    # petition cases (agreements only), not the broader petition rate paying any outcome.
    chosen = rate_for(rates(), P, LL, MAJ)
    assert chosen.id == 5 and earns(chosen, ClosureReason.FAILED) == 0


def test_difficulty_from_risk_level():
    assert difficulty_of(RiskLevel.RED) == MAJ
    assert difficulty_of(RiskLevel.ORANGE) == DIF
    for risk in (RiskLevel.NONE, RiskLevel.BLUE, RiskLevel.YELLOW, None):
        assert difficulty_of(risk) == ORD


def test_sql_agrees_with_python(world):
    """Every combination of source, type, risk and ending: the SQL picks the rate and the
    amount the Python twin picks."""
    saved = rates()
    for r in saved:
        r.id = None
    db.session.add_all(saved)
    cases = []
    for source, dtype, risk, reason in itertools.product(
        (A, P, C),
        (LL, LAND),
        (RiskLevel.NONE, RiskLevel.YELLOW, RiskLevel.ORANGE, RiskLevel.RED),
        (ClosureReason.AGREEMENT_WRITTEN, ClosureReason.FAILED),
    ):
        case = ledger_case(
            world.village,
            registered=at(date(2026, 3, 1)),
            accepted=at(date(2026, 3, 1)),
            closed=at(date(2026, 3, 9)),
            reason=reason,
            source=source,
            dtype=dtype,
            mediator=world.mediator,
        )
        case.risk_level = risk
        cases.append(case)
    db.session.flush()
    stored = subsidies.all_rates()
    got = dict(
        (i, (rate_id, cents, difficulty))
        for i, rate_id, cents, difficulty in db.session.execute(
            sa.select(
                Case.id,
                subsidies.rate_id_expression(stored),
                subsidies.cents_expression(stored),
                subsidies.difficulty_expression(),
            )
        )
    )
    for case in cases:
        difficulty = difficulty_of(case.risk_level)
        chosen = rate_for(stored, case.source, case.dispute_type, difficulty)
        assert got[case.id] == (chosen.id, earns(chosen, case.closure_reason), difficulty.value)
        condition = subsidies.difficulty_condition(difficulty)
        assert db.session.scalar(sa.select(Case.id).where(Case.id == case.id, condition))


def test_no_rates():
    assert rate_for([], A, LL, ORD) is None


# ---- saving -------------------------------------------------------------------------------


def test_save_rate_exact_amounts(world):
    saved = subsidies.save_rate(world.admin, None, RateData(P, None, None, Decimal("1000.10")))
    assert saved.amount_cents == 100_010 and saved.amount == Decimal("1000.10")
    changed = subsidies.save_rate(world.admin, saved, RateData(P, LAND, MAJ, Decimal("0.01"), True))
    assert (changed.amount_cents, changed.any_outcome, changed.difficulty) == (1, True, MAJ)


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        (None, "amount"),
        (Decimal("-1"), "amount"),
        (Decimal("100000.01"), "amount"),
        (Decimal("1.005"), "amount"),
        (Decimal("NaN"), "amount"),
        (Decimal("Infinity"), "amount"),
    ],
)
def test_save_rate_refuses_bad_amounts(world, amount, field):
    with pytest.raises(ValidationFailed) as raised:
        subsidies.save_rate(world.admin, None, RateData(None, None, None, amount))
    assert raised.value.field == field


def test_one_rate_per_combination(world):
    subsidies.save_rate(world.admin, None, RateData(None, None, None, Decimal("200")))
    with pytest.raises(ValidationFailed):  # the rate for every case, twice (NULLs)
        subsidies.save_rate(world.admin, None, RateData(None, None, None, Decimal("300")))
    subsidies.save_rate(world.admin, None, RateData(P, None, MAJ, Decimal("1500")))
    with pytest.raises(ValidationFailed):
        subsidies.save_rate(world.admin, None, RateData(P, None, MAJ, Decimal("1")))
    other = subsidies.save_rate(world.admin, None, RateData(P, None, None, Decimal("1000")))
    with pytest.raises(ValidationFailed):  # changed into an existing combination
        subsidies.save_rate(world.admin, other, RateData(P, None, MAJ, Decimal("1")))
    # changing a rate keeps its own combination
    subsidies.save_rate(world.admin, other, RateData(P, None, None, Decimal("1200")))


def test_only_the_city_administrator_changes_rates(world):
    county_admin = user("admin_county", Role.ADMIN, world.county_centre, "县管理员")
    db.session.flush()
    data = RateData(None, None, None, Decimal("200"))
    for who in (county_admin, world.leader, world.director):
        with pytest.raises(NotPermitted):
            subsidies.save_rate(who, None, data)
    saved = subsidies.save_rate(world.admin, None, data)
    with pytest.raises(NotPermitted):
        subsidies.delete_rate(county_admin, saved)
    subsidies.delete_rate(world.admin, saved)
    assert subsidies.all_rates() == []
