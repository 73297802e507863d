"""The related-cases and transfer panels through the test client (plain POST and htmx),
messages beside the fields, the registration checkboxes, the merged banner and the public
status page of a merged case, the transfer note, and the "to acknowledge" lists."""

from __future__ import annotations

import pytest

from domain.clocks import local_today
from domain.states import Action
from domain.transfers import send_transfer
from models import Case
from models.docking import CaseLink, Transfer
from models.enums import Role
from models.states import CaseState
from tests.conftest import hx
from tests.factories import count_rows, events, fresh, open_panel, user


def page(client, case) -> str:
    response = client.get(f"/cases/{case.number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def opener(case, panel: str, key: str) -> str:
    """The link on the case page that opens the form `key` of a panel."""
    return f'href="/cases/{case.number}/panels/{panel}?open={key}"'


def form_of(client, case, panel: str, key: str) -> str:
    """The panel with the form `key` open (the htmx fragment the opener link fetches)."""
    response = open_panel(client, case, panel, key)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'id="panel-{panel}"' in html
    return html


def redirected(response, case, panel: str, htmx=False) -> str | None:
    """A successful action: htmx gets the whole case page to swap into <main>, scrolled to
    the panel (returned: it carries the message); a plain POST a 303 to the panel's anchor."""
    if htmx:
        assert response.status_code == 200, response.get_data(as_text=True)[:3000]
        assert "HX-Redirect" not in response.headers
        assert response.headers["HX-Retarget"] == "#main"
        assert response.headers["HX-Reselect"] == "#main"
        assert response.headers["HX-Reswap"] == f"outerHTML show:#panel-{panel}:top"
        html = response.get_data(as_text=True)
        assert f"<h1>{case.number} " in html and 'id="main"' in html
        return html
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith(f"/cases/{case.number}#panel-{panel}")
    return None


def shown(client, response, case, panel: str, htmx=False) -> str:
    """The case page the user lands on after a successful action (with its message)."""
    return redirected(response, case, panel, htmx) or page(client, case)


# ---- links ----------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_link_by_number_both_ways_with_repeat_badge(world, db, login, client, htmx):
    a, b = world.case(CaseState.ACCEPTED), world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    html = page(client, a)
    assert 'id="panel-links"' in html and "No related cases." in html
    assert opener(a, "links", "link") in html and 'name="link-number"' not in html
    assert 'name="link-number"' in form_of(client, a, "links", "link")
    response = client.post(
        f"/cases/{a.number}/links",
        data={
            "link-version": a.version,
            "link-number": b.number,
            "link-kind": "repeat",
            "link-note": "同一人第二次来访",
        },
        headers=hx("panel-links") if htmx else {},
    )
    html = shown(client, response, a, "links", htmx)
    assert "Cases linked." in html
    assert 'id="repeat-badge"' in html and "Repeat petition" in html
    assert f'href="/cases/{b.number}"' in html and "同一人第二次来访" in html
    other = page(client, b)
    assert f'href="/cases/{a.number}"' in other and 'id="repeat-badge"' in other
    assert len(events(db, fresh(db, a), Action.LINK_CASE)) == 1
    assert len(events(db, fresh(db, b), Action.LINK_CASE)) == 1


def test_link_errors_beside_the_field_input_kept(world, db, login, client):
    a = world.case(CaseState.ACCEPTED)
    far = world.case(CaseState.ACCEPTED, village=world.village3)
    db.session.commit()
    login("clerk")
    for number, message in (
        (far.number, "There is no case with this number in your area."),
        (a.number, "A case cannot be linked to itself."),
        ("", "Enter the number of the other case."),
    ):
        response = client.post(
            f"/cases/{a.number}/links",
            data={
                "link-version": a.version,
                "link-number": number,
                "link-kind": "related",
                "link-note": "我写的备注",
            },
            headers=hx("panel-links"),
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<html" not in html and 'id="panel-links-link" data-panel-open' in html
        assert 'id="link-number-error"' in html and message in html
        assert "我写的备注" in html
        assert far.number not in html or number == far.number
    assert count_rows(CaseLink) == 0
    # Without JS: the panel on a page of its own, the form open and the message beside it.
    response = client.post(
        f"/cases/{a.number}/links",
        data={"link-version": a.version, "link-number": far.number, "link-kind": "related"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="panel-links-link" data-panel-open' in html
    assert "<html" in html and 'id="case-timeline"' not in html  # the panel alone
    assert 'id="link-number-error"' in html
    assert f'value="{far.number}"' in html


def test_stale_link_is_told(world, db, login, client):
    a, b = world.case(CaseState.ACCEPTED), world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/cases/{a.number}/links",
        data={"link-version": a.version - 1, "link-number": b.number, "link-kind": "related"},
    )
    assert "Someone else changed this case" in response.get_data(as_text=True)
    assert count_rows(CaseLink) == 0


def test_unlink(world, db, login, client):
    from domain.links import link_cases

    a, b = world.case(CaseState.ACCEPTED), world.case(CaseState.ACCEPTED)
    link = link_cases(a, b.number, world.clerk, version=None, kind="related")
    db.session.commit()
    login("clerk")
    assert opener(b, "links", f"unlink-{link.id}") in page(client, b)
    html = form_of(client, b, "links", f"unlink-{link.id}")
    assert f'name="unlink-link" type="hidden" value="{link.id}"' in html and "Remove link" in html
    response = client.post(
        f"/cases/{b.number}/links/remove",
        data={"unlink-version": fresh(db, b).version, "unlink-link": link.id},
    )
    assert "Link removed." in shown(client, response, b, "links")
    assert count_rows(CaseLink) == 0


def test_mediator_cannot_open_panel_of_case_outside_scope(world, db, login, client):
    a = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("mediator")
    assert client.get(f"/cases/{a.number}").status_code == 404
    assert open_panel(client, a, "links", "link").status_code == 404
    assert open_panel(client, a, "links", "link", htmx=False).status_code == 404
    assert client.post(f"/cases/{a.number}/links", data={}).status_code == 404
    assert client.post(f"/cases/{a.number}/merge", data={}).status_code == 404


# ---- registration ---------------------------------------------------------------------------


def _register_form(world, **overrides):
    data = {
        "channel": "walk_in",
        "source": "application",
        "region": str(world.village.id),
        "dispute_type": "LL",
        "summary": "又来了",
        "applicants-0-name": "黄大山",
        "applicants-0-phone": "13812345678",
        "applicants-0-id_number": "",
        "respondents-0-name": "钱小川",
        "respondents-0-phone": "",
        "consent": "y",
    }
    data.update(overrides)
    return data


def test_registration_links_ticked_earlier_cases_as_repeat(world, db, login, client):
    earlier = world.case(CaseState.AGREED)  # applicant phone 13812345678
    db.session.commit()
    login("clerk")
    html = client.post(
        "/desk/related", data=_register_form(world), headers=hx("related-cases")
    ).get_data(as_text=True)
    assert f'name="link_case" value="{earlier.number}"' in html
    assert 'name="link_repeat"' in html
    # A validation failure keeps the ticks.
    bad = client.post(
        "/desk/register",
        data={**_register_form(world, summary=""), "link_case": earlier.number, "link_repeat": "1"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert f'value="{earlier.number}" id="link-case-{earlier.number}" checked' in html
    assert 'id="link-repeat" checked' in html
    assert count_rows(Case) == 1
    response = client.post(
        "/desk/register",
        data={**_register_form(world), "link_case": earlier.number, "link_repeat": "1"},
    )
    assert response.status_code == 303
    new = db.session.query(Case).filter(Case.id != earlier.id).one()
    link = db.session.query(CaseLink).one()
    assert (link.case_id, link.other_id, link.kind) == (new.id, earlier.id, "repeat")
    assert len(events(db, new, Action.LINK_CASE)) == 1
    assert len(events(db, earlier, Action.LINK_CASE)) == 1
    assert 'id="repeat-badge"' in page(client, new)


def test_registration_with_a_tampered_number_registers_nothing(world, db, login, client):
    far = world.case(CaseState.ACCEPTED, village=world.village3)
    db.session.commit()
    login("clerk")
    response = client.post(
        "/desk/register", data={**_register_form(world), "link_case": far.number}
    )
    assert response.status_code == 200
    assert "There is no case with this number in your area." in response.get_data(as_text=True)
    assert count_rows(Case) == 1


# ---- merging --------------------------------------------------------------------------------


def test_merge_banner_timelines_and_public_page(world, db, login, client, app):
    a = world.case(CaseState.MEDIATING)
    b = world.case(CaseState.ACCEPTED)
    b_code = b.query_code_plain
    b_applicant, a_applicant = b.applicants[0].name, a.applicants[0].name
    db.session.commit()
    login("clerk")
    html = page(client, b)
    assert "Merge this case into another case" in html and opener(b, "links", "merge") in html
    assert 'name="merge-reason"' in form_of(client, b, "links", "merge")
    response = client.post(
        f"/cases/{b.number}/merge",
        data={"merge-version": b.version, "merge-number": "", "merge-reason": ""},
    )
    html = response.get_data(as_text=True)
    assert 'id="panel-links-merge" data-panel-open' in html
    assert 'id="merge-number-error"' in html and 'id="merge-reason-error"' in html
    response = client.post(
        f"/cases/{b.number}/merge",
        data={"merge-version": b.version, "merge-number": a.number, "merge-reason": "同一纠纷"},
    )
    html = shown(client, response, b, "links")
    assert "Case merged. Work goes on in the other case." in html
    assert 'id="merged-banner"' in html
    assert f"This case was merged into case {a.number}." in html
    assert f'href="/cases/{a.number}"' in html
    assert "Merge this case into another case" not in html
    assert opener(b, "links", "merge") not in html
    html = page(client, a)
    assert f"Timeline of merged case {b.number}" in html
    assert b_applicant in html  # B's applicant is now a party of A too
    # The citizen of B: its own code, the merged state and A's progress, no A party names.
    client.post("/auth/logout")
    public = app.test_client()
    public.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = public.post("/lookup", data={"number": b.number, "code": b_code})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    html = public.get("/status").get_data(as_text=True)
    assert "Handled together with another case" in html
    assert f"Handled together with case {a.number}" in html
    assert "In mediation" in html  # A's public state
    assert a_applicant not in html
    assert "Mediator assigned" not in html  # A's internal events stay internal


def test_director_merge_outside_committee_is_refused(world, db, login, client):
    b = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("director")
    assert client.post(f"/cases/{b.number}/merge", data={}).status_code == 404  # not in scope
    mine = world.case(CaseState.MEDIATING)
    db.session.commit()
    html = page(client, mine)
    assert "Merge this case into another case" in html and opener(mine, "links", "merge") in html
    assert 'name="merge-number"' in form_of(client, mine, "links", "merge")


# ---- transfers ------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_send_and_acknowledge_through_pages(world, db, login, client, htmx):
    case = world.case(CaseState.MEDIATING)
    tdir = user("tdir", Role.DIRECTOR, world.township_centre, "镇主任")
    db.session.commit()
    login("mediator")
    html = page(client, case)
    assert 'id="panel-transfer"' in html and "Transfer this case" in html
    assert opener(case, "transfer", "send") in html
    html = open_panel(client, case, "transfer", "send", htmx=htmx).get_data(as_text=True)
    assert 'id="panel-transfer-send" data-panel-open' in html
    assert world.township_centre.name in html and "Up to a higher level" in html
    response = client.post(
        f"/cases/{case.number}/transfers",
        data={
            "send-version": case.version,
            "send-to_org": "",
            "send-to_name": "",
            "send-reason": "需要镇里协调",
        },
        headers=hx("panel-transfer") if htmx else {},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="send-to_org-error"' in html
    assert ("<html" in html) is not htmx and 'id="panel-transfer-send" data-panel-open' in html
    assert "需要镇里协调" in html
    response = client.post(
        f"/cases/{case.number}/transfers",
        data={
            "send-version": case.version,
            "send-to_org": world.township_centre.id,
            "send-reason": "需要镇里协调",
        },
        headers=hx("panel-transfer") if htmx else {},
    )
    html = shown(client, response, case, "transfer", htmx)
    assert "Transfer sent. It waits for the receiver&#39;s acknowledgement." in html
    assert "Awaiting acknowledgement" in html and "Withdraw the transfer" in html
    assert opener(case, "transfer", "withdraw") in html
    assert opener(case, "transfer", "accept") not in html
    transfer = db.session.query(Transfer).one()
    # The receiving director: the queue lists it, the case opens, they acknowledge.
    client.post("/auth/logout")
    login("tdir")
    queue = client.get("/workbench/").get_data(as_text=True)
    assert "Transfers to acknowledge" in queue and case.number in queue
    # Only in that list: it is not yet one of the committee's cases in mediation.
    assert queue.count(f'href="/cases/{case.number}') == 1
    assert "Open: 0" in queue
    html = page(client, case)
    assert opener(case, "transfer", "accept") in html and "Decline the transfer" in html
    assert opener(case, "transfer", "decline") in html
    assert opener(case, "transfer", "withdraw") not in html
    assert "Acknowledge and take the case" in form_of(client, case, "transfer", "accept")
    response = client.post(
        f"/cases/{case.number}/transfers/accept",
        data={"accept-version": fresh(db, case).version, "accept-transfer": transfer.id},
        headers=hx("panel-transfer") if htmx else {},
    )
    html = shown(client, response, case, "transfer", htmx)
    assert "Transfer acknowledged. The case is now handled here." in html
    case = fresh(db, case)
    assert case.handling_org_id == world.township_centre.id
    assert case.state == CaseState.DISPATCHED
    assert tdir.name == db.session.get(Transfer, transfer.id).receiver_name
    assert case.number in page(client, case)


def test_decline_needs_a_reason_and_withdraw(world, db, login, client):
    case = world.case(CaseState.MEDIATING)
    user("tdir", Role.DIRECTOR, world.township_centre)
    db.session.flush()
    t = send_transfer(case, world.mediator, version=None, to_org=world.township_centre, reason="x")
    db.session.commit()
    login("tdir")
    response = client.post(
        f"/cases/{case.number}/transfers/decline",
        data={"decline-version": case.version, "decline-transfer": t.id, "decline-reason": ""},
    )
    html = response.get_data(as_text=True)
    assert 'id="decline-reason-error"' in html
    assert 'id="panel-transfer-decline" data-panel-open' in html
    response = client.post(
        f"/cases/{case.number}/transfers/decline",
        data={
            "decline-version": case.version,
            "decline-transfer": t.id,
            "decline-reason": "应先由村委会调解",
        },
        headers=hx("panel-transfer"),
    )
    # The case is no longer theirs: they go to their own start page, where the message shows.
    assert response.status_code == 204 and response.headers["HX-Redirect"].endswith("/auth/home")
    assert "Transfer declined." in client.get("/workbench/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Transfer, t.id).status == "declined"
    assert client.get(f"/cases/{case.number}").status_code == 404  # no longer theirs
    client.post("/auth/logout")
    login("mediator")
    html = page(client, case)
    assert "Declined" in html and "应先由村委会调解" in html
    t2 = send_transfer(
        fresh(db, case), world.mediator, version=None, to_org=world.county_centre, reason="y"
    )
    db.session.commit()
    response = client.post(
        f"/cases/{case.number}/transfers/withdraw",
        data={"withdraw-version": fresh(db, case).version, "withdraw-transfer": t2.id},
    )
    assert "Transfer withdrawn." in shown(client, response, case, "transfer")
    db.session.expire_all()
    assert db.session.get(Transfer, t2.id).status == "withdrawn"


def test_out_acknowledgement_ends_and_note_prints(world, db, login, client):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator")
    response = client.post(
        f"/cases/{case.number}/transfers",
        data={
            "send-version": case.version,
            "send-to_org": "",
            "send-to_name": "公安县劳动人事争议仲裁委员会",
            "send-reason": "劳动争议",
        },
    )
    redirected(response, case, "transfer")
    transfer = db.session.query(Transfer).one()
    assert transfer.direction == "out"
    note = client.get(f"/cases/{case.number}/transfers/{transfer.id}/note")
    assert note.status_code == 200 and note.data.startswith(b"%PDF")
    html = client.get(f"/cases/{case.number}/transfers/{transfer.id}/note?html=1").get_data(
        as_text=True
    )
    assert "案件移送函" in html and "公安县劳动人事争议仲裁委员会" in html and "劳动争议" in html
    response = client.post(
        f"/cases/{case.number}/transfers/ack-out",
        data={
            "ack_out-version": fresh(db, case).version,
            "ack_out-transfer": transfer.id,
            "ack_out-receiver_name": "",
            "ack_out-received_on": "",
        },
    )
    html = response.get_data(as_text=True)
    assert 'id="panel-transfer-ack_out" data-panel-open' in html
    assert 'id="ack_out-receiver_name-error"' in html
    assert 'id="ack_out-received_on-error"' in html
    response = client.post(
        f"/cases/{case.number}/transfers/ack-out",
        data={
            "ack_out-version": fresh(db, case).version,
            "ack_out-transfer": transfer.id,
            "ack_out-receiver_name": "王某",
            "ack_out-received_on": local_today().isoformat(),
        },
    )
    assert "Acknowledgement recorded. Mediation has ended." in shown(
        client, response, case, "transfer"
    )
    case = fresh(db, case)
    assert case.state == CaseState.TERMINATED
    assert case.closure_reason.value == "transferred_out"
    assert client.get(f"/cases/{case.number}/transfers/999/note").status_code == 404


def test_clerk_transfers_page_and_scope(world, db, login, client):
    case = world.case(CaseState.DISPATCHED)
    t = send_transfer(
        case, world.director, version=None, to_org=world.village3_committee, reason="当事人居住地"
    )
    db.session.commit()
    login("clerk2")
    html = client.get("/desk/transfers").get_data(as_text=True)
    assert case.number in html and "当事人居住地" in html and f'id="transfer-{t.id}"' in html
    assert opener(case, "transfer", "accept") in page(client, case)
    assert "Acknowledge and take the case" in form_of(client, case, "transfer", "accept")
    client.post("/auth/logout")
    login("clerk")
    html = client.get("/desk/transfers").get_data(as_text=True)
    assert "No transfers are waiting for acknowledgement." in html
    # The committee sent it: the desk of the sending county neither withdraws nor acknowledges.
    html = page(client, case)
    assert opener(case, "transfer", "withdraw") not in html
    assert opener(case, "transfer", "accept") not in html
    response = client.post(
        f"/cases/{case.number}/transfers/withdraw",
        data={"withdraw-version": case.version, "withdraw-transfer": t.id},
    )
    assert response.status_code == 403
    login("director")  # the sender's side: withdraw, not acknowledge
    html = page(client, case)
    assert "Withdraw the transfer" in html and opener(case, "transfer", "withdraw") in html
    assert opener(case, "transfer", "accept") not in html
    assert "Acknowledge and take the case" not in form_of(client, case, "transfer", "accept")
    response = client.post(
        f"/cases/{case.number}/transfers/accept",
        data={"accept-version": case.version, "accept-transfer": t.id},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Transfer, t.id).status == "pending"
