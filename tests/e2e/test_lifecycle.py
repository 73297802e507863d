"""The rest of a case's life in a real headless Chromium, driven through the pages
only: consent, the no-conflict declaration, a session, a written agreement and its signatures,
the follow-up visit, judicial confirmation and archiving; and the ways mediation ends without
agreement (two failures, joint mediation, its failure; a party withdrawing) or pauses.

The starting case is built with tests.factories; every step after that is a click. Staff use
the English interface; the citizen reads the status page in Chinese.

Set JIEFEN_E2E_SHOTS=/some/dir to keep screenshots of the key steps."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from playwright.sync_api import expect

from domain.clocks import local_today
from models import Case, Event
from models.enums import ClosureReason, Role, Ruling
from models.states import CaseState, PublicState
from tests.e2e.test_main_path import (
    citizen_status,
    declare_no_conflict,
    login,
    open_form,
    record_consent_and_notice,
    submit,
)
from tests.factories import PNG, user

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("JIEFEN_E2E_SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def zh(text) -> str:
    """A translated string as the Chinese citizen page shows it."""
    with force_locale("zh_Hans"):
        return str(text)


def en(text) -> str:
    """A translated string as the English staff pages show it."""
    with force_locale("en"):
        return str(text)


def open_case(page, number: str) -> None:
    page.goto(f"{page.base}/cases/{number}")
    expect(page.locator("h1")).to_contain_text(number)


def actions_of(db, case_id: int) -> list[str]:
    db.session.expire_all()
    return [e.action for e in db.session.query(Event).filter_by(case_id=case_id).order_by(Event.id)]


def reload_case(db, number: str) -> Case:
    db.session.expire_all()
    return db.session.query(Case).filter_by(number=number).one()


def test_consent_to_archive(world, db, new_page):
    """At the committee without a mediator → assigned, consent and notice for each party, the
    mediator's declaration, a session, a written agreement signed by all, follow-up, judicial
    confirmation, archive; the citizen then sees the case closed, nothing internal."""
    case = world.case(CaseState.DISPATCHED, consented=False)
    db.session.commit()
    number, code = case.number, case.query_code_plain
    applicant, respondent = case.applicants[0], case.respondents[0]

    # The committee director assigns the presiding mediator.
    director = new_page(lang="en")
    login(director, "director")
    open_case(director, number)
    form = open_form(director, "assign_mediator", "assign")
    director.select_option("[name='assign-mediator']", str(world.mediator.id))
    submit(director, form.get_by_role("button", name="Assign", exact=True))
    expect(director.locator("h1")).to_contain_text("In mediation")

    mediator = new_page(lang="en")
    login(mediator, "mediator")
    open_case(mediator, number)
    # Nothing recorded yet: consent, the notice and the declaration are pending.
    consent = mediator.locator("#panel-consent")
    expect(consent.locator(".badge")).to_have_count(4)  # 2 parties × consent and notice pending
    expect(mediator.locator("#panel-mediators")).to_contain_text("Not yet declared")
    shot(mediator, "01_consent_pending")
    record_consent_and_notice(mediator, method="in_person", how="written")
    expect(consent).to_contain_text("Agrees to mediation")
    expect(consent).to_contain_text("Signed the written notice")
    declare_no_conflict(mediator)
    # The agreement panel says what the procedure still lacks, with a link to its panel.
    gaps = mediator.locator("#panel-outcome-gaps")
    expect(gaps.get_by_role("link", name="No session has been recorded yet.")).to_have_attribute(
        "href", re.compile(r"#panel-session$")
    )

    # A session with both parties present (ticked by default).
    form = open_form(mediator, "session", "session")
    present = form.locator("input[name='session-present']")
    expect(present).to_have_count(2)
    for i in range(2):
        expect(present.nth(i)).to_be_checked()
    mediator.fill("[name='session-place']", "村委会调解室")
    mediator.fill("[name='session-accounts']", "申请人称排水沟被堵；被申请人承认修房时堵塞。")
    mediator.fill("[name='session-notes']", "内部记录：双方情绪激动，经劝导同意协商。")
    mediator.fill("[name='session-result']", "同意达成书面协议")
    submit(mediator, form.get_by_role("button", name="Save session record"))
    expect(mediator.locator("#case-timeline")).to_contain_text("Mediation session recorded")
    expect(gaps).to_contain_text("The procedure is complete")

    # A written agreement: PML Art. 29's particulars.
    deadline = local_today() + timedelta(days=10)
    outcome = open_form(mediator, "outcome", "agreement")
    expect(outcome.locator("input[name='agreement-kind'][value='written']")).to_be_checked()
    mediator.fill("[name='agreement-facts']", "被申请人修房时堵塞排水沟，雨天积水流入申请人院子。")
    mediator.fill("[name='agreement-issues']", "排水沟由谁疏通，院子进水的损失是否赔偿。")
    mediator.fill("[name='agreement-responsibilities']", "被申请人负主要责任。")
    mediator.fill(
        "[name='agreement-terms']", "1. 被申请人于十日内疏通排水沟\n2. 被申请人赔偿申请人损失500元"
    )
    mediator.fill("[name='agreement-performance_manner']", "现金当面支付")
    mediator.fill("[name='agreement-performance_place']", "新民村村委会")
    mediator.fill("[name='agreement-performance_deadline']", deadline.isoformat())
    submit(mediator, outcome.get_by_role("button", name="Record agreement and close the case"))
    expect(mediator.locator("h1")).to_contain_text("Agreement reached")
    signatures = mediator.locator("#panel-agreement")
    expect(signatures).to_contain_text("Not yet in effect")
    shot(mediator, "02_agreement_unsigned")

    # Every signature: each party, the mediator, the committee seal.
    for signer in (f"party:{applicant.id}", f"party:{respondent.id}", "mediator", "seal"):
        expect(signatures).to_contain_text("Not yet in effect")
        form = open_form(mediator, "agreement", "sign")
        form.locator("[name='sign-signer']").select_option(signer)
        submit(mediator, form.get_by_role("button", name="Record signature"))
    expect(signatures).to_contain_text("In effect")
    expect(signatures).to_contain_text("Effective on")
    expect(signatures).not_to_contain_text("Not yet signed")
    expect(signatures.locator("a.opener")).to_have_count(0)  # frozen: nothing to open
    expect(signatures.locator("[name='sign-signer']")).to_have_count(0)
    confirmation = mediator.locator("#panel-confirmation")
    expect(confirmation).to_contain_text("within 30 days")
    expect(confirmation).to_contain_text("30 days left")
    archive = mediator.locator("#panel-archive")
    expect(archive.locator("#panel-archive-gaps")).to_contain_text("follow-up visit")
    shot(mediator, "03_agreement_in_effect")

    # The follow-up visit.
    follow_up = mediator.locator("#panel-follow_up")
    form = open_form(mediator, "follow_up", "visit")
    mediator.select_option("[name='visit-performance']", "performed")
    form.locator("input[name='visit-satisfaction'][value='satisfied']").check()
    mediator.fill("[name='visit-notes']", "回访备注：排水沟已疏通，赔偿已付。")
    submit(mediator, form.get_by_role("button", name="Record visit"))
    expect(follow_up).to_contain_text("Visited on")

    # The joint application for judicial confirmation, then the court's ruling.
    form = open_form(mediator, "confirmation", "confirm")
    mediator.fill("[name='confirm-court']", world.court.name)
    form.locator("[name='confirm-all_parties_join']").check()
    submit(mediator, form.get_by_role("button", name="Record application"))
    expect(confirmation).to_contain_text("Awaiting the court's ruling")
    expect(archive.locator("#panel-archive-gaps")).to_contain_text("not yet ruled")
    form = open_form(mediator, "confirmation", "ruling")
    form.locator("input[name='ruling-ruling'][value='confirmed']").check()
    mediator.fill("[name='ruling-ruling_number']", "(2026)鄂1022民特1号")
    submit(mediator, form.get_by_role("button", name="Record ruling"))
    expect(confirmation).to_contain_text("Confirmed valid")

    # The session record was printed and signed on paper: mark it signed.
    expect(archive.locator("#panel-archive-gaps")).to_contain_text("not marked signed")
    records = mediator.locator("#panel-records")
    form = open_form(mediator, "records", label="Open, correct or mark signed")
    submit(mediator, form.get_by_role("button", name="Mark as signed"))
    expect(records).to_contain_text("Signed on")

    # The file's documents: the parties' ID documents are uploaded as a scan; every other
    # missing one is generated, printed, signed on paper and that version marked signed.
    expect(archive.locator("#panel-archive-gaps")).to_contain_text("The case file lacks")
    docs = mediator.locator("#panel-documents")
    id_proof = docs.locator("#doc-id_proof-0")
    form = open_form(mediator, "documents", "id_proof-0")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "id-cards.png", "mimeType": "image/png", "buffer": PNG}]
    )
    submit(mediator, form.locator("button[type=submit]"))
    expect(id_proof).to_contain_text("In the file")
    missing = docs.locator("ul.documents > li").filter(
        has=mediator.locator(".badge", has_text="Missing (mandatory)")
    )
    to_sign = missing.evaluate_all("items => items.map(item => item.id)")
    assert "doc-agreement-0" in to_sign and "doc-notice-0" in to_sign
    for dom_id in to_sign:
        item = docs.locator(f"#{dom_id}")
        form = open_form(mediator, "documents", dom_id.removeprefix("doc-"))
        submit(mediator, form.get_by_role("button", name="Generate (new version)"))
        expect(item).to_contain_text("Version 1")  # the document stays open
        submit(mediator, item.get_by_role("button", name="Mark signed"))
        expect(item).to_contain_text("Signed, frozen")
    expect(docs.locator("#panel-documents-missing")).to_contain_text(
        "Every mandatory document is in the file"
    )
    shot(mediator, "04_documents_in_the_file")

    # The checklist is empty: archive.
    expect(archive.locator("#panel-archive-gaps")).to_have_count(0)
    expect(archive).to_contain_text("Nothing is missing")
    shot(mediator, "04_ready_to_archive")
    form = open_form(mediator, "archive", "archive")
    submit(mediator, form.get_by_role("button", name="Archive the case"))
    expect(mediator.locator("h1")).to_contain_text("Archived")
    expect(archive).to_contain_text("Archived on")
    expect(mediator.locator("#panel-archive form")).to_have_count(0)
    expect(archive.locator("a.opener")).to_have_count(0)
    expect(archive.locator("#panel-archive-file-number")).to_contain_text("人调字第1号")
    with mediator.expect_download() as download:
        archive.get_by_role("link", name="Download the case file (PDF)").click()
    assert download.value.suggested_filename == f"{number}-case-file-v1.pdf"
    shot(mediator, "05_archived")

    # The citizen, in Chinese: closed, the agreement's terms, nothing internal.
    citizen = new_page(js=False, lang="zh-CN", width=390)
    assert citizen_status(citizen, number, code) == zh(PublicState.CLOSED.label)
    body = citizen.inner_text("body")
    assert "被申请人于十日内疏通排水沟" in body
    for internal in (
        "内部记录",
        "双方情绪激动",
        "被申请人承认修房时堵塞",
        "回访备注",
        "被申请人负主要责任",
        "鄂1022民特1号",
        world.director.name,
    ):
        assert internal not in body
    assert world.mediator.name in body  # the presiding mediator is named to the parties
    shot(citizen, "06_citizen_closed")

    case = reload_case(db, number)
    assert case.state == CaseState.ARCHIVED
    assert case.closure_reason == ClosureReason.AGREEMENT_WRITTEN
    assert case.archived_at is not None
    assert case.agreement.effective_on is not None
    assert case.confirmations[0].ruling == Ruling.CONFIRMED
    assert all(v.done_at is not None for v in case.follow_ups)
    assert actions_of(db, case.id) == [
        "register",
        "accept",
        "dispatch",
        "assign",
        "record_consent",
        "ack_notice",
        "record_consent",
        "ack_notice",
        "declare_no_conflict",
        "record_session",
        "record_agreement",
        *["sign_agreement"] * 4,
        "record_follow_up",
        "apply_confirmation",
        "record_ruling",
        "sign_record",
        "upload_document",
        *["generate_document", "sign_document"] * len(to_sign),
        "archive",
        "view_document",  # the mediator downloaded the whole file, personal details in full
    ]
    assert case.file_number is not None


def test_failures_escalate_to_joint_mediation_then_fail(world, db, new_page):
    """Two failed attempts at the committee → joint mediation organised one level up with the
    departments entered; its failure ends the case and the parties are told the channels."""
    case = world.case(CaseState.MEDIATING)
    organiser = world.township_centre
    user("tdirector", Role.DIRECTOR, organiser, "镇中心主任")
    db.session.commit()
    number, code = case.number, case.query_code_plain

    mediator = new_page(lang="en")
    login(mediator, "mediator")
    open_case(mediator, number)
    closing = mediator.locator("#panel-closing")
    expect(closing).to_contain_text("0 failed attempts recorded so far.")

    # First failure: mediation goes on.
    form = open_form(mediator, "closing", "fail")
    mediator.fill("[name='fail-reason']", "第一次失败：双方对赔偿金额分歧过大。")
    expect(mediator.locator("[name='fail-departments']")).to_have_count(0)
    submit(mediator, form.get_by_role("button", name="Record failed attempt"))
    expect(mediator.locator("h1")).to_contain_text("In mediation")
    expect(closing).to_contain_text("1 failed attempt recorded so far.")

    # Second failure: the panel names the organiser one level up and asks for departments.
    form = open_form(mediator, "closing", "fail")
    expect(form).to_contain_text(f"goes to joint mediation organised by {organiser.name}")
    mediator.fill("[name='fail-reason']", "第二次失败：被申请人拒绝赔偿。")
    mediator.fill("[name='fail-departments']", "埠河镇司法所\n埠河派出所")
    shot(mediator, "10_second_failure")
    submit(mediator, form.get_by_role("button", name="Record failure and move to joint mediation"))
    expect(mediator.locator("h1")).to_contain_text("In joint mediation")
    expect(closing).to_contain_text(f"Joint mediation organised by {organiser.name}.")
    expect(closing).to_contain_text("Departments taking part: 埠河镇司法所, 埠河派出所.")
    shot(mediator, "11_joint_mediation")

    # The organising centre's director finds it in the work list and may work it.
    centre = new_page(lang="en")
    login(centre, "tdirector")
    centre.goto(centre.base + "/workbench/")
    row = centre.locator(f"#case-{number}-joint")
    expect(row).to_contain_text(organiser.name)
    expect(row).to_contain_text("your centre")
    shot(centre, "11b_joint_mediation_list")
    row.get_by_role("link", name=number).click()
    expect(centre.locator("h1")).to_contain_text("In joint mediation")
    expect(centre.locator("#panel-session a.opener")).to_have_count(1)

    # The joint mediation fails too: the case ends.
    form = open_form(mediator, "closing", "fail")
    expect(form).to_contain_text("Joint mediation is the last step")
    mediator.fill("[name='fail-reason']", "联动调解仍未达成协议。")
    submit(mediator, form.get_by_role("button", name="Record failure and close the case"))
    expect(mediator.locator("h1")).to_contain_text("Mediation failed")
    expect(mediator.locator("#panel-closing")).to_have_count(0)
    notice = mediator.locator("#panel-closing_notice")
    expect(notice).to_contain_text("Notice given to the parties")
    for channel in (
        "arbitration",
        "administrative body",
        "people's court",
        "Joint mediation also failed",
    ):
        expect(notice).to_contain_text(channel)
    shot(mediator, "12_failed_notice")

    # The citizen sees that mediation ended and which channels remain; no internal reasons.
    citizen = new_page(js=False, lang="zh-CN", width=390)
    assert citizen_status(citizen, number, code) == zh(PublicState.ENDED.label)
    body = citizen.inner_text("body")
    assert zh(PublicState.ENDED.explanation) in body
    assert zh(ClosureReason.FAILED.label) in body
    for internal in (
        "第一次失败",
        "第二次失败",
        "被申请人拒绝赔偿",
        "埠河派出所",
    ):
        assert internal not in body
    shot(citizen, "13_citizen_ended")

    case = reload_case(db, number)
    assert case.state == CaseState.FAILED
    assert case.closure_reason == ClosureReason.FAILED
    assert case.failure_count == 2  # attempts at the committee
    assert case.joint_org_id == organiser.id
    assert case.joint_departments == ["埠河镇司法所", "埠河派出所"]
    assert case.closed_at is not None
    assert actions_of(db, case.id) == [
        "register",
        "accept",
        "dispatch",
        "assign",
        "declare_no_conflict",
        *["record_consent", "ack_notice"] * 2,  # the factory's consented case
        "record_failure",
        "record_failure",
        "escalate_joint",
        "record_failure",
    ]


def test_suspend_resume_and_terminate(world, db, new_page):
    """Suspension stops the clock until mediation resumes; ending mediation because a party
    withdrew closes the case with the notice. The closing panel is walked both ways: with
    htmx (its form opens in place and the answer is swapped into the page, never reloaded)
    and without JavaScript (the form on a page of its own, a plain POST, back to the case
    page at the panel)."""
    paused = world.case(CaseState.MEDIATING)
    ended = world.case(CaseState.MEDIATING)
    db.session.commit()
    paused_code = paused.query_code_plain

    mediator = new_page(lang="en")
    login(mediator, "mediator")

    # Suspend, with htmx: the clock stops.
    open_case(mediator, paused.number)
    case_url = mediator.url
    mediator.evaluate("() => { window.pageNotReloaded = true; }")
    closing = mediator.locator("#panel-closing")
    form = open_form(mediator, "closing", "suspend")
    expect(closing.locator("form")).to_have_count(1)  # only the form asked for
    mediator.fill("[name='suspend-reason']", "被申请人住院治疗。")
    submit(mediator, form.get_by_role("button", name="Suspend and stop the clock"))
    assert mediator.url == case_url
    assert mediator.evaluate("() => window.pageNotReloaded === true")  # swapped into <main>
    expect(mediator.locator("#flashes")).to_contain_text("Mediation suspended.")
    expect(mediator.locator("h1")).to_contain_text("Suspended")
    expect(closing).to_contain_text("Clock stopped")
    expect(closing).to_contain_text("Suspended since")
    expect(closing.locator("[data-panel-open]")).to_have_count(0)
    expect(closing.locator("a.opener[href$='?open=fail']")).to_have_count(0)
    expect(closing.locator("a.opener[href$='?open=resume']")).to_have_count(1)
    shot(mediator, "20_suspended")
    case = reload_case(db, paused.number)
    assert case.state == CaseState.SUSPENDED and case.suspended_since is not None
    citizen = new_page(js=False, lang="zh-CN", width=390)
    assert citizen_status(citizen, paused.number, paused_code) == zh(PublicState.PAUSED.label)
    assert "住院" not in citizen.inner_text("body")  # the reason stays internal

    # Resume, without JavaScript (a browser context of its own): the opener link leads to the
    # panel on a page of its own, the form posts, the case page comes back at the panel.
    plain = new_page(js=False, lang="en")
    login(plain, "mediator")
    open_case(plain, paused.number)
    form = open_form(plain, "closing", "resume")
    expect(plain.locator("h1")).to_contain_text(paused.number)
    expect(plain.locator("#case-timeline")).to_have_count(0)  # the panel alone
    form.locator("[name='resume-note']").fill("当事人已出院。")
    submit(plain, form.get_by_role("button", name="Resume mediation"))
    assert plain.url.endswith(f"/cases/{paused.number}#panel-closing"), plain.url
    expect(plain.locator("#flashes")).to_contain_text("Mediation resumed.")
    expect(plain.locator("h1")).to_contain_text("In mediation")
    expect(plain.locator("#case-timeline")).to_contain_text("当事人已出院。")
    plain_closing = plain.locator("#panel-closing")
    expect(plain_closing).not_to_contain_text("Clock stopped")
    expect(plain_closing.locator("[data-panel-open]")).to_have_count(0)
    expect(plain_closing.locator("a.opener[href$='?open=suspend']")).to_have_count(1)
    case = reload_case(db, paused.number)
    assert case.state == CaseState.MEDIATING and case.suspended_since is None
    assert actions_of(db, case.id)[-2:] == ["suspend", "resume"]

    # End mediation: a party withdrew.
    open_case(mediator, ended.number)
    form = open_form(mediator, "closing", "terminate")
    mediator.select_option("[name='terminate-reason']", ClosureReason.PARTY_WITHDREW.value)
    mediator.fill("[name='terminate-note']", "申请人书面撤回调解申请。")
    submit(mediator, form.get_by_role("button", name="End mediation and close the case"))
    expect(mediator.locator("h1")).to_contain_text("Mediation ended")
    notice = mediator.locator("#panel-closing_notice")
    expect(notice).to_contain_text(en(ClosureReason.PARTY_WITHDREW.label))
    expect(notice).to_contain_text("arbitration")
    shot(mediator, "21_terminated")
    case = reload_case(db, ended.number)
    assert case.state == CaseState.TERMINATED
    assert case.closure_reason == ClosureReason.PARTY_WITHDREW
    assert actions_of(db, case.id)[-1] == "terminate"
