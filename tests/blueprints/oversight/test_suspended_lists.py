"""Suspended is not overdue on any page: the leader's list and its count, the director's two
lists (the oversight list and "My cases"), the mediator's queue, the case page and the desk
overview all read domain.clocks' one definition."""

from __future__ import annotations

import re

from models.enums import ReferralKind
from models.states import CaseState

URL = "/oversight/"


def numbers(html: str) -> list[str]:
    return re.findall(r'id="case-(\d{4}-\d{6}-\d{6})-row"', html)


def _world(world, db):
    late = world.case(CaseState.MEDIATING, accepted_days_ago=40)
    waiting = world.case(CaseState.DISPATCHED, accepted_days_ago=35)
    paused = world.case(CaseState.SUSPENDED, accepted_days_ago=55)  # 25 days past its old date
    fresh = world.case(CaseState.MEDIATING)
    db.session.commit()
    return late, waiting, paused, fresh


def test_the_leaders_list_shows_suspended_not_overdue(world, login, client, db):
    late, waiting, paused, _ = _world(world, db)
    login("leader")
    page = client.get(URL).get_data(as_text=True)
    assert "2 open cases are overdue" in page
    assert f'id="case-{paused.number}-row" class="paused"' in page
    assert f'id="case-{paused.number}-suspended"' in page and "Suspended since" in page
    row = page.split(f'id="case-{paused.number}-row"')[1].split("</tr>")[0]
    assert "overdue" not in row.lower() and "days" not in row
    listed = numbers(client.get(URL + "?overdue=y").get_data(as_text=True))
    assert set(listed) == {late.number, waiting.number}


def test_the_directors_two_lists_agree(world, login, client, db):
    late, waiting, paused, fresh = _world(world, db)
    login("director")
    oversight = client.get(URL).get_data(as_text=True)
    counted = int(re.search(r"(\d+) open cases? (?:is|are) overdue", oversight).group(1))
    listed = set(numbers(client.get(URL + "?overdue=y").get_data(as_text=True)))
    queue = client.get("/workbench/").get_data(as_text=True)
    summary = int(re.search(r"Overdue: (\d+)", queue).group(1))
    assert counted == summary == len(listed) == 2
    assert listed == {late.number, waiting.number}
    # The workbench shows the same two as overdue, and the suspended one on its own.
    assert f'id="case-{late.number}-row" class="overdue"' in queue
    assert f'id="case-{waiting.number}-waiting" class="overdue"' in queue
    assert f'id="case-{paused.number}-suspended-row" class="paused"' in queue
    assert "Suspended, clock stopped: 1" in queue
    overdue_tab = client.get("/workbench/?due=overdue").get_data(as_text=True)
    assert paused.number not in overdue_tab.split('id="suspended-h"')[0]
    assert fresh.number not in listed


def test_the_mediator_sees_suspended_cases_apart(world, login, client, db):
    _late, _waiting, paused, _ = _world(world, db)
    login("mediator")
    queue = client.get("/workbench/").get_data(as_text=True)
    assert 'id="suspended-h"' in queue
    section = queue.split('id="suspended-h"')[1]
    assert paused.number in section and "Suspended since" in section
    assert f'id="case-{paused.number}-row"' not in queue  # not among the cases by deadline


def test_the_case_page_says_suspended_since_not_overdue(world, login, client, db):
    _late, _waiting, paused, _ = _world(world, db)
    login("mediator")
    page = client.get(f"/cases/{paused.number}").get_data(as_text=True)
    assert 'id="deadline-suspended"' in page and "Suspended since" in page
    assert "days overdue" not in page and "day overdue" not in page


def test_the_desk_overview_does_not_call_a_suspended_courts_report_overdue(
    world, login, client, db
):
    case = world.referral_case(ReferralKind.COURT, CaseState.SUSPENDED, accepted_days_ago=40)
    db.session.commit()
    login("clerk")
    page = client.get("/desk/overview").get_data(as_text=True)
    row = page.split(f'id="referral-{case.referrals[0].id}"')[1].split("</tr>")[0]
    assert "Case suspended: the deadline moves when it resumes" in row
    assert "Overdue" not in row
