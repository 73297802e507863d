"""The notice panel (other channels after an ending without agreement) and the archive panel
with its checklist and button; plain and htmx, roles, stale, scope."""

from __future__ import annotations

import pytest

from models import Event
from models.states import CaseState
from tests.conftest import hx
from tests.factories import complete_file, fresh, open_panel


def page(client, case) -> str:
    return client.get(f"/cases/{case.number}").get_data(as_text=True)


@pytest.mark.parametrize("state", [CaseState.FAILED, CaseState.TERMINATED, CaseState.REFUSED])
def test_notice_of_other_channels(world, login, client, db, state):
    case = world.case(state)
    db.session.commit()
    for who in ("mediator", "clerk", "leader"):
        login(who)
        html = page(client, case)
        assert 'id="panel-closing_notice"' in html, who
        assert "arbitration" in html
        assert "administrative body" in html


@pytest.mark.parametrize("state", [CaseState.MEDIATING, CaseState.AGREED])
def test_no_notice_while_open_or_agreed(world, login, client, db, state):
    case = world.case(state)
    db.session.commit()
    login("mediator")
    assert 'id="panel-closing_notice"' not in page(client, case)


def test_archive_checklist_lists_what_is_missing(world, login, client, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    html = page(client, case)
    assert 'id="panel-archive"' in html
    assert "The written agreement is not yet signed by everyone." in html
    assert "A follow-up visit is still to be made." in html


@pytest.mark.parametrize("htmx", [False, True])
def test_archive_refused_lists_the_gaps(world, login, client, db, htmx, templates):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    r = client.post(
        f"/cases/{case.number}/archive",
        data={"archive-version": case.version},
        headers=hx("panel-archive") if htmx else {},
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "The case cannot be archived yet" in html
    if htmx:
        assert templates == ["workbench/partials/archive_panel.html"]
    assert fresh(db, case).state == CaseState.AGREED


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("who", ["mediator", "director"])
def test_archive_a_terminated_case(world, login, client, db, htmx, who):
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator)
    db.session.commit()
    login(who)
    assert f"/cases/{case.number}/panels/archive?open=archive" in page(client, case)
    r = client.post(
        f"/cases/{case.number}/archive",
        data={"archive-version": case.version},
        headers=hx("panel-archive") if htmx else {},
    )
    if htmx:  # the whole current page swapped into <main>, with the message
        assert r.status_code == 200
        assert r.headers["HX-Retarget"] == "#main"
        assert r.headers["HX-Reselect"] == "#main"
        assert r.headers["HX-Reswap"] == "outerHTML show:#panel-archive:top"
        assert "Case archived." in r.get_data(as_text=True)
        assert "Archived on" in r.get_data(as_text=True)
    else:
        assert r.status_code == 303
        assert r.headers["Location"].endswith(f"/cases/{case.number}#panel-archive")
    case = fresh(db, case)
    assert case.state == CaseState.ARCHIVED
    event = db.session.query(Event).filter_by(case_id=case.id, action="archive").one()
    assert event.actor.username == who
    assert event.public is True
    html = page(client, case)
    assert "Archived on" in html
    assert f"/cases/{case.number}/panels/archive?open=archive" not in html  # nothing to open
    opened = open_panel(client, case, "archive", "archive").get_data(as_text=True)
    assert 'id="panel-archive"' in opened
    assert 'name="archive-version"' not in opened
    assert case.file_number and case.file_number in html
    if who == "leader":  # who may not reveal personal details gets the masked copy
        assert "Download the case file, personal details masked (PDF)" in html
    else:
        assert "Download the case file (PDF)" in html


@pytest.mark.parametrize("who", ["clerk", "leader"])
def test_the_desk_and_leaders_do_not_archive_a_committees_case(world, login, client, db, who):
    """The committee keeps the file of a case it handled (PML Art. 27)."""
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator)
    db.session.commit()
    login(who)
    assert f"/cases/{case.number}/panels/archive?open=archive" not in page(client, case)
    r = client.post(f"/cases/{case.number}/archive", data={"archive-version": case.version})
    assert r.status_code == 403
    assert fresh(db, case).state == CaseState.TERMINATED


def test_the_desk_archives_a_case_it_did_not_accept(world, login, client, db):
    case = world.case(CaseState.NOT_ACCEPTED)
    db.session.commit()
    login("clerk")
    assert f"/cases/{case.number}/panels/archive?open=archive" in page(client, case)
    login("leader")
    assert f"/cases/{case.number}/panels/archive?open=archive" not in page(client, case)


def test_archive_stale(world, login, client, db):
    case = world.case(CaseState.TERMINATED)
    db.session.commit()
    login("mediator")
    r = client.post(f"/cases/{case.number}/archive", data={"archive-version": case.version - 1})
    assert r.status_code == 200
    assert "Someone else changed this case" in r.get_data(as_text=True)
    assert fresh(db, case).state == CaseState.TERMINATED


def test_archive_without_version(world, login, client, db):
    case = world.case(CaseState.TERMINATED)
    db.session.commit()
    login("mediator")
    r = client.post(f"/cases/{case.number}/archive", data={})
    assert r.status_code == 200
    assert "The form is incomplete" in r.get_data(as_text=True)


def test_archive_roles(world, login, client, db):
    case = world.case(CaseState.TERMINATED)
    db.session.commit()
    url = f"/cases/{case.number}/archive"
    assert client.post(url).status_code == 302
    login("admin")
    html = page(client, case)  # the checklist, read only
    assert 'id="panel-archive"' in html and "panels/archive?open=archive" not in html
    assert client.post(url, data={"archive-version": case.version}).status_code == 403
    login("mediator2")
    assert client.post(url).status_code == 404
    login("clerk2")  # 松滋市's desk: out of scope
    assert client.post(url).status_code == 404
    assert client.post("/cases/NOPE/archive").status_code == 404


def test_archive_mediating_case_is_refused(world, login, client, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator")
    assert 'id="panel-archive"' not in page(client, case)
    r = client.post(f"/cases/{case.number}/archive", data={"archive-version": case.version})
    assert r.status_code == 200
    assert "not possible in the case" in r.get_data(as_text=True)
    assert fresh(db, case).state == CaseState.MEDIATING
