"""The monthly summary of the statistics (models.StatMonth), kept current in the same
transaction as every change of a case.

Each case adds to a few rows of the summary: the month of its registration (登记: registered,
filed online, found in screening, answered in time), of its acceptance (受理), of the end of
its mediation (调解, 成功, 履行, 协议涉及金额), of its first confirming ruling (司法确认) and of
its latest visit's due date (回访), each under the organisation it is counted at, the township
of its place, its dispute type and its source. When a flush changes anything a figure depends
on (a case's dates, outcome, type, place, organisation or source; an agreement's
performance; a visit; a ruling), what the changed cases added is read from the database
before the flush and again after it, and the difference is added to the summary rows (an
upsert, in key order, so two transactions never wait for each other in a circle). A rollback
takes it back with the rest.

Rows written around the unit of work (bulk inserts: the demo world's past, the benchmark)
are summed in with add_cases(); `flask stats rebuild` sums every case again. The figures read
the summary only once it is complete (the mark READY, set by the migration on an empty
database and by rebuild()); until then they count the cases themselves.

Only settled months are read from the summary (domain.statistics): a month whose online
applications' answer deadlines have all passed, so "due an answer" is every one of them (and
every visit of it is due).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.ext.compiler
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domain.calendar import CHINA
from extensions import db
from models import Agreement, Case, CaseMediator, FollowUp, JudicialConfirmation, StatMonth
from models.states import CaseState

READY = "_ready"
READY_MONTH = date(1900, 1, 1)
# The figures of each family, in the summary's columns.
COLUMNS = {
    "accepted": {"accepted": "n1"},
    "closed": {"mediated": "n1", "successful": "n2", "performed": "n3", "amount_cents": "cents"},
    "registered": {
        "registered": "n1",
        "self_filed": "n2",
        "screening_found": "n3",
        "responded_in_time": "n4",
    },
    "confirmed": {"confirmed": "n1"},
    "visits": {"visits_due": "n1", "visited": "n2"},
}
MEASURES = ("n1", "n2", "n3", "n4", "cents")
KEYS = ("family", "month", "org_id", "region", "dispute_type", "source", "mediator_id")
FAMILIES = frozenset(COLUMNS)
# A case's columns that a figure depends on, and the families whose rows they move. A change
# of its breakdown keys (source, type, place, organisation) moves every family; its state
# matters only on the way into or out of "merged" (a merged case counts nowhere).
CASE_FIELDS = {
    "accepted_at": frozenset({"accepted", "registered"}),
    "closed_at": frozenset({"closed", "registered"}),
    "closure_reason": frozenset({"closed"}),
    "amount": frozenset({"closed"}),
    "created_at": frozenset({"registered"}),
    "channel": frozenset({"registered"}),
    "state": FAMILIES,
    "source": FAMILIES,
    "dispute_type": FAMILIES,
    "region_code": FAMILIES,
    "handling_org_id": FAMILIES,
    "intake_org_id": FAMILIES,
}
# The relationships that set those columns at flush time.
CASE_RELATIONSHIPS = {"handling_org": "handling_org_id", "intake_org": "intake_org_id"}
# Rows of a case's that a figure depends on: their attributes that matter, and the families.
RELATED = {
    Agreement: (("performance_status", "case", "case_id"), frozenset({"closed"})),
    FollowUp: (("due_on", "done_at", "case", "case_id"), frozenset({"visits"})),
    JudicialConfirmation: (("ruling", "ruled_on", "case", "case_id"), frozenset({"confirmed"})),
    # The presiding mediator is a key of every family.
    CaseMediator: (("presiding", "active", "user_id", "user", "case", "case_id"), FAMILIES),
}
_RELATED_TYPES = tuple(RELATED)
_CHUNK = 500


class local_month(sa.sql.expression.FunctionElement):  # noqa: N801 - reads like SQL
    """The first day of the China calendar month of a UTC timestamp (UTC+8 all year)."""

    type = sa.Date()
    name = "local_month"
    inherit_cache = True


@sa.ext.compiler.compiles(local_month, "sqlite")
def _local_month_sqlite(element, compiler, **kw):
    (expr,) = list(element.clauses)
    return f"date({compiler.process(expr, **kw)}, '+8 hours', 'start of month')"


@sa.ext.compiler.compiles(local_month)
def _local_month_default(element, compiler, **kw):
    (expr,) = list(element.clauses)
    local = f"({compiler.process(expr, **kw)} AT TIME ZONE 'Asia/Shanghai')"
    return f"CAST(date_trunc('month', {local}) AS DATE)"


class day_month(sa.sql.expression.FunctionElement):  # noqa: N801 - reads like SQL
    """The first day of the month of a date."""

    type = sa.Date()
    name = "day_month"
    inherit_cache = True


@sa.ext.compiler.compiles(day_month, "sqlite")
def _day_month_sqlite(element, compiler, **kw):
    (expr,) = list(element.clauses)
    return f"date({compiler.process(expr, **kw)}, 'start of month')"


@sa.ext.compiler.compiles(day_month)
def _day_month_default(element, compiler, **kw):
    (expr,) = list(element.clauses)
    return f"CAST(date_trunc('month', {compiler.process(expr, **kw)}) AS DATE)"


def township_of(column) -> sa.ColumnElement:
    """The township of a place: the first 9 digits of its code (literals, not parameters:
    PostgreSQL matches a grouped expression by its text)."""
    return sa.func.substr(column, sa.literal_column("1"), sa.literal_column("9"))


def _selects(where: list, in_time) -> list[tuple[str, sa.Select]]:
    """What the cases selected by `where` add to the summary, per family: rows of (month,
    org, township, type, source, n1, n2, n3, n4, cents)."""
    from domain import statistics as st  # domain.statistics imports this module (a cycle)

    org = sa.func.coalesce(st.case_organisation, sa.literal_column("0"))
    zero = sa.literal_column("0")

    mediator = sa.func.coalesce(CaseMediator.user_id, sa.literal_column("0"))

    def keys(moment, month=local_month):
        return [month(moment), org, township_of(Case.region_code), Case.dispute_type,
                Case.source, mediator]  # fmt: skip

    def presiding(stmt):
        """With the case's presiding mediator (at most one: domain.dispatch)."""
        return stmt.outerjoin(
            CaseMediator,
            sa.and_(
                CaseMediator.case_id == Case.id,
                CaseMediator.presiding.is_(True),
                CaseMediator.active.is_(True),
            ),
        )

    success = Case.closure_reason.in_(st.SUCCESS_REASONS)
    cents = sa.cast(sa.func.round(Case.amount * 100), sa.BigInteger)
    performed = sa.and_(success, Agreement.performance_status == st.Performance.PERFORMED)
    online = Case.channel == st.Channel.ONLINE
    out = []
    k = keys(Case.accepted_at)
    out.append(
        (
            "accepted",
            sa.select(*k, sa.func.count(), zero, zero, zero, zero)
            .select_from(Case)
            .where(Case.accepted_at.is_not(None), st.NOT_MERGED, *where)
            .group_by(*k),
        )
    )
    k = keys(Case.closed_at)
    out.append(
        (
            "closed",
            sa.select(
                *k,
                sa.func.count(),
                st._sum_if(success),
                st._sum_if(performed),
                zero,
                sa.func.coalesce(
                    sa.func.sum(sa.case((sa.and_(success, Case.amount.is_not(None)), cents))), 0
                ),
            )
            .select_from(Case)
            .outerjoin(Agreement, Agreement.case_id == Case.id)
            .where(
                Case.closed_at.is_not(None), Case.closure_reason.in_(st.MEDIATED_REASONS), *where
            )
            .group_by(*k),
        )
    )
    k = keys(JudicialConfirmation.ruled_on, day_month)
    out.append(
        (
            "confirmed",
            sa.select(*k, sa.func.count(), zero, zero, zero, zero)
            .select_from(Case)
            .join(JudicialConfirmation, JudicialConfirmation.case_id == Case.id)
            .where(st.FIRST_CONFIRMATION, st.NOT_MERGED, *where)
            .group_by(*k),
        )
    )
    # Every visit counts as due: the summary answers only for months already past.
    k = keys(FollowUp.due_on, day_month)
    out.append(
        (
            "visits",
            sa.select(
                *k, sa.func.count(), st._sum_if(FollowUp.done_at.is_not(None)), zero, zero, zero
            )  # fmt: skip
            .select_from(Case)
            .join(FollowUp, FollowUp.case_id == Case.id)
            .where(st.LATEST_VISIT, st.NOT_MERGED, *where)
            .group_by(*k),
        )
    )
    k = keys(Case.created_at)
    in_time_sum = st._sum_if(sa.and_(online, in_time)) if in_time is not None else zero
    out.append(
        (
            "registered",
            sa.select(
                *k,
                sa.func.count(),
                st._sum_if(online),
                st._sum_if(Case.channel == st.Channel.SCREENING),
                in_time_sum,
                zero,
            )
            .select_from(Case)
            .where(st.NOT_MERGED, *where)
            .group_by(*k),
        )
    )
    return [(family, presiding(stmt)) for family, stmt in out]


def _contributions(conn, where: list, in_time, families=None) -> dict[tuple, list[int]]:
    out: dict[tuple, list[int]] = {}
    for family, stmt in _selects(where, in_time):
        if families is not None and family not in families:
            continue
        for row in conn.execute(stmt):
            month, org, region, dtype, source, mediator, *values = row
            if isinstance(month, str):
                month = date.fromisoformat(month)
            key = (family, month, int(org or 0), region, _value(dtype), _value(source),
                   int(mediator or 0))  # fmt: skip
            out[key] = [int(v or 0) for v in values]
    return out


def _value(member) -> str:
    return getattr(member, "value", member)


def _created_period(conn, ids: list[int]):
    """The China calendar days the cases were registered on (for their answer deadlines)."""
    from domain.statistics import Period  # domain.statistics imports this module (a cycle)

    first, last = conn.execute(
        sa.select(sa.func.min(Case.created_at), sa.func.max(Case.created_at)).where(
            Case.id.in_(ids)
        )
    ).one()
    if first is None:
        return None
    return Period(_local_day(first), _local_day(last))


def _local_day(moment) -> date:
    if isinstance(moment, str):  # a raw SQLite value
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).date()


def of_cases(conn, ids, families=FAMILIES) -> dict[tuple, list[int]]:
    """What the cases `ids` add to the summary's `families` now."""
    from domain.statistics import (
        _answered_in_time,
    )  # domain.statistics imports this module (a cycle)

    out: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    ids = sorted(i for i in ids if i is not None)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        in_time = None
        if "registered" in families:  # answers are judged against their filing days
            period = _created_period(conn, chunk)
            if period is None:
                continue
            in_time = _answered_in_time(period)
        rows = _contributions(conn, [Case.id.in_(chunk)], in_time, families)
        for key, values in rows.items():
            out[key] = [a + b for a, b in zip(out[key], values, strict=True)]
    return dict(out)


def _upsert(conn, delta: dict[tuple, list[int]]) -> None:
    """Add `delta` to the summary, in key order (rows are locked in the same order by every
    transaction)."""
    rows = [
        dict(zip(KEYS, key, strict=True)) | dict(zip(MEASURES, values, strict=True))
        for key, values in sorted(delta.items(), key=lambda kv: tuple(map(str, kv[0])))
        if any(values)
    ]
    if not rows:
        return
    table = StatMonth.__table__
    dialect = conn.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in KEYS],
        set_={m: table.c[m] + stmt.excluded[m] for m in MEASURES},
    )
    conn.execute(stmt, rows)


def add_cases(ids, session: Session | None = None) -> None:
    """Sum cases written around the unit of work (bulk inserts) into the summary."""
    conn = (session or db.session).connection()
    _upsert(conn, of_cases(conn, list(ids)))


def rebuild(session: Session | None = None) -> int:
    """Sum every case into an empty summary, month by month, and mark it complete. Returns
    the number of rows written."""
    from domain.statistics import (
        Period,
        _answered_in_time,
    )  # domain.statistics imports this module (a cycle)

    session = session or db.session
    conn = session.connection()
    conn.execute(sa.delete(StatMonth.__table__))
    first, last = conn.execute(
        sa.select(sa.func.min(Case.created_at), sa.func.max(Case.created_at))
    ).one()
    written = 0
    if first is not None:
        day = _local_day(first).replace(day=1)
        end = _local_day(last)
        while day <= end:
            month = Period.month(day.year, day.month)
            # The cases registered this month (their answers judged against this month's
            # deadlines), whatever month they were accepted or closed in.
            since = _utc(month.since)
            until = _utc(month.until)
            where = [Case.created_at >= since, Case.created_at < until]
            rows = _contributions(conn, where, _answered_in_time(month))
            merged: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(MEASURES))
            for key, values in rows.items():
                merged[key] = [a + b for a, b in zip(merged[key], values, strict=True)]
            _upsert(conn, merged)
            written += len(merged)
            day = month.end + timedelta(days=1)
    _mark_ready(conn)
    return written


def _utc(moment):
    return moment.astimezone(UTC)


def _mark_ready(conn) -> None:
    _upsert(conn, {(READY, READY_MONTH, 0, "", "", "", 0): [1, 0, 0, 0, 0]})


def ready() -> bool:
    """Whether the summary holds every case (else the figures count the cases)."""
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(StatMonth)
            .where(StatMonth.family == READY, StatMonth.month == READY_MONTH)
        )
    )


# ---- keeping it current ---------------------------------------------------------------------

_PENDING = "stat_summary_pending"


def _changed(obj, names) -> bool:
    state = sa.inspect(obj)
    return any(name in state.attrs and state.attrs[name].history.has_changes() for name in names)


def _case_of(obj) -> tuple[int | None, Case | None]:
    if isinstance(obj, Case):
        return obj.id, obj
    case = obj.__dict__.get("case")
    if case is not None:
        return case.id, case
    return obj.case_id, None


def _edits(case: Case) -> dict[str, object]:
    """The watched columns this flush writes for `case`, with their new values (a
    relationship's object as its id)."""
    state = sa.inspect(case)
    out = {}
    for name in CASE_FIELDS:
        history = state.attrs[name].history
        if history.added:
            out[name] = history.added[0]
    for name, column in CASE_RELATIONSHIPS.items():
        history = state.attrs[name].history
        if history.added:
            related = history.added[0]
            out[column] = related.id if related is not None else None
    return out


def _moved(conn, edits: dict[int, dict[str, object]]) -> dict[int, frozenset]:
    """The families each case's edits really move, against the values in the database
    (a transition writes the state every time; most do not change what is counted)."""
    names = sorted({n for e in edits.values() for n in e})
    stored = {
        row[0]: dict(zip(names, row[1:], strict=True))
        for row in conn.execute(
            sa.select(Case.id, *(Case.__table__.c[n] for n in names)).where(
                Case.id.in_(list(edits))
            )
        )
    }
    out = {}
    for case_id, changes in edits.items():
        families: set[str] = set()
        for name, new in changes.items():
            old = stored.get(case_id, {}).get(name)
            if name == "state":
                merged = CaseState.MERGED.value
                if (_value(old) == merged) != (_value(new) == merged):
                    families |= FAMILIES
            elif _value(old) != _value(new):
                families |= CASE_FIELDS[name]
        if families:
            out[case_id] = frozenset(families)
    return out


@sa.event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances) -> None:  # noqa: ARG001
    # Reading an attribute that a commit expired loads it: never flush from in here.
    with session.no_autoflush:
        _collect(session)


def _collect(session) -> None:
    moved: dict[int, set] = defaultdict(set)  # case id -> families
    fresh: list[Case] = []
    edits: dict[int, dict] = {}
    for obj in session.new:
        if isinstance(obj, Case):
            fresh.append(obj)
        elif isinstance(obj, _RELATED_TYPES):
            if isinstance(obj, CaseMediator) and not obj.presiding:
                continue  # a co-mediator: not a key
            case_id, case = _case_of(obj)
            if case_id is not None:
                moved[case_id] |= RELATED[type(obj)][1]
            elif case is not None:
                fresh.append(case)
    for obj in session.dirty:
        if isinstance(obj, Case):
            if obj.id is not None:
                changes = _edits(obj)
                if changes:
                    edits[obj.id] = changes
        elif isinstance(obj, _RELATED_TYPES):
            names, families = RELATED[type(obj)]
            if _changed(obj, names):
                case_id, _case = _case_of(obj)
                if case_id is not None:
                    moved[case_id] |= families
    for obj in session.deleted:
        if isinstance(obj, Case):
            moved[obj.id] |= FAMILIES
        elif isinstance(obj, _RELATED_TYPES):
            case_id, _case = _case_of(obj)
            if case_id is not None:
                moved[case_id] |= RELATED[type(obj)][1]
    if not moved and not fresh and not edits:
        return
    conn = session.connection()
    if edits:
        for case_id, families in _moved(conn, edits).items():
            moved[case_id] |= families
    if not moved and not fresh:
        return
    families = frozenset().union(*moved.values()) if moved else frozenset()
    before = of_cases(conn, moved, families) if moved else {}
    session.info[_PENDING] = (set(moved), families, fresh, before)


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:  # noqa: ARG001
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    ids, families, fresh, before = pending
    conn = session.connection()
    after = of_cases(conn, ids, families) if ids else {}
    born = [c.id for c in fresh if c.id is not None]
    if born:  # a new case adds to every family
        for key, values in of_cases(conn, set(born) - ids).items():
            after[key] = [a + b for a, b in zip(after.get(key, [0] * len(MEASURES)), values,
                                                strict=True)]  # fmt: skip
    delta = {}
    for key in before.keys() | after.keys():
        old = before.get(key, [0] * len(MEASURES))
        new = after.get(key, [0] * len(MEASURES))
        delta[key] = [b - a for a, b in zip(old, new, strict=True)]
    _upsert(conn, delta)


@sa.event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction) -> None:  # noqa: ARG001
    session.info.pop(_PENDING, None)


# ---- reading ------------------------------------------------------------------------------


def read(
    first: date,
    last: date,
    *,
    region: str | None,
    organisations: list[int] | None,
    dispute_type: str | None,
    source: str | None,
    mediator: int | None = None,
    group: list[str],
    region_depth: int = 9,
    sets: list[list[str]] | None = None,
) -> dict[str, list[tuple[tuple, list[int]]]]:
    """The summary's sums for the months from `first` to `last` (first days), narrowed, grouped
    by `group` (month, org_id, region, dispute_type, source, mediator_id), or by each of the
    grouping `sets` at once (PostgreSQL; the key then has every column of the sets, None where
    a set leaves it out): per family, rows of (key, [n1, n2, n3, n4, cents])."""
    t = StatMonth.__table__
    columns = {
        "month": t.c.month,
        "org_id": t.c.org_id,
        "dispute_type": t.c.dispute_type,
        "source": t.c.source,
        "mediator_id": t.c.mediator_id,
        "region": sa.func.substr(
            t.c.region, sa.literal_column("1"), sa.literal_column(str(int(region_depth)))
        ),
    }
    keys = [columns[g] for g in group]
    if sets:  # PostgreSQL: each set's sums in one pass (a key absent from a set is NULL)
        keys = [columns[g] for g in dict.fromkeys(g for one in sets for g in one)]
    where = [t.c.month >= first, t.c.month <= last, t.c.family != READY]
    if region:
        where += [t.c.region >= region, t.c.region < region + "\uffff"]
    if organisations is not None:
        where.append(t.c.org_id.in_(organisations))
    if dispute_type is not None:
        where.append(t.c.dispute_type == dispute_type)
    if source is not None:
        where.append(t.c.source == source)
    if mediator is not None:
        where.append(t.c.mediator_id == mediator)
    # Sums as integers (PostgreSQL sums a bigint to a numeric: Python would get Decimals).
    sums = (sa.cast(sa.func.coalesce(sa.func.sum(t.c[m]), 0), sa.BigInteger) for m in MEASURES)
    stmt = sa.select(t.c.family, *keys, *sums).where(*where)
    if sets:
        grouping = [sa.tuple_(t.c.family, *(columns[g] for g in one)) for one in sets]
        stmt = stmt.group_by(sa.func.grouping_sets(*grouping))
    else:
        stmt = stmt.group_by(t.c.family, *keys)
    out: dict[str, list] = defaultdict(list)
    width = len(keys)
    for row in db.session.execute(stmt).all():
        out[row[0]].append((tuple(row[1 : 1 + width]), list(row[1 + width :])))
    return out
