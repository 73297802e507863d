import re

import sqlalchemy as sa

from domain.codes import check_query_code, format_query_code
from models import Case, Event
from tests.factories import count_rows, valid_id


def _form(world, **overrides):
    data = {
        "channel": "walk_in",
        "source": "application",
        "region": str(world.village.id),
        "dispute_type": "LL",
        "summary": "邻居砌墙占用通道，双方多次争吵",
        "requests": "拆除围墙\n\n赔礼道歉\n",
        "amount": "1200.50",
        "applicants-0-name": "黄大山",
        "applicants-0-sex": "male",
        "applicants-0-age": "52",
        "applicants-0-id_number": valid_id(),
        "applicants-0-phone": "138 1234 5678",
        "applicants-0-address": "公安县埠河镇新民村5组",
        "respondents-0-name": "钱小川",
        "respondents-0-phone": "",
        "respondents-0-address": "",
        "consent": "y",
        "note": "当事人现场来访",
    }
    data.update(overrides)
    return data


def test_register_form_renders_with_region_groups(world, login, client):
    page = login("clerk").get("/desk/register").get_data(as_text=True)
    assert "autofocus" in page
    assert "<optgroup" in page and "新民村" in page and "天心眼村" in page
    assert "长江社区" not in page  # another county: outside the clerk's area
    assert 'value="walk_in" selected' in page or 'selected value="walk_in"' in page


def test_register_happy_path_shows_the_code_once(world, login, client, db):
    login("clerk")
    response = client.post("/desk/register", data=_form(world))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/desk/registered")

    case = db.session.scalars(sa.select(Case)).one()
    assert case.state.value == "registered" and case.channel.value == "walk_in"
    assert case.region_id == world.village.id and case.intake_org_id == world.county_centre.id
    assert case.requests == ["拆除围墙", "赔礼道歉"]
    assert str(case.amount) == "1200.50"
    assert [p.name for p in case.parties] == ["黄大山", "钱小川"]
    assert case.parties[0].phone_norm == "+8613812345678"
    event = db.session.scalars(sa.select(Event).where(Event.case_id == case.id)).one()
    assert event.action == "register" and event.actor_id == world.clerk.id
    assert event.note == "当事人现场来访"

    shown = client.get("/desk/registered").get_data(as_text=True)
    assert case.number in shown
    code = re.search(r'id="query-code">([A-Z0-9]{4}-[A-Z0-9]{4})<', shown).group(1)
    assert code == format_query_code(code.replace("-", ""))
    assert check_query_code(case.query_code_hash, code)  # the code shown is the case's code

    again = client.get("/desk/registered").get_data(as_text=True)
    assert code not in again
    assert "already shown" in again
    assert f"/cases/{case.number}" in again  # a way back to the case


def test_register_phone_channel_and_initiative(world, login, client, db):
    login("clerk")
    data = _form(
        world,
        channel="phone",
        source="initiative",
        region=str(world.township.id),
        amount="",
        **{"applicants-0-id_number": ""},
    )
    assert client.post("/desk/register", data=data).status_code == 303
    case = db.session.scalars(sa.select(Case)).one()
    assert case.channel.value == "phone" and case.source.value == "initiative"
    assert case.region_id == world.township.id and case.amount is None
    assert case.parties[0].id_number is None


def test_register_bad_input_keeps_input_and_shows_errors(world, login, client, db):
    login("clerk")
    data = _form(
        world,
        **{
            "applicants-0-id_number": "421022199001011230",
            "applicants-0-phone": "12345",
            "respondents-0-name": "",
            "respondents-0-phone": "999",
        },
        amount="-3",
        consent="",
    )
    del data["consent"]
    response = client.post("/desk/register", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "not a valid resident ID number" in page
    assert "not a valid phone number" in page
    assert "Respondent 1 · Name: Enter the name." in page
    assert "Confirm it before registering" in page
    assert "0 or more yuan" in page
    assert 'id="error-summary"' in page
    # Input kept.
    assert 'value="黄大山"' in page and "邻居砌墙占用通道" in page
    assert 'value="421022199001011230"' in page
    assert count_rows(Case) == 0


def test_register_region_outside_area_or_missing(world, login, client, db):
    login("clerk")
    page = client.post("/desk/register", data=_form(world, region=str(world.village3.id)))
    assert page.status_code == 200 and "Not a valid choice" in page.get_data(as_text=True)
    page = client.post("/desk/register", data=_form(world, region="", dispute_type=""))
    text = page.get_data(as_text=True)
    assert "Choose the township or village" in text and "Choose the type of dispute" in text
    assert "Not a valid choice" not in text
    page = client.post(
        "/desk/register", data=_form(world, region="abc", **{"applicants-0-age": "x"})
    )
    assert page.status_code == 200
    assert count_rows(Case) == 0


def test_registered_without_registration_says_already_shown(world, login, client):
    page = login("clerk").get("/desk/registered").get_data(as_text=True)
    assert "already shown" in page
