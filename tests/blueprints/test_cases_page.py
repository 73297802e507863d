from models import Event
from models.states import CaseState
from tests.conftest import hx


def test_case_page_masks_pii_and_reveal_is_recorded(world, login, client, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    party = case.parties[0]
    login("mediator")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert party.phone not in page
    assert party.phone[:3] + "****" + party.phone[-4:] in page
    assert party.id_number not in page

    response = client.post(f"/cases/{case.number}/parties/{party.id}/reveal", headers=hx())
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert party.phone in fragment and party.id_number in fragment
    assert "<html" not in fragment
    events = db.session.query(Event).filter_by(case_id=case.id, action="reveal_pii").all()
    assert len(events) == 1 and events[0].actor_id == world.mediator.id and not events[0].public

    full = client.post(f"/cases/{case.number}/parties/{party.id}/reveal")
    assert full.status_code == 200 and "<html" in full.get_data(as_text=True)


def test_leader_sees_case_but_cannot_reveal(world, login, client, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("leader")
    assert client.get(f"/cases/{case.number}").status_code == 200
    party = case.parties[0]
    assert client.post(f"/cases/{case.number}/parties/{party.id}/reveal").status_code == 403


def test_case_outside_scope_is_404(world, login, client, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator2")  # another village's mediator
    assert client.get(f"/cases/{case.number}").status_code == 404
    login("leader2")
    assert client.get(f"/cases/{case.number}").status_code == 404
