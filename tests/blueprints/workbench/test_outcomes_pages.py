"""After agreement on the case page: the agreement form, signatures and effect, performance and
going back on it, follow-up visits, judicial confirmation; each action plain and htmx, with
bad input, stale versions, roles and scope. And the queue's "Follow-up visits due"."""

import re
from datetime import timedelta

import pytest

from domain import agreements
from domain.clocks import local_today
from models import Agreement, FollowUp, JudicialConfirmation
from models.enums import Performance, Ruling
from models.states import CaseState
from tests.conftest import hx
from tests.factories import events, fresh, hold_session, open_panel

TODAY = local_today


def post(client, url, data, htmx=False, target=None):
    return client.post(url, data=data, headers=hx(target) if htmx else {})


def page(client, case) -> str:
    return client.get(f"/cases/{case.number}").get_data(as_text=True)


def opener(case, panel, key) -> str:
    """The link on the case page that opens the form `key` of `panel`."""
    return f'href="/cases/{case.number}/panels/{panel}?open={key}"'


def open_form(client, case, panel, key) -> str:
    """The panel with the form `key` open, after checking the case page offers it."""
    assert opener(case, panel, key) in page(client, case)
    response = open_panel(client, case, panel, key)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="panel-{panel}-{key}" data-panel-open' in html
    return html


def assert_done(response, case, panel, htmx, message):
    """Done: plain, a 303 to the panel on the case page; htmx, the whole current page swapped
    into <main> with the success message."""
    if htmx:
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["HX-Retarget"] == "#main"
        assert response.headers["HX-Reselect"] == "#main"
        assert response.headers["HX-Reswap"].startswith("outerHTML show:")
        html = response.get_data(as_text=True)
        assert "<html" in html and message in html
    else:
        assert response.status_code == 303, response.get_data(as_text=True)
        assert response.headers["Location"].endswith(f"/cases/{case.number}#panel-{panel}")


def sign_all(case, who, skip=0):
    for row in agreements.signers(case)[skip:]:
        agreements.sign_agreement(
            case, who, version=None, signer=row.kind, party=row.party, signed_on=TODAY()
        )


@pytest.fixture
def mediating(world, db):
    """In mediation and ready for an agreement: consent, notice, declaration and a session."""
    case = world.case(CaseState.MEDIATING)
    hold_session(case, world.mediator)
    db.session.commit()
    return case


@pytest.fixture
def agreed(world, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    return case


@pytest.fixture
def effective(world, db):
    case = world.case(CaseState.AGREED)
    sign_all(case, world.mediator)
    db.session.commit()
    return case


def agreement_data(case, **kw):
    data = {
        "agreement-version": case.version,
        "agreement-kind": "written",
        "agreement-facts": "排水沟堵塞致申请人农田受淹",
        "agreement-issues": "排水沟由谁疏通，损失是否赔偿",
        "agreement-responsibilities": "被申请人负主要责任",
        "agreement-terms": "1. 被申请人于十日内疏通排水沟\n2、赔偿申请人300元\n\n",
        "agreement-agreed_on": TODAY().isoformat(),
        "agreement-performance_manner": "现金支付",
        "agreement-performance_place": "村委会",
        "agreement-performance_deadline": (TODAY() + timedelta(days=10)).isoformat(),
    }
    data.update(kw)
    return data


# ---- the agreement form ---------------------------------------------------------------------


def test_outcome_panel_has_no_failure_form(mediating, login, client):
    login("mediator")
    html = page(client, mediating)
    assert 'id="panel-outcome"' in html
    assert "failure-reason" not in html
    html = open_form(client, mediating, "outcome", "agreement")
    assert "failure-reason" not in html
    assert "one for each party and one kept by the committee" in html  # copies: 2 + 1
    assert 'name="agreement-facts"' in html and 'name="agreement-responsibilities"' in html


@pytest.mark.parametrize("htmx", [False, True])
def test_record_agreement(mediating, world, login, client, db, htmx):
    login("mediator")
    response = post(
        client,
        f"/workbench/case/{mediating.number}/agreement",
        agreement_data(mediating),
        htmx,
        "panel-outcome",
    )
    assert_done(response, mediating, "outcome", htmx, "Agreement recorded. The case is closed.")
    case = fresh(db, mediating)
    assert case.state == CaseState.AGREED and case.closed_at is not None
    agreement = db.session.query(Agreement).filter_by(case_id=case.id).one()
    assert agreement.terms == ["被申请人于十日内疏通排水沟", "赔偿申请人300元"]
    assert agreement.facts == "排水沟堵塞致申请人农田受淹"
    assert agreement.responsibilities == "被申请人负主要责任"
    assert agreement.performance_place == "村委会"
    assert agreement.effective_on is None  # written: not before every signature
    [event] = events(db, case, "record_agreement")
    assert event.public is True and event.actor_id == world.mediator.id


@pytest.mark.parametrize("htmx", [False, True])
def test_written_agreement_needs_performance_manner(mediating, login, client, db, htmx):
    login("mediator")
    response = post(
        client,
        f"/workbench/case/{mediating.number}/agreement",
        agreement_data(mediating, **{"agreement-performance_manner": ""}),
        htmx,
        "panel-outcome",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert 'id="agreement-performance_manner-error"' in html
    assert "被申请人于十日内疏通排水沟" in html  # input kept
    assert fresh(db, mediating).state == CaseState.MEDIATING


def test_oral_agreement_is_effective_at_once(mediating, login, client, db):
    login("mediator")
    response = post(
        client,
        f"/workbench/case/{mediating.number}/agreement",
        agreement_data(
            mediating,
            **{
                "agreement-kind": "oral",
                "agreement-issues": "",
                "agreement-performance_deadline": "",
            },
        ),
    )
    assert response.status_code == 303
    html = client.get(f"/cases/{mediating.number}").get_data(as_text=True)
    assert "In effect" in html and "An oral agreement is not signed" in html
    assert 'id="panel-performance"' in html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"agreement-terms": ""}, "terms"),
        ({"agreement-terms": "1.\n2、 \n"}, "terms"),
        ({"agreement-performance_deadline": "2020-01-01"}, "performance_deadline"),
        ({"agreement-agreed_on": "not a date"}, "agreed_on"),
        ({"agreement-agreed_on": (TODAY() + timedelta(days=3)).isoformat()}, "agreed_on"),
        ({"agreement-kind": "telepathic"}, "kind"),
    ],
)
def test_agreement_bad_input(mediating, login, client, db, changes, field):
    login("mediator")
    response = post(
        client,
        f"/workbench/case/{mediating.number}/agreement",
        agreement_data(mediating, **changes),
    )
    assert response.status_code == 200
    assert f'id="agreement-{field}-error"' in response.get_data(as_text=True)
    assert fresh(db, mediating).state == CaseState.MEDIATING


def test_agreement_stale_version(mediating, login, client, db):
    login("mediator")
    response = post(
        client,
        f"/workbench/case/{mediating.number}/agreement",
        agreement_data(mediating, **{"agreement-version": mediating.version - 1}),
        True,
        "panel-outcome",
    )
    assert response.status_code == 200
    assert "Someone else changed this case" in response.get_data(as_text=True)
    assert fresh(db, mediating).state == CaseState.MEDIATING


# ---- signatures -----------------------------------------------------------------------------


def sign_data(case, signer, **kw):
    return {
        "sign-version": case.version,
        "sign-signer": signer,
        "sign-signed_on": TODAY().isoformat(),
        **kw,
    }


@pytest.mark.parametrize("htmx", [False, True])
def test_sign_until_effective(agreed, world, login, client, db, htmx):
    login("mediator")
    url = f"/workbench/case/{agreed.number}/agreement/sign"
    html = client.get(f"/cases/{agreed.number}").get_data(as_text=True)
    assert 'id="panel-agreement"' in html and "Not yet signed" in html
    assert "Copies: 3" in html
    assert 'name="sign-signer"' in open_form(client, agreed, "agreement", "sign")
    keys = [r.key for r in agreements.signers(agreed)]
    for key in keys:
        response = post(client, url, sign_data(fresh(db, agreed), key), htmx, "panel-agreement")
        assert_done(response, agreed, "agreement", htmx, "Signature recorded.")
    case = fresh(db, agreed)
    assert case.agreement.effective_on == TODAY()
    assert len(case.agreement.signatures) == 4
    last = events(db, case, "sign_agreement")[-1]
    assert last.public is True and last.data["effective_on"] == TODAY().isoformat()
    html = page(client, agreed)
    assert "In effect" in html and opener(agreed, "agreement", "sign") not in html  # frozen
    html = open_panel(client, agreed, "agreement", "sign").get_data(as_text=True)
    assert 'id="panel-agreement"' in html and 'name="sign-signer"' not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_sign_bad_input(agreed, login, client, db, htmx):
    login("mediator")
    url = f"/workbench/case/{agreed.number}/agreement/sign"
    for data, field in [
        (sign_data(agreed, ""), "signer"),
        (sign_data(agreed, "party:999999"), "signer"),
        (sign_data(agreed, "seal", **{"sign-signed_on": "x"}), "signed_on"),
        (sign_data(agreed, "seal", **{"sign-signed_on": "2001-01-01"}), "signed_on"),
    ]:
        response = post(client, url, data, htmx, "panel-agreement")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert ("<html" in html) is not htmx
        assert f'id="sign-{field}-error"' in html
    assert fresh(db, agreed).agreement.signatures == []


def test_sign_stale_version(agreed, login, client, db):
    login("mediator")
    response = post(
        client,
        f"/workbench/case/{agreed.number}/agreement/sign",
        sign_data(agreed, "seal", **{"sign-version": agreed.version - 1}),
    )
    assert response.status_code == 200
    assert "Someone else changed this case" in response.get_data(as_text=True)
    assert fresh(db, agreed).agreement.signatures == []


# ---- performance and going back on it -------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_record_performance(effective, login, client, db, htmx):
    login("mediator")
    html = page(client, effective)
    assert 'id="panel-performance"' in html
    html = open_form(client, effective, "performance", "term1")
    assert "Term 1" in html and 'name="term1-status"' in html
    response = post(
        client,
        f"/workbench/case/{effective.number}/agreement/terms/1",
        {"term1-version": effective.version, "term1-status": "performed", "term1-note": "已疏通"},
        htmx,
        "panel-performance",
    )
    assert_done(response, effective, "performance", htmx, "Performance recorded.")
    case = fresh(db, effective)
    assert case.agreement.performance_status == Performance.PERFORMED
    assert events(db, case, "record_performance")[0].public is False


@pytest.mark.parametrize("htmx", [False, True])
def test_disputed_needs_note_then_offers_both_routes(effective, login, client, db, htmx):
    login("mediator")
    url = f"/workbench/case/{effective.number}/agreement/terms/1"
    response = post(
        client,
        url,
        {"term1-version": effective.version, "term1-status": "disputed"},
        htmx,
        "panel-performance",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx and 'id="term1-note-error"' in html
    assert (
        post(client, url, {"term1-version": effective.version, "term1-status": "bogus"}).status_code
        == 200
    )
    assert (
        post(
            client,
            f"/workbench/case/{effective.number}/agreement/terms/7",
            {"term7-version": effective.version, "term7-status": "performed"},
        ).status_code
        == 200
    )  # no such term: shown, not a 500
    response = post(
        client,
        url,
        {
            "term1-version": effective.version,
            "term1-status": "disputed",
            "term1-note": "被申请人反悔",
        },
    )
    assert_done(response, effective, "performance", False, "Performance recorded.")
    html = page(client, effective)
    assert "A party goes back on the agreement" in html
    assert 'name="court-note"' in open_form(client, effective, "performance", "court")
    html = open_form(client, effective, "performance", "reopen")
    assert 'name="reopen-both_parties_consent"' in html


def _dispute(case, world, db):
    agreements.record_performance(
        db.session.merge(case),
        world.mediator,
        version=None,
        term=1,
        status=Performance.DISPUTED,
        note="反悔",
    )
    db.session.commit()


def test_advise_court(effective, world, login, client, db):
    _dispute(effective, world, db)
    login("mediator")
    case = fresh(db, effective)
    url = f"/workbench/case/{case.number}/agreement/court"
    response = post(
        client, url, {"court-version": case.version, "court-note": " "}, True, "panel-performance"
    )
    assert response.status_code == 200 and 'id="court-note-error"' in response.get_data(
        as_text=True
    )
    response = post(client, url, {"court-version": case.version, "court-note": "告知可起诉"})
    assert response.status_code == 303
    case = fresh(db, effective)
    assert case.state == CaseState.AGREED
    assert events(db, case, "record_performance")[-1].data["advice"] == "court"


@pytest.mark.parametrize("htmx", [False, True])
def test_reopen(effective, world, login, client, db, htmx):
    _dispute(effective, world, db)
    login("mediator")
    case = fresh(db, effective)
    url = f"/workbench/case/{case.number}/agreement/reopen"
    response = post(
        client,
        url,
        {"reopen-version": case.version, "reopen-note": "显失公平"},
        htmx,
        "panel-performance",
    )
    assert response.status_code == 200
    assert 'id="reopen-both_parties_consent-error"' in response.get_data(as_text=True)
    response = post(
        client,
        url,
        {
            "reopen-version": case.version,
            "reopen-note": "显失公平",
            "reopen-both_parties_consent": "y",
        },
        htmx,
        "panel-performance",
    )
    done = "Mediation reopened. Record a new outcome when it ends."
    assert_done(response, effective, "performance", htmx, done)
    case = fresh(db, effective)
    assert case.state == CaseState.MEDIATING and case.agreement is None
    [event] = events(db, case, "reopen")
    assert event.data["agreement"]["performance"] == ["disputed"]
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-outcome"' in html  # a new agreement can be recorded


# ---- follow-up visits -----------------------------------------------------------------------


def visit_data(case, visit, **kw):
    return {
        "visit-version": case.version,
        "visit-visit": visit.id,
        "visit-visited_on": TODAY().isoformat(),
        "visit-performance": "performed",
        "visit-satisfaction": "satisfied",
        "visit-remaining_risk": "无",
        "visit-measures": "",
        "visit-notes": "双方满意",
        **kw,
    }


@pytest.mark.parametrize("htmx", [False, True])
def test_record_follow_up(agreed, world, login, client, db, htmx):
    login("mediator_b")  # another mediator of the handling committee may visit
    visit = agreed.follow_ups[0]
    # mediator_b is not on the case, so it is out of their scope: 404.
    assert (
        post(
            client, f"/workbench/case/{agreed.number}/follow-up", visit_data(agreed, visit)
        ).status_code
        == 404
    )
    login("mediator")
    html = page(client, agreed)
    assert 'id="panel-follow_up"' in html and "Not yet made" in html
    html = open_form(client, agreed, "follow_up", "visit")
    assert f'name="visit-visit" type="hidden" value="{visit.id}"' in html
    response = post(
        client,
        f"/workbench/case/{agreed.number}/follow-up",
        visit_data(agreed, visit),
        htmx,
        "panel-follow_up",
    )
    assert_done(response, agreed, "follow_up", htmx, "Follow-up visit recorded.")
    db.session.expire_all()
    visit = db.session.get(FollowUp, visit.id)
    assert visit.done_at is not None and visit.satisfaction.value == "satisfied"
    [event] = events(db, agreed, "record_follow_up")
    assert event.public is False and event.actor_id == world.mediator.id
    html = page(client, agreed)
    assert "Visited on" in html and opener(agreed, "follow_up", "visit") not in html
    html = open_panel(client, agreed, "follow_up", "visit").get_data(as_text=True)
    assert 'id="panel-follow_up"' in html and 'name="visit-visited_on"' not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_follow_up_bad_input(agreed, login, client, db, htmx):
    login("mediator")
    visit = agreed.follow_ups[0]
    url = f"/workbench/case/{agreed.number}/follow-up"
    for changes, field in [
        ({"visit-visited_on": "x"}, "visited_on"),
        ({"visit-visited_on": (TODAY() + timedelta(days=2)).isoformat()}, "visited_on"),
        ({"visit-satisfaction": ""}, "satisfaction"),
        ({"visit-performance": "bogus"}, "performance"),
    ]:
        response = post(client, url, visit_data(agreed, visit, **changes), htmx, "panel-follow_up")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert ("<html" in html) is not htmx and f'id="visit-{field}-error"' in html
        assert "双方满意" in html  # input kept
    db.session.expire_all()
    assert db.session.get(FollowUp, visit.id).done_at is None


def test_follow_up_of_another_case_is_404(agreed, world, login, client, db):
    other = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    response = post(
        client,
        f"/workbench/case/{agreed.number}/follow-up",
        visit_data(agreed, other.follow_ups[0]),
    )
    assert response.status_code == 404
    response = post(
        client,
        f"/workbench/case/{agreed.number}/follow-up",
        visit_data(agreed, agreed.follow_ups[0], **{"visit-visit": 99999}),
    )
    assert response.status_code == 404


def test_follow_up_stale(agreed, login, client, db):
    login("mediator")
    response = post(
        client,
        f"/workbench/case/{agreed.number}/follow-up",
        visit_data(agreed, agreed.follow_ups[0], **{"visit-version": agreed.version - 1}),
    )
    assert response.status_code == 200
    assert "Someone else changed this case" in response.get_data(as_text=True)


# ---- judicial confirmation ------------------------------------------------------------------


def confirm_data(case, **kw):
    return {
        "confirm-version": case.version,
        "confirm-court": "公安县人民法院",
        "confirm-applied_on": TODAY().isoformat(),
        "confirm-all_parties_join": "y",
        **kw,
    }


def test_confirmation_window_shown_only_when_effective(agreed, world, login, client, db):
    login("mediator")
    assert 'id="panel-confirmation"' not in client.get(f"/cases/{agreed.number}").get_data(
        as_text=True
    )
    sign_all(db.session.merge(agreed), world.mediator)
    db.session.commit()
    html = client.get(f"/cases/{agreed.number}").get_data(as_text=True)
    assert 'id="panel-confirmation"' in html and "30 days left" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_apply_and_rule(effective, login, client, db, htmx):
    login("mediator")
    url = f"/workbench/case/{effective.number}/confirmation"
    assert 'name="confirm-court"' in open_form(client, effective, "confirmation", "confirm")
    response = post(client, url, confirm_data(effective), htmx, "panel-confirmation")
    done = "Application for judicial confirmation recorded."
    assert_done(response, effective, "confirmation", htmx, done)
    case = fresh(db, effective)
    [application] = case.confirmations
    assert application.ruling == Ruling.PENDING and application.all_parties_joined
    assert events(db, case, "apply_confirmation")[0].public is True
    assert opener(case, "confirmation", "confirm") not in page(client, case)
    html = open_panel(client, case, "confirmation", "confirm").get_data(as_text=True)
    assert 'id="panel-confirmation"' in html and 'name="confirm-court"' not in html
    assert 'name="ruling-ruling_number"' in open_form(client, case, "confirmation", "ruling")
    ruling = {
        "ruling-version": case.version,
        "ruling-application": application.id,
        "ruling-ruling": "confirmed",
        "ruling-ruling_number": "(2025)鄂1022民特12号",
        "ruling-ruled_on": TODAY().isoformat(),
    }
    response = post(
        client, f"{url}/ruling", {**ruling, "ruling-ruling_number": ""}, htmx, "panel-confirmation"
    )
    assert response.status_code == 200
    assert 'id="ruling-ruling_number-error"' in response.get_data(as_text=True)
    response = post(client, f"{url}/ruling", ruling, htmx, "panel-confirmation")
    assert_done(response, case, "confirmation", htmx, "Court ruling recorded.")
    db.session.expire_all()
    application = db.session.get(JudicialConfirmation, application.id)
    assert application.ruling == Ruling.CONFIRMED
    [event] = events(db, case, "record_ruling")
    assert event.public is True


@pytest.mark.parametrize("htmx", [False, True])
def test_confirmation_bad_input(effective, login, client, db, htmx):
    login("mediator")
    url = f"/workbench/case/{effective.number}/confirmation"
    for changes, field in [
        ({"confirm-all_parties_join": ""}, "all_parties_join"),
        ({"confirm-court": " "}, "court"),
        ({"confirm-applied_on": "x"}, "applied_on"),
        ({"confirm-applied_on": (TODAY() + timedelta(days=40)).isoformat()}, "applied_on"),
    ]:
        response = post(client, url, confirm_data(effective, **changes), htmx, "panel-confirmation")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert ("<html" in html) is not htmx and f'id="confirm-{field}-error"' in html
    assert fresh(db, effective).confirmations == []


def test_confirmation_after_window_refused(effective, login, client, db):
    case = db.session.merge(effective)
    case.agreement.agreed_on = case.agreement.effective_on = TODAY() - timedelta(days=45)
    db.session.commit()
    login("mediator")
    html = client.get(f"/cases/{effective.number}").get_data(as_text=True)
    assert "The window has passed" in html
    response = post(
        client,
        f"/workbench/case/{effective.number}/confirmation",
        confirm_data(fresh(db, effective)),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="confirm-applied_on-error"' in html and "30 days" in html
    assert fresh(db, effective).confirmations == []


# ---- roles and scope ------------------------------------------------------------------------


ROUTES = [
    ("agreement", {}),
    ("agreement/sign", {}),
    ("agreement/terms/1", {}),
    ("agreement/court", {}),
    ("agreement/reopen", {}),
    ("follow-up", {}),
    ("confirmation", {}),
    ("confirmation/ruling", {}),
]


@pytest.mark.parametrize(("path", "data"), ROUTES)
def test_roles_and_scope(effective, login, client, path, data):
    url = f"/workbench/case/{effective.number}/{path}"
    response = client.post(url, data=data)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login("clerk")  # not a workbench role
    assert client.post(url, data=data).status_code == 403
    login("leader")
    assert client.post(url, data=data).status_code == 403
    login("mediator2")  # another committee's mediator: out of scope
    assert client.post(url, data=data).status_code == 404


def test_director_of_committee_may_sign(agreed, world, login, client, db):
    login("director")
    response = post(
        client, f"/workbench/case/{agreed.number}/agreement/sign", sign_data(agreed, "seal")
    )
    assert response.status_code == 303
    assert fresh(db, agreed).agreement.signatures[0].recorded_by_id == world.director.id


# ---- the queue: follow-up visits due --------------------------------------------------------


def visit_rows(html):
    return [int(n) for n in re.findall(r'<tr id="visit-(\d+)-row"', html)]


def test_queue_lists_open_visits_by_due_date(
    world, login, client, db, app, monkeypatch, templates, count_queries
):
    cases = [world.case(CaseState.AGREED) for _ in range(5)]
    for n, case in enumerate(cases):
        case.follow_ups[0].due_on = TODAY() + timedelta(days=(n * 7) % 5 - 2)
    world.case(CaseState.AGREED, village=world.village3)  # mediator2's
    db.session.commit()
    visits = sorted((c.follow_ups[0] for c in cases), key=lambda v: (v.due_on, v.id))
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    login("mediator")
    html = client.get("/workbench/").get_data(as_text=True)
    assert "Follow-up visits due" in html
    assert visit_rows(html) == [v.id for v in visits[:2]]
    assert f'<tr id="visit-{visits[0].id}-row" class="overdue">' in html
    cursor = re.search(r'href="[^"]*vcursor=([^"&]+)"', html).group(1)
    templates.clear()
    response = client.get(f"/workbench/?vcursor={cursor}", headers=hx("visits-more"))
    part = response.get_data(as_text=True)
    assert "<html" not in part and templates == ["workbench/partials/followup_rows.html"]
    assert visit_rows(part) == [v.id for v in visits[2:4]]
    plain = client.get(f"/workbench/?vcursor={cursor}").get_data(as_text=True)
    assert "<html" in plain and visit_rows(plain) == [v.id for v in visits[2:4]]
    # Query count does not grow with the number of rows.
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    with count_queries() as small:
        client.get("/workbench/")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    with count_queries() as big:
        client.get("/workbench/")
    assert len(big) == len(small)


def test_queue_hides_done_visits_and_other_scopes(world, login, client, db):
    case = world.case(CaseState.ARCHIVED)  # its visit is done
    db.session.commit()
    login("mediator")
    html = client.get("/workbench/").get_data(as_text=True)
    assert visit_rows(html) == [] and "No follow-up visits are due." in html
    assert case.number not in html


@pytest.mark.parametrize("value", [str(2**31), str(2**63)])
def test_follow_up_with_a_visit_id_beyond_the_database(agreed, login, client, db, value):
    """The visit's hidden id was looked up before validation: 2**63 overflowed SQLite and
    2**31 is refused by PostgreSQL (500). It is now refused with the form, nothing saved."""
    login("mediator")
    visit = agreed.follow_ups[0]
    response = post(
        client,
        f"/workbench/case/{agreed.number}/follow-up",
        visit_data(agreed, visit, **{"visit-visit": value}),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This number is too large." in html and "双方满意" in html
    db.session.expire_all()
    assert db.session.get(FollowUp, visit.id).done_at is None


@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_hidden_id_of_zero_names_no_row(effective, login, client, db, value):
    """0 (or -1) for the visit or the application was taken for "none given": the domain
    then got None and failed (500). Every id that names no row of the case is a 404."""
    login("mediator")
    url = f"/workbench/case/{effective.number}"
    visit = effective.follow_ups[0]
    response = post(
        client, f"{url}/follow-up", visit_data(effective, visit, **{"visit-visit": value})
    )
    assert response.status_code == 404
    assert post(client, f"{url}/confirmation", confirm_data(effective)).status_code == 303
    case = fresh(db, effective)
    ruling = {
        "ruling-version": case.version,
        "ruling-application": value,
        "ruling-ruling": "confirmed",
        "ruling-ruling_number": "(2025)鄂1022民特12号",
        "ruling-ruled_on": TODAY().isoformat(),
    }
    assert post(client, f"{url}/confirmation/ruling", ruling).status_code == 404
    db.session.expire_all()
    assert db.session.get(FollowUp, visit.id).done_at is None
    assert fresh(db, effective).confirmations[0].ruling == Ruling.PENDING
