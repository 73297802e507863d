"""Time the desk's person lookup at two scales: `domain.people.find_earlier_cases`
by ID number, by phone and by exact name, and the POST /desk/related fragment the registration
form asks for while the clerk types, with the SQL statements each sends and their plans.

    .venv/bin/python bench/person_lookup.py /tmp/bench.sqlite3     # big: that file; small: 1 000
    .venv/bin/python bench/person_lookup.py --pg --cases 100000    # both scales on a throwaway PG
    .venv/bin/python bench/person_lookup.py --url URL --small-url URL2

The lookups run as the small world's clerk (公安县, one of the three counties) for a repeat visitor
planted as the applicant of the county's newest cases ("hit"; this updates 5 party rows of
the database) and for values nobody has ("miss": the usual
case while a new visitor's details are typed). Each is run `--warmup` times, then `--repeat`
times timed, in a fresh session each time. Plans: SQLite `EXPLAIN QUERY PLAN`, PostgreSQL
`EXPLAIN`, of the statements really sent, with their parameters.

Exit status 1 when a query count differs between the scales or a big-scale median exceeds
--max-median-ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import harness
import sqlalchemy as sa
from build_world import make_app
from pages import count_cases, databases
from plans import explain


@dataclass
class Probe:
    name: str
    run: Callable[[], object]  # one lookup; returns what it found (for the hit check)


@dataclass
class Result:
    queries: set[int]
    times_ms: list[float]
    found: int
    plans: list[tuple[str, list[str]]]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


VISITOR_CASES = 5  # earlier cases of the repeat visitor


def plant_repeat_visitor(app) -> dict[str, str]:
    """Make the applicants of the newest VISITOR_CASES cases of 公安县 (the clerk's county) one
    person with a valid ID number and phone, normalised as the app stores them, and return
    what the clerk types. (build_world.py's ID numbers have no valid check digit and its
    phone_norm is not E.164, so without this no ID or phone lookup would ever match.)"""
    from stdnum.cn import ric

    from domain.identity import normalise_id_number, normalise_phone
    from extensions import db
    from models import Case, Party

    body = "42102219800101" + "777"
    person = {
        "id_number": body + ric.calc_check_digit(body + "0"),
        "phone": "13900001234",
        "name": "重复来访人",
    }
    with app.app_context():
        ids = db.session.scalars(
            sa.select(Party.id)
            .join(Case, Case.id == Party.case_id)
            .where(Case.region_code.like("421022%"), Party.role == "applicant")
            .order_by(Case.id.desc())
            .limit(VISITOR_CASES)
        ).all()
        db.session.execute(
            sa.update(Party)
            .where(Party.id.in_(ids))
            .values(
                id_number=person["id_number"],
                id_number_norm=normalise_id_number(person["id_number"]),
                phone=person["phone"],
                phone_norm=normalise_phone(person["phone"]),
                name=person["name"],
            )
        )
        db.session.commit()
        db.session.remove()
    return person


# Valid but nobody's (bench ID numbers are all born on 1 January): the ID number and the phone
# are really looked up (an invalid number is not searched at all).
MISS = {"id_number": "421022198002029995", "phone": "13000000000", "name": "查无此人"}


def probes(app, person: dict[str, str]) -> list[Probe]:
    from domain.people import find_earlier_cases
    from extensions import db
    from models import User

    def lookup(**typed):
        def run():
            with app.test_request_context(headers={"Accept-Language": "en"}):
                clerk = db.session.scalar(sa.select(User).where(User.username == "clerk"))
                found = find_earlier_cases(clerk, **typed)
                db.session.remove()
                return found

        return run

    client = harness.login(app, "clerk")
    hx = {"HX-Request": "true", "HX-Target": "related-cases"}

    def related(**typed):
        form = {f"applicants-0-{k}": v for k, v in typed.items()}

        def run():
            response = client.post("/desk/related", data=form, headers=hx)
            if response.status_code != 200:
                raise RuntimeError(f"/desk/related: HTTP {response.status_code}")
            return response.get_data(as_text=True).count('href="/cases/')

        return run

    out = []
    for label, values in (("hit", person), ("miss", MISS)):
        out += [
            Probe(f"find_earlier_cases id_number ({label})", lookup(id_number=values["id_number"])),
            Probe(f"find_earlier_cases phone ({label})", lookup(phone=values["phone"])),
            Probe(f"find_earlier_cases name ({label})", lookup(name=values["name"])),
            Probe(f"POST /desk/related id+phone+name ({label})", related(**values)),
        ]
    return out


def measure(url: str, repeat: int, warmup: int) -> dict[str, Result]:
    from extensions import db

    app = make_app(url)
    recorder = harness.install_recorder(app)
    person = plant_repeat_visitor(app)
    results: dict[str, Result] = {}
    for probe in probes(app, person):
        for _ in range(warmup):
            probe.run()
        times, counts, found, statements = [], set(), 0, []
        for _ in range(repeat):
            with recorder.capture() as sent:
                started = time.perf_counter()
                got = probe.run()
                times.append((time.perf_counter() - started) * 1000)
            counts.add(len(sent))
            found = got if isinstance(got, int) else len(got)
            statements = list(sent)
        plans = []
        with app.app_context(), db.engine.connect() as conn:
            for statement, parameters in statements:
                if statement.lstrip().upper().startswith("SELECT") and " party" in statement:
                    plans.append(
                        (
                            statement,
                            explain(conn, db.engine.dialect.name, statement, parameters, False),
                        )
                    )
        results[probe.name] = Result(counts, times, found, plans)
    with app.app_context():
        db.engine.dispose()
    return results


def report(
    small: dict[str, Result], big: dict[str, Result], small_n: int, big_n: int, max_ms: float
) -> tuple[str, list[str]]:
    lines = [
        f"| lookup [clerk] | found | queries @{small_n:,} | queries @{big_n:,} | "
        f"median ms @{small_n:,} | p95 ms @{small_n:,} | median ms @{big_n:,} | "
        f"p95 ms @{big_n:,} | |",
        "|" + "---|" * 9,
    ]
    failures = []
    for name, s in small.items():
        b = big[name]
        flags = []
        if s.queries != b.queries or len(b.queries) > 1:
            flags.append("QUERY COUNT DIFFERS")
        if b.median > max_ms:
            flags.append(f"median > {max_ms:g} ms")
        failures += [f"{name}: {f}" for f in flags]
        q = lambda r: "/".join(str(n) for n in sorted(r.queries))  # noqa: E731
        lines.append(
            f"| {name} | {s.found}/{b.found} | {q(s)} | {q(b)} | {s.median:.1f} | {s.p95:.1f} | "
            f"{b.median:.1f} | {b.p95:.1f} | {'; '.join(flags) or 'ok'} |"
        )
    lines += ["", f"Plans at {big_n:,} cases (statements touching party):", ""]
    seen: set[str] = set()
    for name, b in big.items():
        for statement, plan in b.plans:
            key = " ".join(statement.split())
            if key in seen:
                continue
            seen.add(key)
            lines += [f"- {name}:", "", "      " + key[:400], *("      " + p for p in plan), ""]
    return "\n".join(lines), failures


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
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--max-median-ms", type=float, default=100.0)
    args = parser.parse_args(argv)

    with databases(args) as (small_url, big_url):
        small_n, big_n = count_cases(small_url), count_cases(big_url)
        print(
            f"person lookup x {args.repeat} at {small_n:,} and {big_n:,} cases "
            f"({big_url.split(':', 1)[0]})",
            flush=True,
        )
        small = measure(small_url, args.repeat, args.warmup)
        big = measure(big_url, args.repeat, args.warmup)
    text, failures = report(small, big, small_n, big_n, args.max_median_ms)
    print(text)
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nok: query counts equal at both scales; medians <= {args.max_median_ms:g} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
