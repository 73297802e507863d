"""The oversight case list: scope per role, filters, overdue, keyset pagination, htmx."""

import base64
import json
import re

import pytest

from models.enums import DisputeType, Source
from models.states import CaseState
from tests.conftest import hx

URL = "/oversight/"


def numbers(html: str) -> list[str]:
    """Case numbers of the listed rows, in order."""
    return re.findall(r'id="case-([0-9-]+)-row"', html)


@pytest.fixture
def as_user(client, login):
    """Log the client in as `username`, logging out whoever was logged in."""

    def do(username: str):
        client.post("/auth/logout")
        return login(username)

    return do


@pytest.fixture
def small_pages(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)


def test_leader_sees_their_county_only(world, as_user, client, db):
    mine = world.case(CaseState.MEDIATING)
    other = world.case(CaseState.MEDIATING, village=world.village3)
    db.session.commit()
    as_user("leader")
    page = client.get(URL).get_data(as_text=True)
    assert numbers(page) == [mine.number]
    as_user("leader2")
    assert numbers(client.get(URL).get_data(as_text=True)) == [other.number]


def test_admin_sees_the_city_and_director_their_committee(world, as_user, client, db):
    handled = world.case(CaseState.MEDIATING)  # dispatched to 新民村 committee
    waiting = world.case(CaseState.ACCEPTED)  # not dispatched yet
    elsewhere = world.case(CaseState.MEDIATING, village=world.village3)
    db.session.commit()
    as_user("admin")
    assert set(numbers(client.get(URL).get_data(as_text=True))) == {
        handled.number,
        waiting.number,
        elsewhere.number,
    }
    as_user("director")
    assert numbers(client.get(URL).get_data(as_text=True)) == [handled.number]


def test_columns_link_to_case_and_show_no_pii(world, login, client, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("leader")
    page = client.get(URL).get_data(as_text=True)
    assert f'href="/cases/{case.number}"' in page
    assert "In mediation" in page or str(CaseState.MEDIATING.label) in page
    assert world.village_committee.name in page
    assert "公安县埠河镇新民村" in page and "荆州市公安县" not in page  # place, from the county
    for party in case.parties:
        assert party.name not in page
        if party.phone:
            assert party.phone not in page
        if party.id_number:
            assert party.id_number not in page


def test_newest_first(world, login, client, db):
    old = world.case(CaseState.ACCEPTED, accepted_days_ago=10)
    new = world.case(CaseState.ACCEPTED, accepted_days_ago=1)
    mid = world.case(CaseState.ACCEPTED, accepted_days_ago=5)
    db.session.commit()
    login("leader")
    assert numbers(client.get(URL).get_data(as_text=True)) == [new.number, mid.number, old.number]


def test_filters_state_type_source(world, login, client, db):
    mediating = world.case(CaseState.MEDIATING)
    registered = world.case(CaseState.REGISTERED, dtype=DisputeType.HT)
    registered.source = Source.COURT
    db.session.commit()
    login("leader")
    assert numbers(client.get(URL + "?state=mediating").get_data(as_text=True)) == [
        mediating.number
    ]
    assert numbers(client.get(URL + "?dispute_type=HT").get_data(as_text=True)) == [
        registered.number
    ]
    assert numbers(client.get(URL + "?source=court").get_data(as_text=True)) == [registered.number]
    page = client.get(URL + "?source=police").get_data(as_text=True)
    assert numbers(page) == [] and "No cases match these filters." in page
    # The chosen filters stay selected.
    page = client.get(URL + "?state=mediating&dispute_type=LL").get_data(as_text=True)
    assert re.search(
        r'<option selected value="mediating">|<option value="mediating" selected', page
    )
    assert re.search(r'<option selected value="LL">|<option value="LL" selected', page)


def test_search_by_number_exact_and_prefix(world, login, client, db):
    a = world.case(CaseState.REGISTERED)
    b = world.case(CaseState.REGISTERED)
    db.session.commit()
    login("leader")
    assert numbers(client.get(URL, query_string={"q": a.number}).get_data(as_text=True)) == [
        a.number
    ]
    # Typed without dashes, with spaces around.
    typed = " " + a.number.replace("-", "") + " "
    assert numbers(client.get(URL, query_string={"q": typed}).get_data(as_text=True)) == [a.number]
    prefix = a.number[:12]  # year-county-
    assert set(numbers(client.get(URL, query_string={"q": prefix}).get_data(as_text=True))) == {
        a.number,
        b.number,
    }
    digits = a.number[:4] + a.number[5:11]
    assert len(numbers(client.get(URL, query_string={"q": digits}).get_data(as_text=True))) == 2
    page = client.get(URL, query_string={"q": "1999-"}).get_data(as_text=True)
    assert numbers(page) == []


def test_bad_filter_input_is_ignored_with_a_message(world, login, client, db):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    login("leader")
    response = client.get(URL, query_string={"state": "bogus", "q": "9" * 40, "after": "%%%"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r'<select aria-describedby="state-error" aria-invalid="true"', page)
    assert 'id="q-error"' in page and "at most 24 characters" in page
    assert "9" * 40 in page  # input kept
    assert numbers(page) == [case.number]  # bad filters ignored, bad cursor = first page
    for junk in ("overdue=%00", "dispute_type=<script>", "source=" + "x" * 5000):
        assert client.get(URL + "?" + junk).status_code == 200


@pytest.mark.parametrize("name", ["state", "dispute_type", "source"])
def test_a_filter_of_spaces_is_no_choice(world, login, client, db, name):
    """A select holding only spaces was taken for a chosen value (CaseState(" "): a 500);
    it is refused beside the select and the list is not filtered by it."""
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    login("leader")
    response = client.get(URL, query_string={name: " "})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<select aria-describedby="{name}-error" aria-invalid="true"' in page
    assert numbers(page) == [case.number]


@pytest.mark.parametrize(
    "values",
    [["2026-01-01T00:00:00", 1], ["2999-01-01T00:00:00+00:00", 10**30], ["x", "y"], [1], "z"],
)
def test_forged_cursors_do_not_fail(world, login, client, db, values):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    login("leader")
    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    response = client.get(URL, query_string={"after": cursor})
    assert response.status_code == 200
    if values[0] == "2999-01-01T00:00:00+00:00":
        assert numbers(response.get_data(as_text=True)) == [case.number]


def test_overdue_filter_and_count(world, as_user, client, db):
    late = world.case(CaseState.MEDIATING, accepted_days_ago=40)
    late2 = world.case(CaseState.DISPATCHED, accepted_days_ago=35)
    soon = world.case(CaseState.MEDIATING, accepted_days_ago=27)
    closed_late = world.case(CaseState.AGREED, accepted_days_ago=40)
    far_away = world.case(CaseState.MEDIATING, accepted_days_ago=40, village=world.village3)
    db.session.commit()
    as_user("leader")
    page = client.get(URL).get_data(as_text=True)
    assert "2 open cases are overdue" in page
    assert f'id="case-{late.number}-row" class="overdue"' in page
    assert f'id="case-{soon.number}-row" class="due_soon"' in page
    assert f'id="case-{closed_late.number}-row">' in page  # closed: no urgency
    listed = numbers(client.get(URL + "?overdue=y").get_data(as_text=True))
    assert set(listed) == {late.number, late2.number}
    assert far_away.number not in listed
    as_user("leader2")
    assert "1 open case is overdue" in client.get(URL).get_data(as_text=True)
    as_user("director")  # both late cases are at their committee; far_away is not
    page = client.get(URL + "?overdue=y").get_data(as_text=True)
    assert "2 open cases are overdue" in page
    assert set(numbers(page)) == {late.number, late2.number}


def test_no_overdue_message(world, login, client, db):
    world.case(CaseState.MEDIATING)
    db.session.commit()
    login("leader")
    assert "No open case is overdue" in client.get(URL).get_data(as_text=True)


def test_keyset_pagination_newest_first(world, login, client, db, small_pages):
    made = [world.case(CaseState.ACCEPTED, accepted_days_ago=d) for d in (5, 4, 3, 2, 1)]
    db.session.commit()
    login("leader")
    seen, url = [], URL + "?state=accepted"
    for _ in range(5):
        page = client.get(url).get_data(as_text=True)
        seen += numbers(page)
        found = re.search(r'<a href="([^"]+)"[^>]*>Next page</a>', page)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
        assert "state=accepted" in url  # filters survive paging
    assert seen == [c.number for c in reversed(made)]
    assert "First page" in page


def test_same_created_at_is_paged_by_id(world, login, client, db, small_pages):
    made = [world.case(CaseState.REGISTERED) for _ in range(3)]
    stamp = made[0].created_at
    for c in made:
        c.created_at = stamp
    db.session.commit()
    login("leader")
    first = client.get(URL).get_data(as_text=True)
    nxt = re.search(r'<a href="([^"]+)"[^>]*>Next page</a>', first).group(1).replace("&amp;", "&")
    second = client.get(nxt).get_data(as_text=True)
    assert numbers(first) + numbers(second) == [c.number for c in reversed(made)]


def test_plain_request_gets_page_and_htmx_gets_rows(world, login, client, db, templates):
    world.case(CaseState.MEDIATING)
    db.session.commit()
    login("leader")
    full = client.get(URL + "?state=mediating")
    assert "<html" in full.get_data(as_text=True)
    assert templates[0] == "oversight/cases.html"
    assert "HX-Request" in full.headers.get("Vary", "")
    templates.clear()
    part = client.get(URL + "?state=mediating", headers=hx("case-results"))
    body = part.get_data(as_text=True)
    assert part.status_code == 200 and "<html" not in body
    assert templates == ["oversight/partials/case_rows.html"]
    assert len(numbers(body)) == 1
    # The page's filter form is wired to that region and works without JS too.
    html = full.get_data(as_text=True)
    assert 'method="get"' in html and 'hx-target="#case-results"' in html
    assert 'hx-push-url="true"' in html and 'id="case-results"' in html


def test_query_count_does_not_grow_with_rows(world, login, client, db, count_queries):
    one = world.case(CaseState.FAILED)
    for village in (world.village, world.village3):
        world.case(CaseState.MEDIATING, village=village)
        world.case(CaseState.AGREED, village=village)
    for village in (world.village, world.village2, world.village3):
        world.case(CaseState.ACCEPTED, village=village)
    db.session.commit()
    number = one.number
    login("admin")
    with count_queries() as few:
        page = client.get(URL, query_string={"q": number}).get_data(as_text=True)
    assert numbers(page) == [number]
    with count_queries() as many:
        page = client.get(URL).get_data(as_text=True)
    assert len(numbers(page)) == 8
    # user, cases (with region and handling organisation), places, overdue count, the
    # header's unread inbox count
    assert len(many) == len(few) == 5, "\n\n".join(many)


@pytest.mark.parametrize("role", ["clerk", "mediator"])
def test_wrong_role_is_403(world, login, client, role):
    login(role)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
