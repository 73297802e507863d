"""Workbench panels on the case page and their actions: assignment by the director, session
record, agreement and failure; each plain and htmx, with bad input and stale versions."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.clocks import local_today
from domain.states import CaseState
from models import Agreement, Case, Event, MediationSession
from tests.conftest import hx
from tests.factories import PASSWORD


def fresh(db, case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def events(db, case, action):
    return db.session.query(Event).filter_by(case_id=case.id, action=action).all()


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


def session_data(case, **kw):
    data = {
        "session-version": case.version,
        # Midnight today in Beijing: on the day of acceptance and never in the future.
        "session-held_at": f"{local_today().isoformat()}T00:00",
        "session-place": "村委会调解室",
        "session-mode": "in_person",
        "session-notes": "双方同意各让一步",
    }
    data.update(kw)
    return data


def agreement_data(case, **kw):
    data = {
        "agreement-version": case.version,
        "agreement-kind": "written",
        "agreement-terms": "1. 被申请人于十日内疏通排水沟\n2、赔偿申请人300元\n\n",
        "agreement-agreed_on": local_today().isoformat(),
        "agreement-performance_manner": "现金支付",
        "agreement-performance_place": "村委会",
        "agreement-performance_deadline": (local_today() + timedelta(days=10)).isoformat(),
    }
    data.update(kw)
    return data


# ---- panels on the case page ----------------------------------------------------------------


def test_mediator_sees_session_and_outcome_panels(mediating, login, client):
    login("mediator")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert 'id="panel-session"' in html
    assert 'id="panel-outcome"' in html
    assert 'id="panel-assign_mediator"' not in html  # directors only
    assert f'name="session-version" type="hidden" value="{mediating.version}"' in html


def test_director_sees_assign_panel_clerk_does_not(world, login, client, db):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-assign_mediator"' in html
    assert 'id="panel-session"' not in html  # not mediating yet
    client.post("/auth/logout")
    login("clerk")
    assert 'id="panel-assign_mediator"' not in client.get(f"/cases/{case.number}").get_data(
        as_text=True
    )


def test_closed_case_has_no_workbench_panels(world, login, client, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "panel-session" not in html
    assert "panel-outcome" not in html


# ---- assign ---------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_director_assigns_on_case_page(world, login, client, db, htmx):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    response = client.post(
        f"/workbench/case/{case.number}/assign",
        headers=hx("panel-assign_mediator") if htmx else {},
        data={"assign-mediator": world.mediator_b.id, "assign-version": case.version},
    )
    if htmx:
        assert response.status_code == 204
        assert response.headers["HX-Redirect"].endswith(f"/cases/{case.number}")
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/cases/{case.number}")
    case = fresh(db, case)
    assert case.state == CaseState.MEDIATING
    assert case.presiding_mediator.id == world.mediator_b.id
    assert events(db, case, "assign")[0].actor_id == world.director.id


@pytest.mark.parametrize("htmx", [False, True])
def test_assign_ineligible_mediator_is_a_field_error(world, login, client, db, htmx, templates):
    case = world.case(CaseState.DISPATCHED)
    db.session.commit()
    login("director")
    response = client.post(
        f"/workbench/case/{case.number}/assign",
        headers=hx("panel-assign_mediator") if htmx else {},
        data={"assign-mediator": world.mediator2.id, "assign-version": case.version},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "Choose an active mediator of the handling organisation." in html
    assert 'id="assign-mediator-error"' in html
    if htmx:
        assert templates == ["workbench/partials/assign_panel.html"]
    assert fresh(db, case).state == CaseState.DISPATCHED


def test_mediator_may_not_assign(mediating, world, login, client, db):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/assign",
        data={"assign-mediator": world.mediator_b.id, "assign-version": mediating.version},
    )
    assert response.status_code == 403


# ---- session record -------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_record_session(mediating, world, login, client, db, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        headers=hx("panel-session") if htmx else {},
        data=session_data(mediating),
    )
    assert response.status_code == (204 if htmx else 303)
    case = fresh(db, mediating)
    assert case.state == CaseState.MEDIATING
    [record] = db.session.query(MediationSession).filter_by(case_id=case.id).all()
    # 00:00 in Beijing is 16:00 UTC the day before.
    day = local_today()
    assert record.held_at == datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(
        hours=8
    )
    assert record.notes == "双方同意各让一步"
    assert record.recorded_by_id == world.mediator.id
    [event] = events(db, case, "record_session")
    assert event.actor_id == world.mediator.id
    assert event.public is False
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Session recorded." in page


@pytest.mark.parametrize("htmx", [False, True])
def test_record_session_bad_input(mediating, login, client, db, htmx, templates):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        headers=hx("panel-session") if htmx else {},
        data=session_data(mediating, **{"session-notes": "  ", "session-place": "张家堂屋"}),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "Write what happened in the session." in html
    assert 'value="张家堂屋"' in html  # input kept
    assert f'value="{local_today().isoformat()}T00:00"' in html
    assert templates[-1 if htmx else 0] == (
        "workbench/partials/session_panel.html" if htmx else "cases/detail.html"
    )
    assert db.session.query(MediationSession).count() == 0


def test_record_session_future_time_and_bad_date(mediating, login, client, db):
    login("mediator")
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    html = client.post(
        f"/workbench/case/{mediating.number}/session",
        data=session_data(mediating, **{"session-held_at": future}),
    ).get_data(as_text=True)
    assert "The session time cannot be in the future." in html
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        data=session_data(
            mediating, **{"session-held_at": "yesterday", "session-mode": "carrier pigeon"}
        ),
    )
    assert response.status_code == 200
    assert db.session.query(MediationSession).count() == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_stale_version_changes_nothing(mediating, world, login, client, db, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        headers=hx("panel-session") if htmx else {},
        data=session_data(mediating, **{"session-version": mediating.version - 1}),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this case while you were working on it." in html
    assert "<html" in html  # the whole current page, so the user sees what changed
    if htmx:
        assert response.headers["HX-Retarget"] == "#main"
        assert response.headers["HX-Reselect"] == "#main"
    assert "双方同意各让一步" in html  # the notes are kept
    # ...and the form now carries the current version, so a resubmission goes through.
    assert f'name="session-version" type="hidden" value="{mediating.version}"' in html
    assert db.session.query(MediationSession).count() == 0
    assert events(db, mediating, "record_session") == []


def test_invalid_transition_is_shown_not_500(world, login, client, db):
    case = world.case(CaseState.FAILED)
    db.session.commit()
    login("mediator")
    response = client.post(f"/workbench/case/{case.number}/session", data=session_data(case))
    assert response.status_code == 200
    assert "not possible in the case" in response.get_data(as_text=True)


# ---- agreement ------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_record_agreement(mediating, world, login, client, db, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/agreement",
        headers=hx("panel-outcome") if htmx else {},
        data=agreement_data(mediating),
    )
    assert response.status_code == (204 if htmx else 303)
    case = fresh(db, mediating)
    assert case.state == CaseState.AGREED
    assert case.closed_at is not None
    agreement = db.session.query(Agreement).filter_by(case_id=case.id).one()
    assert agreement.terms == ["被申请人于十日内疏通排水沟", "赔偿申请人300元"]
    assert agreement.performance_manner == "现金支付"
    [event] = events(db, case, "record_agreement")
    assert event.public is True
    assert event.actor_id == world.mediator.id


@pytest.mark.parametrize("htmx", [False, True])
def test_written_agreement_needs_performance_manner(mediating, login, client, db, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/agreement",
        headers=hx("panel-outcome") if htmx else {},
        data=agreement_data(mediating, **{"agreement-performance_manner": ""}),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "A written agreement states the manner and deadline of performance." in html
    assert 'id="agreement-performance_manner-error"' in html
    assert "被申请人于十日内疏通排水沟" in html  # terms kept
    assert fresh(db, mediating).state == CaseState.MEDIATING


def test_oral_agreement_without_performance_manner(mediating, login, client, db):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/agreement",
        data=agreement_data(
            mediating,
            **{
                "agreement-kind": "oral",
                "agreement-performance_manner": "",
                "agreement-performance_deadline": "",
            },
        ),
    )
    assert response.status_code == 303
    assert fresh(db, mediating).state == CaseState.AGREED


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"agreement-terms": ""}, "terms", "Write at least one term of the agreement."),
        ({"agreement-terms": "1.\n2、 \n"}, "terms", "Write at least one term of the agreement."),
        (
            {"agreement-performance_deadline": (date(2020, 1, 1)).isoformat()},
            "performance_deadline",
            "The deadline cannot be before the agreement date.",
        ),
        ({"agreement-agreed_on": "not a date"}, "agreed_on", None),  # WTForms' own message
        ({"agreement-kind": "telepathic"}, "kind", None),
    ],
)
def test_agreement_bad_input(mediating, login, client, db, changes, field, message):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/agreement", data=agreement_data(mediating, **changes)
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="agreement-{field}-error"' in html
    assert message is None or message in html
    assert fresh(db, mediating).state == CaseState.MEDIATING


# ---- failure --------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_record_failure(mediating, world, login, client, db, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/failure",
        headers=hx("panel-outcome") if htmx else {},
        data={"failure-version": mediating.version, "failure-reason": "双方分歧过大"},
    )
    assert response.status_code == (204 if htmx else 303)
    case = fresh(db, mediating)
    assert case.state == CaseState.FAILED
    assert case.failure_reason == "双方分歧过大"
    [event] = events(db, case, "record_failure")
    assert event.public is True
    assert event.note == "双方分歧过大"


@pytest.mark.parametrize("htmx", [False, True])
def test_failure_needs_a_reason(mediating, login, client, db, htmx, templates):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/failure",
        headers=hx("panel-outcome") if htmx else {},
        data={"failure-version": mediating.version, "failure-reason": " "},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "Say why mediation failed." in html
    assert 'id="failure-reason-error"' in html
    if htmx:
        assert templates == ["workbench/partials/outcome_panel.html"]
    assert fresh(db, mediating).state == CaseState.MEDIATING


def test_director_records_for_own_committee(mediating, world, login, client, db):
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/failure",
        data={"failure-version": mediating.version, "failure-reason": "x"},
    )
    assert response.status_code == 303
    assert events(db, mediating, "record_failure")[0].actor_id == world.director.id


def test_session_text_kept_when_case_closed_meanwhile(world, client, db):
    """A mediator types notes; meanwhile the director records failure. Nothing typed is lost."""
    from domain.mediation import record_failure
    from models import Case

    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    version = case.version
    record_failure(db.session.get(Case, case.id), world.director, version=None, reason="x")
    db.session.commit()
    client.post("/auth/login", data={"username": "mediator", "password": PASSWORD})
    response = client.post(
        f"/workbench/case/{case.number}/session",
        data={"session-version": version, "session-held_at": "2026-11-20T10:00",
              "session-mode": "in_person", "session-notes": "双方同意再谈一次"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "双方同意再谈一次" in page and 'id="unsaved"' in page
