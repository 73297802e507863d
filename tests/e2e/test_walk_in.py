"""A walk-in neighbour dispute with two respondents registered in one go, keyboard only, by a
practised clerk: a repeat visitor's earlier case shows up in the side panel while the ID number
is typed (htmx, debounced), a second respondent is added (a company, whose earlier case shows
up by its credit code), the case is registered, and the confirmation page gives the number,
the query code and a working receipt."""

import re
import time

import pytest
from playwright.sync_api import expect

from models import Case, Party
from models.docking import CaseLink
from models.enums import Channel, DisputeType, PartyKind, PartyRole
from models.states import CaseState
from tests.e2e.test_main_path import login
from tests.factories import PartyData, valid_id

pytestmark = pytest.mark.e2e

ID_NUMBER = valid_id("19700315", "456")
PHONE = "13712345678"
NEW_PHONE = "135 9876 5432"
CREDIT_CODE = "91421022MA49000015"
COMPANY = "荆州市恒通物流有限公司"
MORE = "More details (optional)"  # the <summary> of a person's ethnicity and occupation


def focused(page) -> str:
    """The name of the focused element (a button's value: the "action" buttons share their
    name), or failing that its id or its text."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " if (e.tagName === 'BUTTON' && e.value) return e.value;"
        " return e.name || e.getAttribute('id') || e.textContent.trim(); }"
    )


def tab(page, name: str) -> None:
    """Press Tab once; the focus must land on field `name` (the form's keyboard order)."""
    page.keyboard.press("Tab")
    assert focused(page) == name, f"Tab went to {focused(page)!r}, expected {name!r}"


def settled(page) -> None:
    """Wait until htmx has swapped and settled the last response (Tab before that would land
    on an element about to be replaced)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def choose(page, label: str) -> None:
    """On a focused <select>, press ArrowDown until the option labelled `label` is chosen (a
    clerk without the mouse; Chinese labels cannot be reached by typing a letter)."""
    for _ in range(40):
        if page.evaluate("() => document.activeElement.selectedOptions[0].text") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {label!r} not reached with the arrow keys")


def test_walk_in_two_respondents_keyboard_only(world, db, new_page):
    earlier = world.case(
        CaseState.ACCEPTED,
        parties=[
            PartyData(role=PartyRole.APPLICANT, name="黄秀英", phone=PHONE, id_number=ID_NUMBER),
            PartyData(role=PartyRole.RESPONDENT, name="黄建国"),
        ],
    )
    firm_case = world.case(
        parties=[
            PartyData(role=PartyRole.APPLICANT, name="刘某", phone="13700000001"),
            PartyData(
                role=PartyRole.RESPONDENT,
                name=COMPANY,
                kind=PartyKind.ORGANISATION,
                credit_code=CREDIT_CODE,
            ),
        ],
    )
    db.session.commit()
    started = time.monotonic()

    page = new_page(lang="en")
    login(page, "clerk")
    page.goto(page.base + "/desk/register")
    expect(page.locator("#related-cases")).to_contain_text("Earlier cases")

    # Person first: autofocus on the applicant's name, so the earlier-cases lookup starts
    # with the first keys typed.
    assert focused(page) == "applicants-0-name"
    page.keyboard.type("黄秀英")
    tab(page, "applicants-0-kind")  # a natural person, as given
    tab(page, "applicants-0-sex")
    page.keyboard.press("ArrowDown")  # the first sex after "Not stated"
    tab(page, "applicants-0-age")
    page.keyboard.type("56")
    tab(page, "applicants-0-phone")
    # She has a new phone since: only her ID number can bring up the earlier case.
    page.keyboard.type(NEW_PHONE)
    tab(page, "applicants-0-id_number")
    # Copied in groups as printed on the card: the lookup and the form both accept it.
    page.keyboard.type(f"{ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}")
    # The panel updates once typing pauses (debounced htmx POST), with the earlier number.
    panel = page.locator("#related-cases")
    expect(panel).to_contain_text(earlier.number, timeout=5000)
    expect(panel).to_contain_text("same ID number")
    assert ID_NUMBER not in panel.inner_text()  # masked in the panel
    # Focus stayed in the ID field while the panel was swapped.
    assert focused(page) == "applicants-0-id_number"
    tab(page, "applicants-0-address")
    page.keyboard.type("公安县埠河镇新民村5组")
    tab(page, MORE)
    tab(page, "add_applicant")

    # The first respondent, a neighbour: the name refreshes the panel too (400 ms after the
    # last key).
    tab(page, "respondents-0-name")
    with page.expect_response("**/desk/related"):
        page.keyboard.type("黄建国")
    settled(page)
    for name in ("kind", "sex", "age", "phone", "id_number", "address"):
        tab(page, f"respondents-0-{name}")
    tab(page, MORE)
    # A second respondent: "add another" swaps the list (htmx) and focuses the new name.
    tab(page, "add_respondent")
    with page.expect_response(lambda r: r.request.method == "POST" and "/desk/register" in r.url):
        page.keyboard.press("Enter")
    settled(page)
    expect(page.locator("[name=respondents-1-name]")).to_be_focused()
    assert page.input_value("[name=respondents-0-name]") == "黄建国"  # nothing lost
    assert page.input_value("[name=applicants-0-phone]") == NEW_PHONE
    page.keyboard.type(COMPANY)
    tab(page, "respondents-1-kind")
    choose(page, "Organisation")
    # An organisation: its credit code and legal representative instead of sex, age and ID.
    expect(page.locator("[name=respondents-1-id_number]")).to_be_hidden()
    tab(page, "respondents-1-credit_code")
    page.keyboard.type(f"{CREDIT_CODE[:8]} {CREDIT_CODE[8:]}")
    expect(panel).to_contain_text(firm_case.number, timeout=5000)
    expect(panel).to_contain_text("same credit code as respondent 2")
    tab(page, "respondents-1-legal_rep")
    page.keyboard.type("王建国")
    tab(page, "respondents-1-legal_rep_post")
    page.keyboard.type("总经理")
    tab(page, "respondents-1-phone")
    # A phone refreshes the panel too: wait for it before tabbing into the panel.
    with page.expect_response("**/desk/related"):
        page.keyboard.type("0716-5226688")
    settled(page)
    tab(page, "respondents-1-address")
    tab(page, "add_respondent")
    tab(page, "remove_respondent")
    tab(page, "add_third_party")
    tab(page, "add_agent")
    # Next in the keyboard order: the side panel, newest first: the company's case, then
    # hers with its "link" box.
    link_box = panel.locator(f"#link-case-{earlier.number}")
    tab(page, f"related-{firm_case.number}")
    tab(page, "link_case")
    tab(page, f"related-{earlier.number}")
    tab(page, "link_case")
    page.keyboard.press("Space")
    expect(link_box).to_be_checked()
    tab(page, "link_repeat")
    tab(page, "check")  # the "check for earlier cases" button
    # Then the case itself; walk-in and "application" are the defaults.
    tab(page, "channel")
    assert page.input_value("[name=channel]") == Channel.WALK_IN.value
    tab(page, "source")
    tab(page, "region")
    choose(page, world.village.name)
    tab(page, "cross_region")
    tab(page, "dispute_type")
    choose(page, str(DisputeType.LL.label))
    tab(page, "summary")
    page.keyboard.type("黄建国盖猪圈占了我家的菜地，物流公司的货车又压坏了菜地围栏。")
    tab(page, "requests")
    page.keyboard.type("拆除猪圈")
    page.keyboard.press("Enter")  # a second request on its own line
    page.keyboard.type("恢复菜地")
    tab(page, "amount")
    tab(page, "consent")
    page.keyboard.press("Space")
    assert page.is_checked("[name=consent]")
    tab(page, "note")
    # A later refresh of the panel keeps the tick.
    expect(link_box).to_be_checked()
    # Enter in a one-line field registers the case (not "check for earlier cases").
    page.locator("[name=amount]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Confirmation: number and query code, once.
    assert page.locator("#error-summary").count() == 0, page.inner_text("#error-summary")
    expect(page.locator("h1")).to_have_text("Case registered")
    number = page.inner_text("#case-number").strip()
    code = page.inner_text("#query-code").strip()
    assert re.fullmatch(r"\d{4}-421022-\d{6}", number) and number != earlier.number
    assert re.fullmatch(r"[A-Z0-9]{4}[ -]?[A-Z0-9]{4}", code), code

    case = db.session.query(Case).filter_by(number=number).one()
    assert case.state == CaseState.REGISTERED and case.channel == Channel.WALK_IN
    assert case.region_id == world.village.id and case.dispute_type == DisputeType.LL
    assert case.requests == ["拆除猪圈", "恢复菜地"]
    applicant = db.session.query(Party).filter_by(case_id=case.id, role=PartyRole.APPLICANT).one()
    assert (applicant.name, applicant.age, applicant.id_number_norm) == ("黄秀英", 56, ID_NUMBER)
    assert applicant.address == "公安县埠河镇新民村5组" and applicant.sex is not None
    assert applicant.phone_norm == "+8613598765432"
    neighbour, firm = (
        db.session.query(Party)
        .filter_by(case_id=case.id, role=PartyRole.RESPONDENT)
        .order_by(Party.position)
        .all()
    )
    assert neighbour.name == "黄建国" and neighbour.kind == PartyKind.PERSON
    assert (firm.name, firm.kind, firm.credit_code) == (
        COMPANY,
        PartyKind.ORGANISATION,
        CREDIT_CODE,
    )
    assert (firm.legal_rep, firm.legal_rep_post, firm.phone) == ("王建国", "总经理", "0716-5226688")
    assert case.registered_by_id == world.clerk.id
    pairs = {(link.case_id, link.other_id) for link in db.session.query(CaseLink)}
    assert pairs & {(case.id, earlier.id), (earlier.id, case.id)}, pairs

    # The receipt: its QR code opens the lookup page with the number filled in, and the number
    # with the query code shows the case's public status.
    receipt = page.locator("#receipt")
    expect(receipt.locator("img.receipt-qr")).to_be_visible()
    citizen = new_page(js=False, lang="en")
    citizen.goto(citizen.base + f"/lookup?number={number}")
    expect(citizen.locator("[name=number]")).to_have_value(number)
    citizen.fill("[name=code]", code)
    citizen.locator("form button[type=submit]").last.click()
    expect(citizen.locator("main")).to_contain_text(number)
    expect(citizen.locator("main")).not_to_contain_text("Case not found")

    # Printed at once: the menus and the buttons are not printed, the receipt is.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("main .actions")).to_be_hidden()
    expect(receipt).to_be_visible()
    page.emulate_media(media="screen")

    # Onwards from the confirmation: the case page opens.
    page.get_by_role("link", name="Open the case to screen it now").click()
    expect(page.locator("h1")).to_contain_text(number)
    assert time.monotonic() - started < 30


def test_a_tick_made_while_the_panel_refreshes_is_kept(world, db, new_page):
    """The clerk ticks "link" while a refresh of the earlier-cases panel is on its way (sent
    with the box still unticked): the tick survives the swap. It was lost before."""
    earlier = world.case(
        CaseState.ACCEPTED,
        parties=[
            PartyData(role=PartyRole.APPLICANT, name="黄秀英", phone=PHONE),
            PartyData(role=PartyRole.RESPONDENT, name="黄建国"),
        ],
    )
    db.session.commit()
    page = new_page(lang="en")
    login(page, "clerk")
    page.goto(page.base + "/desk/register")
    page.fill("[name=applicants-0-phone]", PHONE)
    box = page.locator(f"#link-case-{earlier.number}")
    expect(box).to_be_visible(timeout=5000)
    settled(page)

    held = []
    page.route("**/desk/related", lambda route: held.append(route))
    page.locator("[name=applicants-0-name]").fill("黄秀英")  # a refresh, held on its way
    page.wait_for_timeout(600)  # past the 400 ms debounce
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the refresh was not sent"
    box.check()  # while the refresh (sent unticked) is on its way
    held[0].continue_()
    page.unroute("**/desk/related")
    settled(page)
    expect(page.locator(f"#link-case-{earlier.number}")).to_be_checked()
