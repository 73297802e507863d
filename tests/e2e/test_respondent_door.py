"""The other party's door in a real headless Chromium on a 390 px phone with JavaScript off:
the respondent opens the invitation link, agrees and acknowledges the notice; the mediator
then sees the answer on the case page."""

import pytest
from playwright.sync_api import expect

from domain import respondents
from models.states import CaseState
from tests.e2e.test_main_path import login

pytestmark = pytest.mark.e2e


def test_respondent_answers_on_a_phone(world, db, new_page, tmp_path):
    case = world.case(CaseState.MEDIATING, consented=False)
    party = case.respondents[0]
    code = respondents.issue_invitation(case, party, world.mediator, version=None)
    db.session.commit()

    phone = new_page(js=False, lang="zh-CN", width=390)
    phone.goto(phone.base + f"/respond?number={case.number}")
    expect(phone.locator("#number")).to_have_value(case.number)
    phone.fill("#code", code.lower())  # typed on a phone keyboard
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("h1")).to_be_visible()
    expect(phone.locator("#notice")).to_contain_text("如实陈述纠纷事实")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=tmp_path / "respond-390.png", full_page=True)
    phone.check("#answer-acknowledge")
    phone.check("#answer-consent-0")
    phone.locator("#answer button[type=submit]").click()
    expect(phone.locator("#answer")).to_contain_text("同意调解")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    staff = new_page(lang="en")
    login(staff, "mediator")
    staff.goto(staff.base + f"/cases/{case.number}")
    expect(staff.locator("#panel-consent")).to_contain_text("Online")
    expect(staff.locator("#panel-consent")).to_contain_text("Acknowledged electronically")
