"""The routing-rules pages: list, add, change, deactivate, delete, reorder, the "try it" box;
bad input beside the fields; scope and roles; the desk's dispatch panel shows the rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import RoutingRule
from models.enums import DisputeType, RiskLevel, Role, RoutingLevel
from models.states import CaseState
from tests.factories import user


def add(db, position, name, scope="421022", **kw):
    r = RoutingRule(scope_code=scope, position=position, name=name, **kw)
    db.session.add(r)
    db.session.commit()
    return r


@pytest.fixture
def traffic_rule(world, db):
    return add(
        db, 1, "Traffic to the traffic committee", dispute_types=["DLJT"], target_org=world.traffic
    )


@pytest.fixture
def risk_rule(world, db):
    return add(
        db,
        2,
        "High risk to the township",
        risk_levels=["orange", "red"],
        target_level=RoutingLevel.TOWNSHIP,
    )


def saved(db):
    db.session.expire_all()
    return db.session.query(RoutingRule).order_by(RoutingRule.position, RoutingRule.id).all()


def test_list_in_order_with_conditions_and_target_in_words(
    traffic_rule, risk_rule, login, client, world
):
    login("admin")
    html = client.get("/admin/routing").get_data(as_text=True)
    assert "Routing rules" in html
    assert html.index(f'id="rule-{traffic_rule.id}-row"') < html.index(
        f'id="rule-{risk_rule.id}-row"'
    )
    assert f"type is {DisputeType.DLJT.label}" in html
    assert world.traffic.name in html
    assert f"risk is {RiskLevel.ORANGE.label} / {RiskLevel.RED.label}" in html
    assert "The township centre of the place" in html


def test_nav_links_the_page(login, client, world):
    login("admin")
    assert 'href="/admin/routing"' in client.get("/admin/users").get_data(as_text=True)


def test_add_rule(world, login, client, db):
    login("admin")
    r = client.post(
        "/admin/routing/new",
        data={
            "name": "Big collective disputes",
            "scope_code": "421022",
            "min_parties": "10",
            "min_amount": "50000",
            "target_level": "county",
            "active": "y",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)
    [rule] = saved(db)
    assert (
        rule.name,
        rule.scope_code,
        rule.min_parties,
        rule.min_amount,
        rule.target_level,
        rule.active,
    ) == ("Big collective disputes", "421022", 10, Decimal("50000"), RoutingLevel.COUNTY, True)
    assert rule.updated_by_id == world.admin.id and rule.updated_at is not None
    html = client.get("/admin/routing").get_data(as_text=True)
    assert "Routing rule saved" in html
    assert "10 or more parties" in html and "amount at least 50,000 yuan" in html


def test_new_rules_go_last(traffic_rule, risk_rule, world, login, client, db):
    login("admin")
    r = client.post(
        "/admin/routing/new",
        data={
            "name": "Family",
            "scope_code": "421022",
            "dispute_types": ["HYJT", "LL"],
            "target_org": world.village_committee.id,
            "active": "y",
        },
    )
    assert r.status_code == 303
    rules = saved(db)
    assert [x.name for x in rules][-1] == "Family"
    assert rules[-1].position == 3 and rules[-1].dispute_types == ["HYJT", "LL"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name for the rule."),
        ({"name": "   "}, "name", "Enter a name for the rule."),
        (
            {"target_org": "", "target_level": ""},
            "target_org",
            "Choose where the rule sends cases: an organisation or a level.",
        ),
        ({"target_level": "county"}, "target_org", "Choose an organisation or a level, not both."),
        ({"dispute_types": [], "min_amount": ""}, "dispute_types", "Give at least one condition"),
        ({"min_parties": "1"}, "min_parties", "Enter 2 or more parties"),
        ({"min_parties": "x"}, "min_parties", "Not a valid integer value"),
        ({"min_amount": "-5"}, "min_amount", "Enter an amount of 0 or more"),
        ({"min_amount": "abc"}, "min_amount", "Not a valid decimal value"),
        ({"target_org": "COURT"}, "target_org", "Not a valid choice"),
        ({"scope_code": "999999"}, "scope_code", "Not a valid choice"),
        ({"dispute_types": ["NOPE"]}, "dispute_types", "is not a valid choice"),
        ({"target_org": "SONGZI"}, "target_org", "Choose an organisation in the county the rule"),
        ({"scope_code": "4210"}, "target_org", "for a rule of the whole city, send to a level"),
        (
            {"place_code": "421087001001"},
            "place_code",
            "Choose a place inside the region the rule applies in.",
        ),
    ],
)
def test_bad_input_beside_the_field_and_input_kept(world, login, client, db, data, field, message):
    form = {
        "name": "My rule",
        "scope_code": "421022",
        "dispute_types": ["DLJT"],
        "target_org": str(world.traffic.id),
        "min_amount": "1234.5",
        "active": "y",
    }
    form.update(data)
    if form.get("target_org") == "COURT":
        form["target_org"] = str(world.court.id)  # not mediating: not a choice
    if form.get("target_org") == "SONGZI":
        form["target_org"] = str(world.county2_centre.id)  # another county
    login("admin")
    r = client.post("/admin/routing/new", data=form)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    # The message sits in the field's own error paragraph.
    start = html.index(f'id="{field}-error"')
    assert message in html[start : start + 400]
    assert saved(db) == []
    if field != "name":
        assert 'value="My rule"' in html  # what was typed is kept
    if form["min_amount"] == "1234.5":
        assert 'value="1234.5"' in html or 'value="1234.50"' in html


def test_edit_rule(traffic_rule, world, login, client, db):
    login("admin")
    html = client.get(f"/admin/routing/{traffic_rule.id}").get_data(as_text=True)
    assert "Change routing rule 1" in html
    assert 'value="Traffic to the traffic committee"' in html
    assert 'value="DLJT" checked' in html
    r = client.post(
        f"/admin/routing/{traffic_rule.id}",
        data={
            "name": "Traffic and medical",
            "scope_code": "421022",
            "dispute_types": ["DLJT", "YL"],
            "target_org": world.traffic.id,
            "active": "y",
        },
    )
    assert r.status_code == 303
    [rule] = saved(db)
    assert (rule.name, set(rule.dispute_types)) == ("Traffic and medical", {"DLJT", "YL"})
    assert rule.updated_by_id == world.admin.id
    r = client.post(
        f"/admin/routing/{traffic_rule.id}",
        data={
            "name": "",
            "scope_code": "421022",
            "dispute_types": ["DLJT"],
            "target_org": world.traffic.id,
        },
    )
    assert r.status_code == 200
    assert "Enter a name for the rule." in r.get_data(as_text=True)
    assert saved(db)[0].name == "Traffic and medical"


def test_deactivate_and_activate(traffic_rule, world, login, client, db):
    login("admin")
    r = client.post(f"/admin/routing/{traffic_rule.id}/active", data={"active": "0"})
    assert r.status_code == 303
    assert saved(db)[0].active is False
    html = client.get("/admin/routing").get_data(as_text=True)
    assert "Inactive" in html and "Activate" in html
    client.post(f"/admin/routing/{traffic_rule.id}/active", data={"active": "1"})
    assert saved(db)[0].active is True


def test_delete(traffic_rule, login, client, db):
    rule_id = traffic_rule.id
    login("admin")
    assert client.post(f"/admin/routing/{rule_id}/delete").status_code == 303
    assert saved(db) == []
    assert client.post(f"/admin/routing/{rule_id}/delete").status_code == 404


def test_reorder(traffic_rule, risk_rule, world, login, client, db):
    third = add(db, 3, "Amount", min_amount=Decimal("100000"), target_level=RoutingLevel.TOWNSHIP)
    far = add(
        db, 2, "Songzi rule", scope="421087", dispute_types=["LL"], target_org=world.county2_centre
    )
    login("admin")
    r = client.post(f"/admin/routing/{third.id}/move", data={"direction": "up"})
    assert r.status_code == 303
    names = [x.name for x in saved(db) if x.scope_code == "421022"]
    assert names == ["Traffic to the traffic committee", "Amount", "High risk to the township"]
    client.post(f"/admin/routing/{traffic_rule.id}/move", data={"direction": "up"})  # first
    client.post(f"/admin/routing/{traffic_rule.id}/move", data={"direction": "down"})
    names = [x.name for x in saved(db) if x.scope_code == "421022"]
    assert names == ["Amount", "Traffic to the traffic committee", "High risk to the township"]
    assert [x.position for x in saved(db) if x.scope_code == "421022"] == [1, 2, 3]
    db.session.refresh(far)
    assert far.position == 2  # another county's rule is left alone
    html = client.get("/admin/routing").get_data(as_text=True)
    assert html.index("Amount") < html.index("Traffic to the traffic committee")
    assert (
        client.post(f"/admin/routing/{third.id}/move", data={"direction": "sideways"}).status_code
        == 400
    )


def test_out_of_region_admin_is_refused(traffic_rule, world, login, client, db):
    user("admin_songzi", Role.ADMIN, world.county2_centre)
    mine = add(
        db, 1, "Songzi rule", scope="421087", dispute_types=["LL"], target_org=world.county2_centre
    )
    db.session.commit()
    login("admin_songzi")
    html = client.get("/admin/routing").get_data(as_text=True)
    assert f'id="rule-{traffic_rule.id}-row"' not in html
    assert f'id="rule-{mine.id}-row"' in html
    assert world.traffic.name not in client.get("/admin/routing/new").get_data(as_text=True)
    for path in ("", "/delete", "/active", "/move"):
        method = client.get if path == "" else client.post
        assert method(f"/admin/routing/{traffic_rule.id}{path}").status_code == 404
    assert (
        client.post(
            f"/admin/routing/{traffic_rule.id}",
            data={
                "name": "Hijack",
                "scope_code": "421087",
                "dispute_types": ["LL"],
                "target_org": world.county2_centre.id,
            },
        ).status_code
        == 404
    )
    # A rule pointing outside the region is refused beside the field.
    r = client.post(
        "/admin/routing/new",
        data={
            "name": "Outside",
            "scope_code": "421022",
            "dispute_types": ["LL"],
            "target_org": world.traffic.id,
        },
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Not a valid choice" in html[html.index('id="scope_code-error"') :][:300]
    assert "Not a valid choice" in html[html.index('id="target_org-error"') :][:300]
    assert sorted(x.name for x in saved(db)) == ["Songzi rule", "Traffic to the traffic committee"]


@pytest.mark.parametrize("who", ["clerk", "mediator", "director", "leader"])
def test_non_admins_are_refused(traffic_rule, login, client, who):
    assert client.get("/admin/routing").status_code == 302  # not logged in
    login(who)
    assert client.get("/admin/routing").status_code == 403
    assert client.get("/admin/routing/new").status_code == 403
    assert client.post(f"/admin/routing/{traffic_rule.id}/delete").status_code == 403


def test_unknown_rule(login, client, world):
    login("admin")
    assert client.get("/admin/routing/99999").status_code == 404
    assert client.get("/admin/routing/99999999999").status_code == 404


def test_try_it_box(traffic_rule, risk_rule, world, login, client, db):
    login("admin")
    base = {
        "dispute_type": "LL",
        "place": world.village.code,
        "amount": "",
        "parties": "2",
        "risk": "none",
    }
    html = client.get("/admin/routing", query_string=base).get_data(as_text=True)
    result = html[html.index('id="try-result"') :]
    assert "Default rule" in result and world.village_committee.name in result
    html = client.get("/admin/routing", query_string={**base, "risk": "red"}).get_data(as_text=True)
    result = html[html.index('id="try-result"') :]
    assert "Rule 2 · High risk to the township" in result
    assert world.township_centre.name in result
    assert f"It matches: risk is {RiskLevel.ORANGE.label} / {RiskLevel.RED.label}." in result
    html = client.get(
        "/admin/routing", query_string={**base, "dispute_type": "DLJT", "risk": "red"}
    ).get_data(as_text=True)
    assert "Rule 1 · Traffic to the traffic committee" in html
    # The choices are kept, bad input is told beside the field, nothing is written.
    assert 'selected value="DLJT"' in html
    html = client.get(
        "/admin/routing", query_string={**base, "place": "", "amount": "-1"}
    ).get_data(as_text=True)
    assert 'id="try-result"' not in html
    assert "Choose a place." in html[html.index('id="place-error"') :][:200]
    assert "Enter an amount of 0 or more." in html
    assert len(saved(db)) == 2


def test_desk_panel_shows_rule_and_reason(traffic_rule, world, login, client, db):
    case = world.case(CaseState.ACCEPTED, dtype=DisputeType.DLJT)
    other = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    box = html[html.index('id="dispatch-suggestion"') :][:1500]
    assert f"Rule 1 · Traffic to the traffic committee → {world.traffic.name}" in box
    assert "It matches: type is" in box
    html = client.get(f"/cases/{other.number}").get_data(as_text=True)
    box = html[html.index('id="dispatch-suggestion"') :][:1500]
    assert f"Default rule → {world.village_committee.name}" in box
    assert "Committee of the village or community where it happened." in box
