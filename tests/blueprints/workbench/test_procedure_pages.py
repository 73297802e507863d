"""The rules of the procedure on the pages: the agreement form's checklist of what is missing
and its refusals (input kept), the challenged mediator's case page, the joint mediations in
the organising centre's work list, and "failed" refused before joint mediation."""

import re

import pytest

from domain import recusal
from domain.clocks import local_today
from models import Agreement, MediationSession
from models.enums import NoticeAck, Role
from models.states import CaseState
from tests.conftest import hx
from tests.factories import fresh, hold_session, open_panel, opener_href, user


def page(client, case) -> str:
    return client.get(f"/cases/{case.number}").get_data(as_text=True)


def agreement_form(case, **kw):
    data = {
        "agreement-version": case.version,
        "agreement-kind": "written",
        "agreement-facts": "排水沟堵塞致申请人农田受淹",
        "agreement-issues": "谁来疏通，损失赔多少",
        "agreement-responsibilities": "被申请人负主要责任",
        "agreement-terms": "1. 被申请人于十日内疏通排水沟\n2、赔偿申请人300元",
        "agreement-agreed_on": local_today().isoformat(),
        "agreement-performance_manner": "现金支付",
        "agreement-performance_place": "村委会",
        "agreement-performance_deadline": "2099-01-01",
    }
    data.update(kw)
    return data


@pytest.fixture
def mediating(world, db):
    """In mediation, consent and notice recorded, the mediator declared; no session yet."""
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


# ---- the agreement form ---------------------------------------------------------------------


def test_the_panel_lists_what_is_missing_with_links(world, db, login, client, mediating):
    mediating.respondents[0].notice_ack = NoticeAck.NONE
    recusal.add_co_mediator(mediating, world.mediator_b, world.director, version=None)
    db.session.commit()
    login("mediator")
    html = page(client, mediating)
    gaps = re.search(r'id="panel-outcome-gaps">(.*?)</div>', html, re.S).group(1)
    number = mediating.number
    assert f'href="/cases/{number}#panel-session">No session has been recorded yet.' in gaps
    assert f'href="/cases/{number}#panel-mediators">The mediator {world.mediator_b.name}' in gaps
    name = mediating.respondents[0].name
    assert f'href="/cases/{number}#panel-consent">{name} has not acknowledged the rights' in gaps
    # The same checklist beside the open form, before anything is typed.
    html = open_panel(client, mediating, "outcome", "agreement").get_data(as_text=True)
    assert 'id="panel-outcome-gaps"' in html and 'name="agreement-issues"' in html


def test_the_checklist_is_done_once_the_procedure_is(world, db, login, client, mediating):
    hold_session(mediating, world.mediator)
    db.session.commit()
    login("mediator")
    html = page(client, mediating)
    assert "The procedure is complete" in html
    assert "flash-warning" not in re.search(r'id="panel-outcome"(.*?)</section>', html, re.S)[1]


@pytest.mark.parametrize("htmx", [False, True])
def test_an_agreement_before_any_session_is_refused_input_kept(
    world, db, login, client, mediating, htmx
):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/agreement",
        data=agreement_form(mediating),
        headers=hx("panel-outcome") if htmx else {},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    summary = re.search(r'class="error-summary".*?</div>', html, re.S).group(0)
    assert "cannot be recorded before the procedure is complete" in summary
    assert "No session has been recorded yet." in summary
    assert "谁来疏通，损失赔多少" in html and "被申请人于十日内疏通排水沟" in html  # kept
    assert fresh(db, mediating).state == CaseState.MEDIATING
    assert not db.session.query(Agreement).count()


def test_every_missing_particular_is_marked_beside_its_field(world, db, login, client, mediating):
    hold_session(mediating, world.mediator)
    db.session.commit()
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/agreement",
        data=agreement_form(
            mediating,
            **{
                "agreement-issues": "  ",
                "agreement-responsibilities": "",
                "agreement-performance_deadline": "",
            },
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for field, message in (
        ("issues", "A written agreement states the disputed issues."),
        ("responsibilities", "A written agreement states each party&#39;s responsibility."),
        ("performance_deadline", "A written agreement states the deadline of performance."),
    ):
        error = re.search(rf'id="agreement-{field}-error">(.*?)</p>', html, re.S)
        assert error and message in error.group(1), field
    assert 'id="agreement-facts-error"' not in html
    assert "排水沟堵塞致申请人农田受淹" in html  # what was typed stays
    assert fresh(db, mediating).state == CaseState.MEDIATING


def test_an_oral_agreement_needs_its_manner_only(world, db, login, client, mediating):
    hold_session(mediating, world.mediator)
    db.session.commit()
    login("mediator")
    url = f"/workbench/case/{mediating.number}/agreement"
    oral = {
        "agreement-kind": "oral",
        "agreement-facts": "",
        "agreement-issues": "",
        "agreement-responsibilities": "",
        "agreement-performance_deadline": "",
    }
    response = client.post(
        url, data=agreement_form(mediating, **oral, **{"agreement-performance_manner": ""})
    )
    assert 'id="agreement-performance_manner-error"' in response.get_data(as_text=True)
    response = client.post(url, data=agreement_form(mediating, **oral))
    assert response.status_code == 303
    assert fresh(db, mediating).state == CaseState.AGREED


# ---- recusal --------------------------------------------------------------------------------


def test_the_challenged_mediator_sees_why_and_is_refused(world, db, login, client, mediating):
    hold_session(mediating, world.mediator)
    recusal.request_recusal(
        mediating,
        mediating.applicants[0],
        world.mediator,
        world.director,
        version=None,
        grounds="调解员是被申请人的表兄",
    )
    db.session.commit()
    login("mediator")
    html = page(client, mediating)
    assert 'id="panel-recusal-challenged"' in html
    for panel, key in (("session", "session"), ("outcome", "agreement"), ("closing", "fail")):
        assert opener_href(mediating, panel, key) not in html, panel
    response = client.post(
        f"/workbench/case/{mediating.number}/agreement", data=agreement_form(mediating)
    )
    assert response.status_code == 403
    assert db.session.query(MediationSession).filter_by(case_id=mediating.id).count() == 1
    # The director sees the request and that the mediator waits; he decides.
    login("director")
    html = page(client, mediating)
    assert f"Until the decision, {world.mediator.name} records nothing on this case." in html
    assert opener_href(mediating, "recusal", f"decide-{mediating.recusals[0].id}") in html


# ---- joint mediation in the work list --------------------------------------------------------


def joint_rows(html: str) -> list[str]:
    return re.findall(r'<tr id="case-([^"]+)-joint"', html)


def test_joint_mediations_are_in_the_organising_centres_work_list(world, db, login, client):
    joint = world.case(CaseState.JOINT_MEDIATION)
    world.case(CaseState.MEDIATING)
    user("tdirector", Role.DIRECTOR, world.township_centre)
    user("tmediator", Role.MEDIATOR, world.township_centre)
    user("smediator", Role.MEDIATOR, world.county2_centre)
    db.session.commit()
    for who in ("tdirector", "tmediator"):
        login(who)
        html = client.get("/workbench/").get_data(as_text=True)
        assert joint_rows(html) == [joint.number], who
        row = re.search(rf'id="case-{joint.number}-joint".*?</tr>', html, re.S).group(0)
        assert world.township_centre.name in row and "your centre" in row
        assert world.village_committee.name in row  # the committee it came from
        assert "Open: 1" in html
        # They open it and may work it.
        case_page = page(client, joint)
        assert opener_href(joint, "session", "session") in case_page
        assert opener_href(joint, "outcome", "agreement") in case_page
    # The handling committee's mediator still follows it there.
    login("mediator")
    assert joint_rows(client.get("/workbench/").get_data(as_text=True)) == [joint.number]
    # Another centre's mediator neither lists nor opens it.
    login("smediator")
    assert joint.number not in client.get("/workbench/").get_data(as_text=True)
    assert client.get(f"/cases/{joint.number}").status_code == 404


def test_the_joint_list_pages_with_htmx(world, db, login, client, app, monkeypatch, templates):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    cases = [world.case(CaseState.JOINT_MEDIATION) for _ in range(2)]
    user("tmediator", Role.MEDIATOR, world.township_centre)
    db.session.commit()
    login("tmediator")
    html = client.get("/workbench/").get_data(as_text=True)
    first = joint_rows(html)
    more = re.search(r'id="joint-more">\s*<td[^>]*>\s*<a href="[^"]+"\s+hx-get="([^"]+)"', html)
    templates.clear()
    fragment = client.get(more.group(1).replace("&amp;", "&"), headers=hx("joint-more"))
    fragment = fragment.get_data(as_text=True)
    assert "<html" not in fragment and templates[0] == "workbench/partials/joint_rows.html"
    assert sorted(first + joint_rows(fragment)) == sorted(c.number for c in cases)


# ---- "failed" before joint mediation ---------------------------------------------------------


def test_terminate_as_failed_is_refused_beside_the_reason(world, db, login, client, mediating):
    login("mediator")
    response = client.post(
        f"/workbench/case/{mediating.number}/terminate",
        data={
            "terminate-version": mediating.version,
            "terminate-reason": "failed",
            "terminate-note": "双方分歧过大",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(r'id="terminate-reason-error">(.*?)</p>', html, re.S)
    assert error and "only when joint mediation has failed too" in error.group(1)
    assert "双方分歧过大" in html
    assert fresh(db, mediating).state == CaseState.MEDIATING
