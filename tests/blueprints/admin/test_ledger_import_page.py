"""The admin page importing a ledger: upload, the report of rejected rows, check only, limits."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from models import Case
from tests.domain.test_ledger_import import good_row, ledger_csv

URL = "/admin/ledger/import"


def upload(client, raw: bytes, name: str = "台账.csv", **extra):
    return client.post(
        URL,
        data={"file": (io.BytesIO(raw), name), **extra},
        content_type="multipart/form-data",
    )


def count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Case.id)))


def test_the_admin_home_links_the_page(world, login, client):
    login("admin")
    assert URL in client.get("/admin/").get_data(as_text=True)
    page = client.get(URL).get_data(as_text=True)
    assert "案件编号" in page and "Case number" in page  # the columns, both languages


def test_only_administrators(world, login, client):
    assert client.get(URL).status_code == 302
    login("leader")
    assert client.get(URL).status_code == 403


def test_a_good_file_is_imported(world, db, login, client):
    login("admin")
    response = upload(client, ledger_csv([good_row(), good_row(number="GA-2", mediator="")]))
    assert response.status_code == 200
    assert "Imported 2 cases." in response.get_data(as_text=True)
    assert count(db) == 2


def test_rejected_rows_are_listed_with_column_and_reason_and_nothing_imported(
    world, db, login, client
):
    login("admin")
    rows = [good_row(), good_row(number="GA-2", type_code="XX", type_name="")]
    page = upload(client, ledger_csv(rows)).get_data(as_text=True)
    assert "Nothing was imported" in page
    report = page.split("Rejected rows")[1]
    cells = [
        re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", report, re.S)
    ]
    assert cells[:3] == ["4", "Dispute type code", "XX is not a national dispute type code."]
    assert count(db) == 0


def test_check_only_imports_nothing(world, db, login, client):
    login("admin")
    page = upload(client, ledger_csv([good_row()]), check="1").get_data(as_text=True)
    assert "The case can be imported. Nothing was imported yet." in page
    assert count(db) == 0


def test_masked_values_are_warnings(world, db, login, client):
    login("admin")
    page = upload(client, ledger_csv([good_row(applicant_phones="138****5678")]))
    text = page.get_data(as_text=True)
    assert "Imported 1 case." in text and "138****5678 is masked" in text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Choose an XLSX or CSV file."),
        (b"x" * (10 * 1024 * 1024 + 1), "larger than 10 MB"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "old Excel .xls file"),
    ],
)
def test_empty_oversized_and_old_files(world, db, login, client, raw, message):
    login("admin")
    response = upload(client, raw)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_csrf_is_required(world, db, login, client, app, monkeypatch):
    login("admin")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert upload(client, ledger_csv([good_row()])).status_code == 400
    assert count(db) == 0
