"""The next step shown at the top of the case page follows the state and what the file holds."""

import pytest

from domain.next_step import next_step
from models.enums import ConsentStatus
from models.states import CaseState


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (CaseState.REGISTERED, "Screen the application"),
        (CaseState.ACCEPTED, "Dispatch the case"),
        (CaseState.DISPATCHED, "presiding mediator"),
        (CaseState.SUSPENDED, "Resume mediation"),
        (CaseState.FAILED, "Archive the case"),
    ],
)
def test_next_step_by_state(world, db, state, words):
    case = world.case(state)
    assert words in str(next_step(case))


def test_mediation_asks_for_what_the_law_needs_first(world, db):
    case = world.case(CaseState.MEDIATING)
    case.parties[0].consent = ConsentStatus.PENDING
    assert "PML Art. 17" in str(next_step(case))
    case.parties[0].consent = ConsentStatus.AGREED
    assert "PML Art. 17" not in str(next_step(case))


def test_nothing_is_owed_on_an_archived_case(world, db):
    assert next_step(world.case(CaseState.ARCHIVED)) is None


def test_the_case_page_shows_it(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="next-step"' in html and "Dispatch the case" in html


def test_the_case_page_says_how_the_limit_is_counted(world, db, login, client):
    case = world.case(CaseState.MEDIATING)
    case.time_limit_days, case.working_days = 20, True
    db.session.commit()
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="time-limit"' in html and "20 working days" in html
