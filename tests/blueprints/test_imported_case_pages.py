"""Cases imported from a ledger open like any other: their page, in every state, for everyone
who may see them, with the one "imported" entry on the timeline."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.domain.test_ledger_import import good_row, ledger_csv, run

TODAY_ROWS = {
    "agreed": {},
    "failed": {
        "outcome": "调解不成",
        "agreement_form": "",
        "confirmation": "",
        "confirmed_on": "",
        "performance": "",
        "follow_up_on": "",
    },
    "archived": {"state": "已归档"},
    "not_accepted": {
        "outcome": "不予受理",
        "accepted_on": "",
        "organisation": "",
        "mediator": "",
        "agreement_form": "",
        "confirmation": "",
        "confirmed_on": "",
        "performance": "",
        "follow_up_on": "",
    },
    "mediating": {
        "state": "调解中",
        "outcome": "",
        "outcome_on": "",
        "agreement_form": "",
        "confirmation": "",
        "confirmed_on": "",
        "performance": "",
        "follow_up_on": "",
    },
    "suspended": {
        "state": "中止调解",
        "outcome": "",
        "outcome_on": "",
        "agreement_form": "",
        "confirmation": "",
        "confirmed_on": "",
        "performance": "",
        "follow_up_on": "",
    },
}


@pytest.fixture
def imported(world, db):
    numbers = [f"OLD-1-{name}" for name in TODAY_ROWS]
    rows = [good_row(number=n, **c) for n, c in zip(numbers, TODAY_ROWS.values(), strict=True)]
    run(ledger_csv(rows), world.admin)
    db.session.commit()
    return numbers


@pytest.mark.parametrize("username", ["admin", "leader", "director", "mediator", "clerk"])
def test_every_imported_case_opens(imported, login, client, username):
    login(username)
    for number in imported:
        if username in ("mediator", "director") and number == "OLD-1-not_accepted":
            continue  # never at a committee: not the committee's
        response = client.get(url_for("cases.detail", number=number))
        assert response.status_code == 200, (username, number)
        page = response.get_data(as_text=True)
        assert "Imported from a case ledger" in page


def test_an_old_number_with_brackets_opens(world, db, login, client):
    run(ledger_csv([good_row()]), world.admin)
    db.session.commit()
    login("leader")
    response = client.get(url_for("cases.detail", number="(2019)公埠人调字第12号"))
    assert response.status_code == 200
    assert client.get("/oversight/?q=(2019)").get_data(as_text=True).count("公埠人调字第12号") >= 1
