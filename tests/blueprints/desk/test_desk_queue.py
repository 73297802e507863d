import re
from datetime import UTC, datetime, timedelta

import pytest

from blueprints.desk import views as desk_views
from models.states import CaseState
from tests.conftest import hx


def _ages(world, db, n, **kw):
    """n registered cases, the first the oldest."""
    cases = [world.case(**kw) for _ in range(n)]
    base = datetime.now(UTC) - timedelta(days=n + 1)
    for i, case in enumerate(cases):
        case.created_at = base + timedelta(days=i)
    db.session.commit()
    return cases


def test_queue_shows_registered_cases_in_scope_oldest_first(world, login, client, db):
    old, new = _ages(world, db, 2)
    accepted = world.case(CaseState.ACCEPTED)
    elsewhere = world.case(village=world.village3)  # 松滋市, not the clerk's county
    db.session.commit()

    page = login("clerk").get("/desk/").get_data(as_text=True)
    assert old.number in page and new.number in page
    assert page.index(old.number) < page.index(new.number)
    assert accepted.number not in page
    assert elsewhere.number not in page
    assert old.parties[0].name in page  # first applicant's name
    assert old.parties[0].phone not in page  # no phone numbers in the queue
    assert "3 days" in page  # the oldest has waited 3 days
    assert "新民村" in page and "Online application" in page


def test_clerk_of_another_county_sees_only_their_cases(world, login, client, db):
    mine = world.case()
    theirs = world.case(village=world.village3)
    db.session.commit()
    page = login("clerk2").get("/desk/").get_data(as_text=True)
    assert theirs.number in page
    assert mine.number not in page


def test_accepted_tab_lists_cases_waiting_for_dispatch(world, login, client, db):
    registered = world.case()
    accepted = world.case(CaseState.ACCEPTED)
    dispatched = world.case(CaseState.DISPATCHED)
    db.session.commit()
    page = login("clerk").get("/desk/?tab=accepted").get_data(as_text=True)
    assert accepted.number in page
    assert registered.number not in page and dispatched.number not in page


def test_queue_pagination_plain_and_htmx(world, login, client, db, monkeypatch, templates):
    monkeypatch.setattr(desk_views, "PAGE_SIZE", 2)
    cases = _ages(world, db, 5)
    login("clerk")
    first = client.get("/desk/").get_data(as_text=True)
    assert cases[0].number in first and cases[1].number in first
    assert cases[2].number not in first
    assert "queue-more-registered" in first

    # Follow the plain link (no JS): the next page is a full page.

    href = re.search(r'href="(/desk/\?after=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(href).get_data(as_text=True)
    assert "<html" in second
    assert cases[2].number in second and cases[3].number in second
    assert cases[1].number not in second

    # The same link through htmx: only the rows (and the next "more" row).
    templates.clear()
    fragment = client.get(href, headers=hx("queue-more-registered")).get_data(as_text=True)
    assert "<html" not in fragment
    assert templates == ["desk/partials/queue_rows.html"]
    assert cases[2].number in fragment and cases[0].number not in fragment
    href3 = re.search(r'href="(/desk/\?after=[^"]+)"', fragment).group(1).replace("&amp;", "&")
    third = client.get(href3, headers=hx("queue-more-registered")).get_data(as_text=True)
    assert cases[4].number in third and "queue-more-registered" not in third


def test_bad_cursor_starts_from_the_beginning(world, login, client, db):
    case = world.case()
    db.session.commit()
    response = login("clerk").get("/desk/?after=not-a-cursor&tab=nonsense")
    assert response.status_code == 200 and case.number in response.get_data(as_text=True)


@pytest.mark.parametrize("tab", ["registered", "accepted"])
def test_queue_query_count_does_not_grow_with_rows(
    world, login, client, db, count_queries, monkeypatch, tab
):
    monkeypatch.setattr(desk_views, "PAGE_SIZE", 50)
    state = CaseState.REGISTERED if tab == "registered" else CaseState.ACCEPTED
    login("clerk")
    url = f"/desk/?tab={tab}"

    for _ in range(5):
        world.case(state)
    world.case(state, village=world.village2, online=False)
    db.session.commit()
    client.get(url)  # warm up (session, caches)
    db.session.expire_all()  # the client shares this session: start both counts cold
    with count_queries() as few:
        assert client.get(url).status_code == 200

    for _ in range(24):
        world.case(state)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert len(re.findall(r"id=\"case-[^\"]+-row\"", page)) == 30
    assert len(many) == len(few), (len(few), len(many))


def test_repeat_petitions_are_marked_in_the_queue(world, login, client, db, count_queries):
    """A case linked to an earlier one as a repeat petition carries the mark in the queue,
    without a query per row."""
    from domain.links import link_cases
    from models.enums import LinkKind

    earlier, plain, again = _ages(world, db, 3)
    link_cases(again, earlier.number, world.clerk, version=None, kind=LinkKind.REPEAT)
    db.session.commit()
    clerk = login("clerk")
    page = clerk.get("/desk/").get_data(as_text=True)

    def row(case):
        return re.search(rf'<tr id="case-{case.number}-row">(.*?)</tr>', page, re.S).group(1)

    assert "Repeat petition" in row(again) and "Repeat petition" in row(earlier)
    assert "Repeat petition" not in row(plain)
    with count_queries() as few:
        clerk.get("/desk/")
    _ages(world, db, 6)
    with count_queries() as more:
        clerk.get("/desk/")
    assert len(few) == len(more)
