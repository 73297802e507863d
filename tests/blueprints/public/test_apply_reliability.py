"""A failed submission of the public form keeps what was typed: a dropped database connection
is retried once, a form sent twice files one case with one receipt, and a database that stays
away gives the form again with everything typed and a "try again" message (503, not 500)."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from blueprints.public import places, views
from blueprints.public.retry import is_transient
from domain.codes import check_query_code
from extensions import db as _db
from models import Case, Event
from tests.blueprints.public.test_apply import form_data
from tests.conftest import BACKEND, hx
from tests.factories import count_rows

TOKEN = "Tok3n-of-one-form-0123456789abcd"


class _Orig(Exception):
    """A driver error standing in for psycopg's or sqlite3's."""

    def __init__(self, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate


def dropped() -> sa.exc.OperationalError:
    """What SQLAlchemy raises when the server closed the connection under a statement."""
    return sa.exc.OperationalError(
        "COMMIT",
        {},
        _Orig("server closed the connection unexpectedly"),
        connection_invalidated=True,
    )


def shown_receipt(client) -> tuple[str, str]:
    page = client.get("/apply/submitted").get_data(as_text=True)
    number = re.search(r'id="case-number">([^<]+)<', page).group(1)
    code = re.search(r'id="query-code">([^<]+)<', page)
    return number, code.group(1) if code else None


@pytest.fixture
def commit_fails(monkeypatch):
    """commit_fails(times, after=False): the next `times` commits raise a dropped connection,
    before the commit (nothing stored) or, with after=True, after it went through (the answer
    was lost: the case is stored but the request cannot know it)."""

    def install(times: int, *, after: bool = False) -> list[int]:
        real = _db.session.commit
        calls: list[int] = []

        def commit():
            calls.append(1)
            if len(calls) <= times:
                if after:
                    real()
                raise dropped()
            return real()

        monkeypatch.setattr(_db.session, "commit", commit)
        return calls

    return install


def typed_values(world) -> list[str]:
    data = form_data(world)
    return [
        data["applicants-0-name"],
        data["applicants-0-phone"],
        data["applicants-0-id_number"],
        data["applicants-0-address"],
        data["respondents-0-name"],
        data["summary"],
        "疏通排水沟",
        "赔偿损失500元",
        data["amount"],
    ]


def assert_form_kept(html: str, world, token: str | None = None) -> None:
    """The application form again with every typed value and every choice."""
    assert 'id="unavailable"' in html and 'name="applicants-0-name"' in html
    for value in typed_values(world):
        assert value in html, value
    for name, value in [
        ("county", world.county.id),
        ("township", world.township.id),
        ("village", world.village.id),
    ]:
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
        assert re.search(rf'<option selected value="{value}">', select), (name, select)
    sex = re.search(r'<select[^>]*name="applicants-0-sex".*?</select>', html, re.S).group(0)
    assert '<option selected value="male">' in sex
    assert re.search(r'<input checked[^>]*name="dispute_type"[^>]*value="LL"', html)
    assert re.search(r'<input checked[^>]*id="declaration"', html)
    if token:
        assert f'value="{token}"' in html


# ---- retry once on a dropped connection ----------------------------------------------------------


def test_a_dropped_connection_at_commit_is_retried_once(world, client, commit_fails):
    calls = commit_fails(1)
    response = client.post("/apply", data=form_data(world, submission=TOKEN))
    # The application's commit twice, then the receipt's hold of the code.
    assert response.status_code == 303 and len(calls) == 3
    assert count_rows(Case) == 1 and count_rows(Event) == 1
    number, code = shown_receipt(client)
    case = _db.session.scalar(sa.select(Case).where(Case.number == number))
    assert check_query_code(case.query_code_hash, code)


def test_a_commit_whose_answer_was_lost_files_one_case(world, client, commit_fails):
    """The commit went through but the connection dropped before its answer: the retry finds
    the case filed by this form and shows its receipt (the code is the one stored)."""
    calls = commit_fails(1, after=True)
    response = client.post("/apply", data=form_data(world, submission=TOKEN))
    # The application's commit twice, then the receipt's hold of the code.
    assert response.status_code == 303 and len(calls) == 3
    assert count_rows(Case) == 1
    number, code = shown_receipt(client)
    case = _db.session.scalar(sa.select(Case))
    assert case.number == number and check_query_code(case.query_code_hash, code)


def test_a_database_that_stays_away_gives_the_form_again_with_everything_typed(
    world, client, commit_fails
):
    calls = commit_fails(99)
    response = client.post("/apply", data=form_data(world, submission=TOKEN))
    assert response.status_code == 503 and len(calls) == 2
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert "Please try again in a moment" in html
    assert_form_kept(html, world, TOKEN)
    assert count_rows(Case) == 0


def test_without_a_token_the_retry_keeps_one_token(world, client, commit_fails):
    """A form from before tokens (or a forged one): one token is made for the whole request, so
    a retry after a lost answer cannot file twice, and the 503 page carries it for the next try."""
    commit_fails(2, after=True)
    response = client.post("/apply", data=form_data(world, submission="<forged>"))
    assert response.status_code == 503 and count_rows(Case) == 1
    token = re.search(r'name="submission" type="hidden" value="([^"]+)"', response.text).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    # The citizen presses "Submit" again: the case stored meanwhile, no second one.
    assert client.post("/apply", data=form_data(world, submission=token)).status_code == 303
    assert count_rows(Case) == 1


def test_the_database_gone_before_the_form_is_read_keeps_every_choice(world, client, monkeypatch):
    """Even the places cannot be read: the selects keep the places chosen, named from the
    lists shown before, or as "chosen earlier" when this server never listed them."""

    def refused(*_args):
        raise sa.exc.OperationalError("SELECT", {}, _Orig("connection refused"))

    for cold in (False, True):
        client.get("/apply")  # lists counties; the refreshes below list the rest
        client.post("/apply", data=form_data(world, action="refresh_place"))
        if cold:
            places._LISTED.clear()
        with monkeypatch.context() as patch:
            patch.setattr(places, "_children", refused)
            response = client.post("/apply", data=form_data(world, submission=TOKEN))
        assert response.status_code == 503
        assert_form_kept(response.text, world, TOKEN)
        village = re.search(r'<select[^>]*name="village".*?</select>', response.text, re.S)
        assert ("新民村" in village.group(0)) is not cold
        assert ("(chosen earlier)" in village.group(0)) is cold
    assert count_rows(Case) == 0


def test_an_add_button_without_the_database_answers_in_the_flash_region(
    world, client, commit_fails, monkeypatch
):
    def refused(*_args):
        raise sa.exc.OperationalError("SELECT", {}, _Orig("connection refused"))

    monkeypatch.setattr(places, "_children", refused)
    response = client.post(
        "/apply", data=form_data(world, action="add_respondent"), headers=hx("respondents")
    )
    assert response.status_code == 503
    assert "<html" not in response.text and "try again in a moment" in response.text
    # Without JavaScript the whole form comes back with the button's effect still to do.
    response = client.post("/apply", data=form_data(world, action="add_respondent"))
    assert response.status_code == 503
    assert_form_kept(response.text, world)


def test_a_lasting_error_that_is_not_a_lost_connection_stays_a_500(world, client, monkeypatch):
    """A bug (here a missing table) is not hidden behind "try again"."""

    def broken():
        raise sa.exc.OperationalError("INSERT", {}, _sqlite_error("no such table: case"))

    monkeypatch.setattr(_db.session, "commit", broken)
    with pytest.raises(sa.exc.OperationalError):
        client.post("/apply", data=form_data(world))


def _sqlite_error(message: str) -> Exception:
    import sqlite3

    return sqlite3.OperationalError(message)


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (dropped(), True),
        (sa.exc.OperationalError("x", {}, _sqlite_error("database is locked")), True),
        (sa.exc.OperationalError("x", {}, _sqlite_error("no such table: case")), False),
        (sa.exc.OperationalError("x", {}, _Orig("connection failed: refused")), True),
        (sa.exc.OperationalError("x", {}, _Orig("admin shutdown", "57P01")), True),
        (sa.exc.OperationalError("x", {}, _Orig("starting up", "57P03")), True),
        (sa.exc.OperationalError("x", {}, _Orig("serialization", "40001")), True),
        (sa.exc.OperationalError("x", {}, _Orig("lock not available", "55P03")), False),
        (sa.exc.InterfaceError("x", {}, _Orig("closed"), connection_invalidated=True), True),
        (sa.exc.IntegrityError("x", {}, _Orig("duplicate", "23505")), False),
        (sa.exc.ProgrammingError("x", {}, _Orig("syntax", "42601")), False),
        (ValueError("not a database error"), False),
    ],
)
def test_which_errors_are_worth_a_second_try(error, transient):
    assert is_transient(error) is transient


# ---- the same form twice ------------------------------------------------------------------------


def test_a_double_submit_files_one_case_with_one_receipt(world, client, app):
    data = form_data(world, submission=TOKEN)
    assert client.post("/apply", data=data).status_code == 303
    first = shown_receipt(client)
    assert client.post("/apply", data=data).status_code == 303
    assert shown_receipt(client) == first
    # The second answer reaches a browser whose cookie never got the first one (the browser
    # dropped the first answer for the second): the same receipt, not a new code.
    other = app.test_client()
    assert other.post("/apply", data=data).status_code == 303
    assert shown_receipt(other) == first
    assert count_rows(Case) == 1 and count_rows(Event) == 1


def test_a_double_submit_at_the_same_moment_files_one_case(world, app):
    """Several copies of one form arrive together (each request on its own connection): the
    unique digest lets one insert, the others find it and show its receipt."""
    data = form_data(world, submission=TOKEN)
    clients = [app.test_client() for _ in range(6)]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def send(client):
        start.wait()
        statuses.append(client.post("/apply", data=data).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [303] * len(clients)
    assert count_rows(Case) == 1
    assert len({shown_receipt(c) for c in clients}) == 1


def test_a_reused_form_page_with_new_content_is_a_new_application(world, client):
    """A browser may restore the old token into a fresh form: different content is a new case."""
    assert client.post("/apply", data=form_data(world, submission=TOKEN)).status_code == 303
    first = shown_receipt(client)
    other = form_data(world, submission=TOKEN, summary="另一件事：邻居的狗咬伤了我家的鸡。")
    assert client.post("/apply", data=other).status_code == 303
    second = shown_receipt(client)
    assert second[0] != first[0] and second[1] != first[1]
    assert count_rows(Case) == 2


def test_the_same_form_again_later_shows_no_code(world, client, app, monkeypatch):
    """After RECEIPT_MINUTES the receipt page no longer shows the code: sending the old form
    again files nothing and shows the number only; nor does it bring back a code removed."""
    data = form_data(world, submission=TOKEN)
    assert client.post("/apply", data=data).status_code == 303
    number, _code = shown_receipt(client)
    client.post("/apply/submitted/forget")
    assert client.post("/apply", data=data).status_code == 303
    assert shown_receipt(client) == (number, None)

    moved = views.utcnow() + timedelta(minutes=app.config["RECEIPT_MINUTES"] + 1)
    monkeypatch.setattr(views, "utcnow", lambda: moved)
    other = app.test_client()
    assert other.post("/apply", data=data).status_code == 303
    assert shown_receipt(other) == (number, None)
    assert count_rows(Case) == 1


def test_the_same_form_after_the_secret_key_changed_shows_no_wrong_code(world, client, app):
    data = form_data(world, submission=TOKEN)
    assert client.post("/apply", data=data).status_code == 303
    number, _code = shown_receipt(client)
    key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-key-since"
    try:
        assert client.post("/apply", data=data).status_code == 303
        assert shown_receipt(client) == (number, None)
    finally:
        app.config["SECRET_KEY"] = key
    assert count_rows(Case) == 1


def test_the_form_carries_a_fresh_token(world, client):
    tokens = {
        re.search(r'name="submission" type="hidden" value="([^"]+)"', client.get("/apply").text)[1]
        for _ in range(3)
    }
    assert len(tokens) == 3
    # An add button keeps the form's token.
    page = client.post("/apply", data=form_data(world, action="add_respondent", submission=TOKEN))
    assert f'value="{TOKEN}"' in page.text


# ---- the other public pages --------------------------------------------------------------------


def test_the_lookup_keeps_what_was_typed_when_the_database_is_away(world, client, monkeypatch):
    case = world.case()
    _db.session.commit()
    calls = []

    def refused(*_args, **_kwargs):
        calls.append(1)
        raise sa.exc.OperationalError("SELECT", {}, _Orig("connection refused"))

    with monkeypatch.context() as patch:
        patch.setattr(views, "check_query_code", refused)
        response = client.post("/lookup", data={"number": case.number, "code": "ABCD-EFGH"})
    assert response.status_code == 503 and len(calls) == 2
    assert 'id="unavailable"' in response.text
    assert case.number in response.text and "ABCD-EFGH" in response.text


def test_a_reading_page_answers_503_when_the_database_is_away(world, client, monkeypatch):
    case = world.case()
    _db.session.commit()
    with client.session_transaction() as session:
        session["case_access"] = case.number

    def refused(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT", {}, _Orig("connection refused"))

    with monkeypatch.context() as patch:
        patch.setattr(_db.session, "scalars", refused)
        response = client.get("/status")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Please try again in a moment" in response.text

    # Away for a moment only: the second try shows the page.
    real, calls = _db.session.scalars, []

    def once(*args, **kwargs):
        calls.append(1)
        return refused() if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(_db.session, "scalars", once)
    response = client.get("/status")
    assert response.status_code == 200 and case.number in response.text


def test_any_public_page_answers_503_not_500_when_the_database_is_away(world, client, monkeypatch):
    """Pages without a retry of their own (a receipt download) still answer 503."""
    assert client.post("/apply", data=form_data(world)).status_code == 303

    def refused(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT", {}, _Orig("connection refused"))

    monkeypatch.setattr(_db.session, "scalar", refused)
    response = client.get("/apply/submitted/receipt.pdf")
    assert response.status_code == 503 and "Please try again in a moment" in response.text


# ---- a real dropped connection (PostgreSQL) -----------------------------------------------------

pg_only = pytest.mark.skipif(BACKEND != "postgresql", reason="terminates PostgreSQL backends")


def _terminate(pids: list[int] | None = None) -> list[int]:
    """Terminate those server processes (None: every connection to the test database, the
    pool's included) from a connection outside the pool, wait until they are gone, and return
    the ones ended."""
    where = "datname = current_database() AND pid <> pg_backend_pid()"
    if pids is not None:
        where += " AND pid = ANY(CAST(:p AS integer[]))"
    engine = sa.create_engine(_db.engine.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as admin:
            ended = admin.scalars(
                sa.text(f"SELECT pid FROM pg_stat_activity WHERE {where}"),  # noqa: S608 - constant
                {"p": pids or []},
            ).all()
            admin.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:p AS integer[])) pid"),
                {"p": ended},
            )
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                admin.rollback()  # pg_stat_activity is a snapshot per transaction
                alive = admin.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE pid = ANY(CAST(:p AS integer[]))"
                    ),
                    {"p": ended},
                )
                if not alive:
                    return ended
                time.sleep(0.02)
    finally:
        engine.dispose()
    raise AssertionError("the backends did not end")


@pg_only
def test_postgresql_connections_killed_between_showing_and_sending_the_form(world, client):
    """Every connection of the pool ended between the form shown and the form sent (a
    restart while the citizen types): the form is filed on a new connection."""
    page = client.get("/apply").text
    token = re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)
    data = form_data(world, submission=token)
    _db.session.remove()  # the test's own connection goes back to the pool, to be ended too
    assert _terminate()
    response = client.post("/apply", data=data)
    assert response.status_code == 303 and count_rows(Case) == 1
    assert shown_receipt(client)[1] is not None


@pg_only
def test_postgresql_connection_killed_inside_the_transaction(world, client):
    """The server ends the request's own connection after it wrote the case number and before
    it inserts the case: psycopg's real error, retried on a new connection, one case stored."""
    killed: list[int] = []

    def kill_once(conn, cursor, statement, parameters, context, executemany):
        if not killed and statement.lstrip().upper().startswith('INSERT INTO "CASE"'):
            killed.append(cursor.connection.info.backend_pid)
            _terminate(killed)

    sa.event.listen(_db.engine, "before_cursor_execute", kill_once)
    try:
        response = client.post("/apply", data=form_data(world, submission=TOKEN))
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", kill_once)
    assert killed and response.status_code == 303
    assert count_rows(Case) == 1
    number, code = shown_receipt(client)
    assert number.endswith("-000001")  # the dropped transaction's number was never used
    case = _db.session.scalar(sa.select(Case))
    assert check_query_code(case.query_code_hash, code)


def test_a_connection_dropped_after_the_page_was_made_does_not_fail_it(world, client, monkeypatch):
    """Ending the transaction after the page is made meets the dropped connection: the page
    still goes out (it used to become a 500 when teardown's ROLLBACK failed)."""
    real, calls = _db.session.close, []

    def close():
        calls.append(1)
        if len(calls) == 1:
            real()
            raise dropped()
        return real()

    monkeypatch.setattr(_db.session, "close", close)
    response = client.get("/apply")
    assert response.status_code == 200 and calls


@pg_only
def test_postgresql_connection_killed_while_the_page_is_rendered(world, client):
    from flask import template_rendered

    killed: list[int] = []

    def kill(sender, template, context, **extra):
        if not killed and template.name == "public/apply.html":
            dbapi = _db.session.connection().connection.dbapi_connection
            killed.append(dbapi.info.backend_pid)
            _terminate(killed)

    template_rendered.connect(kill, client.application)
    try:
        response = client.get("/apply")
    finally:
        template_rendered.disconnect(kill, client.application)
    assert killed and response.status_code == 200 and 'name="submission"' in response.text
