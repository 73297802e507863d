"""Organisations in the admin face: list and filter, create every kind, edit (a stale form is
refused with the input kept), deactivate (refused while it handles open cases, which are
listed) and reactivate; a deactivated body is offered nowhere."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from domain import targets
from domain.routing import suggest_organisation
from models import Organisation
from models.enums import DisputeType, OrgKind, RegionLevel, Role
from models.states import CaseState
from tests.conftest import hx
from tests.factories import user


@pytest.fixture
def admin(world, login):
    """The city administrator (荆州市)."""
    return login("admin")


@pytest.fixture
def county_admin(world, db, login):
    user("gaadmin", Role.ADMIN, world.county_centre, "公安管理")
    db.session.commit()
    return login("gaadmin")


def get_org(db, name) -> Organisation | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def names_listed(html) -> list[str]:
    return re.findall(r'id="org-\d+-row">\s*<td><a href="[^"]+">([^<]+)</a>', html)


def version_on(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def org_data(**overrides):
    data = {
        "name": "天心眼村人民调解委员会",
        "kind": "village_committee",
        "region_code": "421022100202",
        "phone": "0716-5210001",
        "address": "埠河镇天心眼村党群服务中心",
        "file_prefix": "天心眼",
    }
    data.update(overrides)
    return data


# ---- list -----------------------------------------------------------------------------------
def test_list_by_name_with_filters(world, admin, client, db):
    page = client.get("/admin/organisations").get_data(as_text=True)
    listed = names_listed(page)
    assert listed == sorted(listed) and len(listed) == 8
    only = names_listed(client.get("/admin/organisations?kind=court").get_data(as_text=True))
    assert only == ["公安县人民法院"]
    named = names_listed(client.get("/admin/organisations?q=调解委员会").get_data(as_text=True))
    assert set(named) == {
        "新民村人民调解委员会",
        "长江社区人民调解委员会",
        "公安县道路交通事故纠纷人民调解委员会",
    }
    in_township = client.get("/admin/organisations?region=421022100").get_data(as_text=True)
    assert set(names_listed(in_township)) == {"埠河镇矛盾纠纷调处中心", "新民村人民调解委员会"}
    assert "in 埠河镇" in in_township
    world.court.active = False
    db.session.commit()
    inactive = client.get("/admin/organisations?status=inactive").get_data(as_text=True)
    assert names_listed(inactive) == ["公安县人民法院"] and "Deactivated" in inactive
    assert "公安县人民法院" not in names_listed(
        client.get("/admin/organisations?status=active").get_data(as_text=True)
    )


def test_list_pages_and_htmx(world, admin, client, app, monkeypatch, templates):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    seen, url = [], "/admin/organisations"
    for _ in range(5):
        page = client.get(url).get_data(as_text=True)
        seen += names_listed(page)
        found = re.search(r'<a href="([^"]+)"[^>]*>Next page</a>', page)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    assert seen == sorted(seen) and len(seen) == 8 == len(set(seen))
    templates.clear()
    part = client.get("/admin/organisations?kind=centre", headers=hx("org-results"))
    assert templates == ["admin/partials/organisation_rows.html"]
    assert "<html" not in part.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "kind=king",
        "status=maybe",
        "region=abc",
        "region=99999999999999999999",
        "region=4211",
        "q=" + "长" * 200,
        "q=%25_%25",
        "q=%00",
        "region=%00",
        "after=%%%",
        "after=WyJ4Il0",
        "kind=%20",  # spaces only: no kind (was taken for a chosen one, a 500)
        "kind=%E3%80%80&status=%20",
    ],
)
def test_bad_filters_do_not_fail(world, admin, client, query):
    assert client.get("/admin/organisations?" + query).status_code == 200


def test_list_query_count_does_not_grow(world, admin, client, db, count_queries):
    from tests.factories import org

    for i in range(6):
        org(f"第{i}调解工作室", OrgKind.STUDIO, world.county)
    db.session.commit()
    with count_queries() as few:
        client.get("/admin/organisations?kind=arbitration")
    with count_queries() as many:
        page = client.get("/admin/organisations").get_data(as_text=True)
    assert len(names_listed(page)) == 14
    assert len(many) == len(few), "\n\n".join(many)


# ---- create ---------------------------------------------------------------------------------
def test_create_a_village_committee_from_its_village(world, admin, client, db):
    form = client.get("/admin/organisations/new?region=421022100202&kind=village_committee")
    page = form.get_data(as_text=True)
    assert 'value="421022100202"' in page and "荆州市公安县埠河镇天心眼村" in page
    response = client.post("/admin/organisations/new", data=org_data())
    assert response.status_code == 303
    made = get_org(db, "天心眼村人民调解委员会")
    assert response.headers["Location"] == f"/admin/organisations/{made.id}"
    assert (made.kind, made.region.code, made.active, made.file_prefix) == (
        OrgKind.VILLAGE_COMMITTEE,
        "421022100202",
        True,
        "天心眼",
    )
    assert made.dispute_types == []


@pytest.mark.parametrize(
    ("kind", "region"),
    [
        ("centre", "421022100"),
        ("township_committee", "421022100"),
        ("enterprise_committee", "421022"),
        ("stationed_room", "421022100"),
        ("studio", "421022100201"),
        ("court", "421087"),
        ("petition_office", "421022"),
        ("police_station", "421022100"),
        ("justice_office", "421022100"),
        ("arbitration", "4210"),
    ],
)
def test_create_every_kind(world, admin, client, db, kind, region):
    name = f"测试{kind}"
    response = client.post(
        "/admin/organisations/new", data=org_data(name=name, kind=kind, region_code=region)
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    made = get_org(db, name)
    assert made.kind == OrgKind(kind) and made.region.code == region


def test_an_industry_committee_takes_its_dispute_types(world, admin, client, db):
    data = org_data(
        name="公安县物业纠纷人民调解委员会", kind="industry_committee", region_code="421022"
    )
    refused = client.post("/admin/organisations/new", data=data)
    assert "Tick the dispute types" in refused.get_data(as_text=True)
    data["dispute_types"] = ["WY", "HT"]
    assert client.post("/admin/organisations/new", data=data).status_code == 303
    made = get_org(db, "公安县物业纠纷人民调解委员会")
    assert made.dispute_types == ["HT", "WY"]  # in the national order
    # Routing sends the county's property disputes there by default.
    from domain.routing import CaseProbe
    from models.enums import RiskLevel

    probe = CaseProbe(
        region_code="421022100201",
        dispute_type=DisputeType.WY,
        amount=None,
        risk_level=RiskLevel.NONE,
        cross_region=False,
        party_count=2,
    )
    assert suggest_organisation(probe).organisation == made


def test_types_of_another_kind_are_not_kept(world, admin, client, db):
    client.post("/admin/organisations/new", data=org_data(dispute_types=["WY"]))
    assert get_org(db, "天心眼村人民调解委员会").dispute_types == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"region_code": "421022100"}, "region_code", "sits in a Village / community"),
        ({"kind": "township_committee"}, "region_code", "sits in a Township / street"),
        ({"kind": "centre"}, "region_code", "sits in a City / County / district / Township"),
        ({"region_code": "421022100299"}, "region_code", "inside your region"),
        ({"region_code": "abc"}, "region_code", "inside your region"),
        ({"region_code": "9" * 40}, "region_code", "32"),
        ({"name": "新民村人民调解委员会"}, "name", "already exists"),
        ({"name": "  "}, "name", "Enter the organisation's name."),
        ({"name": "长" * 129}, "name", "128"),
        ({"kind": "bank"}, "kind", "Not a valid choice"),
        ({"kind": ""}, "kind", "Choose the kind of organisation."),
        ({"dispute_types": ["XX"]}, "dispute_types", "not a valid choice"),
        ({"phone": "1" * 40}, "phone", "32"),
        ({"phone": "0716\x01"}, "phone", "cannot be shown"),  # (NUL is dropped when typed)
        ({"name": "调委会\x01"}, "name", "cannot be shown"),
        ({"name": "调委会\u202e"}, "name", "cannot be shown"),
    ],
)
def test_bad_input_is_shown_beside_its_field_with_the_input_kept(
    world, admin, client, db, overrides, field, message
):
    before = db.session.scalar(sa.select(sa.func.count(Organisation.id)))
    response = client.post("/admin/organisations/new", data=org_data(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and str(escape(message)) in error.group(1), page[page.find("error-summary") :][
        :1500
    ]
    assert "埠河镇天心眼村党群服务中心" in page  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == before


def test_nothing_sits_in_a_group(world, admin, client, db):
    from tests.factories import region

    region("421022100201001", "一组", RegionLevel.GROUP, world.village)
    db.session.commit()
    response = client.post(
        "/admin/organisations/new",
        data=org_data(name="一组调解工作室", kind="studio", region_code="421022100201001"),
    )
    assert "sits in a City / County / district / Township / street / Village" in (
        response.get_data(as_text=True)
    )
    assert get_org(db, "一组调解工作室") is None


def test_hostile_text_is_kept_as_text(world, admin, client, db):
    name = '"><img src=x onerror=alert(1)>调委会'
    client.post(
        "/admin/organisations/new",
        data=org_data(name=name, kind="studio", address="<b>地址</b>"),
    )
    made = get_org(db, name)
    assert made is not None and made.address == "<b>地址</b>"
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page


# ---- scope and roles ------------------------------------------------------------------------
def test_a_county_admin_sees_and_makes_only_their_county(world, county_admin, client, db):
    listed = names_listed(client.get("/admin/organisations").get_data(as_text=True))
    assert "松滋市矛盾纠纷调处中心" not in listed and "荆州市社会矛盾纠纷调处中心" not in listed
    assert "新民村人民调解委员会" in listed
    assert client.get(f"/admin/organisations/{world.county2_centre.id}").status_code == 404
    assert client.get(f"/admin/organisations/{world.city_centre.id}").status_code == 404
    refused = client.post(
        f"/admin/organisations/{world.county2_centre.id}/deactivate", data={"version": "1"}
    )
    assert refused.status_code == 404
    elsewhere = client.post(
        "/admin/organisations/new",
        data=org_data(name="长江社区调解工作室", kind="studio", region_code="421087001001"),
    )
    assert "inside your region" in elsewhere.get_data(as_text=True)
    assert get_org(db, "长江社区调解工作室") is None


@pytest.mark.parametrize("username", ["clerk", "leader", "mediator", "director"])
def test_other_roles_cannot_manage_organisations(world, login, client, username):
    login(username)
    assert client.get("/admin/organisations").status_code == 403
    assert client.get("/admin/organisations/new").status_code == 403
    assert client.post("/admin/organisations/new", data=org_data()).status_code == 403
    org_id = world.village_committee.id
    assert client.post(f"/admin/organisations/{org_id}/deactivate").status_code == 403


@pytest.mark.parametrize("org_id", ["0", "99999999999999999999", "-3", "abc"])
def test_forged_ids_are_not_found(world, admin, client, org_id):
    assert client.get(f"/admin/organisations/{org_id}").status_code == 404
    assert client.post(f"/admin/organisations/{org_id}/deactivate").status_code == 404


# ---- edit -----------------------------------------------------------------------------------
def test_edit_with_the_version_seen(world, admin, client, db):
    org_id = world.village_committee.id
    page = client.get(f"/admin/organisations/{org_id}").get_data(as_text=True)
    assert 'value="新民村人民调解委员会"' in page and 'value="421022100201"' in page
    data = org_data(
        name="新民社区人民调解委员会", region_code="421022100201", version=version_on(page)
    )
    response = client.post(f"/admin/organisations/{org_id}", data=data)
    assert response.status_code == 303
    assert get_org(db, "新民社区人民调解委员会").id == org_id


def test_a_stale_edit_is_refused_with_the_input_kept(world, admin, client, db):
    org_id = world.village_committee.id
    page = client.get(f"/admin/organisations/{org_id}").get_data(as_text=True)
    seen = version_on(page)
    other = get_org(db, "新民村人民调解委员会")
    other.phone = "0716-5200000"  # another administrator, meanwhile
    db.session.commit()
    data = org_data(name="新民村调委会", region_code="421022100201", version=seen)
    response = client.post(f"/admin/organisations/{org_id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this organisation" in page
    assert 'value="新民村调委会"' in page and "The organisation now reads:" in page
    assert get_org(db, "新民村人民调解委员会") is not None
    # Saving again against the version now shown overwrites.
    data["version"] = version_on(page)
    assert client.post(f"/admin/organisations/{org_id}", data=data).status_code == 303
    assert get_org(db, "新民村调委会").phone == "0716-5210001"


@pytest.mark.parametrize("version", ["abc", "99999999999999999999999", "NaN", ""])
def test_forged_versions_do_not_fail(world, admin, client, version):
    data = org_data(name="新民村调委会", region_code="421022100201", version=version)
    response = client.post(f"/admin/organisations/{world.village_committee.id}", data=data)
    assert response.status_code in (200, 303)


def test_a_body_with_mediators_keeps_a_mediating_kind(world, admin, client, db):
    data = org_data(name="新民村人民调解委员会", kind="court", region_code="421022100201")
    response = client.post(f"/admin/organisations/{world.village_committee.id}", data=data)
    assert "mediators or directors work here" in response.get_data(as_text=True)
    assert get_org(db, "新民村人民调解委员会").kind == OrgKind.VILLAGE_COMMITTEE


def test_a_body_with_open_cases_stays_in_its_county(world, admin, client, db):
    data = org_data(name="公安县道路交通事故纠纷人民调解委员会", kind="industry_committee")
    data.update(region_code="421087", dispute_types=["DLJT"])
    traffic = world.traffic.id
    world.case(CaseState.DISPATCHED, dtype=DisputeType.DLJT)
    db.session.commit()
    response = client.post(f"/admin/organisations/{traffic}", data=data)
    assert "It handles open cases of its county" in response.get_data(as_text=True)
    data["region_code"] = "421022100"  # another place in the same county is fine
    assert client.post(f"/admin/organisations/{traffic}", data=data).status_code == 303


# ---- deactivate and reactivate --------------------------------------------------------------
def test_deactivation_is_refused_while_it_handles_open_cases(world, admin, client, db):
    open_case = world.case(CaseState.MEDIATING)
    closed = world.case(CaseState.TERMINATED)
    db.session.commit()
    org_id = world.village_committee.id
    page = client.get(f"/admin/organisations/{org_id}").get_data(as_text=True)
    assert "1 open case is handled here." in page
    assert f'href="/cases/{open_case.number}"' in page
    assert closed.number not in page
    response = client.post(f"/admin/organisations/{org_id}/deactivate", data={"version": "1"})
    assert response.headers["Location"] == f"/admin/organisations/{org_id}#open-cases"
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This organisation still handles 1 open case." in followed
    assert get_org(db, "新民村人民调解委员会").active


def test_deactivate_then_offered_nowhere_then_reactivate(world, admin, client, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    org_id = world.village_committee.id
    assert suggest_organisation(case).organisation.id == org_id
    page = client.get(f"/admin/organisations/{org_id}").get_data(as_text=True)
    assert "3 active accounts stay attached" in page
    response = client.post(
        f"/admin/organisations/{org_id}/deactivate", data={"version": version_on(page)}
    )
    assert response.status_code == 303
    org = get_org(db, "新民村人民调解委员会")
    assert not org.active
    assert "deactivated: it is no longer offered" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    # Not offered for dispatch, transfer, routing, nor new accounts.
    case = db.session.merge(case)
    assert org not in targets.dispatch_targets(case)
    assert org not in targets.transfer_targets(case, None)
    assert suggest_organisation(case).organisation.id != org_id
    new_user = client.get("/admin/users/new").get_data(as_text=True)
    assert f'value="{org_id}"' not in new_user
    # Reactivate.
    page = client.get(f"/admin/organisations/{org_id}").get_data(as_text=True)
    client.post(f"/admin/organisations/{org_id}/activate", data={"version": version_on(page)})
    assert get_org(db, "新民村人民调解委员会").active
    assert suggest_organisation(db.session.merge(case)).organisation.id == org_id


def test_a_stale_deactivation_is_refused(world, admin, client, db):
    org_id = world.court.id
    stale = "1"
    court = get_org(db, "公安县人民法院")
    court.phone = "0716-5888888"
    db.session.commit()
    response = client.post(f"/admin/organisations/{org_id}/deactivate", data={"version": stale})
    assert "Someone else changed this organisation" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert get_org(db, "公安县人民法院").active


def test_the_admin_cannot_deactivate_their_own_organisation(world, admin, client, db):
    org_id = world.city_centre.id
    page = client.get(f"/admin/organisations/{org_id}").get_data(as_text=True)
    assert "You cannot deactivate your own organisation." in page
    client.post(f"/admin/organisations/{org_id}/deactivate", data={"version": version_on(page)})
    assert get_org(db, "荆州市社会矛盾纠纷调处中心").active


def test_deactivating_without_the_csrf_token_is_refused(world, admin, client, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(f"/admin/organisations/{world.court.id}/deactivate")
    assert response.status_code == 400
    assert get_org(db, "公安县人民法院").active


# ---- users attached to new organisations ----------------------------------------------------
def test_add_an_account_at_a_new_organisation(world, admin, client, db):
    client.post("/admin/organisations/new", data=org_data())
    made = get_org(db, "天心眼村人民调解委员会")
    page = client.get(f"/admin/organisations/{made.id}").get_data(as_text=True)
    assert f'href="/admin/users/new?organisation={made.id}"' in page
    form = client.get(f"/admin/users/new?organisation={made.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{made.id}">', form)
    assert client.get("/admin/users/new?organisation=999999999999").status_code == 200
    response = client.post(
        "/admin/users/new",
        data={
            "username": "txymediator",
            "name": "田调解",
            "role": "mediator",
            "organisation": str(made.id),
            "password": "a-long-password",
            "confirm": "a-long-password",
        },
    )
    assert response.status_code == 303
    assert "1 active account works here." in client.get(f"/admin/organisations/{made.id}").get_data(
        as_text=True
    )
