"""Forged POSTs against the stage rules (domain.permissions): the desk acts before dispatch,
the handling committee after, leaders correct, administrators do no case work. Each test
first checks that the page offers no such form, then posts it anyway."""

from __future__ import annotations

import pytest

from domain.links import link_cases
from models.docking import CaseLink
from models.enums import ConsentStatus, Role
from models.states import CaseState
from tests.factories import count_rows, events, fresh, opener_href, user


def page(client, case) -> str:
    return client.get(f"/cases/{case.number}").get_data(as_text=True)


def refusal_data(case, party) -> dict:
    return {
        "consent-version": case.version,
        "consent-party": party.id,
        "consent-status": ConsentStatus.REFUSED.value,
        "consent-method": "phone",
        "consent-note": "被申请人表示不同意调解",
    }


@pytest.mark.parametrize("state", [CaseState.DISPATCHED, CaseState.MEDIATING])
@pytest.mark.parametrize("who", ["clerk", "leader"])
def test_desk_and_leaders_cannot_close_a_committees_case_by_a_refusal(
    world, db, login, client, state, who
):
    case = world.case(state, consented=False)
    db.session.commit()
    login(who)
    respondent = case.respondents[0]
    assert opener_href(case, "consent", f"consent-{respondent.id}") not in page(client, case)
    response = client.post(f"/cases/{case.number}/consent", data=refusal_data(case, respondent))
    assert response.status_code == 403
    case = fresh(db, case)
    assert case.state == state and case.closure_reason is None
    assert events(db, case, "refuse") == []


def test_the_committee_records_the_refusal(world, db, login, client):
    case = world.case(CaseState.MEDIATING, consented=False)
    db.session.commit()
    login("mediator")
    respondent = case.respondents[0]
    assert opener_href(case, "consent", f"consent-{respondent.id}") in page(client, case)
    response = client.post(f"/cases/{case.number}/consent", data=refusal_data(case, respondent))
    assert response.status_code == 303
    assert fresh(db, case).state == CaseState.REFUSED


def test_the_desk_records_a_refusal_at_intake_but_not_a_leader(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    respondent = case.respondents[0]
    login("leader")
    response = client.post(f"/cases/{case.number}/consent", data=refusal_data(case, respondent))
    assert response.status_code == 403
    login("clerk")
    assert opener_href(case, "consent", f"consent-{respondent.id}") in page(client, case)
    response = client.post(f"/cases/{case.number}/consent", data=refusal_data(case, respondent))
    assert response.status_code == 303
    assert fresh(db, case).state == CaseState.REFUSED


@pytest.mark.parametrize("who", ["clerk", "leader"])
def test_desk_and_leaders_do_not_work_a_committees_case(world, db, login, client, who):
    """Merging (it closes the case), transferring, linking, naming the mediator, dispatching
    again, adding to the file: none offered, each forged POST refused, nothing changed."""
    case = world.case(CaseState.MEDIATING)
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    login(who)
    html = page(client, case)
    for panel, key in (
        ("links", "merge"),
        ("links", "link"),
        ("transfer", "send"),
        ("assign_mediator", "assign"),
        ("dispatch", "dispatch"),
    ):
        assert opener_href(case, panel, key) not in html, (panel, key)
    v = case.version
    forged = {
        "merge": {"merge-version": v, "merge-number": other.number, "merge-reason": "同一纠纷"},
        "links": {"link-version": v, "link-number": other.number, "link-kind": "related"},
        "transfers": {
            "send-version": v,
            "send-to_org": world.township_centre.id,
            "send-reason": "移交镇中心",
        },
        "assign": {"assign-version": v, "assign-mediator": world.mediator_b.id},
        "documents/generate": {"doc-kind": "notice", "doc-subject": 0},
    }
    for path, data in forged.items():
        response = client.post(f"/cases/{case.number}/{path}", data=data)
        assert response.status_code == 403, path
    response = client.post(
        f"/desk/case/{case.number}/dispatch",
        data={"dispatch-version": v, "dispatch-organisation": world.township_centre.id},
    )
    assert response.status_code == 403
    case = fresh(db, case)
    assert case.version == v and case.state == CaseState.MEDIATING
    assert case.presiding_mediator == world.mediator and not case.transfers
    assert count_rows(CaseLink) == 0


def test_leaders_correct_the_record(world, db, login, client):
    """README, Corrections: leaders of the area correct a case throughout."""
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("leader")
    assert opener_href(case, "corrections", "dispute") in page(client, case)


def test_leaders_do_not_reset_a_query_code(world, db, login, client):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("leader")
    assert opener_href(case, "reset_code", "reset") not in page(client, case)
    response = client.post(
        f"/desk/case/{case.number}/reset-code", data={"reset-reason": "核对身份证"}
    )
    assert response.status_code == 403
    assert events(db, case, "reset_query_code") == []
    login("clerk")  # the desk issues a new code at any stage
    assert opener_href(case, "reset_code", "reset") in page(client, case)


def test_leaders_do_not_acknowledge_transfers(world, db, login, client):
    from domain.transfers import send_transfer

    case = world.case(CaseState.MEDIATING)
    t = send_transfer(case, world.mediator, version=None, to_org=world.township_centre, reason="x")
    db.session.commit()
    login("leader")
    assert opener_href(case, "transfer", "accept") not in page(client, case)
    response = client.post(
        f"/cases/{case.number}/transfers/accept",
        data={"accept-version": case.version, "accept-transfer": t.id},
    )
    assert response.status_code == 403
    assert fresh(db, case).handling_org == world.village_committee


# ---- links: who links, and never from an archived file -----------------------------------------


def link_data(case, other) -> dict:
    return {"link-version": case.version, "link-number": other.number, "link-kind": "repeat"}


@pytest.mark.parametrize("who", ["admin", "clerk", "leader"])
def test_an_archived_case_is_not_linked_by_the_desk_leaders_or_admins(
    world, db, login, client, who
):
    archived = world.case(CaseState.ARCHIVED)
    other = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login(who)
    assert opener_href(archived, "links", "link") not in page(client, archived)
    response = client.post(f"/cases/{archived.number}/links", data=link_data(archived, other))
    assert response.status_code == 403
    assert count_rows(CaseLink) == 0


def test_an_archived_file_is_final_even_for_its_mediator(world, db, login, client):
    archived = world.case(CaseState.ARCHIVED)
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator")
    assert opener_href(archived, "links", "link") not in page(client, archived)
    response = client.post(f"/cases/{archived.number}/links", data=link_data(archived, other))
    assert "This action is not possible in the case" in response.get_data(as_text=True)
    assert count_rows(CaseLink) == 0
    assert events(db, other, "link_case") == []


def test_an_open_case_is_linked_to_an_archived_one(world, db, login, client):
    """A repeat petition of a dispute settled long ago: the link is recorded on the open case
    only (the archived file does not change)."""
    archived = world.case(CaseState.ARCHIVED)
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    version = archived.version
    login("clerk")
    assert opener_href(case, "links", "link") in page(client, case)
    response = client.post(f"/cases/{case.number}/links", data=link_data(case, archived))
    assert response.status_code == 303
    assert count_rows(CaseLink) == 1
    assert fresh(db, archived).version == version
    assert events(db, archived, "link_case") == []


def test_an_archived_link_is_not_removed_from_the_archived_side(world, db, login, client):
    archived = world.case(CaseState.ARCHIVED)
    case = world.case(CaseState.ACCEPTED)
    link = link_cases(case, archived.number, world.clerk, version=None, kind="repeat")
    db.session.commit()
    for who in ("mediator", "admin"):
        login(who)
        assert opener_href(archived, "links", f"unlink-{link.id}") not in page(client, archived)
        response = client.post(
            f"/cases/{archived.number}/links/remove",
            data={"unlink-version": archived.version, "unlink-link": link.id},
        )
        assert response.status_code == 403 or "not possible" in response.get_data(as_text=True)
    assert count_rows(CaseLink) == 1


def test_the_joint_centres_leader_does_not_mediate(world, db, login, client):
    case = world.case(CaseState.JOINT_MEDIATION)
    user("tleader", Role.LEADER, case.joint_org)
    db.session.commit()
    login("tleader")
    html = page(client, case)
    for panel, key in (("closing", "fail"), ("session", "session"), ("outcome", "agreement")):
        assert opener_href(case, panel, key) not in html, (panel, key)
