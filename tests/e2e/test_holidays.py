"""The administrator enters next year's holidays in the browser: the admin home names the year
missing, a malformed file is refused with its line number beside the field, the file is
imported, and the mediator's 30-working-day deadline from 2026-12-20 skips New Year's Day and
counts the make-up Saturday, with the move on the case's timeline."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from domain import calendar
from domain.calendar import add_days
from models import Holiday
from models.states import CaseState
from tests.e2e.test_main_path import login
from tests.factories import count_rows

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "holidays" / "2027-EXAMPLE.csv"
START = date(2026, 12, 20)


def test_admin_enters_2027_and_the_deadline_moves(world, db, new_page, monkeypatch, tmp_path):
    monkeypatch.setattr(calendar, "PACKAGE_LAST_YEAR", 2026)
    case = world.case(CaseState.MEDIATING)
    case.clock_start, case.time_limit_days, case.working_days = START, 30, True
    case.due_on = add_days(START, 30, True)
    db.session.commit()
    assert case.due_on == date(2027, 1, 29)

    page = new_page(lang="en")
    login(page, "admin")
    expect(page).to_have_url(page.base + "/admin/")
    expect(page.locator("#holiday-gaps")).to_contain_text("Holidays for 2027 not yet entered.")
    page.get_by_role("link", name="Enter the 2027 schedule").first.click()
    expect(page.locator("h1")).to_have_text("Holidays 2027")

    bad = tmp_path / "2027.csv"
    bad.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-1-1x,holiday,x\n")
    page.set_input_files("#file", str(bad))
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator("#file-error")).to_contain_text("Line 3:")
    assert count_rows(Holiday) == 0

    page.set_input_files("#file", str(EXAMPLE))
    page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text(case.number)
    expect(page.locator("#holiday-2027-01-30-row")).to_contain_text("Make-up working day")

    page = new_page(lang="en", width=390)
    login(page, "mediator")
    page.goto(page.base + f"/cases/{case.number}")
    expect(page.locator("#case-facts")).to_contain_text("Jan 30, 2027")
    expect(page.locator(f"#case-{case.number}-holidays")).to_have_count(0)
    expect(page.locator("#case-timeline")).to_contain_text(
        "Deadline moved from Jan 29, 2027 to Jan 30, 2027"
    )
