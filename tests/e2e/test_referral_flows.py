"""Docking end to end in a real headless Chromium: the desk registers a court
referral, a petition office transfer and a police referral on their own forms, screens,
dispatches (the routing rule named on the panel) and assigns them; mediation reaches an outcome;
the return leg to the referring body is recorded on the case page, and the archive checklist
stops asking for it.

Every intake and return-leg step is a click or a keystroke with htmx on; a few mediation steps
already covered by test_lifecycle (failures, a termination) are taken through the domain
functions. Staff use the English interface.

Set JIEFEN_E2E_SHOTS=/some/dir to keep screenshots of the key steps."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, time, timedelta

import pytest
from flask_babel import format_date, format_datetime
from playwright.sync_api import expect

from domain.clocks import CHINA, local_today
from domain.closing import record_failure, terminate
from models import Case, Event
from models.docking import Referral
from models.enums import (
    ClosureReason,
    CourtMode,
    OrgKind,
    PetitionForm,
    PoliceCategory,
    ReferralKind,
    ReferralResult,
    Source,
)
from models.routing import RoutingRule
from models.states import CaseState
from tests.e2e.test_lifecycle import actions_of, en, open_case, shot
from tests.e2e.test_main_path import login, open_form, submit
from tests.factories import org

pytestmark = pytest.mark.e2e

RULE_NAME = "邻里纠纷就地化解"
COURT_NO = "（2026）鄂1022民诉前调88号"
PETITION_NO = "XF2026-0789"
INCIDENT_NO = "J4210222026112200456"


@pytest.fixture
def docking(world, db):
    """The county's petition office and police station, and a routing rule sending
    neighbourhood disputes of 新民村 to its committee (so the dispatch panel names a rule)."""
    office = org("公安县信访局", OrgKind.PETITION_OFFICE, world.county)
    station = org("公安县公安局埠河派出所", OrgKind.POLICE_STATION, world.township)
    db.session.add(
        RoutingRule(
            scope_code=world.county.code,
            position=1,
            name=RULE_NAME,
            dispute_types=["LL"],
            place_code=world.village.code,
            target_org=world.village_committee,
        )
    )
    db.session.commit()
    return {"office": office, "station": station}


# ---- helpers -------------------------------------------------------------------------------


def fact(page, label: str):
    """The <dd> after the <dt> reading exactly `label` in the case's facts."""
    return page.locator("#case-facts dt", has_text=re.compile(f"^{re.escape(label)}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def fill_case(page, world, applicant: str, respondent: str, summary: str) -> None:
    """The common part of every registration form: place, type, account, parties, consent."""
    page.select_option("[name=region]", str(world.village.id))
    page.select_option("[name=dispute_type]", "LL")
    page.fill("[name=summary]", summary)
    page.fill("[name=applicants-0-name]", applicant)
    page.fill("[name=applicants-0-phone]", "138 0000 1111")
    page.fill("[name=respondents-0-name]", respondent)
    page.check("[name=consent]")


def register(page) -> str:
    """Press "Register the case"; the confirmation's case number. Then open the case."""
    submit(page, page.get_by_role("button", name="Register the case"))
    assert page.locator("#error-summary").count() == 0, page.inner_text("#error-summary")
    expect(page.locator("h1")).to_have_text("Case registered")
    number = page.inner_text("#case-number").strip()
    page.get_by_role("link", name="Open the case to screen it now").click()
    expect(page.locator("h1")).to_contain_text(number)
    return number


def accept_dispatch_assign(page, world) -> None:
    """Screening → dispatch (the rule is named) → the presiding mediator, through the panels."""
    form = open_form(page, "screen", "accept")
    # The referral answers the question about its own sender; the others are asked.
    for radio in form.locator("input[type=radio][value='no']").all():
        radio.check()
    submit(page, form.get_by_role("button", name="Record the screening"))
    dispatch = page.locator("#panel-dispatch")
    expect(dispatch.locator("#dispatch-suggestion")).to_contain_text(
        f"Rule 1 · {RULE_NAME} → {world.village_committee.name}"
    )
    form = open_form(page, "dispatch", "dispatch")
    submit(page, form.get_by_role("button", name="Dispatch", exact=True))
    form = open_form(page, "assign_mediator", "assign")
    page.select_option("[name='assign-mediator']", str(world.mediator.id))
    submit(page, form.get_by_role("button", name="Assign", exact=True))
    expect(page.locator("h1")).to_contain_text("In mediation")
    expect(fact(page, "Handled by")).to_have_text(world.village_committee.name)
    expect(fact(page, "Presiding mediator")).to_have_text(world.mediator.name)


def referral_of(db, number: str) -> Referral:
    db.session.expire_all()
    case = db.session.query(Case).filter_by(number=number).one()
    return case.referrals[0]


def feedback_events(db, case_id: int) -> list[Event]:
    db.session.expire_all()
    return list(
        db.session.query(Event)
        .filter_by(case_id=case_id, action="record_referral_feedback")
        .order_by(Event.id)
    )


def end_of_day(day) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA)


def gaps(page):
    return page.locator("#panel-archive-gaps")


# ---- 诉调对接 ------------------------------------------------------------------------------


def test_court_referral_to_report_back(world, db, docking, new_page):
    """委派 (pre-filing) referral: 30 calendar days from the day the materials were signed for;
    terminated at the committee; the report back recorded, the 调解结果反馈函 generated as a
    PDF naming the court's case number; the checklist no longer asks for either."""
    signed_day = local_today() - timedelta(days=4)
    deadline = signed_day + timedelta(days=30)

    clerk = new_page(lang="en")
    login(clerk, "clerk")
    clerk.goto(clerk.base + "/desk/register/court")
    expect(clerk.locator("h1")).to_have_text("Register a court referral")
    expect(clerk.locator("#referral-fieldset > legend")).to_have_text("The court's referral")
    # A court from the county's list; the mode is required: forgotten first.
    clerk.select_option("[name=body_org]", str(world.court.id))
    clerk.fill("[name=external_no]", COURT_NO)
    clerk.fill("[name=received_at]", f"{signed_day.isoformat()}T09:30")
    clerk.fill("[name=contact_name]", "李法官")
    fill_case(
        clerk, world, "周建华", "吴国强", "吴国强在周建华屋后堆放建筑垃圾，双方发生争执，诉至法院。"
    )
    submit(clerk, clerk.get_by_role("button", name="Register the case"))
    expect(clerk.locator("#court_mode-error")).to_have_text("Choose delegated or entrusted.")
    expect(clerk.locator("[name=external_no]")).to_have_value(COURT_NO)  # input kept
    clerk.check(f"input[name=court_mode][value={CourtMode.DELEGATED.value}]")
    number = register(clerk)

    # The case page: who referred it, the court's number, 30 days, the report due by the end
    # of the 30th day after signing.
    referral = referral_of(db, number)
    panel = clerk.locator("#panel-referral")
    expect(panel.locator("h2")).to_have_text("Court referral")
    expect(panel).to_contain_text(world.court.name)
    expect(panel).to_contain_text(COURT_NO)
    expect(panel).to_contain_text("Delegated by the court before filing · 30 days")
    status = clerk.locator(f"#panel-referral-{referral.id}-status")
    expect(status).to_contain_text(f"Due by {format_datetime(end_of_day(deadline), 'short')}")
    expect(status.locator(".badge")).to_have_text("On time")
    # No outcome yet: no report to open.
    expect(clerk.locator(f"#panel-referral-{referral.id} a.opener")).to_have_count(0)
    expect(fact(clerk, "Source")).to_contain_text(en(Source.COURT.label))

    # Accepted today, the clock still runs from the signing day.
    accept_dispatch_assign(clerk, world)
    expect(fact(clerk, "Deadline")).to_contain_text(format_date(deadline))
    assert fact(clerk, "Deadline").inner_text().startswith(format_date(deadline))
    expect(clerk.locator("#court-period")).to_have_text(
        f"From {format_date(signed_day)}, the day the materials were signed for"
    )
    shot(clerk, "30_court_in_mediation")

    case = db.session.query(Case).filter_by(number=number).one()
    assert case.source == Source.COURT and case.due_on == deadline
    assert case.clock_start == signed_day and case.time_limit_days == 30
    assert referral.court_mode == CourtMode.DELEGATED and referral.external_no == COURT_NO
    assert referral.received_at.astimezone(CHINA).date() == signed_day
    assert referral.contact_name == "李法官" and referral.body_org_id == world.court.id

    # The mediator ends mediation on the case page: a party withdrew.
    mediator = new_page(lang="en")
    login(mediator, "mediator")
    open_case(mediator, number)
    form = open_form(mediator, "closing", "terminate")
    mediator.select_option("[name='terminate-reason']", ClosureReason.PARTY_WITHDREW.value)
    mediator.fill("[name='terminate-note']", "申请人撤回调解申请，表示将由法院审理。")
    submit(mediator, form.get_by_role("button", name="End mediation and close the case"))
    expect(mediator.locator("h1")).to_contain_text("Mediation ended")

    # Back at the desk: the overview lists the referral awaiting its report back, and the
    # case's checklist asks for it and for the court report.
    clerk.goto(clerk.base + "/desk/overview")
    row = clerk.locator(f"#referral-{referral.id}")
    expect(row).to_contain_text(COURT_NO)
    expect(row).to_contain_text(world.court.name)
    row.get_by_role("link", name=number).click()
    expect(clerk.locator("h1")).to_contain_text(number)
    expect(gaps(clerk)).to_contain_text(
        f"The result has not been reported back to {world.court.name}."
    )
    expect(gaps(clerk)).to_contain_text(
        "The case file lacks: Report to the court on the mediation."
    )
    form = open_form(clerk, "referral", label=f"Report the result to {world.court.name}")
    expect(form.locator("h3")).to_have_text(f"Report the result to {world.court.name}")
    expect(form).to_contain_text("As the case ended: Mediation ended.")
    expect(form.locator(f"[name='feedback-{referral.id}-sent_on']")).to_have_value(
        local_today().isoformat()
    )
    shot(clerk, "31_court_report_form")

    # A date in the future is refused beside the field (htmx swaps the panel), input kept.
    clerk.fill(
        f"[name='feedback-{referral.id}-sent_on']", (local_today() + timedelta(days=1)).isoformat()
    )
    clerk.fill(f"[name='feedback-{referral.id}-recipient']", "立案庭 陈书记员")
    submit(clerk, form.get_by_role("button", name="Record the report"))
    expect(clerk.locator(f"#feedback-{referral.id}-sent_on-error")).to_have_text(
        "This cannot be in the future."
    )
    expect(clerk.locator(f"[name='feedback-{referral.id}-recipient']")).to_have_value(
        "立案庭 陈书记员"
    )
    assert referral_of(db, number).feedback_at is None

    clerk.fill(f"[name='feedback-{referral.id}-sent_on']", local_today().isoformat())
    clerk.fill(f"[name='feedback-{referral.id}-note']", "起诉状等材料已退回法院。")
    submit(clerk, form.get_by_role("button", name="Record the report"))
    status = clerk.locator(f"#panel-referral-{referral.id}-status")
    expect(status).to_contain_text("Reported on")
    expect(status).to_contain_text(": Mediation ended · received by 立案庭 陈书记员")
    expect(status).to_contain_text("起诉状等材料已退回法院。")
    expect(clerk.locator(f"#panel-referral-{referral.id} form")).to_have_count(0)
    expect(clerk.locator(f"#panel-referral-{referral.id} a.opener")).to_have_count(0)  # once
    expect(gaps(clerk)).not_to_contain_text("reported back")
    expect(gaps(clerk)).to_contain_text("Report to the court on the mediation")
    entry = clerk.locator("#case-timeline li").first
    expect(entry).to_contain_text("Result reported to the referring body")
    expect(entry).to_contain_text(f"Mediation ended (sent {format_date(local_today())}).")

    # The 调解结果反馈函: generated, downloaded, a PDF with the court's case number.
    item = clerk.locator("#doc-court_report-0")
    expect(item.locator(".badge")).to_have_text("Missing (mandatory)")
    form = open_form(clerk, "documents", "court_report-0")
    submit(clerk, form.get_by_role("button", name="Generate (new version)"))
    expect(item).to_contain_text("Version 1")
    expect(item.locator(".badge").first).to_have_text("In the file")
    with clerk.expect_download() as download:
        item.locator("a[download]").first.click()
    assert download.value.suggested_filename == f"{number}-court-report-v1.pdf"
    pdf = download.value.path()
    with open(pdf, "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = re.sub(r"\s+", "", text)
        assert "调解结果反馈函" in flat
        assert COURT_NO in flat, flat[:800]
        assert "终止调解" in flat and number in flat
    expect(gaps(clerk)).to_contain_text("The case file lacks")  # the other documents
    expect(gaps(clerk)).not_to_contain_text("Report to the court on the mediation")
    expect(gaps(clerk)).not_to_contain_text("reported back")
    shot(clerk, "32_court_reported")
    clerk.goto(clerk.base + "/desk/overview")
    expect(clerk.locator("#referrals-h")).to_have_text("Referrals awaiting feedback: 0")
    expect(clerk.locator(f"#referral-{referral.id}")).to_have_count(0)

    r = referral_of(db, number)
    assert r.feedback_result == ReferralResult.TERMINATED
    assert r.feedback_at is not None and r.feedback_at.astimezone(CHINA).date() == local_today()
    assert r.feedback_recipient == "立案庭 陈书记员"
    assert r.feedback_by_id == world.clerk.id
    [event] = feedback_events(db, r.case_id)
    assert event.data["result"] == "terminated" and event.data["referral_id"] == r.id
    assert event.data["sent_on"] == local_today().isoformat()
    assert actions_of(db, r.case_id) == [
        "register",
        "accept",
        "dispatch",
        "assign",
        "terminate",
        "record_referral_feedback",
        "generate_document",
    ]
    register_event = db.session.query(Event).filter_by(case_id=r.case_id, action="register").one()
    assert register_event.data["referral"] == "court"
    assert register_event.data["external_no"] == COURT_NO


# ---- 访调对接 ------------------------------------------------------------------------------


def test_petition_transfer_to_feedback(world, db, docking, new_page):
    """The 工作移交单: only with both parties' consent; the petition deadlines beside the
    mediation deadline; mediation fails; archiving is refused for want of the feedback, which
    is then recorded and the gap is gone."""
    office = docking["office"]
    received_on = local_today() - timedelta(days=10)
    petition_due = local_today() + timedelta(days=20)

    clerk = new_page(lang="en")
    login(clerk, "clerk")
    clerk.goto(clerk.base + "/desk/register/petition")
    expect(clerk.locator("h1")).to_have_text("Register a petition office transfer")
    clerk.fill("[name=transfer_no]", "YJ-2026-015")
    clerk.select_option("[name=body_org]", str(office.id))
    clerk.fill("[name=contact_name]", "何科长")
    clerk.fill("[name=external_no]", PETITION_NO)
    clerk.fill("[name=petition_received_on]", received_on.isoformat())
    clerk.check(f"input[name=petition_form][value={PetitionForm.LETTER.value}]")
    clerk.fill("[name=transfer_reason]", "属邻里纠纷，建议由村调委会调解。")
    clerk.fill("[name=attachments]", "信访件复印件\n身份证复印件")
    clerk.fill("[name=petition_due_on]", petition_due.isoformat())
    fill_case(clerk, world, "郑秀兰", "冯德明", "冯德明家的树根伸入郑秀兰家地基，多次信访。")
    # Without both parties' consent the transfer is refused, beside the box; input kept.
    submit(clerk, clerk.get_by_role("button", name="Register the case"))
    expect(clerk.locator("#both_consent-error")).to_have_text(
        "A petition comes to mediation only with both parties' consent."
    )
    expect(clerk.locator("[name=external_no]")).to_have_value(PETITION_NO)
    expect(clerk.locator("[name=petition_due_on]")).to_have_value(petition_due.isoformat())
    clerk.check("[name=both_consent]")
    number = register(clerk)

    referral = referral_of(db, number)
    panel = clerk.locator("#panel-referral")
    expect(panel.locator("h2")).to_have_text("Petition office transfer")
    for text in (
        "YJ-2026-015",
        PETITION_NO,
        office.name,
        "Letter",
        "信访件复印件",
        "属邻里纠纷，建议由村调委会调解。",
        format_date(received_on),
    ):
        expect(panel).to_contain_text(text)
    expect(fact(clerk, "Petition: decide by")).to_contain_text(
        format_date(received_on + timedelta(days=15))
    )
    expect(fact(clerk, "Petition deadline")).to_contain_text(format_date(petition_due))

    # Accepted: the mediation deadline, with the petition's own deadline beside it.
    accept_dispatch_assign(clerk, world)
    mediation_due = local_today() + timedelta(days=30)
    expect(fact(clerk, "Deadline")).to_contain_text(format_date(mediation_due))
    petition = fact(clerk, "Petition deadline")
    expect(petition).to_contain_text(format_date(petition_due))
    expect(petition.locator(".badge").first).to_have_text("On time")
    if petition_due < mediation_due:  # the petition deadline keeps running: flagged
        expect(petition.locator("#petition-before-mediation")).to_be_visible()
    expect(
        clerk.locator("#case-facts dt").filter(
            has_text=re.compile("^(Deadline|Petition deadline)$")
        )
    ).to_have_count(2)
    status = clerk.locator(f"#panel-referral-{referral.id}-status")
    expect(status).to_contain_text(f"Due by {format_datetime(end_of_day(petition_due), 'short')}")
    shot(clerk, "40_petition_in_mediation")

    # The petition deadline is extended once (at most 30 days), with the reason.
    extension = open_form(clerk, "referral", f"extend-{referral.id}")
    clerk.fill(f"[name='extend-{referral.id}-days']", "40")
    clerk.fill(f"[name='extend-{referral.id}-reason']", "需补充调查宅基地权属。")
    submit(clerk, extension.get_by_role("button", name="Extend"))  # refused: the panel swapped
    expect(clerk.locator(f"#extend-{referral.id}-days-error")).to_have_text(
        "Extend by 1 to 30 days."
    )
    expect(clerk.locator(f"[name='extend-{referral.id}-reason']")).to_have_value(
        "需补充调查宅基地权属。"
    )
    clerk.fill(f"[name='extend-{referral.id}-days']", "10")
    submit(clerk, extension.get_by_role("button", name="Extend"))
    petition_due += timedelta(days=10)
    expect(fact(clerk, "Petition deadline")).to_contain_text(
        f"{format_date(petition_due)} (extended by 10 days)"
    )
    expect(status).to_contain_text(f"Due by {format_datetime(end_of_day(petition_due), 'short')}")
    expect(clerk.locator(f"#panel-referral-{referral.id}-extend-{referral.id}")).to_have_count(0)
    expect(  # once
        clerk.locator(f"#panel-referral-{referral.id} a.opener[href$='?open=extend-{referral.id}']")
    ).to_have_count(0)
    expect(fact(clerk, "Deadline")).to_contain_text(format_date(mediation_due))  # unchanged

    # Mediation fails (steps covered by test_lifecycle: two failures, joint mediation fails).
    case = db.session.query(Case).filter_by(number=number).one()
    for reason in ("双方分歧过大", "第二次调解仍未达成协议", "联动调解仍未达成协议"):
        record_failure(case, world.mediator, version=None, reason=reason)
    db.session.commit()

    open_case(clerk, number)
    expect(clerk.locator("h1")).to_contain_text("Mediation failed")
    # The case's mediator has the same report form open (they will be too late).
    mediator = new_page(lang="en")
    login(mediator, "mediator")
    open_case(mediator, number)
    mediator_form = open_form(mediator, "referral", f"feedback-{referral.id}")
    feedback_gap = f"The result has not been reported back to {office.name}."
    expect(gaps(clerk)).to_contain_text(feedback_gap)
    # The committee keeps the file: the desk sees the checklist but no Archive button.
    expect(clerk.locator("#panel-archive a.opener")).to_have_count(0)
    # The mediator's archiving is refused, and the refusal names the missing feedback.
    archive = mediator.locator("#panel-archive")
    form = open_form(mediator, "archive", "archive")
    submit(mediator, form.get_by_role("button", name="Archive the case"))
    expect(archive.locator("#error-summary")).to_contain_text(feedback_gap)
    expect(mediator.locator("h1")).to_contain_text("Mediation failed")

    form = open_form(clerk, "referral", f"feedback-{referral.id}")
    expect(form.locator("h3")).to_have_text(f"Report the result to {office.name}")
    expect(form).to_contain_text("As the case ended: Mediation failed.")
    clerk.fill(f"[name='feedback-{referral.id}-recipient']", "何科长")
    clerk.fill(f"[name='feedback-{referral.id}-note']", "调解不成，已告知当事人其他救济途径。")
    submit(clerk, form.get_by_role("button", name="Record the report"))
    expect(status).to_contain_text(": Mediation failed · received by 何科长")
    expect(gaps(clerk)).to_contain_text("follow-up visit")  # still missing: the file's rest
    expect(gaps(clerk)).not_to_contain_text("reported back")
    expect(fact(clerk, "Petition deadline").locator(".badge")).to_have_count(0)
    shot(clerk, "41_petition_reported")

    # The mediator, on the form opened before, reports too: told, nothing recorded twice.
    mediator.fill(f"[name='feedback-{referral.id}-note']", "重复反馈")
    submit(mediator, mediator_form.get_by_role("button", name="Record the report"))
    expect(mediator.locator("#flashes")).to_contain_text("Someone else changed this case")
    expect(mediator.locator(f"#panel-referral-{referral.id}-status")).to_contain_text(
        ": Mediation failed · received by 何科长"
    )
    expect(mediator.locator(f"#panel-referral-{referral.id} form")).to_have_count(0)
    expect(mediator.locator(f"#panel-referral-{referral.id} a.opener")).to_have_count(0)
    expect(mediator.locator("#unsaved")).to_contain_text("重复反馈")  # what was typed, not lost

    # Archiving is still refused for the file's other gaps, no longer for the feedback.
    form = open_form(mediator, "archive", "archive")
    submit(mediator, form.get_by_role("button", name="Archive the case"))
    expect(archive.locator("#error-summary")).to_contain_text("The case cannot be archived yet")
    expect(archive.locator("#error-summary")).not_to_contain_text("reported back")

    r = referral_of(db, number)
    assert r.kind == ReferralKind.PETITION and r.both_consent
    assert r.petition_form == PetitionForm.LETTER and r.transfer_no == "YJ-2026-015"
    assert r.petition_received_on == received_on and r.petition_due_on == petition_due
    assert r.petition_extended_days == 10
    assert r.petition_decide_by == received_on + timedelta(days=15)
    assert r.attachments == ["信访件复印件", "身份证复印件"]
    assert r.feedback_result == ReferralResult.FAILURE and r.feedback_recipient == "何科长"
    assert r.feedback_at is not None
    case = db.session.query(Case).filter_by(number=number).one()
    assert case.state == CaseState.FAILED and case.source == Source.PETITION
    assert case.due_on == mediation_due
    [event] = feedback_events(db, case.id)
    assert event.data["result"] == "failure" and event.actor_id == world.clerk.id
    assert actions_of(db, case.id) == [
        "register",
        "accept",
        "dispatch",
        "assign",
        "extend_petition",
        "record_failure",
        "record_failure",
        "escalate_joint",
        "record_failure",
        "record_referral_feedback",
    ]
    extended = db.session.query(Event).filter_by(case_id=case.id, action="extend_petition").one()
    assert extended.data["days"] == 10 and extended.data["to"] == petition_due.isoformat()


# ---- 警调对接 ------------------------------------------------------------------------------


def test_police_referral_progress_then_final_report(world, db, docking, new_page):
    """Feedback is due 24 hours after receipt: a progress report while mediating stops that
    clock, the final result still has to be reported once mediation ends."""
    station = docking["station"]
    received = (datetime.now(CHINA) - timedelta(hours=2)).replace(second=0, microsecond=0)
    due = received + timedelta(hours=24)

    clerk = new_page(lang="en")
    login(clerk, "clerk")
    clerk.goto(clerk.base + "/desk/register/police")
    expect(clerk.locator("h1")).to_have_text("Register a police referral")
    clerk.select_option("[name=body_org]", str(station.id))
    clerk.fill("[name=external_no]", INCIDENT_NO)
    clerk.check(f"input[name=police_category][value={PoliceCategory.NON_POLICE.value}]")
    expect(clerk.locator("[name=complex_case]")).not_to_be_checked()
    clerk.fill("[name=received_at]", received.strftime("%Y-%m-%dT%H:%M"))
    clerk.fill("[name=contact_name]", "刘警官")
    fill_case(
        clerk, world, "钱小燕", "孙大勇", "孙大勇饮酒后在钱小燕家门口吵闹，110出警后移交调解。"
    )
    number = register(clerk)

    referral = referral_of(db, number)
    panel = clerk.locator("#panel-referral")
    expect(panel.locator("h2")).to_have_text("Police referral")
    expect(panel).to_contain_text(INCIDENT_NO)
    expect(panel).to_contain_text(station.name)
    expect(panel).to_contain_text("Non-police dispute")
    expect(panel).not_to_contain_text("Complex")
    police_due = clerk.locator("#police-feedback-due")
    expect(police_due).to_contain_text(format_datetime(due, "short"))
    expect(police_due.locator(".badge")).to_have_text("Due soon")
    status = clerk.locator(f"#panel-referral-{referral.id}-status")
    expect(status).to_contain_text(f"Due by {format_datetime(due, 'short')}")
    expect(status.locator(".badge")).to_have_text("Due soon")

    accept_dispatch_assign(clerk, world)
    shot(clerk, "50_police_in_mediation")

    # The progress report while mediating: no result to choose, what was reported is needed.
    form = open_form(clerk, "referral", f"feedback-{referral.id}")
    expect(form.locator("h3")).to_have_text(f"Report progress to {station.name}")
    expect(form).to_contain_text("this is the progress report the police expect")
    expect(form.locator(f"[name='feedback-{referral.id}-result']")).to_have_count(0)
    clerk.fill(f"[name='feedback-{referral.id}-recipient']", "刘警官")
    submit(clerk, form.get_by_role("button", name="Record the report"))  # refused
    expect(clerk.locator(f"#feedback-{referral.id}-note-error")).to_have_text(
        "Say what was reported."
    )
    expect(clerk.locator(f"[name='feedback-{referral.id}-recipient']")).to_have_value("刘警官")
    clerk.fill(f"[name='feedback-{referral.id}-note']", "已联系双方，定于明日上午调解。")
    submit(clerk, form.get_by_role("button", name="Record the report"))
    expect(status).to_contain_text("Progress reported on")
    expect(status).to_contain_text("The final result is still to be reported.")
    expect(status.locator(".badge")).to_have_count(0)
    expect(police_due).to_contain_text("progress reported ")
    expect(police_due.locator(".badge")).to_have_count(0)
    expect(clerk.locator("h1")).to_contain_text("In mediation")

    r = referral_of(db, number)
    assert r.feedback_at is not None and r.feedback_result is None
    assert r.feedback_note == "已联系双方，定于明日上午调解。"
    assert feedback_events(db, r.case_id) == []  # not the final report
    progress = (
        db.session.query(Event)
        .filter_by(case_id=r.case_id, action="report_referral_progress")
        .one()
    )
    assert progress.data["progress"] is True and "result" not in progress.data
    assert progress.note == "已联系双方，定于明日上午调解。" and not progress.public
    entry = clerk.locator("#case-timeline li").first
    expect(entry).to_contain_text("Progress reported to the referring body")
    expect(entry).to_contain_text(f"Progress reported (sent {format_date(local_today())}).")

    # Mediation ends (covered by test_lifecycle): the respondent cannot be reached.
    case = db.session.query(Case).filter_by(number=number).one()
    terminate(
        case,
        world.mediator,
        version=None,
        reason=ClosureReason.UNREACHABLE,
        note="被申请人外出务工，无法联系。",
    )
    db.session.commit()

    open_case(clerk, number)
    expect(gaps(clerk)).to_contain_text(f"The result has not been reported back to {station.name}.")
    form = open_form(clerk, "referral", f"feedback-{referral.id}")
    expect(form.locator("h3")).to_have_text(f"Report the result to {station.name}")
    expect(form).to_contain_text("As the case ended: Mediation ended.")
    clerk.fill(f"[name='feedback-{referral.id}-note']", "被申请人无法联系，调解终止。")
    submit(clerk, form.get_by_role("button", name="Record the report"))
    expect(status).to_contain_text(": Mediation ended")
    expect(status).not_to_contain_text("still to be reported")
    expect(gaps(clerk)).to_contain_text("The case file lacks")
    expect(gaps(clerk)).not_to_contain_text("reported back")
    shot(clerk, "51_police_reported")

    r = referral_of(db, number)
    assert r.feedback_result == ReferralResult.TERMINATED
    assert r.feedback_note == "被申请人无法联系，调解终止。"
    [final] = feedback_events(db, r.case_id)
    assert final.data["result"] == "terminated" and "progress" not in final.data
    assert actions_of(db, r.case_id) == [
        "register",
        "accept",
        "dispatch",
        "assign",
        "report_referral_progress",
        "terminate",
        "record_referral_feedback",
    ]
    assert r.complex_case is False and r.police_category == PoliceCategory.NON_POLICE
    assert r.feedback_due_at == due
