"""The consent and rights-notice panel on the case page and its two routes on the cases
blueprint (/cases/<number>/consent, /notice): desk before dispatch, mediators afterwards."""

import pytest

from models import Party
from models.enums import ClosureReason, ConsentStatus, NoticeAck
from models.states import CaseState
from tests.conftest import hx
from tests.factories import assert_done as done
from tests.factories import events, fresh, open_panel, opener_href

PANEL = "consent"


def consent_data(case, party, **kw):
    data = {
        "consent-version": case.version,
        "consent-party": party.id,
        "consent-status": "agreed",
        "consent-method": "phone",
        "consent-note": "电话联系，本人同意",
    }
    data.update(kw)
    return data


def notice_data(case, party, **kw):
    data = {"notice-version": case.version, "notice-party": party.id, "notice-how": "written"}
    data.update(kw)
    return data


def opener(case, key):
    return opener_href(case, PANEL, key)


def assert_done(client, response, case, htmx, message):
    return done(client, response, case, htmx, PANEL, message)


@pytest.fixture
def pending(world, db):
    """In mediation, nobody asked yet."""
    case = world.case(CaseState.MEDIATING, consented=False)
    db.session.commit()
    return case


def test_panel_lists_parties_for_desk_before_dispatch(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="panel-consent"' in html
    assert "Not asked yet" in html and "Not yet acknowledged" in html
    for party in case.parties:  # one form of each kind per party, opened from the page
        assert opener(case, f"consent-{party.id}") in html
        assert opener(case, f"notice-{party.id}") in html
    for party in case.parties:
        html = open_panel(client, case, PANEL, f"consent-{party.id}").get_data(as_text=True)
        assert f'id="consent-{party.id}-status-1"' in html
        assert f'action="/cases/{case.number}/consent"' in html
        if party.role.value in ("applicant", "respondent"):
            assert "the case closes as refused" in html  # the warning beside "refuses"
        html = open_panel(client, case, PANEL, f"notice-{party.id}").get_data(as_text=True)
        assert f'id="notice-{party.id}-how-0"' in html
        assert f'action="/cases/{case.number}/notice"' in html


@pytest.mark.parametrize(
    "state", [CaseState.REGISTERED, CaseState.SUSPENDED, CaseState.AGREED, CaseState.REFUSED]
)
def test_no_panel_outside_consent_states(world, db, login, client, state):
    case = world.case(state)
    db.session.commit()
    login("clerk")
    assert 'id="panel-consent"' not in client.get(f"/cases/{case.number}").get_data(as_text=True)


def test_no_panel_for_admin(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("admin")
    assert 'id="panel-consent"' not in client.get(f"/cases/{case.number}").get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_clerk_records_consent_before_dispatch(world, db, login, client, htmx):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    party = case.applicants[0]
    login("clerk")
    response = client.post(
        f"/cases/{case.number}/consent",
        headers=hx("panel-consent") if htmx else {},
        data=consent_data(case, party),
    )
    html = assert_done(client, response, case, htmx, "Answer recorded.")
    assert "Agrees to mediation" in html
    case = fresh(db, case)
    party = db.session.get(Party, party.id)
    assert party.consent == ConsentStatus.AGREED and party.consent_at is not None
    assert case.state == CaseState.ACCEPTED
    (event,) = events(db, case, "record_consent")
    assert event.actor_id == world.clerk.id and event.public is False
    assert event.note == "电话联系，本人同意"


@pytest.mark.parametrize("htmx", [False, True])
def test_mediator_acknowledges_notice(pending, world, db, login, client, htmx):
    party = pending.respondents[0]
    login("mediator")
    response = client.post(
        f"/cases/{pending.number}/notice",
        headers=hx("panel-consent") if htmx else {},
        data=notice_data(pending, party, **{"notice-how": "electronic"}),
    )
    html = assert_done(client, response, pending, htmx, "Notice acknowledgement recorded.")
    assert "Acknowledged electronically" in html
    db.session.expire_all()
    party = db.session.get(Party, party.id)
    assert party.notice_ack == NoticeAck.ELECTRONIC and party.notice_ack_at is not None
    (event,) = events(db, pending, "ack_notice")
    assert event.actor_id == world.mediator.id and event.public is False


def test_refusal_closes_the_case(pending, world, db, login, client):
    login("mediator")
    response = client.post(
        f"/cases/{pending.number}/consent",
        data=consent_data(pending, pending.respondents[0], **{"consent-status": "refused"}),
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Refused by a party" in html  # the new state, in the page header
    assert "the case is closed as refused" in html
    assert 'id="panel-consent"' not in html
    case = fresh(db, pending)
    assert case.state == CaseState.REFUSED
    assert case.closure_reason == ClosureReason.PARTY_REFUSED
    (event,) = events(db, case, "refuse")
    assert event.public is True and event.actor_id == world.mediator.id


@pytest.mark.parametrize("htmx", [False, True])
def test_missing_answer_is_a_field_error(pending, db, login, client, htmx, templates):
    party = pending.applicants[0]
    login("mediator")
    response = client.post(
        f"/cases/{pending.number}/consent",
        headers=hx("panel-consent") if htmx else {},
        data=consent_data(pending, party, **{"consent-status": "", "consent-method": "phone"}),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert "Choose the party&#39;s answer." in html
    assert f'id="consent-{party.id}-status-error"' in html
    assert "电话联系，本人同意" in html  # the note is kept
    assert f'id="panel-consent-consent-{party.id}" data-panel-open' in html
    assert templates[-1 if htmx else 0] == (
        "workbench/partials/consent_panel.html" if htmx else "cases/panel.html"
    )
    assert db.session.get(Party, party.id).consent == ConsentStatus.PENDING


@pytest.mark.parametrize("bad", ["", "abc", "999999", "other"])
def test_party_must_belong_to_the_case(world, pending, db, login, client, bad):
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    party_id = other.parties[0].id if bad == "other" else bad
    login("mediator")
    for url, data in (
        ("consent", consent_data(pending, pending.parties[0])),
        ("notice", notice_data(pending, pending.parties[0])),
    ):
        data[f"{url}-party"] = party_id
        response = client.post(
            f"/cases/{pending.number}/{url}", headers=hx("panel-consent"), data=data
        )
        # No such form is offered: the whole page, with the message at the top.
        assert response.status_code == 200, url
        assert response.headers["HX-Retarget"] == "#main", url
        html = response.get_data(as_text=True)
        flashes = html[html.index('id="flashes"') : html.index('id="panel-')]
        # A number that is no party of this case is named; "abc" is not a number at all.
        message = "Choose a party of this case." if bad != "abc" else "Not a valid integer"
        assert f'<p class="flash flash-error">{message}' in flashes, url
        if url == "consent":  # the note typed is shown back, not lost
            unsaved = html[html.index('id="unsaved"') :]
            assert "电话联系，本人同意" in unsaved[: unsaved.index("</section>")]
    assert events(db, pending, "record_consent") == events(db, pending, "ack_notice") == []
    db.session.expire_all()
    assert db.session.get(Party, other.parties[0].id).notice_ack == NoticeAck.ORAL  # untouched


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consent-status", "pending"),
        ("consent-method", "pigeon"),
        ("consent-version", "x"),
        ("consent-note", "长" * 2001),
    ],
)
def test_bad_consent_values(pending, db, login, client, field, value):
    login("mediator")
    data = consent_data(pending, pending.applicants[0], **{field: value})
    response = client.post(f"/cases/{pending.number}/consent", data=data)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert events(db, pending, "record_consent") == []


def test_notice_needs_how(pending, db, login, client):
    login("mediator")
    data = notice_data(pending, pending.applicants[0], **{"notice-how": "none"})
    response = client.post(f"/cases/{pending.number}/notice", data=data)
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_stale_version(pending, db, login, client, htmx):
    login("mediator")
    data = consent_data(pending, pending.applicants[0], **{"consent-version": pending.version - 1})
    response = client.post(
        f"/cases/{pending.number}/consent", headers=hx("panel-consent") if htmx else {}, data=data
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Someone else changed this case" in html and "<html" in html
    assert f'name="consent-version" type="hidden" value="{pending.version}"' in html
    assert events(db, pending, "record_consent") == []


def test_closed_case_is_refused_politely(world, db, login, client):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    login("mediator")
    response = client.post(
        f"/cases/{case.number}/consent", data=consent_data(case, case.applicants[0])
    )
    assert response.status_code == 200
    assert "<html" in response.get_data(as_text=True)
    assert "not possible in the case&#39;s current state" in response.get_data(as_text=True)


# ---- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["consent", "notice"])
def test_anonymous_goes_to_login(pending, client, url):
    response = client.post(f"/cases/{pending.number}/{url}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("url", ["consent", "notice"])
def test_admin_is_forbidden(pending, login, client, url):
    login("admin")
    assert client.post(f"/cases/{pending.number}/{url}").status_code == 403


@pytest.mark.parametrize("who", ["mediator", "director", "clerk2", "mediator_b"])
def test_out_of_scope_is_404(world, db, login, client, who):
    far = world.case(CaseState.MEDIATING, village=world.village3, consented=False)
    db.session.commit()
    login(who)
    response = client.post(
        f"/cases/{far.number}/consent", data=consent_data(far, far.applicants[0])
    )
    if who == "clerk2":  # 松滋's desk sees it, but the committee holds it now
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_director_may_record_but_not_the_desk_or_leaders(pending, world, db, login, client):
    for who in ("leader", "clerk"):
        login(who)
        case = fresh(db, pending)
        response = client.post(
            f"/cases/{case.number}/notice", data=notice_data(case, case.applicants[0])
        )
        assert response.status_code == 403, who
    login("director")
    case = fresh(db, pending)
    response = client.post(
        f"/cases/{case.number}/notice", data=notice_data(case, case.applicants[0])
    )
    assert response.status_code == 303
    assert {e.actor_id for e in events(db, pending, "ack_notice")} == {world.director.id}
