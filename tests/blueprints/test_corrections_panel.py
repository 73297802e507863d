"""The corrections panel of the case page (blueprints/cases/corrections.py): who sees it, each
form opened and posted with and without htmx, reasons required with the input kept, a stale
tab, an archived case, hostile input, the timeline's before/after masked by role, and a page
that stays short and as cheap as before."""

from __future__ import annotations

import re

import pytest

from domain import corrections
from domain.corrections import PartyCorrection
from domain.ids import MAX_ID
from models import Party
from models.states import CaseState
from tests.conftest import hx
from tests.factories import events, fresh, open_panel

HUGE = "99999999999999999999"
REASON = "当事人到场核对身份证"


def error_of(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</', html, re.S)
    assert match, f"no error beside {field_id}"
    return match.group(1)


def stored(db, party_id: int) -> Party:
    """The party as the database has it now (after requests made in their own sessions)."""
    db.session.expire_all()
    return db.session.get(Party, party_id)


def party_post(case, who, **fields) -> dict:
    """What the open correction form of party `who` posts: its stored details, then
    `fields`."""
    party = who
    data = {
        "party-version": case.version,
        "party-party": str(party.id),
        "party-kind": party.kind.value,
        "party-name": party.name,
        "party-sex": party.sex.value if party.sex else "",
        "party-age": "" if party.age is None else str(party.age),
        "party-reason": REASON,
    }
    data.update({f"party-{k}": v for k, v in fields.items()})
    return data


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


# ---- who sees the panel ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "user", "shown"),
    [
        (CaseState.REGISTERED, "clerk", True),
        (CaseState.ACCEPTED, "leader", True),
        (CaseState.MEDIATING, "mediator", True),
        (CaseState.MEDIATING, "director", True),
        (CaseState.MEDIATING, "leader", True),
        (CaseState.MEDIATING, "clerk", False),  # the committee holds it now
        (CaseState.MEDIATING, "admin", False),
        (CaseState.AGREED, "mediator", True),
        (CaseState.ARCHIVED, "mediator", False),
        (CaseState.ARCHIVED, "leader", False),
    ],
)
def test_the_panel_is_for_whoever_holds_the_case(world, db, login, client, state, user, shown):
    case = world.case(state)
    db.session.commit()
    login(user)
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert ('id="panel-corrections"' in html) is shown
    opened = open_panel(client, case, "corrections", "dispute")
    assert opened.status_code == (200 if shown else 404)


def test_the_panel_comes_right_after_the_facts_panels(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert html.index('id="case-parties"') < html.index('id="panel-corrections"')
    assert html.index('id="panel-corrections"') < html.index('id="panel-dispatch"')


def test_forms_open_one_at_a_time_without_personal_details(mediating, login, client):
    login("mediator")
    party = mediating.applicants[0]
    page = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert 'name="party-name"' not in page and 'name="dispute-summary"' not in page
    assert f"/cases/{mediating.number}/panels/corrections?open=party-{party.id}" in page
    html = open_panel(client, mediating, "corrections", f"party-{party.id}").get_data(as_text=True)
    assert html.lstrip().startswith('<section class="panel')
    assert f'value="{party.name}"' in html
    # The ID number and phone are shown masked beside empty fields, never in full.
    assert party.id_number not in html and party.phone not in html
    assert party.phone[:3] + "****" + party.phone[-4:] in html
    assert 'name="party-phone" type="tel" value=""' in html
    no_js = open_panel(client, mediating, "corrections", "dispute", htmx=False)
    assert "<!doctype html>" in no_js.get_data(as_text=True)
    assert mediating.summary in no_js.get_data(as_text=True)


# ---- each correction through the page -------------------------------------------------------


def test_correcting_a_phone_with_htmx_swaps_the_page_with_before_and_after(
    mediating, db, login, client
):
    login("mediator")
    party = mediating.respondents[0]
    response = client.post(
        f"/cases/{mediating.number}/corrections/party",
        data=party_post(mediating, party, phone="13900001111"),
        headers=hx("panel-corrections"),
    )
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#main"
    html = response.get_data(as_text=True)
    assert "Party corrected" in html
    assert "139****1111" in html and "139****4321" in html  # after and before, masked
    assert "13900001111" not in html and "13987654321" not in html
    assert REASON in html
    now = stored(db, party.id)
    assert now.phone == "13900001111" and now.phone_norm == "+8613900001111"


def test_correcting_without_js_goes_back_to_the_panel(mediating, db, login, client):
    login("director")
    party = mediating.applicants[0]
    response = client.post(
        f"/cases/{mediating.number}/corrections/party",
        data=party_post(mediating, party, name="李春花", occupation="教师"),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{mediating.number}#panel-corrections")
    assert stored(db, party.id).name == "李春花"


def test_adding_withdrawing_and_correcting_the_dispute(world, mediating, db, login, client):
    login("mediator")
    url = f"/cases/{mediating.number}/corrections"
    response = client.post(
        f"{url}/add",
        data={
            "add-version": mediating.version,
            "add-role": "respondent",
            "add-kind": "organisation",
            "add-name": "公安县某物业公司",
            "add-legal_rep": "王某",
            "add-phone": "0716-1234567",
            "add-reason": "遗漏的被申请人",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    case = fresh(db, mediating)
    added = case.parties[-1]
    assert added.name == "公安县某物业公司" and added.legal_rep == "王某"
    assert added.phone_norm == "+867161234567"
    response = client.post(
        f"{url}/withdraw",
        data={
            "withdraw-version": case.version,
            "withdraw-party": str(added.id),
            "withdraw-reason": "经核实不是本纠纷当事人",
        },
    )
    assert response.status_code == 303
    case = fresh(db, mediating)
    assert case.parties[-1].withdrawn and case.parties[-1] in case.parties
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Withdrew from the dispute" in page and "公安县某物业公司" in page  # still in the file
    # The consent panel no longer asks them.
    assert f"consent-{added.id}" not in page
    response = client.post(
        f"{url}/dispute",
        data={
            "dispute-version": case.version,
            "dispute-dispute_type": "FWZJD",
            "dispute-region": str(world.village2.id),
            "dispute-summary": "双方因宅基地边界发生争执",
            "dispute-requests": "确认边界\n赔偿损失",
            "dispute-amount": "1200.5",
            "dispute-reason": "申请人补充说明",
        },
    )
    assert response.status_code == 303
    case = fresh(db, mediating)
    assert case.region_id == world.village2.id and str(case.amount) == "1200.50"
    assert [e.action for e in case.events[-3:]] == [
        "add_party",
        "withdraw_party",
        "correct_dispute",
    ]


def test_the_last_respondent_offers_no_withdrawal(mediating, login, client):
    login("mediator")
    party = mediating.respondents[0]
    html = open_panel(client, mediating, "corrections").get_data(as_text=True)
    assert f"open=withdraw-{party.id}" not in html
    response = client.post(
        f"/cases/{mediating.number}/corrections/withdraw",
        data={
            "withdraw-version": mediating.version,
            "withdraw-party": str(party.id),
            "withdraw-reason": "x",
        },
    )
    assert response.status_code == 200
    assert "last" in response.get_data(as_text=True)


# ---- refused: the input stays ---------------------------------------------------------------


def test_a_missing_reason_is_asked_for_beside_the_field_with_the_input_kept(
    mediating, db, login, client
):
    login("mediator")
    party = mediating.respondents[0]
    data = party_post(mediating, party, name="王小明", reason="  ")
    response = client.post(
        f"/cases/{mediating.number}/corrections/party",
        data=data,
        headers=hx("panel-corrections"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section class="panel')
    assert "Give a short reason" in error_of(html, f"party-{party.id}-reason")
    assert 'value="王小明"' in html and "data-panel-open" in html
    assert stored(db, party.id).name != "王小明"


def test_a_bad_phone_and_a_conflicting_removal_are_refused(mediating, login, client):
    login("mediator")
    party = mediating.applicants[0]
    html = client.post(
        f"/cases/{mediating.number}/corrections/party",
        data=party_post(
            mediating, party, phone="12345", address="新地址", remove_address="y", reason="核对"
        ),
    ).get_data(as_text=True)
    assert "not a valid phone number" in error_of(html, f"party-{party.id}-phone")
    assert "not both" in error_of(html, f"party-{party.id}-remove_address")
    assert 'value="12345"' in html


def test_a_second_tab_with_an_old_version_is_refused_with_the_input_kept(
    mediating, db, login, client
):
    login("mediator")
    party = mediating.respondents[0]
    data = party_post(mediating, party, name="第二个标签页", version=mediating.version - 1)
    response = client.post(
        f"/cases/{mediating.number}/corrections/party",
        data=data,
        headers=hx("panel-corrections"),
    )
    html = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#main"
    assert "changed" in html.lower() and "第二个标签页" in html and "data-panel-open" in html
    assert f'name="party-version" type="hidden" value="{fresh(db, mediating).version}"' in html
    assert fresh(db, mediating).respondents[0].name != "第二个标签页"


def test_an_archived_case_is_not_corrected(world, db, login, client):
    case = world.case(CaseState.ARCHIVED)
    db.session.commit()
    login("mediator")
    party = case.parties[0]
    before = len(case.events)
    response = client.post(
        f"/cases/{case.number}/corrections/party",
        data=party_post(case, party, name="归档后改名"),
    )
    assert response.status_code == 200
    assert "not possible in the case" in response.get_data(as_text=True)
    case = fresh(db, case)
    assert case.parties[0].name != "归档后改名" and len(case.events) == before


def test_the_wrong_role_is_forbidden(mediating, login, client):
    login("clerk")  # the case is at the committee now
    party = mediating.parties[0]
    response = client.post(
        f"/cases/{mediating.number}/corrections/party", data=party_post(mediating, party)
    )
    assert response.status_code == 403


# ---- hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "0", "-1", "abc", "", "1.5"])
def test_forged_party_ids_change_nothing(mediating, db, login, client, value):
    login("mediator")
    party = mediating.respondents[0]
    for path, data in (
        ("party", party_post(mediating, party, name="伪造", party=value)),
        (
            "withdraw",
            {
                "withdraw-version": mediating.version,
                "withdraw-party": value,
                "withdraw-reason": "x",
            },
        ),
    ):
        response = client.post(f"/cases/{mediating.number}/corrections/{path}", data=data)
        assert response.status_code == 200
    case = fresh(db, mediating)
    assert all(p.name != "伪造" and not p.withdrawn for p in case.parties)


def test_another_cases_party_is_refused(world, mediating, db, login, client):
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator")
    stranger = other.respondents[0]
    response = client.post(
        f"/cases/{mediating.number}/corrections/party",
        data=party_post(mediating, stranger, name="别人的当事人"),
    )
    assert response.status_code == 200
    assert "Choose a party of this case" in response.get_data(as_text=True)
    assert stored(db, stranger.id).name != "别人的当事人"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "1e400", "0 or more yuan"),
        ("amount", "NaN", "Enter a number"),
        ("amount", HUGE, "0 or more yuan"),
        ("amount", "-5", "0 or more yuan"),
        ("region", HUGE, "Not a valid choice"),
        ("region", "abc", "Not a valid choice"),
        ("dispute_type", "<script>", "Not a valid choice"),
    ],
)
def test_hostile_dispute_values_are_refused_beside_their_field(
    world, mediating, db, login, client, field, value, message
):
    login("mediator")
    data = {
        "dispute-version": mediating.version,
        "dispute-dispute_type": mediating.dispute_type.value,
        "dispute-region": str(mediating.region_id),
        "dispute-summary": mediating.summary,
        "dispute-reason": "核对",
        f"dispute-{field}": value,
    }
    html = client.post(f"/cases/{mediating.number}/corrections/dispute", data=data).get_data(
        as_text=True
    )
    assert message in error_of(html, f"dispute-{field}")
    assert fresh(db, mediating).version == mediating.version


def test_a_place_of_another_county_is_not_offered_nor_taken(world, mediating, db, login, client):
    login("mediator")
    html = open_panel(client, mediating, "corrections", "dispute").get_data(as_text=True)
    assert world.village2.name in html and world.village3.name not in html
    data = {
        "dispute-version": mediating.version,
        "dispute-dispute_type": mediating.dispute_type.value,
        "dispute-region": str(world.village3.id),
        "dispute-summary": mediating.summary,
        "dispute-reason": "核对",
    }
    html = client.post(f"/cases/{mediating.number}/corrections/dispute", data=data).get_data(
        as_text=True
    )
    assert "Not a valid choice" in error_of(html, "dispute-region")
    assert fresh(db, mediating).region_id == world.village.id


def test_hostile_text_is_escaped(mediating, login, client):
    login("mediator")
    party = mediating.respondents[0]
    client.post(
        f"/cases/{mediating.number}/corrections/party",
        data=party_post(mediating, party, name="<script>alert(1)</script>", reason="<b>x</b>"),
    )
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html


# ---- the timeline: before and after, masked by role -----------------------------------------


def _correct_phone_and_id(world, case, db):
    party = case.respondents[0]
    corrections.correct_party(
        case,
        party,
        world.mediator,
        version=None,
        data=PartyCorrection(
            name=party.name, kind=party.kind, sex=party.sex, age=party.age, phone="13900001111"
        ),
        reason=REASON,
    )
    db.session.commit()
    return party


@pytest.mark.parametrize("user", ["mediator", "director", "leader"])
def test_personal_details_in_the_timeline_are_masked_for_every_reader(
    world, mediating, db, login, client, user
):
    _correct_phone_and_id(world, mediating, db)
    login(user)
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert "13900001111" not in html and "13987654321" not in html
    assert "139****1111" in html and "139****4321" in html
    assert "Party&#39;s details corrected" in html or "Party's details corrected" in html


def test_who_may_see_them_sees_them_in_full_after_showing_the_party(
    world, mediating, db, login, client
):
    party = _correct_phone_and_id(world, mediating, db)
    login("mediator")
    fragment = client.post(
        f"/cases/{mediating.number}/parties/{party.id}/reveal", headers=hx()
    ).get_data(as_text=True)
    assert 'id="case-timeline" aria-labelledby="case-timeline-h" hx-swap-oob="true"' in fragment
    assert "13987654321" in fragment and "13900001111" in fragment  # before and after
    page = client.post(f"/cases/{mediating.number}/parties/{party.id}/reveal")
    assert "13987654321" in page.get_data(as_text=True)
    assert len(events(db, mediating, "reveal_pii")) == 2
    # A leader may not reveal: the timeline stays masked for them.
    login("leader")
    assert client.post(f"/cases/{mediating.number}/parties/{party.id}/reveal").status_code == 403


def test_the_citizen_never_sees_a_correction(world, db, client):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    party = case.applicants[0]
    corrections.correct_party(
        case,
        party,
        world.clerk,
        version=None,
        data=PartyCorrection(name="更正后的名字", kind=party.kind, sex=party.sex, age=party.age),
        reason=REASON,
    )
    db.session.commit()
    assert all(not e.public for e in events(db, case, "correct_party"))


# ---- the page stays short and cheap ---------------------------------------------------------


def test_the_page_stays_short_for_the_desk(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert len(re.findall(r"<form\b", html)) <= 8
    assert len(html.encode()) < 25_000
    assert 'name="party-name"' not in html


def test_corrections_do_not_add_queries_to_the_page(world, db, login, client, count_queries):
    plain = world.case(CaseState.MEDIATING)
    corrected = world.case(CaseState.MEDIATING)
    db.session.commit()
    for n in range(3):
        party = corrected.respondents[0]
        corrections.correct_party(
            corrected,
            party,
            world.mediator,
            version=None,
            data=PartyCorrection(name=f"更正{n}", kind=party.kind, phone=f"1390000111{n}"),
            reason=REASON,
        )
    corrections.add_party(
        corrected,
        world.mediator,
        version=None,
        data=corrections.PartyData(role=corrections.PartyRole.THIRD_PARTY, name="第三人"),
        reason=REASON,
    )
    db.session.commit()
    login("mediator")
    counts = []
    for case in (plain, corrected):
        client.get(f"/cases/{case.number}")  # warm
        with count_queries() as seen:
            assert client.get(f"/cases/{case.number}").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


def test_an_organisations_credit_code_is_corrected(world, db, login, client):
    """A company registered with the wrong unified social credit code: corrected, the code
    normalised, the change on the timeline; a bad code refused beside its field."""
    from models.enums import PartyKind

    case = world.case(CaseState.MEDIATING)
    firm = case.respondents[0]
    firm.kind, firm.name, firm.credit_code = PartyKind.ORGANISATION, "公安县宏达建材有限公司", None
    db.session.commit()
    login("mediator")
    base = {
        "party-version": case.version,
        "party-party": firm.id,
        "party-kind": "organisation",
        "party-name": firm.name,
        "party-reason": "营业执照核对",
    }
    bad = client.post(
        f"/cases/{case.number}/corrections/party", data={**base, "party-credit_code": "123"}
    )
    assert "not a valid unified social credit code" in bad.get_data(as_text=True)
    good = client.post(
        f"/cases/{case.number}/corrections/party",
        data={**base, "party-credit_code": "91350100 m000100y43"},
    )
    assert good.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(firm), firm.id).credit_code == "91350100M000100Y43"
