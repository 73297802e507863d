"""The other party's door: the invitation issued on the case page, and the respondent's own
answer online (/respond), reaching the staff case page at once."""

import io

import pytest
import sqlalchemy as sa

from models import Event, Party, PartyAccess, PartySubmission
from models.enums import ConsentStatus, ContactMethod, NoticeAck
from models.states import CaseState
from tests.factories import fresh


@pytest.fixture
def pending(world, db):
    """In mediation, nobody asked yet."""
    case = world.case(CaseState.MEDIATING, consented=False)
    db.session.commit()
    return case


def invite(client, login, case, party, user="mediator"):
    """Issue the invitation from the case page; returns the code read off the letter."""
    login(user)
    response = client.post(
        f"/cases/{case.number}/invite",
        data={"invite-version": fresh_version(case), "invite-party": party.id},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    letter = client.get(response.headers["Location"])
    assert letter.status_code == 200
    html = letter.get_data(as_text=True)
    assert "人民调解邀请函" in html and party.name in html and "/respond?number=" in html
    # The letter is shown once: the code is not kept in readable form.
    assert client.get(response.headers["Location"]).status_code == 410
    code = html.split('<span class="code">')[1].split("<")[0]
    client.post("/auth/logout")
    return code


def fresh_version(case):
    from extensions import db
    from models import Case

    db.session.expire_all()
    return db.session.get(Case, case.id).version


def open_door(client, case, code):
    return client.post("/respond", data={"number": case.number, "code": code})


def answer(client, **data):
    return client.post("/respond/answer", data={f"answer-{k}": v for k, v in data.items()})


def test_respondent_agrees_online_and_staff_see_it(pending, world, db, login, client):
    party = pending.respondents[0]
    code = invite(client, login, pending, party)
    assert open_door(client, pending, code).status_code == 303
    page = client.get("/respond/case").get_data(as_text=True)
    assert pending.summary[:10] in page
    assert 'id="notice-h"' in page and "如实陈述纠纷事实" in page  # the notice, as on paper
    applicant = pending.applicants[0]
    for secret in (applicant.phone, applicant.id_number, applicant.address):
        assert not secret or secret not in page  # the applicant's details are not shown
    response = answer(client, consent="agreed", acknowledge="y")
    assert response.status_code == 303
    db.session.expire_all()
    party = db.session.get(Party, party.id)
    assert party.consent == ConsentStatus.AGREED
    assert party.consent_method == ContactMethod.ONLINE and party.consent_at is not None
    assert party.notice_ack == NoticeAck.ELECTRONIC and party.notice_ack_at is not None
    events = db.session.scalars(
        sa.select(Event).where(Event.case_id == pending.id).order_by(Event.id)
    ).all()
    online = [e for e in events if e.data.get("via") == "party_online"]
    assert {e.action for e in online} == {"record_consent", "ack_notice"}
    assert all(e.actor_id is None for e in online)
    # The staff case page shows it at once: consent panel and timeline.
    login("mediator")
    html = client.get(f"/cases/{pending.number}").get_data(as_text=True)
    assert "Online" in html and "Acknowledged electronically" in html
    assert f"{party.name} (online)" in html


def test_refusal_online_closes_the_case(pending, world, db, login, client):
    party = pending.respondents[0]
    code = invite(client, login, pending, party)
    open_door(client, pending, code)
    assert answer(client, consent="refused").status_code == 303
    case = fresh(db, pending)
    assert case.state == CaseState.REFUSED
    page = client.get("/respond/case").get_data(as_text=True)
    assert "Refuses mediation" in page and "no longer takes answers online" in page
    # Nothing more can be sent once the case is closed.
    response = client.post("/respond/account", data={"account-account": "我的说法"})
    assert response.status_code == 400


@pytest.mark.parametrize("which", ["code", "number", "format", "applicant_code"])
def test_wrong_code_or_number_same_answer(pending, world, db, login, client, which):
    party = pending.respondents[0]
    code = invite(client, login, pending, party)
    number = pending.number
    if which == "code":
        code = "ABCDEFGH" if code != "ABCD-EFGH" else "HGFEDCBA"
    elif which == "number":
        number = number[:-1] + ("9" if number[-1] != "9" else "8")
    elif which == "format":
        number = "hello"
    else:
        code = pending.query_code_plain  # the applicant's code does not open this door
    response = client.post("/respond", data={"number": number, "code": code})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The case number or code is not right" in html
    assert client.get("/respond/case").status_code == 302


def test_reissued_code_invalidates_the_old_one(pending, world, db, login, client):
    party = pending.respondents[0]
    old = invite(client, login, pending, party)
    assert open_door(client, pending, old).status_code == 303
    assert client.get("/respond/case").status_code == 200
    new = invite(client, login, pending, party)
    assert new != old
    # The session opened with the old code is closed too.
    assert client.get("/respond/case").status_code == 302
    assert open_door(client, pending, old).status_code == 200
    assert open_door(client, pending, new).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(PartyAccess.id))) == 1
    events = db.session.scalars(
        sa.select(Event).where(Event.case_id == pending.id, Event.action == "invite_party")
    ).all()
    assert [e.data["reissued"] for e in events] == [False, True]


def test_door_is_rate_limited(pending, world, app, db, login, client):
    from extensions import limiter

    party = pending.respondents[0]
    code = invite(client, login, pending, party)
    app.config["JIEFEN_LIMIT_LOOKUP"] = "10 per minute"
    limiter.reset()
    try:
        statuses = [open_door(client, pending, "WRONGWRN").status_code for _ in range(11)]
        assert statuses[:10] == [200] * 10 and statuses[10] == 429
        assert open_door(client, pending, code).status_code == 429
    finally:
        app.config["JIEFEN_LIMIT_LOOKUP"] = "100000 per minute"
        limiter.reset()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def test_account_and_upload_validation(pending, world, db, login, client):
    party = pending.respondents[0]
    code = invite(client, login, pending, party)
    open_door(client, pending, code)
    exe = b"MZ\x90\x00" + b"\x00" * 200
    response = client.post(
        "/respond/material",
        data={"material-file": (io.BytesIO(exe), "photo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Upload a PDF, JPEG or PNG file." in response.get_data(as_text=True)
    response = client.post(
        "/respond/material",
        data={"material-file": (io.BytesIO(_png()), "photo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert client.post("/respond/account", data={"account-account": " "}).status_code == 400
    response = client.post("/respond/account", data={"account-account": "我没有堵排水沟。"})
    assert response.status_code == 303
    rows = db.session.scalars(sa.select(PartySubmission).order_by(PartySubmission.id)).all()
    assert [r.media_type for r in rows] == ["image/png", None]
    login("mediator")
    html = client.get(f"/cases/{pending.number}").get_data(as_text=True)
    assert "我没有堵排水沟。" in html
    got = client.get(f"/cases/{pending.number}/party-material/{rows[0].id}")
    assert got.status_code == 200 and got.data == _png()
    assert got.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/respond", {"number": "x" * 5000, "code": "<script>"}),
        ("/respond", {"number": "\x00", "code": "\uffff%00"}),
        ("/respond/answer", {"answer-consent": "pigeon"}),
        ("/respond/account", {"account-account": "长" * 6000}),
        ("/respond/material", {"material-file": "not a file"}),
    ],
)
def test_hostile_input_no_500(pending, world, db, login, client, path, data):
    party = pending.respondents[0]
    code = invite(client, login, pending, party)
    open_door(client, pending, code)
    assert client.post(path, data=data).status_code < 500


def test_staff_cannot_type_an_online_answer(pending, world, db, login, client):
    party = pending.respondents[0]
    login("mediator")
    response = client.post(
        f"/cases/{pending.number}/consent",
        data={
            "consent-version": pending.version,
            "consent-party": party.id,
            "consent-status": "agreed",
            "consent-method": "online",
        },
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Party, party.id).consent == ConsentStatus.PENDING


def test_applicant_is_not_invited_here(pending, world, db, login, client):
    login("mediator")
    response = client.post(
        f"/cases/{pending.number}/invite",
        data={"invite-version": pending.version, "invite-party": pending.applicants[0].id},
    )
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(PartyAccess.id))) == 0
