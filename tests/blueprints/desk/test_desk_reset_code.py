"""A citizen lost the query code: the desk issues a new one, the old one stops working."""

import re

from models import Event
from models.states import CaseState


def test_reset_code_issues_new_code_once(world, login, client, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    old = case.query_code_plain
    login("clerk")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Issue a new query code" in page
    response = client.post(
        f"/desk/case/{case.number}/reset-code", data={"reset-reason": "身份证已核对"}
    )
    assert response.status_code == 303
    shown = client.get("/desk/registered").get_data(as_text=True)
    assert "New query code issued" in shown
    new = re.findall(r'id="query-code">([A-Z0-9-]{9})<', shown)[0].replace("-", "")
    assert new != old
    assert "New query code issued" not in client.get("/desk/registered").get_data(as_text=True)

    citizen = client.application.test_client()
    assert citizen.post("/lookup", data={"number": case.number, "code": old}).status_code == 200
    assert citizen.post("/lookup", data={"number": case.number, "code": new}).status_code == 303
    event = db.session.query(Event).filter_by(case_id=case.id, action="reset_query_code").one()
    assert event.actor_id == world.clerk.id and event.note == "身份证已核对"


def test_reset_code_needs_reason_and_desk_role(world, login, client, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("clerk")
    response = client.post(f"/desk/case/{case.number}/reset-code", data={"reset-reason": " "})
    assert response.status_code == 200
    assert 'id="reset-reason-error"' in response.get_data(as_text=True)
    login("mediator")
    assert (
        client.post(f"/desk/case/{case.number}/reset-code", data={"reset-reason": "x"}).status_code
        == 403
    )
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Issue a new query code" not in page
