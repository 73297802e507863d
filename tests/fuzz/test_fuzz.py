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
import io
import math
import os
import re
import time
import traceback
from dataclasses import dataclass, field

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from domain.clocks import local_today
from tests.factories import PASSWORD
from tests.fuzz import hostile, world
from tests.fuzz.crawl import Crawler, Target, guessed, starts

LONG = os.environ.get("JIEFEN_FUZZ", "short") == "long"
# Short: one page of each kind per user, two examples per target (about 1 000 requests).
# Long: more pages of each kind, and enough examples per target for 30 000 requests.
PER_KEY = 3 if LONG else 1
MAX_PAGES = 1500 if LONG else 250
SHORT_EXAMPLES = int(os.environ.get("JIEFEN_FUZZ_EXAMPLES", "2"))
LONG_REQUESTS = int(os.environ.get("JIEFEN_FUZZ_REQUESTS", "30000"))
# Only the targets whose name ("<user> <METHOD> <endpoint> <path> [fields]") matches.
ONLY = os.environ.get("JIEFEN_FUZZ_ONLY")
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
    outer = conn.begin()
    if conn.dialect.name == "sqlite":
        # pysqlite opens its transaction lazily, before the first write; without one, the
        # first SAVEPOINT would become the transaction and its RELEASE would commit.
        conn.exec_driver_sql("DELETE FROM holiday WHERE 0")
    monkeypatch.setattr(FlaskSession, "get_bind", lambda self, *a, **kw: conn)
    monkeypatch.setitem(db.session.session_factory.kw, "join_transaction_mode", "create_savepoint")

    def isolated(fn):
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


@dataclass
class Request:
    target: Target
    path: str
    query: dict[str, list[str]]
    data: dict[str, list]
    headers: dict[str, str]

    def describe(self) -> str:
        def short(values):
            def one(v):
                text = repr(v)
                return text if len(text) <= 80 else f"{text[:60]}…' ({len(v)} characters)"

            return ", ".join(one(v) for v in values)

        lines = [
            f"as {self.target.user or 'anonymous'}: {self.target.method} {self.path}"
            + (" (htmx)" if self.headers else ""),
        ]
        lines += [f"  ?{k} = {short(v)}" for k, v in self.query.items()]
        lines += [f"  {k} = {short(v)}" for k, v in self.data.items()]
        return "\n".join(lines)


def draw_request(data, t: Target, query_names: list[str], today: str) -> Request:
    """One request to `t`: its fields as the page filled them (an empty one as a careful
    user would), then one to six of them, or all, replaced by hostile values, repeated or
    left out; sometimes a forged path argument, a named button, an htmx header."""
    args = {}
    if t.args and data.draw(st.integers(0, 3), label="forge the path?") == 0:
        for name in sorted(t.args):
            if data.draw(st.booleans(), label=f"forge <{name}>"):
                strategy = hostile.int_path_value if name in t.int_args else hostile.path_value
                args[name] = data.draw(strategy, label=f"<{name}>")
    query = {k: list(v) for k, v in t.query.items()}
    fields = {
        k: [v for v in f.value if v.strip()] or [hostile.plausible(k, f.kind, f.options, today)]
        for k, f in t.fields.items()
    }
    if t.method == "GET":
        pool, kinds = query, {k: "query" for k in query}
        extra = [n for n in query_names if n not in query]
        if extra and data.draw(st.booleans(), label="add a query argument?"):
            name = data.draw(st.sampled_from(extra), label="argument")
            pool[name], kinds[name] = [], "query"
    else:
        pool, kinds = fields, {k: f.kind for k, f in t.fields.items()}
    names = sorted(pool)
    chosen: list[str] = []
    if names:
        # Half the time one field (the others as a user would fill them, so the value
        # reaches the domain), else a few, now and then all of them.
        how_many = data.draw(st.sampled_from([1, 1, 1, 6, 6, len(names)]), label="how many")
        chosen = data.draw(
            st.lists(
                st.sampled_from(names),
                min_size=1,
                max_size=min(how_many, len(names)),
                unique=True,
            ),
            label="fields",
        )
    for name in chosen:
        kind = kinds[name]
        options = t.fields[name].options if name in t.fields else None
        if kind == "file":
            pool[name] = [(io.BytesIO(data.draw(hostile.upload)), data.draw(hostile.path_value))]
            continue
        sample = next(iter(t.query.get(name, []) if kind == "query" else []), "")
        strategy = hostile.value_for(kind, options, sample)
        how = data.draw(st.sampled_from(["one", "one", "many", "drop"]), label=f"{name}: how")
        if how == "drop":
            pool.pop(name)
        elif how == "many":
            pool[name] = data.draw(st.lists(strategy, min_size=2, max_size=3), label=name)
        else:
            pool[name] = [data.draw(strategy, label=name)]
    if t.buttons and data.draw(st.booleans(), label="press a named button?"):
        name, value = data.draw(st.sampled_from(t.buttons), label="button")
        fields[name] = [value]
    headers = {}
    if data.draw(st.booleans(), label="htmx?"):
        headers = {"HX-Request": "true", "HX-Target": data.draw(st.sampled_from(["main", "x"]))}
    if t.method == "GET":
        return Request(t, t.path(args), pool, {}, headers)
    return Request(t, t.path(args), query, pool, headers)


class Fuzzer:
    def __init__(self, clients, cookies, isolated, stats: Stats, pages: dict, today: str):
        self.clients = clients
        self.cookies = cookies
        self.isolated = isolated
        self.stats = stats
        self.pages = pages  # user -> the GET targets they reach, to look at after a change
        self.today = today

    def _open(self, client, path: str, method: str, query, data, headers) -> str | None:
        """Send one request; the problem with its answer (a 5xx, a traceback), or None.
        A redirect after a POST is followed once, as a browser would: the page that shows
        what was just stored must render too."""
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
            return f"{method} {path} raised:\n" + traceback.format_exc(limit=-15)
        status = response.status_code
        self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        if status >= 500:
            return f"{method} {path} answered {status}"
        if TRACEBACK in response.get_data():
            return f"{method} {path}: a traceback in the answer"
        location = response.headers.get("Location") or response.headers.get("HX-Redirect")
        if method == "POST" and location and location.startswith(("/", "http://localhost/")):
            return self._open(client, location.split("#")[0], "GET", {}, {}, {})
        return None

    def send(self, req: Request, then: Target | None) -> str | None:
        client = self.clients[req.target.user]
        client._cookies = dict(self.cookies[req.target.user])  # logged in again, as before

        def call():
            problem = self._open(
                client, req.path, req.target.method, req.query, req.data, req.headers
            )
            if problem is None and then is not None:
                problem = self._open(client, then.path(), "GET", then.query, {}, {})
            return problem

        return self.isolated(call)

    def run(self, target: Target, examples: int, query_names: list[str]) -> None:
        pages = self.pages.get(target.user, [])

        @settings(
            max_examples=examples,
            derandomize=not LONG,
            database=None,
            deadline=None,
            phases=(Phase.explicit, Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        @given(st.data())
        def check(data):
            req = draw_request(data, target, query_names, self.today)
            then = None
            if target.method == "POST" and pages and data.draw(st.booleans(), label="then?"):
                then = data.draw(st.sampled_from(pages), label="then look at")
            note(req.describe() + (f"\nthen GET {then.path()}" if then else ""))
            problem = self.send(req, then)
            if problem:
                raise ServerError(f"{req.describe()}\n-> {problem}")

        try:
            check()
        except ServerError as error:
            self.stats.failures[target.name] = str(error)


def login_all(app) -> tuple[dict, dict]:
    clients, cookies = {}, {}
    for user in world.USERS:
        client = app.test_client()
        if user is not None:
            response = client.post("/auth/login", data={"username": user, "password": PASSWORD})
            assert response.status_code == 302, f"cannot log in as {user}"
        clients[user] = client
        cookies[user] = dict(client._cookies)
    return clients, cookies


def discover(app, clients, isolated) -> tuple[list[Target], list[str], int]:
    targets: list[Target] = []
    values: dict[str, set[str]] = {}
    failures: list[str] = []
    pages = 0
    for user, client in clients.items():
        crawler = Crawler(app.url_map, client, user, per_key=PER_KEY, max_pages=MAX_PAGES)
        isolated(lambda crawler=crawler: crawler.crawl(starts(app.url_map)))
        targets += crawler.targets.values()
        for k, v in crawler.values.items():
            values.setdefault(k, set()).update(v)
        failures += crawler.failures
        pages += crawler.fetched
    targets += guessed(app.url_map, targets, values, list(clients))
    return targets, failures, pages


def test_no_server_error_on_hostile_input(app, db, monkeypatch, capsys):
    started = time.monotonic()
    world.build()
    # Short pages, so that every list shows its "next page" link with a real cursor.
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    monkeypatch.setitem(app.config, "DESK_PAGE_SIZE", 1)
    clients, cookies = login_all(app)
    stats = Stats()
    with one_transaction(app, db, monkeypatch) as isolated:
        targets, crawl_failures, pages = discover(app, clients, isolated)
        if ONLY:
            targets = [t for t in targets if re.search(ONLY, t.name)]
        examples = (
            max(SHORT_EXAMPLES, math.ceil(LONG_REQUESTS / max(len(targets), 1)))
            if LONG
            else SHORT_EXAMPLES
        )
        views = {}
        for t in targets:
            if t.method == "GET" and t.found_on_page:
                views.setdefault(t.user, []).append(t)
        fuzzer = Fuzzer(clients, cookies, isolated, stats, views, local_today().isoformat())
        query_names = sorted({k for t in targets for k in t.query})
        discovered = time.monotonic()
        for target in targets:
            fuzzer.run(target, examples, query_names)
    elapsed = time.monotonic() - started
    summary = (
        f"fuzz ({'long' if LONG else 'short'}, {db.engine.dialect.name}): {pages} pages crawled, "
        f"{len(targets)} targets ({sum(not t.found_on_page for t in targets)} guessed), "
        f"{stats.requests} requests, {stats.server_errors} answered 5xx, "
        f"{len(stats.failures)} failing targets; crawl {discovered - started:.0f} s, "
        f"total {elapsed:.0f} s; statuses {dict(sorted(stats.by_status.items()))}"
    )
    with capsys.disabled():
        print("\n" + summary)
    problems = crawl_failures + [f"{name}\n{text}" for name, text in stats.failures.items()]
    if problems:
        pytest.fail(summary + "\n\n" + "\n\n".join(problems), pytrace=False)
