"""Sessions and passwords in a real browser: a cookie copied before logout is refused after
it, the header's "Change password" logs out the other browsers and keeps this one, and a
delay after failed logins is told beside the form, on a phone-sized screen too."""

import re

import pytest
from playwright.sync_api import expect

from extensions import limiter
from tests.e2e.test_main_path import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

NEW = "plum orchard lantern"


def test_a_copied_cookie_dies_with_the_logout(world, new_page):
    page = new_page(lang="en")
    login(page, "clerk")
    thief = new_page(lang="en")
    thief.context.add_cookies(page.context.cookies())
    thief.goto(thief.base + "/desk/")
    expect(thief.locator(".whoami")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.locator("h1")).to_have_text("Staff login")
    thief.goto(thief.base + "/desk/")
    expect(thief.locator("h1")).to_have_text("Staff login")


@pytest.mark.parametrize("width", [390, 1280])
def test_change_password_from_the_header(world, new_page, width):
    other = new_page(lang="en")
    login(other, "mediator")
    page = new_page(lang="en", width=width)
    login(page, "mediator")
    page.get_by_role("link", name="Change password").click()
    expect(page.locator("h1")).to_have_text("Change your password")
    expect(page.locator("#other-sessions")).to_contain_text("1 other browser")
    page.fill("#current", PASSWORD)
    page.fill("#password", "mediator2026")
    page.fill("#confirm", "mediator2026")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-error")).to_contain_text("your username")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.fill("#current", PASSWORD)
    page.fill("#password", NEW)
    page.fill("#confirm", NEW)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".flash-success")).to_contain_text("Your password has been changed")
    other.reload()
    expect(other.locator("h1")).to_have_text("Staff login")


def test_the_login_delay_is_told_beside_the_form(world, app, new_page):
    app.config["JIEFEN_LOGIN_DELAY_AFTER"] = 2
    limiter.reset()
    try:
        page = new_page(lang="en", width=390)
        for _ in range(3):
            page.goto(page.base + "/auth/login")
            page.fill("#username", "clerk")
            page.fill("#password", "wrong password")
            page.locator("form button[type=submit]").last.click()
        expect(page.locator("#login-delay")).to_contain_text(re.compile(r"Please wait \d+ seconds"))
        expect(page.locator("#username")).to_have_value("clerk")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        app.config["JIEFEN_LOGIN_DELAY_AFTER"] = 100000
        limiter.reset()
