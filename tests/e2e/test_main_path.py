"""The whole first path in a real headless Chromium: a citizen applies with JavaScript off,
the desk screens and dispatches with htmx, the mediator records the outcome, and the citizen
sees the new status."""

import re

import pytest
from playwright.sync_api import expect

from models import Case, Event
from models.states import CaseState
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def login(page, username):
    page.goto(page.base + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".whoami")).to_be_visible()


def submit(page, button):
    """Click a form's submit button and wait for the case page it leads to: a successful
    action answers htmx with HX-Redirect (and a plain form with a 303), so a page loads."""
    with page.expect_navigation():
        button.click()


def record_consent_and_notice(page, method="phone", how="oral"):
    """On the case page: for every party in the consent panel, record that they agree to
    mediate, then their acknowledgement of the rights notice."""
    boxes = page.locator("#panel-consent details")
    for i in range(boxes.count()):
        box = boxes.nth(i)  # lazy: found again on each reloaded page
        box.locator("input[name='consent-status'][value='agreed']").check()
        box.locator("select[name='consent-method']").select_option(method)
        submit(page, box.get_by_role("button", name="Record answer"))
        box.locator(f"input[name='notice-how'][value='{how}']").check()
        submit(page, box.get_by_role("button", name="Record acknowledgement"))
    expect(page.locator("#panel-consent .badge")).to_have_count(0)  # nothing pending


def declare_no_conflict(page):
    submit(
        page, page.get_by_role("button", name="I declare no conflict of interest with the parties")
    )
    expect(page.locator("#panel-mediators")).not_to_contain_text("Not yet declared")


def apply_without_js(page, world):
    page.goto(page.base + "/apply")
    page.fill("[name='applicants-0-name']", "王大明")
    page.fill("[name='applicants-0-phone']", "138 1234 5678")
    page.fill("[name='respondents-0-name']", "李小红")
    # A second respondent, with the page reloaded by the server (no JavaScript).
    page.click("button[value='add_respondent']")
    expect(page.locator("[name='respondents-1-name']")).to_be_visible()
    expect(page.locator("[name='applicants-0-name']")).to_have_value("王大明")
    page.fill("[name='respondents-1-name']", "李大红")
    # The place: each choice reloads the lower select through the refresh button.
    page.select_option("[name='county']", str(world.county.id))
    page.click("button[value='refresh_place']")
    page.select_option("[name='township']", str(world.township.id))
    page.click("button[value='refresh_place']")
    page.select_option("[name='village']", str(world.village.id))
    page.check("input[name='dispute_type'][value='LL']")
    page.fill("[name='summary']", "李家修房把排水沟堵了，雨天积水流进我家院子。")
    page.fill("[name='requests']", "疏通排水沟\n赔偿损失500元")
    page.check("[name='declaration']")
    page.locator("button[value='submit']").last.click()
    number = page.inner_text("#case-number").strip()
    code = page.inner_text("#query-code").strip()
    assert re.fullmatch(r"\d{4}-421022-\d{6}", number)
    return number, code


def citizen_status(page, number, code):
    page.goto(page.base + "/lookup")
    page.fill("[name='number']", number)
    page.fill("[name='code']", code.lower())  # typed in lower case: normalised
    page.locator("form button[type=submit]").last.click()
    return page.inner_text("h1")


def test_citizen_desk_mediator_citizen(world, db, new_page):
    # 1. Citizen on a phone, JavaScript off, Chinese.
    citizen = new_page(js=False, lang="zh-CN", width=390)
    number, code = apply_without_js(citizen, world)
    assert "调解" in citizen.content()  # Chinese by default
    first_status = citizen_status(citizen, number, code)

    # 2. Front desk with htmx, English.
    clerk = new_page(lang="en")
    login(clerk, "clerk")
    clerk.goto(clerk.base + "/desk/")
    clerk.get_by_role("link", name=number).click()
    clerk.locator("#panel-screen button[type=submit]").first.click()  # Accept for mediation
    expect(clerk.locator("#panel-dispatch")).to_be_visible()
    expect(clerk.locator("#panel-dispatch")).to_contain_text(world.village_committee.name)
    clerk.locator("#panel-dispatch button[type=submit]").first.click()  # the suggestion
    expect(clerk.locator("[name='assign-mediator']")).to_be_visible()
    clerk.select_option("[name='assign-mediator']", str(world.mediator.id))
    clerk.locator("#panel-dispatch button[type=submit]").first.click()
    expect(clerk.locator("h1")).to_contain_text("In mediation")

    # 3. Mediator: queue by deadline, masked details, consent, declaration, session, agreement.
    mediator = new_page(lang="en")
    login(mediator, "mediator")
    mediator.goto(mediator.base + "/workbench/")
    mediator.get_by_role("link", name=number).first.click()
    parties = mediator.locator("#case-parties")
    expect(parties).to_contain_text("138****5678")
    mediator.locator("#case-parties button").first.click()  # show full details (recorded)
    expect(parties).to_contain_text("138 1234 5678")
    # No session before every party agreed, acknowledged the notice, and the mediator
    # declared no conflict of interest.
    expect(mediator.locator("#panel-consent details")).to_have_count(3)
    record_consent_and_notice(mediator)
    declare_no_conflict(mediator)
    mediator.fill("[name='session-notes']", "双方到场陈述，同意疏通排水沟。")
    mediator.locator("#panel-session button[type=submit]").click()
    expect(mediator.locator("#case-timeline")).to_contain_text("Mediation session recorded")
    mediator.check("input[name='agreement-kind'][value='written']")
    mediator.fill("[name='agreement-terms']", "李小红于十日内疏通排水沟\n赔偿王大明损失500元")
    mediator.fill("[name='agreement-performance_manner']", "现金当面支付")
    mediator.locator("#panel-outcome button[type=submit]").click()
    expect(mediator.locator("h1")).to_contain_text("Agreement reached")

    # 4. Citizen again: the public status moved on, internal details stay hidden.
    final_status = citizen_status(citizen, number, code)
    assert final_status != first_status
    assert "达成" in final_status or "协议" in final_status
    body = citizen.content()
    assert "双方到场陈述" not in body and world.mediator.name not in body

    case = db.session.query(Case).filter_by(number=number).one()
    assert case.state == CaseState.AGREED
    actions = [
        e.action for e in db.session.query(Event).filter_by(case_id=case.id).order_by(Event.id)
    ]
    assert actions == [
        "register",
        "accept",
        "dispatch",
        "assign",
        "reveal_pii",
        *["record_consent", "ack_notice"] * 3,
        "declare_no_conflict",
        "record_session",
        "record_agreement",
    ]


def test_htmx_add_party_and_place_cascade(world, new_page):
    page = new_page(lang="en")
    page.goto(page.base + "/apply")
    page.fill("[name='applicants-0-name']", "Wang")
    page.click("button[value='add_respondent']")
    expect(page.locator("[name='respondents-1-name']")).to_be_visible()
    expect(page.locator("[name='applicants-0-name']")).to_have_value("Wang")
    # htmx swaps the township list in place when the county changes
    page.select_option("[name='county']", str(world.county.id))
    expect(page.locator("[name='township'] option", has_text="埠河镇")).to_have_count(1)
    expect(page.locator("button[value='refresh_place']")).to_be_hidden()
    # Wait until htmx has settled the swapped-in selects (a person is never this fast).
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    page.select_option("[name='township']", str(world.township.id))
    expect(page.locator("[name='village'] option", has_text="新民村")).to_have_count(1)
    expect(page.locator("[name='applicants-0-name']")).to_have_value("Wang")


def test_form_errors_keep_input_in_browser(world, new_page):
    page = new_page(js=False, lang="en")
    page.goto(page.base + "/apply")
    page.fill("[name='applicants-0-name']", "Wang")
    page.fill("[name='applicants-0-phone']", "12345")
    page.locator("button[value='submit']").last.click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#applicants-0-phone-error")).to_be_visible()
    expect(page.locator("[name='applicants-0-phone']")).to_have_value("12345")
    expect(page.locator("[name='applicants-0-name']")).to_have_value("Wang")
