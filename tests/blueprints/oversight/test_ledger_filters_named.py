"""The ledger export names the list's select filters in its header block, whatever form their
choices take (enum_choices gives SelectChoice, four fields each): no 500."""

from __future__ import annotations

import io

import openpyxl
import pytest


@pytest.mark.parametrize(
    "args",
    [
        "source=application",
        "dispute_type=LL",
        "risk=red",
        "indicator=accepted&from=2026-01-01&to=2026-12-06&source=court",
    ],
)
def test_ledger_with_a_select_filter(world, login, client, args):
    login("leader")
    response = client.get(f"/oversight/ledger.xlsx?{args}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert any(word in text for word in ("Party application", "Neighbours", "Red", "Court"))
    assert client.get(f"/oversight/ledger.csv?{args}").status_code == 200
