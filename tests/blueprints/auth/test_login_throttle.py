"""Online guessing is slowed per address, per account and address, and per account from
unknown browsers, with delays told beside the form; strangers' failures never keep the real
user out of a browser they logged in from before (the device cookie)."""

import re

import pytest
from babel.messages.extract import extract_from_file

from blueprints.auth import throttle
from extensions import limiter
from tests.factories import PASSWORD

PRODUCTION = {
    "JIEFEN_LIMIT_LOGIN": "10 per minute",
    "JIEFEN_LOGIN_DELAY_AFTER": 5,
    "JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER": 10,
}


@pytest.fixture
def limits(app):
    """The production thresholds for the length of a test, with empty counters."""
    saved = {key: app.config[key] for key in PRODUCTION}
    app.config.update(PRODUCTION)
    limiter.reset()
    yield app.config
    app.config.update(saved)
    limiter.reset()


def browser_at(app, address: str):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


WRONG = "wrong password"  # noqa: S105


def attempt(browser, username="clerk", password=WRONG):
    return browser.post("/auth/login", data={"username": username, "password": password})


def page(response) -> str:
    return response.get_data(as_text=True)


def wait_in(response) -> str | None:
    """The wait told, e.g. "30 seconds" (rounded up, so a slow machine may take a second or
    two off the seconds: those are read as the full delay)."""
    found = re.search(r"Please wait (\d+) (\w+), then try again", page(response))
    if not found:
        return None
    number, unit = int(found.group(1)), found.group(2)
    if unit == "seconds":
        number = next((full for full in (30, 60, 120) if full - 3 < number <= full), number)
    return f"{number} {unit}"


def test_ten_strangers_do_not_lock_the_real_user_out(world, app, limits):
    known = browser_at(app, "10.0.0.1")
    assert attempt(known, password=PASSWORD).status_code == 302  # the user's own browser
    known.post("/auth/logout")

    for n in range(10):
        assert attempt(browser_at(app, f"203.0.113.{n + 1}")).status_code == 200

    # The account is now slowed down for browsers it never logged in from...
    stranger = attempt(browser_at(app, "203.0.113.99"), password=PASSWORD)
    assert stranger.status_code == 429 and wait_in(stranger) == "30 seconds"
    # ...but the real user's known browser logs in at once, also from a new address.
    assert attempt(known, password=PASSWORD).status_code == 302
    known.post("/auth/logout")
    known.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert attempt(known, password=PASSWORD).status_code == 302


def test_more_strangers_only_lengthen_the_delay_for_unknown_browsers(world, app, limits):
    known = browser_at(app, "10.0.0.1")
    attempt(known, password=PASSWORD)
    known.post("/auth/logout")
    for n in range(40):
        attempt(browser_at(app, f"203.0.113.{n + 1}"))
        limiter.storage.clear(throttle._delay("account/clerk"))  # as if each waited its turn
    assert attempt(known, password=PASSWORD).status_code == 302


def test_guessing_from_one_address_is_slowed_more_and_more(world, app, limits):
    guesser = browser_at(app, "203.0.113.5")
    assert [attempt(guesser).status_code for _ in range(4)] == [200] * 4
    fifth = attempt(guesser)
    assert fifth.status_code == 200  # the fifth failure starts the delay
    blocked = attempt(guesser, password=PASSWORD)  # even the right password waits
    assert blocked.status_code == 429 and wait_in(blocked) == "30 seconds"
    assert "Wrong username or password" not in page(blocked)

    limiter.storage.clear(throttle._delay("account-address/clerk/203.0.113.5"))
    attempt(guesser)  # the sixth failure doubles the delay
    assert wait_in(attempt(guesser)) == "60 seconds"
    for _ in range(3):
        limiter.storage.clear(throttle._delay("account-address/clerk/203.0.113.5"))
        attempt(guesser)
    assert wait_in(attempt(guesser)) == "8 minutes"

    # Another account from the same address is not delayed by the first one's failures.
    assert attempt(guesser, "mediator", PASSWORD).status_code == 302


def test_the_delay_is_shown_beside_the_form_not_as_an_error_page(world, app, limits):
    limits["JIEFEN_LOGIN_DELAY_AFTER"] = 1
    guesser = browser_at(app, "203.0.113.5")
    attempt(guesser)
    response = attempt(guesser)
    html = page(response)
    assert response.status_code == 429
    summary = html[html.index('id="login-delay"') : html.index("</form>")]
    assert "Too many failed attempts." in summary
    assert re.search(r"Please wait (2[89]|30) seconds, then try again\.", summary)
    assert 'name="username"' in summary and 'name="password"' in summary  # the form follows
    assert 'value="clerk"' in html  # what was typed is kept


def test_the_delay_messages_are_translatable(app):
    """Every message of the delay goes through gettext/ngettext (the template's through _()),
    so the catalogue, which the i18n test keeps complete, carries it in Chinese."""
    found = {
        message if isinstance(message, str) else message[0]
        for _line, message, _comments, _context in extract_from_file(
            "python", "blueprints/auth/views.py"
        )
    }
    assert "Please wait %(wait)s, then try again." in found
    assert "%(num)d second" in found and "%(num)d minute" in found


def test_the_address_limit_still_applies_to_unknown_browsers(world, app, limits):
    limits["JIEFEN_LIMIT_LOGIN"] = "3 per minute"
    guesser = browser_at(app, "203.0.113.5")
    codes = [attempt(guesser, f"user{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_known_browser_behind_a_busy_address_is_not_blocked(world, app, limits):
    """A desk behind one NAT address: a guesser there fills the address's limit; the clerk's
    browser, known for the username, still logs in."""
    limits["JIEFEN_LIMIT_LOGIN"] = "3 per minute"
    clerk = browser_at(app, "192.0.2.1")
    attempt(clerk, password=PASSWORD)
    clerk.post("/auth/logout")
    guesser = browser_at(app, "192.0.2.1")
    for n in range(5):
        attempt(guesser, f"user{n}")
    assert attempt(guesser, "clerk", PASSWORD).status_code == 429
    assert attempt(clerk, password=PASSWORD).status_code == 302


def test_a_known_browser_is_slowed_by_its_own_failures(world, app, limits):
    browser = browser_at(app, "10.0.0.1")
    attempt(browser, password=PASSWORD)
    browser.post("/auth/logout")
    codes = [attempt(browser).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    # A success elsewhere does not lift it; the browser's failures are its own.
    assert attempt(browser, password=PASSWORD).status_code == 429


def test_the_device_cookie_names_the_username_and_is_protected(world, app, limits):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        browser = browser_at(app, "10.0.0.1")
        response = attempt(browser, password=PASSWORD)
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("jiefen_device=")
    )
    assert "HttpOnly" in header and "Secure" in header and "SameSite=Lax" in header
    assert "Path=/auth/" in header and "Max-Age=" in header
    plain = attempt(browser_at(app, "10.0.0.2"), "mediator", PASSWORD)
    cookie = next(h for h in plain.headers.getlist("Set-Cookie") if "jiefen_device=" in h)
    assert "Secure" not in cookie  # development over plain HTTP


@pytest.mark.parametrize("forged", ["not-signed", "", "x" * 3000, "W10.forged.signature"])
def test_a_forged_device_cookie_counts_as_an_unknown_browser(world, app, limits, forged):
    limits["JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER"] = 2
    for n in range(2):
        attempt(browser_at(app, f"203.0.113.{n + 1}"))
    browser = browser_at(app, "203.0.113.50")
    browser.set_cookie("jiefen_device", forged, path="/auth/")
    assert attempt(browser, password=PASSWORD).status_code == 429


def test_a_device_cookie_of_another_user_does_not_help(world, app, limits):
    limits["JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER"] = 2
    browser = browser_at(app, "203.0.113.50")
    attempt(browser, "mediator", PASSWORD)
    browser.post("/auth/logout")
    for n in range(2):
        attempt(browser_at(app, f"203.0.113.{n + 1}"))
    assert attempt(browser, "clerk", PASSWORD).status_code == 429
    assert attempt(browser, "mediator", PASSWORD).status_code == 302


def test_a_shared_computer_remembers_each_of_its_users(world, app, limits):
    limits["JIEFEN_LOGIN_ACCOUNT_DELAY_AFTER"] = 1
    desk = browser_at(app, "10.0.0.1")
    for who in ("clerk", "mediator"):
        assert attempt(desk, who, PASSWORD).status_code == 302
        desk.post("/auth/logout")
    for who in ("clerk", "mediator"):
        attempt(browser_at(app, "203.0.113.1"), who)
    for who in ("clerk", "mediator"):
        assert attempt(desk, who, PASSWORD).status_code == 302
        desk.post("/auth/logout")
