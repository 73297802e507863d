"""The case page's query count does not grow with the records on the case."""

from datetime import UTC, datetime

from domain.mediation import record_session
from domain.records import record_investigation
from models.enums import SessionMode
from models.states import CaseState


def add_records(world, case, n):
    for i in range(n):
        record_session(
            case,
            world.mediator,
            version=None,
            held_at=datetime.now(UTC),
            place="p",
            mode=SessionMode.IN_PERSON,
            notes=f"n{i}",
        )
        record_investigation(
            case,
            world.mediator,
            version=None,
            held_at=datetime.now(UTC),
            place="p",
            investigators="x",
            interviewee="y",
            record=f"r{i}",
        )


def test_case_page_queries_do_not_grow(world, db, login, client, count_queries):
    small = world.case(CaseState.MEDIATING)
    big = world.case(CaseState.MEDIATING)
    add_records(world, small, 1)
    add_records(world, big, 6)
    db.session.commit()
    login("mediator")
    counts = []
    for case in (small, big):
        client.get(f"/cases/{case.number}")  # warm
        with count_queries() as seen:
            assert client.get(f"/cases/{case.number}").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
