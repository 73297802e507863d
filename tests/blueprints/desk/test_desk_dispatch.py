import re

import sqlalchemy as sa

from models import Case, Event
from models.states import CaseState
from tests.conftest import hx
from tests.factories import open_panel


def _checked(html: str, value) -> bool:
    """Whether the radio button with `value` is the one chosen."""
    return bool(re.search(rf'<input checked [^>]*type="radio" value="{value}"', html))


def _fresh(db, case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _event(db, case, action):
    return db.session.scalars(
        sa.select(Event).where(Event.case_id == case.id, Event.action == action)
    ).one()


def test_dispatch_panel_shows_suggestion_preselected(world, login, client, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    client = login("clerk")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-dispatch"' in page
    assert "Suggested organisation" in page
    assert "Committee of the village or community where it happened." in page
    assert f"/cases/{case.number}/panels/dispatch?open=dispatch" in page
    page = open_panel(client, case, "dispatch", "dispatch").get_data(as_text=True)
    assert _checked(page, world.village_committee.id)
    assert world.township_centre.name in page  # another choice
    assert world.county2_centre.name not in page  # outside the case's county
    assert world.court.name not in page  # does not mediate


def test_dispatch_to_suggestion_plain(world, login, client, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/desk/case/{case.number}/dispatch",
        data={
            "dispatch-version": case.version,
            "dispatch-organisation": world.village_committee.id,
            "dispatch-reason": "",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{case.number}#panel-dispatch")
    case = _fresh(db, case)
    assert case.state == CaseState.DISPATCHED
    assert case.handling_org_id == world.village_committee.id
    event = _event(db, case, "dispatch")
    assert event.actor_id == world.clerk.id and event.note is None
    assert event.data["overridden"] is False
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Case dispatched." in page
    # step two: the mediator
    assert f"/cases/{case.number}/panels/assign_mediator?open=assign" in page
    form = open_panel(client, case, "assign_mediator", "assign").get_data(as_text=True)
    assert "/cases/" + case.number + "/assign" in form


def test_dispatch_elsewhere_needs_reason(world, login, client, db, templates):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    data = {
        "dispatch-version": case.version,
        "dispatch-organisation": world.township_centre.id,
        "dispatch-reason": "",
    }

    plain = client.post(f"/desk/case/{case.number}/dispatch", data=data)
    assert plain.status_code == 200
    page = plain.get_data(as_text=True)
    assert "<html" in page
    assert 'id="dispatch-reason-error"' in page
    assert "give the reason" in page
    assert _checked(page, world.township_centre.id)  # choice kept
    assert _fresh(db, case).state == CaseState.ACCEPTED

    fragment = client.post(
        f"/desk/case/{case.number}/dispatch", data=data, headers=hx("panel-dispatch")
    ).get_data(as_text=True)
    assert "<html" not in fragment and 'id="dispatch-reason-error"' in fragment
    assert templates[-1] == "desk/partials/dispatch_panel.html"

    data["dispatch-reason"] = "涉及两个村，由镇中心调处"
    response = client.post(
        f"/desk/case/{case.number}/dispatch", data=data, headers=hx("panel-dispatch")
    )
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#main"
    assert "Case dispatched." in response.get_data(as_text=True)
    case = _fresh(db, case)
    assert case.state == CaseState.DISPATCHED
    assert case.handling_org_id == world.township_centre.id
    event = _event(db, case, "dispatch")
    assert event.note == "涉及两个村，由镇中心调处" and event.data["overridden"] is True


def test_dispatch_to_an_organisation_outside_the_choices(world, login, client, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    for org in (world.court, world.county2_centre):
        response = client.post(
            f"/desk/case/{case.number}/dispatch",
            data={
                "dispatch-version": case.version,
                "dispatch-organisation": org.id,
                "dispatch-reason": "试试",
            },
        )
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "Choose an organisation from the list." in page
        assert 'id="dispatch-organisation-error"' in page
    assert _fresh(db, case).state == CaseState.ACCEPTED


def test_assign_mediator_plain_and_htmx(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("clerk")
    page = open_panel(client, case, "assign_mediator", "assign").get_data(as_text=True)
    assert world.mediator.name in page and world.mediator_b.name in page
    assert world.mediator2.name not in page

    bad = client.post(
        f"/cases/{case.number}/assign",
        data={"assign-version": case.version, "assign-mediator": ""},
    )
    assert bad.status_code == 200 and "Choose a mediator." in bad.get_data(as_text=True)
    fragment = client.post(
        f"/cases/{case.number}/assign",
        data={"assign-version": case.version, "assign-mediator": world.mediator2.id},
        headers=hx("panel-assign_mediator"),
    )
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert "Choose an active mediator of the handling organisation." in text
    assert _fresh(db, case).state == CaseState.DISPATCHED

    response = client.post(
        f"/cases/{case.number}/assign",
        data={"assign-version": case.version, "assign-mediator": world.mediator_b.id},
    )
    assert response.status_code == 303
    case = _fresh(db, case)
    assert case.state == CaseState.MEDIATING
    assert case.presiding_mediator.id == world.mediator_b.id
    event = _event(db, case, "assign")
    assert event.actor_id == world.clerk.id and not event.public


def test_redispatch_of_dispatched_case(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/desk/case/{case.number}/dispatch",
        data={
            "dispatch-version": case.version,
            "dispatch-organisation": world.township_centre.id,
            "dispatch-reason": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="panel-dispatch-dispatch" data-panel-open' in page
    assert 'id="dispatch-reason-error"' in page


def test_stale_dispatch_changes_nothing(world, login, client, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    old = case.version
    case.summary += "（补充）"
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/desk/case/{case.number}/dispatch",
        data={"dispatch-version": old, "dispatch-organisation": world.village_committee.id},
        headers=hx("panel-dispatch"),
    )
    assert response.status_code == 200
    assert "Someone else changed this case" in response.get_data(as_text=True)
    assert _fresh(db, case).state == CaseState.ACCEPTED
