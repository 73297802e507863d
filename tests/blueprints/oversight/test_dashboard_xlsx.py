"""The dashboard's figures as an XLSX workbook: one sheet per table of the page, read back
with openpyxl and compared with domain.statistics and with the page itself; the header block
(period, scope, filters, who and when, each rate's formula); the same area and filters as the
page; an empty database; hostile filters."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from domain import statistics as st
from domain.calendar import local_today
from domain.statistics import Dimension, Filters, Period
from models.enums import DisputeType, Source
from tests.blueprints.oversight.test_dashboard import this_year_world

URL = "/oversight/dashboard"
XLSX = "/oversight/dashboard.xlsx"
SHEETS = [
    "Key figures",
    "By month",
    "By type of dispute",
    "By source",
    "By level",
    "By organisation",
    "By place",
]
BREAKDOWNS = {
    "By type of dispute": Dimension.TYPE,
    "By source": Dimension.SOURCE,
    "By level": Dimension.LEVEL,
    "By organisation": Dimension.ORGANISATION,
    "By place": Dimension.REGION,
}


@pytest.fixture
def as_user(client, login):
    def do(username: str):
        client.post("/auth/logout")
        return login(username)

    return do


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    return load_workbook(io.BytesIO(response.get_data()))


def read(sheet) -> dict:
    """A sheet as {block label: value}, the column names, the formulas under them and
    {row label: values} (the total under "Total")."""
    first = int(sheet.freeze_panes[1:])  # the first row of figures
    block = {}
    for row in sheet.iter_rows(min_row=2, max_row=first - 4, values_only=True):
        block[row[0]] = row[1]
    names = [c.value for c in sheet[first - 2]]
    formulas = [c.value for c in sheet[first - 1]]
    rows = {}
    for row in sheet.iter_rows(min_row=first, values_only=True):
        rows[row[0]] = list(row[1:])
    return {"block": block, "names": names, "formulas": formulas, "rows": rows}


def rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def breakdown_row(f: st.Figures) -> list:
    return [f.accepted, f.mediated, f.successful, rate(f.success_rate.value())]


def flat_row(f: st.Figures) -> list:
    return [float(v) if isinstance(v, Decimal) else v for v in st.values(f)]


def test_the_workbook_holds_the_figures_of_the_page(world, as_user, client):
    this_year_world(world)
    as_user("leader")
    today = local_today()
    book = workbook(client.get(XLSX))
    assert book.sheetnames == SHEETS
    scope = st.scope_of(world.leader)
    year = Period.year_to_date(today)
    month = Period.month_to_date(today)

    # Key figures: every indicator, one row per period beside a year earlier.
    key = read(book["Key figures"])
    assert list(key["rows"]) == [
        f"This month ({month.start} to {month.end})",
        f"Same month last year ({month.year_earlier().start} to {month.year_earlier().end})",
        f"This year ({year.start} to {year.end})",
        f"Same period last year ({year.year_earlier().start} to {year.year_earlier().end})",
    ]
    for label, period in zip(
        key["rows"], [month, month.year_earlier(), year, year.year_earlier()], strict=True
    ):
        expected = st.compute(scope, period, today=today).total
        assert key["rows"][label] == flat_row(expected), label
    this_year = key["rows"][f"This year ({year.start} to {year.end})"]
    assert this_year[0] > 0  # something counted
    # Each rate carries its formula under its name.
    names = dict(zip(key["names"], key["formulas"], strict=True))
    assert names["Success rate"] == "successful ÷ mediated"
    assert names["Success rate of accepted cases"] == "successful ÷ accepted"
    assert names["Accepted"] is None

    # Each breakdown: the rows of domain.statistics, and the total.
    for name, dimension in BREAKDOWNS.items():
        sheet = read(book[name])
        expected = st.compute(scope, year, by=dimension, today=today, region_depth=9)
        rows = dict(sheet["rows"])
        assert rows.pop("Total") == breakdown_row(expected.total), name
        assert rows == {r.label: breakdown_row(r.figures) for r in expected.rows}, name
        assert sheet["names"][-1] == "Success rate"
        assert sheet["formulas"][-1] == "successful ÷ mediated"
        assert list(sheet["rows"])[-1] == "Total"
    # Rates are numbers (83.04, not "83.04%").
    place = read(book["By place"])["rows"]
    assert all(isinstance(v[3], float) for v in place.values())

    # By month: each month and the same month a year earlier, the total of the months.
    months = read(book["By month"])["rows"]
    assert months.pop("Total")[0] == st.compute(scope, year, today=today).total.accepted
    for label, values in months.items():
        y, m = map(int, label.split("-"))
        period = Period(
            max(Period.month(y, m).start, year.start), min(Period.month(y, m).end, today)
        )
        f = st.compute(scope, period, today=today).total
        before = st.compute(scope, period.year_earlier(), today=today).total
        assert values == [
            f.accepted,
            before.accepted,
            f.mediated,
            f.successful,
            rate(f.success_rate.value()),
            f.registered,
            f.self_filed,
            rate(f.self_filing_rate.value()),
        ], label


def test_the_workbook_and_the_page_agree(world, as_user, client):
    """The by-place table of the page, number for number, in the workbook."""
    this_year_world(world)
    as_user("leader")
    html = client.get(URL).get_data(as_text=True)
    table = html[html.index('id="by-place"') :]
    table = table[: table.index("</table>")]
    page = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        label = re.search(r'<th scope="row">([^<]*)</th>', row)
        if label is None:
            continue
        counts = re.findall(r"<a href=[^>]*>([0-9,]+)</a>", row)
        rate_text = re.search(r"<strong>([^<]*)</strong>", row).group(1)
        page[unescape(label.group(1))] = ([int(c.replace(",", "")) for c in counts[:3]], rate_text)
    assert "埠河镇" in page and "Total" in page
    sheet = read(workbook(client.get(XLSX))["By place"])["rows"]
    assert set(sheet) == set(page)
    for label, (counts, rate_text) in page.items():
        assert sheet[label][:3] == counts
        shown = sheet[label][3]
        assert st.format_percent(None if shown is None else Decimal(str(shown))) == rate_text


def test_the_header_block_names_period_scope_filters_and_exporter(world, as_user, client):
    this_year_world(world)
    as_user("leader")
    today = local_today()
    book = workbook(client.get(XLSX, query_string={"source": "court", "dispute_type": "LL"}))
    for sheet in book.worksheets:
        assert sheet.cell(1, 1).value.startswith("People's mediation statistics: ")
        block = read(sheet)["block"]
        assert block["Period"] == f"{today.year}-01-01 to {today.isoformat()}"
        assert block["Scope"] == "Cases of 荆州市公安县"
        assert "Source: Court delegated or entrusted" in block["Filters"]
        assert "Type of dispute: " in block["Filters"]
        assert block["Exported by"].startswith("孙主任 (")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", block["Exported at"])
        assert block["Counted on"] == today.isoformat()
    prevention = next(k for k in read(book["Key figures"])["block"] if "Prevention" in k)
    assert read(book["Key figures"])["block"][prevention] == "Not recorded in the portal yet."


def test_a_source_filter_changes_the_numbers(world, as_user, client):
    this_year_world(world)
    as_user("leader")
    today = local_today()
    year = Period.year_to_date(today)
    scope = st.scope_of(world.leader)
    label = f"This year ({year.start} to {year.end})"
    whole = read(workbook(client.get(XLSX))["Key figures"])["rows"][label]
    court = read(workbook(client.get(XLSX, query_string={"source": "court"}))["Key figures"])
    expected = st.compute(scope, year, Filters(source=Source.COURT), today=today).total
    assert court["rows"][label] == flat_row(expected)
    assert 0 < court["rows"][label][0] < whole[0]
    by_source = read(workbook(client.get(XLSX, query_string={"source": "court"}))["By source"])
    assert list(by_source["rows"]) == ["Court delegated or entrusted", "Total"]


def test_the_leaders_area_only(world, as_user, client):
    """leader2 (松滋市) counts 松滋市's cases; the city's administrator counts both counties."""
    this_year_world(world)
    today = local_today()
    year = Period.year_to_date(today)
    label = f"This year ({year.start} to {year.end})"
    for username, user in (("leader2", world.leader2), ("admin", world.admin)):
        as_user(username)
        rows = read(workbook(client.get(XLSX))["Key figures"])["rows"]
        expected = st.compute(st.scope_of(user), year, today=today).total
        assert rows[label] == flat_row(expected), username
    as_user("leader2")
    # Another county's place is no filter of 松滋市's leader: ignored, the area stays.
    rows = read(workbook(client.get(XLSX, query_string={"county": "421022"}))["Key figures"])
    assert rows["rows"][label] == flat_row(
        st.compute(st.scope_of(world.leader2), year, today=today).total
    )


def test_a_chosen_period(world, as_user, client):
    this_year_world(world)
    as_user("leader")
    today = local_today()
    period = Period(date(today.year, 1, 1), today)
    book = workbook(client.get(XLSX, query_string={"from": period.start.isoformat()}))
    rows = read(book["Key figures"])["rows"]
    assert list(rows) == [
        f"Chosen period ({period.start} to {period.end})",
        f"Same period last year ({period.year_earlier().start} to {period.year_earlier().end})",
    ]


@pytest.mark.parametrize("username", ["clerk", "mediator"])
def test_other_roles_are_refused(world, as_user, client, username):
    as_user(username)
    assert client.get(XLSX).status_code == 403


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get(XLSX)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_an_empty_database_gives_a_workbook_of_zeros(world, as_user, client):
    as_user("admin")
    book = workbook(client.get(XLSX))
    assert book.sheetnames == SHEETS
    key = read(book["Key figures"])
    assert len(key["rows"]) == 4
    for values in key["rows"].values():
        numbers = [v for v in values if v is not None]
        assert numbers and all(v == 0 for v in numbers)  # counts 0, rates empty
    for name in BREAKDOWNS:
        rows = read(book[name])["rows"]
        assert rows == {"Total": [0, 0, 0, None]}, name
    assert read(book["By month"])["rows"]["Total"][0] == 0


@pytest.mark.parametrize(
    "args",
    [
        {"from": "2026-12-01", "to": "2026-01-01"},
        {"from": "1900-01-01", "to": "2100-12-31"},
        {"from": "0001-01-01"},
        {"from": "not a date", "to": "2026-13-45"},
        {"county": "x" * 500, "township": "\x00", "org": str(2**63)},
        {"org": "-1", "dispute_type": "NOPE", "source": "🙂"},
        {"county": "421087", "township": "421022100"},  # a township of another county
        {"source": '=HYPERLINK("http://example.com")'},
    ],
)
def test_hostile_filters_never_fail(world, as_user, client, args):
    as_user("admin")
    book = workbook(client.get(XLSX, query_string=args))
    assert book.sheetnames == SHEETS
    block = read(book["Key figures"])["block"]
    assert block["Scope"] == "Cases of 荆州市"
    if "source" in args:
        assert block["Filters"] == "None"  # nothing that did not take effect is named


def test_the_link_keeps_the_filters(world, as_user, client):
    as_user("admin")
    html = client.get(
        URL,
        query_string={
            "from": "2026-01-01",
            "to": "2026-06-30",
            "county": "421022",
            "township": "421022100",
            "org": str(world.township_centre.id),
            "dispute_type": DisputeType.LL.value,
            "source": "court",
            "county_shown": "421022",
        },
    ).get_data(as_text=True)
    href = unescape(re.search(r'<a href="([^"]*)" id="dashboard-xlsx"', html).group(1))
    assert urlsplit(href).path == XLSX
    assert parse_qs(urlsplit(href).query) == {
        "from": ["2026-01-01"],
        "to": ["2026-06-30"],
        "county": ["421022"],
        "township": ["421022100"],
        "org": [str(world.township_centre.id)],
        "dispute_type": [DisputeType.LL.value],
        "source": ["court"],
    }
    # A filter that did not take effect is not carried.
    html = client.get(URL, query_string={"source": "nope", "org": "x"}).get_data(as_text=True)
    href = unescape(re.search(r'<a href="([^"]*)" id="dashboard-xlsx"', html).group(1))
    assert href == XLSX


def test_in_chinese(world, as_user, client):
    this_year_world(world)
    as_user("leader")
    response = client.get(XLSX, headers={"Accept-Language": "zh-CN"})
    book = workbook(response)
    assert len(book.sheetnames) == 7
    assert book.sheetnames[0] != "Key figures"


def test_a_long_periods_trend_totals_the_months_listed(world, as_user, client):
    as_user("leader")
    today = local_today()
    args = {"from": f"{today.year - 3}-01-01", "to": today.isoformat()}
    months = read(workbook(client.get(XLSX, query_string=args))["By month"])["rows"]
    assert list(months)[-1] == "Total of the months listed"
    assert len(months) == 24 + 1
