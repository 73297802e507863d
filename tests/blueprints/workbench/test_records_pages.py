"""Record panels on the case page: session record, investigation record and the list of records
with inline correction and "mark as signed"; each plain and htmx, bad input, stale versions and
who may use them."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from domain.clocks import local_today
from domain.mediation import record_session
from models import Case, Investigation, MediationSession
from models.enums import Role, SessionMode
from models.states import CaseState
from tests.conftest import hx
from tests.factories import PASSWORD, earlier_today, events, open_panel, user

TODAY = f"{local_today().isoformat()}T00:00"  # midnight in Beijing: never in the future


def fresh(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


def deciding(case):
    return [p.id for p in case.parties if p.role.value in ("applicant", "respondent")]


def session_data(case, prefix="session", **kw):
    data = {
        f"{prefix}-version": case.version,
        f"{prefix}-held_at": TODAY,
        f"{prefix}-place": "村委会调解室",
        f"{prefix}-mode": "in_person",
        f"{prefix}-present": deciding(case),
        f"{prefix}-participants": "村支书李四",
        f"{prefix}-accounts": "申请人：排水沟被堵\n被申请人：不是我堵的",
        f"{prefix}-notes": "双方同意各让一步",
        f"{prefix}-result": "约定下周再谈",
    }
    data.update({f"{prefix}-{k}": v for k, v in kw.items()})
    return data


def investigation_data(case, prefix="investigation", **kw):
    data = {
        f"{prefix}-version": case.version,
        f"{prefix}-held_at": TODAY,
        f"{prefix}-place": "排水沟现场",
        f"{prefix}-investigators": "张调解",
        f"{prefix}-interviewee": "王五，男，60岁，邻居",
        f"{prefix}-record": "问：排水沟何时堵塞？\n答：去年夏天。",
    }
    data.update({f"{prefix}-{k}": v for k, v in kw.items()})
    return data


def opener(case, name, key):
    """The link of the case page that opens the form `key` of the panel `name`."""
    return f'href="/cases/{case.number}/panels/{name}?open={key}"'


def assert_done(client, response, case, htmx, name, message, key=None):
    """The answer to a successful POST: htmx gets the whole page swapped into <main>,
    scrolled to the panel `name`; a plain POST is sent back to the panel's anchor, with the
    record `key` still open for the records panel. Returns the case page as it is after the
    action (with the success message)."""
    if htmx:
        assert response.status_code == 200
        assert "HX-Redirect" not in response.headers
        assert response.headers["HX-Retarget"] == "#main"
        assert response.headers["HX-Reswap"] == f"outerHTML show:#panel-{name}:top"
        html = response.get_data(as_text=True)
    else:
        assert response.status_code == 303
        location = response.headers["Location"]
        opened = f"?open={name}:{key}" if key else ""
        assert location.endswith(f"/cases/{case.number}{opened}#panel-{name}")
        html = client.get(location).get_data(as_text=True)
    assert message in html
    if key:
        assert f'id="panel-{name}-{key}" data-panel-open' in html
    return html


def refused_template(htmx, fragment):
    """The template of a refused POST's answer: the panel alone for htmx, else the panel on
    a page of its own."""
    return fragment if htmx else "cases/panel.html"


def add_session(db, case, actor):
    session = record_session(
        db.session.get(Case, case.id),
        actor,
        version=None,
        held_at=earlier_today(timedelta(minutes=30)),
        place="村委会",
        mode=SessionMode.IN_PERSON,
        notes="双方陈述事实",
    )
    db.session.commit()
    return session


# ---- the session panel ----------------------------------------------------------------------


def test_session_panel_ticks_applicants_and_respondents(mediating, login, client):
    login("mediator")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert 'id="panel-session"' in html and 'id="panel-investigation"' in html
    assert opener(mediating, "session", "session") in html
    assert opener(mediating, "investigation", "investigation") in html
    assert 'id="panel-records"' not in html  # nothing recorded yet
    html = open_panel(client, mediating, "session", "session").get_data(as_text=True)
    assert f'name="session-version" type="hidden" value="{mediating.version}"' in html
    for pid in deciding(mediating):  # ticked by default
        assert re.search(
            rf'<input checked id="session-present-\d+" name="session-present" '
            rf'type="checkbox" value="{pid}">',
            html,
        )
    assert 'name="session-participants"' in html and 'name="session-result"' in html


@pytest.mark.parametrize("state", [CaseState.DISPATCHED, CaseState.SUSPENDED, CaseState.AGREED])
def test_no_record_forms_outside_mediation(world, login, client, db, state):
    case = world.case(state)
    db.session.commit()
    login("director")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-session"' not in html and 'id="panel-investigation"' not in html


def test_clerk_sees_no_record_panels(mediating, login, client, db, world):
    add_session(db, mediating, world.mediator)
    login("clerk")
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert "panel-session" not in html and "panel-records" not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_record_session(mediating, world, login, client, db, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        headers=hx("panel-session") if htmx else {},
        data=session_data(mediating),
    )
    page = assert_done(client, response, mediating, htmx, "session", "Session recorded.")
    case = fresh(db, Case, mediating.id)
    assert case.state == CaseState.MEDIATING
    [record] = db.session.query(MediationSession).filter_by(case_id=case.id).all()
    day = local_today()
    assert record.held_at == datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=8)
    assert sorted(record.present_party_ids) == sorted(deciding(case))
    assert record.participants == "村支书李四"
    assert record.accounts.startswith("申请人")
    assert (record.notes, record.result) == ("双方同意各让一步", "约定下周再谈")
    assert record.recorded_by_id == world.mediator.id
    [event] = events(db, case, "record_session")
    assert event.actor_id == world.mediator.id and event.public is False
    assert f'id="record-session-{record.id}"' in page
    assert opener(case, "records", f"session-{record.id}") in page
    html = open_panel(client, case, "records", f"session-{record.id}").get_data(as_text=True)
    assert "约定下周再谈" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_record_session_bad_input_keeps_text(mediating, login, client, db, htmx, templates):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        headers=hx("panel-session") if htmx else {},
        data=session_data(mediating, notes="  ", place="张家堂屋", present=[]),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "Write what happened in the session." in html
    assert 'id="session-present-error"' in html
    assert "Tick the parties present at the session." in html
    assert 'value="张家堂屋"' in html and "村支书李四" in html  # input kept
    assert f'value="{TODAY}"' in html
    assert 'id="panel-session-session" data-panel-open' in html
    assert templates[-1 if htmx else 0] == refused_template(
        htmx, "workbench/partials/session_panel.html"
    )
    assert db.session.query(MediationSession).count() == 0


def test_record_session_future_time_and_nonsense(mediating, login, client, db):
    login("mediator")
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    html = client.post(
        f"/workbench/case/{mediating.number}/session",
        data=session_data(mediating, held_at=future),
    ).get_data(as_text=True)
    assert "The session time cannot be in the future." in html
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        data=session_data(
            mediating, held_at="yesterday", mode="carrier pigeon", present=["abc", "99999"]
        ),
    )
    assert response.status_code == 200
    assert 'id="session-present-error"' in response.get_data(as_text=True)
    assert db.session.query(MediationSession).count() == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_session_refused_without_consent_links_to_consent(world, login, client, db, htmx):
    case = world.case(CaseState.MEDIATING, consented=False)
    db.session.commit()
    login("mediator")
    response = client.post(
        f"/workbench/case/{case.number}/session",
        headers=hx("panel-session") if htmx else {},
        data=session_data(case),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    error = html[html.index('id="session-present-error"') :]
    error = error[: error.index("</p>")]
    assert "Record the consent of every party first" in error
    assert 'href="#panel-consent"' in error
    assert "双方同意各让一步" in html
    assert db.session.query(MediationSession).count() == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_stale_session_changes_nothing(mediating, login, client, db, htmx):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/session",
        headers=hx("panel-session") if htmx else {},
        data=session_data(mediating, version=mediating.version - 1),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this case while you were working on it." in html
    assert "<html" in html  # the whole current page
    if htmx:
        assert response.headers["HX-Retarget"] == "#main"
    assert "双方同意各让一步" in html
    assert f'name="session-version" type="hidden" value="{mediating.version}"' in html
    assert db.session.query(MediationSession).count() == 0
    assert events(db, mediating, "record_session") == []


def test_session_on_failed_case_is_a_message_not_500(world, login, client, db):
    case = world.case(CaseState.FAILED)
    db.session.commit()
    login("mediator")
    response = client.post(f"/workbench/case/{case.number}/session", data=session_data(case))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "not possible in the case" in html
    assert 'id="unsaved"' in html and "双方同意各让一步" in html


def test_session_text_kept_when_case_closed_meanwhile(world, client, db):
    from domain.mediation import record_failure

    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    data = session_data(case, notes="双方同意再谈一次")
    for reason in ("x", "y", "z"):  # two failures, joint mediation, then failed for good
        record_failure(db.session.get(Case, case.id), world.director, version=None, reason=reason)
    db.session.commit()
    assert db.session.get(Case, case.id).state == CaseState.FAILED
    client.post("/auth/login", data={"username": "mediator", "password": PASSWORD})
    response = client.post(f"/workbench/case/{case.number}/session", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "双方同意再谈一次" in page and 'id="unsaved"' in page
    assert db.session.query(MediationSession).filter_by(case_id=case.id).count() == 0


def test_joint_staff_record_sessions(world, login, client, db):
    case = world.case(CaseState.JOINT_MEDIATION)
    user("tdirector", Role.DIRECTOR, world.township_centre)
    db.session.commit()
    login("tdirector")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-session"' in html
    response = client.post(f"/workbench/case/{case.number}/session", data=session_data(case))
    assert response.status_code == 303
    assert len(db.session.query(MediationSession).filter_by(case_id=case.id).all()) == 2


# ---- investigation --------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_record_investigation(mediating, world, login, client, db, htmx):
    login("director")
    response = client.post(
        f"/workbench/case/{mediating.number}/investigation",
        headers=hx("panel-investigation") if htmx else {},
        data=investigation_data(mediating),
    )
    page = assert_done(
        client, response, mediating, htmx, "investigation", "Investigation recorded."
    )
    [record] = db.session.query(Investigation).filter_by(case_id=mediating.id).all()
    assert record.interviewee == "王五，男，60岁，邻居"
    assert record.recorded_by_id == world.director.id
    [event] = events(db, mediating, "record_investigation")
    assert event.public is False and event.actor_id == world.director.id
    assert f'id="record-investigation-{record.id}"' in page
    assert opener(mediating, "records", f"investigation-{record.id}") in page
    html = open_panel(client, mediating, "records", f"investigation-{record.id}")
    assert "去年夏天" in html.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_investigation_bad_input_keeps_text(mediating, login, client, db, htmx, templates):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/investigation",
        headers=hx("panel-investigation") if htmx else {},
        data=investigation_data(mediating, interviewee=" ", held_at="soon"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "Name the person interviewed." in html
    assert 'id="investigation-held_at-error"' in html
    assert "去年夏天" in html and 'value="排水沟现场"' in html
    assert 'id="panel-investigation-investigation" data-panel-open' in html
    assert templates[-1 if htmx else 0] == refused_template(
        htmx, "workbench/partials/investigation_panel.html"
    )
    assert db.session.query(Investigation).count() == 0


def test_stale_investigation(mediating, login, client, db):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/investigation",
        data=investigation_data(mediating, version=mediating.version - 1),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this case" in html and "去年夏天" in html
    assert db.session.query(Investigation).count() == 0


# ---- the records list: correct, sign ----------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_open_a_record_for_correction(mediating, world, login, client, db, htmx, templates):
    session = add_session(db, mediating, world.mediator)
    login("mediator")
    page = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert opener(mediating, "records", f"session-{session.id}") in page
    assert f'name="session-{session.id}-notes"' not in page  # folded until opened
    templates.clear()
    response = open_panel(client, mediating, "records", f"session-{session.id}", htmx=htmx)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert f'id="panel-records-session-{session.id}" data-panel-open' in html
    assert f'name="session-{session.id}-notes"' in html
    assert "双方陈述事实" in html
    assert templates[-1 if htmx else 0] == refused_template(
        htmx, "workbench/partials/records_panel.html"
    )
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("htmx", [False, True])
def test_correct_a_session(mediating, world, login, client, db, htmx):
    session = add_session(db, mediating, world.mediator)
    case = fresh(db, Case, mediating.id)
    login("mediator")
    response = client.post(
        f"/workbench/case/{case.number}/records/session/{session.id}",
        headers=hx("panel-records") if htmx else {},
        data=session_data(case, prefix=f"session-{session.id}", notes="补充：申请人出示照片"),
    )
    page = assert_done(
        client, response, case, htmx, "records", "Record saved.", key=f"session-{session.id}"
    )
    assert "补充：申请人出示照片" in page  # the record stays open, corrected
    record = fresh(db, MediationSession, session.id)
    assert record.notes == "补充：申请人出示照片" and record.result == "约定下周再谈"
    [edit] = [e for e in events(db, case, "record_session") if e.data.get("edited")]
    assert edit.data["edited"] == session.id and "notes" in edit.data["fields"]
    assert edit.actor_id == world.mediator.id and edit.public is False
    assert fresh(db, Case, case.id).state == CaseState.MEDIATING


@pytest.mark.parametrize("htmx", [False, True])
def test_correction_bad_input_keeps_text(mediating, world, login, client, db, htmx, templates):
    session = add_session(db, mediating, world.mediator)
    case = fresh(db, Case, mediating.id)
    login("mediator")
    prefix = f"session-{session.id}"
    response = client.post(
        f"/workbench/case/{case.number}/records/session/{session.id}",
        headers=hx("panel-records") if htmx else {},
        data=session_data(case, prefix=prefix, notes="", accounts="新的陈述内容"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert f'id="{prefix}-notes-error"' in html and "新的陈述内容" in html
    assert f'id="panel-records-{prefix}" data-panel-open' in html
    assert templates[-1 if htmx else 0] == refused_template(
        htmx, "workbench/partials/records_panel.html"
    )
    assert fresh(db, MediationSession, session.id).notes == "双方陈述事实"


def test_stale_correction(mediating, world, login, client, db):
    session = add_session(db, mediating, world.mediator)
    case = fresh(db, Case, mediating.id)
    login("mediator")
    response = client.post(
        f"/workbench/case/{case.number}/records/session/{session.id}",
        headers=hx("panel-records"),
        data=session_data(
            case, prefix=f"session-{session.id}", version=case.version - 1, notes="改过的内容"
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "Someone else changed this case" in html and "改过的内容" in html
    assert f'name="session-{session.id}-version" type="hidden" value="{case.version}"' in html
    assert fresh(db, MediationSession, session.id).notes == "双方陈述事实"


def test_correct_an_investigation(mediating, world, login, client, db):
    login("mediator")
    client.post(
        f"/workbench/case/{mediating.number}/investigation", data=investigation_data(mediating)
    )
    [record] = db.session.query(Investigation).all()
    case = fresh(db, Case, mediating.id)
    response = client.post(
        f"/workbench/case/{case.number}/records/investigation/{record.id}",
        data=investigation_data(case, prefix=f"investigation-{record.id}", place="王五家"),
    )
    assert_done(
        client, response, case, False, "records", "Record saved.", key=f"investigation-{record.id}"
    )
    assert fresh(db, Investigation, record.id).place == "王五家"
    [edit] = [e for e in events(db, case, "record_investigation") if e.data.get("edited")]
    assert edit.data["fields"] == ["place"]


def test_sign_freezes_the_record(mediating, world, login, client, db):
    session = add_session(db, mediating, world.mediator)
    case = fresh(db, Case, mediating.id)
    login("mediator")
    response = client.post(
        f"/workbench/case/{case.number}/records/session/{session.id}/sign",
        data={f"sign-session-{session.id}-version": case.version},
    )
    key = f"session-{session.id}"
    page = assert_done(client, response, case, False, "records", "Record marked as signed.", key)
    assert fresh(db, MediationSession, session.id).signed_at is not None
    [event] = events(db, case, "sign_record")
    assert event.actor_id == world.mediator.id and event.public is False
    # Shown open after signing: the record, with neither the correction form nor the button.
    assert "Signed on" in page and "双方陈述事实" in page
    assert f'name="{key}-notes"' not in page and "Mark as signed" not in page
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Signed on" in page and "Open this record" in page
    assert "Open, correct or mark signed" not in page
    # Asking for the edit form or posting a correction changes nothing.
    html = open_panel(client, case, "records", key).get_data(as_text=True)
    assert f'id="panel-records-{key}" data-panel-open' in html and "双方陈述事实" in html
    assert f'name="{key}-notes"' not in html and "Mark as signed" not in html
    case = fresh(db, Case, case.id)
    response = client.post(
        f"/workbench/case/{case.number}/records/session/{session.id}",
        data=session_data(case, prefix=f"session-{session.id}", notes="签字后再改"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # Why (the domain's message, not the panel's help text), and what was typed, shown back.
    assert "This record was signed on" in html and "can no longer be changed" in html
    assert "签字后再改" in html
    assert fresh(db, MediationSession, session.id).notes == "双方陈述事实"


def test_correction_after_the_case_ended_keeps_what_was_typed(mediating, world, login, client, db):
    """A second tab corrects an unsigned record after the case ended: refused, text kept."""
    session = add_session(db, mediating, world.mediator)
    case = fresh(db, Case, mediating.id)
    data = session_data(case, prefix=f"session-{session.id}", notes="另一个标签页的更正")
    case.state = CaseState.AGREED  # ended meanwhile
    db.session.commit()
    login("mediator")
    response = client.post(f"/workbench/case/{case.number}/records/session/{session.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="unsaved"' in html and "另一个标签页的更正" in html
    assert fresh(db, MediationSession, session.id).notes == "双方陈述事实"


def test_sign_with_stale_or_missing_version(mediating, world, login, client, db):
    session = add_session(db, mediating, world.mediator)
    login("mediator")
    url = f"/workbench/case/{mediating.number}/records/session/{session.id}/sign"
    key = f"session-{session.id}"
    # No version: refused, the record comes back open with the message and the button.
    response = client.post(url, data={})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="panel-records-{key}" data-panel-open' in html
    summary = html[html.index('class="error-summary"') :]
    assert "The form is incomplete" in summary[: summary.index("</div>")]
    assert "Mark as signed" in html
    # A stale version: the whole current page, the message at the top, the record open.
    response = client.post(url, data={f"sign-{key}-version": 1})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="main"' in page and 'id="panel-session"' in page
    assert "Someone else changed this case" in page
    assert f'id="panel-records-{key}" data-panel-open' in page and "Mark as signed" in page
    assert fresh(db, MediationSession, session.id).signed_at is None


def test_records_signable_after_the_case_ended(world, login, client, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    [session] = case.sessions
    key = f"session-{session.id}"
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-records"' in html and opener(case, "records", key) in html
    html = open_panel(client, case, "records", key).get_data(as_text=True)
    assert f'id="panel-records-{key}" data-panel-open' in html
    assert "Mark as signed" in html and f'name="{key}-notes"' not in html  # no correcting


# ---- who may do it --------------------------------------------------------------------------


def _urls(case, session):
    base = f"/workbench/case/{case.number}"
    return [
        ("POST", f"{base}/session"),
        ("POST", f"{base}/investigation"),
        ("POST", f"{base}/records/session/{session.id}"),
        ("POST", f"{base}/records/session/{session.id}/sign"),
    ]


def _panel_urls(case, session):
    """Opening a record (the records panel) and the record forms (their panels); a panel
    that does not apply to the user is a 404, like a case outside their scope."""
    base = f"/cases/{case.number}/panels"
    return [
        ("GET", f"{base}/records?open=session-{session.id}"),
        ("GET", f"{base}/session?open=session"),
        ("GET", f"{base}/investigation?open=investigation"),
    ]


def test_role_matrix(mediating, world, login, client, db):
    session = add_session(db, mediating, world.mediator)
    urls = _urls(mediating, session) + _panel_urls(mediating, session)
    for method, url in urls:  # anonymous
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    for name, status in [
        ("clerk", 403),
        ("leader", 403),
        ("admin", 403),
        ("mediator_b", 404),
        ("mediator2", 404),
    ]:
        login(name)
        for method, url in _urls(mediating, session):
            assert client.open(url, method=method).status_code == status, (name, url)
        for method, url in _panel_urls(mediating, session):
            assert client.open(url, method=method).status_code == 404, (name, url)
    login("director")
    for method, url in _panel_urls(mediating, session):
        response = client.open(url, method=method)
        assert response.status_code == 200, url
        assert "data-panel-open" in response.get_data(as_text=True), url


def test_in_scope_but_not_working_the_case_is_403(world, login, client, db):
    case = world.case(CaseState.FAILED)  # went through joint mediation at the township centre
    user("tdirector", Role.DIRECTOR, world.township_centre)
    db.session.commit()
    login("tdirector")
    page = client.get(f"/cases/{case.number}")
    assert page.status_code == 200  # still in scope
    assert 'id="panel-records"' not in page.get_data(as_text=True)
    [session] = case.sessions
    for method, url in _urls(case, session):
        assert client.open(url, method=method).status_code == 403, url
    for method, url in _panel_urls(case, session):  # no panel for them: nothing to open
        assert client.open(url, method=method).status_code == 404, url


def test_record_of_another_case_or_kind_is_404(mediating, world, login, client, db):
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    session = add_session(db, other, world.mediator)
    login("mediator")
    base = f"/workbench/case/{mediating.number}/records"
    assert client.post(f"{base}/session/{session.id}").status_code == 404
    assert client.post(f"{base}/session/{session.id}/sign").status_code == 404
    assert client.post(f"{base}/minutes/{session.id}").status_code == 404
    # No records on this case yet: no records panel to open, even for another case's record.
    panel = f"/cases/{mediating.number}/panels/records"
    assert client.get(panel).status_code == 404
    assert client.get(f"{panel}?open=session-{session.id}").status_code == 404


@pytest.mark.parametrize("kind", ["session", "investigation"])
@pytest.mark.parametrize("held_at", ["0001-01-01T00:00", "1899-12-31T23:59"])
def test_a_record_in_year_one_is_refused_beside_the_time(
    mediating, login, client, db, kind, held_at
):
    """Moving 0001-01-01 00:00 in Beijing to UTC leaves Python's calendar (500); a time
    before 1900 is refused beside the field, what was typed kept."""
    login("mediator")
    data = (session_data if kind == "session" else investigation_data)(mediating, held_at=held_at)
    response = client.post(f"/workbench/case/{mediating.number}/{kind}", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(rf'id="{kind}-held_at-error"[^>]*>Enter a date between 1900 and 2100.<', html)
    assert f'value="{held_at}"' in html
    assert db.session.query(MediationSession).count() == 0
    assert db.session.query(Investigation).count() == 0
