"""Discovering what to fuzz, from the application itself: the URL map lists every route, and
the pages each user can reach list the forms with their real field names and valid values
(case-page panels included: their opener links lead to `/cases/<n>/panels/<name>?open=<key>`).
A route or form added later is found the same way, without editing the fuzzer.

A target is one request shape: a user, a method, a URL (with the values its path arguments
had on the page), and the query arguments or form fields a page sent there."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map, Rule
from werkzeug.routing.exceptions import RequestRedirect

from tests.fuzz.hostile import decoded_cursor
from tests.fuzz.html import Field, read

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Logging out would end the fuzzing user's session in the middle of a crawl; it is fuzzed
# like any other POST (the session cookie is restored after each request).
NO_CRAWL = {"auth.logout", "static"}
PLACEHOLDER = re.compile(r"<(?:[a-zA-Z_]\w*(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>")


@dataclass
class Target:
    user: str | None
    method: str
    endpoint: str
    rule: str  # the rule's pattern, e.g. /cases/<number>/panels/<name>
    args: dict[str, str]  # path arguments as the page had them
    int_args: frozenset[str]  # those an int converter reads
    query: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    multipart: bool = False
    found_on_page: bool = True  # False: a route no page of this user links to (guessed)

    def path(self, args: dict[str, str] | None = None) -> str:
        from urllib.parse import quote

        values = {**self.args, **(args or {})}
        return PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), self.rule)

    @property
    def name(self) -> str:
        who = self.user or "anonymous"
        shown = sorted(self.fields) if self.method == "POST" else sorted(self.query)
        return f"{who} {self.method} {self.endpoint} {self.path()} {shown}"


def _shape(value: str) -> str:
    """A query value as a page kind sees it: a short word stays (`?open=consent`, with its
    numbers as "#"), a number or a paging cursor is "#", anything else "*"."""
    if value.isdigit() or decoded_cursor(value) is not None:
        return "#"
    if len(value) <= 32:
        return re.sub(r"[0-9]+", "#", value)  # "session-12": the form of some session
    return "*"


def _int_args(rule: Rule) -> frozenset[str]:
    converters = getattr(rule, "_converters", {})
    return frozenset(n for n, c in converters.items() if isinstance(c, IntegerConverter))


class Crawler:
    """Walks the pages one user can reach, from every route without arguments, following
    links, GET forms and redirects, and collects the targets."""

    def __init__(self, url_map: Map, client, user: str | None, *, per_key: int, max_pages: int):
        self.adapter = url_map.bind("localhost")
        self.client = client
        self.user = user
        self.per_key = per_key
        self.max_pages = max_pages
        self.queue: deque[tuple[str, tuple]] = deque()  # (url, the kind of page)
        self.backlog: dict[tuple, deque] = {}  # pages of a kind not fetched (yet)
        self.seen: set[str] = set()
        self.keys: Counter = Counter()  # pages of each kind fetched
        self.productive: Counter = Counter()  # pages of each kind that showed something new
        self.targets: dict[tuple, Target] = {}
        self.values: dict[str, set[str]] = {}  # path argument -> values seen in links
        self.failures: list[str] = []  # 5xx met while crawling
        self.fetched = 0

    # ---- URLs ------------------------------------------------------------------------------
    def match(self, url: str, method: str) -> tuple[Rule, dict] | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            rule, args = self.adapter.match(parts.path, method=method, return_rule=True)
        except RequestRedirect:
            return None
        except HTTPException:
            return None
        if rule.endpoint == "static" or (method == "GET" and rule.endpoint in NO_CRAWL):
            return None
        return rule, args

    def _key(self, rule: Rule, args: dict, query: list[tuple[str, str]]) -> tuple:
        """Pages of one kind: the same route, the same non-identifying path arguments (a
        panel's name, a document's kind; not a case number or an id), the same query names
        and short word values (`?open=consent`, `?tab=accepted`, not cursors)."""
        ints = _int_args(rule)
        plain = tuple(
            sorted(
                (k, str(v))
                for k, v in args.items()
                if k not in ints and not any(c.isdigit() for c in str(v))
            )
        )
        q = tuple(sorted((k, _shape(v)) for k, v in query))
        return rule.endpoint, plain, q

    def enqueue(self, url: str, base: str) -> None:
        url = urljoin(base, url).split("#", 1)[0]
        if url in self.seen or url.startswith(("mailto:", "tel:", "javascript:")):
            return
        found = self.match(url, "GET")
        if found is None:
            return
        self.seen.add(url)
        rule, args = found
        for k, v in args.items():
            self.values.setdefault(k, set()).add(str(v))
        query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
        key = self._key(rule, args, query)
        self.backlog.setdefault(key, deque()).append((url, rule, args, query))
        self._release(key)

    def _allowed(self, key: tuple) -> int:
        """How many pages of one kind are fetched: pages named only by an id, a number or a
        cursor (each case's page, a user's page, the next page of a list) up to 30, since each
        shows other forms and links; a page also named by a word (a panel, a tab) `per_key`
        times, and once more each time one of them showed something new (the same panel of
        another case may offer a form the first did not)."""
        identity_only = not key[1] and all(v == "#" for _k, v in key[2])
        return (30 if identity_only else self.per_key) + self.productive[key]

    def _release(self, key: tuple) -> None:
        waiting = self.backlog.get(key)
        while waiting and self.keys[key] < self._allowed(key):
            url, rule, args, query = waiting.popleft()
            self.keys[key] += 1
            self.queue.append((url, key))
            self._add_target(rule, args, "GET", query=query)

    def _add_target(self, rule: Rule, args: dict, method: str, *, query=(), form=None) -> None:
        fields = dict(form.fields) if form is not None and method == "POST" else {}
        buttons = list(form.buttons) if form is not None else []
        q: dict[str, list[str]] = {}
        for k, v in query:
            q.setdefault(k, []).append(v)
        if form is not None and method == "GET":
            for f in form.fields.values():
                q.setdefault(f.name, list(f.value) or [""])
        key = (
            method,
            self._key(rule, args, []),
            frozenset(fields),
            frozenset(q),
            frozenset(b[0] for b in buttons),
        )
        if key in self.targets:
            return
        self.targets[key] = Target(
            user=self.user,
            method=method,
            endpoint=rule.endpoint,
            rule=rule.rule,
            args={k: str(v) for k, v in args.items()},
            int_args=_int_args(rule),
            query=q,
            fields=fields,
            buttons=buttons,
            multipart=form.multipart if form is not None else False,
        )

    # ---- the walk --------------------------------------------------------------------------
    def crawl(self, starts: list[str]) -> None:
        for url in starts:
            self.enqueue(url, "/")
        while self.queue and self.fetched < self.max_pages:
            url, key = self.queue.popleft()
            self.fetched += 1
            known = len(self.targets)
            self._fetch(url)
            if len(self.targets) > known:
                self.productive[key] += 1
                self._release(key)

    def _fetch(self, url: str) -> None:
        try:
            response = self.client.get(url)
        except Exception as error:  # noqa: BLE001 - the app raised: report, go on
            self.failures.append(f"{self.user} GET {url}: {type(error).__name__}: {error}")
            return
        if response.status_code >= 500:
            self.failures.append(f"{self.user} GET {url}: {response.status_code}")
            return
        if response.status_code in (301, 302, 303, 307, 308):
            self.enqueue(response.headers.get("Location", ""), url)
            return
        if "html" not in response.content_type:
            return
        page = read(response.get_data(as_text=True), urlsplit(url).path)
        for link in page.links:
            self.enqueue(link, url)
        for form in page.forms:
            action = urljoin(url, form.action)
            found = self.match(action, form.method)
            if found is None:
                continue
            rule, args = found
            if form.method == "GET":
                filled = [(f.name, v) for f in form.fields.values() for v in f.value or [""]]
                query = parse_qsl(urlsplit(action).query, keep_blank_values=True) + filled
                self._add_target(rule, args, "GET", query=query, form=form)
                self.enqueue(action.split("?", 1)[0] + "?" + urlencode(query), url)
            else:
                query = parse_qsl(urlsplit(action).query, keep_blank_values=True)
                self._add_target(rule, args, "POST", query=query, form=form)
        for post in page.posts:
            found = self.match(urljoin(url, post), "POST")
            if found is not None:
                self._add_target(*found, "POST")


def starts(url_map: Map) -> list[str]:
    """Every GET route without path arguments, and the home page."""
    out = ["/"]
    for rule in url_map.iter_rules():
        if rule.endpoint not in NO_CRAWL and not rule.arguments and "GET" in (rule.methods or ()):
            out.append(rule.rule)
    return sorted(set(out))


def guessed(url_map: Map, targets: list[Target], values: dict[str, set[str]], users) -> list:
    """Targets for each route and method no page of any user led to: its path arguments
    take values seen elsewhere under the same name (else "1"), and a POST sends the field
    names of the forms of the same blueprint. New routes are fuzzed even before a page
    links to them."""
    covered = {(t.endpoint, t.method) for t in targets}
    by_blueprint: dict[tuple[str | None, str], dict[str, Field]] = {}
    for t in targets:
        by_blueprint.setdefault((t.user, t.endpoint.split(".")[0]), {}).update(t.fields)
    out = []
    for rule in url_map.iter_rules():
        if rule.endpoint in ("static",):
            continue
        for method in sorted(set(rule.methods or ()) - IGNORED_METHODS):
            if (rule.endpoint, method) in covered:
                continue
            args = {a: sorted(values.get(a, {"1"}))[0] for a in rule.arguments}
            for user in users:
                fields = by_blueprint.get((user, rule.endpoint.split(".")[0]), {})
                out.append(
                    Target(
                        user=user,
                        method=method,
                        endpoint=rule.endpoint,
                        rule=rule.rule,
                        args=args,
                        int_args=_int_args(rule),
                        fields=dict(fields) if method == "POST" else {},
                        found_on_page=False,
                    )
                )
    return out
