"""The recusal panel: a party's request recorded by staff, the committee director's decision."""

import pytest

from domain import recusal
from models import RecusalRequest
from models.enums import RecusalDecision
from models.states import CaseState
from tests.conftest import hx
from tests.factories import assert_done as done
from tests.factories import events, fresh, open_panel, opener_href

PANEL = "recusal"


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


@pytest.fixture
def pending(world, db, mediating):
    """A request by the respondent against the presiding mediator, waiting for a decision."""
    request = recusal.request_recusal(
        mediating,
        mediating.respondents[0],
        world.mediator,
        world.mediator,
        version=None,
        grounds="调解员是申请人的表兄",
    )
    db.session.commit()
    return request


def request_data(case, world, **kw):
    data = {
        "recusal-version": case.version,
        "recusal-party": case.respondents[0].id,
        "recusal-mediator": world.mediator.id,
        "recusal-grounds": "调解员是申请人的表兄",
    }
    data.update(kw)
    return data


def opener(case, key):
    return opener_href(case, PANEL, key)


def assert_done(client, response, case, htmx, message):
    return done(client, response, case, htmx, PANEL, message)


def assert_refused(response, templates, htmx, key):
    """A refused POST: the panel with the form `key` open again, the fragment for htmx, else
    the panel on a page of its own. Returns the HTML."""
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert templates[-1 if htmx else 0] == (
        "workbench/partials/recusal_panel.html" if htmx else "cases/panel.html"
    )
    assert f'id="panel-{PANEL}-{key}" data-panel-open' in html
    return html


def decide_data(case, request, **kw):
    data = {
        "decide-version": case.version,
        "decide-request": request.id,
        "decide-decision": "grant",
        "decide-replacement": "",
        "decide-note": "",
    }
    data.update(kw)
    return data


def test_panel_for_mediator_and_director(world, db, mediating, pending, login, client):
    # The challenged mediator sees the request and why they may record nothing meanwhile.
    login("mediator")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert 'id="panel-recusal"' in html and 'id="panel-recusal-challenged"' in html
    assert "调解员是申请人的表兄" in html  # pending request listed
    assert opener(mediating, "recusal") not in html
    # A co-mediator of the case records a party's request.
    recusal.add_co_mediator(mediating, world.mediator_b, world.director, version=None)
    db.session.commit()
    login("mediator_b")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert opener(mediating, "recusal") in html
    assert "Record a party's request for recusal" in html
    assert "close relative of a party" in html  # the grounds, as help
    html = open_panel(client, mediating, PANEL, "recusal").get_data(as_text=True)
    assert 'name="recusal-grounds"' in html and "Record request" in html
    # The director decides: the mediator is offered no decision, and cannot open one.
    assert opener(mediating, f"decide-{pending.id}") not in html
    html = open_panel(client, mediating, PANEL, f"decide-{pending.id}").get_data(as_text=True)
    assert "Record decision" not in html and f'id="decide-{pending.id}-replacement"' not in html
    login("director")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert opener(mediating, f"decide-{pending.id}") in html
    assert "Record decision" not in html  # folded until opened
    html = open_panel(client, mediating, PANEL, f"decide-{pending.id}").get_data(as_text=True)
    assert "Record decision" in html
    assert f'id="decide-{pending.id}-replacement"' in html


def test_no_panel_for_admin_or_closed_case(world, db, mediating, login, client):
    login("admin")
    assert 'id="panel-recusal"' not in client.get(f"/cases/{mediating.number}").get_data(
        as_text=True
    )
    closed = world.case(CaseState.AGREED)
    db.session.commit()
    login("director")
    assert 'id="panel-recusal"' not in client.get(f"/cases/{closed.number}").get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_mediator_records_a_request(mediating, world, db, login, client, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal",
        headers=hx("panel-recusal") if htmx else {},
        data=request_data(mediating, world),
    )
    assert_done(
        client,
        response,
        mediating,
        htmx,
        "Recusal request recorded. The committee director decides on it.",
    )
    case = fresh(db, mediating)
    (r,) = case.recusals
    assert (r.party_id, r.mediator_id, r.decision) == (
        case.respondents[0].id,
        world.mediator.id,
        RecusalDecision.PENDING,
    )
    (event,) = events(db, case, "request_recusal")
    assert event.actor_id == world.mediator.id and event.public is False


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"recusal-grounds": "  "}, "Give the grounds the party stated."),
        ({"recusal-party": ""}, "Choose a party of this case."),
        ({"recusal-party": "999999"}, "Choose a party of this case."),
        ({"recusal-mediator": "x"}, "Choose a mediator of this case."),
        ({"recusal-version": "x"}, "Not a valid integer value"),
        ({"recusal-version": ""}, "The form is incomplete"),
    ],
)
def test_request_bad_input(mediating, world, db, login, client, templates, htmx, changes, message):
    login("mediator")
    data = request_data(mediating, world, **changes)
    if "recusal-grounds" not in changes:
        data["recusal-grounds"] = "他们是亲戚"
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal",
        headers=hx("panel-recusal") if htmx else {},
        data=data,
    )
    html = assert_refused(response, templates, htmx, "recusal")
    assert message in html
    if "recusal-grounds" not in changes:
        assert "他们是亲戚" in html  # input kept
    assert fresh(db, mediating).recusals == []


def test_mediator_of_another_case_is_not_a_choice(world, db, mediating, login, client):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal",
        data=request_data(mediating, world, **{"recusal-mediator": world.mediator_b.id}),
    )
    assert "Choose a mediator of this case." in response.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_director_grants_with_replacement(mediating, pending, world, db, login, client, htmx):
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal/decide",
        headers=hx("panel-recusal") if htmx else {},
        data=decide_data(mediating, pending, **{"decide-replacement": world.mediator_b.id}),
    )
    assert_done(client, response, mediating, htmx, "Mediator replaced.")
    case = fresh(db, mediating)
    assert case.presiding_mediator.id == world.mediator_b.id
    old = next(m for m in case.mediators if m.user_id == world.mediator.id)
    assert (old.active, old.ended_reason) == (False, "recused")
    r = db.session.get(RecusalRequest, pending.id)
    assert (r.decision, r.replacement_id, r.decided_by_id) == (
        RecusalDecision.GRANTED,
        world.mediator_b.id,
        world.director.id,
    )
    (event,) = events(db, case, "decide_recusal")
    assert event.public is False and event.actor_id == world.director.id
    # The recused mediator no longer sees the case.
    login("mediator")
    assert client.get(f"/cases/{case.number}").status_code == 404
    login("director")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Granted: mediator replaced" in html and "replaced by" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_director_refuses_with_reasons(mediating, pending, world, db, login, client, htmx):
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal/decide",
        headers=hx("panel-recusal") if htmx else {},
        data=decide_data(
            mediating, pending, **{"decide-decision": "refuse", "decide-note": "经核实并无亲属关系"}
        ),
    )
    assert_done(client, response, mediating, htmx, "Recusal request refused.")
    r = db.session.get(RecusalRequest, pending.id)
    db.session.refresh(r)
    assert r.decision == RecusalDecision.REFUSED and r.decision_note == "经核实并无亲属关系"
    assert fresh(db, mediating).presiding_mediator.id == world.mediator.id


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({}, "Choose the mediator who replaces them.", "replacement"),
        (
            {"decide-replacement": "MEDIATOR"},
            "Choose a different mediator from the one recused.",
            "replacement",
        ),
        (
            {"decide-decision": "refuse", "decide-note": " "},
            "Say why the request is refused.",
            "note",
        ),
        ({"decide-decision": ""}, "Choose whether to grant or refuse the request.", "decision"),
        ({"decide-decision": "maybe"}, "Not a valid choice", "decision"),
    ],
)
def test_decide_bad_input(
    mediating, pending, world, db, login, client, templates, htmx, changes, message, field
):
    if changes.get("decide-replacement") == "MEDIATOR":
        changes = {**changes, "decide-replacement": world.mediator.id}
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal/decide",
        headers=hx("panel-recusal") if htmx else {},
        data=decide_data(mediating, pending, **changes),
    )
    html = assert_refused(response, templates, htmx, f"decide-{pending.id}")
    assert message in html
    assert f'id="decide-{pending.id}-{field}-error"' in html  # beside the field
    assert db.session.get(RecusalRequest, pending.id).decision == RecusalDecision.PENDING


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Choose a recusal request of this case."),
        ("abc", "Not a valid integer value"),
        ("999999", "Choose a recusal request of this case."),
        ("OTHER", "Choose a recusal request of this case."),
    ],
)
def test_decide_unknown_request(world, db, mediating, pending, login, client, value, message):
    """A decision for no request of this case: no such form is offered, so the whole page
    comes back with the message at the top and the typed reasons kept."""
    other_request = None
    if value == "OTHER":  # a pending request of another case of the same committee
        other = world.case(CaseState.MEDIATING)
        other_request = recusal.request_recusal(
            other, other.parties[0], world.mediator, world.mediator, version=None, grounds="x"
        )
        db.session.commit()
        value = other_request.id
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal/decide",
        headers=hx("panel-recusal"),
        data=decide_data(
            mediating,
            pending,
            **{"decide-request": value, "decide-decision": "refuse", "decide-note": "不同意"},
        ),
    )
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#main"  # the whole page
    html = response.get_data(as_text=True)
    flashes = html[html.index('id="flashes"') : html.index('id="panel-')]
    assert f'<p class="flash flash-error">{message}' in flashes
    unsaved = html[html.index('id="unsaved"') :]
    assert "不同意" in unsaved[: unsaved.index("</section>")]  # what was typed, kept
    assert events(db, mediating, "decide_recusal") == []
    if other_request is not None:
        assert db.session.get(RecusalRequest, other_request.id).decision == (
            RecusalDecision.PENDING
        )


def test_decide_stale(mediating, pending, world, db, login, client):
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal/decide",
        data=decide_data(
            mediating,
            pending,
            **{
                "decide-version": mediating.version - 1,
                "decide-decision": "refuse",
                "decide-note": "理由",
            },
        ),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this case" in html and "理由" in html
    assert db.session.get(RecusalRequest, pending.id).decision == RecusalDecision.PENDING


# ---- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["recusal", "recusal/decide"])
def test_anonymous_goes_to_login(mediating, client, url):
    response = client.post(f"/workbench/case/{mediating.number}/{url}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["clerk", "leader", "admin"])
def test_other_faces_are_forbidden(mediating, login, client, who):
    login(who)
    for url in ("recusal", "recusal/decide"):
        assert client.post(f"/workbench/case/{mediating.number}/{url}").status_code == 403


def test_mediator_may_not_decide(mediating, pending, world, db, login, client):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/recusal/decide",
        data=decide_data(
            mediating, pending, **{"decide-decision": "refuse", "decide-note": "我不回避"}
        ),
    )
    assert response.status_code == 403
    assert db.session.get(RecusalRequest, pending.id).decision == RecusalDecision.PENDING


def test_out_of_scope_is_404(world, db, login, client):
    far = world.case(CaseState.MEDIATING, village=world.village3)
    db.session.commit()
    for who in ("director", "mediator"):
        login(who)
        for url in ("recusal", "recusal/decide"):
            response = client.post(f"/workbench/case/{far.number}/{url}", data={})
            assert response.status_code == 404, (who, url)
