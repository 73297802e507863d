"""The mediator evaluation page and the finance office's XLSX: roles, scope, every linked
number listing exactly its cases, hostile query values, an empty database, pages."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import openpyxl
import pytest

from domain.calendar import local_today
from extensions import db
from models import SubsidyRate
from models.enums import ClosureReason, Role, Source
from tests.blueprints.oversight.test_dashboard import listed
from tests.factories import user
from tests.ledger import at, ledger_case

URL = "/oversight/mediators"


@pytest.fixture
def as_user(client, login):
    def do(username: str):
        client.post("/auth/logout")
        return login(username)

    return do


def cases_this_year(world):
    """Cases ended this year by 张调解 and 赵调解 (village committee) and 陈调解 (松滋市)."""
    today = local_today()
    start = date(today.year, 1, 1)
    for i in range(9):
        day = min(start + timedelta(days=i * 3), today)
        for place, org, mediator in (
            (world.village, world.village_committee, world.mediator),
            (world.village, world.village_committee, world.mediator_b),
            (world.village3, world.village3_committee, world.mediator2),
        ):
            if mediator == world.mediator_b and i % 3:
                continue
            case = ledger_case(
                place,
                registered=at(day, 8),
                source=Source.PETITION if i % 4 == 0 else Source.APPLICATION,
                accepted=at(day, 9),
                closed=at(day, 16),
                reason=ClosureReason.AGREEMENT_ORAL if i % 3 else ClosureReason.FAILED,
                handling=org,
                intake=world.county_centre,
                mediator=mediator,
                visit_due=day if i % 2 else None,
                visited=at(day, 17) if i % 4 == 1 else None,
            )
            case.due_on = day + timedelta(days=1 if i % 5 else -1)
    db.session.add_all(
        [
            SubsidyRate(amount_cents=20_000),
            SubsidyRate(source=Source.PETITION, amount_cents=100_000, any_outcome=True),
        ]
    )
    db.session.commit()


FIGURE_LINK = re.compile(r'<a href="(/oversight/\?[^"]*indicator=[^"]*)"[^>]*>([^<]*)</a>')


def figure_links(html: str) -> list[tuple[str, str]]:
    return [(unescape(href), text.strip()) for href, text in FIGURE_LINK.findall(html)]


@pytest.mark.parametrize("username", ["leader", "admin", "director"])
def test_oversight_roles_see_the_page(world, as_user, client, username):
    cases_this_year(world)
    as_user(username)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Mediator evaluation" in html
    for formula in (
        "successful ÷ handled",
        "ended by the deadline ÷ handled with a deadline",
        "archived with every required document ÷ archived",
        "visited ÷ due for a visit",
    ):
        assert formula in html
    assert 'href="/oversight/mediators"' in html  # the staff navigation


@pytest.mark.parametrize("username", ["clerk", "mediator"])
def test_other_roles_are_refused(world, as_user, client, username):
    as_user(username)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "/subsidies.xlsx").status_code == 403


def test_reachable_from_the_dashboard(world, as_user, client):
    as_user("leader")
    html = client.get("/oversight/dashboard").get_data(as_text=True)
    assert re.search(r'href="/oversight/mediators\?from=\d{4}-\d\d-\d\d&amp;to=', html)


def test_director_sees_only_their_mediators(world, as_user, client):
    cases_this_year(world)
    as_user("director")
    html = client.get(URL).get_data(as_text=True)
    assert "张调解" in html and "赵调解" in html
    assert "陈调解" not in html
    as_user("leader2")
    html = client.get(URL).get_data(as_text=True)
    assert "陈调解" in html and "张调解" not in html


def test_every_number_links_to_exactly_its_cases(world, as_user, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)  # the lists span pages
    cases_this_year(world)
    for username in ("director", "admin"):
        as_user(username)
        html = client.get(URL).get_data(as_text=True)
        found = figure_links(html)
        assert len(found) >= 8
        for href, text in found:
            assert "mediator=" in href
            assert listed(client, href) == int(text.replace(",", "")), href


@pytest.mark.parametrize(
    "args",
    [
        "from=abc&to=xyz",
        "from=2026-13-45",
        "to=2026-02-30",
        "from=2026-05-01&to=2026-01-01",
        "from=0001-01-01&to=9999-12-31",
        "from=1900-01-01&to=2026-01-01",
        "page=-1",
        "page=0",
        "page=abc",
        "page=99999999999999999999",
        "page=3.5",
        "from=%00&to=%ff",
        "from[]=1&page[]=2",
        "from=" + "9" * 500,
    ],
)
def test_hostile_query_values_never_fail(world, as_user, client, args):
    cases_this_year(world)
    as_user("leader")
    assert client.get(f"{URL}?{args}").status_code == 200
    response = client.get(f"{URL}/subsidies.xlsx?{args}")
    assert response.status_code == 200
    openpyxl.load_workbook(io.BytesIO(response.data))


def test_empty_database(world, as_user, client):
    as_user("leader")
    html = client.get(URL).get_data(as_text=True)
    assert "No mediator handled, archived or visited a case in this period." in html
    assert "No subsidy rates are set" in html
    response = client.get(URL + "/subsidies.xlsx")
    assert response.status_code == 200


def test_pages(world, as_user, client, monkeypatch):
    """Many mediators: 50 rows a page, the pages linked."""
    today = local_today()
    for i in range(53):
        m = user(f"m{i:02d}", Role.MEDIATOR, world.village_committee, f"调解员{i:02d}")
        db.session.flush()
        ledger_case(
            world.village,
            registered=at(today, 8),
            accepted=at(today, 9),
            closed=at(today, 10),
            reason=ClosureReason.FAILED,
            handling=world.village_committee,
            mediator=m,
        )
    db.session.commit()
    as_user("leader")
    first = client.get(URL).get_data(as_text=True)
    assert first.count('<th scope="row">调解员') == 50
    assert "Page 1 of 2" in first
    nxt = unescape(re.search(r'<a href="([^"]*page=2[^"]*)">Next page', first).group(1))
    second = client.get(nxt).get_data(as_text=True)
    assert second.count('<th scope="row">调解员') == 3
    assert "53 mediators" in second  # the total counts every page


def test_xlsx_matches_the_page(world, as_user, client):
    cases_this_year(world)
    as_user("director")
    html = client.get(URL).get_data(as_text=True)
    response = client.get(URL + "/subsidies.xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    block = {r[0]: r[1] for r in rows[1:7] if r[0]}
    assert block["Scope"] == f"Mediators of {world.village_committee.name}"
    [total] = [r for r in rows if r[0] == "Total"]
    # the page's total subsidy, in its last column
    foot = html[html.index("<tfoot>") : html.index("</tfoot>")]
    shown = re.findall(r'<td class="num">([0-9,]+\.\d\d)</td>', foot)[-1]
    assert Decimal(str(total[9])) == Decimal(shown.replace(",", ""))
    mediators = {r[1] for r in rows if r[0] and str(r[0])[:4].isdigit()}
    assert mediators == {"张调解", "赵调解"}
