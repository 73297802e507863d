"""A case that ended without agreement, in a real headless Chromium: the notice of termination
generated, its service on each party recorded on the case page (one by post, one handed over
in person and refused), the archive panel listing who is still to be served until everyone
is, then archiving and the 卷宗 filing the served notice."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from models.states import CaseState
from tests.e2e.test_lifecycle import open_case, reload_case, shot
from tests.e2e.test_main_path import login, open_form, submit
from tests.factories import complete_file

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("js", [True, False])
def test_serve_the_notice_then_archive(world, db, new_page, js):
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator, serve=False)
    db.session.commit()
    number = case.number
    applicant, respondent = case.applicants[0], case.respondents[0]

    page = new_page(js=js, lang="en")
    login(page, "mediator")
    open_case(page, number)
    service = page.locator("#panel-service")
    gaps = page.locator("#panel-archive-gaps")
    expect(service).to_contain_text("has not been generated yet")
    expect(gaps).to_contain_text("notice of termination has not been generated")

    # Generate the notice in the documents panel.
    form = open_form(page, "documents", "termination-0")
    submit(page, form.get_by_role("button", name="Generate (new version)"))
    expect(page.locator("#doc-termination-0")).to_contain_text("Version 1")
    open_case(page, number)
    expect(service).to_contain_text("Served on 0 of 2 parties.")
    expect(gaps).to_contain_text(f"not recorded as served on: {applicant.name}、{respondent.name}")

    # The applicant: by post, taken by a family member.
    form = open_form(page, "service", f"serve-{applicant.id}")
    form.locator("[name='serve-method']").select_option("post")
    form.locator("[name='serve-recipient']").fill("其子")
    form.locator("[name='serve-note']").fill("EMS 1180000000001")
    submit(page, form.get_by_role("button", name="Record service"))
    expect(service).to_contain_text("Served on 1 of 2 parties.")
    expect(service).to_contain_text("Received by 其子")
    expect(gaps).to_contain_text(f"not recorded as served on: {respondent.name}.")

    # The respondent: by post but "refused to sign" — refused beside the field, input kept.
    form = open_form(page, "service", f"serve-{respondent.id}")
    form.locator("[name='serve-method']").select_option("post")
    form.locator("[name='serve-refused_to_sign']").check()
    form.locator("[name='serve-note']").fill("村委会委员见证")
    submit(page, form.get_by_role("button", name="Record service"))
    region = page.locator(f"#panel-service-serve-{respondent.id}")
    expect(region.locator(f"#serve-{respondent.id}-refused_to_sign-error")).to_contain_text(
        "handed over in person"
    )
    expect(region.locator("[name='serve-note']")).to_have_value("村委会委员见证")
    region.locator("[name='serve-method']").select_option("in_person")
    submit(page, region.get_by_role("button", name="Record service"))
    expect(service).to_contain_text("Served on 2 of 2 parties.")
    expect(service).to_contain_text("Refused to sign: left with the party")
    expect(page.locator("#case-timeline")).to_contain_text("Notice served on a party")
    shot(page, "served_notice")

    # Nothing is missing now: archive. The 卷宗 files the version served.
    expect(page.locator("#panel-archive-gaps")).to_have_count(0)
    form = open_form(page, "archive", "archive")
    submit(page, form.get_by_role("button", name="Archive the case"))
    expect(page.locator("h1")).to_contain_text("Archived")
    bundle = next(d for d in reload_case(db, number).documents if d.subject_id == -1)
    reader = PdfReader(io.BytesIO(bundle.content))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    contents = text[text.find("卷内目录") :][:600]
    assert re.search(r"终止调解告知书[\d–-]+第1版，已送达", text), contents
