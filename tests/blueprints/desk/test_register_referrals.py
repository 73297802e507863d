"""Registering court, petition and police referrals at the desk, the referral panel on the case
page (deadlines, the return leg) and the court report document, end to end."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain.clocks import CHINA, local_today
from domain.states import Action
from models import Case, Document
from models.docking import Referral
from models.enums import (
    Channel,
    CourtMode,
    CourtProcedure,
    DocumentKind,
    PetitionForm,
    PoliceCategory,
    ReferralKind,
    ReferralResult,
    Source,
)
from models.states import CaseState
from tests.conftest import hx
from tests.factories import events, fresh, open_panel, valid_id


def _case_fields(world, **overrides):
    data = {
        "region": str(world.village.id),
        "dispute_type": "LL",
        "summary": "邻居砌墙占用通道，双方多次争吵",
        "requests": "拆除围墙",
        "amount": "",
        "applicants-0-name": "黄大山",
        "applicants-0-sex": "male",
        "applicants-0-age": "52",
        "applicants-0-id_number": valid_id(),
        "applicants-0-phone": "13812345678",
        "applicants-0-address": "",
        "respondents-0-name": "钱小川",
        "respondents-0-phone": "",
        "respondents-0-address": "",
        "consent": "y",
        "note": "",
    }
    data.update(overrides)
    return data


def _only_case(db) -> Case:
    return db.session.scalars(sa.select(Case)).one()


# ---- the registration pages ------------------------------------------------------------------


def test_three_pages_and_links(world, login, client):
    login("clerk")
    walk_in = client.get("/desk/register").get_data(as_text=True)
    for kind in ("court", "petition", "police"):
        assert f'href="/desk/register/{kind}"' in walk_in
    assert 'name="cross_region"' in walk_in and 'name="channel"' in walk_in
    queue = client.get("/desk/").get_data(as_text=True)
    assert 'href="/desk/register/court"' in queue
    court = client.get("/desk/register/court").get_data(as_text=True)
    assert "Register a court referral" in court and "公安县人民法院" in court
    assert 'name="court_mode"' in court and 'name="received_at"' in court
    assert 'name="channel"' not in court  # the source and channel are the referral's
    assert 'name="applicants-0-name"' in court and 'id="related-cases"' in court
    petition = client.get("/desk/register/petition").get_data(as_text=True)
    assert 'name="both_consent"' in petition and 'name="petition_received_on"' in petition
    police = client.get("/desk/register/police").get_data(as_text=True)
    assert 'name="police_category"' in police and 'name="complex_case"' in police
    assert client.get("/desk/register/arbitration").status_code == 404


def test_other_roles_cannot_register_referrals(world, login, client):
    login("mediator")
    assert client.get("/desk/register/court").status_code == 403
    assert client.post("/desk/register/police", data={}).status_code == 403


def test_walk_in_with_cross_region(world, login, client, db):
    login("clerk")
    data = _case_fields(world, channel="walk_in", source="application", cross_region="y")
    assert client.post("/desk/register", data=data).status_code == 303
    case = _only_case(db)
    assert case.cross_region is True and case.referrals == []


def test_register_court_referral(world, login, client, db):
    login("clerk")
    signed = (local_today() - timedelta(days=3)).isoformat() + "T09:30"
    response = client.post(
        "/desk/register/court",
        data=_case_fields(
            world,
            body_org=str(world.court.id),
            body_name="",
            external_no="（2026）鄂1022民初77号",
            court_mode="entrusted",
            court_procedure="summary",
            received_at=signed,
            contact_name="王法官",
        ),
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    case = _only_case(db)
    assert case.source == Source.COURT and case.channel == Channel.REFERRAL
    r = case.referrals[0]
    assert r.kind == ReferralKind.COURT and r.body_org_id == world.court.id
    assert r.body_name == "公安县人民法院" and r.external_no == "（2026）鄂1022民初77号"
    assert (r.court_mode, r.court_procedure) == (CourtMode.ENTRUSTED, CourtProcedure.SUMMARY)
    assert r.received_at.astimezone(CHINA).strftime("%H:%M") == "09:30"
    assert r.contact_name == "王法官"
    # Accepting it today: the 7-day period still runs from the signed-for day.
    login("clerk")
    page = client.get(f"/cases/{case.number}")
    client.post(
        f"/desk/case/{case.number}/accept",
        # A court's own referral answers "already before a court" (PML Art. 18).
        data={
            "accept-version": str(case.version),
            "accept-note": "",
            "accept-administrative": "no",
            "accept-reserved": "no",
        },
    )
    case = fresh(db, case)
    assert case.due_on == local_today() - timedelta(days=3) + timedelta(days=7)
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert page.count("（2026）鄂1022民初77号") >= 1 and 'id="panel-referral"' in page
    assert 'id="court-period"' in page
    assert "Summary procedure" in page


def test_bad_court_input_kept_with_messages(world, login, client, db):
    login("clerk")
    response = client.post(
        "/desk/register/court",
        data=_case_fields(
            world,
            body_org="",
            body_name="",
            external_no="",
            court_mode="entrusted",
            court_procedure="",
            received_at="2026-13-45T99:00",
            summary="占道纠纷原文",
        ),
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Enter the court case number or pre-filing number." in page
    assert "An entrusted case needs the court&#39;s procedure" in page
    assert 'id="received_at-error"' in page
    assert "占道纠纷原文" in page and 'value="黄大山"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
    # Typed court name only, missing: the domain's message beside the court field.
    response = client.post(
        "/desk/register/court",
        data=_case_fields(
            world,
            body_org="",
            body_name="",
            external_no="X-1",
            court_mode="delegated",
            received_at=(local_today() - timedelta(days=1)).isoformat() + "T08:00",
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="body_org-error"' in page and "Choose the court or type its name." in page
    assert 'value="X-1"' in page


def test_register_petition_transfer(world, login, client, db):
    login("clerk")
    received = local_today() - timedelta(days=20)
    fields = dict(
        transfer_no="YJ-2026-008",
        body_org="",
        body_name="公安县信访局",
        contact_name="刘经办",
        contact_phone="0716-5221234",
        external_no="XF20260456",
        petition_received_on=received.isoformat(),
        petition_form="visit",
        collective="y",
        petitioner_count="6",
        repeat_petition="y",
        transfer_reason="建议调解",
        attachments="信访件复印件\n\n身份证复印件\n",
        petition_due_on="",
        received_at=(local_today() - timedelta(days=1)).isoformat() + "T10:00",
    )
    response = client.post("/desk/register/petition", data=_case_fields(world, **fields))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "A petition comes to mediation only with both parties" in page
    assert 'value="XF20260456"' in page and "信访件复印件" in page

    response = client.post(
        "/desk/register/petition", data=_case_fields(world, both_consent="y", **fields)
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    case = _only_case(db)
    r = case.referrals[0]
    assert case.source == Source.PETITION and r.transfer_no == "YJ-2026-008"
    assert r.petition_form == PetitionForm.VISIT and r.collective and r.petitioner_count == 6
    assert r.repeat_petition and not r.over_level and r.both_consent
    assert r.attachments == ["信访件复印件", "身份证复印件"]
    assert r.petition_decide_by == received + timedelta(days=15)
    assert r.petition_due_on == received + timedelta(days=60)
    # The case page: the petition deadlines beside the mediation deadline, decide-by overdue.
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    decide = re.search(r'id="petition-decide-by">(.*?)</dd>', page, re.S).group(1)
    assert "badge overdue" in decide
    due = re.search(r'id="petition-due">(.*?)</dd>', page, re.S).group(1)
    assert "40 days left" not in due and "On time" in due
    assert "XF20260456" in page and "刘经办" in page


def test_register_police_referral_complex(world, login, client, db):
    login("clerk")
    response = client.post(
        "/desk/register/police",
        data=_case_fields(
            world,
            body_org="",
            body_name="埠河派出所",
            external_no="J20260101001",
            police_category="minor",
            complex_case="y",
            received_at=(local_today() - timedelta(days=1)).isoformat() + "T08:00",
        ),
    )
    assert response.status_code == 303
    case = _only_case(db)
    r = case.referrals[0]
    assert case.source == Source.POLICE and r.police_category == PoliceCategory.MINOR
    assert r.feedback_due_at - r.received_at == timedelta(days=5)
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="police-feedback-due"' in page and "J20260101001" in page


def test_police_missing_category(world, login, client, db):
    login("clerk")
    response = client.post(
        "/desk/register/police",
        data=_case_fields(
            world,
            body_name="埠河派出所",
            external_no="J1",
            received_at=(local_today() - timedelta(days=1)).isoformat() + "T08:00",
        ),
    )
    assert response.status_code == 200
    assert "Choose the kind of dispute." in response.get_data(as_text=True)


# ---- the return leg on the case page ---------------------------------------------------------


def test_feedback_panel_records_the_return_leg(world, login, client, db):
    case = world.referral_case(ReferralKind.COURT, CaseState.TERMINATED)
    db.session.commit()
    r = case.referrals[0]
    login("mediator2")  # another county's committee: not even the case
    assert client.post(f"/cases/{case.number}/referral/{r.id}/feedback", data={}).status_code in (
        403,
        404,
    )
    login("mediator")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert f"/cases/{case.number}/panels/referral?open=feedback-{r.id}" in page
    form = open_panel(client, case, "referral", f"feedback-{r.id}").get_data(as_text=True)
    assert f"/cases/{case.number}/referral/{r.id}/feedback" in form
    prefix = f"feedback-{r.id}-"
    # Bad input: a date in the future, kept with the message.
    response = client.post(
        f"/cases/{case.number}/referral/{r.id}/feedback",
        data={
            prefix + "version": str(case.version),
            prefix + "referral": str(r.id),
            prefix + "result": "",
            prefix + "sent_on": (local_today() + timedelta(days=3)).isoformat(),
            prefix + "recipient": "王法官",
            prefix + "note": "材料已退回",
        },
        headers=hx(),
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This cannot be in the future." in body and 'value="王法官"' in body
    # A result of spaces only is no result (it was taken for one: ReferralResult(" "), a 500).
    response = client.post(
        f"/cases/{case.number}/referral/{r.id}/feedback",
        data={
            prefix + "version": str(case.version),
            prefix + "referral": str(r.id),
            prefix + "result": " ",
            prefix + "sent_on": local_today().isoformat(),
            prefix + "recipient": "王法官",
            prefix + "note": "材料已退回",
        },
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'id="{prefix}result-error"' in body and 'value="王法官"' in body
    response = client.post(
        f"/cases/{case.number}/referral/{r.id}/feedback",
        data={
            prefix + "version": str(case.version),
            prefix + "referral": str(r.id),
            prefix + "result": "",
            prefix + "sent_on": local_today().isoformat(),
            prefix + "recipient": "王法官",
            prefix + "note": "材料已退回",
        },
    )
    assert response.status_code == 303
    r = db.session.get(Referral, r.id)
    db.session.refresh(r)
    assert r.feedback_result == ReferralResult.TERMINATED and r.feedback_recipient == "王法官"
    assert len(events(db, case, Action.RECORD_REFERRAL_FEEDBACK)) == 1
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Reported on" in page and "received by 王法官" in page
    assert f"open=feedback-{r.id}" not in page  # reported once: no second report offered


def test_petition_extension_through_the_panel(world, login, client, db):
    case = world.referral_case(ReferralKind.PETITION, CaseState.MEDIATING)
    db.session.commit()
    r = case.referrals[0]
    due = r.petition_due_on
    login("mediator")
    prefix = f"extend-{r.id}-"
    url = f"/cases/{case.number}/referral/{r.id}/extend"
    response = client.post(
        url,
        data={
            prefix + "version": str(case.version),
            prefix + "referral": str(r.id),
            prefix + "days": "45",
            prefix + "reason": "案情复杂",
        },
    )
    assert response.status_code == 200 and "Extend by 1 to 30 days." in response.get_data(
        as_text=True
    )
    response = client.post(
        url,
        data={
            prefix + "version": str(case.version),
            prefix + "referral": str(r.id),
            prefix + "days": "30",
            prefix + "reason": "案情复杂",
        },
    )
    assert response.status_code == 303
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "extended by 30 days" in page and url not in page
    db.session.expire_all()
    assert db.session.get(Referral, r.id).petition_due_on == due + timedelta(days=30)


# ---- the court report ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_court_report_generates_with_the_court_case_number(world, login, client, db, tmp_path):
    case = world.referral_case(
        ReferralKind.COURT, CaseState.FAILED, external_no="（2026）鄂1022民诉前调999号"
    )
    db.session.commit()
    login("clerk")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert f"/cases/{case.number}/panels/documents?open=court_report-0" in page
    opened = open_panel(client, case, "documents", "court_report-0").get_data(as_text=True)
    assert 'value="court_report"' in opened
    response = client.post(
        f"/cases/{case.number}/documents/generate",
        data={"doc-version": str(case.version), "doc-kind": "court_report", "doc-subject": "0"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    doc = db.session.scalars(
        sa.select(Document).where(
            Document.case_id == case.id, Document.kind == DocumentKind.COURT_REPORT
        )
    ).one()
    pdf = client.get(f"/cases/{case.number}/documents/{doc.id}/file")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.data)
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout,
    )
    assert "调解结果反馈函" in text and "（2026）鄂1022民诉前调999号" in text
    assert "公安县人民法院" in text and "委派调解（诉前）" in text
    assert "退回贵院" in text and "登记立案" in text


def test_petition_deadline_before_the_mediation_deadline_is_flagged(world, db, login):
    """The petition deadline keeps running: when it falls before the mediation deadline the
    case page says so."""
    from datetime import timedelta

    from domain.clocks import local_today
    from models.enums import ReferralKind

    case = world.referral_case(ReferralKind.PETITION, CaseState.MEDIATING)
    r = case.referrals[0]
    r.petition_due_on = case.due_on - timedelta(days=3)
    db.session.commit()
    page = login("clerk").get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="petition-before-mediation"' in page
    r.petition_due_on = max(case.due_on, local_today()) + timedelta(days=3)
    db.session.commit()
    page = login("clerk").get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="petition-before-mediation"' not in page


def test_a_petition_marked_repeat_by_the_office_is_a_repeat_on_the_case_page(world, db, login):
    """The same rule as the queue's mark (domain.links.is_repeat / repeat_case_ids)."""
    from models.enums import ReferralKind

    case = world.referral_case(ReferralKind.PETITION, CaseState.ACCEPTED, repeat_petition=True)
    plain = world.referral_case(ReferralKind.PETITION, CaseState.ACCEPTED)
    db.session.commit()
    client = login("clerk")
    assert 'id="panel-links-repeat"' in client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-links-repeat"' not in client.get(f"/cases/{plain.number}").get_data(
        as_text=True
    )
