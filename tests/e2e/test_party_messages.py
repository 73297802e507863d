"""The party area in a real headless Chromium: a respondent on a 390 px phone with JavaScript
off sends a message to the mediator; the mediator replies on the case page; the respondent
reads the reply."""

import pytest
from playwright.sync_api import expect

from domain import respondents
from models.states import CaseState
from tests.e2e.test_main_path import login

pytestmark = pytest.mark.e2e


def test_party_message_and_mediator_reply_on_a_phone(world, db, new_page, tmp_path):
    case = world.case(CaseState.MEDIATING)
    party = case.respondents[0]
    code = respondents.issue_invitation(case, party, world.mediator, version=None)
    db.session.commit()

    phone = new_page(js=False, lang="zh-CN", width=390)
    phone.goto(phone.base + f"/respond?number={case.number}")
    phone.fill("#code", code)
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("#messages")).to_be_visible()
    phone.fill("#message-body", "请问调解在哪里进行？")
    phone.locator("#messages button[type=submit]").click()
    expect(phone.locator("#messages")).to_contain_text("请问调解在哪里进行？")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=tmp_path / "party-390.png", full_page=True)

    staff = new_page(lang="en")
    login(staff, "mediator")
    staff.goto(staff.base + f"/cases/{case.number}")
    panel = staff.locator("#panel-messages")
    expect(panel).to_contain_text("请问调解在哪里进行？")
    panel.get_by_role("link", name=f"Reply to {party.name}…").click()
    staff.fill(f"#reply-{party.id}-body", "在村委会二楼调解室。")
    staff.locator("#panel-messages form button[type=submit]").first.click()
    expect(staff.locator("#panel-messages")).to_contain_text("在村委会二楼调解室。")

    phone.goto(phone.base + "/respond/case")
    expect(phone.locator("#messages")).to_contain_text("在村委会二楼调解室。")
