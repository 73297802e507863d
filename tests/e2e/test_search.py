"""The staff search page in a real browser, with and without JavaScript: a name lands in the
address bar, a phone or an ID number never does, neither in the address bar nor in the live
server's access log; and on a phone-sized screen the results stack instead of widening the page."""

import logging
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from domain.intake import PartyData
from models.enums import PartyKind, PartyRole
from tests.e2e.test_main_path import login
from tests.factories import valid_id

pytestmark = pytest.mark.e2e

ID = valid_id("19700315", "456")
PHONE = "13712345678"
NAME = "黄秀英"


@pytest.fixture
def access_log(caplog):
    """The live server's access log lines (werkzeug writes one per request)."""
    caplog.set_level(logging.INFO, logger="werkzeug")
    return caplog


def _case(world, db):
    case = world.case(
        parties=[
            PartyData(role=PartyRole.APPLICANT, name=NAME, phone=PHONE, id_number=ID),
            PartyData(role=PartyRole.RESPONDENT, name="黄建国", kind=PartyKind.PERSON),
        ]
    )
    db.session.commit()
    return case


def _search(page, text):
    box = page.locator("#q")
    box.fill(text)
    with page.expect_response(lambda r: "/search/" in r.url and r.request.method == "POST"):
        box.press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize("js", [True, False], ids=["htmx", "no-js"])
def test_names_in_the_address_phones_and_ids_never(world, db, new_page, access_log, js):
    case = _case(world, db)
    page = new_page(js=js, lang="en")
    login(page, "clerk")
    page.get_by_role("link", name="Search", exact=True).click()
    expect(page.locator("h1")).to_have_text("Find people and cases")

    _search(page, NAME)
    expect(page.locator(f"#case-{case.number}-row")).to_contain_text(NAME)
    expect(page).to_have_url(page.base + "/search/?q=" + quote(NAME))
    page.reload()  # the address is a bookmark: the same results come back
    expect(page.locator(f"#case-{case.number}-row")).to_contain_text(NAME)

    for typed in (PHONE, "137 1234 5678", ID):
        _search(page, typed)
        row = page.locator(f"#case-{case.number}-row")
        expect(row).to_contain_text("137****5678")
        expect(row).not_to_contain_text(PHONE)
        assert page.url == page.base + "/search/"
        assert typed.replace(" ", "") not in page.url.replace("%20", "")

    lines = [r.getMessage() for r in access_log.records if r.name == "werkzeug"]
    assert any(NAME in line for line in lines)  # the log is really captured (decoded)
    for secret in (PHONE, "137 1234", "137%201234", "137+1234", ID):
        assert not any(secret in line for line in lines), secret

    # The case opens from its row.
    page.locator(f"#case-{case.number}-row a").click()
    expect(page.locator("h1")).to_contain_text(case.number)


def test_results_stack_on_a_phone_sized_screen(world, db, new_page):
    case = _case(world, db)
    page = new_page(lang="zh-CN", width=390)
    login(page, "clerk")
    page.goto(page.base + "/search/?q=" + quote("黄"))
    row = page.locator(f"#case-{case.number}-row")
    expect(row).to_contain_text(NAME)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
