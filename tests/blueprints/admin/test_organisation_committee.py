"""Admin → Organisations: a centre, stationed room or studio records the people's mediation
committee it mediates under (typed by its full name, suggested from the committees of the
administrator's region); a committee is its own; bad input comes back beside the field."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import Organisation
from models.enums import OrgKind, Role
from tests.factories import org, user

COMMITTEE = "埠河镇人民调解委员会"


@pytest.fixture
def committee(world, db):
    made = org(COMMITTEE, OrgKind.TOWNSHIP_COMMITTEE, world.township)
    db.session.commit()
    return made


def centre_form(world, **overrides) -> dict:
    centre = world.township_centre
    data = {
        "name": centre.name,
        "kind": centre.kind.value,
        "region_code": centre.region.code,
        "phone": centre.phone or "",
        "address": "",
        "file_prefix": "",
        "committee": COMMITTEE,
        "version": centre.version,
    }
    data.update(overrides)
    return data


def reload(db, org_id: int) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, org_id)


def test_record_the_committee_a_centre_mediates_under(world, db, login, client, committee):
    login("admin")
    url = f"/admin/organisations/{world.township_centre.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="committee-missing"' in page  # nothing recorded yet
    assert f'<option value="{COMMITTEE}">' in page  # suggested
    r = client.post(url, data=centre_form(world))
    assert r.status_code == 303
    centre = reload(db, world.township_centre.id)
    assert centre.committee_id == committee.id
    assert centre.mediating_committee.name == COMMITTEE
    page = client.get(url).get_data(as_text=True)
    assert f'value="{COMMITTEE}"' in page and 'id="committee-missing"' not in page
    # Emptied again: no committee.
    assert client.post(url, data=centre_form(world, committee="", version=2)).status_code == 303
    assert reload(db, world.township_centre.id).committee_id is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("不存在的人民调解委员会", "No people&#39;s mediation committee of this name"),
        ("公安县人民法院", "No people&#39;s mediation committee of this name"),  # not a committee
        ("埠河镇\x07人民调解委员会", "characters that cannot be shown"),
        ("委" * 10_000, "longer than 128 characters"),
    ],
)
def test_a_committee_that_does_not_fit_is_refused_beside_the_field(
    world, db, login, client, committee, typed, message
):
    login("admin")
    url = f"/admin/organisations/{world.township_centre.id}"
    r = client.post(url, data=centre_form(world, committee=typed))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    field = html.split('id="committee-field"')[1].split("</div>")[0]
    assert message in field, field[:500]
    assert reload(db, world.township_centre.id).committee_id is None


def test_a_committee_is_its_own(world, db, login, client, committee):
    login("admin")
    data = centre_form(
        world,
        name=world.village_committee.name,
        kind=world.village_committee.kind.value,
        region_code=world.village_committee.region.code,
        version=world.village_committee.version,
    )
    r = client.post(f"/admin/organisations/{world.village_committee.id}", data=data)
    assert r.status_code == 200
    assert "mediates under its own name: leave this empty" in r.get_data(as_text=True).replace(
        "&#39;", "'"
    )
    deactivated = org("已撤销人民调解委员会", OrgKind.VILLAGE_COMMITTEE, world.village2)
    deactivated.active = False
    db.session.commit()
    r = client.post(
        f"/admin/organisations/{world.township_centre.id}",
        data=centre_form(world, committee=deactivated.name),
    )
    assert "This committee is deactivated." in r.get_data(as_text=True)


def test_only_committees_of_the_admins_region(world, db, login, client, committee):
    """A county administrator of 松滋市 finds no committee of 公安县."""
    user("szadmin", Role.ADMIN, world.county2_centre, "松滋管理")
    db.session.commit()
    login("szadmin")
    centre = world.county2_centre
    data = {
        "name": centre.name,
        "kind": centre.kind.value,
        "region_code": centre.region.code,
        "committee": COMMITTEE,
        "version": centre.version,
    }
    r = client.post(f"/admin/organisations/{centre.id}", data=data)
    assert r.status_code == 200
    assert "No people&#39;s mediation committee of this name" in r.get_data(as_text=True)
    page = client.get(f"/admin/organisations/{centre.id}").get_data(as_text=True)
    assert f'<option value="{COMMITTEE}">' not in page  # not suggested either
    stmt = sa.select(Organisation.committee_id).where(Organisation.id == centre.id)
    assert db.session.scalar(stmt) is None
