"""The ledger export of the oversight list: the buttons carry the list's filters, the file
holds every page of them, masked for leaders, recorded; the period filter."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from domain.calendar import local_today
from domain.states import Action
from models import Event, LedgerLog
from models.states import CaseState
from tests.conftest import hx


def csv_text(client, query: str = "") -> str:
    response = client.get(f"/oversight/ledger.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_data().decode("utf-8-sig")


@pytest.fixture
def cases(world, db):
    made = {
        "mediating": world.case(CaseState.MEDIATING),
        "failed": world.case(CaseState.FAILED),
        "elsewhere": world.case(CaseState.MEDIATING, village=world.village3),
    }
    db.session.commit()
    return made


def test_the_list_offers_the_ledger_of_its_filter(cases, client, login):
    login("leader")
    page = client.get("/oversight/?state=failed&after=xyz").get_data(as_text=True)
    assert "/oversight/ledger.xlsx?state=failed" in page
    assert "/oversight/ledger.csv?state=failed" in page
    assert "after=" not in page.split('id="ledger-export"')[1].split("</div>")[0]
    assert "full=1" not in page  # leaders only ever get masked details
    fragment = client.get("/oversight/?source=court", headers=hx("case-results"))
    assert "/oversight/ledger.csv?source=court" in fragment.get_data(as_text=True)


def test_a_directors_list_offers_their_cases_in_full(cases, client, login):
    login("director")
    assert "full=1" in client.get("/oversight/").get_data(as_text=True)


def test_a_leaders_ledger_is_their_area_masked_with_the_filter_named(
    cases, client, login, app, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    login("leader")
    text = csv_text(client, "?state=failed")
    assert cases["failed"].number in text
    assert cases["mediating"].number not in text
    assert cases["elsewhere"].number not in text  # another county
    assert "State: Mediation failed" in text
    assert "138****5678" in text and "13812345678" not in text
    record = LedgerLog.query.one()
    assert record.direction.value == "export" and record.via == "web" and record.rows == 1
    assert record.filters["state"] == "failed"
    # Every page: the list shows one case a page here, the ledger all of them.
    text = csv_text(client)
    assert cases["failed"].number in text and cases["mediating"].number in text


def test_a_leader_asking_for_full_details_gets_them_masked(cases, client, login, db):
    login("leader")
    assert "13812345678" not in csv_text(client, "?full=1")
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Event.id)).where(Event.action == Action.EXPORT_LEDGER.value)
        )
        == 0
    )


def test_a_directors_full_ledger_is_recorded_on_each_case(cases, client, login, db):
    login("director")
    response = client.get("/oversight/ledger.xlsx?full=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "13812345678" in values
    recorded = db.session.scalars(
        sa.select(Event.case_id).where(Event.action == Action.EXPORT_LEDGER.value)
    ).all()
    assert sorted(recorded) == sorted([cases["mediating"].id, cases["failed"].id])


def test_the_period_filter(cases, client, login):
    login("leader")
    today = local_today().isoformat()
    assert cases["failed"].number in csv_text(client, f"?from={today}&to={today}")
    assert cases["failed"].number not in csv_text(client, "?to=2020-01-01")
    page = client.get("/oversight/?from=2026-02-01&to=2026-01-01")
    assert "The end of the period is before its start." in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["?_external=1&_scheme=javascript", "?fmt=x&full=1", "?from=9999-99-99"]
)
def test_odd_queries_are_no_error(cases, client, login, query):
    login("leader")
    assert client.get(f"/oversight/{query}").status_code == 200
    assert client.get(f"/oversight/ledger.csv{query}").status_code == 200


def test_who_may_export(cases, client, login):
    assert client.get("/oversight/ledger.csv").status_code == 302  # to the login
    login("mediator")
    assert client.get("/oversight/ledger.csv").status_code == 403
    login("admin")
    assert client.get("/oversight/ledger.csv").status_code == 200
    assert client.get("/oversight/ledger.pdf").status_code == 404


def test_every_filter_is_named_in_the_header(cases, client, login):
    """Selects built from an enum (source, type, risk) name their label; a figure chosen on the
    dashboard is named with its breakdown value."""
    login("leader")
    text = csv_text(client, "?source=court&dispute_type=LL&risk=red&report_owed=y")
    assert "Source: Court delegated or entrusted" in text
    assert "Type of dispute: Neighbours" in text and "Risk level: " in text
    assert "Police report owed only: Yes" in text
    today = local_today().isoformat()
    text = csv_text(client, f"?indicator=successful&from={today}&to={today}&level=village")
    assert "Figure: Mediated successfully" in text and "Level: Village level" in text
