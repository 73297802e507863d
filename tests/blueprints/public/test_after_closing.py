"""After mediation ended: each party's answer (resolved? satisfied?) on their own page, their
reports to the mediator reaching the case page and the workbench, handled with a note."""

import pytest
import sqlalchemy as sa

from domain.codes import hash_query_code, new_query_code
from models import Event, PartyAccess, PartyFeedback, PartyReport
from models.states import CaseState
from tests.factories import fresh


def open_status(client, case):
    response = client.post("/lookup", data={"number": case.number, "code": case.query_code_plain})
    assert response.status_code == 303


def open_respond(client, db, case, party):
    """The respondent was invited while the case was open; the door stays open after it."""
    code = new_query_code()
    db.session.add(PartyAccess(case_id=case.id, party_id=party.id, code_hash=hash_query_code(code)))
    db.session.commit()
    response = client.post("/respond", data={"number": case.number, "code": code})
    assert response.status_code == 303


@pytest.fixture
def agreed(world, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    return case


def feedback(client, door, **data):
    return client.post(f"/{door}/feedback", data={f"feedback-{k}": v for k, v in data.items()})


def report(client, door, **data):
    return client.post(f"/{door}/report", data={f"report-{k}": v for k, v in data.items()})


def test_applicant_answers_once(agreed, db, client):
    open_status(client, agreed)
    page = client.get("/status").get_data(as_text=True)
    assert 'id="after-closing"' in page and 'name="feedback-satisfaction"' in page
    response = feedback(
        client, "status", resolved="partly", satisfaction="basically", comment="还行"
    )
    assert response.status_code == 303
    row = db.session.scalar(sa.select(PartyFeedback))
    assert (row.party_id, row.resolved.value, row.satisfaction.value, row.comment) == (
        agreed.applicants[0].id,
        "partly",
        "basically",
        "还行",
    )
    event = db.session.scalar(sa.select(Event).where(Event.action == "party_feedback"))
    assert event.data["party_id"] == agreed.applicants[0].id and event.actor_id is None
    page = client.get("/status").get_data(as_text=True)
    assert 'name="feedback-satisfaction"' not in page  # answered: the question is gone
    # A second answer is refused with a message, the first is kept.
    again = feedback(client, "status", resolved="resolved", satisfaction="satisfied")
    assert again.status_code == 400
    assert "already answered" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PartyFeedback.id))) == 1


def test_respondent_answers_on_their_page(agreed, db, client):
    party = agreed.respondents[0]
    open_respond(client, db, agreed, party)
    assert 'id="after-closing"' in client.get("/respond/case").get_data(as_text=True)
    assert (
        feedback(client, "respond", resolved="resolved", satisfaction="satisfied").status_code
        == 303
    )
    row = db.session.scalar(sa.select(PartyFeedback))
    assert row.party_id == party.id


def test_not_asked_before_the_end(world, db, client):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    open_status(client, case)
    assert 'id="after-closing"' not in client.get("/status").get_data(as_text=True)
    assert (
        feedback(client, "status", resolved="resolved", satisfaction="satisfied").status_code == 404
    )
    assert db.session.scalar(sa.select(sa.func.count(PartyFeedback.id))) == 0


def test_without_a_door_goes_to_the_lookup(client, agreed):
    response = feedback(client, "status", resolved="resolved", satisfaction="satisfied")
    assert response.status_code == 303 and "/lookup" in response.headers["Location"]
    response = report(client, "respond", kind="contest", reason="x")
    assert response.status_code == 303 and "/respond" in response.headers["Location"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"resolved": "maybe", "satisfaction": "satisfied"},
        {"resolved": "resolved", "satisfaction": "ecstatic"},
        {"resolved": "resolved", "satisfaction": "satisfied", "comment": "长" * 600},
        {"resolved": ["resolved", "partly"], "satisfaction": "\x00"},
    ],
)
def test_hostile_answers_are_refused_and_kept(agreed, db, client, data):
    open_status(client, agreed)
    response = feedback(client, "status", **data)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(PartyFeedback.id))) == 0


def test_report_reaches_the_mediator_and_is_handled(agreed, world, db, client, login):
    open_status(client, agreed)
    page = client.get("/status").get_data(as_text=True)
    assert 'value="non_performance"' in page and 'value="contest"' in page
    assert (
        report(client, "status", kind="non_performance", reason="对方没有按期付款").status_code
        == 303
    )
    # One open report of each kind per party.
    again = report(client, "status", kind="non_performance", reason="还是没付")
    assert again.status_code == 400 and "still with the mediator" in again.get_data(as_text=True)
    row = db.session.scalar(sa.select(PartyReport))
    assert row.kind.value == "non_performance" and row.handled_at is None
    event = db.session.scalar(sa.select(Event).where(Event.action == "party_report"))
    assert event.data["party_id"] == agreed.applicants[0].id
    client.post("/status/leave")

    login("mediator")
    page = client.get(f"/cases/{agreed.number}").get_data(as_text=True)
    assert 'id="party-report-banner"' in page and "对方没有按期付款" in page
    queue = client.get("/workbench/").get_data(as_text=True)
    assert 'id="party-reports"' in queue and agreed.number in queue
    # A note is required.
    url = f"/cases/{agreed.number}/party-report/{row.id}/handle"
    refused = client.post(
        url, data={f"handle{row.id}-version": row.version, f"handle{row.id}-note": ""}
    )
    assert refused.status_code in (200, 400)
    done = client.post(
        url, data={f"handle{row.id}-version": row.version, f"handle{row.id}-note": "已电话督促履行"}
    )
    assert done.status_code == 303
    db.session.expire_all()
    row = db.session.get(PartyReport, row.id)
    assert row.handled_at is not None and row.handled_note == "已电话督促履行"
    assert row.handled_by.username == "mediator"
    assert db.session.scalar(sa.select(Event).where(Event.action == "handle_party_report"))
    page = client.get(f"/cases/{agreed.number}").get_data(as_text=True)
    assert 'id="party-report-banner"' not in page
    assert 'id="party-reports"' in client.get("/workbench/").get_data(as_text=True)
    assert (
        agreed.number
        not in client.get("/workbench/")
        .get_data(as_text=True)
        .split('id="party-reports"')[1]
        .split("</section>")[0]
    )
    # Handled already: a second note is refused.
    stale = client.post(
        url, data={f"handle{row.id}-version": row.version, f"handle{row.id}-note": "x"}
    )
    assert (
        stale.status_code != 303
        or db.session.get(PartyReport, row.id).handled_note == "已电话督促履行"
    )


def test_report_outside_scope_is_404(agreed, world, db, client, login):
    open_status(client, agreed)
    report(client, "status", kind="contest", reason="我不同意结案")
    client.post("/status/leave")
    row = db.session.scalar(sa.select(PartyReport))
    login("mediator2")
    url = f"/cases/{agreed.number}/party-report/{row.id}/handle"
    response = client.post(url, data={f"handle{row.id}-version": 1, f"handle{row.id}-note": "x"})
    assert response.status_code == 404
    assert agreed.number not in client.get("/workbench/").get_data(as_text=True)


def test_no_non_performance_without_an_agreement(world, db, client):
    case = world.case(CaseState.FAILED)
    db.session.commit()
    open_status(client, case)
    page = client.get("/status").get_data(as_text=True)
    assert 'value="contest"' in page and 'value="non_performance"' not in page
    assert report(client, "status", kind="non_performance", reason="x").status_code == 400
    assert fresh(db, case).state == CaseState.FAILED
