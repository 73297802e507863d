"""Staff change their own password at /auth/password (linked from the staff header)."""

import pytest
import sqlalchemy as sa

from extensions import limiter
from models import User
from tests.factories import PASSWORD

NEW = "plum orchard lantern"


def user(db, username="clerk") -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def change(client, current=PASSWORD, password=NEW, confirm=None):
    return client.post(
        "/auth/password",
        data={"current": current, "password": password, "confirm": confirm or password},
    )


@pytest.mark.parametrize("role", ["clerk", "mediator", "director", "leader", "admin"])
def test_every_role_has_the_page_linked_from_the_header(world, login, client, role):
    login(role)
    home = client.get(client.get("/auth/home").headers["Location"])
    assert 'href="/auth/password"' in home.get_data(as_text=True)
    page = client.get("/auth/password").get_data(as_text=True)
    assert 'name="current"' in page and 'name="password"' in page and 'name="confirm"' in page
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page


def test_anonymous_visitors_are_sent_to_the_login(world, client):
    response = client.get("/auth/password")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post("/auth/password", data={}).status_code == 302


def test_the_password_is_changed_and_the_old_one_stops_working(world, login, client, app, db):
    login("clerk")
    response = change(client)
    assert response.status_code == 303 and response.headers["Location"] == "/auth/home"
    page = client.get("/desk/").get_data(as_text=True)
    assert "Your password has been changed" in page
    assert user(db).check_password(NEW) and not user(db).check_password(PASSWORD)
    fresh = app.test_client()
    assert (
        fresh.post("/auth/login", data={"username": "clerk", "password": PASSWORD}).status_code
        == 200
    )
    assert fresh.post("/auth/login", data={"username": "clerk", "password": NEW}).status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"current": "wrong password"}, "current", "not your current password"),
        ({"password": "1234567890"}, "password", "most common passwords"),
        ({"password": "clerk12345"}, "password", "your username"),
        ({"password": "short"}, "password", "at least 10 characters"),
        ({"password": PASSWORD}, "password", "must differ from the current one"),
        ({"confirm": "something else"}, "confirm", "not the same"),
        ({"current": ""}, "current", "Enter your current password"),
        ({"password": "x" * 300}, "password", "at most 256 characters"),
    ],
)
def test_refusals_are_beside_the_field(world, login, client, db, data, field, message):
    login("clerk")
    form = {"current": PASSWORD, "password": NEW}
    form.update(data)
    response = change(client, form["current"], form["password"], data.get("confirm"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = html[html.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert user(db).check_password(PASSWORD)
    assert client.get("/desk/").status_code == 200  # still logged in


def test_the_page_names_the_other_browsers_that_will_be_logged_out(world, login, client, app):
    other = app.test_client()
    other.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Safari/537"
    other.post("/auth/login", data={"username": "clerk", "password": PASSWORD})
    login("clerk")
    html = client.get("/auth/password").get_data(as_text=True)
    assert "You are also logged in on 1 other browser" in html and "Chrome on Windows" in html


def test_wrong_current_passwords_are_rate_limited(world, login, client, app, db):
    app.config["JIEFEN_LIMIT_PASSWORD_CHANGE"] = "2 per minute"
    limiter.reset()
    try:
        login("clerk")
        assert [change(client, current="wrong one").status_code for _ in range(2)] == [200, 200]
        response = change(client)  # even the right one waits now
        html = response.get_data(as_text=True)
        assert response.status_code == 429
        assert "Please wait" in html[html.index('id="current-error"') :]
        assert user(db).check_password(PASSWORD)
    finally:
        app.config["JIEFEN_LIMIT_PASSWORD_CHANGE"] = "100000 per minute"
        limiter.reset()


def test_the_form_needs_its_csrf_token(world, login, client, app, db):
    login("clerk")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = change(client)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert user(db).check_password(PASSWORD)
