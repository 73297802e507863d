"""Mediator evaluation: per presiding mediator and period, the cases they handled and how, and
the per-case subsidy they earned (以案定补, domain.subsidies).

- handled (调解数): presided, mediation ended in the period (the statistics' 调解数);
- successful: of those, ended by an agreement (successful ÷ handled);
- on time: of those with a deadline, not overdue on the day mediation ended (ended by the
  deadline ÷ handled with a deadline);
- file complete: presided, archived in the period, the 卷宗 holding every required document
  (archived with every required document ÷ archived);
- follow-up: presided, latest visit due in the period (the statistics' 回访率: visited ÷ due);
- subsidy: the handled cases earning an amount under the rates (how many, and the sum).

- A case counts for its presiding mediator now (the active presiding CaseMediator), as the
  statistics' breakdown by mediator does, so the figures and the case list agree; a case
  without one counts for nobody (the page says how many).
- On time is the clocks' one overdue rule read on the day mediation ended
  (domain.clocks.overdue_when_ended_condition): the deadline already counts extensions and
  the days suspended; a case ended while suspended was not late. Cases without a deadline
  (an old ledger's) count in neither part.
- File complete: what the case file requires is domain.documents.mandatory (the national 必须
  items, signed where a signature is needed), and the archive step refuses a file that lacks
  any (domain.closing.archive_gaps); when it passes it assembles the 卷宗 as one bundle
  (a COVER version with subject -1). So an archived case is complete exactly when that bundle
  exists: a case marked archived without it (archived by other means, or before bundles were
  made) counts as incomplete. Through the portal's own archiving every file is complete;
  the figure shows that it stays so. Counted by the day of archiving (Case.archived_at): a
  case of an old ledger has none and is not counted.
- Scope: the viewer's statistics scope (leaders and administrators: their area's cases;
  directors: their organisation's cases), and for a director only the mediators of their
  organisation.

A handful of aggregate queries grouped by mediator, whatever the number of mediators or
cases: the statistics' figures (closed, visits), one over the ended cases (deadline and
subsidy), one over the archived cases, one for the names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from domain import statistics as st
from domain import subsidies
from domain.calendar import CHINA, local_today
from domain.clocks import overdue_when_ended_condition
from domain.ledger.export import xlsx_text
from domain.ledger.tables import TableColumn, write_table_xlsx
from domain.staffing import training_hours
from extensions import db
from models import Case, CaseMediator, Document, Organisation, SubsidyRate, User
from models.enums import DisputeType, DocumentKind, Role, Source
from models.subsidy import Difficulty

# The bundle the archive step assembles (domain.documents.assemble).
BUNDLE_KIND, BUNDLE_SUBJECT = DocumentKind.COVER, -1

PAGE_SIZE = 50


@dataclass
class Counts:
    """One mediator's counts (or the total's)."""

    handled: int = 0
    successful: int = 0
    with_deadline: int = 0
    on_time: int = 0
    archived: int = 0
    archived_complete: int = 0
    visits_due: int = 0
    visited: int = 0
    subsidised: int = 0
    subsidy_cents: int = 0
    # Hours of training in the period (tenths of an hour: the registry keeps one decimal),
    # from the organisation registry (domain.staffing.training_hours).
    training_tenths: int = 0

    def add(self, other: Counts) -> Counts:
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def success_rate(self) -> st.Rate:
        return st.Rate(self.successful, self.handled, _l("successful ÷ handled"))

    @property
    def on_time_rate(self) -> st.Rate:
        return st.Rate(
            self.on_time, self.with_deadline, _l("ended by the deadline ÷ handled with a deadline")
        )

    @property
    def file_rate(self) -> st.Rate:
        return st.Rate(
            self.archived_complete,
            self.archived,
            _l("archived with every required document ÷ archived"),
        )

    @property
    def follow_up_rate(self) -> st.Rate:
        return st.Rate(self.visited, self.visits_due, _l("visited ÷ due for a visit"))

    @property
    def training_hours(self) -> Decimal:
        return Decimal(self.training_tenths) / 10

    @property
    def subsidy(self) -> Decimal:
        """Yuan, exact (summed in cents)."""
        return Decimal(self.subsidy_cents) / 100


COUNT_FIELDS = tuple(f for f in Counts.__dataclass_fields__)


@dataclass
class MediatorRow:
    user_id: int
    name: str
    organisation: str
    counts: Counts
    filters: st.Filters  # the filters that list this mediator's cases


@dataclass
class Evaluation:
    period: st.Period
    rows: list[MediatorRow]  # every mediator in scope, the busiest first
    total: Counts  # of the rows
    without_mediator: int  # cases handled with no presiding mediator (in scope)
    rates: list[SubsidyRate] = field(default_factory=list)

    def page(self, number: int, size: int = PAGE_SIZE) -> tuple[list[MediatorRow], int, int]:
        """The rows of page `number` (from 1, clamped), the page and the number of pages."""
        pages = max(1, -(-len(self.rows) // size))
        number = min(max(1, number), pages)
        return self.rows[(number - 1) * size : number * size], number, pages


def _presiding_join(stmt: sa.Select) -> sa.Select:
    """The case's presiding mediator (none: NULL), as the statistics' breakdown joins it."""
    return stmt.outerjoin(
        CaseMediator,
        sa.and_(
            CaseMediator.case_id == Case.id,
            CaseMediator.presiding.is_(True),
            CaseMediator.active.is_(True),
        ),
    )


MEDIATOR_KEY = sa.func.coalesce(CaseMediator.user_id, sa.literal_column("0"))


def _sum_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _ended_counts(condition, period: st.Period, today: date, rates) -> dict[int, Counts]:
    """Deadlines and subsidies of the cases handled in the period, per mediator."""
    cents = subsidies.cents_expression(rates)
    late = overdue_when_ended_condition(st.local_date(Case.closed_at))
    stmt = _presiding_join(
        sa.select(
            MEDIATOR_KEY,
            _sum_if(Case.due_on.is_not(None)),
            _sum_if(sa.and_(Case.due_on.is_not(None), sa.not_(late))),
            _sum_if(cents > 0),
            sa.func.coalesce(sa.func.sum(cents), 0),
        ).select_from(Case)
    ).where(st.case_condition(st.Measure.MEDIATED, period, today), condition)
    out = {}
    for key, with_deadline, on_time, subsidised, total in db.session.execute(
        stmt.group_by(MEDIATOR_KEY)
    ):
        out[int(key or 0)] = Counts(
            with_deadline=int(with_deadline),
            on_time=int(on_time),
            subsidised=int(subsidised),
            subsidy_cents=int(total),
        )
    return out


def bundle_exists() -> sa.ColumnElement[bool]:
    """SQL: the case's 卷宗 was assembled (the archive step found every required document)."""
    return sa.exists().where(
        Document.case_id == Case.id,
        Document.kind == BUNDLE_KIND,
        Document.subject_id == BUNDLE_SUBJECT,
    )


def archived_condition(period: st.Period) -> sa.ColumnElement[bool]:
    return sa.and_(Case.archived_at >= period.since, Case.archived_at < period.until)


def _archived_counts(condition, period: st.Period) -> dict[int, Counts]:
    stmt = _presiding_join(
        sa.select(MEDIATOR_KEY, sa.func.count(), _sum_if(bundle_exists())).select_from(Case)
    ).where(archived_condition(period), condition)
    return {
        int(key or 0): Counts(archived=int(n), archived_complete=int(complete))
        for key, n, complete in db.session.execute(stmt.group_by(MEDIATOR_KEY))
    }


def _director_org(user: User) -> int | None:
    return user.organisation_id if user.role == Role.DIRECTOR else None


def evaluate(user: User, period: st.Period, today: date | None = None) -> Evaluation:
    """Every mediator's indicators in `period` within `user`'s scope."""
    today = today or local_today()
    scope = st.scope_of(user)
    rates = subsidies.all_rates()
    counts: dict[int, Counts] = {}
    statistics = st.compute(
        scope, period, by=st.Dimension.MEDIATOR, today=today, families=("closed", "visits")
    )
    for row in statistics.rows:
        f = row.figures
        counts[int(row.key or 0)] = Counts(
            handled=f.mediated, successful=f.successful, visits_due=f.visits_due, visited=f.visited
        )
    for part in (
        _ended_counts(scope.condition, period, today, rates),
        _archived_counts(scope.condition, period),
    ):
        for key, c in part.items():
            counts.setdefault(key, Counts()).add(c)
    without = counts.pop(0, Counts()).handled
    people = {}
    if counts:
        people = {
            uid: (name, org_id, org_name)
            for uid, name, org_id, org_name in db.session.execute(
                sa.select(User.id, User.name, User.organisation_id, Organisation.name)
                .join(Organisation, User.organisation_id == Organisation.id)
                .where(User.id.in_(list(counts)))
            )
        }
    # Training counts in the evaluation (pre-service and regular, in the period): one query.
    for uid, hours in training_hours(list(counts), period.start, period.end).items():
        counts[uid].training_tenths = int(hours * 10)
    only = _director_org(user)
    rows = []
    for uid, c in counts.items():
        name, org_id, org_name = people.get(uid, ("—", None, "—"))
        if only is not None and org_id != only:
            continue
        rows.append(MediatorRow(uid, name, org_name, c, st.Filters(mediator_id=uid)))
    rows.sort(key=lambda r: (-r.counts.handled, -r.counts.archived, r.name, r.user_id))
    total = Counts()
    for r in rows:
        total.add(r.counts)
    return Evaluation(period, rows, total, without, rates)


# ---- the finance office's list of cases -------------------------------------------------------


@dataclass(frozen=True)
class SubsidyCase:
    number: str
    mediator_id: int
    mediator: str
    organisation: str
    source: object
    dispute_type: object
    difficulty: object
    ended_on: date
    rate: SubsidyRate
    cents: int

    @property
    def amount(self) -> Decimal:
        return Decimal(self.cents) / 100


def subsidy_cases(user: User, period: st.Period, today: date | None = None) -> list[SubsidyCase]:
    """The cases earning a subsidy in `period` within `user`'s scope (the same expression as
    the page's sums), by mediator, then by the day mediation ended."""
    today = today or local_today()
    rates = subsidies.all_rates()
    if not rates:
        return []
    by_id = {r.id: r for r in rates}
    cents = subsidies.cents_expression(rates)
    stmt = (
        sa.select(
            Case.number,
            User.id,
            User.name,
            Organisation.name,
            Case.source,
            Case.dispute_type,
            subsidies.difficulty_expression(),
            Case.closed_at,
            subsidies.rate_id_expression(rates),
            cents,
        )
        .select_from(Case)
        .join(
            CaseMediator,
            sa.and_(
                CaseMediator.case_id == Case.id,
                CaseMediator.presiding.is_(True),
                CaseMediator.active.is_(True),
            ),
        )
        .join(User, CaseMediator.user_id == User.id)
        .outerjoin(Organisation, Organisation.id == st.case_organisation)
        .where(
            st.case_condition(st.Measure.MEDIATED, period, today),
            st.scope_of(user).condition,
            cents > 0,
        )
        .order_by(User.name, User.id, Case.closed_at, Case.number)
    )
    only = _director_org(user)
    if only is not None:
        stmt = stmt.where(User.organisation_id == only)
    out = []
    for (
        number,
        uid,
        name,
        org,
        source,
        dtype,
        difficulty,
        closed,
        rate_id,
        amount,
    ) in db.session.execute(stmt):
        out.append(
            SubsidyCase(
                number=number,
                mediator_id=uid,
                mediator=name,
                organisation=org or "—",
                source=source if isinstance(source, Source) else Source(source),
                dispute_type=dtype if isinstance(dtype, DisputeType) else DisputeType(dtype),
                difficulty=Difficulty(difficulty),
                ended_on=local_today(closed) if isinstance(closed, datetime) else closed,
                rate=by_id[int(rate_id)],
                cents=int(amount),
            )
        )
    return out


def scope_text(user: User) -> str:
    if user.role == Role.DIRECTOR:
        return _("Mediators of %(organisation)s", organisation=user.organisation.name)
    return _("Cases of %(region)s", region=user.organisation.region.full_name())


def _text(value) -> str:
    """A text cell that stays a text: write_table_xlsx writes strings as they are, and one
    beginning with "=" would be read as a formula."""
    text = xlsx_text(str(value))
    return f"'{text}" if text.startswith("=") else text


def write_subsidy_xlsx(
    out: IO[bytes], user: User, period: st.Period, cases: list[SubsidyCase], now: datetime
) -> None:
    """The finance office's file: one row per case, a total per mediator and in all, under a
    header naming the period, the scope and the rule (domain.ledger.tables)."""
    columns = [
        TableColumn(_("Mediator"), "text"),
        TableColumn(_("Organisation"), "text"),
        TableColumn(_("Source"), "text"),
        TableColumn(_("Type of dispute"), "text"),
        TableColumn(_("Difficulty"), "text"),
        TableColumn(_("Mediation ended on"), "text"),
        TableColumn(_("Rate applied"), "text"),
        TableColumn(_("Cases"), "count"),
        TableColumn(_("Amount, yuan"), "amount"),
    ]
    rows: list[tuple[str, list]] = []
    total_cents, count = 0, 0

    def subtotal(name: str, n: int, cents: int) -> None:
        label = _("Total for %(mediator)s", mediator=name)
        rows.append((_text(label), [None] * 7 + [n, Decimal(cents) / 100]))

    current, n, cents = None, 0, 0
    for c in cases:
        if current is not None and c.mediator_id != current[0]:
            subtotal(current[1], n, cents)
            n, cents = 0, 0
        current = (c.mediator_id, c.mediator)
        rate = c.rate
        rows.append(
            (
                _text(c.number),
                [
                    _text(c.mediator),
                    _text(c.organisation),
                    _text(c.source.label),
                    _text(c.dispute_type.label),
                    _text(c.difficulty.label),
                    c.ended_on.isoformat(),
                    _text(f"{subsidies.describe(rate)}: {rate.amount:,.2f}"),
                    1,
                    c.amount,
                ],
            )
        )
        n, cents = n + 1, cents + c.cents
        total_cents, count = total_cents + c.cents, count + 1
    if current is not None:
        subtotal(current[1], n, cents)
    rows.append((_("Total"), [None] * 7 + [count, Decimal(total_cents) / 100]))
    block = [
        (_("Period"), f"{period.start.isoformat()} – {period.end.isoformat()}"),
        (_("Scope"), _text(scope_text(user))),
        (_("Rule"), str(subsidies.rule_text())),
        (_("Exported by"), _text(f"{user.name} ({user.organisation.name})")),
        (_("Exported at"), now.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")),
    ]
    write_table_xlsx(
        out,
        title=_("Per-case subsidies"),
        sheet_name=_("Subsidies"),
        block=block,
        row_label=_("Case number"),
        columns=columns,
        rows=rows,
    )
