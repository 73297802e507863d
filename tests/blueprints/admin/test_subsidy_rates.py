"""The subsidy rates page: list in precedence order, add, change, delete; bad input; who may
change them."""

from __future__ import annotations

import pytest

from models import SubsidyRate
from models.enums import DisputeType, Role, Source
from models.subsidy import Difficulty
from tests.factories import user

URL = "/admin/subsidy-rates"


def rates(db):
    db.session.expire_all()
    return db.session.query(SubsidyRate).order_by(SubsidyRate.id).all()


@pytest.fixture
def rate(world, db):
    r = SubsidyRate(source=Source.PETITION, amount_cents=100_000)
    db.session.add(r)
    db.session.commit()
    return r


def test_add_rate(world, login, client, db):
    login("admin")
    r = client.post(
        URL,
        data={
            "source": "petition",
            "dispute_type": "SLTD",
            "difficulty": "major",
            "amount": "1,000.50".replace(",", ""),
            "any_outcome": "y",
        },
    )
    assert r.status_code == 303
    [saved] = rates(db)
    assert (saved.source, saved.dispute_type, saved.difficulty) == (
        Source.PETITION,
        DisputeType.SLTD,
        Difficulty.MAJOR,
    )
    assert (saved.amount_cents, saved.any_outcome) == (100_050, True)
    html = client.get(URL).get_data(as_text=True)
    assert "Subsidy rate saved" in html
    assert f'id="rate-{saved.id}-row"' in html and "1,000.50" in html


def test_list_in_precedence_order(world, login, client, db):
    db.session.add_all(
        [
            SubsidyRate(amount_cents=20_000),
            SubsidyRate(difficulty=Difficulty.MAJOR, amount_cents=60_000),
            SubsidyRate(source=Source.PETITION, amount_cents=100_000),
        ]
    )
    db.session.commit()
    login("admin")
    html = client.get(URL).get_data(as_text=True)
    assert html.index("1,000.00") < html.index("600.00") < html.index("200.00")
    assert "most specific rate" in html  # the rule


def test_change_and_delete(rate, login, client, db):
    login("admin")
    page = client.get(f"{URL}/{rate.id}").get_data(as_text=True)
    assert 'value="1000.00"' in page
    r = client.post(f"{URL}/{rate.id}", data={"source": "petition", "amount": "1200"})
    assert r.status_code == 303
    [changed] = rates(db)
    assert changed.amount_cents == 120_000
    assert client.post(f"{URL}/{rate.id}/delete").status_code == 303
    assert rates(db) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": ""}, "Enter the amount in yuan."),
        ({"amount": "abc"}, "Not a valid decimal value."),
        ({"amount": "NaN"}, "Enter a number"),
        ({"amount": "Infinity"}, "Enter a number"),
        ({"amount": "1e999999"}, "Enter an amount from"),
        ({"amount": "-5"}, "Enter an amount from"),
        ({"amount": "1.005"}, "two decimals at most"),
        ({"amount": "10", "source": "nowhere"}, "Not a valid choice"),
        ({"amount": "10", "difficulty": "hard"}, "Not a valid choice"),
        ({"amount": "10", "dispute_type": "X" * 500}, "Not a valid choice"),
    ],
)
def test_bad_input(world, login, client, db, data, message):
    login("admin")
    r = client.post(URL, data=data)
    assert r.status_code == 200
    assert message in r.get_data(as_text=True)
    assert rates(db) == []


def test_duplicate_refused(rate, login, client, db):
    login("admin")
    r = client.post(URL, data={"source": "petition", "amount": "5"})
    assert r.status_code == 200
    assert "already exists" in r.get_data(as_text=True)
    assert len(rates(db)) == 1


def test_missing_rate_is_404(world, login, client):
    login("admin")
    assert client.get(f"{URL}/999999").status_code == 404
    assert client.get(f"{URL}/99999999999999999999").status_code == 404
    assert client.post(f"{URL}/999999/delete").status_code == 404


def test_county_administrator_sees_but_cannot_change(rate, world, login, client, db):
    user("admin_county", Role.ADMIN, world.county_centre, "县管理员")
    db.session.commit()
    login("admin_county")
    html = client.get(URL).get_data(as_text=True)
    assert f'id="rate-{rate.id}-row"' in html
    assert "the city administrator sets them" in html
    assert client.post(URL, data={"amount": "5"}).status_code == 403
    assert client.get(f"{URL}/{rate.id}").status_code == 403
    assert client.post(f"{URL}/{rate.id}/delete").status_code == 403
    assert len(rates(db)) == 1


@pytest.mark.parametrize("username", ["leader", "director", "mediator", "clerk"])
def test_other_roles_refused(world, login, client, username):
    login(username)
    assert client.get(URL).status_code == 403


def test_in_the_navigation(world, login, client):
    login("admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/subsidy-rates"' in html
