"""The requests sent to a target: first its sweeps (a few fixed, classic attacks, the same
every run), then random ones drawn by hypothesis. Every request starts from the target's
fields as the page filled them, an empty one as a careful user would fill it, so that one
hostile value passes the form's other checks and reaches the code behind them."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from hypothesis import strategies as st

from tests.fuzz import hostile
from tests.fuzz.crawl import Target

DAY_KINDS = ("date",)
MOMENT_KINDS = ("datetime-local", "datetime")
CHOICE_KINDS = ("select", "radio")
NUMBER_KINDS = ("hidden", "number")
TEXT_KINDS = ("text", "textarea", "search", "tel", "email", "url", "password")
# Sweeps that set one field at a time stop after this many fields of a kind.
PER_FIELD = 4


@dataclass
class Request:
    target: Target
    path: str
    query: dict[str, list[str]]
    data: dict[str, list]
    headers: dict[str, str] = field(default_factory=dict)
    then: Target | None = None  # a page to look at afterwards (what was stored must render)
    sweep: str = ""

    def describe(self) -> str:
        def short(values):
            def one(v):
                text = repr(v)
                if len(text) <= 80:
                    return text
                return f"{text[:60]}…' ({len(v)} characters)"

            return ", ".join(one(v) for v in values)

        head = f"as {self.target.user or 'anonymous'}: {self.target.method} {self.path}"
        lines = [
            head + (" (htmx)" if self.headers else "") + (f"  [{self.sweep}]" * bool(self.sweep))
        ]
        lines += [f"  ?{k} = {short(v)}" for k, v in self.query.items()]
        lines += [f"  {k} = {short(v)}" for k, v in self.data.items()]
        if self.then is not None:
            lines.append(f"then GET {self.then.path()}")
        return "\n".join(lines)


def baseline(t: Target, today: str) -> dict[str, list[str]]:
    """The target's fields as a careful user would send them."""
    return {
        k: [v for v in f.value if v.strip()] or [hostile.plausible(k, f.kind, f.options, today)]
        for k, f in t.fields.items()
    }


def _request(t: Target, today: str, sweep: str, **changes) -> Request:
    query = {k: list(v) for k, v in t.query.items()}
    data = baseline(t, today) if t.method == "POST" else {}
    pool = query if t.method == "GET" else data
    args = changes.pop("_args", None)
    pool.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
    return Request(t, t.path(args), query, data, sweep=sweep)


def sweeps(t: Target, today: str) -> list[Request]:
    """The classic attacks on `t`, each one request: ids beyond the database in the path and
    in each hidden or number field, whitespace and 0 in each choice, year 1 and 9999 in
    every date, control characters and rare CJK in every text, forged cursors in every
    query argument that held one."""
    out = []
    if t.int_args:
        value = str(2**31)
        out.append(_request(t, today, f"ids {value}", _args=dict.fromkeys(t.int_args, value)))
    if t.method == "GET":
        cursors = {k: v[0] for k, v in t.query.items() if v and hostile.decoded_cursor(v[0])}
        if cursors:
            for extreme in (float("inf"), "0001-01-01T00:00:00+14:00", 2**31, "a\x00"):
                forged = {
                    k: hostile.cursor([extreme] * len(hostile.decoded_cursor(v)))
                    for k, v in cursors.items()
                }
                out.append(_request(t, today, f"cursor {extreme!r}", **forged))
        if t.query:
            for value in ("\x00 𠀀", str(2**63)):
                out.append(_request(t, today, f"query {value!r}", **dict.fromkeys(t.query, value)))
        return out
    kinds: dict[str, list[str]] = {}
    for name, f in t.fields.items():
        if name != "csrf_token":
            kinds.setdefault(f.kind, []).append(name)
    for name in [n for k in NUMBER_KINDS for n in kinds.get(k, [])][:PER_FIELD]:
        for value in (str(2**31), "-1"):
            out.append(_request(t, today, f"{name}={value}", **{name: value}))
    for name in [n for k in CHOICE_KINDS for n in kinds.get(k, [])][:PER_FIELD]:
        for value in (" ", "0"):
            out.append(_request(t, today, f"{name}={value!r}", **{name: value}))
    for kind_names, values in (
        (DAY_KINDS, ("0001-01-01", "9999-12-31")),
        (MOMENT_KINDS, ("0001-01-01T00:00", "9999-12-31T23:59")),
    ):
        names = [n for k in kind_names for n in kinds.get(k, [])]
        if names:
            for value in values:
                out.append(_request(t, today, f"dates {value}", **dict.fromkeys(names, value)))
    texts = [n for k in TEXT_KINDS for n in kinds.get(k, [])]
    if texts:
        out.append(_request(t, today, "text", **dict.fromkeys(texts, "\x00\x01𠀀\u3000")))
    return out


@st.composite
def random_request(draw, t: Target, query_names: list[str], pages: list[Target], today: str):
    """One random request to `t`: one field (half the time: the others stay valid, so the
    value reaches the domain), a few, or all replaced by hostile values, repeated or left out;
    sometimes a forged path argument, an extra query argument, a named button, an htmx
    header, and a page looked at afterwards."""
    args = {}
    if t.args and draw(st.integers(0, 3), label="forge the path?") == 0:
        for name in sorted(t.args):
            if draw(st.booleans(), label=f"forge <{name}>"):
                strategy = hostile.int_path_value if name in t.int_args else hostile.path_value
                args[name] = draw(strategy, label=f"<{name}>")
    query = {k: list(v) for k, v in t.query.items()}
    fields = baseline(t, today)
    if t.method == "GET":
        pool, kinds = query, dict.fromkeys(query, "query")
        extra = [n for n in query_names if n not in query]
        if extra and draw(st.booleans(), label="add a query argument?"):
            name = draw(st.sampled_from(extra), label="argument")
            pool[name], kinds[name] = [], "query"
    else:
        pool, kinds = fields, {k: f.kind for k, f in t.fields.items()}
    names = sorted(pool)
    chosen: list[str] = []
    if names:
        how_many = draw(st.sampled_from([1, 1, 1, 6, 6, len(names)]), label="how many")
        chosen = draw(
            st.lists(
                st.sampled_from(names), min_size=1, max_size=min(how_many, len(names)), unique=True
            ),
            label="fields",
        )
    for name in chosen:
        kind = kinds[name]
        if kind == "file":
            pool[name] = [(io.BytesIO(draw(hostile.upload)), draw(hostile.path_value))]
            continue
        options = t.fields[name].options if name in t.fields else None
        sample = next(iter(t.query.get(name, []) if kind == "query" else []), "")
        strategy = hostile.value_for(kind, options, sample)
        how = draw(st.sampled_from(["one", "one", "many", "drop"]), label=f"{name}: how")
        if how == "drop":
            pool.pop(name)
        elif how == "many":
            pool[name] = draw(st.lists(strategy, min_size=2, max_size=3), label=name)
        else:
            pool[name] = [draw(strategy, label=name)]
    if t.buttons and draw(st.booleans(), label="press a named button?"):
        name, value = draw(st.sampled_from(t.buttons), label="button")
        fields[name] = [value]
    headers = {}
    if draw(st.booleans(), label="htmx?"):
        headers = {"HX-Request": "true", "HX-Target": draw(st.sampled_from(["main", "x"]))}
    then = None
    if t.method == "POST" and pages and draw(st.booleans(), label="look at a page after?"):
        then = draw(st.sampled_from(pages), label="page")
    if t.method == "GET":
        return Request(t, t.path(args), pool, {}, headers, then)
    return Request(t, t.path(args), query, fields, headers, then)
