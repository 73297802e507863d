"""The whole first path in a real headless Chromium: a citizen applies with JavaScript off,
the desk screens and dispatches with htmx, the mediator records the outcome, and the citizen
sees the new status."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from domain.clocks import local_today
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


def settled(page) -> None:
    """Wait until htmx has swapped and settled its last response."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def submit(page, button):
    """Click a form's submit button and wait for its answer to land. A case-page form (htmx)
    answers with the whole case page swapped into <main> when done, or with its panel and the
    messages when refused; without JavaScript, and for an ordinary form, a page loads."""
    htmx = page.js and button.locator("xpath=ancestor::form[1]").get_attribute("hx-post")
    # Some answers take a while on a busy machine (archiving renders the whole 卷宗 as PDF).
    slow = 30_000
    if htmx:
        with page.expect_response(lambda r: r.request.method == "POST", timeout=slow):
            button.click(timeout=slow)
        settled(page)
    else:
        with page.expect_navigation(timeout=slow):
            button.click(timeout=slow)


def open_form(page, panel: str, key: str | None = None, *, label: str | None = None):
    """On the case page, open the form `key` of the panel `panel` (or the one whose opener
    link reads `label`): the form is not on the page until its opener link ("…") is clicked.
    With JavaScript the panel comes back with the form open in place (htmx GET); without, the
    link leads to the panel on a page of its own. Returns the open form's region."""
    if key is not None:
        link = page.locator(f"#panel-{panel} a.opener[href$='/panels/{panel}?open={key}']")
    else:
        link = page.locator(f"#panel-{panel} a.opener").filter(has_text=label)
    expect(link).to_have_count(1)
    key = parse_qs(urlsplit(link.get_attribute("href")).query)["open"][0]
    region = page.locator(f"#panel-{panel}-{key}")
    expect(region).to_have_count(0)  # not on the page before it is opened
    if page.js:
        url = page.url
        with page.expect_response(lambda r: f"/panels/{panel}?open=" in r.url) as answer:
            link.click()
        settled(page)
        assert answer.value.request.headers.get("hx-request") == "true"
        assert page.url == url  # opened in place, the page not left
    else:
        with page.expect_navigation():
            link.click()
        assert f"/panels/{panel}?open={key}" in page.url
    expect(region).to_be_visible()
    expect(region).to_have_attribute("data-panel-open", "")
    return region


def record_consent_and_notice(page, method="phone", how="oral"):
    """On the case page: for every party in the consent panel, record that they agree to
    mediate, then their acknowledgement of the rights notice."""
    openers = page.locator("#panel-consent a.opener[href*='?open=consent-']")
    hrefs = [openers.nth(i).get_attribute("href") for i in range(openers.count())]
    for href in hrefs:
        party = href.rsplit("consent-", 1)[1]
        form = open_form(page, "consent", f"consent-{party}")
        form.locator("input[name='consent-status'][value='agreed']").check()
        form.locator("select[name='consent-method']").select_option(method)
        submit(page, form.get_by_role("button", name="Record answer"))
        form = open_form(page, "consent", f"notice-{party}")
        form.locator(f"input[name='notice-how'][value='{how}']").check()
        submit(page, form.get_by_role("button", name="Record acknowledgement"))
    expect(page.locator("#panel-consent .badge")).to_have_count(0)  # nothing pending


def declare_no_conflict(page):
    form = open_form(page, "mediators", "declare")
    submit(
        page, form.get_by_role("button", name="I declare no conflict of interest with the parties")
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
    form = open_form(clerk, "screen", "accept")
    for question in ("court", "administrative", "reserved"):  # MOJ-2002 Art. 22, one by one
        form.locator(f"[name='accept-{question}'][value='no']").check()
    submit(clerk, form.get_by_role("button", name="Record the screening"))
    expect(clerk.locator("#flashes")).to_contain_text("Case accepted.")
    expect(clerk.locator("#panel-screen")).to_have_count(0)
    dispatch = clerk.locator("#panel-dispatch")
    expect(dispatch).to_be_visible()
    expect(dispatch).to_contain_text(world.village_committee.name)
    form = open_form(clerk, "dispatch", "dispatch")
    # The suggestion is preselected.
    expect(
        form.locator(f"[name='dispatch-organisation'][value='{world.village_committee.id}']")
    ).to_be_checked()
    submit(clerk, form.get_by_role("button", name="Dispatch", exact=True))
    form = open_form(clerk, "assign_mediator", "assign")
    clerk.select_option("[name='assign-mediator']", str(world.mediator.id))
    submit(clerk, form.get_by_role("button", name="Assign", exact=True))
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
    expect(mediator.locator("#panel-consent a.opener[href*='?open=consent-']")).to_have_count(3)
    record_consent_and_notice(mediator)
    declare_no_conflict(mediator)
    form = open_form(mediator, "session", "session")
    mediator.fill("[name='session-notes']", "双方到场陈述，同意疏通排水沟。")
    submit(mediator, form.get_by_role("button", name="Save session record"))
    expect(mediator.locator("#case-timeline")).to_contain_text("Mediation session recorded")
    form = open_form(mediator, "outcome", "agreement")
    mediator.check("input[name='agreement-kind'][value='written']")
    mediator.fill("[name='agreement-facts']", "李小红家修房时堵塞排水沟，雨水流入王大明家。")
    mediator.fill("[name='agreement-issues']", "排水沟由谁疏通，损失是否赔偿。")
    mediator.fill("[name='agreement-responsibilities']", "李小红负主要责任。")
    mediator.fill("[name='agreement-terms']", "李小红于十日内疏通排水沟\n赔偿王大明损失500元")
    mediator.fill("[name='agreement-performance_manner']", "现金当面支付")
    deadline = (local_today() + timedelta(days=10)).isoformat()
    mediator.fill("[name='agreement-performance_deadline']", deadline)
    submit(mediator, form.get_by_role("button", name="Record agreement and close the case"))
    expect(mediator.locator("h1")).to_contain_text("Agreement reached")

    # 4. Citizen again: the public status moved on, internal details stay hidden.
    final_status = citizen_status(citizen, number, code)
    assert final_status != first_status
    assert "达成" in final_status or "协议" in final_status
    body = citizen.content()
    # The session's notes stay internal; the mediator's name is the party's to know (their
    # own area names the presiding mediator).
    assert "双方到场陈述" not in body and world.mediator.name in body

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
