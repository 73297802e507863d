"""Print the query plan of every SELECT each benchmarked page really sends, and flag the bad ones.

    .venv/bin/python bench/plans.py /tmp/bench.sqlite3            # EXPLAIN QUERY PLAN
    .venv/bin/python bench/plans.py --url postgresql+psycopg://...  # EXPLAIN
    .venv/bin/python bench/plans.py --pg --cases 100000             # build a throwaway PG first

The statements are captured with a before_cursor_execute listener while the page is requested
through the test client (as in pages.py), then explained with the very parameters the ORM sent.

Flags: a full scan of a big table (SQLite `SCAN case` without an index, PostgreSQL
`Seq Scan on case`); a sort of rows from a big table for ORDER BY (SQLite `USE TEMP B-TREE
FOR ORDER BY`, PostgreSQL `Sort` of over 1 000 estimated rows), unless the rows come by an IN
list of ids or a unique number (a page's children: bounded by the page size); and (SQLite) a
correlated subquery whose index search does not use the outer row's id, i.e. a scan per outer
row. Big tables: case, party, event, case_mediator, mediation_session, agreement.
With --strict the exit status is 1 when anything is flagged.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import harness
from build_world import build, make_app, sqlite_url

BIG = ("case", "party", "event", "case_mediator", "mediation_session", "agreement")
_SQLITE_SCAN = re.compile(r"^SCAN (\w+)(?: AS \w+)?$")


def explain(conn, dialect: str, statement: str, parameters, analyze: bool) -> list[str]:
    if dialect == "sqlite":
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        parents: dict[int, int] = {row[0]: row[1] for row in rows}

        def depth(node: int) -> int:
            d = 0
            while parents.get(node, 0):
                node, d = parents[node], d + 1
            return d

        return ["  " * depth(row[0]) + row[3] for row in rows]
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN "
    return [row[0] for row in conn.exec_driver_sql(prefix + statement, parameters).all()]


def flags_for(dialect: str, plan: list[str], statement: str) -> list[str]:
    found = []
    # A sort of rows fetched by an IN list of ids (selectinload of one page's children) or by a
    # unique key is bounded by the page size: not flagged.
    bounded = re.search(r"\.(case_id|id) IN \(", statement) or re.search(
        r'"?case"?\.number = ', statement
    )
    touches_big = not bounded and any(
        re.search(rf'\b(FROM|JOIN) "?{t}"?(\s|$)', statement) for t in BIG
    )
    inside = None  # indentation of the CORRELATED subquery line we are under (SQLite)
    for line in plan:
        text = line.strip()
        indent = len(line) - len(line.lstrip())
        if inside is not None and indent <= inside:
            inside = None
        if dialect == "sqlite" and text.startswith("CORRELATED"):
            inside = indent
        elif (
            inside is not None
            and text.startswith("SEARCH")
            and not re.search(r"\b(case_id|rowid)=", text)
        ):
            found.append(f"correlated subquery not looked up by the outer row: {text}")
        if dialect == "sqlite":
            match = _SQLITE_SCAN.match(text)
            if match and match.group(1) in BIG:
                found.append(f"full table scan: {text}")
            if "TEMP B-TREE FOR ORDER BY" in text and touches_big:
                found.append(f"sort for ORDER BY: {text}")
        else:
            match = re.search(r'Seq Scan on "?(\w+)"?', text)
            if match and match.group(1) in BIG:
                found.append(f"full table scan: {text}")
            sort = re.match(r"(?:->\s*)?Sort\s+\(cost=\S+ rows=(\d+)", text)
            if sort and int(sort.group(1)) > 1000 and touches_big:  # not Incremental Sort
                found.append(f"sort: {text}")
    return found


def run(url: str, analyze: bool, show_all: bool) -> list[str]:
    from extensions import db

    app = make_app(url)
    recorder = harness.install_recorder(app)
    targets = harness.find_targets(app)
    clients, responses, flagged = {}, {}, []
    with app.app_context():
        dialect = db.engine.dialect.name
    print(f"# Query plans ({dialect}, {url.split('@')[-1]})\n")
    for page in harness.PAGES:
        if page.user not in clients:
            clients[page.user] = harness.login(app, page.user)
            responses[page.user] = {}
        client, seen = clients[page.user], responses[page.user]
        harness.request_page(client, page, targets, seen)  # warm: the login loader etc.
        with recorder.capture() as statements:
            url_sent, _ = harness.request_page(client, page, targets, seen)
        print(f"## {harness.key(page)}  {page.method} {url_sent}  ({len(statements)} queries)\n")
        with app.app_context(), db.engine.connect() as conn:
            for n, (statement, parameters) in enumerate(statements, start=1):
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                plan = explain(conn, dialect, statement, parameters, analyze)
                flags = flags_for(dialect, plan, statement)
                flagged += [f"{harness.key(page)} #{n}: {f}" for f in flags]
                if not (flags or show_all or _about_cases(statement)):
                    continue
                one_line = " ".join(statement.split())
                print(f"{n}. `{one_line}`")
                print(f"   params: {parameters!r}")
                print("   " + "\n   ".join(plan))
                for f in flags:
                    print(f"   !! {f}")
                print()
    with app.app_context():
        db.engine.dispose()
    return flagged


def _about_cases(statement: str) -> bool:
    """Statements worth printing by default: those reading a big table."""
    return any(re.search(rf'\b(FROM|JOIN) "?{t}"?(\s|$)', statement) for t in BIG)


@contextlib.contextmanager
def database(args) -> Iterator[str]:
    if args.pg:
        from tests.pg import throwaway_postgres

        with throwaway_postgres() as url:
            build(url, args.cases)
            yield url
        return
    if args.url:
        yield args.url
        return
    if args.path:
        yield sqlite_url(args.path)
        return
    with tempfile.TemporaryDirectory(prefix="jiefen-plans-") as tmp:
        url = sqlite_url(Path(tmp) / "bench.sqlite3")
        build(url, args.cases)
        yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="SQLite file from build_world.py")
    parser.add_argument("--url", help="database URL instead of a SQLite file")
    parser.add_argument("--pg", action="store_true", help="build on a throwaway PostgreSQL")
    parser.add_argument("--cases", type=int, default=100_000, help="when building here")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="PostgreSQL: EXPLAIN (ANALYZE, BUFFERS), i.e. run the statements",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="print every SELECT, not only those reading the big tables",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when anything is flagged")
    args = parser.parse_args(argv)
    with database(args) as url:
        flagged = run(url, args.analyze, args.all)
    print("# Flagged\n")
    print("\n".join(f"- {f}" for f in flagged) if flagged else "nothing")
    return 1 if (flagged and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
