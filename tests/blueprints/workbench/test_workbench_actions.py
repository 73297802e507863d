"""Workbench panels on the case page and their actions: assignment by the director, plain and
htmx, with bad input. The agreement's tests are in test_outcomes_*.py; failure and termination
in the closing tests; session and investigation records in test_records_*.py."""

import pytest

from models.states import CaseState
from tests.conftest import hx
from tests.factories import events, fresh


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


# ---- panels on the case page ----------------------------------------------------------------


def test_mediator_sees_session_and_outcome_panels(mediating, login, client):
    login("mediator")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert 'id="panel-session"' in html
    assert 'id="panel-outcome"' in html
    assert 'id="panel-assign_mediator"' not in html  # directors only
    assert f'name="session-version" type="hidden" value="{mediating.version}"' in html


def test_director_sees_assign_panel_clerk_does_not(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-assign_mediator"' in html
    assert 'id="panel-session"' not in html  # not mediating yet
    client.post("/auth/logout")
    login("clerk")
    assert 'id="panel-assign_mediator"' not in client.get(f"/cases/{case.number}").get_data(
        as_text=True
    )


def test_closed_case_has_no_workbench_panels(world, login, client, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "panel-session" not in html
    assert "panel-outcome" not in html


# ---- assign ---------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_director_assigns_on_case_page(world, login, client, db, htmx):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    response = client.post(
        f"/cases/{case.number}/assign",
        headers=hx("panel-assign_mediator") if htmx else {},
        data={"assign-mediator": world.mediator_b.id, "assign-version": case.version},
    )
    if htmx:
        assert response.status_code == 204
        assert response.headers["HX-Redirect"].endswith(f"/cases/{case.number}")
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/cases/{case.number}")
    case = fresh(db, case)
    assert case.state == CaseState.MEDIATING
    assert case.presiding_mediator.id == world.mediator_b.id
    assert events(db, case, "assign")[0].actor_id == world.director.id


@pytest.mark.parametrize("htmx", [False, True])
def test_assign_ineligible_mediator_is_a_field_error(world, login, client, db, htmx, templates):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    response = client.post(
        f"/cases/{case.number}/assign",
        headers=hx("panel-assign_mediator") if htmx else {},
        data={"assign-mediator": world.mediator2.id, "assign-version": case.version},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "Choose an active mediator of the handling organisation." in html
    assert 'id="assign-mediator-error"' in html
    if htmx:
        assert templates == ["workbench/partials/assign_panel.html"]
    assert fresh(db, case).state == CaseState.DISPATCHED


def test_mediator_may_not_assign(mediating, world, login, client, db):
    login("mediator")
    response = client.post(
        f"/cases/{mediating.number}/assign",
        data={"assign-mediator": world.mediator_b.id, "assign-version": mediating.version},
    )
    assert response.status_code == 403
