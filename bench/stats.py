"""The statistics at scale: the leaders' dashboard and `flask stats` for a year, on a database
of N cases (default 100 000 on SQLite; 1 000 000 on a throwaway PostgreSQL with --pg).

    .venv/bin/python bench/stats.py                              # 100 000 cases, temp SQLite
    .venv/bin/python bench/stats.py /tmp/stats.sqlite3 --cases 100000   # kept (--reuse next time)
    .venv/bin/python bench/stats.py --pg --cases 1000000         # throwaway PostgreSQL
    .venv/bin/python bench/stats.py --url postgresql+psycopg://.../db --reuse

The world is build_world.py's (cases over three years; open ones recent), completed with what
the statistics count: each ended case's closure reason, amounts, the agreements' performance,
a follow-up visit per agreement (95% made) and a judicial confirmation for one agreement in
eight. PostgreSQL is then VACUUM ANALYZEd (what autovacuum does to a table after a bulk load:
index-only scans need the visibility map); SQLite is timed as a fresh deployment, without
ANALYZE, and again after it (--sqlite-analyze).

Timed (median of --repeat after one warm-up, each request in a fresh context): the dashboard
of this year as the county leader, the city administrator and a committee director, the same
filtered by type and as an htmx swap, the case list behind one figure, and `flask stats` for
the last full year (total, --by organisation, --by type, --by mediator) through Flask's CLI
runner. Exit 1 when a median exceeds --max-seconds (default 1). CI never runs this.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics as pystats
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from build_world import CHINA, bench_config, build, sqlite_url  # noqa: E402
from harness import install_recorder, login  # noqa: E402

BATCH = 20_000


def make_app(url: str):
    """The benchmark configuration, with the rate limiter on (in memory, limits far above
    what the timing sends): the login's failure counts live in its storage."""
    from app import create_app

    return create_app(
        {**bench_config(url), "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}
    )


def complete(url: str, seed: int = 15) -> dict:
    """Give the bulk-built cases what the statistics count (see the docstring)."""
    from domain import stat_summary
    from extensions import db
    from models import Agreement, Case, FollowUp, JudicialConfirmation, User

    rng = random.Random(seed)
    app = make_app(url)
    counts = {}
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            case = Case.__table__
            for state, reason in (
                ("failed", "failed"),
                ("not_accepted", "not_accepted"),
            ):
                conn.execute(
                    case.update().where(case.c.state == state).values(closure_reason=reason)
                )
            conn.execute(
                case.update()
                .where(case.c.state == "agreed", case.c.id % 5 == 0)
                .values(closure_reason="agreement_oral")
            )
            conn.execute(
                case.update()
                .where(case.c.state == "agreed", case.c.id % 5 != 0)
                .values(closure_reason="agreement_written")
            )
            conn.execute(
                case.update().where(case.c.id % 3 == 0).values(amount=(case.c.id % 97) * 150 + 500)
            )
            agreement = Agreement.__table__
            conn.execute(
                agreement.update()
                .where(agreement.c.id % 10 < 8)
                .values(performance_status="performed")
            )
            clerk = conn.execute(sa.select(User.__table__.c.id).limit(1)).scalar()
            rows = conn.execute(
                sa.select(case.c.id, case.c.closed_at).where(case.c.state == "agreed")
            ).all()
            visits, rulings = [], []
            for case_id, closed_at in rows:
                closed = closed_at if closed_at.tzinfo else closed_at.replace(tzinfo=UTC)
                ended = closed.astimezone(CHINA).date()
                due = ended + timedelta(days=30)
                done = closed + timedelta(days=rng.uniform(5, 40)) if rng.random() < 0.95 else None
                visits.append(
                    {
                        "case_id": case_id,
                        "due_on": due,
                        "reason": "agreement",
                        "done_at": done,
                        "visited_on": done.astimezone(CHINA).date() if done else None,
                    }
                )
                if case_id % 8 == 0:
                    applied = ended + timedelta(days=rng.randrange(2, 25))
                    rulings.append(
                        {
                            "case_id": case_id,
                            "court": "公安县人民法院",
                            "applied_on": applied,
                            "all_parties_joined": True,
                            "ruling": "confirmed",
                            "ruled_on": applied + timedelta(days=rng.randrange(3, 15)),
                            "recorded_by_id": clerk,
                        }
                    )
            for table, batch in (
                (FollowUp.__table__, visits),
                (JudicialConfirmation.__table__, rulings),
            ):
                for i in range(0, len(batch), BATCH):
                    conn.execute(table.insert(), batch[i : i + BATCH])
            counts.update(visits=len(visits), confirmations=len(rulings))
        # The cases were written around the application: sum them into the monthly summary.
        started = time.perf_counter()
        counts["summary rows"] = stat_summary.rebuild()
        db.session.commit()
        counts["summary seconds"] = round(time.perf_counter() - started, 1)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        db.session.remove()
        engine.dispose()
    return counts


def count_cases(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar()
    engine.dispose()
    return n


def timed(fn, repeat: int) -> tuple[float, float, list[float]]:
    fn()  # warm-up
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return pystats.median(seconds), max(seconds), seconds


def measure(url: str, repeat: int) -> list[tuple[str, float, float, int, str]]:
    """(what, median s, max s, statements, note) for each timed request or command."""
    app = make_app(url)
    recorder = install_recorder(app)
    runner = app.test_cli_runner()
    today = date.today()
    last_year = today.year - 1
    results = []

    def page(client, path, **kw):
        def go():
            response = client.get(path, **kw)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
            return response

        return go

    def command(*args):
        def go():
            result = runner.invoke(args=["stats", *args])
            if result.exit_code != 0:
                raise RuntimeError(result.output)
            return result

        return go

    with app.app_context():
        from extensions import db
        from models import Case

        with db.engine.connect() as conn:
            year = (
                conn.execute(
                    sa.select(sa.func.count(Case.id)).where(
                        Case.accepted_at >= datetime(last_year, 1, 1, tzinfo=CHINA),
                        Case.accepted_at < datetime(last_year + 1, 1, 1, tzinfo=CHINA),
                    )
                ).scalar()
                or 0
            )
    leader, admin, director = (login(app, u) for u in ("leader", "admin", "director"))
    ytd = f"{today.year}-01-01"
    cases = [
        ("dashboard, this year [leader: 公安县]", page(leader, "/oversight/dashboard")),
        ("dashboard, this year [admin: the city]", page(admin, "/oversight/dashboard")),
        ("dashboard, this year [director]", page(director, "/oversight/dashboard")),
        (
            "dashboard, type LL [admin]",
            page(admin, "/oversight/dashboard", query_string={"dispute_type": "LL"}),
        ),
        (
            f"dashboard, {last_year} [admin]",
            page(
                admin,
                "/oversight/dashboard",
                query_string={"from": f"{last_year}-01-01", "to": f"{last_year}-12-31"},
            ),
        ),
        (
            "dashboard htmx swap, source court [admin]",
            page(
                admin,
                "/oversight/dashboard",
                query_string={"source": "court"},
                headers={"HX-Request": "true", "HX-Target": "dashboard-body"},
            ),
        ),
        (
            "case list of a figure (successful, this year) [admin]",
            page(
                admin,
                "/oversight/",
                query_string={"indicator": "successful", "from": ytd, "to": today.isoformat()},
            ),
        ),
    ]
    year_args = ["--from", f"{last_year}-01-01", "--to", f"{last_year}-12-31"]
    for by in (None, "organisation", "type", "mediator"):
        extra = ["--by", by] if by else []
        cases.append(
            (f"flask stats {last_year} {' '.join(extra) or '(total)'}", command(*year_args, *extra))
        )
    cases.append(
        (
            "flask stats three years --format csv",
            command(
                "--from", f"{today.year - 2}-01-01", "--to", today.isoformat(), "--format", "csv"
            ),
        )
    )
    for name, fn in cases:
        with recorder.capture() as statements:
            fn()
        median, worst, _ = timed(fn, repeat)
        results.append((name, median, worst, len(statements), ""))
        print(f"  {name}: median {median * 1000:.0f} ms, max {worst * 1000:.0f} ms, "
              f"{len(statements)} statements", flush=True)  # fmt: skip
    results.append((f"(cases accepted in {last_year}: {year:,})", 0, 0, 0, "info"))
    return results


@contextlib.contextmanager
def database(args) -> Iterator[str]:
    with contextlib.ExitStack() as stack:
        if args.pg:
            from pages import sa_engine, text

            from tests.pg import throwaway_postgres

            server = stack.enter_context(throwaway_postgres())
            admin = sa_engine(server)
            with admin.connect() as conn:
                conn.execute(text("CREATE DATABASE bench_stats"))
            admin.dispose()
            url = server.rsplit("/", 1)[0] + "/bench_stats"
        elif args.url:
            url = args.url
        else:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jiefen-stats-")))
            path = Path(args.path) if args.path else tmp / "stats.sqlite3"
            if path.exists() and not args.reuse:
                for extra in ("", "-wal", "-shm", "-journal"):
                    Path(f"{path}{extra}").unlink(missing_ok=True)
            url = sqlite_url(path)
        if not args.reuse:
            started = time.perf_counter()
            build(url, args.cases)
            counts = complete(url)
            print(f"completed for statistics in {time.perf_counter() - started:.0f} s: {counts}")
        yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="SQLite file (kept; built unless --reuse)")
    parser.add_argument("--url", help="an existing database URL (built here unless --reuse)")
    parser.add_argument("--pg", action="store_true", help="a throwaway PostgreSQL")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="the database is built already")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=1.0)
    parser.add_argument(
        "--sqlite-analyze", action="store_true", help="SQLite: run ANALYZE before timing"
    )
    args = parser.parse_args(argv)
    with database(args) as url:
        n = count_cases(url)
        if args.sqlite_analyze and url.startswith("sqlite"):
            engine = sa.create_engine(url)
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            engine.dispose()
        print(f"statistics at {n:,} cases ({url.split(':', 1)[0]})", flush=True)
        results = measure(url, args.repeat)
    print("\n| what | median ms | max ms | statements |\n|---|---|---|---|")
    failures = []
    for name, median, worst, statements, note in results:
        if note == "info":
            print(f"| {name} | | | |")
            continue
        print(f"| {name} | {median * 1000:.0f} | {worst * 1000:.0f} | {statements} |")
        if median > args.max_seconds:
            failures.append(f"{name}: median {median:.2f} s > {args.max_seconds:g} s")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nok: every median <= {args.max_seconds:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
