"""A county from an empty database, as README's "Deploy for your county" tells it: the national
codes of 公安县 loaded and the first administrator created with the commands; then everything
in the browser: a village added under its township, the township's centre and the village's
committee created, a clerk and a mediator given accounts; the clerk registers a walk-in and
dispatches it to the new village committee, whose mediator takes it."""

import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from models import Case, Organisation, Region, User
from models.enums import OrgKind, RegionLevel, Role
from models.states import CaseState
from tests.e2e.test_main_path import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def navigate(page, action) -> None:
    """Click a link or a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        action.click()


def choose(page, select: str, text: str) -> None:
    """Choose the option of `select` whose label contains `text`."""
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value)


def new_account(page, username, name, role, organisation):
    page.fill("#username", username)
    page.fill("#name", name)
    page.select_option("#role", role)
    if organisation is not None:
        page.select_option("#organisation", label=organisation)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    navigate(page, page.get_by_role("button", name="Create account"))
    expect(page.locator(".flash")).to_contain_text(f"Account {username} created.")


def test_a_county_from_an_empty_database(app, db, runner, new_page):
    started = time.monotonic()
    assert db.session.scalar(sa.select(sa.func.count(Region.id))) == 0

    # 1. The commands: national codes of the county, the first administrator.
    loaded = runner.invoke(args=["regions", "load", "--county", "421022"])
    assert loaded.exit_code == 0, loaded.output
    made = runner.invoke(
        args=[
            "create-admin",
            "gaadmin",
            "--region",
            "421022",
            "--org-name",
            "公安县矛盾纠纷调处中心",
            "--name",
            "周管理",
            "--password",
            PASSWORD,
        ]
    )
    assert made.exit_code == 0, made.output

    # 2. The administrator, in the browser: the village under its township.
    admin = new_page(lang="en")
    login(admin, "gaadmin")
    navigate(admin, admin.locator(".staff-nav").get_by_role("link", name="Regions"))
    expect(admin.locator("h1")).to_contain_text("公安县")
    navigate(admin, admin.get_by_role("link", name="埠河镇", exact=True))
    navigate(admin, admin.get_by_role("link", name="Add a village or community"))
    admin.fill("#code", "201")
    admin.fill("#name", "新民村")
    navigate(admin, admin.get_by_role("button", name="Add", exact=True))
    expect(admin.locator("#region-421022100201")).to_contain_text("新民村")

    # The township's centre, from the township's page.
    navigate(admin, admin.get_by_role("link", name="Add an organisation here"))
    expect(admin.locator("#region_code")).to_have_value("421022100")
    admin.fill("#name", "埠河镇矛盾纠纷调处中心")
    admin.select_option("#kind", "centre")
    navigate(admin, admin.get_by_role("button", name="Create organisation"))
    expect(admin.locator("h1")).to_have_text("埠河镇矛盾纠纷调处中心")

    # The village committee, from the village's page.
    navigate(admin, admin.locator(".staff-nav").get_by_role("link", name="Regions"))
    navigate(admin, admin.get_by_role("link", name="埠河镇", exact=True))
    navigate(admin, admin.get_by_role("link", name="新民村", exact=True))
    navigate(admin, admin.get_by_role("link", name="Add an organisation here"))
    admin.fill("#name", "新民村人民调解委员会")
    admin.select_option("#kind", "village_committee")
    admin.fill("#file_prefix", "新民")
    navigate(admin, admin.get_by_role("button", name="Create organisation"))
    expect(admin.locator("h1")).to_have_text("新民村人民调解委员会")

    # Its mediator, from the committee's page; the clerk at the county centre.
    navigate(admin, admin.get_by_role("link", name="Add an account here"))
    new_account(admin, "xmmediator", "王调解", "mediator", None)  # the committee is chosen
    navigate(admin, admin.locator(".staff-nav").get_by_role("link", name="Users"))
    navigate(admin, admin.get_by_role("link", name="New user"))
    choices = admin.locator("#organisation option").all_inner_texts()
    assert any("新民村人民调解委员会" in c for c in choices)
    new_account(
        admin,
        "gaclerk",
        "刘窗口",
        "clerk",
        "公安县矛盾纠纷调处中心 (Dispute resolution centre)",
    )

    # 3. The clerk registers a walk-in neighbour dispute in the new village.
    clerk = new_page(lang="en")
    login(clerk, "gaclerk")
    clerk.goto(clerk.base + "/desk/register")
    clerk.fill("[name=applicants-0-name]", "赵春兰")
    clerk.fill("[name=applicants-0-phone]", "13912345678")
    clerk.fill("[name=respondents-0-name]", "钱大勇")
    choose(clerk, "[name=region]", "新民村")
    clerk.select_option("[name=dispute_type]", "LL")
    clerk.fill("[name=summary]", "钱大勇家的鸡常进赵家菜地，双方多次争吵。")
    clerk.check("[name=consent]")
    navigate(clerk, clerk.locator("form button[type=submit]").last)
    expect(clerk.locator("h1")).to_have_text("Case registered")
    number = clerk.inner_text("#case-number").strip()
    assert re.fullmatch(r"\d{4}-421022-\d{6}", number)

    # Accept, then dispatch to the suggestion: the new village committee (the place's).
    clerk.goto(clerk.base + f"/cases/{number}")
    screen = clerk.locator("#panel-screen")
    screen.get_by_role("link", name="Screen and accept…").click()
    expect(screen.locator("input[name='accept-reserved'][value='no']")).to_be_visible()
    for radio in screen.locator("input[type=radio][value='no']").all():
        radio.check()
    screen.get_by_role("button", name="Record the screening", exact=True).click()
    dispatch = clerk.locator("#panel-dispatch")
    expect(dispatch.locator("#dispatch-suggestion")).to_contain_text("新民村人民调解委员会")
    dispatch.get_by_role("link", name="Dispatch…").click()
    dispatch.get_by_role("button", name="Dispatch", exact=True).click()
    expect(dispatch).to_contain_text("At 新民村人民调解委员会, waiting for a presiding mediator.")
    assign = clerk.locator("#panel-assign_mediator")
    assign.get_by_role("link", name="Assign a mediator…").click()
    choose(clerk, "[name='assign-mediator']", "王调解")
    assign.get_by_role("button", name="Assign", exact=True).click()
    expect(clerk.locator("h1")).to_contain_text("In mediation")

    # 4. The mediator finds it on their work list.
    mediator = new_page(lang="en")
    login(mediator, "xmmediator")
    mediator.goto(mediator.base + "/workbench/")
    expect(mediator.get_by_role("link", name=number).first).to_be_visible()

    db.session.expire_all()
    case = db.session.scalar(sa.select(Case).where(Case.number == number))
    committee = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == "新民村人民调解委员会")
    )
    assert case.state == CaseState.MEDIATING and case.handling_org_id == committee.id
    assert committee.kind == OrgKind.VILLAGE_COMMITTEE and committee.region.code == "421022100201"
    assert committee.region.level == RegionLevel.VILLAGE
    assert case.presiding_mediator.username == "xmmediator"
    roles = dict(db.session.execute(sa.select(User.username, User.role)).all())
    assert roles == {"gaadmin": Role.ADMIN, "xmmediator": Role.MEDIATOR, "gaclerk": Role.CLERK}
    assert time.monotonic() - started < 30
