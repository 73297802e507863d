"""Who may use the workbench: login, role and case scope for every route."""

import pytest

from models.states import CaseState

ACTIONS = ["assign", "session", "agreement", "failure"]
# The workbench's own actions, and changing the mediator, which directors share with the desk.
URLS = {a: f"/workbench/case/{{number}}/{a}" for a in ACTIONS} | {
    "assign": "/cases/{number}/assign"
}


@pytest.fixture
def case(world, db):
    c = world.case(CaseState.MEDIATING)
    db.session.commit()
    return c


def urls(case):
    return [URLS[a].format(number=case.number) for a in ACTIONS]


def test_anonymous_is_sent_to_login(case, client):
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    for url in urls(case):
        response = client.post(url)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["clerk", "leader", "admin"])
def test_other_roles_get_403(case, login, client, username):
    login(username)
    assert client.get("/workbench/").status_code == 403
    for url in urls(case):
        assert client.post(url).status_code == 403


@pytest.mark.parametrize("username", ["mediator_b", "mediator2"])
def test_case_outside_scope_is_404(case, login, client, username):
    # mediator_b is in the same committee but not on the case.
    login(username)
    assert client.get(f"/cases/{case.number}").status_code == 404
    for url in urls(case):
        assert client.post(url).status_code == 404
    assert case.number not in client.get("/workbench/").get_data(as_text=True)


def test_unknown_case_is_404(world, login, client):
    login("mediator")
    assert client.post("/workbench/case/NO-SUCH/session").status_code == 404
