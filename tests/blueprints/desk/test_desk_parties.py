"""Several parties at the desk: the walk-in, court, petition and police forms take several
applicants, respondents and third parties, each a person or an organisation, and agents acting
for them; bad input beside the field of the right party, nothing typed lost, bounded lists, no
500 on forged lists; the earlier-cases lookup for every respondent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain.clocks import local_today
from domain.intake import PartyData
from models import Case, Party
from models.enums import AgentAuthority, PartyKind, PartyRole
from tests.blueprints.desk.test_register_referrals import _case_fields
from tests.conftest import hx
from tests.factories import count_rows, valid_id

CREDIT_CODE = "91421022MA49000015"  # valid: the check character is right
COMPANY = "荆州市恒通物流有限公司"
BAD_CREDIT_CODE = "91421022MA49000016"


def company(index: int = 1, **overrides) -> dict:
    """Respondent `index` as a company."""
    p = f"respondents-{index}-"
    data = {
        p + "name": "荆州市恒通物流有限公司",
        p + "kind": "organisation",
        p + "credit_code": CREDIT_CODE.lower()[:9] + " " + CREDIT_CODE[9:],  # as copied
        p + "legal_rep": "王建国",
        p + "legal_rep_post": "总经理",
        p + "phone": "0716-5226688",
        p + "address": "公安县埠河镇工业园8号",
    }
    data.update({p + k: v for k, v in overrides.items()})
    return data


def agent(index: int = 0, acts_for: str = "respondents-1", **overrides) -> dict:
    p = f"agents-{index}-"
    data = {
        p + "name": "赵明",
        p + "acts_for": acts_for,
        p + "authority": "special",
        p + "phone": "13700002222",
        p + "occupation": "湖北某某律师事务所",
    }
    data.update({p + k: v for k, v in overrides.items()})
    return data


def _yesterday(hour: str) -> str:
    return (local_today() - timedelta(days=1)).isoformat() + "T" + hour


def referral_fields(kind: str) -> dict:
    """The referring body's papers of each kind, as the forms take them."""
    return {
        "court": {
            "body_org": "",
            "body_name": "公安县人民法院",
            "external_no": "（2026）鄂1022民诉前调77号",
            "court_mode": "delegated",
            "received_at": _yesterday("09:30"),
        },
        "petition": {
            "body_org": "",
            "body_name": "公安县信访局",
            "external_no": "XF20260456",
            "petition_received_on": (local_today() - timedelta(days=3)).isoformat(),
            "petition_form": "visit",
            "both_consent": "y",
            "received_at": _yesterday("10:00"),
        },
        "police": {
            "body_org": "",
            "body_name": "埠河派出所",
            "external_no": "J20260101001",
            "police_category": "non_police",
            "received_at": _yesterday("08:00"),
        },
    }[kind]


def walk_in(world, **overrides) -> dict:
    data = {
        "channel": "walk_in",
        "source": "application",
        **_case_fields(world),
        **company(),
        **agent(),
    }
    data.update(overrides)
    return data


def the_case(db) -> Case:
    return db.session.scalars(sa.select(Case)).one()


def _parties(case: Case) -> list[tuple]:
    return [(p.role, p.kind, p.name) for p in case.parties]


# ---- registering several parties --------------------------------------------------------------


def test_walk_in_with_two_respondents_one_a_company_and_its_agent(world, login, client, db):
    login("clerk")
    response = client.post("/desk/register", data=walk_in(world))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    case = the_case(db)
    assert _parties(case) == [
        (PartyRole.APPLICANT, PartyKind.PERSON, "黄大山"),
        (PartyRole.RESPONDENT, PartyKind.PERSON, "钱小川"),
        (PartyRole.RESPONDENT, PartyKind.ORGANISATION, "荆州市恒通物流有限公司"),
        (PartyRole.AGENT, PartyKind.PERSON, "赵明"),
    ]
    firm, lawyer = case.parties[2], case.parties[3]
    assert firm.credit_code == CREDIT_CODE  # normalised: upper case, no space
    assert (firm.legal_rep, firm.legal_rep_post) == ("王建国", "总经理")
    assert firm.phone_norm == "+867165226688" and firm.id_number is None
    assert lawyer.principal is firm and firm.agents == [lawyer]
    assert lawyer.agent_authority == AgentAuthority.SPECIAL
    assert lawyer.occupation == "湖北某某律师事务所"
    # The case page shows the company's code and whom the agent acts for.
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert CREDIT_CODE in page and "Special authority" in page
    assert "Respondent: 荆州市恒通物流有限公司" in page


def test_the_other_kinds_fields_are_neither_checked_nor_stored(world, login, client, db):
    """A company keeps a (bad) ID number typed before it was switched to organisation, and a
    person a bad credit code: hidden, not checked, not stored."""
    login("clerk")
    data = walk_in(
        world,
        **company(id_number="123", sex="nonsense", age="x"),
        **{"respondents-0-credit_code": BAD_CREDIT_CODE, "respondents-0-legal_rep": "某"},
    )
    response = client.post("/desk/register", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    person, firm = the_case(db).respondents
    assert person.credit_code is None and person.legal_rep is None
    assert firm.id_number is None and firm.sex is None and firm.age is None


@pytest.mark.parametrize("kind", ["court", "petition", "police"])
def test_referrals_take_several_parties(world, login, client, db, kind):
    login("clerk")
    data = {
        **_case_fields(world),
        **referral_fields(kind),
        **company(),
        **agent(),
        "third_parties-0-name": "钱大河",
        "third_parties-0-kind": "person",
        "third_parties-0-phone": "13600003333",
    }
    response = client.post(f"/desk/register/{kind}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    case = the_case(db)
    assert [p.role for p in case.parties] == [
        PartyRole.APPLICANT,
        PartyRole.RESPONDENT,
        PartyRole.RESPONDENT,
        PartyRole.THIRD_PARTY,
        PartyRole.AGENT,
    ]
    assert case.parties[2].credit_code == CREDIT_CODE
    assert case.parties[4].principal is case.parties[2]
    assert case.source.value == kind


# ---- add another / remove the last ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/desk/register", "/desk/register/court"])
def test_add_respondent_without_js_keeps_everything(world, login, client, db, url):
    login("clerk")
    data = {**walk_in(world), "action": "add_respondent", "summary": ""}  # not checked yet
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert 'name="respondents-2-name"' in html
    # The new respondent's name has the focus; nothing was checked yet.
    assert re.search(r'<input[^>]*autofocus[^>]*name="respondents-2-name"', html) or re.search(
        r'<input[^>]*name="respondents-2-name"[^>]*autofocus', html
    )
    assert 'id="error-summary"' not in html
    for kept in (
        "黄大山",
        "钱小川",
        "荆州市恒通物流有限公司",
        "王建国",
        "赵明",
        "拆除围墙",
    ):
        assert kept in html, kept
    assert count_rows(Case) == 0


@pytest.mark.parametrize("kind", ["", "court", "petition", "police"])
def test_add_respondent_with_htmx_returns_the_list_and_the_agents(
    world, login, client, db, templates, kind
):
    login("clerk")
    url = f"/desk/register/{kind}" if kind else "/desk/register"
    data = {**walk_in(world), **(referral_fields(kind) if kind else {}), "action": "add_respondent"}
    response = client.post(url, data=data, headers=hx("respondents"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert templates == ["desk/partials/parties.html"]
    assert html.count('id="respondents"') == 1 and 'name="respondents-2-name"' in html
    assert 'id="applicants"' not in html
    # The agents' list comes along out of band: its "acts for" offers the new respondent.
    assert 'id="agents" hx-swap-oob="true"' in html
    assert 'value="respondents-2"' in html and "Respondent 3" in html
    assert re.search(r'<option selected value="respondents-1">', html)  # the choice is kept
    assert 'hx-post="/desk/related"' in html  # the new fields refresh the earlier cases
    assert f'hx-post="{url}"' in html  # the buttons post to the same form
    assert count_rows(Case) == 0
    # Then registered as a plain POST with the three respondents.
    data = {**data, "respondents-2-name": "钱大河", "action": ""}
    assert client.post(url, data=data).status_code == 303
    assert [p.name for p in the_case(db).respondents] == ["钱小川", COMPANY, "钱大河"]


def test_remove_the_last_and_the_bounds(world, login, client, db):
    login("clerk")
    html = client.post(
        "/desk/register", data={**walk_in(world), "action": "remove_respondent"}
    ).get_data(as_text=True)
    assert 'name="respondents-1-name"' not in html and "荆州市恒通物流有限公司" not in html
    # The agent acted for the removed respondent: asked again, nothing else lost.
    assert 'value="respondents-1"' not in html and "赵明" in html
    one = {k: v for k, v in walk_in(world).items() if not k.startswith("respondents-1")}
    html = client.post("/desk/register", data={**one, "action": "remove_respondent"}).get_data(
        as_text=True
    )
    assert 'name="respondents-0-name"' in html  # the first respondent stays
    assert 'value="remove_respondent"' not in html
    # At the bound the button is gone, and a forged "add" changes nothing.
    ten = {f"respondents-{i}-name": f"被申请人{i}" for i in range(10)}
    html = client.post(
        "/desk/register", data={**_case_fields(world), **ten, "action": "add_respondent"}
    ).get_data(as_text=True)
    assert 'name="respondents-9-name"' in html and 'name="respondents-10-name"' not in html
    assert 'value="add_respondent"' not in html
    # No third party or agent unless added.
    page = client.get("/desk/register").get_data(as_text=True)
    assert 'name="third_parties-0-name"' not in page and 'name="agents-0-name"' not in page
    assert 'value="add_third_party"' in page and 'value="add_agent"' in page
    assert count_rows(Case) == 0


# ---- bad input beside the right party ---------------------------------------------------------


def _refused(client, url, data) -> str:
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:2000]
    assert 'id="error-summary"' in html
    return html


@pytest.mark.parametrize("url", ["/desk/register", "/desk/register/police"])
def test_bad_credit_code_beside_the_company(world, login, client, db, url):
    login("clerk")
    data = {**walk_in(world), **referral_fields("police"), **company(credit_code=BAD_CREDIT_CODE)}
    html = _refused(client, url, data)
    assert 'id="respondents-1-credit_code-error"' in html
    assert "not a valid unified social credit code" in html
    assert "Respondent 2 · Unified social credit code (optional)" in html
    assert f'value="{BAD_CREDIT_CODE}"' in html and "赵明" in html
    assert count_rows(Case) == 0


def test_bad_id_number_beside_the_second_respondent(world, login, client, db):
    login("clerk")
    data = walk_in(
        world,
        **{
            "respondents-1-kind": "person",
            "respondents-1-name": "钱大河",
            "respondents-1-id_number": "421022199001011230",
        },
    )
    html = _refused(client, "/desk/register", data)
    assert 'id="respondents-1-id_number-error"' in html
    assert 'id="respondents-0-id_number-error"' not in html
    assert 'value="421022199001011230"' in html
    assert count_rows(Case) == 0


def test_agent_needs_the_party_and_the_authority(world, login, client, db):
    login("clerk")
    html = _refused(client, "/desk/register", walk_in(world, **agent(acts_for="", authority="")))
    assert 'id="agents-0-acts_for-error"' in html and 'id="agents-0-authority-error"' in html
    assert "Choose the party this agent acts for." in html
    # Acting for a party not on the form (forged, or removed meanwhile).
    html = _refused(client, "/desk/register", walk_in(world, **agent(acts_for="agents-0")))
    assert 'id="agents-0-acts_for-error"' in html
    assert count_rows(Case) == 0


def test_too_many_parties_are_refused_beside_the_list(world, login, client, db):
    login("clerk")
    eleven = {f"respondents-{i}-name": f"被申请人{i}" for i in range(11)}
    html = _refused(client, "/desk/register", {**walk_in(world), **eleven})
    assert "At most 10 respondents." in html and 'id="respondents-error"' in html
    assert 'href="#respondents"' in html  # the summary links to the list
    assert count_rows(Case) == 0


@pytest.mark.parametrize(
    "forged",
    [
        {"respondents-²-name": "x"},
        {"respondents-99999999999999999999-name": "x"},
        {"respondents-0-kind": "robot"},
        {"agents-0-acts_for": "respondents-99999999999"},
        {"agents-0-authority": "\x00"},
        {"third_parties--1-name": "x", "third_parties-0x1-name": "y"},
        {"action": "add_"},
        {"action": "remove_nothing"},
    ],
)
def test_forged_party_lists_never_a_500(world, login, client, db, forged):
    login("clerk")
    response = client.post("/desk/register", data={**walk_in(world), **forged})
    assert response.status_code in (200, 303), response.get_data(as_text=True)[:2000]


def test_nul_characters_never_reach_the_database(world, login, client, db):
    """PostgreSQL text cannot hold NUL: a forged one is dropped from what is typed, on the
    form and in the earlier-cases lookup."""
    login("clerk")
    data = walk_in(world, **{"respondents-1-legal_rep": "王\x00建国", "summary": "x\x00y"})
    assert client.post("/desk/register", data=data).status_code == 303
    assert the_case(db).respondents[1].legal_rep == "王建国"
    typed = {"respondents-0-name": "王\x00五", "respondents-0-phone": "1\x00", "name": "\x00"}
    response = client.post("/desk/related", data=typed, headers=hx("related-cases"))
    assert response.status_code == 200


def test_domain_refuses_more_than_max_parties(world, db):
    from domain.errors import ValidationFailed
    from domain.intake import MAX_PARTIES, register_case

    data = world.case_data(
        parties=[PartyData(role=PartyRole.APPLICANT, name="甲")]
        + [PartyData(role=PartyRole.RESPONDENT, name=f"乙{i}") for i in range(MAX_PARTIES)]
    )
    with pytest.raises(ValidationFailed) as refused:
        register_case(data, world.clerk)
    assert refused.value.field == "parties"


@pytest.mark.parametrize(
    ("acts_for", "authority"),
    [
        (None, AgentAuthority.GENERAL),
        (9, AgentAuthority.GENERAL),
        (2, AgentAuthority.GENERAL),
        (0, None),
    ],
)
def test_domain_refuses_an_agent_without_principal_or_authority(world, db, acts_for, authority):
    from domain.errors import ValidationFailed
    from domain.intake import register_case

    data = world.case_data(
        parties=[
            PartyData(role=PartyRole.APPLICANT, name="甲", phone="13812345678"),
            PartyData(role=PartyRole.RESPONDENT, name="乙"),
            PartyData(role=PartyRole.AGENT, name="丙", acts_for=acts_for, authority=authority),
        ]
    )
    with pytest.raises(ValidationFailed) as refused:
        register_case(data, world.clerk)
    assert refused.value.field == "agents"


# ---- earlier cases of every respondent --------------------------------------------------------


def _earlier(world, respondent: PartyData) -> Case:
    return world.case(
        parties=[
            PartyData(role=PartyRole.APPLICANT, name="某甲", phone="13700000001"),
            respondent,
        ]
    )


def _numbers(html: str) -> list[str]:
    return re.findall(r'href="/cases/([^"]+)"', html)


def test_earlier_cases_of_the_second_respondent(world, login, client, db):
    by_phone = _earlier(
        world, PartyData(role=PartyRole.RESPONDENT, name="钱大河", phone="13600003333")
    )
    by_code = _earlier(
        world,
        PartyData(
            role=PartyRole.RESPONDENT,
            name="恒通物流",
            kind=PartyKind.ORGANISATION,
            credit_code=CREDIT_CODE,
        ),
    )
    db.session.commit()
    login("clerk")
    typed = {
        "applicants-0-name": "黄大山",
        "respondents-0-name": "钱小川",
        "respondents-1-name": "钱大河",
        "respondents-1-kind": "person",
        "respondents-1-phone": "136 0000 3333",
    }
    html = client.post("/desk/related", data=typed, headers=hx("related-cases")).get_data(
        as_text=True
    )
    assert _numbers(html) == [by_phone.number]
    assert "same phone as respondent 2" in html
    # A company by its credit code (as typed from the licence, lower case, in groups).
    typed = {
        "respondents-0-name": "钱小川",
        **company(credit_code=CREDIT_CODE.lower()[:6] + " " + CREDIT_CODE[6:].lower()),
    }
    html = client.post("/desk/related", data=typed, headers=hx("related-cases")).get_data(
        as_text=True
    )
    assert _numbers(html) == [by_code.number]
    assert "same credit code as respondent 2" in html and CREDIT_CODE in html
    # A person's hidden credit code (or a company's hidden ID number) is not looked up.
    typed["respondents-1-kind"] = "person"
    typed["respondents-1-name"] = "无关"
    html = client.post("/desk/related", data=typed, headers=hx("related-cases")).get_data(
        as_text=True
    )
    assert _numbers(html) == []


def test_every_party_field_wires_the_lookup(world, login, client):
    login("clerk")
    html = client.post("/desk/register", data={**walk_in(world), "action": "add_respondent"})
    html = html.get_data(as_text=True)
    for name in (
        "applicants-0-name",
        "applicants-0-phone",
        "applicants-0-id_number",
        "respondents-1-name",
        "respondents-1-credit_code",
        "respondents-2-name",
        "respondents-2-phone",
    ):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'hx-post="/desk/related"' in tag, name
    tag = re.search(r'<input[^>]*name="agents-0-name"[^>]*>', html).group(0)
    assert "hx-post" not in tag  # an agent's other cases say nothing about this dispute
    assert Party  # imported for the model's registration


def test_first_party_has_the_focus_on_a_walk_in_only(world, login, client):
    login("clerk")
    walk = client.get("/desk/register").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="applicants-0-name"[^>]*autofocus', walk) or re.search(
        r'<input[^>]*autofocus[^>]*name="applicants-0-name"', walk
    )
    court = client.get("/desk/register/court").get_data(as_text=True)
    assert court.count("autofocus") == 1 and 'name="body_org"' in court
    assert valid_id()  # the default applicant's number


def test_buttons_follow_the_language_of_each_request(world, login, client):
    """The party macros are imported (and cached) once: their text is made per request."""
    login("clerk")
    zh = client.get("/desk/register", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "再添加一位申请人" in zh
    en = client.get("/desk/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Add another applicant" in en and "再添加一位申请人" not in en
