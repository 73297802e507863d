"""Regions in the admin face: browse the tree in scope, add villages and groups one by one or
from a CSV file (a bad line refuses the whole file with its number), correct a name (a stale
form is refused with the text kept), remove a region nothing refers to."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from models import Region
from models.enums import RegionLevel, Role
from models.states import CaseState
from tests.conftest import hx
from tests.factories import user

HEADER = "code,name,level,parent_code\n"


@pytest.fixture
def admin(world, login):
    """The city administrator (荆州市)."""
    return login("admin")


@pytest.fixture
def county_admin(world, db, login):
    """An administrator of 公安县 only."""
    user("gaadmin", Role.ADMIN, world.county_centre, "公安管理")
    db.session.commit()
    return login("gaadmin")


def region(db, code):
    db.session.expire_all()
    return db.session.scalar(sa.select(Region).where(Region.code == code))


def count_regions(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Region.id)))


def upload(client, text: str | bytes, name="villages.csv"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        "/admin/regions/import",
        data={"file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )


# ---- browsing -------------------------------------------------------------------------------
def test_the_admin_starts_at_their_region_and_walks_down(world, admin, client):
    home = client.get("/admin/regions").get_data(as_text=True)
    assert "荆州市" in home and "421022" in home and "公安县" in home and "松滋市" in home
    township = client.get("/admin/regions/421022100").get_data(as_text=True)
    assert 'id="region-421022100201"' in township and "新民村" in township
    assert "天心眼村" in township
    # Where it sits, with links up to the admin's own region.
    assert 'href="/admin/regions/421022"' in township and 'href="/admin/regions/4210"' in township
    assert "Add a village or community" in township
    village = client.get("/admin/regions/421022100201").get_data(as_text=True)
    assert "Add a group" in village
    # A village with its committee shows the organisation count and is in use.
    assert "In use, so it stays" in village


def test_find_a_region_by_name_or_code(world, admin, client, templates):
    page = client.get("/admin/regions/4210?q=新民").get_data(as_text=True)
    assert 'href="/admin/regions/421022100201"' in page
    templates.clear()
    part = client.get("/admin/regions/4210?q=42108700", headers=hx("region-found"))
    body = part.get_data(as_text=True)
    assert templates == ["admin/partials/region_found.html"] and "<html" not in body
    assert "新江口街道" in body and "新民村" not in body
    assert client.get("/admin/regions/4210?q=%00新民").status_code == 200
    assert "No region in your area matches." in client.get(
        "/admin/regions/4210?q=没有这个村"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/regions/abc",
        "/admin/regions/99999999999999999999",
        "/admin/regions/4211",
        "/admin/regions/%EF%BC%94%EF%BC%92",
        "/admin/regions/421022100201001/new",
        "/admin/regions/4210/edit",
    ],
)
def test_unknown_or_forged_codes_are_not_found(world, admin, client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("username", ["clerk", "leader", "mediator", "director"])
def test_other_roles_cannot_manage_regions(world, login, client, username):
    login(username)
    assert client.get("/admin/regions").status_code == 403
    assert client.get("/admin/regions/421022100").status_code == 403
    assert client.post("/admin/regions/421022100/new", data={"code": "203"}).status_code == 403
    assert client.get("/admin/regions/import").status_code == 403


def test_anonymous_is_sent_to_the_login(world, client):
    response = client.get("/admin/regions")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_county_admin_manages_only_their_county(world, county_admin, client, db):
    home = client.get("/admin/regions").get_data(as_text=True)
    assert "公安县" in home and "埠河镇" in home and "松滋市" not in home
    assert client.get("/admin/regions/421087").status_code == 404
    assert client.get("/admin/regions/421087001").status_code == 404
    assert client.get("/admin/regions/4210").status_code == 404
    refused = client.post("/admin/regions/421087001/new", data={"code": "002", "name": "新社区"})
    assert refused.status_code == 404
    assert client.get("/admin/regions/421022/edit").status_code == 404  # their own region
    assert "長江" not in client.get("/admin/regions/421022?q=长江").get_data(as_text=True)
    assert "长江社区" not in client.get("/admin/regions/421022?q=长江").get_data(as_text=True)


# ---- adding one by one ----------------------------------------------------------------------
def test_add_a_village_by_its_last_three_digits(world, admin, client, db):
    response = client.post(
        "/admin/regions/421022100/new", data={"code": "２０３", "name": " 新建村 "}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/regions/421022100#region-421022100203"
    made = region(db, "421022100203")
    assert (made.name, made.level, made.parent.code) == ("新建村", RegionLevel.VILLAGE, "421022100")
    assert "新建村 (421022100203) added." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_add_a_group_by_its_full_code_and_add_another(world, admin, client, db):
    response = client.post(
        "/admin/regions/421022100201/new",
        data={"code": "421022100201003", "name": "三组", "again": "1"},
    )
    assert response.headers["Location"] == "/admin/regions/421022100201/new"
    group = region(db, "421022100201003")
    assert group.level == RegionLevel.GROUP and group.parent.code == "421022100201"


def test_add_a_township_under_a_county(world, admin, client, db):
    response = client.post("/admin/regions/421022/new", data={"code": "421022150", "name": "新镇"})
    assert response.status_code == 303
    assert region(db, "421022150").level == RegionLevel.TOWNSHIP


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "421022101203", "name": "错村"}, "must start with the code of 埠河镇, 421022100"),
        ({"code": "4210221002031", "name": "错村"}, "has 12 digits"),
        ({"code": "20", "name": "错村"}, "has 12 digits"),
        ({"code": "000", "name": "错村"}, "cannot be 000"),
        ({"code": "２０x", "name": "错村"}, "has 12 digits"),
        ({"code": "201", "name": "另一个村"}, "already exists"),
        ({"code": "203", "name": "新民村"}, "already has a region named 新民村"),
        ({"code": "203", "name": ""}, "Enter the name."),
        ({"code": "", "name": "空村"}, "Enter the code."),
        ({"code": "203", "name": "村\x07名"}, "cannot be shown"),
        # NUL is dropped from every typed field (blueprints/forms.py); other control
        # characters are refused.
        ({"code": "203", "name": "村\x01名"}, "cannot be shown"),
        ({"code": "203\x01", "name": "零村"}, "has 12 digits"),
        ({"code": "203", "name": "长" * 65}, "64"),
        ({"code": "9" * 40, "name": "长码村"}, "32"),
    ],
)
def test_a_code_that_does_not_fit_is_refused_with_the_input_kept(
    world, admin, client, db, data, message
):
    before = count_regions(db)
    response = client.post("/admin/regions/421022100/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'class="error-summary"' in page
    if data["name"] and not any(ch in data["name"] for ch in "\x07\x00\x01"):
        assert data["name"][:10] in page  # typed text kept
    assert count_regions(db) == before


def test_hostile_names_are_stored_as_text_and_shown_escaped(world, admin, client, db):
    name = '<script>alert("x")</script>村'
    client.post("/admin/regions/421022100/new", data={"code": "204", "name": name})
    assert region(db, "421022100204").name == name
    page = client.get("/admin/regions/421022100").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_adding_without_the_csrf_token_is_refused(world, admin, client, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/admin/regions/421022100/new", data={"code": "205", "name": "村"})
    assert response.status_code in (200, 400)
    assert region(db, "421022100205") is None


# ---- correcting a name ----------------------------------------------------------------------
def test_rename_with_the_version_seen(world, admin, client, db):
    page = client.get("/admin/regions/421022100201/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(
        "/admin/regions/421022100201/edit", data={"name": "新民社区", "version": version}
    )
    assert response.status_code == 303
    assert region(db, "421022100201").name == "新民社区"
    # Everything that names the region follows (the committee's place, cases' places).
    assert world.village.full_name() == "荆州市公安县埠河镇新民社区"


def test_a_stale_rename_is_refused_with_the_text_kept(world, admin, client, db):
    first = region(db, "421022100202")
    seen = first.version
    first.name = "天心眼社区"  # another administrator, meanwhile
    db.session.commit()
    response = client.post(
        "/admin/regions/421022100202/edit", data={"name": "天星村", "version": str(seen)}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this region" in page
    assert 'value="天星村"' in page and "The name now reads:</strong> 天心眼社区" in page
    assert region(db, "421022100202").name == "天心眼社区"
    # Saving again, against the version now shown, overwrites.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    client.post("/admin/regions/421022100202/edit", data={"name": "天星村", "version": version})
    assert region(db, "421022100202").name == "天星村"


@pytest.mark.parametrize("version", ["abc", "99999999999999999999999", "-1", "NaN"])
def test_forged_versions_do_not_fail(world, admin, client, db, version):
    response = client.post(
        "/admin/regions/421022100202/edit", data={"name": "天星村", "version": version}
    )
    assert response.status_code in (200, 303)
    assert region(db, "421022100202").name in ("天星村", "天心眼村")


# ---- removing -------------------------------------------------------------------------------
def test_remove_a_region_added_by_mistake(world, admin, client, db):
    client.post("/admin/regions/421022100/new", data={"code": "299", "name": "误加村"})
    page = client.get("/admin/regions/421022100299").get_data(as_text=True)
    assert "Remove 误加村" in page
    response = client.post("/admin/regions/421022100299/delete")
    assert response.headers["Location"] == "/admin/regions/421022100"
    assert region(db, "421022100299") is None


def test_a_region_in_use_is_never_removed(world, admin, client, db):
    world.case(CaseState.REGISTERED, village=world.village2)
    db.session.commit()
    for code, said in (
        ("421022100202", "This region is in use"),  # a case happened there
        ("421022100201", "This region is in use"),  # its committee
        ("421022100", "This region is in use"),  # villages under it
        ("421022", "come from the national codes"),
    ):
        page = client.get(f"/admin/regions/{code}").get_data(as_text=True)
        assert "Remove " not in page
        response = client.post(f"/admin/regions/{code}/delete")
        assert response.headers["Location"] == f"/admin/regions/{code}"
        assert said in client.get(response.headers["Location"]).get_data(as_text=True)
        assert region(db, code) is not None


def test_the_admins_own_region_cannot_be_removed(world, county_admin, client, db):
    assert client.post("/admin/regions/421022/delete").status_code == 303
    assert region(db, "421022") is not None


# ---- CSV import -----------------------------------------------------------------------------
def test_import_villages_and_their_groups(world, admin, client, db):
    text = (
        HEADER + "421022100210,青龙村,village,421022100\n"
        "421022100210001,一组,group,421022100210\n"
        "421022100210002,二组,group,421022100210\n"
        "\n"
        "421022100201,新民村,village,421022100\n"  # already there, as it is
        "421087001002,江北社区,village,421087001\n"
    )
    response = upload(client, "\ufeff" + text)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 regions added, 1 already present" in page
    assert region(db, "421022100210001").parent.code == "421022100210"
    assert region(db, "421087001002").level == RegionLevel.VILLAGE


def test_import_a_file_saved_by_a_chinese_spreadsheet(world, admin, client, db):
    text = HEADER + "421022100211,白马村,village,421022100\r\n"
    assert upload(client, text.encode("gb18030")).status_code == 303
    assert region(db, "421022100211").name == "白马村"


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        ("421022101211,错村,village,421022100\n", 2, "does not start with its parent"),
        ("4210221002111,错村,village,421022100\n", 2, "has 12 digits"),
        ("421022100211,错村,hamlet,421022100\n", 2, "must be one of township, village, group"),
        ("421022100211,错村,village\n", 2, "four values"),
        ("421022100211,错村,village,421022999\n", 2, "There is no region 421022999"),
        ("421022100211,错村,group,421022100\n", 2, "belongs under a Village / community"),
        ("421022100201,别的村,village,421022100\n", 2, "already belongs to 新民村"),
        ("421022100211,新民村,village,421022100\n", 2, "already a region named 新民村"),
        ("421022100211,,village,421022100\n", 2, "Enter the name."),
        (
            "421022100211,甲村,village,421022100\n421022100211,乙村,village,421022100\n",
            3,
            "already on line 3",
        ),
        (
            "421022100211001,一组,group,421022100211\n421022100211,甲村,village,421022100\n",
            2,
            "put its line before",
        ),
    ],
)
def test_one_bad_line_refuses_the_whole_file(world, admin, client, db, lines, line, message):
    before = count_regions(db)
    text = HEADER + "421022100212,好村,village,421022100\n" + lines
    response = upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The file was not imported" in page
    assert f"Line {line + 1}: " in page and message in page
    assert count_regions(db) == before


def test_a_county_admin_cannot_import_into_another_county(world, county_admin, client, db):
    before = count_regions(db)
    response = upload(client, HEADER + "421087001002,江北社区,village,421087001\n")
    assert "Line 2: The parent 421087001 is not inside your region." in response.get_data(
        as_text=True
    )
    assert count_regions(db) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code;name;level;parent\n1;2;3;4\n", "Line 1: The first line must be the header"),
        ("", "Choose a CSV file."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfd" * 10, "not a text CSV file"),
        (HEADER + "4210221002\x00,a,village,421022100\n", "Line 2"),
    ],
)
def test_files_that_are_not_the_expected_csv_are_refused(
    world, admin, client, db, content, message
):
    before = count_regions(db)
    response = upload(client, content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_regions(db) == before


def test_a_file_larger_than_two_megabytes_is_refused(world, admin, client, db):
    response = upload(client, HEADER + ("421022100213,长村,village,421022100\n" * 60000))
    assert "larger than 2 MB" in response.get_data(as_text=True)


def test_import_page_example_uses_a_township_in_scope(world, county_admin, client):
    page = client.get("/admin/regions/import").get_data(as_text=True)
    assert "421022100201,Xinmin Village,village,421022100" in page
