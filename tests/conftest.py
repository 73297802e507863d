"""Test fixtures. The suite runs on SQLite by default and on a real PostgreSQL with
JIEFEN_TEST_DB=postgresql (a throwaway cluster is started unless JIEFEN_TEST_DATABASE_URL is
given). In CI (CI=true) a missing PostgreSQL or Chromium fails the run instead of skipping."""

from __future__ import annotations

import contextlib
import contextvars
import os
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from extensions import db as _db

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKEND = os.environ.get("JIEFEN_TEST_DB", "sqlite")


def unavailable(reason: str):
    """Skip locally, fail in CI: a CI run must really exercise every backend and the browser."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def database_url():
    if BACKEND == "postgresql":
        url = os.environ.get("JIEFEN_TEST_DATABASE_URL")
        if url:
            yield url
            return
        from tests.pg import postgres_available, throwaway_postgres

        if not postgres_available():
            unavailable("PostgreSQL binaries not found")
        with throwaway_postgres() as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="jiefen-test-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    from app import create_app
    from config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        QUERY_CODE_HASH_METHOD = "pbkdf2:sha256:1"
        PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"

    application = create_app(Config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    return application


def _wipe(app):
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _ctx(request, app):
    """Each test runs inside an app context and leaves an empty database behind (a module
    marked `seeded` shares one world between its tests and wipes it itself)."""
    if "no_db" in request.keywords:
        yield
        return
    keep = "seeded" in request.keywords
    # A request context asking for English: domain messages read as their source strings.
    ctx = app.test_request_context(headers={"Accept-Language": "en"})
    ctx.push()
    try:
        yield
    finally:
        _db.session.rollback()
        _db.session.remove()
        ctx.pop()
        if not keep:
            _wipe(app)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def world(db):
    from tests.factories import World

    w = World()
    db.session.commit()
    return w


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as on a real server: it gets its own app
    context, `g` and database session instead of reusing the test's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A browser asking for English: assertions read the English source strings. Tests of
        # the Chinese default pass their own Accept-Language header.
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """login("clerk") logs the test client in as that demo user."""
    from tests.factories import PASSWORD

    def do(username: str):
        client.post("/auth/logout")  # switching users: the login page ignores a logged-in user
        response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return do


HX = {"HX-Request": "true"}


def hx(target: str | None = None) -> dict:
    """Headers of an htmx request aimed at `target` (an element id)."""
    headers = dict(HX)
    if target:
        headers["HX-Target"] = target
    return headers


@pytest.fixture
def templates(app):
    """Names of templates rendered during the test, in order (Flask's signal)."""
    from flask import template_rendered

    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements sent, for query-count assertions."""

    @contextlib.contextmanager
    def counter():
        seen: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        with app.app_context():
            engine = _db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counter
