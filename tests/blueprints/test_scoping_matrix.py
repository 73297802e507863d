"""The access matrix of every staff route, discovered from the URL map so that routes added
later are covered without touching this file:

- anonymous -> 302 to the login page (every method of the route);
- a role that may not use the route's face (FACE_ROLES) -> 403;
- a route about one case (<number>): a user of an allowed role whose scope excludes the case
  -> 404, answered before any form validation.

Only these three rules are asserted; what a route does for an allowed user is its own tests'
business.
"""

from __future__ import annotations

from functools import cache

import pytest
from flask import url_for
from werkzeug.routing.converters import NumberConverter

from domain.permissions import FACE_ROLES
from models.enums import Role
from models.states import CaseState

STAFF_FACES = ("desk", "workbench", "oversight", "admin", "cases")
IGNORED_METHODS = {"HEAD", "OPTIONS"}

# Users of the test world whose scope excludes a case in 松滋市 (village3); admin_gongan (an
# administrator of 公安县) is created by the test, since the world's admin sees the whole city.
OUT_OF_SCOPE_USER = {
    Role.CLERK: "clerk",
    Role.MEDIATOR: "mediator",
    Role.DIRECTOR: "director",
    Role.LEADER: "leader",
    Role.ADMIN: "admin_gongan",
}
WRONG_ROLE_USER = {
    Role.CLERK: "clerk",
    Role.MEDIATOR: "mediator",
    Role.DIRECTOR: "director",
    Role.LEADER: "leader",
    Role.ADMIN: "admin",
}


@cache
def staff_rules() -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(endpoint, face, methods, arguments) of every staff route, read from a throwaway app
    built with the test configuration (collection happens before fixtures exist)."""
    from app import create_app
    from config import TestingConfig

    found = []
    for rule in create_app(TestingConfig).url_map.iter_rules():
        face = rule.endpoint.split(".", 1)[0]
        if face not in STAFF_FACES or rule.endpoint.endswith(".static"):
            continue
        methods = tuple(sorted(set(rule.methods or ()) - IGNORED_METHODS))
        found.append((rule.endpoint, face, methods, tuple(sorted(rule.arguments))))
    return sorted(found)


def _params(only=lambda rule: True):
    return [pytest.param(r, id=r[0]) for r in staff_rules() if only(r)]


@pytest.fixture
def as_user(client, login):
    def do(username: str):
        client.post("/auth/logout")
        return login(username)

    return do


@pytest.fixture
def far_case(world, db):
    """A case in 松滋市, handled by 长江社区's committee with mediator2 presiding."""
    case = world.case(CaseState.MEDIATING, village=world.village3)
    db.session.commit()
    return case


def build_url(app, rule, case, world) -> str:
    endpoint, _face, _methods, arguments = rule
    converters = {r.endpoint: r._converters for r in app.url_map.iter_rules()}[endpoint]
    values = {}
    for name in arguments:
        if name == "number":
            values[name] = case.number
        elif name == "user_id":
            values[name] = world.clerk.id
        elif name == "party_id":
            values[name] = case.parties[0].id
        elif isinstance(converters[name], NumberConverter):
            values[name] = 1
        else:
            values[name] = "x"
    with app.test_request_context():
        return url_for(endpoint, **values)


def test_discovery_finds_the_staff_routes():
    endpoints = {r[0] for r in staff_rules()}
    assert {"oversight.cases", "admin.users", "cases.detail", "desk.queue"} <= endpoints


@pytest.mark.parametrize("rule", _params())
def test_anonymous_is_sent_to_login(rule, app, client, far_case, world):
    url = build_url(app, rule, far_case, world)
    for method in rule[2]:
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/login"), (method, url)


@pytest.mark.parametrize("rule", _params(lambda r: set(Role) - FACE_ROLES[r[1]]))
def test_wrong_role_is_forbidden(rule, app, client, as_user, far_case, world):
    url = build_url(app, rule, far_case, world)
    for role in sorted(set(Role) - FACE_ROLES[rule[1]], key=lambda r: r.value):
        as_user(WRONG_ROLE_USER[role])
        for method in rule[2]:
            response = client.open(url, method=method)
            assert response.status_code == 403, (role.value, method, url)


@pytest.mark.parametrize("rule", _params(lambda r: "number" in r[3]))
def test_case_outside_scope_is_404(rule, app, client, as_user, far_case, world, db):
    from tests.factories import user

    user("admin_gongan", Role.ADMIN, world.county_centre)
    db.session.commit()
    url = build_url(app, rule, far_case, world)
    method = "GET" if "GET" in rule[2] else "POST"
    for role in sorted(FACE_ROLES[rule[1]], key=lambda r: r.value):
        as_user(OUT_OF_SCOPE_USER[role])
        response = client.open(url, method=method)
        assert response.status_code == 404, (role.value, method, url)
