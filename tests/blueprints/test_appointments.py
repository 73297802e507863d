"""Appointments (预约调解): slots published by the desk for the organisations of its area, a
citizen's booking from the public site (no account) or a case's status page, no overbooking
(two citizens racing for the last place), cancelling with the reference, the desk's day
(arrived, did not come, registered as a case, attached to one), scoping and hostile input."""

from __future__ import annotations

import re
import threading
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from domain import appointments as ap
from domain import matters
from domain.calendar import local_today
from domain.errors import ValidationFailed
from models import Appointment, AppointmentSlot, AppointmentStatus, Case, Event
from models.states import CaseState


def publish(world, db, *, capacity=2, org=None, days=1):
    slot = ap.publish_slot(
        world.clerk,
        ap.SlotData(
            (org or world.county_centre).id,
            local_today() + timedelta(days=days),
            time(9),
            time(11, 30),
            capacity,
            "县调解中心一楼接待室",
        ),
    )
    db.session.commit()
    return slot


def book(client, the_slot, **overrides):
    data = {
        "org": the_slot.org_id,
        "slot": the_slot.id,
        "name": "王小明",
        "phone": "13812345678",
        "description": "邻居漏水纠纷",
    } | overrides
    return client.post("/appointments", data=data)


# ---- slots ----------------------------------------------------------------------------------


def test_desk_publishes_a_slot_for_its_area(world, db, client, login):
    login("clerk")
    page = client.get("/centre/appointments/")
    assert page.status_code == 200
    day = (local_today() + timedelta(days=3)).isoformat()
    response = client.post(
        "/centre/appointments/slots",
        data={
            "org": world.county_centre.id,
            "day": day,
            "starts": "09:00",
            "ends": "11:30",
            "capacity": "3",
            "place": "一楼接待室",
        },
    )
    assert response.status_code == 303
    slot = db.session.scalar(sa.select(AppointmentSlot))
    assert (slot.capacity, slot.booked, slot.place) == (3, 0, "一楼接待室")
    assert [e.action for e in matters.history(ap.SLOT, slot.id)] == ["publish"]


@pytest.mark.parametrize(
    "change",
    [
        {"org": "999999"},
        {"org": "x"},
        {"day": "2020-01-01"},
        {"day": "not a day"},
        {"ends": "08:00"},
        {"starts": "25:99"},
        {"capacity": "0"},
        {"capacity": "99999999999999999999"},
        {"place": ""},
        {"place": "地" * 500},
    ],
)
def test_hostile_slots_are_refused(world, db, client, login, change):
    login("clerk")
    data = {
        "org": world.county_centre.id,
        "day": (local_today() + timedelta(days=3)).isoformat(),
        "starts": "09:00",
        "ends": "11:30",
        "capacity": "3",
        "place": "一楼接待室",
    } | change
    response = client.post("/centre/appointments/slots", data=data)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(AppointmentSlot.id))) == 0


def test_organisation_outside_the_area_is_refused(world, db):
    with pytest.raises(ValidationFailed):
        publish(world, db, org=world.county2_centre)


def test_mediators_and_other_areas_cannot_see_the_slots(world, db, client, login):
    slot = publish(world, db)
    login("mediator")
    assert client.get("/centre/appointments/").status_code == 403
    client.post("/auth/logout")
    login("clerk2")
    assert str(slot.id) not in re.findall(
        r'id="slot-(\d+)"', client.get("/centre/appointments/").get_data(as_text=True)
    )
    assert client.post(f"/centre/appointments/slots/{slot.id}/cancel").status_code == 404


# ---- the citizen ----------------------------------------------------------------------------


def test_citizen_books_without_an_account_and_cancels(world, db, client):
    slot = publish(world, db)
    page = client.get(f"/appointments?org={slot.org_id}").get_data(as_text=True)
    assert f'id="slot-{slot.id}"' in page and "2 places left" in page
    response = book(client, slot)
    assert response.status_code == 303
    booked = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r'id="booking-reference">([A-Z0-9-]+)<', booked).group(1)
    assert "138****5678" in booked and "13812345678" not in booked
    row = db.session.scalar(sa.select(Appointment))
    assert row.phone == "+8613812345678" and row.status == AppointmentStatus.BOOKED
    db.session.expire_all()
    assert db.session.get(AppointmentSlot, slot.id).booked == 1
    # No phone in any record.
    for kind, mid in ((ap.BOOKING, row.id), (ap.SLOT, slot.id)):
        for e in matters.history(kind, mid):
            assert "13812345678" not in str(e.data) + str(e.note)
    # The reference is shown once.
    assert client.get("/appointments/booked").status_code == 303
    # A wrong phone does not cancel; the right one does.
    wrong = client.post(
        "/appointments/cancel", data={"reference": reference, "phone": "13900000000"}
    )
    assert wrong.status_code == 400
    done = client.post(
        "/appointments/cancel", data={"reference": reference.lower(), "phone": "138 1234 5678"}
    )
    assert done.status_code == 200 and 'id="cancelled"' in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Appointment, row.id).status == AppointmentStatus.CANCELLED
    assert db.session.get(AppointmentSlot, slot.id).booked == 0
    again = client.post(
        "/appointments/cancel", data={"reference": reference, "phone": "13812345678"}
    )
    assert again.status_code == 400


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": "12345"},
        {"phone": "<script>"},
        {"name": ""},
        {"description": "长" * 300},
        {"slot": "abc"},
        {"slot": "999999"},
        {"slot": ""},
    ],
)
def test_hostile_bookings_are_refused_and_kept(world, db, client, overrides):
    slot = publish(world, db)
    response = book(client, slot, **overrides)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 0
    if overrides.get("name") != "":
        assert "王小明" in response.get_data(as_text=True)  # nothing typed is lost


def test_a_full_slot_cannot_be_overbooked(world, db, client):
    slot = publish(world, db, capacity=1)
    assert book(client, slot).status_code == 303
    second = book(client, slot, name="李四", phone="13900001111")
    assert second.status_code == 400
    assert "fully booked" in second.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 1


def test_two_citizens_racing_for_the_last_place(world, db, app):
    slot = publish(world, db, capacity=1)
    slot_id = slot.id
    barrier = threading.Barrier(2)
    results = []

    def attempt(name, phone):
        with app.app_context():
            barrier.wait()
            try:
                ap.book(slot_id, ap.BookingData(name, phone, "抢最后一个号"))
                db.session.commit()
                results.append("booked")
            except ValidationFailed:
                db.session.rollback()
                results.append("full")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=attempt, args=("甲", "13800000001")),
        threading.Thread(target=attempt, args=("乙", "13800000002")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["booked", "full"]
    db.session.expire_all()
    assert db.session.get(AppointmentSlot, slot_id).booked == 1
    assert db.session.scalar(sa.select(sa.func.count(Appointment.id))) == 1


def test_booking_from_the_status_page_is_linked_to_the_case(world, db, client):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    slot = publish(world, db)
    client.post("/lookup", data={"number": case.number, "code": case.query_code_plain})
    status = client.get("/status").get_data(as_text=True)
    assert 'id="book-visit"' in status
    page = client.get(f"/appointments?case=1&org={slot.org_id}").get_data(as_text=True)
    assert 'id="appointment-case"' in page and case.applicants[0].name in page
    assert book(client, slot, case="1").status_code == 303
    row = db.session.scalar(sa.select(Appointment))
    assert row.case_id == case.id
    event = db.session.scalar(
        sa.select(Event).where(Event.case_id == case.id, Event.action == "appointment_visit")
    )
    assert event is not None and event.data["appointment"] == row.id


# ---- the desk -------------------------------------------------------------------------------


def test_the_desk_works_the_day(world, db, client, login):
    slot = publish(world, db, days=0)
    ap.book(slot.id, ap.BookingData("王小明", "13812345678", "邻居漏水"))
    ap.book(slot.id, ap.BookingData("赵六", "13912345678", "工钱"))
    db.session.commit()
    first, second = db.session.scalars(sa.select(Appointment).order_by(Appointment.id)).all()
    assert [a.id for a in ap.appointments_on(local_today())] == [first.id, second.id]
    login("clerk")
    page = client.get("/centre/appointments/day").get_data(as_text=True)
    assert "13812345678" in page or "+8613812345678" in page  # the desk calls them
    response = client.post(
        f"/centre/appointments/{first.id}/arrived", data={f"row{first.id}-version": first.version}
    )
    assert response.status_code == 303
    response = client.post(
        f"/centre/appointments/{second.id}/no_show",
        data={f"row{second.id}-version": second.version},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Appointment, first.id).status == AppointmentStatus.ARRIVED
    assert [a.id for a in ap.appointments_on(local_today())] == [first.id]
    # Registered as a case from the desk's form, prefilled.
    form = client.get(f"/desk/register?appointment={first.id}").get_data(as_text=True)
    assert 'id="appointment-visit"' in form and "王小明" in form and "邻居漏水" in form
    # A stale version is refused.
    stale = client.post(
        f"/centre/appointments/{second.id}/arrived", data={f"row{second.id}-version": 1}
    )
    assert stale.status_code == 400
    history = [e.action for e in matters.history(ap.BOOKING, first.id)]
    assert history == ["book", "arrived"]


def test_attach_to_a_case_of_the_area(world, db, client, login):
    case = world.case(CaseState.MEDIATING)
    slot = publish(world, db, days=0)
    row = ap.book(slot.id, ap.BookingData("王小明", "13812345678", "补充材料"))
    db.session.commit()
    login("clerk")
    url = f"/centre/appointments/{row.id}/attach"
    refused = client.post(
        url,
        data={
            f"attach{row.id}-version": row.version,
            f"attach{row.id}-number": "2026-000000-999999",
        },
    )
    assert refused.status_code == 400
    done = client.post(
        url, data={f"attach{row.id}-version": row.version, f"attach{row.id}-number": case.number}
    )
    assert done.status_code == 303
    db.session.expire_all()
    row = db.session.get(Appointment, row.id)
    assert row.status == AppointmentStatus.ATTACHED and row.case_id == case.id
    assert db.session.scalar(
        sa.select(Event).where(Event.case_id == case.id, Event.action == "appointment_visit")
    )


def test_the_desk_of_another_area_gets_404(world, db, client, login):
    slot = publish(world, db, days=0)
    row = ap.book(slot.id, ap.BookingData("王小明", "13812345678", "x"))
    db.session.commit()
    login("clerk2")
    assert "王小明" not in client.get("/centre/appointments/day").get_data(as_text=True)
    response = client.post(
        f"/centre/appointments/{row.id}/arrived", data={f"row{row.id}-version": 1}
    )
    assert response.status_code == 404
    assert (
        client.get(f"/desk/register?appointment={row.id}").get_data(as_text=True).count("王小明")
        == 0
    )


def test_leaders_see_phones_masked(world, db, client, login):
    slot = publish(world, db, days=0)
    ap.book(slot.id, ap.BookingData("王小明", "13812345678", "x"))
    db.session.commit()
    login("leader")
    page = client.get("/centre/appointments/day").get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page
    assert Case  # noqa: B018 - imported for the scope tests' readers


def test_the_day_before_the_visitor_is_reminded_once(world, db, client, monkeypatch):
    """The reminders (domain/notifications.appointments_tomorrow): an SMS to the phone given
    when booking, the day before, once however often the reminders run; the log names no
    phone."""
    import logging

    from domain import notifications
    from models import Outbox

    monkeypatch.setattr(logging.getLogger("jiefen.notify"), "disabled", False)
    slot = publish(world, db, days=2)
    assert book(client, slot).status_code == 303
    notifications.run_reminders(local_today())  # two days before: nothing yet
    assert not db.session.scalars(sa.select(Outbox)).all()
    notifications.run_reminders(local_today() + timedelta(days=1))
    notifications.run_reminders(local_today() + timedelta(days=1))
    db.session.expire_all()
    (row,) = db.session.scalars(sa.select(Outbox)).all()
    assert (row.kind, row.channel, row.recipient) == (
        "appointment_tomorrow",
        "sms",
        "+8613812345678",
    )
    assert row.status == "sent"
    subject, text = notifications.render(row)
    assert slot.place in text and "09:00" in text and world.county_centre.name in text
