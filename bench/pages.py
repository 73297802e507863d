"""Time every staff list page, the case page and the public lookup at two scales, and count the
SQL statements each request sends.

    .venv/bin/python bench/pages.py /tmp/bench.sqlite3          # big: that file; small: 1 000
    .venv/bin/python bench/pages.py --pg --cases 100000         # both scales on a throwaway PG
    .venv/bin/python bench/pages.py --url URL --small-url URL2  # two existing databases

The small-scale database is built on the fly (bench/build_world.py) unless given. Each page is
requested `--warmup` times, then `--repeat` times timed, through the Flask test client logged in
as the small world's user of that role (the full WSGI stack: login loader, view, template).

Exit status 1 when any page's query count differs between the scales (the count must not grow
with the data), differs between two requests of the same page, or when a staff page's median
at the big scale exceeds --max-median-ms.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import harness
from build_world import build, make_app, sqlite_url


@dataclass
class Result:
    url: str
    queries: set[int]
    times_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def query_text(self) -> str:
        return "/".join(str(q) for q in sorted(self.queries))


def measure(url: str, repeat: int, warmup: int) -> dict[str, Result]:
    """Request every page of harness.PAGES against the database at `url`."""
    from extensions import db

    app = make_app(url)
    recorder = harness.install_recorder(app)
    targets = harness.find_targets(app)
    clients: dict[str | None, object] = {}
    responses: dict[str | None, dict] = {}
    results: dict[str, Result] = {}
    for page in harness.PAGES:
        if page.user not in clients:
            clients[page.user] = harness.login(app, page.user)
            responses[page.user] = {}
        client, seen = clients[page.user], responses[page.user]
        for _ in range(warmup):
            harness.request_page(client, page, targets, seen)
        times, counts = [], set()
        for _ in range(repeat):
            with recorder.capture() as statements:
                started = time.perf_counter()
                url_sent, _response = harness.request_page(client, page, targets, seen)
                times.append((time.perf_counter() - started) * 1000)
            counts.add(len(statements))
        results[harness.key(page)] = Result(url_sent, counts, times)
    with app.app_context():
        db.engine.dispose()
    return results


def table(
    small: dict[str, Result], big: dict[str, Result], small_n: int, big_n: int, max_ms: float
) -> tuple[str, list[str]]:
    """The results table (Markdown) and the list of failures."""
    pages = {harness.key(p): p for p in harness.PAGES}
    head = (
        f"| page [user] | queries @{small_n:,} | queries @{big_n:,} | "
        f"median ms @{small_n:,} | p95 ms @{small_n:,} | median ms @{big_n:,} | "
        f"p95 ms @{big_n:,} | |"
    )
    lines = [head, "|" + "---|" * 8]
    failures = []
    for name, s in small.items():
        b = big[name]
        flags = []
        if len(s.queries) > 1 or len(b.queries) > 1:
            flags.append("count varies between requests")
        if s.queries != b.queries:
            flags.append("QUERIES GROW WITH DATA")
        if pages[name].staff and b.median > max_ms:
            flags.append(f"median > {max_ms:g} ms")
        failures += [f"{name}: {f}" for f in flags]
        lines.append(
            f"| {name} | {s.query_text} | {b.query_text} | {s.median:.1f} | {s.p95:.1f} | "
            f"{b.median:.1f} | {b.p95:.1f} | {'; '.join(flags) or 'ok'} |"
        )
    return "\n".join(lines), failures


@contextlib.contextmanager
def databases(args) -> Iterator[tuple[str, str]]:
    """Yield (small_url, big_url), building what is not given; clean up afterwards."""
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jiefen-bench-")))
        if args.pg:
            from tests.pg import throwaway_postgres

            server = stack.enter_context(throwaway_postgres())
            urls = []
            for name in ("bench_small", "bench_big"):
                admin = sa_engine(server)
                with admin.connect() as conn:
                    conn.execute(text(f"CREATE DATABASE {name}"))
                admin.dispose()
                urls.append(server.rsplit("/", 1)[0] + "/" + name)
            build(urls[0], args.small_cases)
            build(urls[1], args.cases)
            yield urls[0], urls[1]
            return
        if args.url:
            big = args.url
        elif args.path:
            big = sqlite_url(args.path)
        else:
            big = sqlite_url(tmp / "big.sqlite3")
            build(big, args.cases)
        if args.small_url:
            small = args.small_url
        else:
            small = sqlite_url(tmp / "small.sqlite3")
            build(small, args.small_cases)
        yield small, big


def sa_engine(url: str):
    import sqlalchemy as sa

    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def text(sql: str):
    import sqlalchemy as sa

    return sa.text(sql)


def count_cases(url: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text('SELECT count(*) FROM "case"')).scalar_one()
    engine.dispose()
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="big-scale SQLite file (from build_world.py)")
    parser.add_argument("--url", help="big-scale database URL instead of a SQLite file")
    parser.add_argument("--small-url", help="small-scale database URL (default: build one)")
    parser.add_argument("--small-cases", type=int, default=1000)
    parser.add_argument(
        "--cases",
        type=int,
        default=100_000,
        help="big scale when it is built here (no path/--url, or --pg)",
    )
    parser.add_argument(
        "--pg",
        action="store_true",
        help="build both scales on a throwaway PostgreSQL (tests/pg.py)",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--max-median-ms",
        type=float,
        default=100.0,
        help="fail when a staff page's median at the big scale is above this",
    )
    args = parser.parse_args(argv)

    with databases(args) as (small_url, big_url):
        small_n, big_n = count_cases(small_url), count_cases(big_url)
        backend = big_url.split(":", 1)[0]
        print(
            f"measuring {len(harness.PAGES)} pages x {args.repeat} requests "
            f"at {small_n:,} and {big_n:,} cases ({backend})",
            flush=True,
        )
        small = measure(small_url, args.repeat, args.warmup)
        big = measure(big_url, args.repeat, args.warmup)
    report, failures = table(small, big, small_n, big_n, args.max_median_ms)
    print(report)
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nok: query counts equal at both scales; staff medians <= {args.max_median_ms:g} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
