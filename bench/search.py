"""Time the staff search page (/search/) at two scales: every kind of search (case number whole
and prefix, name of three or more characters, one and two characters, phone, ID number; hits,
broad matches and misses) as a clerk, an administrator (the whole city) and a mediator, with
the SQL statements each request sends and their plans.

    .venv/bin/python bench/search.py                       # builds 1 000 and 100 000 (SQLite)
    .venv/bin/python bench/search.py /tmp/bench.sqlite3    # big: that file; small: 1 000
    .venv/bin/python bench/search.py --pg --cases 100000   # both scales on a throwaway PG
    .venv/bin/python bench/search.py --url URL --small-url URL2

Before measuring it plants, in each database (this UPDATES party rows of a database you pass):
a repeat visitor with a valid ID number and phone, normalised as the app stores them, as the
applicant of the 5 newest cases of 公安县 (the clerk's county), named 重复来访人, so the phone,
ID number and name "hit" rows really match; and companies as the respondents of one case in
25 (荆州某某建材有限公司), so "有限公司" is a broad three-character match (4% of the cases).
The generated names (surname + one or two given characters from small pools) make "王" a broad
one-character match (about 3% of the parties) and "王伟" a middling two-character one.

Each request is a page as a browser sends it: a GET for names and numbers (the address the
search page redirects to), a POST for phones and ID numbers (answered in place), each in a
fresh context (harness.IsolatedClient); `--warmup` untimed, then `--repeat` timed. Plans:
SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN` (`--analyze`: EXPLAIN (ANALYZE, BUFFERS)),
of every SELECT reading case or party, flagged as in plans.py.

Exit status 1 when a statement count differs between the scales (or between requests) or a
big-scale median exceeds --max-median-ms.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import sys
import time
from dataclasses import dataclass

import harness
import sqlalchemy as sa
from build_world import make_app
from pages import count_cases, databases
from plans import explain, flags_for

VISITOR_CASES = 5
COMPANY_EVERY = 25
VISITOR_NAME = "重复来访人"
COMPANY = "荆州某某建材有限公司"
MISS_ID = "421022198002029995"  # valid, nobody's (bench ID numbers are all born on 1 January)
MISS_PHONE = "13000000000"


@dataclass
class Probe:
    name: str
    user: str
    method: str
    url: str
    data: dict | None = None
    after: Probe | None = None  # a second page: the URL is the next-page link of `after`


@dataclass
class Result:
    queries: set[int]
    times_ms: list[float]
    found: int
    more: bool
    plans: list[tuple[str, list[str], list[str]]]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def plant(app) -> dict[str, str]:
    """The repeat visitor and the companies (see the module docstring); returns what is typed."""
    from stdnum.cn import ric

    from domain.identity import normalise_id_number, normalise_phone
    from extensions import db
    from models import Case, Party

    body = "42102219800101" + "777"
    person = {"id_number": body + ric.calc_check_digit(body + "0"), "phone": "13900001234"}
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
                name=VISITOR_NAME,
            )
        )
        db.session.execute(
            sa.update(Party)
            .where(Party.role == "respondent", Party.case_id % COMPANY_EVERY == 0)
            .values(name=COMPANY, kind="organisation")
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:  # committed: fresh statistics for the planner
                conn.exec_driver_sql("ANALYZE party")
        newest = db.session.scalar(
            sa.select(sa.func.max(Case.number)).where(Case.number.like("%-421022-%"))
        )
        db.session.remove()
    person["number"] = newest
    return person


def probes(person: dict[str, str]) -> list[Probe]:
    def get(name, user, q):
        return Probe(name, user, "GET", f"/search/?q={q}")

    def post(name, user, q):
        return Probe(name, user, "POST", "/search/", {"q": q})

    return [
        get("number whole", "clerk", person["number"]),
        get("number prefix (year-county)", "clerk", person["number"][:11]),
        get("number prefix (year-county)", "admin", person["number"][:11]),
        get("name 5 chars anywhere (hit)", "clerk", VISITOR_NAME),
        get("name 3 chars inside (hit)", "clerk", VISITOR_NAME[2:]),
        get("name 4 chars, 4% of cases", "clerk", "有限公司"),
        get("name 4 chars, 4% of cases", "admin", "有限公司"),
        get("name 1 char 王 (3% of parties)", "clerk", "王"),
        get("name 1 char 王 (3% of parties)", "admin", "王"),
        get("name 1 char 王 (3% of parties)", "mediator", "王"),
        get("name 2 chars 王伟", "clerk", "王伟"),
        get("name 4 chars (miss)", "clerk", "查无此人"),
        get("name 2 chars (miss)", "clerk", "查无"),
        post("phone (hit)", "clerk", person["phone"]),
        post("phone (miss)", "clerk", MISS_PHONE),
        post("ID number (hit)", "clerk", person["id_number"]),
        post("ID number (miss)", "clerk", MISS_ID),
        post("phone (hit)", "admin", person["phone"]),
    ]


def _request(client, probe: Probe) -> str:
    if probe.method == "POST":
        response = client.post(probe.url, data=probe.data)
    else:
        response = client.get(probe.url)
    if response.status_code != 200:
        raise RuntimeError(f"{probe.method} {probe.url}: HTTP {response.status_code}")
    return response.get_data(as_text=True)


def key(probe: Probe) -> str:
    return f"{probe.name} [{probe.user}]"


def measure(url: str, repeat: int, warmup: int, analyze: bool) -> dict[str, Result]:
    from extensions import db

    app = make_app(url)
    recorder = harness.install_recorder(app)
    person = plant(app)
    clients: dict[str, object] = {}
    results: dict[str, Result] = {}
    pages = probes(person)
    # The second page of the broadest searches, by the first page's own next-page link.
    for probe in list(pages):
        if probe.name.startswith("name 1 char") and probe.user in ("clerk", "admin"):
            pages.append(Probe(probe.name + " p2", probe.user, "GET", "", after=probe))
    for probe in pages:
        if probe.user not in clients:
            clients[probe.user] = harness.login(app, probe.user)
        client = clients[probe.user]
        if probe.after is not None:
            found = re.search(r'href="([^"]*after=[^"]*)"', _request(client, probe.after))
            if not found:
                raise RuntimeError(f"no next page for {key(probe)}")
            probe.url = html.unescape(found.group(1))
        for _ in range(warmup):
            _request(client, probe)
        times, counts, body, statements = [], set(), "", []
        for _ in range(repeat):
            with recorder.capture() as sent:
                started = time.perf_counter()
                body = _request(client, probe)
                times.append((time.perf_counter() - started) * 1000)
            counts.add(len(sent))
            statements = list(sent)
        plans = []
        with app.app_context(), db.engine.connect() as conn:
            dialect = db.engine.dialect.name
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                if not re.search(r'\b(FROM|JOIN) "?(case|party)"?(\s|$)', statement):
                    continue
                plan = explain(conn, dialect, statement, parameters, analyze)
                plans.append((statement, plan, flags_for(dialect, plan, statement)))
        results[key(probe)] = Result(
            counts,
            times,
            len(re.findall(r'<tr id="case-', body)),
            bool(re.search(r'href="[^"]*after=|name="after" value="[^"]', body)),
            plans,
        )
    with app.app_context():
        db.engine.dispose()
    return results


def report(
    small: dict[str, Result], big: dict[str, Result], small_n: int, big_n: int, max_ms: float
) -> tuple[str, list[str]]:
    lines = [
        f"| search [user] | rows shown @{small_n:,} / @{big_n:,} | queries @{small_n:,} | "
        f"queries @{big_n:,} | median ms @{small_n:,} | p95 ms @{small_n:,} | "
        f"median ms @{big_n:,} | p95 ms @{big_n:,} | |",
        "|" + "---|" * 9,
    ]
    failures = []

    def q(r: Result) -> str:
        return "/".join(str(n) for n in sorted(r.queries))

    def shown(r: Result) -> str:
        return f"{r.found}{'+' if r.more else ''}"

    for name, s in small.items():
        b = big[name]
        flags = []
        if s.queries != b.queries or len(b.queries) > 1:
            flags.append("QUERY COUNT DIFFERS")
        if b.median > max_ms:
            flags.append(f"median > {max_ms:g} ms")
        failures += [f"{name}: {f}" for f in flags]
        lines.append(
            f"| {name} | {shown(s)} / {shown(b)} | {q(s)} | {q(b)} | {s.median:.1f} | "
            f"{s.p95:.1f} | {b.median:.1f} | {b.p95:.1f} | {'; '.join(flags) or 'ok'} |"
        )
    lines += ["", f"Plans at {big_n:,} cases (SELECTs reading case or party):", ""]
    seen: set[str] = set()
    for name, b in big.items():
        for statement, plan, flags in b.plans:
            one_line = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", " ".join(statement.split()))
            shape = re.sub(r"'[^']*'|\?|%\(\w+\)s|\$\d+", "?", one_line)
            if shape in seen:
                continue
            seen.add(shape)
            lines += [f"- {name}:", "", "      " + one_line[:900], *("      " + p for p in plan)]
            lines += [f"      !! {f}" for f in flags] + [""]
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
        "--pg", action="store_true", help="build both scales on a throwaway PostgreSQL"
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--max-median-ms", type=float, default=100.0)
    parser.add_argument(
        "--analyze", action="store_true", help="PostgreSQL: EXPLAIN (ANALYZE, BUFFERS)"
    )
    args = parser.parse_args(argv)

    with databases(args) as (small_url, big_url):
        small_n, big_n = count_cases(small_url), count_cases(big_url)
        print(
            f"search x {args.repeat} at {small_n:,} and {big_n:,} cases "
            f"({big_url.split(':', 1)[0]})",
            flush=True,
        )
        small = measure(small_url, args.repeat, args.warmup, args.analyze)
        big = measure(big_url, args.repeat, args.warmup, args.analyze)
    text, failures = report(small, big, small_n, big_n, args.max_median_ms)
    print(text)
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nok: query counts equal at both scales; medians <= {args.max_median_ms:g} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
