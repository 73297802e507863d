"""The parties' own area behind both doors (the applicant's /status, a respondent's
/respond/case): what a party sees, evidence, messages with the mediator and the sharing rule,
asking to end mediation (PML Art. 23), withdrawing before acceptance, and scoping."""

import io

import pytest
import sqlalchemy as sa

from domain import respondents
from models import CaseMessage, EndRequest, PartySubmission
from models.enums import ClosureReason
from models.states import CaseState
from tests.factories import PNG, events_of, fresh


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    code = respondents.issue_invitation(case, case.respondents[0], world.mediator, version=None)
    db.session.commit()
    case.respondent_code = code
    return case


def as_applicant(client, case):
    r = client.post("/lookup", data={"number": case.number, "code": case.query_code_plain})
    assert r.status_code == 303


def as_respondent(client, case, code=None):
    r = client.post("/respond", data={"number": case.number, "code": code or case.respondent_code})
    assert r.status_code == 303


def version(db, case):
    return fresh(db, case).version


def test_applicant_sees_own_details_in_full_and_the_other_side_masked(mediating, client, world):
    as_applicant(client, mediating)
    html = client.get("/status").get_data(as_text=True)
    applicant, respondent = mediating.applicants[0], mediating.respondents[0]
    assert applicant.name in html and respondent.name in html
    if applicant.phone:
        assert applicant.phone in html
    for secret in (respondent.phone, respondent.id_number):
        assert not secret or secret not in html
    assert world.mediator.name in html  # the presiding mediator


def test_message_reaches_mediator_and_reply_only_that_party(mediating, client, login, db):
    as_applicant(client, mediating)
    r = client.post("/status/message", data={"message-body": "请问什么时候调解？"})
    assert r.status_code == 303
    [event] = events_of(mediating, "party_message")
    assert not event.public and event.data["party_id"] == mediating.applicants[0].id
    assert "请问" not in (event.note or "")
    login("mediator")
    page = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert "请问什么时候调解？" in page and 'id="panel-messages"' in page
    applicant = mediating.applicants[0]
    r = client.post(
        f"/cases/{mediating.number}/messages/{applicant.id}/reply",
        data={
            f"reply-{applicant.id}-version": version(db, mediating),
            f"reply-{applicant.id}-body": "下周二上午九点",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:400]
    assert events_of(mediating, "staff_message")
    client.post("/auth/logout")
    as_applicant(client, mediating)
    assert "下周二上午九点" in client.get("/status").get_data(as_text=True)
    # The respondent sees neither the message nor the reply, on their page or a public timeline.
    client.post("/status/leave")
    as_respondent(client, mediating)
    html = client.get("/respond/case").get_data(as_text=True)
    assert "请问" not in html and "下周二" not in html


def test_upload_hidden_from_other_side_until_shared(mediating, client, login, db):
    as_respondent(client, mediating)
    r = client.post(
        "/respond/message",
        data={"message-body": "这是收据", "message-file": (io.BytesIO(PNG), "r.png")},
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    sub = db.session.scalars(sa.select(PartySubmission)).one()
    assert client.get(f"/respond/file/{sub.id}").status_code == 200
    client.post("/respond/leave")
    as_applicant(client, mediating)
    assert client.get(f"/status/file/{sub.id}").status_code == 404
    assert f"/status/file/{sub.id}" not in client.get("/status").get_data(as_text=True)
    client.post("/status/leave")
    login("mediator")
    r = client.post(
        f"/cases/{mediating.number}/messages/share",
        data={"share-version": version(db, mediating), "share-submission": sub.id},
    )
    assert r.status_code == 303
    assert events_of(mediating, "share_upload")
    client.post("/auth/logout")
    as_applicant(client, mediating)
    assert client.get(f"/status/file/{sub.id}").status_code == 200
    assert "这是收据" not in client.get("/status").get_data(as_text=True)  # the text stays private


def test_applicant_uploads_evidence_checked_by_content(mediating, client, db):
    as_applicant(client, mediating)
    r = client.post(
        "/status/material", data={"material-file": (io.BytesIO(b"MZ\x90evil"), "a.png")}
    )
    assert r.status_code == 400 and "Upload a PDF, JPEG or PNG file." in r.get_data(as_text=True)
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 10)
    r = client.post("/status/material", data={"material-file": (io.BytesIO(big), "a.pdf")})
    assert r.status_code in (400, 413)
    r = client.post("/status/material", data={"material-file": (io.BytesIO(PNG), "a.png")})
    assert r.status_code == 303
    assert events_of(mediating, "party_upload")[0].data["party_id"] == mediating.applicants[0].id


def test_hostile_and_empty_input_no_500(mediating, client):
    as_applicant(client, mediating)
    r = client.post("/status/message", data={"message-body": "   "})
    assert r.status_code == 400 and "Write your message first." in r.get_data(as_text=True)
    r = client.post("/status/message", data={"message-body": "x" * 5000})
    assert r.status_code == 400
    assert "x" * 100 in r.get_data(as_text=True)  # what was typed is kept
    r = client.post("/status/end", data={"end-reason": ["a", "b"], "junk": "\x00"})
    assert r.status_code in (303, 400)
    assert client.get("/status/file/999999").status_code == 404


def test_ask_to_end_reaches_mediator_and_is_handled_by_ending(mediating, client, login, db):
    as_respondent(client, mediating)
    r = client.post("/respond/end", data={"end-reason": "我们已经私下和解了"})
    assert r.status_code == 303
    assert "already with the mediator" in client.post(
        "/respond/end", data={"end-reason": "again"}
    ).get_data(as_text=True)
    [ev] = events_of(mediating, "ask_to_end")
    assert ev.data["party_id"] == mediating.respondents[0].id and not ev.public
    client.post("/respond/leave")
    login("mediator")
    page = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert 'id="end-request-banner"' in page and "我们已经私下和解了" in page
    work = client.get("/workbench/").get_data(as_text=True)
    assert mediating.number in work and "asked to end mediation" in work
    r = client.post(
        f"/workbench/case/{mediating.number}/terminate",
        data={
            "terminate-version": version(db, mediating),
            "terminate-reason": ClosureReason.PARTY_WITHDREW.value,
            "terminate-note": "当事人要求终止调解",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    assert db.session.scalars(sa.select(EndRequest)).one().handled_at is not None
    assert events_of(mediating, "handle_end_request")
    assert 'id="end-request-banner"' not in client.get(f"/cases/{mediating.number}").get_data(
        as_text=True
    )


def test_withdraw_before_acceptance(world, client, db, login):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    as_applicant(client, case)
    assert "/status/withdraw" in client.get("/status").get_data(as_text=True)
    page = client.get("/status/withdraw")
    assert page.status_code == 200
    r = client.post("/status/withdraw", data={"withdraw-reason": "已和好"})
    assert r.status_code == 400 and "Tick the box" in r.get_data(as_text=True)
    assert "已和好" in r.get_data(as_text=True)
    r = client.post("/status/withdraw", data={"withdraw-reason": "已和好", "withdraw-confirm": "y"})
    assert r.status_code == 303
    case = fresh(db, case)
    assert case.state == CaseState.NOT_ACCEPTED
    assert case.closure_reason == ClosureReason.PARTY_WITHDREW
    [ev] = events_of(case, "withdraw_application")
    assert ev.public
    assert "Application withdrawn" in client.get("/status").get_data(as_text=True)
    client.post("/status/leave")
    login("clerk")
    assert "Application withdrawn by the applicant" in client.get(f"/cases/{case.number}").get_data(
        as_text=True
    )


def test_withdraw_refused_after_acceptance(mediating, client, db):
    as_applicant(client, mediating)
    assert "/status/withdraw" not in client.get("/status").get_data(as_text=True)
    r = client.post("/status/withdraw", data={"withdraw-confirm": "y"})
    assert r.status_code == 409
    assert "can no longer be withdrawn" in r.get_data(as_text=True)
    assert fresh(db, mediating).state == CaseState.MEDIATING


def test_a_code_reaches_only_its_own_case(mediating, world, client, db):
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    as_respondent(client, mediating)
    client.post(
        "/respond/message", data={"message-body": "hi", "message-file": (io.BytesIO(PNG), "r.png")}
    )
    sub = db.session.scalars(sa.select(PartySubmission)).one()
    client.post("/respond/leave")
    as_applicant(client, other)
    assert client.get(f"/status/file/{sub.id}").status_code == 404
    assert "hi" not in client.get("/status").get_data(as_text=True).split("messages-h")[1][:2000]
    assert db.session.scalar(sa.select(sa.func.count(CaseMessage.id))) == 1


def test_no_door_no_area(client):
    assert client.post("/status/message", data={"message-body": "x"}).status_code == 303
    assert client.get("/respond/file/1").status_code == 303
    assert client.get("/status/agreement").status_code == 303


def test_withdrawn_case_owes_no_notice_and_archives(world, db):
    from domain import documents, party_area, serving
    from domain.closing import archive_gaps
    from models.enums import DocumentKind

    case = world.case(CaseState.REGISTERED)
    party_area.withdraw_application(case, party_area.applicant_party(case), "已和好")
    db.session.commit()
    assert not serving.owes_notice(case)
    kinds = {s.kind for s in documents.applicable(case)}
    assert DocumentKind.NON_ACCEPTANCE not in kinds
    assert all("notice" not in str(g).lower() for g in archive_gaps(case))
