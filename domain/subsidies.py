"""Per-case subsidies (以案定补): what a mediator earns for the cases they presided over.

Rates (models.SubsidyRate) name an amount per case for a source, a dispute type and a
difficulty, each of which may be left open ("any"). A case gets the most specific rate that
matches it:

1. the rate naming more of the three wins (source, type and difficulty before two of them,
   two before one, one before none: a rate for every case);
2. between rates naming as many, the one naming the source wins, then the one naming the
   dispute type (the bureaus' schemes pay chiefly by where the case came from: a petition
   backlog case, a court's entrusted case; then by the kind of dispute).

So a petition case about land gets the rate "petition, land" before "petition", and
"petition" before "land"; "petition, major" before "land, major". Two rates never tie: one
rate per combination (save_rate refuses a second).

The chosen rate pays when the case's mediation ended in the period (调解数: an agreement, a
failure, or another ending of mediation) with an agreement, or with any of those endings when
the rate says "any outcome". The rate chosen decides: a case whose most specific rate pays
agreements only earns nothing when it failed, even if a broader rate pays any outcome. The
subsidy goes to the case's presiding mediator; a case without one earns nothing.

The difficulty is not recorded on a case: it is read from the risk level the staff assess
(domain.risk): red (major, report at once) is major, orange (may escalate) difficult, any
other ordinary. This keeps one assessment per case instead of a second grade to keep in step.

The subsidy of each case is computed in SQL (one CASE over the rates in precedence order), so
the per-mediator sums are one aggregate query and the finance office's list of cases is
selected by the same expression: the sums and the list always agree. Rates are read when
counted: a changed rate changes the subsidies of every period shown afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain.errors import NotPermitted, ValidationFailed
from domain.ids import is_row_id
from domain.time_limits import may_set_global
from extensions import db
from models import Case, SubsidyRate, User
from models.enums import ClosureReason, DisputeType, RiskLevel, Role, Source
from models.subsidy import Difficulty

# The largest amount per case an administrator may enter (yuan).
MAX_AMOUNT = Decimal("100000")

SUCCESS_REASONS = (ClosureReason.AGREEMENT_WRITTEN, ClosureReason.AGREEMENT_ORAL)

DIFFICULTY_OF_RISK = {
    RiskLevel.RED: Difficulty.MAJOR,
    RiskLevel.ORANGE: Difficulty.DIFFICULT,
}


def difficulty_of(risk: RiskLevel | None) -> Difficulty:
    """A case's difficulty from its risk level (the module's docstring)."""
    return DIFFICULTY_OF_RISK.get(risk, Difficulty.ORDINARY)


def difficulty_condition(difficulty: Difficulty) -> sa.ColumnElement[bool]:
    """SQL twin of difficulty_of: the cases of `difficulty`."""
    risks = sorted(r for r, d in DIFFICULTY_OF_RISK.items() if d == difficulty)
    if difficulty == Difficulty.ORDINARY:
        return sa.or_(Case.risk_level.is_(None), Case.risk_level.not_in(list(DIFFICULTY_OF_RISK)))
    return Case.risk_level.in_(risks)


def difficulty_expression() -> sa.ColumnElement:
    """SQL: a case's difficulty as its stored value."""
    return sa.case(
        *((Case.risk_level == risk, difficulty.value) for risk, difficulty in
          DIFFICULTY_OF_RISK.items()),
        else_=Difficulty.ORDINARY.value,
    )  # fmt: skip


# ---- precedence ---------------------------------------------------------------------------


def precedence(rate: SubsidyRate) -> tuple[int, int, int, int]:
    """Higher is more specific (the module's docstring): how many of the three it names, then
    whether it names the source, the type, the difficulty."""
    named = (rate.source is not None, rate.dispute_type is not None, rate.difficulty is not None)
    return (sum(named), *(int(n) for n in named))


def in_precedence(rates) -> list[SubsidyRate]:
    """The rates, the most specific first (the order a case tries them in)."""
    return sorted(rates, key=lambda r: (precedence(r), -r.id), reverse=True)


def matches(rate: SubsidyRate, source: Source, dtype: DisputeType, difficulty: Difficulty) -> bool:
    return (
        (rate.source is None or rate.source == source)
        and (rate.dispute_type is None or rate.dispute_type == dtype)
        and (rate.difficulty is None or rate.difficulty == difficulty)
    )


def rate_for(rates, source: Source, dtype: DisputeType, difficulty: Difficulty):
    """The rate a case of this source, type and difficulty gets, or None (Python twin of the
    SQL of rate_id_expression)."""
    return next((r for r in in_precedence(rates) if matches(r, source, dtype, difficulty)), None)


def earns(rate: SubsidyRate | None, reason: ClosureReason | None) -> int:
    """The cents a case ended with `reason` earns under `rate` (its rate_for)."""
    if rate is None:
        return 0
    return rate.amount_cents if rate.any_outcome or reason in SUCCESS_REASONS else 0


def _match_condition(rate: SubsidyRate) -> sa.ColumnElement[bool]:
    parts = []
    if rate.source is not None:
        parts.append(Case.source == rate.source)
    if rate.dispute_type is not None:
        parts.append(Case.dispute_type == rate.dispute_type)
    if rate.difficulty is not None:
        parts.append(difficulty_condition(rate.difficulty))
    return sa.and_(sa.true(), *parts)


def rate_id_expression(rates) -> sa.ColumnElement:
    """SQL: the id of the rate a case gets (NULL: none), trying the rates in precedence."""
    ordered = in_precedence(rates)
    if not ordered:
        return sa.null()
    return sa.case(*((_match_condition(r), sa.literal(r.id)) for r in ordered), else_=sa.null())


def cents_expression(rates) -> sa.ColumnElement:
    """SQL: the cents a case earns (0: none), by the rate it gets and how it ended."""
    ordered = in_precedence(rates)
    if not ordered:
        return sa.literal(0)
    success = Case.closure_reason.in_(SUCCESS_REASONS)

    def pays(rate: SubsidyRate):
        cents = sa.literal(int(rate.amount_cents))
        return cents if rate.any_outcome else sa.case((success, cents), else_=sa.literal(0))

    return sa.case(*((_match_condition(r), pays(r)) for r in ordered), else_=sa.literal(0))


def all_rates() -> list[SubsidyRate]:
    """Every rate, the most specific first."""
    return in_precedence(db.session.scalars(sa.select(SubsidyRate)).all())


# ---- the rule in words ----------------------------------------------------------------------


def rule_text():  # noqa: ANN201 - a LazyString
    """The rule, for the page and the header of the finance office's file."""
    return _l(
        "A case whose mediation ended in the period earns the amount of the most specific rate "
        "matching its source, dispute type and difficulty (a rate naming more of them first; "
        "then the one naming the source, then the type), paid to its presiding mediator, when "
        "it ended with an agreement, or with any ending of mediation if the rate says so. "
        "Difficulty follows the risk level: red is major, orange difficult, any other "
        "ordinary."
    )


def describe(rate: SubsidyRate) -> str:
    """A rate in words: "Petition office transfer · any type · Major"."""
    return " · ".join(
        str(label)
        for label in (
            rate.source.label if rate.source else _l("any source"),
            rate.dispute_type.label if rate.dispute_type else _l("any type"),
            rate.difficulty.label if rate.difficulty else _l("any difficulty"),
        )
    )


# ---- administration -------------------------------------------------------------------------


@dataclass(frozen=True)
class RateData:
    source: Source | None
    dispute_type: DisputeType | None
    difficulty: Difficulty | None
    amount: Decimal | None
    any_outcome: bool = False


def may_change(user: User) -> bool:
    """The rates hold for every case of the portal: only an administrator of the top-level
    region (the city) sets them; other administrators see them."""
    return user.role == Role.ADMIN and user.active and may_set_global(user)


def get_rate(rate_id) -> SubsidyRate | None:
    if not is_row_id(rate_id):
        return None
    return db.session.get(SubsidyRate, rate_id)


def to_cents(amount: Decimal) -> int:
    """Yuan to whole cents; more than two decimals is refused by save_rate."""
    return int((amount * 100).to_integral_exact())


def save_rate(user: User, rate: SubsidyRate | None, data: RateData) -> SubsidyRate:
    """Create (rate=None) or change a rate. One rate per (source, type, difficulty).

    Raises NotPermitted, ValidationFailed (fields amount, difficulty)."""
    if not may_change(user):
        raise NotPermitted()
    amount = data.amount
    if amount is None or not amount.is_finite():
        raise ValidationFailed(_l("Enter the amount in yuan."), field="amount")
    if amount < 0 or amount > MAX_AMOUNT:
        raise ValidationFailed(
            _l("Enter an amount from 0 to %(most)s yuan.", most=f"{MAX_AMOUNT:,}"), field="amount"
        )
    if (amount * 100) != (amount * 100).to_integral_value():
        raise ValidationFailed(_l("Enter the amount in yuan and fen (two decimals at most)."),
                               field="amount")  # fmt: skip

    def same(column, value):
        return column.is_(None) if value is None else column == value

    clash = db.session.scalar(
        sa.select(SubsidyRate.id).where(
            same(SubsidyRate.source, data.source),
            same(SubsidyRate.dispute_type, data.dispute_type),
            same(SubsidyRate.difficulty, data.difficulty),
            SubsidyRate.id != (rate.id if rate is not None else -1),
        )
    )
    if clash is not None:
        raise ValidationFailed(
            _l("A rate for this source, type and difficulty already exists: change that one."),
            field="difficulty",
        )
    if rate is None:
        rate = SubsidyRate()
        db.session.add(rate)
    rate.source, rate.dispute_type, rate.difficulty = (
        data.source,
        data.dispute_type,
        data.difficulty,
    )
    rate.amount_cents = to_cents(amount)
    rate.any_outcome = bool(data.any_outcome)
    db.session.flush()
    return rate


def delete_rate(user: User, rate: SubsidyRate) -> None:
    """Raises NotPermitted."""
    if not may_change(user):
        raise NotPermitted()
    db.session.delete(rate)
    db.session.flush()
