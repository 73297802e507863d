"""Load test: citizens applying online at once, on gunicorn, on SQLite and on PostgreSQL with a
restart of the database server in the middle. Not part of the test suite.

    .venv/bin/python bench/load.py                        # both databases, 50 users, 60 s
    .venv/bin/python bench/load.py --db postgresql --users 20 --seconds 20
    .venv/bin/python bench/load.py --db sqlite --seconds 10 --users 5   # a quick look
    .venv/bin/python bench/load.py --db postgresql --down 5    # PostgreSQL away for 5 s
    .venv/bin/python bench/load.py --db postgresql --threads 4 # 4 threads per worker

Each run starts from a fresh database (the migrations and demo.small.SmallWorld's regions and
organisations: two counties with a township and villages each) and serves the app with the
production configuration under gunicorn (`-w 4 --no-control-socket`, as README's deploy
section), changed only as a plain-HTTP run on one address needs: cookies without `Secure`, the
rate limits raised. CSRF is on and the query codes are hashed as in production.

Every simulated citizen, in its own thread with its own cookies, loops until the time is up:
GET /apply (the CSRF and one-time tokens parsed from the form), POST an application marked
with a unique text in its account of the dispute, and on 303 GET the receipt page and read
the case number and query code. After a 503 (the form again, nothing lost) or a refused
connection it sends the same form again after a second, as a person pressing "Submit" again
would; after another error (a 500: what was typed is gone) it starts over. PostgreSQL is
restarted with `pg_ctl restart -m fast` at --restart-at seconds (default: half-way), or with
--down N stopped (`-m fast`) and started again N seconds later.

Afterwards the database is read: applications acknowledged (a receipt was shown) against
stored, lost (acknowledged but not stored, or stored under another number), duplicated (one
form stored twice), stored without a receipt shown, and a sample of the shown query codes is
checked against the stored hashes. Printed: requests and their statuses, 5xx and 503s,
connection errors, the retries inside the app (its log), the time from the restart until the
last failed request, and latency percentiles per request kind.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

SECRET = "load-bench-not-secret"  # noqa: S105 - a throwaway server
MARKER = "bench-load"
TRIES = 5  # sends of one form before the citizen gives up
TIMEOUT = 60  # seconds per HTTP request

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_TOKEN = re.compile(r'name="submission" type="hidden" value="([^"]+)"')
_NUMBER = re.compile(r'id="case-number">([^<]+)<')
_CODE = re.compile(r'id="query-code">([^<]+)<')


# ---- the database and the server -------------------------------------------------------------


def build(url: str) -> list[tuple[int, int, int]]:
    """Migrate an empty database, add the small world; return (county, township, village) ids
    of its two villages in two counties."""
    from build_world import make_app
    from flask_migrate import upgrade

    from demo.small import SmallWorld
    from extensions import db

    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        w = SmallWorld()
        db.session.commit()
        places = [
            (w.county.id, w.township.id, w.village.id),
            (w.county2.id, w.township2.id, w.village3.id),
        ]
        db.session.remove()
        db.engine.dispose()
    return places


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(url: str, workers: int, threads: int, log: Path) -> Iterator[str]:
    """Serve the app on a free port; yield its base URL; stop it (SIGTERM to its master)."""
    port = _free_port()
    env = {
        **os.environ,
        "JIEFEN_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        # Plain HTTP on 127.0.0.1: a Secure cookie would never come back.
        "FLASK_SESSION_COOKIE_SECURE": "false",
        # Every citizen comes from 127.0.0.1: one address, so the limits are raised.
        "JIEFEN_LIMIT_APPLICATION": "1000000 per minute",
        "JIEFEN_LIMIT_LOOKUP": "1000000 per minute",
        "JIEFEN_LIMIT_RECEIPT": "1000000 per minute",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-w", str(workers),
        "--threads", str(threads),
        "--no-control-socket",
        "-b", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "app:create_app()",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log}")
            time.sleep(0.2)
        yield base
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass
class Cluster:
    url: str
    restart: object  # () -> None


@contextlib.contextmanager
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server as tests/pg.py starts one, which can be restarted."""
    from tests import pg

    bindir = pg._bindir()
    if bindir is None or not pg.postgres_available():
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="jiefen-load-pg-"))
    data, log = base / "data", base / "server.log"
    if pg._is_root():
        import pwd

        user = pwd.getpwnam(pg.PG_USER)
        os.chown(base, user.pw_uid, user.pw_gid)
    base.chmod(0o700)
    port = _free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c max_connections=200 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
    try:
        pg._run(
            [str(bindir / "initdb"), "-D", str(data), "-U", pg.PG_USER, "-A", "trust",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            "initdb",
            log,
        )  # fmt: skip
        pg._run([*pg_ctl, "-o", options, "start"], "start", log)
        pg._run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", pg.PG_USER,
             "jiefen_load"],
            "createdb",
            log,
        )  # fmt: skip

        def restart(down: float = 0) -> None:
            # -m fast: every session is ended at once (as a deploy or a failover does).
            if not down:
                # restart reuses the options the server was started with
                pg._run([*pg_ctl, "-m", "fast", "restart"], "restart", log)
                return
            pg._run([*pg_ctl, "-m", "fast", "stop"], "stop", log)
            time.sleep(down)
            pg._run([*pg_ctl, "-o", options, "start"], "start", log)

        yield Cluster(f"postgresql+psycopg://{pg.PG_USER}@127.0.0.1:{port}/jiefen_load", restart)
    finally:
        pg._stop(bindir, data)
        import shutil

        shutil.rmtree(base, ignore_errors=True)


# ---- the citizens ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Answer a redirect as it is: the 303 after the form is timed and followed by hand."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Sample:
    kind: str  # form | apply | receipt
    started: float  # seconds since the run started
    seconds: float
    status: int | None  # None: no HTTP answer (refused, reset, timed out)


@dataclass
class Run:
    base: str
    places: list[tuple[int, int, int]]
    t0: float
    stop_at: float
    samples: list[Sample] = field(default_factory=list)
    # marker of each application -> (number, code) shown, or None when none was shown
    applications: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    lost_forms: int = 0  # an answer other than 303/503: what was typed is gone
    gave_up: int = 0  # TRIES sends of one form without an answer
    lock: threading.Lock = field(default_factory=threading.Lock)

    def request(self, opener, kind: str, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.monotonic()
        status, text = None, ""
        try:
            with opener.open(self.base + path, data=body, timeout=TIMEOUT) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except OSError:
            pass
        ended = time.monotonic()
        with self.lock:
            self.samples.append(Sample(kind, started - self.t0, ended - started, status))
        return status, text


def application(marker: str, place: tuple[int, int, int], rng: random.Random) -> dict:
    county, township, village = place
    return {
        "action": "submit",
        "applicants-0-name": "王大明",
        "applicants-0-kind": "person",
        "applicants-0-sex": "male",
        "applicants-0-age": str(rng.randint(20, 80)),
        "applicants-0-phone": f"138{rng.randrange(10**8):08d}",
        "applicants-0-address": "埠河镇新民村3组",
        "respondents-0-name": "李小红",
        "respondents-0-kind": "person",
        "county": str(county),
        "township": str(township),
        "village": str(village),
        "dispute_type": "LL",
        "summary": f"{marker} 邻居修房时把排水沟堵了，雨天积水进我家。",
        "requests": "疏通排水沟\n赔偿损失500元",
        "amount": "500",
        "declaration": "y",
    }


def citizen(run: Run, number: int) -> None:
    rng = random.Random(number)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    attempt = 0
    while time.monotonic() < run.stop_at:
        status, page = run.request(opener, "form", "/apply")
        csrf, token = _CSRF.search(page or ""), _TOKEN.search(page or "")
        if status != 200 or not csrf:
            time.sleep(1)
            continue
        attempt += 1
        marker = f"{MARKER}-{number:03d}-{attempt:05d}"
        data = application(marker, rng.choice(run.places), rng)
        with run.lock:
            run.applications[marker] = None
        for _send in range(TRIES):
            form = {**data, "csrf_token": unescape(csrf.group(1))}
            if token:  # (a version of the form without one-time tokens can be measured too)
                form["submission"] = token.group(1)
            status, page = run.request(opener, "apply", "/apply", form)
            if status == 303:
                break
            if status == 503 and _CSRF.search(page):
                csrf = _CSRF.search(page)  # the form again with all of it: send it again
                token = _TOKEN.search(page) or token
            elif status is not None:
                with run.lock:
                    run.lost_forms += 1
                break
            time.sleep(1)
        else:
            with run.lock:
                run.gave_up += 1
        if status != 303:
            continue
        for _read in range(TRIES):
            status, page = run.request(opener, "receipt", "/apply/submitted")
            shown_number, shown_code = _NUMBER.search(page or ""), _CODE.search(page or "")
            if status == 200 and shown_number and shown_code:
                with run.lock:
                    run.applications[marker] = (shown_number.group(1), shown_code.group(1))
                break
            time.sleep(1)


# ---- one run -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def stored_applications(url: str) -> list[tuple[str, str, str]]:
    """(marker, number, query code hash) of every case the run stored."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    'SELECT summary, number, query_code_hash FROM "case" WHERE summary LIKE :m'
                ),
                {"m": MARKER + "-%"},
            ).all()
    finally:
        engine.dispose()
    return [(summary.split()[0], number, hashed) for summary, number, hashed in rows]


def one_run(name: str, url: str, args, restart=None) -> dict:
    from werkzeug.security import check_password_hash

    places = build(url)
    workdir = Path(tempfile.mkdtemp(prefix="jiefen-load-"))
    log = workdir / "gunicorn.log"
    restart_times: tuple[float, float] | None = None
    with gunicorn(url, args.workers, args.threads, log) as base:
        t0 = time.monotonic()
        run = Run(base, places, t0, t0 + args.seconds)
        threads = [
            threading.Thread(target=citizen, args=(run, i), daemon=True) for i in range(args.users)
        ]
        for t in threads:
            t.start()
        if restart is not None and args.restart_at > 0:
            time.sleep(max(0.0, t0 + args.restart_at - time.monotonic()))
            began = time.monotonic() - t0
            restart(args.down)
            restart_times = (began, time.monotonic() - t0)
        for t in threads:
            t.join(args.seconds + TRIES * (TIMEOUT + 1) + 60)
        elapsed = time.monotonic() - t0
    app_log = log.read_text(errors="replace")

    stored = stored_applications(url)
    by_marker = Counter(marker for marker, _n, _h in stored)
    numbers = {marker: number for marker, number, _h in stored}
    hashes = {number: hashed for _m, number, hashed in stored}
    shown = {m: r for m, r in run.applications.items() if r is not None}
    lost = [m for m, (number, _code) in shown.items() if numbers.get(m) != number]
    sample = random.Random(0).sample(sorted(shown.items()), min(args.check_codes, len(shown)))
    codes_ok = sum(
        1
        for _m, (number, code) in sample
        if number in hashes and check_password_hash(hashes[number], code.replace("-", ""))
    )
    statuses = Counter(s.status for s in run.samples)
    failures = [s for s in run.samples if s.status is None or s.status >= 500]
    result = {
        "name": name,
        "users": args.users,
        "server": f"{args.workers}×{args.threads}",
        "seconds": round(elapsed, 1),
        "requests": len(run.samples),
        "statuses": dict(sorted(statuses.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))),
        "started": len(run.applications),
        "acknowledged": len(shown),
        "stored": len(by_marker),
        "cases": len(stored),
        "lost": len(lost),
        "duplicated": sum(n - 1 for n in by_marker.values() if n > 1),
        "stored_no_receipt": len(set(by_marker) - set(shown)),
        "codes_checked": f"{codes_ok}/{len(sample)}",
        "5xx": sum(1 for s in run.samples if s.status is not None and s.status >= 500),
        "503": statuses.get(503, 0),
        "5xx_by_kind": Counter(
            s.kind for s in run.samples if s.status is not None and s.status >= 500
        ),
        "500": statuses.get(500, 0),
        "no_answer": statuses.get(None, 0),
        "lost_forms": run.lost_forms,
        "gave_up": run.gave_up,
        "app_retries": app_log.count("database unavailable in"),
        "restart": restart_times,
        "recovery": None,
        "log": str(log),
    }
    if restart_times is not None:
        began = restart_times[0]
        after = [s.started + s.seconds for s in failures if s.started + s.seconds >= began]
        result["recovery"] = round(max(after) - restart_times[0], 2) if after else 0.0
        result["failures_after_restart"] = len(after)
    for kind in ("form", "apply", "receipt", None):
        times = [s.seconds * 1000 for s in run.samples if kind is None or s.kind == kind]
        label = kind or "all"
        result[f"p50_{label}"] = round(percentile(times, 0.50), 1)
        result[f"p95_{label}"] = round(percentile(times, 0.95), 1)
    result["req_per_s"] = round(len(run.samples) / elapsed, 1)
    result["mean_apply_ms"] = round(
        statistics.fmean([s.seconds * 1000 for s in run.samples if s.kind == "apply"] or [0]), 1
    )
    return result


def report(results: list[dict]) -> str:
    rows = [
        ("requests (req/s)", lambda r: f"{r['requests']} ({r['req_per_s']})"),
        ("statuses", lambda r: ", ".join(f"{k or 'none'}: {v}" for k, v in r["statuses"].items())),
        ("applications sent", lambda r: r["started"]),
        ("acknowledged (receipt shown)", lambda r: r["acknowledged"]),
        ("stored in the database", lambda r: r["stored"]),
        ("lost (acknowledged, not stored)", lambda r: r["lost"]),
        ("duplicated (one form stored twice)", lambda r: r["duplicated"]),
        ("stored, receipt not shown", lambda r: r["stored_no_receipt"]),
        ("query codes shown = stored", lambda r: r["codes_checked"]),
        ("5xx answers (of which 503)", lambda r: f"{r['5xx']} ({r['503']})"),
        (
            "5xx: form / apply / receipt",
            lambda r: " / ".join(str(r["5xx_by_kind"][k]) for k in ("form", "apply", "receipt")),
        ),
        ("500 answers", lambda r: r["500"]),
        ("typed forms lost (an error other than 503 after Submit)", lambda r: r["lost_forms"]),
        (f"forms given up ({TRIES} sends unanswered)", lambda r: r["gave_up"]),
        ("no answer (refused, reset)", lambda r: r["no_answer"]),
        ("retries inside the app", lambda r: r["app_retries"]),
        (
            "restart at / done at (s)",
            lambda r: "—" if not r["restart"] else f"{r['restart'][0]:.1f} / {r['restart'][1]:.1f}",
        ),
        (
            "recovery: restart → last failed request (s)",
            lambda r: "—" if r["recovery"] is None else r["recovery"],
        ),
        ("latency p50 / p95, all (ms)", lambda r: f"{r['p50_all']} / {r['p95_all']}"),
        ("GET /apply p50 / p95 (ms)", lambda r: f"{r['p50_form']} / {r['p95_form']}"),
        ("POST /apply p50 / p95 (ms)", lambda r: f"{r['p50_apply']} / {r['p95_apply']}"),
        ("GET receipt p50 / p95 (ms)", lambda r: f"{r['p50_receipt']} / {r['p95_receipt']}"),
    ]
    head = "| | " + " | ".join(
        f"{r['name']}, {r['users']} users, {r['seconds']} s, workers×threads {r['server']}"
        for r in results
    )
    lines = [head + " |", "|---|" + "---|" * len(results)]
    lines += [f"| {label} | " + " | ".join(str(f(r)) for r in results) + " |" for label, f in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--users", type=int, default=50, help="concurrent citizens (50)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each run (60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn worker (1: sync workers)"
    )
    parser.add_argument(
        "--restart-at",
        type=float,
        default=None,
        help="restart PostgreSQL this many seconds in (default: half-way; 0: no restart)",
    )
    parser.add_argument(
        "--down",
        type=float,
        default=0,
        help="instead of a restart, stop PostgreSQL for this many seconds, then start it",
    )
    parser.add_argument(
        "--check-codes", type=int, default=30, help="shown query codes checked against the DB"
    )
    args = parser.parse_args(argv)
    if args.restart_at is None:
        args.restart_at = args.seconds / 2

    results = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="jiefen-load-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
            results.append(one_run("SQLite", url, args))
            print(report(results[-1:]), flush=True)
    if args.db in ("postgresql", "both"):
        with postgres() as cluster:
            name = "PostgreSQL"
            if args.restart_at > 0:
                name += f" + {args.down:g} s down" if args.down else " + restart"
            results.append(one_run(name, cluster.url, args, restart=cluster.restart))
            print(report(results[-1:]), flush=True)
    if len(results) > 1:
        print()
        print(report(results))
    bad = any(r["lost"] or r["duplicated"] or r["500"] or r["lost_forms"] for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
