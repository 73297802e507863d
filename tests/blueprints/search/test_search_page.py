"""The staff search page (/search/): every kind of search through the browser's ways in (plain
POST and GET, htmx), masking, paging, the scoping rule, hostile input, the number of SQL
statements, and ID numbers and phones kept out of URLs and log lines."""

import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from domain.intake import PartyData
from models.enums import PartyKind, PartyRole
from models.states import CaseState
from tests.conftest import hx
from tests.factories import valid_id

ID = valid_id("19800101", "777")
PHONE = "13811112222"
ROLES = ("clerk", "mediator", "director", "leader", "admin")


def person_case(world, name="黄秀英", phone=PHONE, id_number=ID, **kw):
    return world.case(
        parties=[
            PartyData(role=PartyRole.APPLICANT, name="申请人某", phone="13700000001"),
            PartyData(
                role=PartyRole.RESPONDENT,
                name=name,
                phone=phone,
                id_number=id_number,
                kind=PartyKind.PERSON,
            ),
        ],
        **kw,
    )


def listed(page: str) -> list[str]:
    return re.findall(r'<tr id="case-([0-9-]+)-row"', page)


def every_url(response) -> list[str]:
    """Each URL the client asked for on the way to `response` (redirects included), with its
    query string: what an access log would write."""
    return [r.request.url for r in [*response.history, response]]


# ---- access ---------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get("/search/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post("/search/", data={"q": "王"}).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_role_has_the_page_in_its_navigation(world, login, role):
    client = login(role)
    home = client.get("/auth/home", follow_redirects=True).get_data(as_text=True)
    assert 'href="/search/"' in home
    page = client.get("/search/")
    assert page.status_code == 200
    assert "Find people and cases" in page.get_data(as_text=True)


def test_the_page_in_chinese(world, login):
    page = login("clerk").get("/search/", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and 'lang="zh-Hans"' in page.get_data(as_text=True)


# ---- names and numbers: a bookmarkable GET -------------------------------------------------


def test_a_name_is_posted_then_shown_at_a_bookmarkable_address(world, login, db):
    case = person_case(world, name="欧阳建国")
    db.session.commit()
    client = login("clerk")
    response = client.post("/search/", data={"q": " 建国 ", "kind": ""})
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers["Location"]).query) == {"q": ["建国"]}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert listed(page) == []  # two characters: the beginning of a name only
    assert "Type three or more" in page
    page = client.post("/search/", data={"q": "欧阳建"}, follow_redirects=True)
    assert listed(page.get_data(as_text=True)) == [case.number]
    assert "1 case found" in page.get_data(as_text=True)
    assert client.get("/search/?q=欧阳").get_data(as_text=True).count(case.number) >= 1


def test_case_numbers_whole_or_beginning(world, login, db):
    a, b = world.case(), world.case()
    db.session.commit()
    client = login("leader")
    whole = client.post("/search/", data={"q": a.number.replace("-", " ")}, follow_redirects=True)
    assert listed(whole.get_data(as_text=True)) == [a.number]
    prefix = client.get(f"/search/?q={a.number[:11]}").get_data(as_text=True)
    assert listed(prefix) == [b.number, a.number]
    chosen = client.get(f"/search/?q={a.number[:4]}&kind=number").get_data(as_text=True)
    assert listed(chosen) == [b.number, a.number]


# ---- phones and ID numbers: never in a URL or a log line -----------------------------------


@pytest.fixture
def logs(caplog):
    """Every log record the application writes while the test runs (SQLAlchemy's statement
    echo, a debugging switch that is off in every configuration, excepted)."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    yield caplog
    logging.getLogger("sqlalchemy").setLevel(logging.NOTSET)


def _no_trace(response, logs, *secrets):
    texts = [r.getMessage() for r in logs.records] + [repr(r.args) for r in logs.records]
    for secret in secrets:
        for url in every_url(response):
            assert secret not in url
        assert secret not in response.headers.get("Location", "")
        assert secret not in response.headers.get("HX-Push-Url", "")
        assert not any(secret in text for text in texts)


@pytest.mark.parametrize(
    "typed", [PHONE, "138 1111 2222", "+86 138-1111-2222", ID, f"{ID[:6]} {ID[6:14]} {ID[14:]}"]
)
def test_phones_and_id_numbers_are_answered_by_the_post_itself(world, login, db, logs, typed):
    case = person_case(world)
    person_case(world, phone="13900000000", id_number=None)  # someone else
    db.session.commit()
    client = login("clerk")
    response = client.post("/search/", data={"q": typed})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert listed(page) == [case.number]
    assert "1 case found" in page
    _no_trace(response, logs, PHONE, ID, typed)
    # Masked as on the lists, never revealed here.
    assert "黄秀英" in page and "138****2222" in page and "4210**********" in page
    assert ID not in page.replace(f'value="{typed}"', "") and PHONE not in page.replace(
        f'value="{typed}"', ""
    )


def test_an_address_holding_a_phone_or_id_number_is_not_searched(world, login, db, logs):
    person_case(world)
    db.session.commit()
    client = login("clerk")
    for url in (
        f"/search/?q={PHONE}",
        f"/search/?q={ID}",
        f"/search/?q={PHONE}&kind=name",
        f"/search/?q={ID}&kind=number",
    ):
        response = client.get(url)
        assert response.status_code == 303 and response.headers["Location"] == "/search/"
        page = client.get("/search/").get_data(as_text=True)
        assert listed(page) == []
        assert "never searched from the address bar" in page
        assert PHONE not in page and ID not in page  # not even echoed into the box


@pytest.mark.parametrize(
    ("typed", "kind"),
    [(PHONE, "name"), ("王 13811112222", ""), ("138.1111.2222", ""), ("1381111222", "")],
)
def test_a_phone_like_text_searched_otherwise_is_not_redirected(
    world, login, db, logs, typed, kind
):
    db.session.commit()
    client = login("clerk")
    response = client.post("/search/", data={"q": typed, "kind": kind})
    assert response.status_code == 200 and "Location" not in response.headers
    _no_trace(response, logs, typed, "13811112222", "1381111222")
    by_address = client.get("/search/", query_string={"q": typed})
    assert by_address.status_code == 303 and by_address.headers["Location"] == "/search/"


def test_with_htmx_the_address_bar_gets_the_name_never_the_phone(world, login, db, templates):
    case = person_case(world, name="欧阳建国")
    db.session.commit()
    client = login("clerk")
    by_name = client.post("/search/", data={"q": "欧阳建"}, headers=hx("search-region"))
    assert by_name.status_code == 200
    assert templates[-1] == "search/partials/region.html"
    assert "search/search.html" not in templates
    assert parse_qs(urlsplit(by_name.headers["HX-Push-Url"]).query) == {"q": ["欧阳建"]}
    assert listed(by_name.get_data(as_text=True)) == [case.number]
    by_phone = client.post("/search/", data={"q": PHONE}, headers=hx("search-region"))
    assert by_phone.headers["HX-Push-Url"] == "/search/"
    assert listed(by_phone.get_data(as_text=True)) == [case.number]
    refused = client.post(
        "/search/", data={"q": "13812", "kind": "phone"}, headers=hx("search-region")
    )
    assert refused.headers["HX-Push-Url"] == "/search/"


# ---- paging -----------------------------------------------------------------------------------


def test_names_page_by_links_phones_by_posted_forms(world, login, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    cases = [person_case(world) for _ in range(5)]
    db.session.commit()
    newest_first = [c.number for c in reversed(cases)]
    client = login("clerk")

    seen, url = [], "/search/?q=黄秀英"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += listed(page)
        found = re.search(r'<a href="([^"]+)"[^>]*>Next page</a>', page)
        url = found.group(1).replace("&amp;", "&") if found else None
        assert not re.search(r"\d cases? found", page)  # no count when it is not cheap
    assert seen == newest_first

    seen, data = [], {"q": PHONE}
    while data:
        response = client.post("/search/", data=data)
        assert response.status_code == 200 and "Location" not in response.headers
        page = response.get_data(as_text=True)
        assert "5 cases found" in page  # counted: a person's cases, cheap
        seen += listed(page)
        cursor = re.search(r'name="after" value="([^"]+)"', page)
        data = {"q": PHONE, "kind": "", "after": cursor.group(1)} if cursor else None
        assert PHONE not in "".join(re.findall(r'href="([^"]*)"', page))
    assert seen == newest_first


def test_forged_cursors_start_from_the_first_page(world, login, db):
    case = person_case(world)
    db.session.commit()
    client = login("clerk")
    for after in ("garbage", "W10", "WzEsMiwzXQ", "W3siYSI6MX0sIDk5OTk5OTk5OTk5OTk5OTk5OTk5XQ"):
        page = client.get(f"/search/?q=黄秀英&after={after}")
        assert page.status_code == 200 and listed(page.get_data(as_text=True)) == [case.number]
        posted = client.post("/search/", data={"q": PHONE, "after": after})
        assert posted.status_code == 200 and listed(posted.get_data(as_text=True)) == [case.number]


# ---- scope ---------------------------------------------------------------------------------


def test_results_keep_to_the_users_area(world, login, db):
    here = person_case(world, state=CaseState.MEDIATING)
    there = person_case(world, village=world.village3)
    at_desk = person_case(world)
    db.session.commit()
    expected = {
        "clerk": {here.number, at_desk.number},
        "leader": {here.number, at_desk.number},
        "clerk2": {there.number},
        "mediator": {here.number},
        "mediator_b": set(),
        "mediator2": set(),
        "director": {here.number},
        "admin": {here.number, there.number, at_desk.number},
    }
    for username, numbers in expected.items():
        client = login(username)
        for data in ({"q": "黄秀英"}, {"q": PHONE}, {"q": ID}, {"q": here.number[:4]}):
            page = client.post("/search/", data=data, follow_redirects=True)
            assert set(listed(page.get_data(as_text=True))) == numbers, (username, data)


# ---- hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "error"),
    [
        ("王" * 5000, "", "at most 64 characters"),
        ("x" * 65, "name", "at most 64 characters"),
        ("13812", "phone", "not a valid phone number"),
        ("421022199501011234", "", "not a valid resident ID number"),
        ("王建国", "id_number", "not a valid resident ID number"),
        ("王建国", "number", "only digits and dashes"),
        ("王建国", "nonsense", "Not a valid choice"),
        ("王建国", " ", "Not a valid choice"),  # spaces only: no kind (was a 500)
        ("", "", "Type a case number"),
        ("\x00\u200b", "", "Type a case number"),
    ],
)
def test_bad_input_is_refused_beside_the_box(world, login, typed, kind, error):
    response = login("clerk").post("/search/", data={"q": typed, "kind": kind})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="q-error"' in page or 'id="kind-error"' in page
    assert error in page
    assert listed(page) == []


@pytest.mark.parametrize(
    "typed",
    [
        "%",
        "_",
        "%%%",
        "％",
        "王%",
        "' OR 1=1 --",
        "'; DROP TABLE party; --",
        '") OR ("1"="1',
        "name:王 NEAR(a b) * ^",
        "<script>alert(1)</script>",
        "ＡＢＣ　公司",
        "王\x00建国",
        "\\",
    ],
)
def test_hostile_text_finds_nothing_it_should_not(world, login, db, typed):
    case = person_case(world, name="黄秀英")
    db.session.commit()
    client = login("clerk")
    for response in (
        client.post("/search/", data={"q": typed}, follow_redirects=True),
        client.get("/search/", query_string={"q": typed}),
        client.post("/search/", data={"q": typed, "kind": "name"}, headers=hx("search-region")),
    ):
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert case.number not in listed(page)
        assert "<script>alert(1)</script>" not in page
    assert client.post("/search/", data={"q": "黄秀英"}, follow_redirects=True).status_code == 200


# ---- statements -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["黄秀英", "黄秀", PHONE, ID, "number prefix"])
def test_statement_count_does_not_grow_with_the_results(world, login, db, count_queries, typed):
    first = person_case(world)
    db.session.commit()
    data = {"q": first.number[:11] if typed == "number prefix" else typed}
    client = login("clerk")

    def statements() -> int:
        client.post("/search/", data=data)  # warm
        with count_queries() as seen:
            response = client.post("/search/", data=data, headers=hx("search-region"))
        assert response.status_code == 200
        return len(seen)

    one = statements()
    for _ in range(6):
        person_case(world)
    db.session.commit()
    assert statements() == one
