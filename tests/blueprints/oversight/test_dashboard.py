"""The leaders' dashboard and the links from its figures to the case list: the page, its
filters (GET, and htmx fragments), the SVG charts with their tables, overdue work, and that
every number's list shows exactly the cases counted."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from domain import statistics as st
from domain.calendar import local_today
from extensions import db
from models.enums import Channel, ClosureReason, DisputeType, Source
from models.states import CaseState
from tests.conftest import hx
from tests.ledger import at, ledger_case

URL = "/oversight/dashboard"


@pytest.fixture
def as_user(client, login):
    def do(username: str):
        client.post("/auth/logout")
        return login(username)

    return do


def this_year_world(world):
    """Cases of this year and of last year in both counties, accepted and ended."""
    today = local_today()
    jan = date(today.year, 1, 1)
    days = [jan + timedelta(days=i * max(1, (today - jan).days // 12)) for i in range(12)]
    days = [d for d in days if d <= today] or [today]
    rows = []
    for i, day in enumerate(days):
        for place, org, source, dtype in (
            (world.village, world.village_committee, Source.APPLICATION, DisputeType.LL),
            (world.village2, world.township_centre, Source.COURT, DisputeType.HYJT),
            (world.village3, world.village3_committee, Source.POLICE, DisputeType.LL),
        ):
            success = (i + len(rows)) % 3 != 0
            closed = min(day + timedelta(days=2), today)
            rows.append(
                ledger_case(
                    place,
                    registered=at(day, 8),
                    channel=Channel.ONLINE if source == Source.APPLICATION else None,
                    source=source,
                    dtype=dtype,
                    accepted=at(day, 10),
                    closed=at(closed, 16),
                    reason=ClosureReason.AGREEMENT_ORAL if success else ClosureReason.FAILED,
                    handling=org,
                    intake=world.county_centre,
                    mediator=world.mediator,
                    amount=Decimal("1500.50"),
                )
            )
            # The same day last year, for the comparison.
            last = st._year_back(day)
            ledger_case(
                place,
                registered=at(last, 8),
                source=source,
                dtype=dtype,
                accepted=at(last, 10),
                closed=at(last + timedelta(days=1), 16),
                reason=ClosureReason.AGREEMENT_WRITTEN,
                handling=org,
                mediator=world.mediator,
            )
    db.session.commit()
    return rows


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link into the case list with a figure."""
    out = []
    for href, text in re.findall(
        r'<a href="(/oversight/\?[^"]*indicator=[^"]*)"[^>]*>([^<]*)</a>', html
    ):
        out.append((unescape(href), text.strip()))
    return out


def listed(client, href: str) -> int:
    """How many cases the list shows for a figure's link (all pages)."""
    total, url = 0, href
    while url:
        page = client.get(url).get_data(as_text=True)
        total += len(re.findall(r'id="case-([0-9-]+)-row"', page))
        nxt = re.search(r'<a href="([^"]*after=[^"]*)"[^>]*>Next page', page)
        url = unescape(nxt.group(1)) if nxt else None
    return total


def test_leader_lands_on_the_dashboard(world, as_user, client):
    as_user("leader")
    assert client.get("/auth/home").headers["Location"].endswith(URL)
    page = client.get(URL).get_data(as_text=True)
    assert "Key figures" in page and "<svg" in page
    assert 'href="/oversight/dashboard"' in page  # in the navigation


@pytest.mark.parametrize("username", ["leader", "leader2", "admin", "director"])
def test_dashboard_for_each_oversight_role(world, as_user, client, username):
    this_year_world(world)
    as_user(username)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for title in ("Trend by month", "By type of dispute", "By source", "By level"):
        assert title in html
    assert "Success rate by organisation" in html


@pytest.mark.parametrize("username", ["clerk", "mediator"])
def test_other_roles_are_refused(world, as_user, client, username):
    as_user(username)
    assert client.get(URL).status_code == 403


def test_every_number_links_to_exactly_its_cases(world, as_user, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 7)  # the lists span several pages
    this_year_world(world)
    as_user("leader")
    html = client.get(URL).get_data(as_text=True)
    found = links(html)
    assert len(found) > 100
    checked = 0
    seen = set()
    for href, text in found:
        if href in seen or not text.replace(",", "").isdigit():
            continue
        seen.add(href)
        expected = int(text.replace(",", ""))
        assert listed(client, href) == expected, href
        checked += 1
        if checked >= 60:  # enough: every kind of link is among the first ones
            break
    assert checked >= 40


def test_success_rate_of_a_township_down_to_its_cases(world, as_user, client):
    """The done-when path: the success rate of one township, clicked down to its cases."""
    this_year_world(world)
    as_user("leader")
    html = client.get(URL).get_data(as_text=True)
    table = html[html.index('id="by-place"') :]
    table = table[: table.index("</table>")]
    row = table[table.index("埠河镇") :]
    row = row[: row.index("</tr>")]
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', row)]
    successful = next(h for h in hrefs if "indicator=successful" in h)
    args = parse_qs(urlsplit(successful).query)
    assert args["region"] == ["421022100"]
    figure = st.compute(
        st.scope_of(world.leader),
        st.Period.year_to_date(local_today()),
        st.Filters(region="421022100"),
    ).total
    assert listed(client, successful) == figure.successful > 0
    page = client.get(successful).get_data(as_text=True)
    assert f'<dd id="figure-count">{figure.successful}</dd>' in page
    assert "埠河镇" in page  # the breakdown value is named above the list


def test_filters_narrow_the_figures_and_keep_in_the_links(world, as_user, client):
    this_year_world(world)
    as_user("admin")
    whole = client.get(URL).get_data(as_text=True)
    narrowed = client.get(URL, query_string={"county": "421087", "dispute_type": "LL"})
    html = narrowed.get_data(as_text=True)
    assert narrowed.status_code == 200
    for href, _text in links(html):
        args = parse_qs(urlsplit(href).query)
        assert args.get("region", ["421087"])[0].startswith("421087")
    assert whole != html
    # The county's townships are offered once the county is chosen.
    assert (
        "新江口街道" in html and "新江口街道" not in whole.split('id="dashboard-places"')[1][:3000]
    )


def test_htmx_swaps_the_figures(world, as_user, client, templates):
    this_year_world(world)
    as_user("admin")
    response = client.get(URL, query_string={"source": "court"}, headers=hx("dashboard-body"))
    html = response.get_data(as_text=True)
    assert templates[-1] == "oversight/partials/dashboard_body.html"
    assert "<html" not in html and "Key figures" in html
    assert "hx-swap-oob" not in html  # the county did not change
    response = client.get(
        URL, query_string={"county": "421022", "county_shown": ""}, headers=hx("dashboard-body")
    )
    assert 'id="dashboard-places" class="grid-sub" hx-swap-oob="true"' in response.get_data(
        as_text=True
    )


def test_custom_period_against_a_year_earlier(world, as_user, client):
    this_year_world(world)
    as_user("leader")
    today = local_today()
    html = client.get(
        URL, query_string={"from": f"{today.year}-01-01", "to": today.isoformat()}
    ).get_data(as_text=True)
    assert "Chosen period" in html and "This month" not in html.split("Key figures")[1][:4000]
    assert "Same period last year" in html


def test_a_period_the_wrong_way_round_is_said_in_the_swapped_part(world, as_user, client):
    """With htmx only the figures are swapped: the refusal is said there too, naming the
    period the figures are for instead."""
    as_user("leader")
    args = {"from": "2026-12-01", "to": "2026-01-01"}
    html = client.get(URL, query_string=args, headers=hx("dashboard-body")).get_data(as_text=True)
    assert 'id="period-refused"' in html
    assert "The end of the period is before its start." in html
    assert 'id="period-refused"' not in client.get(URL).get_data(as_text=True)


@pytest.mark.parametrize(
    "args",
    [
        {"from": "2026-12-01", "to": "2026-01-01"},
        {"from": "1900-01-01", "to": "2100-12-31"},
        {"from": "0001-01-01"},
        {"from": "9999-12-31"},
        {"from": "not a date", "to": "2026-13-45"},
        {"county": "x" * 500, "township": "\x00", "org": str(2**63)},
        {"org": "-1", "dispute_type": "NOPE", "source": "🙂"},
        {"county": "421087", "township": "421022100"},  # a township of another county
    ],
)
def test_bad_filters_never_fail(world, as_user, client, args):
    as_user("admin")
    response = client.get(URL, query_string=args)
    assert response.status_code == 200


def test_overdue_and_due_this_week(world, as_user, client):
    world.case(CaseState.MEDIATING)
    overdue = world.case(CaseState.MEDIATING)
    overdue.due_on = local_today() - timedelta(days=3)
    soon = world.case(CaseState.MEDIATING)
    soon.due_on = local_today() + timedelta(days=2)
    db.session.commit()
    as_user("leader")
    html = client.get(URL).get_data(as_text=True)
    assert soon.number in html
    due_link = unescape(re.search(r'href="(/oversight/\?due_week=y[^"]*)"', html).group(1))
    assert listed(client, due_link) == 1
    overdue_link = unescape(re.search(r'href="(/oversight/\?overdue=y[^"]*)"', html).group(1))
    assert listed(client, overdue_link) == 1


def test_print_styles_and_text_alternatives(world, as_user, client):
    this_year_world(world)
    as_user("leader")
    html = client.get(URL).get_data(as_text=True)
    # Each chart is a picture of the table after it: hidden from screen readers, no links.
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert 'aria-hidden="true"' in svg and "<a " not in svg
    assert html.count("<table") >= 7
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "@page { size: A4" in css


def test_case_list_reads_a_figure(world, as_user, client):
    """The list's own filters combine with a figure's; bad figure fields are ignored."""
    this_year_world(world)
    as_user("leader")
    today = local_today()
    base = {"indicator": "accepted", "from": f"{today.year}-01-01", "to": today.isoformat()}
    all_accepted = listed(client, "/oversight/?" + "&".join(f"{k}={v}" for k, v in base.items()))
    figure = st.compute(st.scope_of(world.leader), st.Period.year_to_date(today)).total
    assert all_accepted == figure.accepted
    court = client.get("/oversight/", query_string={**base, "source": "court"})
    assert f'<dd id="figure-count">{figure.by_source(Source.COURT)}</dd>' in court.get_data(
        as_text=True
    )
    for bad in ({"indicator": "nope"}, {"region": "abc"}, {"org": "2147483648"}, {"level": "x"}):
        response = client.get("/oversight/", query_string={**base, **bad})
        assert response.status_code == 200


def test_screening_rounds_held_are_counted_and_link_to_the_board(world, as_user, client):
    """排查次数 on the dashboard: the rounds held in each column's period by the area's
    organisations, linked to the rounds board of that period; '—' with a type filter."""
    from domain import screening_rounds as sr
    from models.prevention import RoundKind

    today = local_today()
    monday = today - timedelta(days=today.weekday())
    sr.file_round(
        world.village_committee,
        world.director,
        period_start=monday,
        kind=RoundKind.REGULAR,
        held_on=today,
        nil_return=True,
        summary=None,
    )
    db.session.commit()
    as_user("leader")
    html = client.get(URL).get_data(as_text=True)
    row = html[html.index('id="screening-rounds"') :].split("</tr>")[0]
    assert f"/prevention/rounds?start={today.year}-01-01" in unescape(row)
    assert ">1</a>" in row
    assert "Prevention counts" in html and "Not recorded in the portal yet." in html
    typed = client.get(URL, query_string={"dispute_type": "LL"}).get_data(as_text=True)
    row = typed[typed.index('id="screening-rounds"') :].split("</tr>")[0]
    assert "—" in row and "</a>" not in row
