"""The desk overview: today's registrations, waiting cases by age, referrals awaiting feedback,
transfers to acknowledge; all within the user's scope, in a fixed number of statements."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from blueprints.desk import overview as overview_view
from models.docking import Referral, Transfer
from models.enums import Channel, ReferralKind
from models.states import CaseState

URL = "/desk/overview"


def _aged(case, days: float, db):
    case.created_at = datetime.now(UTC) - timedelta(days=days)
    db.session.flush()
    return case


def _referral(
    case,
    db,
    *,
    due_in_days=None,
    done=False,
    external_no="（2026）鄂1022民诉前调1号",
    kind=ReferralKind.COURT,
    body="公安县人民法院",
):
    now = datetime.now(UTC)
    r = Referral(
        case_id=case.id,
        kind=kind,
        body_name=body,
        external_no=external_no,
        received_at=now,
        feedback_due_at=None if due_in_days is None else now + timedelta(days=due_in_days),
        feedback_at=now if done else None,
    )
    db.session.add(r)
    db.session.flush()
    return r


def _transfer(case, db, to_org, *, status="pending", from_org=None):
    t = Transfer(
        case_id=case.id,
        direction="down",
        status=status,
        to_org_id=to_org.id,
        from_org_id=from_org.id if from_org else None,
        reason="属地管辖",
    )
    db.session.add(t)
    db.session.flush()
    return t


def _row(page: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{re.escape(row_id)}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, f"no row {row_id}"
    return match.group(1)


def _bucket(page: str, tab: str, key: str) -> str:
    cell = re.search(rf'data-bucket="{key}">(.*?)</td>', _row(page, f"waiting-{tab}"), re.S)
    return re.sub(r"<[^>]+>", "", cell.group(1)).strip()


def test_today_counts_by_channel_and_latest_list(world, login, db):
    online = [world.case() for _ in range(2)]
    walk_in = world.case(online=False)  # registered at the desk: walk-in
    phone = world.case(online=False)
    phone.channel = Channel.PHONE
    yesterday = _aged(world.case(), 1.5, db)  # not today
    elsewhere = world.case(village=world.village3)  # 松滋市: not the clerk's county
    db.session.commit()

    page = login("clerk").get(URL).get_data(as_text=True)
    assert "Registered today" in page and ": 4</h2>" in page
    counts = dict(
        (label.strip(), int(n))
        for n, label in re.findall(r'overview-figure">(\d+)</span>([^<]+)</li>', page)
    )
    assert counts == {"Online application": 2, "Walk-in": 1, "Phone": 1, "Referral": 0}
    for case in [*online, walk_in, phone]:
        row = _row(page, f"today-{case.number}")
        assert f'href="/cases/{case.number}"' in row
        assert case.parties[0].name in row  # applicant, as on the intake queue
        assert case.parties[0].phone not in row and case.parties[0].id_number not in row
    assert f"today-{yesterday.number}" not in page
    assert elsewhere.number not in page
    # Newest first.
    assert page.index(f"today-{phone.number}") < page.index(f"today-{online[0].number}")


def test_latest_list_is_capped(world, login, db, monkeypatch):
    monkeypatch.setattr(overview_view, "LATEST", 2)
    cases = [world.case() for _ in range(3)]
    for i, case in enumerate(cases):
        case.created_at = datetime.now(UTC) - timedelta(minutes=10 - i)
    db.session.commit()
    page = login("clerk").get(URL).get_data(as_text=True)
    assert f"today-{cases[2].number}" in page and f"today-{cases[1].number}" in page
    assert f"today-{cases[0].number}" not in page
    assert "The latest 2 are listed." in page


def test_waiting_cases_by_age_bucket(world, login, db):
    for days in (0.1, 0.5, 2, 5, 6, 10):
        _aged(world.case(), days, db)
    for days in (2.5, 30):
        _aged(world.case(CaseState.ACCEPTED), days, db)
    world.case(CaseState.DISPATCHED)  # no longer at the desk
    _aged(world.case(village=world.village3), 20, db)  # another county
    db.session.commit()

    page = login("clerk").get(URL).get_data(as_text=True)
    assert [_bucket(page, "registered", k) for k in ("under_1", "1_3", "3_7", "over_7")] == [
        "2",
        "1",
        "2",
        "1",
    ]
    assert [_bucket(page, "accepted", k) for k in ("under_1", "1_3", "3_7", "over_7")] == [
        "0",
        "1",
        "0",
        "1",
    ]
    row = _row(page, "waiting-registered")
    assert 'href="/desk/?tab=registered"' in row and "<strong>6</strong>" in row
    assert 'href="/desk/?tab=accepted"' in _row(page, "waiting-accepted")


def test_referrals_awaiting_feedback_soonest_first(world, login, db):
    case = world.case(CaseState.ACCEPTED)
    late = _referral(case, db, due_in_days=-1, external_no="JQ-LATE")
    soon = _referral(
        case,
        db,
        due_in_days=1,
        external_no="JQ-SOON",
        kind=ReferralKind.POLICE,
        body="公安县公安局斗埠派出所",
    )
    later = _referral(case, db, due_in_days=20, external_no="JQ-LATER")
    undated = _referral(case, db, external_no="JQ-NODATE")
    done = _referral(case, db, due_in_days=2, done=True, external_no="JQ-DONE")
    theirs = _referral(
        world.case(village=world.village3), db, due_in_days=-5, external_no="JQ-THEIRS"
    )
    db.session.commit()

    page = login("clerk").get(URL).get_data(as_text=True)
    assert "Referrals awaiting feedback: 4" in page
    order = [page.index(f"referral-{r.id}") for r in (late, soon, later, undated)]
    assert order == sorted(order)
    assert f"referral-{done.id}" not in page and "JQ-DONE" not in page
    assert f"referral-{theirs.id}" not in page and "JQ-THEIRS" not in page
    assert 'class="overdue"' in page and "Overdue" in _row(page, f"referral-{late.id}")
    row = _row(page, f"referral-{soon.id}")
    assert "Due soon" in row and str(ReferralKind.POLICE.label) in row
    assert "公安县公安局斗埠派出所" in row and "JQ-SOON" in row
    assert f'href="/cases/{case.number}"' in row
    assert "Due soon" not in _row(page, f"referral-{later.id}")
    assert "No deadline" in _row(page, f"referral-{undated.id}")


def test_referrals_are_paginated(world, login, db, monkeypatch):
    monkeypatch.setattr(overview_view, "REFERRALS_PER_PAGE", 2)
    case = world.case(CaseState.ACCEPTED)
    refs = [_referral(case, db, due_in_days=d, external_no=f"NO-{d}") for d in (3, 1, 2)]
    db.session.commit()
    client = login("clerk")
    first = client.get(URL).get_data(as_text=True)
    assert "NO-1" in first and "NO-2" in first and "NO-3" not in first
    assert "Page 1 of 2" in first
    href = re.search(r'href="(/desk/overview\?referrals=2)[^"]*">More referrals', first).group(1)
    second = client.get(href).get_data(as_text=True)
    assert f"referral-{refs[0].id}" in second and "NO-1" not in second
    assert "Previous referrals" in second
    # A nonsense page number falls back to the first page.
    assert "NO-1" in client.get(URL + "?referrals=abc").get_data(as_text=True)


def test_pending_transfers_into_the_region(world, login, db):
    case = world.case(CaseState.DISPATCHED)
    mine = _transfer(case, db, world.village_committee, from_org=world.township_centre)
    done = _transfer(case, db, world.township_centre, status="acknowledged")
    theirs = _transfer(
        world.case(CaseState.ACCEPTED, village=world.village3), db, world.village3_committee
    )
    db.session.commit()

    page = login("clerk").get(URL).get_data(as_text=True)
    assert "Transfers to acknowledge: 1" in page
    row = _row(page, f"transfer-{mine.id}")
    assert case.number in row and world.village_committee.name in row
    assert world.township_centre.name in row  # the sender (the desk's own centre never
    # appears: it cannot acknowledge its own transfers, see test below)
    assert f"transfer-{done.id}" not in page and f"transfer-{theirs.id}" not in page
    assert 'href="/desk/transfers"' in page  # where they are acknowledged

    other = login("clerk2").get(URL).get_data(as_text=True)
    assert "Transfers to acknowledge: 1" in other and f"transfer-{theirs.id}" in other


def test_own_and_outward_transfers_are_not_the_desks_to_acknowledge(world, login, db):
    """The overview counts what the desk may acknowledge, as /desk/transfers does: not the
    transfers its own centre sent, nor outward ones (the receiver is outside the system)."""
    case = world.case(CaseState.DISPATCHED)
    own = _transfer(case, db, world.village_committee, from_org=world.county_centre)
    out = _transfer(world.case(CaseState.DISPATCHED), db, world.village_committee)
    out.direction = "out"
    db.session.commit()
    page = login("clerk").get(URL).get_data(as_text=True)
    assert "Transfers to acknowledge: 0" in page
    assert f"transfer-{own.id}" not in page and f"transfer-{out.id}" not in page


def test_empty_state(world, login):
    page = login("clerk").get(URL).get_data(as_text=True)
    assert "Nothing registered today yet." in page
    assert "No referral is waiting for feedback." in page
    assert "No transfer is waiting for acknowledgement." in page
    assert _bucket(page, "registered", "over_7") == "0"


def test_other_county_sees_none_of_these_cases(world, login, db):
    case = _aged(world.case(), 10, db)
    world.case()
    _referral(case, db, due_in_days=1, external_no="JQ-MINE")
    _transfer(case, db, world.village_committee)
    db.session.commit()
    page = login("clerk2").get(URL).get_data(as_text=True)
    assert "Nothing registered today yet." in page
    assert "JQ-MINE" not in page and case.number not in page
    assert "Transfers to acknowledge: 0" in page
    assert _bucket(page, "registered", "over_7") == "0"


@pytest.mark.parametrize("username", ["mediator", "director", "admin"])
def test_other_roles_are_forbidden(world, login, username):
    assert login(username).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_leader_sees_the_overview_and_the_nav_link(world, login, db):
    world.case()
    db.session.commit()
    page = login("leader").get(URL).get_data(as_text=True)
    assert "Registered today" in page
    assert 'href="/desk/overview">Overview</a>' in page


def _seed(world, db, n):
    for i in range(n):
        case = world.case(
            CaseState.ACCEPTED if i % 3 == 0 else CaseState.REGISTERED, online=bool(i % 2)
        )
        if i % 4 == 0:
            _aged(case, i, db)
        _referral(case, db, due_in_days=i - 2 if i % 5 else None, external_no=f"X-{i}")
        if i % 2 == 0:
            _transfer(case, db, world.village_committee, from_org=world.township_centre)
    db.session.commit()


def test_query_count_does_not_grow_with_cases(world, login, db, client, count_queries):
    login("clerk")
    _seed(world, db, 3)
    client.get(URL)  # warm up
    db.session.expire_all()
    with count_queries() as few:
        assert client.get(URL).status_code == 200
    _seed(world, db, 27)
    db.session.expire_all()
    with count_queries() as many:
        page = client.get(URL).get_data(as_text=True)
    assert len(re.findall(r'<tr id="today-', page)) == 10
    assert len(re.findall(r'<tr id="referral-', page)) == 10
    assert len(re.findall(r'<tr id="transfer-', page)) == 5
    assert len(many) == len(few), (len(few), len(many))


def test_police_progress_report_then_the_final_result_is_still_owed(world, login, db):
    """A progress report answers the 24-hour feedback; once mediation has ended the referral
    is listed again until the final result is reported."""
    from models.enums import ReferralResult

    open_case = world.case(CaseState.MEDIATING)
    ended = world.case(CaseState.TERMINATED)
    reported = world.case(CaseState.FAILED)
    progress = _referral(
        open_case, db, done=True, external_no="JQ-PROGRESS", kind=ReferralKind.POLICE
    )
    owed = _referral(ended, db, done=True, external_no="JQ-OWED", kind=ReferralKind.POLICE)
    final = _referral(reported, db, done=True, external_no="JQ-FINAL", kind=ReferralKind.POLICE)
    final.feedback_result = ReferralResult.FAILURE
    db.session.commit()

    page = login("clerk").get(URL).get_data(as_text=True)
    assert f"referral-{owed.id}" in page
    assert f"referral-{progress.id}" not in page and f"referral-{final.id}" not in page
