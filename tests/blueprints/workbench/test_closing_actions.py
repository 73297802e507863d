"""The closing panel on the case page: failed attempts (two, then joint mediation, then the
end), ending mediation, suspension and resumption, extension; each plain and htmx, with bad
input, stale versions, roles and scope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.enums import ClosureReason
from models.states import CaseState
from tests.conftest import hx
from tests.factories import events, fresh, open_panel


def page(client, case) -> str:
    return client.get(f"/cases/{case.number}").get_data(as_text=True)


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


def post(client, case, action, data, htmx=False):
    return client.post(
        f"/workbench/case/{case.number}/{action}",
        data=data,
        headers=hx("panel-closing") if htmx else {},
    )


def assert_redirected(response, case, htmx, message):
    """Done: plain, a 303 to the closing panel of the case page; htmx, the whole current page
    swapped into <main> with the success message."""
    if htmx:
        assert response.status_code == 200
        assert response.headers["HX-Retarget"] == "#main"
        assert response.headers["HX-Reselect"] == "#main"
        assert response.headers["HX-Reswap"].startswith("outerHTML show:")
        html = response.get_data(as_text=True)
        assert "<html" in html
        assert message in html
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/cases/{case.number}#panel-closing")


def opener(case, key) -> str:
    """The link on the case page that opens the closing panel's form `key`."""
    return f'href="/cases/{case.number}/panels/closing?open={key}"'


def open_form(client, case, key) -> str:
    """The closing panel with the form `key` open, after checking the page offers it."""
    assert opener(case, key) in page(client, case)
    response = open_panel(client, case, "closing", key)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="panel-closing-{key}" data-panel-open' in html
    return html


# ---- the panel ------------------------------------------------------------------------------


def test_panel_explains_the_failure_rule_and_names_the_organiser(mediating, login, client):
    login("mediator")
    html = page(client, mediating)
    assert 'id="panel-closing"' in html
    assert "0 failed attempts recorded so far." in html
    assert "Suspend mediation" in html and "Extend the time limit" in html
    for key in ("fail", "suspend", "extend", "terminate"):
        assert opener(mediating, key) in html
    assert opener(mediating, "resume") not in html  # not suspended
    html = open_form(client, mediating, "fail")
    assert "After the second, the case goes to joint mediation" in html
    assert "fail-departments" not in html  # the first failure does not escalate
    assert f'name="fail-version" type="hidden" value="{mediating.version}"' in html


def test_before_the_second_failure_the_organiser_is_named(mediating, world, login, client, db):
    login("mediator")
    post(
        client,
        mediating,
        "failure",
        {"fail-version": mediating.version, "fail-reason": "双方分歧较大"},
    )
    assert "1 failed attempt recorded so far." in page(client, mediating)
    html = open_form(client, mediating, "fail")
    # The village committee's joint mediation is organised by the township centre.
    assert (
        f"the case then goes to joint mediation organised by {world.township_centre.name}"
    ) in html
    assert 'name="fail-departments"' in html


def test_panel_not_shown_to_others_or_in_other_states(world, mediating, login, client, db):
    login("clerk")
    assert 'id="panel-closing"' not in page(client, mediating)
    login("mediator_b")  # same committee, not on the case: 404 anyway
    assert client.get(f"/cases/{mediating.number}").status_code == 404
    agreed = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    assert 'id="panel-closing"' not in page(client, agreed)


# ---- failures -------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_two_failures_escalate_then_joint_failure_ends(mediating, world, login, client, db, htmx):
    login("mediator")
    r = post(
        client,
        mediating,
        "failure",
        {"fail-version": mediating.version, "fail-reason": "第一次未果"},
        htmx,
    )
    assert_redirected(r, mediating, htmx, "Failed attempt recorded.")
    case = fresh(db, mediating)
    assert (case.state, case.failure_count) == (CaseState.MEDIATING, 1)
    [first] = events(db, case, "record_failure")
    assert (first.actor_id, first.public) == (world.mediator.id, False)

    r = post(
        client,
        case,
        "failure",
        {
            "fail-version": case.version,
            "fail-reason": "第二次未果",
            "fail-departments": "埠河镇司法所\n\n 埠河派出所 \n",
        },
        htmx,
    )
    assert_redirected(r, case, htmx, "Failed attempt recorded.")
    case = fresh(db, case)
    assert case.state == CaseState.JOINT_MEDIATION
    assert case.joint_org_id == world.township_centre.id
    assert case.joint_departments == ["埠河镇司法所", "埠河派出所"]
    assert events(db, case, "escalate_joint")[0].public is True

    html = page(client, case)
    assert "Suspend mediation" not in html  # not from joint mediation
    assert opener(case, "suspend") not in html
    assert "recording its failure ends the case as failed" in open_form(client, case, "fail")

    r = post(
        client, case, "failure", {"fail-version": case.version, "fail-reason": "联动调解未果"}, htmx
    )
    assert_redirected(r, case, htmx, "Mediation recorded as failed. The case is closed.")
    case = fresh(db, case)
    assert case.state == CaseState.FAILED
    assert case.closure_reason == ClosureReason.FAILED
    html = page(client, case)
    assert 'id="panel-closing_notice"' in html
    assert "court" in html and "arbitration" in html
    assert "advised to take the judicial route" in html


def test_joint_organiser_director_may_record_the_joint_failure(world, login, client, db):
    case = world.case(CaseState.JOINT_MEDIATION)
    # The township centre's director: give the centre one.
    from models import User
    from models.enums import Role
    from tests.factories import user as make_user

    make_user("tdirector", Role.DIRECTOR, world.township_centre)
    db.session.commit()
    login("tdirector")
    html = page(client, case)
    assert 'id="panel-closing"' in html
    r = post(client, case, "failure", {"fail-version": case.version, "fail-reason": "联动未果"})
    assert r.status_code == 303
    case = fresh(db, case)
    assert case.state == CaseState.FAILED
    director = db.session.query(User).filter_by(username="tdirector").one()
    assert events(db, case, "record_failure")[-1].actor_id == director.id


@pytest.mark.parametrize("htmx", [False, True])
def test_failure_without_reason_keeps_input(mediating, login, client, db, htmx, templates):
    login("mediator")
    r = post(
        client,
        mediating,
        "failure",
        {"fail-version": mediating.version, "fail-reason": "   ", "fail-departments": "司法所"},
        htmx,
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "Say why mediation failed." in html
    assert 'id="fail-reason-error"' in html
    if htmx:
        assert templates == ["workbench/partials/closing_panel.html"]
    assert fresh(db, mediating).failure_count == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_stale_failure_shows_the_current_case(mediating, login, client, db, htmx):
    login("mediator")
    r = post(
        client,
        mediating,
        "failure",
        {"fail-version": mediating.version - 1, "fail-reason": "我的理由"},
        htmx,
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Someone else changed this case" in html
    assert "我的理由" in html  # kept
    assert "<html" in html  # the whole current page
    assert 'id="panel-closing-fail" data-panel-open' in html  # with the form open
    if htmx:
        assert r.headers["HX-Retarget"] == "#main"
    assert fresh(db, mediating).failure_count == 0


def test_failure_on_a_closed_case_shows_what_was_typed(world, login, client, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    r = post(client, case, "failure", {"fail-version": case.version, "fail-reason": "迟到的理由"})
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "not possible in the case" in html
    assert "迟到的理由" in html
    assert fresh(db, case).state == CaseState.AGREED


# ---- termination ----------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_terminate(mediating, world, login, client, db, htmx):
    login("mediator")
    r = post(
        client,
        mediating,
        "terminate",
        {
            "terminate-version": mediating.version,
            "terminate-reason": "party_withdrew",
            "terminate-note": "申请人撤回",
        },
        htmx,
    )
    assert_redirected(r, mediating, htmx, "Mediation ended. The case is closed.")
    case = fresh(db, mediating)
    assert case.state == CaseState.TERMINATED
    assert case.closure_reason == ClosureReason.PARTY_WITHDREW
    [event] = events(db, case, "terminate")
    assert (event.actor_id, event.public, event.note) == (world.mediator.id, True, "申请人撤回")
    html = page(client, case)
    assert "Notice given to the parties" in html
    assert "A party withdrew or asked to end mediation" in html


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("reason", "note", "message"),
    [
        ("", "说明", "Choose why mediation ends."),
        ("agreement_written", "说明", "Not a valid choice"),
        ("party_withdrew", "", "Explain briefly what happened."),
    ],
)
def test_terminate_bad_input(mediating, login, client, db, htmx, reason, note, message):
    login("mediator")
    r = post(
        client,
        mediating,
        "terminate",
        {
            "terminate-version": mediating.version,
            "terminate-reason": reason,
            "terminate-note": note,
        },
        htmx,
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert message in html
    assert ("<html" in html) is not htmx
    if note:
        assert note in html
    assert fresh(db, mediating).state == CaseState.MEDIATING


def test_terminate_from_suspension(world, login, client, db):
    case = world.case(CaseState.SUSPENDED)
    db.session.commit()
    login("mediator")
    r = post(
        client,
        case,
        "terminate",
        {
            "terminate-version": case.version,
            "terminate-reason": "unreachable",
            "terminate-note": "联系不上",
        },
    )
    assert r.status_code == 303
    assert fresh(db, case).state == CaseState.TERMINATED


# ---- suspension -----------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_suspend_and_resume(mediating, world, login, client, db, htmx):
    login("mediator")
    due = mediating.due_on
    r = post(
        client,
        mediating,
        "suspend",
        {"suspend-version": mediating.version, "suspend-reason": "当事人住院"},
        htmx,
    )
    assert_redirected(r, mediating, htmx, "Mediation suspended. The clock is stopped.")
    case = fresh(db, mediating)
    assert case.state == CaseState.SUSPENDED
    assert case.suspended_since is not None
    assert events(db, case, "suspend")[0].actor_id == world.mediator.id
    html = page(client, case)
    assert "Suspended since" in html
    assert "Resume mediation" in html
    assert opener(case, "resume") in html
    assert "This attempt failed" not in html
    assert opener(case, "fail") not in html

    r = post(client, case, "resume", {"resume-version": case.version, "resume-note": ""}, htmx)
    assert_redirected(r, case, htmx, "Mediation resumed. The deadline moved by the days suspended.")
    case = fresh(db, case)
    assert case.state == CaseState.MEDIATING
    assert case.suspended_since is None
    assert case.due_on == due  # resumed the same day: no days to add
    assert events(db, case, "resume")[0].data["paused_days"] == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_suspend_needs_a_reason(mediating, login, client, db, htmx):
    login("mediator")
    r = post(
        client,
        mediating,
        "suspend",
        {"suspend-version": mediating.version, "suspend-reason": ""},
        htmx,
    )
    assert r.status_code == 200
    assert "Say why mediation is suspended." in r.get_data(as_text=True)
    assert fresh(db, mediating).state == CaseState.MEDIATING


def test_resume_a_case_that_is_not_suspended(mediating, login, client, db):
    login("mediator")
    r = post(client, mediating, "resume", {"resume-version": mediating.version})
    assert r.status_code == 200
    assert "not possible in the case" in r.get_data(as_text=True)


def test_missing_version_is_a_form_error(mediating, login, client, db):
    login("mediator")
    r = post(client, mediating, "suspend", {"suspend-reason": "住院"})
    assert r.status_code == 200
    assert "The form is incomplete" in r.get_data(as_text=True)
    assert fresh(db, mediating).state == CaseState.MEDIATING


# ---- extension ------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_extend(mediating, world, login, client, db, htmx):
    login("mediator")
    due = mediating.due_on
    r = post(
        client,
        mediating,
        "extend",
        {
            "extend-version": mediating.version,
            "extend-days": "10",
            "extend-reason": "双方同意延长",
            "extend-both_parties_agree": "y",
        },
        htmx,
    )
    assert_redirected(r, mediating, htmx, "Time limit extended.")
    case = fresh(db, mediating)
    assert case.due_on == due + timedelta(days=10)
    assert case.extended_days == 10
    [event] = events(db, case, "extend")
    assert (event.public, event.data["days"]) == (True, 10)


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        (
            {"extend-days": "10", "extend-reason": "原因"},
            "An extension needs both parties",
            "extend-both_parties_agree-error",
        ),
        (
            {"extend-days": "31", "extend-reason": "原因", "extend-both_parties_agree": "y"},
            "Extend by 1 to 30 days.",
            "extend-days-error",
        ),
        (
            {"extend-days": "abc", "extend-reason": "原因", "extend-both_parties_agree": "y"},
            "Not a valid integer value",
            "extend-days-error",
        ),
        (
            {"extend-days": "5", "extend-reason": " ", "extend-both_parties_agree": "y"},
            "Say why more time is needed.",
            "extend-reason-error",
        ),
    ],
)
def test_extend_bad_input(mediating, login, client, db, htmx, data, message, field):
    login("mediator")
    r = post(client, mediating, "extend", {"extend-version": mediating.version, **data}, htmx)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert message in html
    assert f'id="{field}"' in html
    assert 'id="panel-closing-extend" data-panel-open' in html  # the form comes back open
    assert ("<html" in html) is not htmx  # the fragment, or the panel on its own page
    assert f'value="{data["extend-days"]}"' in html  # what was typed is kept
    if data["extend-reason"].strip():
        assert data["extend-reason"] in html
    assert fresh(db, mediating).extended_days == 0


# ---- roles and scope ------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["failure", "terminate", "suspend", "resume", "extend"])
def test_roles(mediating, world, login, client, db, action):
    url = f"/workbench/case/{mediating.number}/{action}"
    assert client.post(url).status_code == 302  # anonymous → login
    login("clerk")
    assert client.post(url).status_code == 403  # not a workbench role
    login("mediator2")
    assert client.post(url).status_code == 404  # out of scope
    login("director")  # the handling committee's director may act: a form error, not 403
    assert client.post(url, data={}).status_code == 200
    far = world.case(CaseState.MEDIATING, village=world.village3)
    db.session.commit()
    assert client.post(f"/workbench/case/{far.number}/{action}").status_code == 404
    assert client.post(f"/workbench/case/NOPE-1/{action}").status_code == 404
