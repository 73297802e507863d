"""The "Notice of termination served" panel of the case page: beside the notice, which party
was served, how, when and by whom; the form that records it (plain and htmx), refused input
beside its field with the input kept; read-only for leaders; the archive panel lists the
parties still to be served."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import documents
from domain.calendar import local_today
from domain.states import Action
from models import ServiceMethod
from models.enums import DocumentKind
from models.states import CaseState
from tests.conftest import hx
from tests.factories import assert_done, events, fresh, open_panel, opener_href

PANEL = "service"


def page(client, case) -> str:
    return client.get(f"/cases/{case.number}").get_data(as_text=True)


def section(html: str, name: str) -> str:
    return html.split(f'id="panel-{name}"')[1].split("</section>")[0]


def post_data(case, party, doc, **kw) -> dict:
    data = {
        "serve-version": case.version,
        "serve-party": party.id,
        "serve-document": doc.id,
        "serve-method": ServiceMethod.POST.value,
        "serve-served_on": local_today().isoformat(),
        "serve-served_by": "王建国",
        "serve-recipient": "",
        "serve-note": "EMS 1234567890",
    }
    data.update({f"serve-{k}": v for k, v in kw.items()})
    return data


@pytest.fixture
def ended(world, db):
    case = world.case(CaseState.TERMINATED)
    db.session.commit()
    return case


def test_the_panel_asks_for_the_notice_first(world, login, client, db, ended):
    login("mediator")
    html = section(page(client, ended), PANEL)
    assert "The notice of termination has not been generated yet." in html
    assert f"/cases/{ended.number}/panels/documents?open=termination-0" in html
    assert "Served on 0 of 2 parties." in html
    assert "Not served yet" in html
    assert "Record the service on" not in html  # nothing to serve yet


@pytest.mark.parametrize("htmx", [False, True])
def test_record_the_service_on_a_party(world, login, client, db, ended, htmx):
    doc = documents.generate(ended, DocumentKind.TERMINATION, world.mediator)
    db.session.commit()
    party = ended.respondents[0]
    login("mediator")
    html = page(client, ended)
    assert opener_href(ended, PANEL, f"serve-{party.id}") in html
    form = open_panel(client, ended, PANEL, f"serve-{party.id}").get_data(as_text=True)
    assert 'name="serve-served_by"' in form and 'value="张调解"' in form  # who is recording
    assert f'value="{doc.id}" selected' in form or f'selected value="{doc.id}"' in form
    r = client.post(
        f"/cases/{ended.number}/service",
        data=post_data(ended, party, doc, recipient="其妻"),
        headers=hx("panel-service") if htmx else {},
    )
    html = assert_done(client, r, ended, htmx, PANEL, "Service recorded.")
    panel = section(html, PANEL)
    assert "Served on 1 of 2 parties." in panel
    assert "By post" in panel and "by 王建国" in panel and "Received by 其妻" in panel
    assert f"Correct the service on {party.name}" in panel
    (event,) = events(db, ended, Action.SERVE_DOCUMENT)
    assert event.data["party"] == party.name
    timeline = html.split('id="case-timeline"')[1]
    assert "Notice served on a party" in timeline
    assert "Version 1 · By post ·" in timeline and "served by 王建国. Received by 其妻." in timeline
    assert fresh(db, ended).services[0].note == "EMS 1234567890"


@pytest.mark.parametrize("htmx", [False, True])
def test_refused_input_comes_back_beside_its_field(world, login, client, db, ended, htmx):
    doc = documents.generate(ended, DocumentKind.TERMINATION, world.mediator)
    db.session.commit()
    party = ended.applicants[0]
    login("mediator")
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    cases = [
        ({"served_on": tomorrow}, "served_on", "between the day this version was made and today"),
        ({"refused_to_sign": "y"}, "refused_to_sign", "handed over in person"),
        ({"document": 2**63}, "document", "Not a valid choice"),
        ({"method": "pigeon"}, "method", "Not a valid choice"),
        ({"served_by": "  "}, "served_by", "Enter who served it."),
        ({"served_on": "9999-12-31"}, "served_on", "Enter a date between"),
    ]
    for values, field, message in cases:
        r = client.post(
            f"/cases/{ended.number}/service",
            data=post_data(ended, party, doc, **values),
            headers=hx("panel-service") if htmx else {},
        )
        assert r.status_code == 200, values
        html = r.get_data(as_text=True)
        assert f'id="serve-{party.id}-{field}-error"' in html, (values, html[-3000:])
        assert message in html, values
        assert "EMS 1234567890" in html  # what was typed stays
    assert fresh(db, ended).services == []
    # A forged party of another case: refused, nothing recorded.
    other = world.case(CaseState.TERMINATED)
    db.session.commit()
    r = client.post(
        f"/cases/{ended.number}/service", data=post_data(ended, other.applicants[0], doc)
    )
    assert r.status_code == 200 and "Choose the party who was served." in r.get_data(as_text=True)
    assert fresh(db, ended).services == []


def test_leaders_read_the_panel_and_cannot_post(world, login, client, db, ended):
    doc = documents.generate(ended, DocumentKind.TERMINATION, world.mediator)
    db.session.commit()
    login("leader")
    html = section(page(client, ended), PANEL)
    assert "Served on 0 of 2 parties." in html
    assert "Record the service on" not in html
    r = client.post(
        f"/cases/{ended.number}/service", data=post_data(ended, ended.applicants[0], doc)
    )
    assert r.status_code == 403
    login("mediator2")  # another committee's mediator: the case is outside their scope
    r = client.post(
        f"/cases/{ended.number}/service", data=post_data(ended, ended.applicants[0], doc)
    )
    assert r.status_code == 404


def test_no_panel_while_mediating_or_after_an_agreement(world, login, client, db):
    mediating = world.case(CaseState.MEDIATING)
    agreed = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    for case in (mediating, agreed):
        assert f'id="panel-{PANEL}"' not in page(client, case)


def test_the_archive_form_lists_the_parties_not_served(world, login, client, db, ended):
    documents.generate(ended, DocumentKind.TERMINATION, world.mediator)
    db.session.commit()
    login("mediator")
    gaps = page(client, ended).split('id="panel-archive-gaps"')[1].split("</ul>")[0]
    names = f"{ended.applicants[0].name}、{ended.respondents[0].name}"
    assert f"The notice of termination is not recorded as served on: {names}." in gaps
    r = client.post(f"/cases/{ended.number}/archive", data={"archive-version": ended.version})
    assert "not recorded as served on" in r.get_data(as_text=True)
    assert fresh(db, ended).state == CaseState.TERMINATED
