"""Typed or forged values that used to end in a 500 (OverflowError on SQLite, DataError on
PostgreSQL, decimal.InvalidOperation, "date value out of range") on the issue-5 pages: page
numbers, ids in hidden fields and URLs, NaN amounts, dates in year 1 or 9999. Each now gets a
message beside its field with the input kept, or a 404 for an id that names nothing; and two
admins editing one routing rule no longer lose an update silently."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from domain.clocks import CHINA, local_today
from domain.errors import ValidationFailed
from domain.ids import MAX_ID, row_id
from domain.links import link_cases
from domain.referrals import ReferralData, extend_petition, register_referral
from domain.transfers import send_transfer
from models import Case, RoutingRule
from models.docking import CaseLink, Transfer
from models.enums import PoliceCategory, ReferralKind, Role, RoutingLevel
from models.states import CaseState
from tests.blueprints.desk.test_register_referrals import _case_fields
from tests.factories import count_rows, fresh, user

HUGE = "99999999999999999999"


def error_of(html: str, field_id: str) -> str:
    """The text of the error paragraph beside the field `field_id`."""
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</', html, re.S)
    assert match, f"no error beside {field_id}"
    return match.group(1)


def test_row_id():
    assert row_id("12") == 12 and row_id(12) == 12 and row_id(str(MAX_ID)) == MAX_ID
    for bad in (HUGE, str(MAX_ID + 1), "0", "-3", "", None, "1.5", "x", "１２", True, 2**40):
        assert row_id(bad) is None, bad


# ---- 1. the desk overview's page number --------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, "-7", "0", "x", "9" * 5000])
def test_overview_page_number_is_clamped(world, db, login, client, value):
    world.referral_case(ReferralKind.COURT, CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    response = client.get(f"/desk/overview?referrals={value}")
    assert response.status_code == 200
    assert "Referrals awaiting feedback" in response.get_data(as_text=True)


# ---- 2. unlinking with a forged link id --------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "0", "-1", "abc", ""])
def test_unlink_with_a_nonsense_id_is_not_found(world, db, login, client, value):
    a, b = world.case(CaseState.ACCEPTED), world.case(CaseState.ACCEPTED)
    link_cases(a, b.number, world.clerk, version=None, kind="related")
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/cases/{a.number}/links/remove",
        data={"unlink-version": fresh(db, a).version, "unlink-link": value},
    )
    assert response.status_code == 404
    assert count_rows(CaseLink) == 1


def test_unlink_with_an_id_in_range_that_names_no_link(world, db, login, client):
    a = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/cases/{a.number}/links/remove",
        data={"unlink-version": a.version, "unlink-link": str(MAX_ID)},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # No such link is on offer: the case page, the message at the top.
    assert 'id="panel-links"' in html
    assert "This link no longer exists." in html.split('id="flashes"')[1].split("</div>")[0]


# ---- 3. transfers: the receiving organisation and the transfer id ---------------------------


@pytest.mark.parametrize("value", [HUGE, "-1", "abc", "COURT"])
def test_send_transfer_to_an_organisation_not_in_the_list(world, db, login, client, value):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    if value == "COURT":
        value = str(world.court.id + 10**6)  # in range, but no such organisation
    login("mediator")
    response = client.post(
        f"/cases/{case.number}/transfers",
        data={
            "send-version": case.version,
            "send-to_org": value,
            "send-to_name": "",
            "send-reason": "需要镇里协调",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Choose an organisation from the list." in error_of(html, "send-to_org")
    assert "需要镇里协调" in html
    assert count_rows(Transfer) == 0


@pytest.mark.parametrize("action", ["withdraw", "accept", "decline", "ack_out"])
def test_answering_a_transfer_with_a_forged_id(world, db, login, client, action):
    case = world.case(CaseState.MEDIATING)
    tdir = user("tdir", Role.DIRECTOR, world.township_centre)
    db.session.flush()
    if action == "ack_out":
        t = send_transfer(case, world.mediator, version=None, to_name="公安县人民法院", reason="x")
    else:
        t = send_transfer(
            case, world.mediator, version=None, to_org=world.township_centre, reason="x"
        )
    db.session.commit()
    login(tdir.username if action in ("accept", "decline") else "mediator")
    url = {"ack_out": "ack-out"}.get(action, action)
    response = client.post(
        f"/cases/{case.number}/transfers/{url}",
        data={
            f"{action}-version": fresh(db, case).version,
            f"{action}-transfer": HUGE,
            f"{action}-reason": "应先由村委会调解",
            f"{action}-receiver_name": "王法官",
            f"{action}-received_on": local_today().isoformat(),
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This transfer is no longer waiting for an answer." in html
    assert f'id="panel-transfer-{action}" data-panel-open' in html  # the form back, open
    kept = {"decline": "应先由村委会调解", "ack_out": 'value="王法官"'}.get(action)
    assert kept is None or kept in html  # what was typed
    db.session.expire_all()
    assert db.session.get(Transfer, t.id).status == "pending"


def test_transfer_note_with_a_huge_id_is_not_found(world, db, login, client):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("clerk")
    assert client.get(f"/cases/{case.number}/transfers/{HUGE}/note?html=1").status_code == 404


# ---- 4. routing rules ------------------------------------------------------------------------


def _rule_form(world, **overrides):
    data = {
        "name": "My rule",
        "scope_code": "421022",
        "dispute_types": ["DLJT"],
        "target_org": str(world.traffic.id),
        "active": "y",
    }
    data.update(overrides)
    return data


def test_rule_with_a_huge_target_org(world, db, login, client):
    login("admin")
    response = client.post("/admin/routing/new", data=_rule_form(world, target_org=HUGE))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Not a valid choice" in error_of(html, "target_org")
    assert 'value="My rule"' in html
    assert count_rows(RoutingRule) == 0


@pytest.mark.parametrize("value", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "1e20"])
def test_rule_with_a_non_finite_amount(world, db, login, client, value):
    login("admin")
    response = client.post(
        "/admin/routing/new",
        data=_rule_form(world, min_amount=value, target_org="", target_level="county"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    message = error_of(html, "min_amount")
    assert (
        "Enter a number" in message
        if value != "1e20"
        else "Enter an amount of 0 or more" in message
    )
    assert f'value="{value}"' in html and 'value="My rule"' in html
    assert count_rows(RoutingRule) == 0


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity"])
def test_try_box_with_a_non_finite_amount(world, db, login, client, value):
    login("admin")
    response = client.get(
        f"/admin/routing?place=421022100201&dispute_type=LL&risk=none&amount={value}"
    )
    assert response.status_code == 200
    assert "Enter a number" in error_of(response.get_data(as_text=True), "amount")


@pytest.mark.parametrize("path", ["", "/active", "/move", "/delete"])
def test_rule_urls_with_a_huge_id_are_not_found(world, db, login, client, path):
    login("admin")
    method = client.get if path == "" else client.post
    assert method(f"/admin/routing/{HUGE}{path}", data={"direction": "up"}).status_code == 404
    assert client.post(f"/admin/routing/{HUGE}", data=_rule_form(world)).status_code == 404


def test_two_admins_editing_one_rule(world, db, login, client, app):
    rule = RoutingRule(
        scope_code="421022",
        position=1,
        name="Traffic",
        dispute_types=["DLJT"],
        target_org=world.traffic,
    )
    db.session.add(rule)
    db.session.commit()
    login("admin")
    html = client.get(f"/admin/routing/{rule.id}").get_data(as_text=True)
    seen = int(re.search(r'name="version"[^>]*value="(\d+)"', html).group(1))
    assert seen == rule.version
    # Another admin saves first (their own browser).
    other = app.test_client()
    user("admin2", Role.ADMIN, world.admin.organisation)
    db.session.commit()
    from tests.factories import PASSWORD

    other.post("/auth/login", data={"username": "admin2", "password": PASSWORD})
    response = other.post(
        f"/admin/routing/{rule.id}", data=_rule_form(world, name="Traffic (admin2)", version=seen)
    )
    assert response.status_code == 303
    # This admin's save is refused with a message, what they typed kept.
    response = client.post(
        f"/admin/routing/{rule.id}",
        data=_rule_form(
            world, name="Traffic and medical", dispute_types=["DLJT", "YL"], version=seen
        ),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this rule while you were working on it." in html
    assert 'value="Traffic and medical"' in html and 'value="YL" checked' in html
    assert 'id="rule-now"' in html and "Traffic (admin2)" in html
    db.session.expire_all()
    assert db.session.get(RoutingRule, rule.id).name == "Traffic (admin2)"
    # Saving again (against the version now shown) is a deliberate overwrite.
    now = int(re.search(r'name="version"[^>]*value="(\d+)"', html).group(1))
    assert now == seen + 1
    response = client.post(
        f"/admin/routing/{rule.id}",
        data=_rule_form(
            world, name="Traffic and medical", dispute_types=["DLJT", "YL"], version=now
        ),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(RoutingRule, rule.id).name == "Traffic and medical"


def test_rule_version_moves_with_each_change(world, db):
    rule = RoutingRule(
        scope_code="421022",
        position=1,
        name="Big",
        min_parties=10,
        target_level=RoutingLevel.COUNTY,
    )
    db.session.add(rule)
    db.session.commit()
    assert rule.version == 1
    rule.active = False
    db.session.commit()
    assert rule.version == 2


# ---- 5. referral registration dates ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("court", {"body_name": "公安县人民法院", "external_no": "C1", "court_mode": "delegated"}),
        ("police", {"body_name": "派出所", "external_no": "J1", "police_category": "non_police"}),
    ],
)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0001-01-01T00:00", "Enter a date between 1900 and 2100."),
        ("1999-12-31T23:59", "Enter a date from 2000 on."),
        ("2099-12-31T23:59", "This cannot be in the future."),
        ("9999-12-31T23:59", "Enter a date between 1900 and 2100."),
    ],
)
def test_received_at_out_of_range(world, db, login, client, kind, extra, value, message):
    login("clerk")
    response = client.post(
        f"/desk/register/{kind}", data=_case_fields(world, body_org="", received_at=value, **extra)
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in error_of(html, "received_at")
    assert f'value="{value}"' in html and 'value="黄大山"' in html
    assert count_rows(Case) == 0


def _petition(**overrides):
    fields = dict(
        body_org="",
        body_name="信访局",
        external_no="XF1",
        petition_received_on=(local_today() - timedelta(days=3)).isoformat(),
        petition_form="visit",
        both_consent="y",
        petition_due_on="",
        received_at=(local_today() - timedelta(days=1)).isoformat() + "T10:00",
    )
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("petition_due_on", "2099-12-31", "The petition deadline can be at most 75 days after"),
        ("petition_due_on", "9999-12-31", "Enter a date between 1900 and 2100."),
        (
            "petition_due_on",
            "2001-01-01",
            "The deadline cannot be before the petition was received.",
        ),
        ("petition_received_on", "0001-01-01", "Enter a date between 1900 and 2100."),
        ("petition_received_on", "1950-01-01", "Enter a date from 2000 on."),
        ("petition_received_on", "2099-12-31", "This cannot be in the future."),
        ("petition_received_on", "9999-12-31", "Enter a date between 1900 and 2100."),
    ],
)
def test_petition_dates_out_of_range(world, db, login, client, field, value, message):
    login("clerk")
    response = client.post(
        "/desk/register/petition", data=_case_fields(world, **_petition(**{field: value}))
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in error_of(html, field)
    assert f'value="{value}"' in html and 'value="XF1"' in html
    assert count_rows(Case) == 0


def test_petition_due_at_most_15_plus_60_days_after_receipt(world, db, login, client):
    """15 days to decide and 60 to handle: a later deadline is refused (an extension is
    recorded on its own, once, at most 30 days)."""
    received = local_today() - timedelta(days=3)
    login("clerk")
    late = client.post(
        "/desk/register/petition",
        data=_case_fields(
            world,
            **_petition(
                petition_received_on=received.isoformat(),
                petition_due_on=(received + timedelta(days=76)).isoformat(),
            ),
        ),
    )
    assert late.status_code == 200
    assert "at most 75 days" in error_of(late.get_data(as_text=True), "petition_due_on")
    response = client.post(
        "/desk/register/petition",
        data=_case_fields(
            world,
            **_petition(
                petition_received_on=received.isoformat(),
                petition_due_on=(received + timedelta(days=75)).isoformat(),
            ),
        ),
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def test_register_amount_not_a_number(world, db, login, client):
    login("clerk")
    response = client.post(
        "/desk/register/police",
        data=_case_fields(
            world,
            body_org="",
            body_name="派出所",
            external_no="J1",
            police_category="non_police",
            amount="sNaN",
            received_at=(local_today() - timedelta(days=1)).isoformat() + "T10:00",
        ),
    )
    assert response.status_code == 200
    assert "Enter a number" in error_of(response.get_data(as_text=True), "amount")


def test_domain_refuses_year_one_and_far_deadlines(world, db):
    police = ReferralData(
        kind=ReferralKind.POLICE,
        body_name="派出所",
        external_no="J1",
        police_category=PoliceCategory.NON_POLICE,
        received_at=datetime(1, 1, 1, tzinfo=CHINA),
    )
    with pytest.raises(ValidationFailed) as caught:
        register_referral(world.case_data(), police, world.clerk)
    assert caught.value.field == "received_at"
    from models.enums import PetitionForm

    petition = ReferralData(
        kind=ReferralKind.PETITION,
        body_name="信访局",
        external_no="X",
        petition_form=PetitionForm.VISIT,
        both_consent=True,
        received_at=datetime.now(CHINA) - timedelta(hours=1),
        petition_received_on=local_today() - timedelta(days=3),
        petition_due_on=date(9999, 12, 31),
    )
    with pytest.raises(ValidationFailed) as caught:
        register_referral(world.case_data(), petition, world.clerk)
    assert caught.value.field == "petition_due_on"
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_extending_a_deadline_at_the_end_of_time(world, db):
    """A deadline saved before the bounds existed: extending is refused, not an exception."""
    case = world.referral_case(ReferralKind.PETITION, CaseState.ACCEPTED)
    referral = case.referrals[0]
    referral.petition_due_on = date(9999, 12, 25)
    db.session.flush()
    with pytest.raises(ValidationFailed) as caught:
        extend_petition(case, referral, world.clerk, version=None, days=10, reason="复杂")
    assert caught.value.field == "days"


@pytest.mark.parametrize("path", ["feedback", "extend"])
def test_referral_urls_with_a_huge_id_are_not_found(world, db, login, client, path):
    case = world.referral_case(ReferralKind.PETITION, CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    response = client.post(f"/cases/{case.number}/referral/{HUGE}/{path}", data={})
    assert response.status_code == 404


# ---- 6. every id in a URL, from the URL map ------------------------------------------------


def _int_rules(app):
    """(rule, methods) of every route with an <int:…> argument, read from the URL map: a
    route added later is covered too."""
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            yield rule, sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**63), HUGE, "-1", "٣", "9" * 5000])
def test_an_id_in_a_url_beyond_the_database_is_not_found(world, db, app, login, client, value):
    """Each <int:…> of a route takes only what can be a row's id: a larger number (PostgreSQL
    refuses it for an integer column, SQLite beyond 2**63), a negative one, a digit of
    another script or 5 000 digits match no route (404), for every role and method."""
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    rules = list(_int_rules(app))
    assert len(rules) > 15
    answered = []
    for who in ("clerk", "mediator", "director", "leader", "admin"):
        login(who)
        for rule, methods in rules:
            args = {name: "session" for name in rule.arguments} | {"number": case.number}
            for name, converter in rule._converters.items():
                if not isinstance(converter, IntegerConverter):
                    continue
                if value.startswith("-") and converter.signed:
                    args[name] = "-" + "9" * 12  # a signed argument: below -2**31
                else:
                    args[name] = value
            path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m, a=args: a[m.group(1)], rule.rule)
            for method in methods:
                try:
                    status = client.open(path, method=method, data={"version": "1"}).status_code
                except Exception as error:  # noqa: BLE001 - TESTING propagates a 500's cause
                    status = type(error).__name__
                if status != 404:
                    answered.append((who, method, path[:100], status))
    assert answered == []


# ---- 7. control characters in a URL -----------------------------------------------------------


@pytest.mark.parametrize("value", ["\x00", "2026-421022-000001\x00", "a\x1fb", "\x7f"])
def test_a_control_character_in_a_path_is_not_found(world, db, app, login, client, value):
    """A case number, a panel's name or a region's code never holds one; PostgreSQL text
    cannot hold NUL, so looking it up used to fail (500). Every route with a text argument,
    from the URL map, for every method: 404."""
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    answered = []
    for rule in app.url_map.iter_rules():
        names = [n for n, c in rule._converters.items() if not isinstance(c, IntegerConverter)]
        if not names or rule.endpoint == "static":
            continue
        args = {name: "1" for name in rule.arguments} | {"number": case.number}
        for name in names:
            path = re.sub(
                r"<(?:[^:>]+:)?(\w+)>",
                lambda m, n=name, a=args: quote(value if m.group(1) == n else a[m.group(1)]),
                rule.rule,
            )
            for method in sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"}):
                try:
                    status = client.open(path, method=method).status_code
                except Exception as error:  # noqa: BLE001 - TESTING propagates a 500's cause
                    status = type(error).__name__
                if status != 404:
                    answered.append((method, path, status))
    assert answered == []


def test_nul_in_an_organisation_search_finds_by_the_rest(world, db, login, client):
    """The dispatch and transfer panels search organisations by what is typed (?q=); a NUL
    in it used to reach PostgreSQL (500)."""
    accepted = world.case(CaseState.ACCEPTED)
    mediating = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("clerk")
    response = client.get(
        f"/cases/{accepted.number}/panels/dispatch",
        query_string={"open": "dispatch", "q": "新民\x00"},
    )
    assert response.status_code == 200
    assert "新民村人民调解委员会" in response.get_data(as_text=True)
    login("mediator")
    response = client.get(
        f"/cases/{mediating.number}/panels/transfer", query_string={"open": "send", "q": "\x00埠河"}
    )
    assert response.status_code == 200
    assert "埠河镇矛盾纠纷调处中心" in response.get_data(as_text=True)
