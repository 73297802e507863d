"""The database drops away while a citizen sends the application, in a real headless Chromium
on a phone-sized window with JavaScript off: the form comes back with everything typed and a
"try again in a moment" message, and sending it again once the database is back files one
case."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from extensions import db as _db
from models import Case
from tests.blueprints.public.test_apply_reliability import dropped
from tests.factories import count_rows

pytestmark = pytest.mark.e2e


def fill(page, world) -> None:
    page.goto(page.base + "/apply")
    page.fill("[name='applicants-0-name']", "王大明")
    page.fill("[name='applicants-0-phone']", "138 1234 5678")
    page.fill("[name='applicants-0-address']", "埠河镇新民村3组")
    page.fill("[name='respondents-0-name']", "李小红")
    page.select_option("[name='county']", str(world.county.id))
    page.click("button[value='refresh_place']")
    page.select_option("[name='township']", str(world.township.id))
    page.click("button[value='refresh_place']")
    page.select_option("[name='village']", str(world.village.id))
    page.check("input[name='dispute_type'][value='LL']")
    page.fill("[name='summary']", "李家修房把排水沟堵了，雨天积水流进我家院子。")
    page.fill("[name='requests']", "疏通排水沟\n赔偿损失500元")
    page.fill("[name='amount']", "500")
    page.check("[name='declaration']")


def test_the_form_survives_the_database_going_away(world, new_page, monkeypatch):
    page = new_page(js=False, lang="zh-CN", width=390)
    fill(page, world)

    def commit():
        raise dropped()

    with monkeypatch.context() as patch:
        patch.setattr(_db.session, "commit", commit)
        page.locator("button[value='submit']").last.click()
        expect(page.locator("#unavailable")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_visible()
    for name, value in [
        ("applicants-0-name", "王大明"),
        ("applicants-0-phone", "138 1234 5678"),
        ("applicants-0-address", "埠河镇新民村3组"),
        ("respondents-0-name", "李小红"),
        ("county", str(world.county.id)),
        ("township", str(world.township.id)),
        ("village", str(world.village.id)),
        ("summary", "李家修房把排水沟堵了，雨天积水流进我家院子。"),
        ("requests", "疏通排水沟\n赔偿损失500元"),
        ("amount", "500"),
    ]:
        expect(page.locator(f"[name='{name}']")).to_have_value(value)
    expect(page.locator("input[name='dispute_type'][value='LL']")).to_be_checked()
    expect(page.locator("[name='declaration']")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert count_rows(Case) == 0

    # Back a moment later: the same form sent again, one case and its receipt.
    page.locator("button[value='submit']").last.click()
    number = page.inner_text("#case-number").strip()
    expect(page.locator("#query-code")).to_be_visible()
    assert count_rows(Case) == 1
    assert _db.session.scalar(sa.select(Case.number)) == number
