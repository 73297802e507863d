"""A scheduled video session in a real headless Chromium: the mediator schedules it from the
case page (htmx on), and the respondent, on a 390 px phone with JavaScript off, sees the
meeting link on their page and confirms attending; the mediator sees the answer."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from domain import respondents
from domain.calendar import CHINA
from models.states import CaseState
from tests.e2e.test_main_path import login

pytestmark = pytest.mark.e2e


def test_mediator_schedules_video_and_respondent_sees_the_link(world, db, new_page):
    case = world.case(CaseState.MEDIATING)
    party = case.respondents[0]
    code = respondents.issue_invitation(case, party, world.mediator, version=None)
    db.session.commit()

    staff = new_page(lang="en")
    login(staff, "mediator")
    staff.goto(staff.base + f"/cases/{case.number}")
    staff.locator("#panel-schedule a.opener", has_text="Schedule a session").click()
    day = (datetime.now(UTC).astimezone(CHINA) + timedelta(days=2)).date()
    staff.fill("#schedule-starts_at", f"{day.isoformat()}T10:00")
    staff.check("#schedule-mode-1")  # video
    staff.locator("#panel-schedule form button[type=submit]").click()
    expect(staff.locator("#panel-schedule")).to_contain_text("meet.example.org/jiefen-")
    link = staff.locator("#panel-schedule a.video-link").first.get_attribute("href")
    assert link.startswith("https://meet.example.org/jiefen-")

    phone = new_page(js=False, lang="zh-CN", width=390)
    phone.goto(phone.base + f"/respond?number={case.number}")
    phone.fill("#code", code)
    phone.locator("main form button[type=submit]").click()
    session = phone.locator("#next-session")
    expect(session).to_be_visible()
    expect(session.locator("a.video-link")).to_have_attribute("href", link)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.check("#session-answer-0")  # I will attend
    session.locator("button[type=submit]").click()
    expect(phone.locator("#next-session .flash-success")).to_be_visible()  # answered

    staff.goto(staff.base + f"/cases/{case.number}")
    expect(staff.locator(f"#panel-schedule [id$='-party-{party.id}']")).to_contain_text(
        "will attend"
    )
