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


# ---- documents: refused, masked or in full -----------------------------------------------------
# Every GET route about one case other than the case page and its panels hands out a document
# (a print view, a stored version, a transfer note); each is checked below for every role.
CASE_PAGES = {"cases.detail", "cases.panel"}
DOCUMENT_ENDPOINTS = {"cases.document_html", "cases.document_pdf", "cases.transfer_note"}
# What a respondent sent online and the invitation letter (its code shown once): for those who
# record the parties' consent, checked in test_party_answers_are_for_those_who_record_consent.
PARTY_ENDPOINTS = {"cases.party_material", "cases.invitation_letter"}


def test_every_document_route_is_in_the_document_matrix():
    """A new GET route about a case is a new way out for its personal data: add it to
    DOCUMENT_ENDPOINTS and to the URLs of test_documents_come_masked_exactly_when_..."""
    case_gets = {r[0] for r in staff_rules() if "number" in r[3] and "GET" in r[2]}
    assert case_gets - CASE_PAGES == DOCUMENT_ENDPOINTS | PARTY_ENDPOINTS


@pytest.fixture
def document_world(world, db):
    """A case in mediation in 公安县 with a party of every kind, its application generated,
    an uploaded ID scan and a transfer to the township centre waiting (whose director sees
    the case only for that); an archived case with its whole file; the users of every role."""
    from domain import documents
    from domain.transfers import send_transfer
    from models.enums import DocumentKind
    from tests.factories import PNG, pii_parties, user

    case = world.case(CaseState.MEDIATING, parties=pii_parties())
    application = documents.generate(case, DocumentKind.APPLICATION, world.mediator)
    scan = documents.upload(case, DocumentKind.ID_PROOF, PNG, world.mediator)
    user("tdir", Role.DIRECTOR, world.township_centre)
    user("cityleader", Role.LEADER, world.city_centre)
    transfer = send_transfer(
        case, world.mediator, version=None, to_org=world.township_centre, reason="涉及两个村"
    )
    archived = world.case(CaseState.ARCHIVED, parties=pii_parties())
    db.session.commit()
    bundle = next(d for d in archived.documents if d.subject_id == -1)
    n, a = case.number, archived.number
    urls = [
        # (case, url, holds personal details in full, an upload that cannot be masked)
        (case, f"/cases/{n}/documents/application/0/print", True, False),
        (case, f"/cases/{n}/documents/notice/0/print", False, False),
        (case, f"/cases/{n}/documents/{application.id}/file", True, False),
        (case, f"/cases/{n}/documents/{scan.id}/file", True, True),
        (case, f"/cases/{n}/transfers/{transfer.id}/note", True, False),
        (case, f"/cases/{n}/transfers/{transfer.id}/note?html=1", True, False),
        (archived, f"/cases/{a}/documents/{bundle.id}/file", True, False),
        (archived, f"/cases/{a}/documents/register/0/print", False, False),
    ]
    return urls


def shown_text(response) -> str:
    """The text a reader gets: a PDF's extracted text, or the page itself."""
    import io

    from pypdf import PdfReader

    if response.headers["Content-Type"] == "application/pdf":
        pages = PdfReader(io.BytesIO(response.data)).pages
        return "\n".join(page.extract_text() for page in pages)
    return response.get_data(as_text=True)


MATRIX_USERS = (
    "clerk",
    "clerk2",
    "mediator",
    "mediator_b",
    "mediator2",
    "director",
    "tdir",
    "leader",
    "leader2",
    "cityleader",
    "admin",
)


def test_documents_come_masked_exactly_when_details_may_not_be_revealed(
    document_world, as_user, client, db
):
    """For every role and document: 404 outside the user's scope, 403 without access to the
    file; otherwise masked exactly when can_reveal_pii is False — no full ID number, phone
    or address of the fixture in the bytes — and in full otherwise, each full view of a
    document holding personal details one timeline event. An upload, which cannot be
    masked, is refused to those who would get it masked."""
    from domain.document_access import can_open_documents
    from domain.permissions import can_reveal_pii, get_case_for
    from models import User
    from tests.factories import events_of, pii_found

    seen = {}
    for username in MATRIX_USERS:
        as_user(username)
        for case, url, holds_pii, upload in document_world:
            viewer = db.session.query(User).filter_by(username=username).one()
            before = len(events_of(case, "view_document"))
            response = client.get(url)
            where = (username, url)
            if get_case_for(viewer, case.number) is None:
                assert response.status_code == 404, where
                seen[where] = 404
                continue
            masked = not can_reveal_pii(viewer, case)
            if not can_open_documents(viewer, case) or (upload and masked):
                assert response.status_code == 403, where
                seen[where] = 403
                continue
            assert response.status_code == 200, where
            assert response.headers["Cache-Control"] == "private, no-store", where
            text = shown_text(response) if not upload else ""
            if masked:
                assert pii_found(text) == [], (where, pii_found(text))
                assert "-masked" in response.headers.get("Content-Disposition", "-masked"), where
            elif holds_pii and not upload:
                assert pii_found(text), where
            recorded = len(events_of(case, "view_document")) - before
            assert recorded == (1 if holds_pii and not masked else 0), where
            seen[where] = "masked" if masked else "full"
            db.session.expire_all()
        # No link the server would refuse: the transfer note and the archived file are linked
        # straight from the case page, for exactly those who may open them.
        for case, url, *_ in document_world:
            linked = url.endswith("/note") or (case.state == CaseState.ARCHIVED and "/file" in url)
            if linked and seen[(username, url)] != 404:
                page = client.get(f"/cases/{case.number}").get_data(as_text=True)
                assert (f'href="{url}"' in page) == (seen[(username, url)] != 403), (username, url)
    # The defect this keeps fixed: the area's leaders get the application masked, the
    # case's own staff in full; the director of a committee with only a transfer waiting and
    # the administrator get no document.
    application = next(url for _c, url, *_ in document_world if "application" in url)
    assert {u: seen[(u, application)] for u in MATRIX_USERS} == {
        "clerk": "full",
        "clerk2": 404,
        "mediator": "full",
        "mediator_b": 404,
        "mediator2": 404,
        "director": "full",
        "tdir": 403,
        "leader": "masked",
        "leader2": 404,
        "cityleader": "masked",
        "admin": 403,
    }


def test_party_answers_are_for_those_who_record_consent(document_world, as_user, client, db):
    """A respondent's uploaded file (which cannot be masked) and the invitation letter: 404
    outside the user's scope, 403 without the right to record the parties' consent; whoever
    has that right may see the parties' details in full, so nothing goes out unmasked to
    someone who would get it masked."""
    from domain.consent import can_record_consent
    from domain.permissions import can_reveal_pii, get_case_for
    from models import User

    case = document_world[0][0]
    allowed = 0
    for username in MATRIX_USERS:
        as_user(username)
        viewer = db.session.query(User).filter_by(username=username).one()
        for url in (
            f"/cases/{case.number}/party-material/999999",
            f"/cases/{case.number}/invitation-letter",
        ):
            status = client.get(url).status_code
            if get_case_for(viewer, case.number) is None:
                assert status == 404, (username, url)
            elif not can_record_consent(viewer, case):
                assert status == 403, (username, url)
            else:
                # No such file; no letter issued in this session.
                assert status in (404, 410), (username, url, status)
                assert can_reveal_pii(viewer, case), username
                allowed += 1
    assert allowed, "nobody in the matrix records consent on the case"
