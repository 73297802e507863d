"""The prevention pages with the Flask client: the compliance board and the level above, filing
a round, a finding as a case and on the watch list, the warning board and a response, scope
(404 outside it), hostile input (never a 500), the settings page, an empty database."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from domain import risk
from domain import screening_rounds as sr
from domain.calendar import local_today
from models import Case, User
from models.enums import RiskLevel, Role
from models.prevention import RiskWarning, RoundKind, ScreeningRound, WatchItem
from models.risk import RiskFlag
from models.states import CaseState
from tests.factories import PASSWORD


def _township_leader(world, db):
    leader = User(
        username="leader-buhe", name="镇领导", role=Role.LEADER, organisation=world.township_centre
    )
    leader.set_password(PASSWORD)
    db.session.add(leader)
    db.session.commit()
    return leader


def test_the_township_leader_sees_the_late_village(world, db, login):
    _township_leader(world, db)
    client = login("leader-buhe")
    page = client.get("/prevention/rounds")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Nothing was filed: the village committee is late and flagged to the township.
    flagged = html.split('id="flagged"')[1].split("</section>")[0]
    assert world.village_committee.name in flagged
    assert world.county2_centre.name not in html
    # The county leader sees the township flagged (its monthly rounds), not the village.
    county = login("leader").get("/prevention/rounds").get_data(as_text=True)
    flagged = county.split('id="flagged"')[1].split("</section>")[0]
    assert world.township_centre.name in flagged and world.village_committee.name not in flagged


def test_filing_a_round_and_its_findings(world, db, login):
    client = login("director")
    form = client.get("/prevention/rounds/new")
    assert form.status_code == 200
    today = local_today()
    start, _end = sr.period_of(sr.Cadence.WEEKLY, today)
    token = _csrf(form)
    # Hostile and incomplete input: errors beside the fields, no 500, what was typed kept.
    for data in (
        {"period": "not-a-date", "kind": "regular", "held_on": today.isoformat()},
        {"period": start.isoformat(), "kind": "bogus", "held_on": "9999-99-99"},
        {"period": (start + timedelta(days=1)).isoformat(), "kind": "regular"},
        {
            "period": start.isoformat(),
            "kind": "regular",
            "held_on": today.isoformat(),
            "summary": "\x00" * 3,
        },
    ):
        response = client.post("/prevention/rounds/new", data={"csrf_token": token, **data})
        assert response.status_code == 200, response.status_code
    response = client.post(
        "/prevention/rounds/new",
        data={
            "csrf_token": token,
            "period": start.isoformat(),
            "kind": RoundKind.REGULAR.value,
            "held_on": today.isoformat(),
            "summary": "走访三个组",
        },
    )
    assert response.status_code == 303
    round_ = db.session.scalar(sa.select(ScreeningRound))
    page = client.get(response.headers["Location"])
    token = _csrf(page)
    response = client.post(
        f"/prevention/rounds/{round_.id}/case",
        data={
            "csrf_token": token,
            "dispute_type": "LL",
            "summary": "两户因排水沟发生争执",
            "respondent": "李小河",
            "risk_level": "yellow",
        },
    )
    assert response.status_code == 303
    bad = client.post(
        f"/prevention/rounds/{round_.id}/watch",
        data={"csrf_token": token, "description": "", "risk_level": "purple", "flags": ["x"]},
    )
    assert bad.status_code == 422
    response = client.post(
        f"/prevention/rounds/{round_.id}/watch",
        data={
            "csrf_token": token,
            "description": "十余户扬言集体上访",
            "risk_level": "orange",
            "flags": [RiskFlag.MASS_INCIDENT.value],
        },
    )
    assert response.status_code == 303
    item = db.session.scalar(sa.select(WatchItem))
    case = db.session.scalar(sa.select(Case))
    assert case.channel.value == "screening" and item.risk_level == RiskLevel.ORANGE
    page = client.get(f"/prevention/watch/{item.id}").get_data(as_text=True)
    assert "十余户扬言集体上访" in page
    # Another county's mediator: 404 on the round and the item, 403 on filing.
    other = login("mediator2")
    assert other.get(f"/prevention/rounds/{round_.id}").status_code == 404
    assert other.get(f"/prevention/watch/{item.id}").status_code == 404
    assert other.get("/prevention/watch/99999999999999999999").status_code == 404


def test_the_warning_board_and_a_response(world, db, login):
    case = world.case(CaseState.MEDIATING)
    risk.set_risk(
        case,
        world.mediator,
        version=None,
        level=RiskLevel.RED,
        flags=[RiskFlag.MASS_INCIDENT],
        reason="扬言集体上访",
    )
    db.session.commit()
    warning = db.session.scalar(sa.select(RiskWarning))
    warning.raised_at = warning.raised_at - timedelta(hours=3)
    db.session.commit()
    client = login("leader")
    board = client.get("/prevention/warnings").get_data(as_text=True)
    assert case.number in board and "Past its response time" in board and "county" in board
    for query in ("?show=zzz&level=purple&page=-4", "?page=99999999999999999999", "?level=none"):
        assert client.get("/prevention/warnings" + query).status_code == 200
    page = client.get(f"/prevention/warnings/{warning.id}")
    assert page.status_code == 200
    token = _csrf(page)
    bad = client.post(
        f"/prevention/warnings/{warning.id}/respond",
        data={"csrf_token": token, "version": "x", "kind": "nope", "note": ""},
    )
    assert bad.status_code == 422
    done = client.post(
        f"/prevention/warnings/{warning.id}/respond",
        data={
            "csrf_token": token,
            "version": warning.version,
            "kind": "reported",
            "note": "已报镇党委",
        },
    )
    assert done.status_code == 303
    detail = client.get(f"/prevention/warnings/{warning.id}").get_data(as_text=True)
    assert "已报镇党委" in detail
    # Another county's leader: nothing on the board, 404 on the warning; a mediator: 403.
    other = login("leader2")
    assert case.number not in other.get("/prevention/warnings").get_data(as_text=True)
    assert other.get(f"/prevention/warnings/{warning.id}").status_code == 404
    assert login("mediator").get("/prevention/warnings").status_code == 403


def test_settings_are_for_administrators(world, db, login):
    client = login("admin")
    page = client.get("/prevention/settings")
    assert page.status_code == 200
    token = _csrf(page)
    ok = client.post(
        "/prevention/settings/level/village",
        data={"csrf_token": token, "village-cadence": "half_monthly", "village-grace_days": "1"},
    )
    assert ok.status_code == 303
    assert sr.rule_for(world.village_committee) == sr.Rule(sr.Cadence.HALF_MONTHLY, 1)
    bad = client.post(
        "/prevention/settings/level/village",
        data={"csrf_token": token, "village-cadence": "daily", "village-grace_days": "99999999999"},
    )
    assert bad.status_code == 422
    assert (
        client.post("/prevention/settings/level/group", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        client.post(
            "/prevention/settings/hours/red", data={"csrf_token": token, "red-hours": "1"}
        ).status_code
        == 303
    )
    assert (
        client.post(
            "/prevention/settings/organisation",
            data={
                "csrf_token": token,
                "organisation": "abc",
                "cadence": "weekly",
                "grace_days": "1",
            },
        ).status_code
        == 422
    )
    assert login("leader").get("/prevention/settings").status_code == 403


def test_empty_database_pages(db, client):
    assert client.get("/prevention/rounds").status_code == 302  # login first


def _csrf(response) -> str:
    html = response.get_data(as_text=True)
    marker = 'name="csrf_token" value="'
    return html.split(marker)[1].split('"')[0] if marker in html else ""
