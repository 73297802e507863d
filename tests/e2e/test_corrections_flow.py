"""Correcting a case in a real headless Chromium: a respondent's phone corrected through the
corrections panel, with htmx (the form opens in place, the page is swapped) and without
JavaScript (the form on a page of its own, back to the case); the timeline shows the change
masked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models import Party
from models.states import CaseState
from tests.e2e.test_main_path import login

pytestmark = pytest.mark.e2e


def stored_phone(db, party_id: int) -> tuple[str | None, str | None]:
    db.session.expire_all()
    party = db.session.get(Party, party_id)
    return party.phone, party.phone_norm


@pytest.mark.parametrize("js", [True, False])
def test_a_respondents_phone_is_corrected_from_the_case_page(world, db, new_page, js):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    respondent = case.respondents[0]
    page = new_page(js=js, lang="en")
    login(page, "mediator")
    page.goto(f"{page.base}/cases/{case.number}")
    panel = page.locator("#panel-corrections")
    panel.get_by_role("link", name=f"Correct {respondent.name}…").click()
    form = page.locator("#panel-corrections [data-panel-open]")
    expect(form).to_be_visible()
    expect(form).to_contain_text("139****4321")  # the stored phone, masked
    form.locator("input[name=party-phone]").fill("139 0000 1111")
    form.locator("textarea[name=party-reason]").fill("当事人提供了新的联系电话")
    form.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".flash").first).to_contain_text("Party corrected")
    timeline = page.locator("#case-timeline")
    expect(timeline).to_contain_text("Party's details corrected")
    expect(timeline).to_contain_text("139****1111")
    expect(timeline).not_to_contain_text("13900001111")
    assert page.url.split("#")[0].endswith(f"/cases/{case.number}")
    assert stored_phone(db, respondent.id) == ("139 0000 1111", "+8613900001111")
