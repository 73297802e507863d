"""Login, logout, throttling, sessions and security headers."""

import pytest

from extensions import limiter
from tests.factories import PASSWORD


def test_login_page_and_role_home(world, client):
    assert client.get("/auth/login").status_code == 200
    response = client.post("/auth/login", data={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/auth/home")
    assert home.status_code == 302 and home.headers["Location"].endswith("/desk/overview")


@pytest.mark.parametrize(
    ("username", "target"),
    [
        ("mediator", "/workbench/"),
        ("director", "/workbench/"),
        ("leader", "/oversight/dashboard"),
        ("admin", "/admin/"),
    ],
)
def test_each_role_lands_on_its_face(world, client, username, target):
    client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert client.get("/auth/home").headers["Location"].endswith(target)


@pytest.mark.parametrize(
    ("username", "password"),
    [("clerk", "wrong"), ("nobody", PASSWORD), ("", ""), ("x" * 500, "y" * 500)],
)
def test_bad_login_gets_one_message(world, client, username, password):
    response = client.post("/auth/login", data={"username": username, "password": password})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.get_data(as_text=True)
    assert client.get("/auth/home").status_code == 302  # still anonymous → login


def test_deactivated_user_cannot_log_in(world, client, db):
    world.clerk.active = False
    db.session.commit()
    response = client.post("/auth/login", data={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 200


def test_session_epoch_bump_logs_out(world, client, db, login):
    login("clerk")
    assert client.get("/desk/").status_code == 200
    world.clerk.session_epoch += 1
    db.session.commit()
    assert client.get("/desk/").status_code == 302


def test_open_redirect_refused(world, client):
    response = client.post(
        "/auth/login?next=https://evil.example/", data={"username": "clerk", "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/auth/home")
    response = client.post(
        "/auth/login?next=//evil.example/", data={"username": "clerk", "password": PASSWORD}
    )
    assert "evil" not in response.headers["Location"]


def test_logout_needs_post(world, client, login):
    login("clerk")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/desk/").status_code == 302


def test_login_is_throttled(world, app, client):
    app.config["JIEFEN_LIMIT_LOGIN"] = "5 per minute"
    limiter.reset()
    try:
        codes = [
            client.post("/auth/login", data={"username": "clerk", "password": "bad"}).status_code
            for _ in range(6)
        ]
        assert codes[:5] == [200] * 5 and codes[5] == 429
    finally:
        app.config["JIEFEN_LIMIT_LOGIN"] = "100000 per minute"
        limiter.reset()


def test_security_headers(client, world):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in response.headers["Vary"]


def test_no_inline_script_in_pages(client, world):
    import re

    for url in ("/", "/apply", "/lookup", "/auth/login"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " on" + "click=" not in html


def test_production_cookie_flags():
    from config import Config

    assert Config.SESSION_COOKIE_SECURE and Config.SESSION_COOKIE_HTTPONLY
    assert Config.SESSION_COOKIE_SAMESITE == "Lax"


def test_production_requires_secret_key(monkeypatch):
    from app import create_app
    from config import Config

    class NoSecret(Config):
        SECRET_KEY = None

    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app(NoSecret)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("zh-TW", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR", "zh-Hans"),
    ],
)
def test_locale_from_browser(client, world, header, expected):
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{expected}"' in html


def test_language_switch_sticks(client, world):
    client.get("/lang/en?next=/apply")
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    response = client.get("/lang/en?next=https://evil.example/")
    assert "evil" not in response.headers["Location"]


def test_successful_logins_do_not_count(world, app, client):
    app.config["JIEFEN_LIMIT_LOGIN"] = "3 per minute"
    limiter.reset()
    try:
        for _ in range(5):
            assert (
                client.post(
                    "/auth/login", data={"username": "clerk", "password": PASSWORD}
                ).status_code
                == 302
            )
            client.post("/auth/logout")
    finally:
        app.config["JIEFEN_LIMIT_LOGIN"] = "100000 per minute"
        limiter.reset()
