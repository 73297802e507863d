"""No input gives a 500: every route and every form, as each user of the test world reaches
them, with hostile values (huge and negative ids, 2**31 and 2**63, blank and control
characters, NUL, rare CJK, 100 000-character text, forged paging cursors, dates in year 1 and
9999, repeated keys). Routes and forms are discovered from the URL map and the pages
(tests/fuzz/crawl.py), so a new one is fuzzed without editing this file.

Two modes: the short one (default, CI) is derandomized, so a run is reproducible; the long one
(`JIEFEN_FUZZ=long`, README "Running the tests") sends at least 30 000 requests with fresh
randomness. Either collects every failing request shape, shrinks each to a small example and
prints them all at the end, with the server's traceback.

Every request runs inside one database transaction that is rolled back afterwards (the app's
own commits become savepoints), so each example meets the same world and the discovered forms
(their hidden case versions, their ids) stay valid."""

from __future__ import annotations

import contextlib
import math
import os
import re
import time
import traceback
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import HealthCheck, Phase, example, given, note, settings
from werkzeug.datastructures import MultiDict

from domain.clocks import local_today
from tests.factories import PASSWORD
from tests.fuzz import plans, world
from tests.fuzz.crawl import Crawler, Target, guessed, starts

LONG = os.environ.get("JIEFEN_FUZZ", "short") == "long"
# Short: one page of each kind per user; each target's sweeps and one random request.
# Long: more pages of each kind, then random requests until 30 000 have been sent.
PER_KEY = 3 if LONG else 1
MAX_PAGES = 2000 if LONG else 400
SHORT_EXAMPLES = int(os.environ.get("JIEFEN_FUZZ_EXAMPLES", "1"))
LONG_REQUESTS = int(os.environ.get("JIEFEN_FUZZ_REQUESTS", "30000"))
# Only the targets whose name ("<user> <METHOD> <endpoint> <path> [fields]") matches.
ONLY = os.environ.get("JIEFEN_FUZZ_ONLY")
TRACE = bool(os.environ.get("JIEFEN_FUZZ_TRACE"))  # print every request and its status (-s)
RENEW_EVERY = 500  # requests per outer transaction (see one_transaction)
TRACEBACK = b"Traceback (most recent call last)"


@dataclass
class Stats:
    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # target -> shrunk example

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.by_status.items() if status >= 500)


class ServerError(AssertionError):
    pass


@contextlib.contextmanager
def one_transaction(app, db, monkeypatch):
    """Every session of every request joins one connection's transaction, as a savepoint;
    yields a function that runs a request inside a savepoint rolled back afterwards."""
    with app.app_context():
        engine = db.engine
    db.session.remove()
    conn = engine.connect()

    def begin():
        outer = conn.begin()
        if conn.dialect.name == "sqlite":
            # pysqlite opens its transaction lazily, before the first write; without one, the
            # first SAVEPOINT would become the transaction and its RELEASE would commit.
            conn.exec_driver_sql("DELETE FROM holiday WHERE 0")
        return outer

    outer = begin()
    monkeypatch.setattr(FlaskSession, "get_bind", lambda self, *a, **kw: conn)
    monkeypatch.setitem(db.session.session_factory.kw, "join_transaction_mode", "create_savepoint")
    calls = 0

    def isolated(fn):
        nonlocal outer, calls
        calls += 1
        if calls % RENEW_EVERY == 0:
            # A fresh outer transaction now and then: the long mode's tens of thousands of
            # savepoints in one transaction exhaust PostgreSQL's lock table
            # (max_locks_per_transaction). Nothing is lost: every request was rolled back.
            outer.rollback()
            outer = begin()
        savepoint = conn.begin_nested()
        try:
            return fn()
        finally:
            if savepoint.is_active:
                savepoint.rollback()
            assert outer.is_active, "a request ended the test's transaction"

    try:
        yield isolated
    finally:
        outer.rollback()
        conn.close()


def _problem(method: str, path: str, response) -> str | None:
    if response.status_code >= 500:
        return f"{method} {path} answered {response.status_code}"
    if TRACEBACK in response.get_data():
        return f"{method} {path}: a traceback in the answer"
    return None


class Fuzzer:
    def __init__(self, clients, cookies, isolated, stats: Stats):
        self.clients = clients
        self.cookies = cookies
        self.isolated = isolated
        self.stats = stats

    def _open(self, client, path: str, method: str, query, data, headers):
        """Send one request; (the problem with its answer, or None; the answer)."""
        self.stats.requests += 1
        try:
            response = client.open(
                path,
                method=method,
                query_string=[(k, v) for k, vs in query.items() for v in vs] or None,
                data=MultiDict([(k, v) for k, vs in data.items() for v in vs]),
                headers=headers,
            )
        except Exception:  # noqa: BLE001 - TESTING propagates the view's exception
            self.stats.by_status[500] = self.stats.by_status.get(500, 0) + 1
            return f"{method} {path} raised:\n" + traceback.format_exc(limit=-15), None
        status = response.status_code
        self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        if TRACE:
            print(status, method, path, dict(query), {k: v[:3] for k, v in data.items()})
        return _problem(method, path, response), response

    def send(self, req: plans.Request):
        """Send `req` in a savepoint rolled back afterwards; a redirect after a POST is
        followed once, as a browser would (the page showing what was stored must render
        too), then `req.then` is looked at. (The first problem or None; the first answer.)"""
        client = self.clients[req.target.user]
        client._cookies = dict(self.cookies[req.target.user])  # logged in again, as before
        method = req.target.method

        def call():
            problem, response = self._open(
                client, req.path, method, req.query, req.data, req.headers
            )
            if problem is None and method == "POST":
                location = response.headers.get("Location") or response.headers.get("HX-Redirect")
                if location and location.startswith(("/", "http://localhost/")):
                    problem, _ = self._open(client, location.split("#")[0], "GET", {}, {}, {})
            if problem is None and req.then is not None:
                problem, _ = self._open(client, req.then.path(), "GET", req.then.query, {}, {})
            return problem, response

        return self.isolated(call)

    def run(
        self, target: Target, examples: int, query_names, pages, today: str, *, sweep=True
    ) -> bool:
        """The target's sweeps, then `examples` random requests; a target that refuses this
        user before reading anything (the login page, 403) is tried once only. Whether the
        target took this user's requests (False: refused, or already failing)."""
        refused = []

        def body(req: plans.Request) -> None:
            if refused:
                return
            note(req.describe())
            problem, response = self.send(req)
            if problem:
                raise ServerError(f"{req.describe()}\n-> {problem}")
            location = response.headers.get("Location", "")
            if response.status_code == 403 or "/auth/login" in location:
                refused.append(True)

        check = given(req=plans.random_request(target, query_names, pages, today))(body)
        for req in reversed(plans.sweeps(target, today) if sweep else []):
            check = example(req=req)(check)
        check = settings(
            max_examples=examples,
            derandomize=not LONG,
            database=None,
            deadline=None,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )(check)
        try:
            check()
        except ServerError as error:
            self.stats.failures[target.name] = str(error)
            return False
        return not refused


def row_counts(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables
        }


def login_all(app, case) -> tuple[dict, dict]:
    """A client per user, logged in; the citizen has unlocked `case` with its query code."""
    clients, cookies = {}, {}
    for user in world.USERS:
        client = app.test_client()
        if user is not None:
            response = client.post("/auth/login", data={"username": user, "password": PASSWORD})
            assert response.status_code == 302, f"cannot log in as {user}"
        else:
            client.post("/lookup", data={"number": case.number, "code": case.query_code_plain})
        clients[user] = client
        cookies[user] = dict(client._cookies)
    return clients, cookies


def still_logged_in(clients, cookies) -> bool:
    """Whether each user's session still opens their start page (not the login page)."""
    for user, client in clients.items():
        if user is not None:
            client._cookies = dict(cookies[user])
            response = client.get("/auth/home")
            if response.status_code != 302 or "/auth/login" in response.location:
                return False
    return True


def discover(app, clients, isolated) -> tuple[list[Target], list[str], dict[str, int]]:
    targets: list[Target] = []
    values: dict[str, set[str]] = {}
    failures: list[str] = []
    pages = {}
    for user, client in clients.items():
        crawler = Crawler(app.url_map, client, user, per_key=PER_KEY, max_pages=MAX_PAGES)
        isolated(lambda crawler=crawler: crawler.crawl(starts(app.url_map)))
        targets += crawler.targets.values()
        for k, v in crawler.values.items():
            values.setdefault(k, set()).update(v)
        failures += crawler.failures
        pages[user or "anonymous"] = crawler.fetched
    targets += guessed(app.url_map, targets, values, list(clients))
    return targets, failures, pages


def test_no_server_error_on_hostile_input(app, db, monkeypatch, capsys):
    started = time.monotonic()
    fuzz_world = world.build()
    # Short pages, so that every list shows its "next page" link with a real cursor.
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    monkeypatch.setitem(app.config, "DESK_PAGE_SIZE", 2)
    clients, cookies = login_all(app, fuzz_world.citizen_case)
    stats = Stats()
    before = row_counts(db)
    with one_transaction(app, db, monkeypatch) as isolated:
        targets, crawl_failures, crawled = discover(app, clients, isolated)
        pages: dict = {}  # what each user looks at after a change
        for t in targets:
            if t.method == "GET" and t.found_on_page:
                pages.setdefault(t.user, []).append(t)
        if ONLY:
            targets = [t for t in targets if re.search(ONLY, t.name)]
        fuzzer = Fuzzer(clients, cookies, isolated, stats)
        query_names = sorted({k for t in targets for k in t.query})
        today = local_today().isoformat()
        discovered = time.monotonic()

        def one_pass(chosen: list[Target], examples: int, sweep: bool) -> list[Target]:
            return [
                t
                for t in chosen
                if fuzzer.run(t, examples, query_names, pages.get(t.user, []), today, sweep=sweep)
            ]

        # Every target: its sweeps and a random request or two. The long mode then draws
        # fresh random requests for the targets that take them until it has sent its count.
        # Logging in and out come last: should a session outlive the rollback (kept outside
        # the database), ending it must not turn the other targets into login redirects.
        first = [t for t in targets if not t.endpoint.startswith("auth.")]
        last = [t for t in targets if t.endpoint.startswith("auth.")]
        active = one_pass(first, SHORT_EXAMPLES, sweep=True)
        while LONG and active and stats.requests < LONG_REQUESTS:
            left = LONG_REQUESTS - stats.requests
            active = one_pass(active, max(5, math.ceil(left / len(active))), sweep=False)
        assert still_logged_in(clients, cookies), "a request ended a user's session for good"
        one_pass(last, SHORT_EXAMPLES, sweep=True)
    elapsed = time.monotonic() - started
    assert row_counts(db) == before, "the fuzzer's requests were not all rolled back"
    guessed_only = sorted(
        {(t.endpoint, t.method) for t in targets}
        - {(t.endpoint, t.method) for t in targets if t.found_on_page}
    )
    summary = (
        f"fuzz ({'long' if LONG else 'short'}, {db.engine.dialect.name}): "
        f"{sum(crawled.values())} pages crawled {crawled}, "
        f"{len(targets)} targets ({sum(not t.found_on_page for t in targets)} guessed), "
        f"{stats.requests} requests, {stats.server_errors} answered 5xx, "
        f"{len(stats.failures)} failing targets; crawl {discovered - started:.0f} s, "
        f"total {elapsed:.0f} s; statuses {dict(sorted(stats.by_status.items()))}"
    )
    with capsys.disabled():
        print("\n" + summary)
        if guessed_only:  # their fields are guessed: a world case in the right state helps
            print("on no page: " + ", ".join(f"{m} {e}" for e, m in guessed_only))
    problems = crawl_failures + [f"{name}\n{text}" for name, text in stats.failures.items()]
    if problems:
        pytest.fail(summary + "\n\n" + "\n\n".join(problems), pytrace=False)
