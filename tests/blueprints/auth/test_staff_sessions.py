"""Staff login sessions live in the database: logging out ends the one session (a copy of its
cookie stops working) and leaves the user's other browsers logged in; a password change or a
deactivation ends them all; every app server sharing the database sees it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain import staff_sessions
from models import StaffSession, User
from tests.factories import PASSWORD


def log_in(app, username="clerk", password=PASSWORD, **environ):
    browser = app.test_client()
    browser.environ_base.update(environ)
    response = browser.post("/auth/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return browser


def replay(app, cookie: str, url="/desk/"):
    """A request carrying only a copy of a session cookie taken earlier."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(url)


def cookie_of(browser) -> str:
    return browser.get_cookie("session").value


def sessions_of(db, username) -> list[StaffSession]:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    return list(
        db.session.scalars(
            sa.select(StaffSession).where(StaffSession.user_id == user.id).order_by(StaffSession.id)
        )
    )


def test_a_cookie_copied_before_logout_is_useless_after_it(world, app, db):
    browser = log_in(app)
    copied = cookie_of(browser)
    assert replay(app, copied).status_code == 200  # the copy works while the session lives

    browser.post("/auth/logout")

    response = replay(app, copied)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert browser.get("/desk/").status_code == 302
    (row,) = sessions_of(db, "clerk")
    assert row.ended_at is not None and row.end_reason == "logout"


def test_logout_leaves_the_users_other_browsers_logged_in(world, app, db):
    office = log_in(app)
    phone = log_in(app, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile")
    office.post("/auth/logout")
    assert phone.get("/desk/").status_code == 200
    assert office.get("/desk/").status_code == 302
    assert [s.ended_at is None for s in sessions_of(db, "clerk")] == [False, True]


def test_logout_on_one_server_is_seen_by_another(world, app, db):
    """Two app servers (two applications, each with its own engine and memory) sharing the
    database: the session ended on the first is refused by the second."""
    from app import create_app
    from config import TestingConfig

    class Second(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        PASSWORD_HASH_METHOD = app.config["PASSWORD_HASH_METHOD"]

    second = create_app(Second)
    browser = log_in(app)
    copied = cookie_of(browser)
    assert replay(second, copied).status_code == 200
    browser.post("/auth/logout")
    assert replay(second, copied).status_code == 302


def test_own_password_change_ends_the_other_sessions_and_keeps_this_one(world, app, db):
    here = log_in(app)
    elsewhere = log_in(app)
    copied = cookie_of(here)
    response = here.post(
        "/auth/password",
        data={
            "current": PASSWORD,
            "password": "plum orchard lantern",
            "confirm": "plum orchard lantern",
        },
    )
    assert response.status_code == 303
    assert here.get("/desk/").status_code == 200
    assert elsewhere.get("/desk/").status_code == 302
    # The cookie from before the change named the old password epoch: it no longer works.
    assert replay(app, copied).status_code == 302
    assert [s.end_reason for s in sessions_of(db, "clerk")] == [None, "password"]


def test_admin_reset_and_deactivation_end_every_session(world, app, db, login, client):
    one, two = log_in(app), log_in(app)
    copied = cookie_of(one)
    login("admin")
    client.post(
        f"/admin/users/{world.clerk.id}/password",
        data={"password": "plum orchard lantern", "confirm": "plum orchard lantern"},
    )
    assert one.get("/desk/").status_code == 302 and two.get("/desk/").status_code == 302
    assert replay(app, copied).status_code == 302
    assert {s.end_reason for s in sessions_of(db, "clerk")} == {"password"}

    three = log_in(app, password="plum orchard lantern")
    client.post(f"/admin/users/{world.clerk.id}/deactivate")
    assert three.get("/desk/").status_code == 302
    assert sessions_of(db, "clerk")[-1].end_reason == "deactivated"


def test_admin_resetting_their_own_password_stays_logged_in_alone(world, app, db, login, client):
    login("admin")
    other = log_in(app, "admin")
    response = client.post(
        f"/admin/users/{world.admin.id}/password",
        data={"password": "plum orchard lantern", "confirm": "plum orchard lantern"},
    )
    assert response.status_code == 303
    assert client.get("/admin/users").status_code == 200
    assert other.get("/admin/users").status_code == 302


@pytest.mark.parametrize(
    "login_id",
    ["1:0", "1", "", "x:y:z", "1:0:", "99999999999:0:abc", "-1:0:abc", "1:0:" + "a" * 5000],
)
def test_forged_or_old_session_ids_are_anonymous(world, app, login_id):
    with app.test_request_context():
        assert staff_sessions.resume(login_id, timedelta(hours=8)) is None


def test_the_database_keeps_only_a_hash_of_the_token(world, app, db):
    browser = log_in(app)
    with browser.session_transaction() as sess:
        token = sess["_user_id"].rsplit(":", 1)[1]
    (row,) = sessions_of(db, "clerk")
    assert len(token) >= 40 and token not in row.token_hash
    assert row.user_agent is None or len(row.user_agent) <= 64


def test_an_idle_session_expires(world, app, db):
    browser = log_in(app)
    (row,) = sessions_of(db, "clerk")
    row.last_seen_at -= app.permanent_session_lifetime + timedelta(minutes=1)
    db.session.commit()
    assert browser.get("/desk/").status_code == 302


def test_last_use_is_written_at_most_every_few_minutes(world, app, db):
    browser = log_in(app)
    (row,) = sessions_of(db, "clerk")
    before = row.last_seen_at
    browser.get("/desk/")
    db.session.expire_all()
    assert sessions_of(db, "clerk")[0].last_seen_at == before
    row = sessions_of(db, "clerk")[0]
    row.last_seen_at = before - staff_sessions.TOUCH_EVERY - timedelta(seconds=1)
    db.session.commit()
    browser.get("/desk/")
    db.session.expire_all()
    assert sessions_of(db, "clerk")[0].last_seen_at > before


def test_old_ended_sessions_are_pruned_at_login(world, app, db):
    browser = log_in(app)
    browser.post("/auth/logout")
    row = sessions_of(db, "clerk")[0]
    row.ended_at -= staff_sessions.KEEP_ENDED + timedelta(days=1)
    db.session.commit()
    log_in(app)
    assert len(sessions_of(db, "clerk")) == 1


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49",
            "WeChat on iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        ("curl/8.5.0", None),
        (None, None),
    ],
)
def test_the_browser_is_summarised_not_stored(agent, summary):
    assert staff_sessions.describe_agent(agent) == summary
