"""The time-limit rules page: list, add, change, delete; bad input; scope and roles."""

from __future__ import annotations

import pytest

from models import TimeLimitRule
from models.enums import Role, Source
from tests.factories import user


@pytest.fixture
def rule(world, db):
    r = TimeLimitRule(source=Source.COURT, days=30)
    db.session.add(r)
    db.session.commit()
    return r


def rules(db):
    db.session.expire_all()
    return db.session.query(TimeLimitRule).order_by(TimeLimitRule.id).all()


def test_list_shows_rules(rule, world, login, client):
    login("admin")
    html = client.get("/admin/time-limits").get_data(as_text=True)
    assert "Time limits" in html
    assert f'id="rule-{rule.id}-row"' in html
    assert "30 calendar days" in html
    assert world.village_committee.name in html  # an organisation choice
    assert world.court.name not in html  # does not mediate


def test_add_rule(world, login, client, db):
    login("admin")
    r = client.post(
        "/admin/time-limits",
        data={
            "organisation": world.township_centre.id,
            "source": "petition",
            "days": "60",
            "working_days": "y",
        },
    )
    assert r.status_code == 303
    [saved] = rules(db)
    assert (saved.organisation_id, saved.source, saved.days, saved.working_days) == (
        world.township_centre.id,
        Source.PETITION,
        60,
        True,
    )
    html = client.get("/admin/time-limits").get_data(as_text=True)
    assert "60 working days" in html
    assert "Time-limit rule saved" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": "0"}, "Enter 1 to 365 days."),
        ({"days": "400"}, "Enter 1 to 365 days."),
        ({"days": ""}, "Enter the number of days."),
        ({"days": "x"}, "Not a valid integer value"),
        ({"days": "20", "source": "nope"}, "Not a valid choice"),
        ({"days": "20", "organisation": "999999"}, "Not a valid choice"),
        ({"days": "20", "organisation": "abc"}, "Not a valid choice"),
    ],
)
def test_add_rule_bad_input(world, login, client, db, data, message):
    login("admin")
    r = client.post("/admin/time-limits", data=data)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert message in html
    assert "<html" in html
    assert rules(db) == []


def test_duplicate_rule_is_refused(rule, world, login, client, db):
    login("admin")
    r = client.post("/admin/time-limits", data={"source": "court", "days": "15"})
    assert r.status_code == 200
    assert "already exists" in r.get_data(as_text=True)
    assert [x.days for x in rules(db)] == [30]


def test_edit_rule(rule, world, login, client, db):
    login("admin")
    html = client.get(f"/admin/time-limits/{rule.id}").get_data(as_text=True)
    assert "Change a time-limit rule" in html
    assert 'value="30"' in html
    r = client.post(f"/admin/time-limits/{rule.id}", data={"source": "court", "days": "25"})
    assert r.status_code == 303
    assert rules(db)[0].days == 25
    r = client.post(f"/admin/time-limits/{rule.id}", data={"source": "court", "days": "-1"})
    assert r.status_code == 200
    assert "Enter 1 to 365 days." in r.get_data(as_text=True)


def test_delete_rule(rule, login, client, db):
    rule_id = rule.id
    login("admin")
    r = client.post(f"/admin/time-limits/{rule_id}/delete")
    assert r.status_code == 303
    assert rules(db) == []
    assert client.post(f"/admin/time-limits/{rule_id}/delete").status_code == 404


def test_county_admin_sees_but_cannot_change_city_rules(rule, world, login, client, db):
    user("admin_gongan", Role.ADMIN, world.county_centre)
    far = TimeLimitRule(organisation=world.county2_centre, days=20)
    db.session.add(far)
    db.session.commit()
    login("admin_gongan")
    html = client.get("/admin/time-limits").get_data(as_text=True)
    assert "Set by the city" in html
    assert f'id="rule-{far.id}-row"' not in html
    assert client.get(f"/admin/time-limits/{rule.id}").status_code == 403
    assert client.post(f"/admin/time-limits/{rule.id}/delete").status_code == 403
    assert client.get(f"/admin/time-limits/{far.id}").status_code == 404
    r = client.post("/admin/time-limits", data={"source": "police", "days": "5"})
    assert r.status_code == 200
    assert "Only a city administrator" in r.get_data(as_text=True)


@pytest.mark.parametrize("who", ["clerk", "mediator", "director", "leader"])
def test_roles(rule, login, client, who):
    assert client.get("/admin/time-limits").status_code == 302
    login(who)
    assert client.get("/admin/time-limits").status_code == 403
    assert client.post(f"/admin/time-limits/{rule.id}/delete").status_code == 403


def test_unknown_rule(login, client, world):
    login("admin")
    assert client.get("/admin/time-limits/99999").status_code == 404
    assert client.get("/admin/time-limits/99999999999").status_code == 404
