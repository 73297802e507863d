"""The case-page panel kit (blueprints/panels.py, blueprints/actions.py): one order for every
panel, forms built only when opened, the same answers for htmx and for a plain POST, and a
short page before anything is opened."""

import re

import pytest

from blueprints.panels import ORDER, registered
from models.states import CaseState
from tests.conftest import hx
from tests.factories import fresh, open_panel


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


def test_every_panel_is_in_the_one_order_list(app):
    assert set(registered()) == set(ORDER)
    assert len(ORDER) == len(set(ORDER))


def test_the_page_opens_short_with_no_panel_form(mediating, login, client):
    login("mediator")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert len(re.findall(r"<form\b", html)) <= 8
    assert len(html.encode()) < 25_000
    assert 'name="agreement-terms"' not in html and 'name="session-notes"' not in html
    # …but every action is one link away, with and without JavaScript.
    opener = f'href="/cases/{mediating.number}/panels/outcome?open=agreement"'
    assert opener in html
    assert f'hx-get="/cases/{mediating.number}/panels/outcome?open=agreement"' in html


def test_opening_a_form_htmx_gives_the_panel_alone(mediating, login, client, templates):
    login("mediator")
    response = open_panel(client, mediating, "outcome", "agreement")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert templates == ["workbench/partials/outcome_panel.html"]
    assert html.lstrip().startswith('<section class="panel')
    assert 'name="agreement-terms"' in html and "data-panel-open" in html
    assert f'name="agreement-version" type="hidden" value="{mediating.version}"' in html
    assert "HX-Request" in response.headers.get("Vary", "")


def test_opening_a_form_without_js_gives_the_panel_on_its_own_page(mediating, login, client):
    login("mediator")
    html = open_panel(client, mediating, "outcome", "agreement", htmx=False).get_data(as_text=True)
    assert "<!doctype html>" in html
    assert f'href="/cases/{mediating.number}#panel-outcome"' in html  # back to the case
    assert 'name="agreement-terms"' in html
    assert 'id="panel-session"' not in html  # only this panel


def test_the_case_page_can_open_one_form(mediating, login, client):
    login("mediator")
    html = client.get(f"/cases/{mediating.number}?open=outcome:agreement").get_data(as_text=True)
    assert 'name="agreement-terms"' in html
    assert 'name="session-notes"' not in html


@pytest.mark.parametrize(
    ("name", "key", "status"),
    [
        ("outcome", "nonsense", 200),  # an unknown form: the panel, closed
        ("no-such-panel", "x", 404),
        ("screen", "accept", 404),  # the screening panel is not the mediator's
    ],
)
def test_panels_that_do_not_apply_are_404(mediating, login, client, name, key, status):
    login("mediator")
    response = open_panel(client, mediating, name, key)
    assert response.status_code == status
    if status == 200:
        assert "data-panel-open" not in response.get_data(as_text=True)


def test_refused_plain_post_comes_back_on_the_panel_page_with_the_input(mediating, login, client):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/agreement",
        data={
            "agreement-version": mediating.version,
            "agreement-kind": "written",
            "agreement-facts": "相邻通道纠纷",
            "agreement-agreed_on": "2026-01-01",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Write at least one term of the agreement." in html
    assert 'id="agreement-terms-error"' in html
    assert "相邻通道纠纷" in html
    assert "<!doctype html>" in html and 'id="panel-session"' not in html
    assert fresh(client.application.extensions["sqlalchemy"], mediating).state == (
        CaseState.MEDIATING
    )


def test_refused_htmx_post_gets_the_panel_with_the_form_open(mediating, login, client):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        data={"session-version": mediating.version, "session-notes": "双方各自陈述"},
        headers=hx("panel-session"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="panel')
    assert "data-panel-open" in html and "双方各自陈述" in html


def test_done_htmx_swaps_the_whole_page_at_the_panel(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    response = client.post(
        f"/cases/{case.number}/assign",
        data={"assign-version": case.version, "assign-mediator": world.mediator.id},
        headers=hx("panel-assign_mediator"),
    )
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#main"
    assert response.headers["HX-Reselect"] == "#main"
    assert response.headers["HX-Reswap"].startswith("outerHTML show:")
    html = response.get_data(as_text=True)
    assert "Mediator assigned to case" in html
    assert fresh(db, case).state == CaseState.MEDIATING


def test_done_plain_goes_back_to_the_panel(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    response = client.post(
        f"/cases/{case.number}/assign",
        data={"assign-version": case.version, "assign-mediator": world.mediator.id},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{case.number}#panel-assign_mediator")


def test_a_stale_form_comes_back_open_on_the_current_page(mediating, login, client, db):
    login("mediator")
    stale = mediating.version - 1  # what a second tab opened before the last change holds
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        data={
            "session-version": stale,
            "session-held_at": "2026-01-05T10:00",
            "session-mode": "in_person",
            "session-notes": "第二个标签页写的记录",
            "session-present": [p.id for p in mediating.parties],
        },
        headers=hx("panel-session"),
    )
    html = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#main"
    assert "changed" in html.lower()  # the flash says the case changed meanwhile
    assert "第二个标签页写的记录" in html and "data-panel-open" in html
    assert f'name="session-version" type="hidden" value="{fresh(db, mediating).version}"' in html
