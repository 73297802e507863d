"""The citizen's application form, through the test client."""

import re

import pytest

from models import Case, Event, Party
from models.states import CaseState
from tests.conftest import hx
from tests.factories import count_rows, valid_id


def form_data(world, **overrides):
    data = {
        "action": "submit",
        "applicants-0-name": "王大明",
        "applicants-0-kind": "person",
        "applicants-0-sex": "male",
        "applicants-0-age": "52",
        "applicants-0-phone": "13812345678",
        "applicants-0-id_number": valid_id(),
        "applicants-0-address": "公安县埠河镇新民村3组",
        "respondents-0-name": "李小红",
        "respondents-0-kind": "person",
        "respondents-0-phone": "",
        "county": str(world.county.id),
        "township": str(world.township.id),
        "village": str(world.village.id),
        "dispute_type": "LL",
        "summary": "邻居李小红家修房时把排水沟堵了，雨天积水进我家。",
        "requests": "疏通排水沟\n赔偿损失500元",
        "amount": "500",
        "declaration": "y",
    }
    data.update(overrides)
    return data


def test_form_page_renders_without_login(world, client, templates):
    response = client.get("/apply")
    assert response.status_code == 200
    assert templates[0] == "public/apply.html"
    html = response.get_data(as_text=True)
    assert 'name="applicants-0-name"' in html and 'name="respondents-0-name"' in html
    assert str(world.county.id) in html  # county choices present


def test_submit_creates_case_and_shows_the_code_to_this_session(world, client, db):
    response = client.post("/apply", data=form_data(world))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/apply/submitted")
    page = client.get("/apply/submitted").get_data(as_text=True)
    number = re.search(r'id="case-number">([^<]+)<', page).group(1)
    code = re.search(r'id="query-code">([^<]+)<', page).group(1)
    assert re.fullmatch(r"\d{4}-421022-\d{6}", number)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    # A reload in the same session shows it again (for a short time: test_receipt.py), another
    # browser never sees it.
    assert code in client.get("/apply/submitted").get_data(as_text=True)
    other = client.application.test_client().get("/apply/submitted").get_data(as_text=True)
    assert number not in other and code not in other

    case = db.session.query(Case).filter_by(number=number).one()
    assert case.state == CaseState.REGISTERED
    assert case.region_id == world.village.id and case.region_code == world.village.code
    assert case.requests == ["疏通排水沟", "赔偿损失500元"]
    assert code.replace("-", "") not in case.query_code_hash
    assert case.intake_org_id == world.county_centre.id
    assert [p.name for p in case.parties] == ["王大明", "李小红"]
    event = db.session.query(Event).filter_by(case_id=case.id).one()
    assert event.action == "register" and event.actor_id is None and event.public


@pytest.mark.parametrize(
    ("overrides", "field_id", "kept"),
    [
        ({"applicants-0-name": ""}, "applicants-0-name", "13812345678"),
        ({"applicants-0-phone": "12345"}, "applicants-0-phone", "12345"),
        (
            {"applicants-0-id_number": "421022199001011230"},
            "applicants-0-id_number",
            "421022199001011230",
        ),
        ({"applicants-0-age": "abc"}, "applicants-0-age", "王大明"),
        ({"respondents-0-name": ""}, "respondents-0-name", "王大明"),
        ({"summary": "短"}, "summary", "短"),
        ({"dispute_type": ""}, "dispute_type", "王大明"),
        ({"dispute_type": "NOPE"}, "dispute_type", "王大明"),
        ({"declaration": ""}, "declaration", "王大明"),
        ({"county": ""}, "county", "王大明"),
        ({"township": "999999"}, "township", "王大明"),
        ({"amount": "-5"}, "amount", "-5"),
        ({"amount": "lots"}, "amount", "王大明"),
    ],
)
def test_bad_input_shows_error_beside_field_and_keeps_input(
    world, client, overrides, field_id, kept
):
    response = client.post("/apply", data=form_data(world, **overrides))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field_id}-error"' in html or f'href="#{field_id}"' in html
    assert 'id="error-summary"' in html
    assert kept in html
    assert count_rows(Case) == 0


def test_township_from_other_county_is_refused(world, client):
    data = form_data(world, township=str(world.township2.id), village="")
    response = client.post("/apply", data=data)
    assert response.status_code == 200 and count_rows(Case) == 0


def test_add_party_without_js_keeps_input(world, client):
    data = form_data(world, action="add_respondent")
    response = client.post("/apply", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert 'name="respondents-1-name"' in html
    assert "王大明" in html and "邻居李小红家修房" in html
    assert 'id="error-summary"' not in html
    assert count_rows(Case) == 0


def test_add_party_with_htmx_returns_fragment(world, client, templates):
    response = client.post(
        "/apply", data=form_data(world, action="add_respondent"), headers=hx("respondents")
    )
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="respondents"' in html
    assert 'name="respondents-1-name"' in html
    assert templates[0] == "public/partials/respondents.html"


def test_two_respondents_are_saved(world, client, db):
    data = form_data(
        world, **{"respondents-1-name": "李大红", "respondents-1-kind": "organisation"}
    )
    assert client.post("/apply", data=data).status_code == 303
    names = [p.name for p in db.session.query(Party).order_by(Party.position)]
    assert names == ["王大明", "李小红", "李大红"]


def test_refresh_place_without_js_lists_townships(world, client):
    data = {"action": "refresh_place", "county": str(world.county.id)}
    html = client.post("/apply", data=data).get_data(as_text=True)
    assert "埠河镇" in html and "新江口街道" not in html


def test_refresh_place_with_htmx(world, client):
    data = {
        "action": "refresh_place",
        "county": str(world.county.id),
        "township": str(world.township.id),
    }
    response = client.post("/apply", data=data, headers=hx("place"))
    html = response.get_data(as_text=True)
    assert "<html" not in html and "新民村" in html and 'id="place"' in html


def test_honeypot_rejects(world, client):
    response = client.post("/apply", data=form_data(world, website="http://spam"))
    assert response.status_code == 400
    assert count_rows(Case) == 0


def test_public_form_with_csrf_enabled(world, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/apply", data=form_data(world))
        assert response.status_code == 200  # missing token: re-rendered with a message
        assert count_rows(Case) == 0
        page = client.get("/apply").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post("/apply", data=form_data(world, csrf_token=token))
        assert response.status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize(
    ("field", "blank"),
    [
        ("applicants-0-name", "     "),
        ("respondents-0-name", "\u3000\u3000"),
        ("summary", " " * 12),
        ("requests", "  \n  "),
    ],
)
def test_blank_text_is_refused(world, client, field, blank):
    response = client.post("/apply", data=form_data(world, **{field: blank}))
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count_rows(Case) == 0


def test_full_width_phone_stored_as_digits(world, client, db):
    data = form_data(world, **{"applicants-0-phone": "１３８１２３４５６７８"})
    assert client.post("/apply", data=data).status_code == 303
    assert db.session.query(Party).filter_by(name="王大明").one().phone == "13812345678"


def test_only_filed_applications_count_against_the_limit(world, app, client):
    from extensions import limiter

    app.config["JIEFEN_LIMIT_APPLICATION"] = "2 per hour"
    limiter.reset()
    try:
        bad = form_data(world, **{"applicants-0-phone": "123"})
        assert [client.post("/apply", data=bad).status_code for _ in range(5)] == [200] * 5
        assert client.post("/apply", data=form_data(world)).status_code == 303
        assert client.post("/apply", data=form_data(world)).status_code == 303
        assert client.post("/apply", data=form_data(world)).status_code == 429
    finally:
        app.config["JIEFEN_LIMIT_APPLICATION"] = "100000 per minute"
        limiter.reset()
