"""The leaders' dashboard in a real headless Chromium, on a small world (this year's cases in
both counties): the leader lands on it, reads a figure, narrows it by source (htmx swaps the
figures in place; without JavaScript the same form is a plain GET), follows the success
rate's numerator of one township down to its cases, and downloads the figures as XLSX, which
hold the same numbers. On a phone-sized screen the key figures scroll inside their box and
never widen the page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from domain import statistics as st
from domain.calendar import local_today
from models.enums import Source
from tests.blueprints.oversight.test_dashboard import this_year_world
from tests.e2e.test_main_path import login, settled

pytestmark = pytest.mark.e2e

TOWNSHIP = "埠河镇"  # 421022100, in the leader's county (公安县)


def this_year(page) -> int:
    """The key figures' "Accepted" of this year (the third column: this month, the same month
    last year, this year, the same period last year)."""
    row = page.locator("table.key-figures tbody tr").first
    expect(row.locator("th")).to_have_text("Accepted")
    return int(row.locator("td").nth(2).inner_text().replace(",", ""))


def expected(world, source: Source | None = None) -> st.Figures:
    filters = st.Filters(source=source)
    year = st.Period.year_to_date(local_today())
    return st.compute(st.scope_of(world.leader), year, filters).total


def test_the_leaders_dashboard(world, new_page, tmp_path):
    this_year_world(world)
    page = new_page(lang="en")
    login(page, "leader")
    expect(page).to_have_url(page.base + "/oversight/dashboard")
    expect(page.locator("h1")).to_contain_text("Dashboard")

    # A figure of the page: this year's cases accepted.
    whole = expected(world)
    assert this_year(page) == whole.accepted > 0

    # A filter: htmx swaps the figures in place and the address follows.
    court = expected(world, Source.COURT)
    assert 0 < court.accepted < whole.accepted
    with page.expect_response(lambda r: "/oversight/dashboard?" in r.url) as answer:
        page.select_option("#source", Source.COURT.value)
    settled(page)
    assert answer.value.request.headers.get("hx-request") == "true"
    assert this_year(page) == court.accepted
    assert parse_qs(urlsplit(page.url).query)["source"] == [Source.COURT.value]
    expect(page.locator(".dashboard-summary")).to_contain_text("Court delegated or entrusted")

    # The figures as XLSX: the link carries the filter; the workbook, the page's numbers.
    link = page.locator("#dashboard-xlsx")
    assert parse_qs(urlsplit(link.get_attribute("href")).query) == {"source": ["court"]}
    with page.expect_download() as download:
        link.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("jiefen-statistics-") and path.suffix == ".xlsx"
    book = load_workbook(path)
    key = book["Key figures"]
    first = int(key.freeze_panes[1:])
    assert key.cell(first + 2, 1).value.startswith("This year (")
    assert key.cell(first + 2, 2).value == court.accepted
    assert "Source: Court delegated or entrusted" in key["B4"].value

    # The success rate's numerator of one township, down to its cases.
    row = page.locator("#by-place tbody tr").filter(has_text=TOWNSHIP)
    numerator = row.locator("td").nth(3).locator(".rate-parts a").first
    count = int(numerator.inner_text())
    township = st.compute(
        st.scope_of(world.leader),
        st.Period.year_to_date(local_today()),
        st.Filters(region="421022100", source=Source.COURT),
    ).total
    assert count == township.successful > 0
    places = {r[0]: r[1:] for r in book["By place"].iter_rows(values_only=True) if r[0]}
    assert places[TOWNSHIP][2] == count  # the workbook's successful of the township
    numerator.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/oversight/"
    args = parse_qs(urlsplit(page.url).query)
    assert (args["indicator"], args["region"], args["source"]) == (
        ["successful"],
        ["421022100"],
        ["court"],
    )
    expect(page.locator("#figure-count")).to_have_text(str(count))
    expect(page.locator("tr[id^='case-'][id$='-row']")).to_have_count(count)


def test_without_javascript_the_filters_are_a_plain_get(world, new_page):
    this_year_world(world)
    page = new_page(js=False, lang="en")
    login(page, "leader")
    expect(page).to_have_url(page.base + "/oversight/dashboard")
    assert this_year(page) == expected(world).accepted
    page.select_option("#source", Source.POLICE.value)
    with page.expect_navigation():
        page.locator(".dashboard-filters button[type=submit]").click()
    assert parse_qs(urlsplit(page.url).query)["source"] == [Source.POLICE.value]
    assert this_year(page) == expected(world, Source.POLICE).accepted
    href = page.locator("#dashboard-xlsx").get_attribute("href")
    assert parse_qs(urlsplit(href).query) == {"source": ["police"]}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_on_a_phone_the_key_figures_scroll_in_their_box(world, new_page, tmp_path, lang):
    this_year_world(world)
    page = new_page(lang=lang, width=390)
    login(page, "leader")
    expect(page).to_have_url(page.base + "/oversight/dashboard")
    wrap = page.locator(".key-figures-wrap")
    wrap.scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / f"dashboard-390-{lang}.png")
    # The page is no wider than the screen; the table scrolls inside its box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = wrap.evaluate("e => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right]")
    assert widths[0] > widths[1] and widths[2] <= 390
    # A keyboard reaches the box to scroll it; the figures' names stay in view as it scrolls.
    assert wrap.get_attribute("tabindex") == "0"
    label = page.locator("table.key-figures tbody th").first
    before = label.bounding_box()["x"]
    wrap.evaluate("e => { e.scrollLeft = 200; }")
    assert wrap.evaluate("e => e.scrollLeft") > 0
    assert label.bounding_box()["x"] == before
