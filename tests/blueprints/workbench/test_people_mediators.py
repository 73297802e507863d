"""The mediators panel: the director adds co-mediators (designated or chosen by the parties);
each mediator declares no conflict of interest."""

import pytest

from models import Case, CaseMediator
from models.states import CaseState
from tests.conftest import hx
from tests.factories import assert_done as done
from tests.factories import events, fresh, open_panel, opener_href

PANEL = "mediators"


def section(html: str, dom_id: str) -> str:
    start = html.index(f'id="{dom_id}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def mediating(world, db):
    """In mediation; nobody has declared yet (whatever the factory does by default)."""
    case = world.case(CaseState.MEDIATING)
    for link in case.mediators:
        link.declared_no_conflict_at = None
    db.session.commit()
    return case


def opener(case, key):
    return opener_href(case, PANEL, key)


def assert_done(client, response, case, htmx, message):
    return done(client, response, case, htmx, PANEL, message)


def add_data(case, mediator_id, **kw):
    data = {"comediator-version": case.version, "comediator-mediator": mediator_id}
    data.update(kw)
    return data


def test_mediator_sees_list_and_declare_button(mediating, login, client):
    login("mediator")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert 'id="panel-mediators"' in html
    assert "Not yet declared" in html
    assert opener(mediating, "declare") in html
    assert "Add a co-mediator" not in html  # the director's
    html = open_panel(client, mediating, PANEL, "declare").get_data(as_text=True)
    assert "I declare no conflict of interest with the parties" in html
    html = open_panel(client, mediating, PANEL, "comediator").get_data(as_text=True)
    assert 'name="comediator-mediator"' not in html  # cannot be opened either


def test_director_sees_add_form_without_those_on_the_case(mediating, world, login, client):
    login("director")
    html = section(
        client.get(f"/cases/{mediating.number}").get_data(as_text=True), "panel-mediators"
    )
    assert opener(mediating, "comediator") in html
    assert opener(mediating, "declare") not in html  # not a mediator of this case
    html = section(
        open_panel(client, mediating, PANEL, "comediator").get_data(as_text=True),
        "panel-mediators",
    )
    assert "Add a co-mediator" in html and 'name="comediator-mediator"' in html
    assert f'<option value="{world.mediator_b.id}">' in html
    assert f'<option value="{world.mediator.id}">' not in html  # already presiding
    html = open_panel(client, mediating, PANEL, "declare").get_data(as_text=True)
    assert "I declare no conflict" not in html  # cannot be opened either


@pytest.mark.parametrize("state", [CaseState.DISPATCHED, CaseState.SUSPENDED, CaseState.AGREED])
def test_no_panel_outside_mediation(world, db, login, client, state):
    case = world.case(state)
    db.session.commit()
    login("director")
    assert 'id="panel-mediators"' not in client.get(f"/cases/{case.number}").get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_declare(mediating, world, db, login, client, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/declare",
        headers=hx("panel-mediators") if htmx else {},
        data={"declare-version": mediating.version},
    )
    html = assert_done(client, response, mediating, htmx, "Declaration recorded.")
    assert "Declared " in html and opener(mediating, "declare") not in html
    case = fresh(db, mediating)
    link = next(m for m in case.mediators if m.user_id == world.mediator.id)
    assert link.declared_no_conflict_at is not None
    # The factory's case was declared once when built; this is the new declaration.
    event = events(db, case, "declare_no_conflict")[-1]
    assert event.actor_id == world.mediator.id and event.public is False
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Declared " in html and opener(case, "declare") not in html
    html = open_panel(client, case, PANEL, "declare").get_data(as_text=True)
    assert "I declare no conflict" not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_declare_stale(mediating, db, login, client, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/declare",
        headers=hx("panel-mediators") if htmx else {},
        data={"declare-version": mediating.version - 1},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this case" in html and "<html" in html
    assert len(events(db, mediating, "declare_no_conflict")) == 1  # the factory's only


def test_declare_without_version(mediating, db, login, client):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/declare", headers=hx("panel-mediators"), data={}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "The form is incomplete" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_director_adds_co_mediator_chosen_by_parties(mediating, world, db, login, client, htmx):
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/co-mediator",
        headers=hx("panel-mediators") if htmx else {},
        data=add_data(mediating, world.mediator_b.id, **{"comediator-chosen_by_parties": "y"}),
    )
    assert_done(client, response, mediating, htmx, "Co-mediator added.")
    case = fresh(db, mediating)
    link = (
        db.session.query(CaseMediator).filter_by(case_id=case.id, user_id=world.mediator_b.id).one()
    )
    assert (link.presiding, link.active, link.chosen_by_parties) == (False, True, True)
    assert case.presiding_mediator.id == world.mediator.id
    (event,) = events(db, case, "add_co_mediator")
    assert event.actor_id == world.director.id and event.public is False
    # The co-mediator now sees the case and is asked to declare.
    login("mediator_b")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Chosen by the parties" in html and opener(case, "declare") in html
    html = open_panel(client, case, PANEL, "declare").get_data(as_text=True)
    assert "I declare no conflict" in html


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Choose a mediator."),
        ("abc", "Choose an active mediator of the handling organisation."),
        ("mediator2", "Choose an active mediator of the handling organisation."),
        ("mediator", "This mediator is already on the case."),
    ],
)
def test_add_bad_input(mediating, world, db, login, client, templates, htmx, value, message):
    login("director")
    mediator_id = getattr(world, value).id if value in ("mediator2", "mediator") else value
    response = client.post(
        f"/workbench/case/{mediating.number}/co-mediator",
        headers=hx("panel-mediators") if htmx else {},
        data=add_data(mediating, mediator_id, **{"comediator-chosen_by_parties": "y"}),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert message in html
    assert 'checked id="comediator-chosen_by_parties"' in html  # input kept
    assert 'id="panel-mediators-comediator" data-panel-open' in html
    assert templates[-1 if htmx else 0] == (
        "workbench/partials/mediators_panel.html" if htmx else "cases/panel.html"
    )
    assert events(db, mediating, "add_co_mediator") == []


def test_add_stale(mediating, world, db, login, client):
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/co-mediator",
        data=add_data(
            mediating, world.mediator_b.id, **{"comediator-version": mediating.version - 1}
        ),
    )
    assert response.status_code == 200
    assert "Someone else changed this case" in response.get_data(as_text=True)
    assert events(db, mediating, "add_co_mediator") == []


# ---- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["co-mediator", "declare"])
def test_anonymous_goes_to_login(mediating, client, url):
    response = client.post(f"/workbench/case/{mediating.number}/{url}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["clerk", "leader", "admin"])
def test_other_faces_are_forbidden(mediating, login, client, who):
    login(who)
    for url in ("co-mediator", "declare"):
        assert client.post(f"/workbench/case/{mediating.number}/{url}").status_code == 403


def test_mediator_may_not_add_and_director_may_not_declare_for_others(
    mediating, world, db, login, client
):
    login("mediator")
    assert (
        client.post(
            f"/workbench/case/{mediating.number}/co-mediator",
            data=add_data(mediating, world.mediator_b.id),
        ).status_code
        == 403
    )
    login("director")
    assert (
        client.post(
            f"/workbench/case/{mediating.number}/declare",
            data={"declare-version": mediating.version},
        ).status_code
        == 403
    )
    assert events(db, mediating, "add_co_mediator") == []


def test_out_of_scope_is_404(world, db, login, client):
    far = world.case(CaseState.MEDIATING, village=world.village3)
    db.session.commit()
    for who in ("director", "mediator", "mediator_b"):
        login(who)
        for url in ("co-mediator", "declare"):
            response = client.post(
                f"/workbench/case/{far.number}/{url}", data=add_data(far, world.mediator2.id)
            )
            assert response.status_code == 404, (who, url)


def test_presiding_mediator_chosen_by_the_parties(world, db, login, client):

    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    response = client.post(
        f"/cases/{case.number}/assign",
        data={
            "assign-version": case.version,
            "assign-mediator": world.mediator.id,
            "assign-chosen_by_parties": "y",
        },
    )
    assert response.status_code == 303
    fresh_case = db.session.get(Case, case.id)
    db.session.refresh(fresh_case)
    link = next(m for m in fresh_case.mediators if m.active)
    assert link.chosen_by_parties and link.presiding
