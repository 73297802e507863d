"""End-to-end fixtures: Debian's Chromium driven by Playwright against a live server on the
test database. Never `playwright install`: the browser comes from the system package."""

from __future__ import annotations

import pytest

from tests.browser import LiveServer, chromium_path, launch_browser
from tests.conftest import unavailable


@pytest.fixture(scope="session")
def browser():
    if chromium_path() is None:
        unavailable("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        b = launch_browser(playwright)
        yield b
        b.close()


@pytest.fixture
def live(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def new_page(browser, live):
    """new_page(js=True, lang="zh-CN") -> a fresh page in its own browser context; `page.js`
    tells the helpers whether htmx runs on it."""
    contexts = []

    def make(js: bool = True, lang: str = "zh-CN", width: int = 1280):
        context = browser.new_context(
            java_script_enabled=js,
            locale=lang,
            viewport={"width": width, "height": 900},
            extra_http_headers={"Accept-Language": lang},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.base = live.url
        page.js = js
        return page

    yield make
    for context in contexts:
        context.close()
