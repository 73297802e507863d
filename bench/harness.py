"""Shared by pages.py and plans.py: the list of pages to request, logged-in test clients, and
a recorder of the SQL statements the app sends (an SQLAlchemy before_cursor_execute listener).
Not a benchmark itself."""

from __future__ import annotations

import contextlib
import contextvars
import html
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from build_world import BENCH_QUERY_CODE  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from demo.small import PASSWORD  # noqa: E402 - the small world's users have it


class IsolatedClient(FlaskClient):
    """Each request in a fresh context, as on a real server (as in tests/conftest.py): its own
    app context, `g` and database session, so nothing is cached between requests."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@dataclass
class Recorder:
    """Statements (and their DBAPI parameters) sent while `recording` is on."""

    statements: list[tuple[str, Any]] = field(default_factory=list)
    recording: bool = False

    def __call__(self, conn, cursor, statement, parameters, context, executemany):  # noqa: ARG002
        if self.recording:
            self.statements.append((statement, parameters))

    @contextlib.contextmanager
    def capture(self) -> Iterator[list[tuple[str, Any]]]:
        self.statements = []
        self.recording = True
        try:
            yield self.statements
        finally:
            self.recording = False


def install_recorder(app) -> Recorder:
    from extensions import db

    recorder = Recorder()
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", recorder)
    return recorder


def login(app, username: str | None) -> FlaskClient:
    """A client logged in as `username` (None: an anonymous citizen)."""
    app.test_client_class = IsolatedClient
    client = app.test_client()
    if username:
        response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"login as {username} failed: {response.status_code}")
    return client


@dataclass
class Targets:
    """Data-dependent bits of the URLs, looked up once per database."""

    case_number: str  # a mediating case of the small world's mediator: visible to every role
    prefix: str  # year-county prefix of the newest cases, for the number search


def find_targets(app) -> Targets:
    from extensions import db
    from models import Case, CaseMediator, User

    with app.app_context():
        mediator_id = db.session.scalar(sa.select(User.id).where(User.username == "mediator"))
        number = db.session.scalar(
            sa.select(Case.number)
            .join(CaseMediator, CaseMediator.case_id == Case.id)
            .where(
                CaseMediator.user_id == mediator_id,
                CaseMediator.active.is_(True),
                Case.state == "mediating",
            )
            .order_by(Case.id)
            .limit(1)
        )
        newest = db.session.scalar(
            sa.select(sa.func.max(Case.number)).where(Case.number.like("%-421022-%"))
        )
        db.session.remove()
    return Targets(case_number=number, prefix=newest[:11])


@dataclass
class Page:
    name: str
    user: str | None  # username; None for the public pages
    method: str
    url: Callable[[Targets, dict], str]
    data: Callable[[Targets], dict] | None = None
    expect: int = 200
    staff: bool = True  # held to the staff-page time bar


def _cursor(previous: str) -> Callable[[Targets, dict], str]:
    """The URL of the first pagination link in the response to page `previous`."""

    def url(_t: Targets, responses: dict) -> str:
        body = responses[previous]
        match = re.search(r'href="([^"]*(?:after|cursor)=[^"]*)"', body)
        if not match:
            raise RuntimeError(f"no next-page link on {previous}")
        return html.unescape(match.group(1))

    return url


def _fixed(path: str) -> Callable[[Targets, dict], str]:
    return lambda _t, _r: path


def _case(t: Targets, _r: dict) -> str:
    return f"/cases/{t.case_number}"


OVERSIGHT = [
    ("", "/oversight/"),
    (" state=mediating", "/oversight/?state=mediating"),
    (" overdue", "/oversight/?overdue=y"),
    (" type=HYJT", "/oversight/?dispute_type=HYJT"),
]

PAGES: list[Page] = [
    Page("desk registered", "clerk", "GET", _fixed("/desk/")),
    Page("desk accepted", "clerk", "GET", _fixed("/desk/?tab=accepted")),
    Page("desk registered p2", "clerk", "GET", _cursor("desk registered")),
    Page("desk registered", "leader", "GET", _fixed("/desk/")),
    *[Page("desk overview", who, "GET", _fixed("/desk/overview")) for who in ("clerk", "leader")],
    Page("workbench", "mediator", "GET", _fixed("/workbench/")),
    Page("workbench p2", "mediator", "GET", _cursor("workbench")),
    Page("workbench", "director", "GET", _fixed("/workbench/")),
    *[
        Page(f"oversight{label}", who, "GET", _fixed(path))
        for who in ("leader", "admin")
        for label, path in OVERSIGHT
    ],
    *[
        Page("oversight number prefix", who, "GET", lambda t, _r: f"/oversight/?q={t.prefix}")
        for who in ("leader", "admin")
    ],
    Page("oversight p2", "admin", "GET", _cursor("oversight")),
    Page("oversight", "director", "GET", _fixed("/oversight/")),
    *[
        Page("case page", who, "GET", _case)
        for who in ("clerk", "mediator", "director", "leader", "admin")
    ],
    Page("admin users", "admin", "GET", _fixed("/admin/users")),
    Page(
        "public lookup POST",
        None,
        "POST",
        _fixed("/lookup"),
        data=lambda t: {"number": t.case_number, "code": BENCH_QUERY_CODE},
        expect=303,
        staff=False,
    ),
    Page("public status", None, "GET", _fixed("/status"), staff=False),
]


def key(page: Page) -> str:
    return f"{page.name} [{page.user or 'public'}]"


def request_page(client: FlaskClient, page: Page, targets: Targets, responses: dict):
    """Send one request for `page`; keep the body of the last 200 response per page name
    (for the cursor links of the following pages)."""
    url = page.url(targets, responses)
    if page.method == "POST":
        response = client.post(url, data=page.data(targets) if page.data else {})
    else:
        response = client.get(url)
    if response.status_code != page.expect:
        raise RuntimeError(
            f"{key(page)} {url}: HTTP {response.status_code}, expected {page.expect}"
        )
    if response.status_code == 200:
        responses[page.name] = response.get_data(as_text=True)
    return url, response
