from datetime import timedelta

import sqlalchemy as sa

from domain.clocks import local_today
from models import Case, Event
from models.states import CaseState
from tests.conftest import hx
from tests.factories import open_panel

# Every exclusion of MOJ-2002 Art. 22 answered "no": the case is accepted.
CLEAR = {"accept-court": "no", "accept-administrative": "no", "accept-reserved": "no"}


def _fresh(db, case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _events(db, case, action):
    return list(
        db.session.scalars(sa.select(Event).where(Event.case_id == case.id, Event.action == action))
    )


def test_case_page_shows_screen_panel_for_registered_case(world, login, client, db):
    case = world.case()
    db.session.commit()
    client = login("clerk")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-screen"' in page
    assert 'id="panel-dispatch"' not in page
    for key in ("accept", "not_accept"):  # each form one link away
        assert f"/cases/{case.number}/panels/screen?open={key}" in page
    accept = open_panel(client, case, "screen", "accept").get_data(as_text=True)
    assert f"/desk/case/{case.number}/accept" in accept
    refuse = open_panel(client, case, "screen", "not_accept").get_data(as_text=True)
    assert f"/desk/case/{case.number}/not-accept" in refuse
    assert "labour dispute arbitration" in refuse  # advice examples as plain text


def test_screen_panel_hidden_for_other_states_and_roles(world, login, client, db):
    accepted = world.case(CaseState.ACCEPTED)
    registered = world.case()
    db.session.commit()
    login("clerk")
    assert 'id="panel-screen"' not in client.get(f"/cases/{accepted.number}").get_data(as_text=True)
    client.post("/auth/logout")
    login("admin")  # sees the case (city scope) but does not screen
    page = client.get(f"/cases/{registered.number}").get_data(as_text=True)
    assert 'id="panel-screen"' not in page


def test_accept_plain_redirects_with_due_date(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/desk/case/{case.number}/accept",
        data={"accept-version": case.version, "accept-note": "双方同意调解", **CLEAR},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{case.number}#panel-screen")
    case = _fresh(db, case)
    assert case.state == CaseState.ACCEPTED
    assert case.due_on == local_today() + timedelta(days=30)
    (event,) = _events(db, case, "accept")
    assert event.actor_id == world.clerk.id and event.note == "双方同意调解" and event.public
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Case accepted." in page and 'id="panel-dispatch"' in page


def test_accept_htmx_swaps_in_the_whole_page(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/desk/case/{case.number}/accept",
        data={"accept-version": case.version, **CLEAR},
        headers=hx("panel-screen"),
    )
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#main"
    page = response.get_data(as_text=True)
    assert "Case accepted." in page and 'id="panel-dispatch"' in page  # the page as it is now
    assert _fresh(db, case).state == CaseState.ACCEPTED


def test_not_accept_requires_both_texts_plain(world, login, client, db, templates):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/desk/case/{case.number}/not-accept",
        data={
            "not_accept-version": case.version,
            "not_accept-reason": "已由法院受理",
            "not_accept-redirect_advice": "  ",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" in page and "cases/panel.html" in templates  # the panel on its own page
    assert "which body or channel to use instead" in page
    assert "已由法院受理" in page  # input kept
    assert 'id="panel-screen-not_accept" data-panel-open' in page  # the refusal form stays open
    assert _fresh(db, case).state == CaseState.REGISTERED

    response = client.post(
        f"/desk/case/{case.number}/not-accept",
        data={
            "not_accept-version": case.version,
            "not_accept-redirect_advice": "请向法院起诉",
        },
    )
    assert "Give the reason for not accepting." in response.get_data(as_text=True)
    assert _fresh(db, case).state == CaseState.REGISTERED


def test_not_accept_htmx_error_returns_panel_fragment(world, login, client, db, templates):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/desk/case/{case.number}/not-accept",
        data={
            "not_accept-version": case.version,
            "not_accept-reason": "",
            "not_accept-redirect_advice": "请向法院起诉",
        },
        headers=hx("panel-screen"),
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith("{#") is False
    assert 'id="panel-screen"' in fragment
    assert "Give the reason for not accepting." in fragment and "请向法院起诉" in fragment
    assert templates[-1] == "desk/partials/screen_panel.html"


def test_not_accept_success(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = client.post(
        f"/desk/case/{case.number}/not-accept",
        data={
            "not_accept-version": case.version,
            "not_accept-reason": "属于行政机关职权",
            "not_accept-redirect_advice": "请向县自然资源局申请确权",
        },
        headers=hx("panel-screen"),
    )
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#main"
    assert "Case not accepted." in response.get_data(as_text=True)
    case = _fresh(db, case)
    assert case.state == CaseState.NOT_ACCEPTED
    assert case.redirect_advice == "请向县自然资源局申请确权"
    (event,) = _events(db, case, "not_accept")
    assert event.actor_id == world.clerk.id


def test_stale_version_shows_message_and_changes_nothing(world, login, client, db):
    case = world.case()
    db.session.commit()
    old = case.version
    case.summary = case.summary + "（补充）"  # someone else edits: the version moves on
    db.session.commit()
    login("clerk")
    for headers in ({}, hx("panel-screen")):
        response = client.post(
            f"/desk/case/{case.number}/accept",
            data={"accept-version": old, "accept-note": "我的备注", **CLEAR},
            headers=headers,
        )
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "Someone else changed this case" in page
        assert "我的备注" in page
        # the whole current page, swapped into <main> for htmx so every part is current
        assert "<html" in page
        assert (response.headers.get("HX-Retarget") == "#main") == bool(headers)
        case = _fresh(db, case)
        assert case.state == CaseState.REGISTERED and not _events(db, case, "accept")
        # The form now carries the current version: a deliberate resubmit works.
        assert f'name="accept-version" type="hidden" value="{case.version}"' in page


def test_stale_when_case_already_accepted_by_someone_else(world, login, client, db):
    case = world.case()
    db.session.commit()
    old = case.version
    login("clerk")
    assert (
        client.post(
            f"/desk/case/{case.number}/accept", data={"accept-version": old, **CLEAR}
        ).status_code
        == 303
    )
    # A second clerk's form, loaded before, is now stale and the panel no longer applies.
    response = client.post(
        f"/desk/case/{case.number}/accept", data={"accept-version": old, **CLEAR}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Someone else changed this case" in page and 'id="panel-screen"' not in page
    response = client.post(
        f"/desk/case/{case.number}/accept",
        data={"accept-version": old, "accept-note": "我的备注", **CLEAR},
        headers=hx("panel-screen"),
    )
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#main"
    assert "我的备注" in response.get_data(as_text=True)  # shown back, not lost
    assert len(_events(db, case, "accept")) == 1


def test_missing_version_is_a_form_error(world, login, client, db):
    case = world.case()
    db.session.commit()
    login("clerk")
    response = client.post(f"/desk/case/{case.number}/accept", data={})
    assert response.status_code == 200
    assert "Reload the page" in response.get_data(as_text=True)
    assert _fresh(db, case).state == CaseState.REGISTERED
