"""Setting up a county from an empty database with the commands alone: `flask regions load`
and `flask regions find` (the national codes that ship in data/regions/), then
`flask create-admin` (the first administrator and the body they work for)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain import regions as region_codes
from models import Organisation, Region, User
from models.enums import OrgKind, RegionLevel, Role

PASSWORD = "county-admin-2026"  # noqa: S105 - test-only
GONGAN_TOWNSHIPS = 16  # 公安县 in the 2022 national codes
JINGZHOU_TOWNSHIPS = 129


def run(runner, *args):
    return runner.invoke(args=list(args))


def regions_by_code(db) -> dict[str, Region]:
    db.session.expire_all()
    return {r.code: r for r in db.session.scalars(sa.select(Region))}


def load_gongan(runner):
    result = run(runner, "regions", "load", "--county", "421022")
    assert result.exit_code == 0, result.output
    return result


def create_admin(runner, *extra, username="gaadmin", region="421022"):
    return run(
        runner,
        "create-admin",
        username,
        "--region",
        region,
        "--org-name",
        "公安县矛盾纠纷调处中心",
        "--name",
        "周管理",
        "--password",
        PASSWORD,
        *extra,
    )


# ---- regions load ---------------------------------------------------------------------------
def test_the_shipped_file_covers_every_level_down_to_townships():
    names = region_codes.national_regions()
    lengths = {len(code) for code in names}
    assert lengths == {2, 4, 6, 9}
    assert names["4210"] == "荆州市" and names["421022"] == "公安县"
    assert names["421022100"] == "埠河镇"
    # Every code's parent is in the file (the tree has no holes).
    parents = {2: None, 4: 2, 6: 4, 9: 6}
    assert all(code[: parents[len(code)]] in names for code in names if parents[len(code)])
    assert len(names) > 44000


def test_load_a_county_into_an_empty_database(runner, db):
    result = load_gongan(runner)
    found = regions_by_code(db)
    assert len(found) == 1 + 1 + GONGAN_TOWNSHIPS
    city, county = found["4210"], found["421022"]
    assert (city.level, city.parent, city.name) == (RegionLevel.CITY, None, "荆州市")
    assert (county.level, county.parent, county.name) == (RegionLevel.COUNTY, city, "公安县")
    townships = [r for r in found.values() if r.level == RegionLevel.TOWNSHIP]
    assert len(townships) == GONGAN_TOWNSHIPS
    assert all(t.parent is county and t.code.startswith("421022") for t in townships)
    assert found["421022100"].full_name() == "荆州市公安县埠河镇"
    assert "湖北省 荆州市 公安县" in result.output
    assert f"township {GONGAN_TOWNSHIPS}" in result.output


def test_load_is_idempotent_and_keeps_corrected_names(runner, db):
    load_gongan(runner)
    township = regions_by_code(db)["421022200"]
    township.name = "甘家厂镇"  # renamed by the administrator after the codes were published
    db.session.commit()
    again = load_gongan(runner)
    assert "township 0" in again.output
    assert f"{2 + GONGAN_TOWNSHIPS} already present" in again.output
    found = regions_by_code(db)
    assert len(found) == 2 + GONGAN_TOWNSHIPS
    assert found["421022200"].name == "甘家厂镇"


def test_load_the_whole_city_after_one_county(runner, db):
    load_gongan(runner)
    result = run(runner, "regions", "load", "--city", "4210")
    assert result.exit_code == 0, result.output
    found = regions_by_code(db)
    counties = [r for r in found.values() if r.level == RegionLevel.COUNTY]
    assert len(counties) == 9  # 公安县 and the 8 others
    assert all(c.parent is found["4210"] for c in counties)
    assert sum(r.level == RegionLevel.TOWNSHIP for r in found.values()) == JINGZHOU_TOWNSHIPS
    assert all(r.parent is not None for r in found.values() if r.level != RegionLevel.CITY)


def test_load_a_province_names_the_municipalities_placeholder_cities(runner, db):
    result = run(runner, "regions", "load", "--province", "50")
    assert result.exit_code == 0, result.output
    found = regions_by_code(db)
    assert found["5001"].name == "重庆市" and found["5002"].name == "重庆市（县）"
    assert found["500101"].full_name() == "重庆市万州区"
    assert not any(len(code) == 2 for code in found)  # no province level in the tree


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "exactly one of --province, --city or --county"),
        (("--city", "4210", "--county", "421022"), "exactly one"),
        (("--county", "4210"), "6 digits"),
        (("--county", "42102x"), "6 digits"),
        (("--city", "9999"), "no province, city or county with the code 9999"),
        (("--county", "421099"), "regions find"),
    ],
)
def test_load_refuses_bad_options(runner, db, args, message):
    result = run(runner, "regions", "load", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert regions_by_code(db) == {}


def test_find_prints_codes_with_their_place(runner, db):
    result = run(runner, "regions", "find", "公安县")
    assert result.exit_code == 0
    assert "421022     湖北省 荆州市 公安县" in result.output
    by_code = run(runner, "regions", "find", "42102210")
    assert "421022100  湖北省 荆州市 公安县 埠河镇" in by_code.output
    nothing = run(runner, "regions", "find", "没有这个地方")
    assert nothing.exit_code != 0 and "No province" in nothing.output


# ---- create-admin ---------------------------------------------------------------------------
def test_first_admin_on_an_empty_database(runner, db):
    load_gongan(runner)
    result = create_admin(runner)
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User).where(User.username == "gaadmin"))
    assert admin.role == Role.ADMIN and admin.active and admin.check_password(PASSWORD)
    org = admin.organisation
    assert (org.name, org.kind, org.region.code, org.active) == (
        "公安县矛盾纠纷调处中心",
        OrgKind.CENTRE,
        "421022",
        True,
    )
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1
    assert "Created 公安县矛盾纠纷调处中心" in result.output and "Admin" in result.output

    # A second administrator joins the same body.
    second = create_admin(runner, username="gaadmin2")
    assert second.exit_code == 0, second.output
    assert "Using 公安县矛盾纠纷调处中心" in second.output
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1


def test_first_admin_of_a_city_at_a_justice_bureau(runner, db):
    run(runner, "regions", "load", "--city", "4210")
    result = run(
        runner,
        "create-admin",
        "jzadmin",
        "--region",
        "4210",
        "--org-name",
        "荆州市司法局",
        "--org-kind",
        "justice_office",
        "--name",
        "黄管理",
        "--password",
        PASSWORD,
    )
    assert result.exit_code == 0, result.output
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == "荆州市司法局"))
    assert org.kind == OrgKind.JUSTICE_OFFICE and org.region.code == "4210"


def test_create_admin_before_the_regions_are_loaded_says_what_to_do(runner, db):
    result = create_admin(runner)
    assert result.exit_code != 0
    assert "flask regions load --county 421022" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"region": "421022100"}, "is a township"),
        ({"region": "421099"}, "regions find"),
        ({"username": "A"}, "2-64 characters"),
        ({"extra": ("--org-kind", "court")}, "Invalid value for '--org-kind'"),
    ],
)
def test_create_admin_refuses_bad_input(runner, db, change, message):
    load_gongan(runner)
    result = create_admin(
        runner,
        *change.get("extra", ()),
        username=change.get("username", "gaadmin"),
        region=change.get("region", "421022"),
    )
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_admin_refuses_a_short_password_and_a_taken_username(runner, db):
    load_gongan(runner)
    short = run(
        runner,
        "create-admin",
        "gaadmin",
        "--region",
        "421022",
        "--org-name",
        "公安县矛盾纠纷调处中心",
        "--name",
        "周管理",
        "--password",
        "short",
    )
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    assert create_admin(runner).exit_code == 0
    taken = create_admin(runner, username="GAADMIN")
    assert taken.exit_code != 0 and "already exists" in taken.output


def test_create_admin_refuses_a_body_of_another_region(runner, db):
    run(runner, "regions", "load", "--city", "4210")
    assert create_admin(runner).exit_code == 0
    elsewhere = create_admin(runner, username="szadmin", region="421087")
    assert elsewhere.exit_code != 0
    assert "exists in region 421022" in elsewhere.output


def test_create_user_on_an_empty_database_points_to_the_deploy_steps(runner, db):
    result = run(
        runner,
        "create-user",
        "admin",
        "--role",
        "admin",
        "--org",
        "荆州市社会矛盾纠纷调处中心",
        "--name",
        "管理员",
        "--password",
        PASSWORD,
    )
    assert result.exit_code != 0
    assert "flask create-admin" in result.output


def test_seed_still_refuses_outside_development(app, runner, db, monkeypatch):
    monkeypatch.setitem(app.config, "SEED_ALLOWED", False)
    load_gongan(runner)
    result = run(runner, "seed")
    assert result.exit_code != 0 and "development" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0
