"""Earlier cases of the people typed on the registration form (the desk's person lookup)."""

import re

import pytest
import sqlalchemy as sa

from domain.people import find_earlier_cases
from models import Case
from models.enums import PartyKind, PartyRole
from tests.conftest import hx
from tests.factories import valid_id

ID = valid_id()  # what the factory's applicants carry, with phone 13812345678
ID_TYPED = f" {ID[:6]} {ID[6:14]} {ID[14:].lower()} "


def _numbers(page: str) -> list[str]:
    return re.findall(r'href="/cases/([^"]+)"', page)


def _person(world, name, phone=None, id_number=None, **kw):
    from domain.intake import PartyData

    return world.case(
        parties=[
            PartyData(
                role=PartyRole.APPLICANT,
                name=name,
                phone=phone or "13700000001",
                id_number=id_number,
            ),
            PartyData(
                role=PartyRole.RESPONDENT,
                name="某某公司",
                kind=PartyKind.PERSON,
                phone="13700000002",
            ),
        ],
        **kw,
    )


def _register_form(world, **overrides):
    data = {
        "channel": "walk_in",
        "source": "application",
        "region": str(world.village.id),
        "dispute_type": "LL",
        "summary": "又来了",
        "applicants-0-name": "黄大山",
        "applicants-0-phone": "138 1234 5678",
        "applicants-0-id_number": "",
        "respondents-0-name": "钱小川",
        "respondents-0-phone": "",
        "consent": "y",
    }
    data.update(overrides)
    return data


def test_matches_by_id_typed_loosely(world, login, client, db):
    x_id = valid_id(serial="109")  # ends in X
    assert x_id.endswith("X")
    old = _person(world, "李四", id_number=x_id)
    world.case()  # the factory's ID: not this person
    other = _person(world, "无关", phone="13700000009")
    db.session.commit()
    page = (
        login("clerk")
        .post(
            "/desk/related",
            data={"id_number": f"{x_id[:6]} {x_id[6:14]} {x_id[14:].lower()}"},
            headers=hx("related-cases"),
        )
        .get_data(as_text=True)
    )
    assert _numbers(page) == [old.number] and other.number not in page
    assert "same ID number" in page


def test_matches_by_phone_typed_with_spaces(world, login, client, db):
    old = _person(world, "张三", phone="13812345678")
    db.session.commit()
    page = (
        login("clerk")
        .post(
            "/desk/related",
            data={"applicants-0-phone": "138 1234 5678"},
            headers=hx("related-cases"),
        )
        .get_data(as_text=True)
    )
    assert _numbers(page) == [old.number] and "same phone" in page


def test_matches_respondent_phone_as_any_party(world, login, client, db):
    old = world.case()  # its respondent's phone is 13987654321
    db.session.commit()
    page = (
        login("clerk")
        .post(
            "/desk/related",
            data={"respondents-0-phone": "13987654321"},
            headers=hx("related-cases"),
        )
        .get_data(as_text=True)
    )
    assert _numbers(page) == [old.number]
    assert "same phone as the respondent" in page and "Respondent" in page


def test_name_only_when_no_identifier_matched(world, login, client, db):
    by_name = _person(world, "黄大山", phone="13700000011")
    by_phone = _person(world, "别人", phone="13812340000")
    db.session.commit()
    login("clerk")
    page = client.post(
        "/desk/related", data={"name": " 黄大山 "}, headers=hx("related-cases")
    ).get_data(as_text=True)
    assert _numbers(page) == [by_name.number] and "same name" in page
    page = client.post(
        "/desk/related",
        data={"name": "黄大山", "phone": "13812340000"},
        headers=hx("related-cases"),
    ).get_data(as_text=True)
    assert _numbers(page) == [by_phone.number]
    one_char = client.post(
        "/desk/related", data={"name": "黄"}, headers=hx("related-cases")
    ).get_data(as_text=True)
    assert _numbers(one_char) == []


def test_newest_first_and_invalid_input_ignored(world, db):
    first, second = world.case(), world.case()
    db.session.commit()
    rows = find_earlier_cases(world.clerk, id_number=ID, phone="13812345678")
    assert [c.number for c, _p, _w in rows] == [second.number, first.number]
    assert str(rows[0][2]) == "same ID number"
    assert find_earlier_cases(world.clerk, id_number="4210", phone="138") == []


def test_out_of_scope_cases_never_shown(world, login, client, db):
    mine = world.case()
    theirs = world.case(village=world.village3)  # 松滋市: clerk2's area only
    db.session.commit()
    page = (
        login("clerk")
        .post("/desk/related", data={"id_number": ID}, headers=hx("related-cases"))
        .get_data(as_text=True)
    )
    assert mine.number in page and theirs.number not in page
    page = (
        login("clerk2")
        .post("/desk/related", data={"id_number": ID}, headers=hx("related-cases"))
        .get_data(as_text=True)
    )
    assert theirs.number in page and mine.number not in page


def test_identifiers_are_masked(world, login, client, db):
    world.case()
    db.session.commit()
    page = (
        login("clerk")
        .post("/desk/related", data={"id_number": ID}, headers=hx("related-cases"))
        .get_data(as_text=True)
    )
    assert ID not in page and "13812345678" not in page and "13987654321" not in page
    assert "138****5678" in page and ID[:4] + "**********" + ID[-4:] in page


def test_fragment_for_htmx_full_page_without(world, login, client, db):
    world.case()
    db.session.commit()
    login("clerk")
    fragment = client.post(
        "/desk/related", data={"id_number": ID}, headers=hx("related-cases")
    ).get_data(as_text=True)
    assert "<html" not in fragment and 'id="related-cases"' in fragment
    page = client.post("/desk/related", data={"applicants-0-id_number": ID})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in text and 'id="related-cases"' in text
    assert f'value="{ID}"' in text  # the typed value is in the form


def test_register_form_wires_the_lookup(world, login, client):
    page = login("clerk").get("/desk/register").get_data(as_text=True)
    assert 'hx-post="/desk/related"' in page and 'hx-target="#related-cases"' in page
    assert "input changed delay:400ms" in page
    assert 'name="action" value="check"' in page


def test_check_button_without_js_keeps_input_creates_nothing(world, login, client, db):
    old = world.case()
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    login("clerk")
    response = client.post(
        "/desk/register",
        data=_register_form(
            world, action="check", summary="", **{"applicants-0-id_number": ID_TYPED}
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    assert old.number in page and "same ID number" in page
    assert 'value="138 1234 5678"' in page and "钱小川" in page
    assert "Write down briefly" not in page  # a check is not a submission: no errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == before


def test_role_matrix(world, login, client, db):
    assert client.post("/desk/related", data={"id_number": "x"}).status_code == 302
    assert login("mediator").post("/desk/related", data={"id_number": "x"}).status_code == 403
    assert login("leader").post("/desk/related", data={"id_number": "x"}).status_code == 200
    # never a GET: what is typed must not land in a URL (access logs)
    assert login("clerk").get("/desk/related?id_number=x").status_code == 405


def test_query_count_does_not_grow_with_cases(world, login, client, db, count_queries):
    login("clerk")

    def run() -> int:
        with count_queries() as seen:
            page = client.post(
                "/desk/related",
                data={"id_number": ID, "phone": "13812345678"},
                headers=hx("related-cases"),
            ).get_data(as_text=True)
        return len(seen), len(_numbers(page))

    for _ in range(3):
        world.case()
    db.session.commit()
    few, shown_few = run()
    for _ in range(9):
        world.case()
    db.session.commit()
    many, shown_many = run()
    assert (shown_few, shown_many) == (3, 10)
    assert few == many


@pytest.mark.parametrize(
    ("kind", "index"),
    [
        ("id_number", "ix_party_id_number_norm"),
        ("phone", "ix_party_phone_norm"),
    ],
)
def test_lookups_use_the_indexes(world, db, count_queries, kind, index):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    world.case()
    db.session.commit()
    value = ID if kind == "id_number" else "13812345678"
    with count_queries() as seen:
        find_earlier_cases(world.clerk, **{kind: value})
    sql = next(s for s in seen if f"party.{kind}_norm = " in s)
    norm = "+8613812345678" if kind == "phone" else ID
    params = (norm,) + (None,) * (sql.count("?") - 1)
    raw = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
    plan = " ".join(str(r[-1]) for r in raw.all())
    assert index in plan, plan
