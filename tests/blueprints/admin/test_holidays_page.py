"""The holidays page (Admin → Holidays), the admin home's warning, and the warning beside a
deadline that counts into a year whose holidays nobody has entered: on the case page and in the
queues."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from domain import calendar
from domain.calendar import add_days
from domain.states import Action
from models import Case, Holiday, HolidayKind
from models.enums import Role
from models.states import CaseState
from tests.factories import PASSWORD, count_rows, events_of, fresh, user

EXAMPLE = Path(__file__).resolve().parents[3] / "data" / "holidays" / "2027-EXAMPLE.csv"
START = date(2026, 12, 20)
WARNING = "Holidays for 2027 not yet entered"


@pytest.fixture(autouse=True)
def _package_ends_in_2026(monkeypatch):
    monkeypatch.setattr(calendar, "PACKAGE_LAST_YEAR", 2026)


def clocked(world, db, state=CaseState.MEDIATING) -> Case:
    """A case whose 30-working-day clock started on 2026-12-20 (due 2027-01-29 while 2027 is
    unknown)."""
    case = world.case(state)
    case.clock_start, case.time_limit_days, case.working_days = START, 30, True
    case.due_on = add_days(START, 30, True)
    db.session.commit()
    return case


def upload(client, data: bytes, name="2027.csv"):
    return client.post(
        "/admin/holidays/import?year=2027",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def rows(db) -> list[tuple]:
    db.session.expire_all()
    return [(h.day, h.kind, h.name) for h in db.session.query(Holiday).order_by(Holiday.day)]


# ---- the warning where deadlines are shown --------------------------------------------------


def test_the_case_page_and_queues_warn_of_an_unknown_year(world, db, login, client):
    case = clocked(world, db)
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert f'id="case-{case.number}-holidays"' in html
    assert WARNING in html
    assert "Monday to Friday" in html
    assert WARNING in client.get("/workbench/").get_data(as_text=True)
    login("leader")
    assert WARNING in client.get("/oversight/").get_data(as_text=True)

    login("admin")
    home = client.get("/admin/")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert 'id="holiday-gaps"' in html
    assert "Holidays for 2027 not yet entered." in html
    assert "1 open case has a working-day deadline that counts into 2027" in html

    assert upload(client, EXAMPLE.read_bytes()).status_code == 303
    assert 'id="holiday-gaps"' not in client.get("/admin/").get_data(as_text=True)
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert WARNING not in html
    assert "Deadline recomputed for the holiday schedule" in html
    assert "The holiday schedule for 2027 was imported." in html
    assert WARNING not in client.get("/workbench/").get_data(as_text=True)


def test_the_desk_queue_warns_too(world, db, login, client):
    case = clocked(world, db, CaseState.ACCEPTED)
    login("clerk")
    html = client.get("/desk/?tab=accepted").get_data(as_text=True)
    assert f'id="case-{case.number}-holidays"' in html


def test_a_closed_or_calendar_day_case_has_no_warning(world, db, login, client):
    case = world.case(CaseState.MEDIATING)
    case.clock_start, case.time_limit_days, case.working_days = START, 30, False
    case.due_on = add_days(START, 30, False)
    db.session.commit()
    login("mediator")
    assert WARNING not in client.get(f"/cases/{case.number}").get_data(as_text=True)


def test_admins_land_on_the_admin_home(world, login, client):
    login("admin")
    response = client.get("/auth/home")
    assert response.headers["Location"].endswith("/admin/")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/holidays"' in html


# ---- the holidays page ----------------------------------------------------------------------


def test_the_page_shows_a_year(world, db, login, client):
    login("admin")
    html = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "Holidays 2027" in html
    assert WARNING in html
    assert upload(client, EXAMPLE.read_bytes()).status_code == 303
    html = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "14 days entered for 2027" in html
    assert 'id="holiday-2027-01-30-row"' in html
    assert "春节调休上班（示例）" in html
    html = client.get("/admin/holidays?year=2026").get_data(as_text=True)
    assert "built-in calendar" in html


def test_upload_moves_deadlines_and_says_so(world, db, login, client):
    case = clocked(world, db)
    login("admin")
    response = upload(client, EXAMPLE.read_bytes())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/holidays?year=2027")
    html = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "14 days imported for 2027." in html
    assert f"The deadline of 1 open case moved ({case.number})" in html
    assert fresh(db, case).due_on == date(2027, 1, 30)
    (event,) = events_of(case, Action.RECOMPUTE_DEADLINE)
    assert event.actor_id == world.admin.id
    assert (event.data["from"], event.data["to"], event.data["via"]) == (
        "2027-01-29",
        "2027-01-30",
        "page",
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"date,kind,name\n2027-01-01,holiday,x\n2027-01-32,holiday,y\n", "Line 3:"),
        (b"2027-01-01,holiday,x\n2027-01-02,vacation,y\n", "Line 2: the kind must be"),
        (b"2027-01-01,holiday,x\n2027-01-01,holiday,y\n", "Line 2: 2027-01-01 is already"),
        (b"2027-01-01,holiday,<script>alert(1)</script>,z\n", "Line 1: expected 3 columns"),
        (b"<script>alert(1)</script>,holiday,x\n", "&lt;script&gt;"),
        (b"", "The file has no entries"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text (CSV) file"),
        (b"2027-01-01,holiday,x\n" * 4000, "larger than 64 KB"),
    ],
)
def test_a_malformed_file_is_refused_beside_the_field(world, db, login, client, data, words):
    login("admin")
    holidays_before = count_rows(Holiday)
    response = upload(client, data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="file-error"' in html
    assert words in html
    assert "<script>alert" not in html
    assert count_rows(Holiday) == holidays_before


def test_upload_without_a_file(world, db, login, client):
    login("admin")
    response = client.post("/admin/holidays/import?year=2027", data={"file": "2027-01-01"})
    assert response.status_code == 200
    assert "Choose a CSV file." in response.get_data(as_text=True)


def test_add_change_and_delete_a_day(world, db, login, client):
    case = clocked(world, db)
    login("admin")
    response = client.post(
        "/admin/holidays?year=2027", data={"day": "2027-01-08", "kind": "holiday", "name": "补假"}
    )
    assert response.status_code == 303
    assert rows(db) == [(date(2027, 1, 8), HolidayKind.HOLIDAY, "补假")]
    html = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "2027-01-08 added." in html
    assert case.number in html
    assert fresh(db, case).due_on == date(2027, 2, 1)

    row = db.session.query(Holiday).one()
    page = client.get(f"/admin/holidays/{row.id}")
    assert page.status_code == 200
    response = client.post(
        f"/admin/holidays/{row.id}",
        data={"kind": "workday", "name": "调休", "version": row.version},
    )
    assert response.status_code == 303
    assert rows(db) == [(date(2027, 1, 8), HolidayKind.WORKDAY, "调休")]
    assert fresh(db, case).due_on == date(2027, 1, 29)

    row = db.session.query(Holiday).one()
    response = client.post(f"/admin/holidays/{row.id}/delete", data={"version": row.version})
    assert response.status_code == 303
    assert rows(db) == []
    case = fresh(db, case)
    assert [e.data["change"] for e in events_of(case, Action.RECOMPUTE_DEADLINE)] == [
        "add",
        "edit",
    ]  # the delete of a make-up Friday moves nothing
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "was entered as a holiday." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "", "kind": "holiday"}, "Enter the date"),
        ({"day": "2027-02-30", "kind": "holiday"}, "Not a valid date value"),
        ({"day": "NaN", "kind": "holiday"}, "Not a valid date value"),
        ({"day": "99999-01-01", "kind": "holiday"}, "Not a valid date value"),
        ({"day": "1900-01-01", "kind": "holiday"}, "Enter a date of 2000 to 2099"),
        ({"day": "2027-01-01", "kind": "bogus"}, "Not a valid choice"),
        ({"day": "2027-01-01"}, "Choose holiday or make-up working day"),
        ({"day": "2027-01-01", "kind": "holiday", "name": "长" * 65}, "64"),
        ({"day": "2027-01-01", "kind": "holiday", "name": "a\nb"}, "one line"),
    ],
)
def test_bad_input_is_refused_beside_the_field(world, db, login, client, data, message):
    login("admin")
    response = client.post("/admin/holidays?year=2027", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count_rows(Holiday) == 0


def test_hostile_text_is_shown_as_text(world, db, login, client):
    login("admin")
    name = '<script>alert("x")</script>'
    client.post(
        "/admin/holidays?year=2027", data={"day": "2027-01-01", "kind": "holiday", "name": name}
    )
    html = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "&lt;script&gt;" in html
    assert name not in html


def test_a_date_entered_twice_is_refused(world, db, login, client):
    login("admin")
    data = {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
    assert client.post("/admin/holidays?year=2027", data=data).status_code == 303
    response = client.post("/admin/holidays?year=2027", data=data)
    assert response.status_code == 200
    assert "2027-01-01 is already in the schedule" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/holidays?year=99999"),
        ("get", "/admin/holidays?year=abc"),
        ("get", "/admin/holidays?year=1999"),
        ("get", "/admin/holidays?year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%97"),  # full-width
        ("get", "/admin/holidays/99999999999"),
        ("post", "/admin/holidays/99999999999"),
        ("post", "/admin/holidays/2147483648/delete"),
        ("get", "/admin/holidays/0"),
    ],
)
def test_forged_years_and_ids_are_not_found(world, login, client, method, path):
    login("admin")
    assert getattr(client, method)(path).status_code == 404


def test_two_admins_editing_one_day(world, db, login, client, app):
    login("admin")
    client.post("/admin/holidays?year=2027", data={"day": "2027-01-01", "kind": "holiday"})
    row = db.session.query(Holiday).one()
    seen = row.version

    user("admin2", Role.ADMIN, world.admin.organisation)
    db.session.commit()
    other = app.test_client()
    other.post("/auth/login", data={"username": "admin2", "password": PASSWORD})
    response = other.post(
        f"/admin/holidays/{row.id}", data={"kind": "holiday", "name": "元旦", "version": seen}
    )
    assert response.status_code == 303

    response = client.post(
        f"/admin/holidays/{row.id}", data={"kind": "workday", "name": "mine", "version": seen}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this day" in html
    assert 'id="holiday-now"' in html
    assert 'value="mine"' in html  # what was typed is kept
    assert rows(db) == [(date(2027, 1, 1), HolidayKind.HOLIDAY, "元旦")]

    response = client.post(f"/admin/holidays/{row.id}/delete", data={"version": seen})
    assert response.status_code == 303
    assert "Someone else changed this day" in client.get("/admin/holidays?year=2027").get_data(
        as_text=True
    )
    assert count_rows(Holiday) == 1


def test_csrf_is_required(world, db, login, client, app):
    login("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/admin/holidays?year=2027", data={"day": "2027-01-01", "kind": "holiday"}
        )
        assert response.status_code == 400
        assert upload(client, EXAMPLE.read_bytes()).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert count_rows(Holiday) == 0


def test_other_roles_may_not(world, login, client):
    for name in ("clerk", "leader", "director", "mediator"):
        login(name)
        assert client.get("/admin/holidays").status_code == 403
        assert upload(client, EXAMPLE.read_bytes()).status_code == 403
    assert count_rows(Holiday) == 0
