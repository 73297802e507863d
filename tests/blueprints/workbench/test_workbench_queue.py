"""The workbench queue ("My cases"): scope, deadline order, highlighting, pagination, query
count, and the director's waiting list with inline assignment."""

import re

import pytest

from models import Case, Event
from models.states import CaseState
from tests.conftest import hx


def row_numbers(html: str) -> list[str]:
    return re.findall(r'<tr id="case-([^"]+)-row"', html)


def test_mediator_sees_own_mediating_cases_by_deadline(world, login, client, db):
    fresh = world.case(CaseState.MEDIATING)
    overdue = world.case(CaseState.MEDIATING, accepted_days_ago=40)
    soon = world.case(CaseState.MEDIATING, accepted_days_ago=27)
    world.case(CaseState.DISPATCHED)  # no mediator yet
    world.case(CaseState.AGREED)  # closed
    other = world.case(CaseState.MEDIATING, village=world.village3)  # mediator2's case
    db.session.commit()

    login("mediator")
    response = client.get("/workbench/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert row_numbers(html) == [overdue.number, soon.number, fresh.number]
    assert other.number not in html
    assert f'<tr id="case-{overdue.number}-row" class="overdue">' in html
    assert f'<tr id="case-{soon.number}-row" class="due_soon">' in html
    assert f'<tr id="case-{fresh.number}-row" class="on_time">' in html
    # Colour is not the only signal.
    assert "Overdue 10 days" in html
    assert "3 days left" in html
    assert "Overdue: 1" in html
    assert "Due within 5 days: 1" in html
    assert "Open: 3" in html
    assert "Waiting for a mediator" not in html  # directors only


def test_deadline_filters(world, login, client, db):
    world.case(CaseState.MEDIATING)
    overdue = world.case(CaseState.MEDIATING, accepted_days_ago=40)
    soon = world.case(CaseState.MEDIATING, accepted_days_ago=27)
    db.session.commit()
    login("mediator")
    assert row_numbers(client.get("/workbench/?due=overdue").get_data(as_text=True)) == [
        overdue.number
    ]
    assert row_numbers(client.get("/workbench/?due=soon").get_data(as_text=True)) == [soon.number]
    # An unknown filter value shows everything rather than failing.
    assert len(row_numbers(client.get("/workbench/?due=bogus").get_data(as_text=True))) == 3


def test_keyset_pagination_plain_and_htmx(world, login, client, db, app, monkeypatch, templates):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    cases = [world.case(CaseState.MEDIATING, accepted_days_ago=d) for d in (1, 5, 3, 9, 7)]
    db.session.commit()
    expected = [c.number for c in sorted(cases, key=lambda c: (c.due_on, c.id))]
    login("mediator")

    seen, url = [], "/workbench/"
    while url:
        html = client.get(url).get_data(as_text=True)
        assert "<html" in html
        seen += row_numbers(html)
        more = re.search(r'id="queue-more">\s*<td[^>]*>\s*<a href="([^"]+)"', html)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert seen == expected

    first = client.get("/workbench/").get_data(as_text=True)
    next_url = re.search(r'hx-get="([^"]+)"', first).group(1).replace("&amp;", "&")
    templates.clear()
    fragment = client.get(next_url, headers=hx("queue-more")).get_data(as_text=True)
    assert "<html" not in fragment
    assert templates[0] == "workbench/partials/queue_rows.html"
    assert row_numbers(fragment) == expected[2:4]
    assert 'id="queue-more"' in fragment


def test_bad_cursor_is_first_page(world, login, client, db):
    world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator")
    response = client.get("/workbench/?cursor=not-a-cursor")
    assert response.status_code == 200
    assert len(row_numbers(response.get_data(as_text=True))) == 1


@pytest.mark.parametrize("username", ["mediator", "director"])
def test_query_count_does_not_grow_with_rows(world, login, client, db, count_queries, username):
    for _ in range(3):
        world.case(CaseState.MEDIATING)
    for _ in range(2):
        world.case(CaseState.DISPATCHED)
    db.session.commit()
    login(username)
    with count_queries() as few:
        assert client.get("/workbench/").status_code == 200
    for i in range(25):
        world.case(CaseState.MEDIATING if i % 2 else CaseState.DISPATCHED)
    db.session.commit()
    with count_queries() as many:
        html = client.get("/workbench/").get_data(as_text=True)
    assert len(row_numbers(html)) == 15
    assert len(many) == len(few), many


def test_summary_is_one_aggregate_over_the_users_scope(world, login, client, db, count_queries):
    world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator")
    with count_queries() as seen:
        client.get("/workbench/")
    counts = [s for s in seen if "count(" in s.lower() and "notification" not in s.lower()]
    assert len(counts) == 1
    assert "case_mediator" in counts[0]  # filtered by the mediator's scope, not the whole table


def test_director_sees_org_cases_and_waiting_list(world, login, client, db):
    mediating = world.case(CaseState.MEDIATING, accepted_days_ago=40)
    waiting = world.case(CaseState.DISPATCHED)
    elsewhere = world.case(CaseState.DISPATCHED, village=world.village3)
    db.session.commit()
    login("director")
    html = client.get("/workbench/").get_data(as_text=True)
    assert row_numbers(html) == [mediating.number]
    assert world.mediator.name in html  # presiding mediator column
    assert "Waiting for a mediator" in html
    assert f'id="case-{waiting.number}-waiting"' in html
    assert elsewhere.number not in html
    assert f'value="{world.mediator_b.id}"' in html  # eligible mediators offered
    assert f'value="{world.mediator2.id}"' not in html  # another committee's mediator
    assert "Waiting for a mediator: 1" in html
    assert "Open: 2" in html


def test_director_assigns_from_the_queue_plain(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    response = client.post(
        f"/cases/{case.number}/assign",
        data={
            "assign-mediator": world.mediator_b.id,
            "assign-version": case.version,
            "from": "queue",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/workbench/")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == CaseState.MEDIATING
    assert case.presiding_mediator.id == world.mediator_b.id
    event = db.session.query(Event).filter_by(case_id=case.id, action="assign").one()
    assert event.actor_id == world.director.id
    assert not event.public
    page = client.get("/workbench/").get_data(as_text=True)
    assert "Mediator assigned to case" in page
    assert row_numbers(page) == [case.number]


def test_director_assigns_from_the_queue_htmx_and_errors(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    # No mediator chosen: back to the queue with the message, nothing changed.
    response = client.post(
        f"/cases/{case.number}/assign",
        headers=hx(),
        data={
            "assign-mediator": "",
            "assign-version": case.version,
            "from": "queue",
        },
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith("/workbench/")
    assert "Choose a mediator." in client.get("/workbench/").get_data(as_text=True)
    assert db.session.get(Case, case.id).state == CaseState.DISPATCHED

    response = client.post(
        f"/cases/{case.number}/assign",
        headers=hx(),
        data={
            "assign-mediator": world.mediator.id,
            "assign-version": case.version,
            "from": "queue",
        },
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].endswith("/workbench/")
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == CaseState.MEDIATING


def test_waiting_list_pages_with_htmx(world, login, client, db, app, monkeypatch, templates):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    first = world.case(CaseState.DISPATCHED, accepted_days_ago=9)
    second = world.case(CaseState.DISPATCHED, accepted_days_ago=2)
    db.session.commit()
    login("director")
    page = client.get("/workbench/").get_data(as_text=True)
    assert f'id="case-{first.number}-waiting"' in page
    assert f'id="case-{second.number}-waiting"' not in page
    more = re.search(r'id="waiting-more">\s*<td[^>]*>\s*<a href="([^"]+)"', page).group(1)
    templates.clear()
    fragment = client.get(more.replace("&amp;", "&"), headers=hx("waiting-more"))
    html = fragment.get_data(as_text=True)
    assert "<html" not in html
    assert templates[0] == "workbench/partials/waiting_rows.html"
    assert f'id="case-{second.number}-waiting"' in html
    assert f'id="case-{first.number}-waiting"' not in html
