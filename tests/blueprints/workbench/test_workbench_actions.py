"""Workbench panels on the case page and their actions: assignment by the director, plain and
htmx, with bad input. The agreement's tests are in test_outcomes_*.py; failure and termination
in the closing tests; session and investigation records in test_records_*.py."""

import pytest

from models.states import CaseState
from tests.conftest import hx
from tests.factories import events, fresh, open_panel


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
    assert f'href="/cases/{mediating.number}/panels/session?open=session"' in html
    assert f'href="/cases/{mediating.number}/panels/outcome?open=agreement"' in html
    fragment = open_panel(client, mediating, "session", "session").get_data(as_text=True)
    assert 'id="panel-session-session" data-panel-open' in fragment
    assert f'name="session-version" type="hidden" value="{mediating.version}"' in fragment


def test_director_sees_assign_panel_clerk_only_before_mediation(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    mediating = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("director")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-assign_mediator"' in html
    assert f'href="/cases/{case.number}/panels/assign_mediator?open=assign"' in html
    assert 'id="panel-session"' not in html  # not mediating yet
    fragment = open_panel(client, case, "assign_mediator", "assign").get_data(as_text=True)
    assert f'name="assign-version" type="hidden" value="{case.version}"' in fragment
    assert world.mediator_b.name in fragment  # an eligible mediator of the committee
    # The director also changes the mediator while mediation goes on.
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert f'href="/cases/{mediating.number}/panels/assign_mediator?open=assign"' in html
    client.post("/auth/logout")
    login("clerk")
    # The desk names the mediator of a dispatched case (the one assignment panel)...
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert f'href="/cases/{case.number}/panels/assign_mediator?open=assign"' in html
    # ...but does not change the mediator once mediation goes on.
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert 'id="panel-assign_mediator"' not in html
    assert open_panel(client, mediating, "assign_mediator", "assign").status_code == 404


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
    if htmx:  # the whole current page swapped into <main>, with the message
        assert response.status_code == 200
        assert response.headers["HX-Retarget"] == "#main"
        assert response.headers["HX-Reselect"] == "#main"
        assert response.headers["HX-Reswap"] == "outerHTML show:#panel-assign_mediator:top"
        html = response.get_data(as_text=True)
        assert f"Mediator assigned to case {case.number}." in html
        assert f"Presiding now: {world.mediator_b.name}" in html
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/cases/{case.number}#panel-assign_mediator")
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
        assert templates == ["cases/partials/assign_panel.html"]
    else:  # the panel on a page of its own
        assert templates[0] == "cases/panel.html"
    assert 'id="panel-assign_mediator-assign" data-panel-open' in html
    assert fresh(db, case).state == CaseState.DISPATCHED


def test_mediator_may_not_assign(mediating, world, login, client, db):
    login("mediator")
    response = client.post(
        f"/cases/{mediating.number}/assign",
        data={"assign-mediator": world.mediator_b.id, "assign-version": mediating.version},
    )
    assert response.status_code == 403
