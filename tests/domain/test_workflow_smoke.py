from models import Case, Event
from models.states import CaseState
from tests.factories import count_rows


def test_every_state_reachable_through_workflow(world, db):
    for state in CaseState:
        case = world.case(state)
        assert case.state == state
    db.session.commit()
    assert count_rows(Case) == len(CaseState)
    assert count_rows(Event) > len(CaseState)
