import pytest

from models.states import CaseState

ACTIONS = ["accept", "not-accept", "dispatch", "assign"]
# The desk's own actions, and naming the mediator, which the desk shares with directors.
URLS = {a: f"/desk/case/{{number}}/{a}" for a in ACTIONS} | {"assign": "/cases/{number}/assign"}


@pytest.mark.parametrize("url", ["/desk/", "/desk/register", "/desk/registered"])
def test_anonymous_is_sent_to_login(world, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_post_is_sent_to_login(world, client, db, action):
    case = world.case()
    db.session.commit()
    response = client.post(URLS[action].format(number=case.number))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["mediator", "director", "admin"])
@pytest.mark.parametrize("url", ["/desk/", "/desk/register"])
def test_other_roles_are_forbidden(world, login, username, url):
    assert login(username).get(url).status_code == 403


@pytest.mark.parametrize("action", ACTIONS)
def test_mediator_cannot_post_desk_actions(world, login, db, action):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    client = login("mediator")
    # The desk's own routes are closed to the workbench's roles (403); naming the mediator is
    # shared with directors, and a mediator outside the handling committee does not see the case.
    expected = 404 if action == "assign" else 403
    assert client.post(URLS[action].format(number=case.number)).status_code == expected


@pytest.mark.parametrize("action", ACTIONS)
def test_case_outside_scope_is_404(world, login, db, action):
    case = world.case()
    db.session.commit()
    client = login("clerk2")  # 松滋市: 公安县 cases are not theirs
    assert client.post(URLS[action].format(number=case.number)).status_code == 404
    assert client.post(f"/desk/case/2099-000000-000001/{action}").status_code == 404


def test_leader_reads_the_desk_but_does_not_register(world, login, db):
    """Leaders oversee: they read the desk's queues; registering is the desk's (clerks)."""
    client = login("leader")
    for url in ("/desk/", "/desk/overview"):
        page = client.get(url).get_data(as_text=True)
        assert "/desk/register" not in page, url  # no link to a form they may not use
    for url in ("/desk/register", "/desk/register/court"):
        assert client.get(url).status_code == 403
        assert client.post(url, data={"applicants-0-name": "王五"}).status_code == 403


@pytest.mark.parametrize("action", ["accept", "not-accept", "dispatch", "assign"])
def test_leader_cannot_post_desk_actions(world, login, db, action):
    case = world.case(CaseState.ACCEPTED if action == "dispatch" else CaseState.REGISTERED)
    if action == "assign":
        case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    client = login("leader")
    assert client.post(URLS[action].format(number=case.number)).status_code == 403
