"""Case lookup with number + query code, and the public status page."""

import pytest

from models.states import CaseState


def unlock(client, number, code):
    return client.post("/lookup", data={"number": number, "code": code})


def test_lookup_with_right_code_shows_public_status(world, client, db):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    response = unlock(client, case.number, case.query_code_plain)
    assert response.status_code == 303 and response.headers["Location"].endswith("/status")
    page = client.get("/status").get_data(as_text=True)
    assert case.number in page
    assert "<h1>" in page


@pytest.mark.parametrize(
    "transform",
    [
        lambda n, c: (n, c.lower()),
        lambda n, c: (" " + n.replace("-", "") + " ", c[:4] + "-" + c[4:]),
        # full-width digits and letters, as typed on a Chinese phone keyboard
        lambda n, c: (
            n.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789-"}),
            c.translate({ord(x): ord(x) + 0xFEE0 for x in c}),
        ),
        lambda n, c: (n, " ".join(c)),
    ],
)
def test_lookup_normalises_input(world, client, db, transform):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    number, code = transform(case.number, case.query_code_plain)
    assert unlock(client, number, code).status_code == 303


@pytest.mark.parametrize("which", ["code", "number", "format"])
def test_wrong_code_or_number_gets_one_generic_message(world, client, db, which):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    number, code = case.number, case.query_code_plain
    if which == "code":
        code = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    elif which == "number":
        number = number[:-1] + ("9" if number[-1] != "9" else "8")
    else:
        number = "hello"
    response = unlock(client, number, code)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html
    assert number in html or which == "format"
    assert client.get("/status").status_code == 302  # nothing unlocked


def test_status_without_lookup_redirects(client, world):
    response = client.get("/status")
    assert response.status_code == 302 and "/lookup" in response.headers["Location"]


def test_status_shows_only_public_events_and_no_internal_notes(world, client, db):
    case = world.case(CaseState.FAILED)
    db.session.commit()
    unlock(client, case.number, case.query_code_plain)
    page = client.get("/status").get_data(as_text=True)
    assert "双方分歧过大" not in page  # the internal failure reason
    assert "双方陈述事实" not in page  # session notes
    # The assignment is internal; the party is told their mediator's name once (issue 17).
    assert page.count(world.mediator.name) == 1 and "Your mediator" in page
    assert world.village_committee.name in page  # dispatch is public


def test_not_accepted_status_shows_redirect_advice(world, client, db):
    case = world.case(CaseState.NOT_ACCEPTED)
    db.session.commit()
    unlock(client, case.number, case.query_code_plain)
    page = client.get("/status").get_data(as_text=True)
    assert "请向公安县人民法院起诉" in page
    assert "不属于调解范围" not in page  # the internal reason stays internal


def test_status_follows_state_changes(world, client, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    unlock(client, case.number, case.query_code_plain)
    in_mediation = client.get("/status").get_data(as_text=True)
    from domain.closing import terminate
    from models.enums import ClosureReason

    # A first failed attempt keeps mediating; ending mediation changes what the citizen sees.
    terminate(
        db.session.merge(case),
        world.mediator,
        version=None,
        reason=ClosureReason.PARTY_WITHDREW,
        note="x",
    )
    db.session.commit()
    ended = client.get("/status").get_data(as_text=True)
    assert in_mediation != ended


def test_leave_forgets_case(world, client, db):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    unlock(client, case.number, case.query_code_plain)
    assert client.post("/status/leave").status_code == 303
    assert client.get("/status").status_code == 302


def test_lookup_is_rate_limited(world, app, client, db):
    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    from extensions import limiter

    app.config["JIEFEN_LIMIT_LOOKUP"] = "10 per minute"
    limiter.reset()
    try:
        statuses = [unlock(client, case.number, "WRONGWRN").status_code for _ in range(12)]
        assert statuses[:10] == [200] * 10
        assert statuses[10] == 429
        # even the right code is refused while limited
        assert unlock(client, case.number, case.query_code_plain).status_code == 429
    finally:
        app.config["JIEFEN_LIMIT_LOOKUP"] = "100000 per minute"
        limiter.reset()


def test_agreement_terms_shown_to_the_citizen(world, client, db):
    case = world.case(CaseState.AGREED)
    db.session.commit()
    unlock(client, case.number, case.query_code_plain)
    page = client.get("/status").get_data(as_text=True)
    assert "被申请人于十日内疏通排水沟" in page


def test_ended_case_tells_the_other_channels(world, client, db):
    case = world.case(CaseState.TERMINATED)
    db.session.commit()
    unlock(client, case.number, case.query_code_plain)
    page = client.get("/status").get_data(as_text=True)
    assert "A party withdrew" in page and "lawsuit" in page
    assert "申请人撤回申请" not in page  # the mediator's note stays internal


def test_lookup_prefills_the_number_from_the_qr_link(client, world):
    html = client.get("/lookup?number=2026-421022-000123").get_data(as_text=True)
    assert 'value="2026-421022-000123"' in html
    html = client.get("/lookup?number=<script>").get_data(as_text=True)
    assert "<script>" not in html


def test_an_unknown_number_costs_one_hash_check_of_the_same_work_factor(
    world, client, app, db, monkeypatch
):
    """The lookup's time must not tell which case numbers exist: a wrong number costs one
    check against a hash of the same method and iteration count as a real code (it once used
    a one-iteration dummy: 0.003 ms against 45 ms)."""
    import werkzeug.security

    from blueprints.public import views
    from domain.codes import dummy_query_code_hash

    case = world.case(CaseState.REGISTERED)
    db.session.commit()
    monkeypatch.setitem(app.config, "QUERY_CODE_HASH_METHOD", "pbkdf2:sha256:200000")
    assert dummy_query_code_hash().startswith("pbkdf2:sha256:200000$")
    checked = []
    real = views.check_query_code
    monkeypatch.setattr(
        views,
        "check_query_code",
        lambda stored, typed: checked.append(stored) or real(stored, typed),
    )
    assert unlock(client, "2026-421022-999999", "ABCDEFGH").status_code == 200
    assert unlock(client, case.number, "ABCDEFGH").status_code == 200
    assert len(checked) == 2
    method = [h.split("$")[0] for h in checked]
    assert method[0] == "pbkdf2:sha256:200000"
    # The real case's hash was made with the test's cheap method; the dummy follows the setting.
    assert method[1] == case.query_code_hash.split("$")[0]
    assert werkzeug.security.check_password_hash(checked[0], "ABCDEFGH") is False
