"""User administration: list, create, edit, deactivate/activate, reset password."""

import re

import pytest
import sqlalchemy as sa

from models import User
from models.enums import Role
from tests.conftest import hx
from tests.factories import PASSWORD

NEW_PASSWORD = "a-new-long-password"  # noqa: S105 - test-only


def get_user(db, username):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


@pytest.fixture
def admin(world, login):
    return login("admin")


def new_user_data(world, **overrides):
    data = {
        "username": "newclerk",
        "name": "New Clerk",
        "role": "clerk",
        "organisation": str(world.county_centre.id),
        "phone": "13800000000",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


# ---- list ---------------------------------------------------------------------------------
def usernames(html):
    return re.findall(r'id="user-\d+-row">\s*<td><a href="[^"]+">([^<]+)</a>', html)


def test_list_is_sorted_by_username_and_filters(world, admin, client):
    page = client.get("/admin/users").get_data(as_text=True)
    names = usernames(page)
    assert names == sorted(names) and "leader" in names and len(names) == 9
    only_leaders = usernames(client.get("/admin/users?role=leader").get_data(as_text=True))
    assert only_leaders == ["leader", "leader2"]
    in_village = usernames(
        client.get(f"/admin/users?organisation={world.village_committee.id}").get_data(as_text=True)
    )
    assert in_village == ["director", "mediator", "mediator_b"]


def test_list_pagination_by_username(world, admin, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    seen, url = [], "/admin/users"
    for _ in range(5):
        page = client.get(url).get_data(as_text=True)
        seen += usernames(page)
        found = re.search(r'<a href="([^"]+)"[^>]*>Next page</a>', page)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    assert seen == sorted(seen) and len(seen) == 9 == len(set(seen))


def test_list_plain_and_htmx(world, admin, client, templates):
    full = client.get("/admin/users?role=clerk")
    assert "<html" in full.get_data(as_text=True)
    assert templates[0] == "admin/users.html"
    templates.clear()
    part = client.get("/admin/users?role=clerk", headers=hx("user-results"))
    body = part.get_data(as_text=True)
    assert part.status_code == 200 and "<html" not in body
    assert templates == ["admin/partials/user_rows.html"]
    assert usernames(body) == ["clerk", "clerk2"]


def test_list_bad_filters_do_not_fail(world, admin, client):
    for query in (
        "role=king",
        "organisation=abc",
        "organisation=999999999999999999999",
        "after=%%%",
        "after=WyJ4Il0",
    ):
        response = client.get("/admin/users?" + query)
        assert response.status_code == 200, query


def test_list_query_count_does_not_grow(world, admin, client, db, count_queries):
    from tests.factories import user

    for i in range(6):
        user(f"extra{i}", Role.MEDIATOR, world.village3_committee)
    db.session.commit()
    court = world.court.id
    with count_queries() as few:
        page = client.get(f"/admin/users?organisation={court}").get_data(as_text=True)
    assert usernames(page) == []
    with count_queries() as many:
        page = client.get("/admin/users").get_data(as_text=True)
    assert len(usernames(page)) == 15
    assert len(many) == len(few), "\n\n".join(many)


# ---- create -------------------------------------------------------------------------------
def test_create_user_then_they_can_log_in(world, admin, client, db, app):
    response = client.post("/admin/users/new", data=new_user_data(world))
    assert response.status_code == 303
    created = get_user(db, "newclerk")
    assert response.headers["Location"] == f"/admin/users/{created.id}"
    assert created.role == Role.CLERK and created.organisation_id == world.county_centre.id
    assert created.active and created.check_password(NEW_PASSWORD)
    assert "Account newclerk created." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    other = app.test_client()
    login = other.post("/auth/login", data={"username": "newclerk", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_new_user_page_lists_only_organisations_in_scope(world, client, db, login):
    from tests.factories import user

    user("admin_gongan", Role.ADMIN, world.county_centre)
    db.session.commit()
    login("admin_gongan")
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert world.traffic.name in page and world.county2_centre.name not in page
    # Posting an organisation outside the scope is a field error, not a 500.
    response = client.post(
        "/admin/users/new",
        data=new_user_data(world, organisation=str(world.county2_centre.id)),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="organisation-error"' in html
    assert get_user(db, "newclerk") is None


def test_duplicate_username_is_a_field_error(world, admin, client, db):
    response = client.post("/admin/users/new", data=new_user_data(world, username="Leader"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="username-error"' in html and "already taken" in html
    assert 'value="Leader"' in html and 'value="New Clerk"' in html  # input kept
    assert NEW_PASSWORD not in html  # passwords are never echoed back
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 9


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "short", "confirm": "short"}, "password"),
        ({"confirm": "something-else-entirely"}, "confirm"),
        ({"username": ""}, "username"),
        ({"username": "has space"}, "username"),
        ({"username": "x" * 65}, "username"),
        ({"name": ""}, "name"),
        ({"role": "king"}, "role"),
        ({"organisation": ""}, "organisation"),
        ({"organisation": "abc"}, "organisation"),
        ({"organisation": "99999999999999999999"}, "organisation"),
        ({"phone": "1" * 40}, "phone"),
    ],
)
def test_create_bad_input(world, admin, client, db, overrides, field):
    response = client.post("/admin/users/new", data=new_user_data(world, **overrides))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert 'class="error-summary"' in html
    if field != "name":
        assert 'value="New Clerk"' in html
    assert get_user(db, "newclerk") is None


def test_create_with_no_data_at_all(world, admin, client):
    assert client.post("/admin/users/new").status_code == 200


# ---- edit ---------------------------------------------------------------------------------
def test_edit_page_shows_current_values(world, admin, client):
    page = client.get(f"/admin/users/{world.mediator.id}").get_data(as_text=True)
    assert 'value="张调解"' in page
    assert re.search(r'<option selected value="mediator">|<option value="mediator" selected', page)


def test_edit_role_org_and_mediator_profile(world, admin, client, db):
    uid = world.mediator.id
    response = client.post(
        f"/admin/users/{uid}",
        data={
            "name": "张调解员",
            "role": "director",
            "organisation": str(world.traffic.id),
            "phone": "13900000000",
            "specialties": ["DLJT", "SHPC"],
            "full_time": "y",
        },
    )
    assert response.status_code == 303
    changed = get_user(db, "mediator")
    assert changed.role == Role.DIRECTOR and changed.organisation_id == world.traffic.id
    assert changed.specialties == ["DLJT", "SHPC"] and changed.full_time
    assert changed.name == "张调解员" and changed.phone == "13900000000"
    page = client.get(f"/admin/users/{uid}").get_data(as_text=True)
    assert "Changes to mediator saved." in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"specialties": ["NOPE"]}, "specialties"),
        ({"role": ""}, "role"),
        ({"organisation": "-3"}, "organisation"),
        ({"name": "   "}, "name"),
    ],
)
def test_edit_bad_input(world, admin, client, db, overrides, field):
    data = {
        "name": "Kept Name",
        "role": "mediator",
        "organisation": str(world.village_committee.id),
    }
    data.update(overrides)
    response = client.post(f"/admin/users/{world.mediator.id}", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    if field != "name":
        assert 'value="Kept Name"' in html
    assert get_user(db, "mediator").name == "张调解"


def test_admin_cannot_drop_their_own_admin_role(world, admin, client, db):
    response = client.post(
        f"/admin/users/{world.admin.id}",
        data={"name": "x", "role": "clerk", "organisation": str(world.city_centre.id)},
    )
    assert response.status_code == 200
    assert 'id="role-error"' in response.get_data(as_text=True)
    assert get_user(db, "admin").role == Role.ADMIN


@pytest.mark.parametrize("path", ["", "/deactivate", "/activate", "/password"])
def test_unknown_user_is_404(world, admin, client, path):
    for uid in ("424242", "0", "99999999999999999999"):
        method = client.get if path == "" else client.post
        assert method(f"/admin/users/{uid}{path}").status_code == 404
    assert client.get("/admin/users/abc").status_code == 404


def test_user_outside_the_admins_region_is_404(world, client, db, login):
    from tests.factories import user

    user("admin_gongan", Role.ADMIN, world.county_centre)
    db.session.commit()
    login("admin_gongan")
    assert client.get(f"/admin/users/{world.clerk.id}").status_code == 200
    assert client.get(f"/admin/users/{world.clerk2.id}").status_code == 404
    assert client.post(f"/admin/users/{world.clerk2.id}/deactivate").status_code == 404
    assert "clerk2" not in client.get("/admin/users").get_data(as_text=True)


# ---- deactivate / activate ----------------------------------------------------------------
def test_deactivate_ends_sessions_and_blocks_login(world, admin, client, db, app):
    theirs = app.test_client()
    theirs.post("/auth/login", data={"username": "clerk", "password": PASSWORD})
    assert theirs.get("/desk/").status_code == 200

    response = client.post(f"/admin/users/{world.clerk.id}/deactivate")
    assert response.status_code == 303
    assert "deactivated" in client.get(response.headers["Location"]).get_data(as_text=True)
    clerk = get_user(db, "clerk")
    assert not clerk.active and clerk.session_epoch == 1

    kicked = theirs.get("/desk/")
    assert kicked.status_code == 302 and kicked.headers["Location"].startswith("/auth/login")
    again = app.test_client().post("/auth/login", data={"username": "clerk", "password": PASSWORD})
    assert again.status_code == 200  # the login page again, with an error
    assert "deactivated" in again.get_data(as_text=True)

    assert client.post(f"/admin/users/{world.clerk.id}/activate").status_code == 303
    assert get_user(db, "clerk").active
    back = app.test_client().post("/auth/login", data={"username": "clerk", "password": PASSWORD})
    assert back.status_code == 302


def test_admin_cannot_deactivate_themselves(world, admin, client, db):
    response = client.post(f"/admin/users/{world.admin.id}/deactivate")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    assert get_user(db, "admin").active


def test_deactivate_via_htmx_redirects(world, admin, client):
    response = client.post(f"/admin/users/{world.clerk.id}/deactivate", headers=hx())
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/admin/users/{world.clerk.id}"


# ---- reset password -----------------------------------------------------------------------
def test_reset_password_ends_sessions(world, admin, client, db, app):
    theirs = app.test_client()
    theirs.post("/auth/login", data={"username": "clerk", "password": PASSWORD})
    response = client.post(
        f"/admin/users/{world.clerk.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert theirs.get("/desk/").status_code == 302
    clerk = get_user(db, "clerk")
    assert clerk.check_password(NEW_PASSWORD) and not clerk.check_password(PASSWORD)
    ok = app.test_client().post("/auth/login", data={"username": "clerk", "password": NEW_PASSWORD})
    assert ok.status_code == 302


def test_reset_own_password_keeps_the_admin_logged_in(world, admin, client, db):
    response = client.post(
        f"/admin/users/{world.admin.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 303
    assert client.get("/admin/users").status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password": "short", "confirm": "short"}, "password"),
        ({"password": NEW_PASSWORD, "confirm": "different-password"}, "confirm"),
        ({}, "password"),
    ],
)
def test_reset_password_bad_input(world, admin, client, db, data, field):
    response = client.post(f"/admin/users/{world.clerk.id}/password", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and "<html" in html
    assert get_user(db, "clerk").check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1234567890", "most common passwords"),
        ("newclerk2026", "your username"),
        ("New Clerk New Clerk", "your name"),
        ("13800000000x", "your username, your name, your organisation"),
    ],
)
def test_guessable_passwords_are_refused_with_the_reason(
    world, admin, client, db, password, reason
):
    response = client.post(
        "/admin/users/new", data=new_user_data(world, password=password, confirm=password)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = html[html.index('id="password-error"') :]
    assert reason in error[: error.index("</p>")]
    assert get_user(db, "newclerk") is None
    response = client.post(
        f"/admin/users/{world.clerk.id}/password",
        data={"password": "clerk12345", "confirm": "clerk12345"},
    )
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert get_user(db, "clerk").check_password(PASSWORD)


# ---- roles --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["clerk", "mediator", "director", "leader"])
def test_non_admins_get_403(world, login, client, role):
    login(role)
    uid = world.clerk.id
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403
    assert client.post("/admin/users/new", data=new_user_data(world)).status_code == 403
    assert client.get(f"/admin/users/{uid}").status_code == 403
    assert client.post(f"/admin/users/{uid}/deactivate").status_code == 403
    assert client.post(f"/admin/users/{uid}/password").status_code == 403


def test_anonymous_is_sent_to_login(world, client):
    for response in (client.get("/admin/users"), client.post("/admin/users/new")):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")


def test_specialties_are_check_boxes_and_stay_checked(world, admin, client, db):
    world.mediator.specialties = ["LL"]
    db.session.commit()
    page = client.get(f"/admin/users/{world.mediator.id}").get_data(as_text=True)
    assert re.search(
        r'<input checked id="specialties-\d+" name="specialties" type="checkbox" '
        r'value="LL">',
        page,
    )
    response = client.post(
        f"/admin/users/{world.mediator.id}",
        data={
            "name": "",
            "role": "mediator",
            "organisation": str(world.village_committee.id),
            "specialties": ["HT", "XF"],
        },
    )
    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html
    assert re.search(
        r'<input checked id="specialties-\d+" name="specialties" type="checkbox" '
        r'value="HT">',
        html,
    )


def test_mediator_cannot_be_placed_in_a_court(world, admin, client, db):
    response = client.post(
        "/admin/users/new",
        data={
            "username": "courtmed",
            "name": "法院调解员",
            "role": "mediator",
            "organisation": str(world.court.id),
            "password": "long enough pw",
            "confirm": "long enough pw",
        },
    )
    assert response.status_code == 200
    assert "belong to a mediation committee" in response.get_data(as_text=True)
    assert get_user(db, "courtmed") is None
