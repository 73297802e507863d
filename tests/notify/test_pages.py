"""The inbox page, the header count, mark read; the outbox page's permissions; the opt-in on
the application form (no JavaScript: a plain POST)."""

from __future__ import annotations

import sqlalchemy as sa

from domain import notifications
from models import Case, ContactPreference, Notification, Outbox
from models.notify import OUTBOX_FAILED
from models.states import CaseState
from tests.blueprints.public.test_apply import form_data


def _note(db, user, case, kind="due_soon"):
    row = notifications.notify_staff(user, kind, case, {"case": case.number, "due": "2026-12-20"})
    db.session.commit()
    return row


def test_inbox_header_count_and_mark_read(world, db, login, client):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    before = notifications.unread_count(world.mediator)
    note = _note(db, world.mediator, case)
    login("mediator")
    page = client.get("/inbox/").get_data(as_text=True)
    assert case.number in page and "2026-12-20" in page
    assert f'<span class="badge">{before + 1}</span>' in page
    response = client.post(f"/inbox/{note.id}/read", data={"open": "1"})
    assert response.status_code == 303 and case.number in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is not None
    client.post("/inbox/read-all")
    assert notifications.unread_count(world.mediator) == 0
    assert 'class="badge"' not in client.get("/inbox/").get_data(as_text=True)


def test_only_ones_own_inbox(world, db, login, client):
    case = world.case(CaseState.MEDIATING)
    note = _note(db, world.mediator, case)
    login("mediator_b")
    assert case.number not in client.get("/inbox/").get_data(as_text=True)
    assert client.post(f"/inbox/{note.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


def test_inbox_pages(world, db, login, client, app):
    case = world.case(CaseState.MEDIATING)
    for _ in range(app.config["PAGE_SIZE"] + 2):
        notifications.notify_staff(world.clerk, "due_soon", case, {"case": case.number, "due": "x"})
    db.session.commit()
    login("clerk")
    page = client.get("/inbox/").get_data(as_text=True)
    assert "before=" in page
    older = page.split('href="/inbox/?before=')[1].split('"')[0]
    assert client.get(f"/inbox/?before={older}").status_code == 200
    assert client.get("/inbox/?before=abc").status_code == 200
    assert client.get("/inbox/?before=99999999999999999999").status_code == 200


def _failed(db, case):
    row = Outbox(
        case_id=case.id,
        channel="sms",
        recipient="13812345678",
        kind="accepted",
        language="zh_Hans",
        params={"case": case.number},
        status=OUTBOX_FAILED,
        attempts=5,
        last_error="http_sms: HTTP 503",
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_outbox_for_admin_and_leader_in_scope(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    row = _failed(db, case)
    login("leader")
    page = client.get("/inbox/outbox").get_data(as_text=True)
    assert case.number in page and "138****5678" in page and "13812345678" not in page
    assert client.post(f"/inbox/outbox/{row.id}/retry").status_code == 303
    db.session.expire_all()
    assert db.session.get(Outbox, row.id).status == "sent"  # the queue runs inline in tests
    # Another county's leader does not see it; mediators and directors have no outbox page.
    row2 = _failed(db, case)
    login("leader2")
    assert case.number not in client.get("/inbox/outbox").get_data(as_text=True)
    assert client.post(f"/inbox/outbox/{row2.id}/retry").status_code == 404
    for who in ("mediator", "director", "clerk"):
        login(who)
        assert client.get("/inbox/outbox").status_code == 403


def test_apply_with_opt_in_without_javascript(db, world, client):
    data = form_data(world)
    data.update(
        {
            "notify-sms": "y",
            "notify-email": "y",
            "notify-email_address": "wang@example.org",
            "notify-language": "en",
        }
    )
    response = client.post("/apply", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    case = db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()
    pref = db.session.scalar(sa.select(ContactPreference))
    assert pref.party_id == case.applicants[0].id
    assert (pref.sms, pref.email, pref.email_address, pref.language) == (
        True,
        True,
        "wang@example.org",
        "en",
    )
    sent = db.session.scalars(sa.select(Outbox).where(Outbox.case_id == case.id)).all()
    assert {(r.kind, r.channel, r.status) for r in sent} == {
        ("receipt", "sms", "sent"),
        ("receipt", "email", "sent"),
    }


def test_apply_opt_in_errors_keep_what_was_typed(db, world, client):
    data = form_data(world)
    data.update({"notify-email": "y", "notify-email_address": "not-an-address<script>"})
    response = client.post("/apply", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "name@example.com" in html  # the error beside the field
    assert "not-an-address&lt;script&gt;" in html
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_apply_form_offers_the_opt_in(client, db, world):
    html = client.get("/apply").get_data(as_text=True)
    assert 'name="notify-sms"' in html and 'name="notify-email_address"' in html


def test_applicant_changes_the_opt_in_on_the_status_page(db, world, client):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    client.post("/lookup", data={"number": case.number, "code": case.query_code_plain})
    html = client.get("/status").get_data(as_text=True)
    assert 'action="/status/messages"' in html
    bad = client.post("/status/messages", data={"notify-email": "y"})
    assert bad.status_code == 400 and "Enter the e-mail address" in bad.get_data(as_text=True)
    ok = client.post(
        "/status/messages",
        data={"notify-sms": "y", "notify-language": "en"},
    )
    assert ok.status_code == 303
    pref = db.session.scalar(sa.select(ContactPreference))
    assert pref.party_id == case.applicants[0].id and pref.sms and pref.language == "en"
    page = client.get("/status").get_data(as_text=True)
    assert "checked" in page.split('name="notify-sms"')[0][-60:]


def test_respondent_changes_the_opt_in_on_their_page(db, world, client, login):
    from tests.blueprints.public.test_respond import invite, open_door

    case = world.case(CaseState.MEDIATING, consented=False)
    db.session.commit()
    party = case.respondents[0]
    code = invite(client, login, case, party)
    open_door(client, case, code)
    assert 'action="/respond/messages"' in client.get("/respond/case").get_data(as_text=True)
    response = client.post(
        "/respond/messages",
        data={"notify-email": "y", "notify-email_address": "li@example.org"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    pref = db.session.scalar(sa.select(ContactPreference))
    assert pref.party_id == party.id and pref.email_address == "li@example.org"
    # Without the door open: nothing to change.
    client.post("/respond/leave")
    assert client.post("/respond/messages", data={"notify-sms": "y"}).status_code == 303


def test_case_page_shows_the_messages_masked(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    _failed(db, case)
    login("clerk")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-outbox"' in html and "138****5678" in html and "13812345678" not in html
