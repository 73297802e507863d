"""The demo world shows screening out, a stopped clock and the judicial-confirmation checks:
a case not accepted at screening with the channel to use instead, a suspended case past its old
deadline that is not overdue, and two agreements a court would not confirm as they stand."""

from __future__ import annotations

import sqlalchemy as sa

from domain import confirmability
from domain.clocks import Urgency, case_urgency, is_overdue, local_today, overdue_condition
from domain.permissions import case_scope
from models import Case, User
from models.states import CaseState


def test_the_demo_shows_the_exclusions_and_the_stopped_clock(runner, db):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    cases = db.session.scalars(sa.select(Case)).all()

    screened = [c for c in cases if c.not_accepted_grounds]
    assert {"court", "reserved"} <= {g for c in screened for g in c.not_accepted_grounds}
    assert all(c.redirect_advice for c in screened)
    walk_in = [
        c for c in screened if c.events[-1].data.get("screening", {}).get("court") == "applies"
    ]
    assert walk_in and all(c.state == CaseState.NOT_ACCEPTED for c in walk_in)

    today = local_today()
    mediator = db.session.scalar(sa.select(User).where(User.username == "mediator"))
    mine = db.session.scalars(
        sa.select(Case).where(case_scope(mediator), Case.state == CaseState.SUSPENDED)
    ).all()
    past = [c for c in mine if c.due_on < today]
    assert past, "a suspended case of `mediator` past its old deadline"
    assert all(not is_overdue(c, today) and case_urgency(c, today) == Urgency.PAUSED for c in past)
    overdue = set(db.session.scalars(sa.select(Case.id).where(overdue_condition(today))))
    assert not overdue & {c.id for c in cases if c.state == CaseState.SUSPENDED}

    agreed = [c for c in cases if c.state == CaseState.AGREED and c.agreement is not None]
    checks = [confirmability.check(c) for c in agreed]
    assert any(ch.disputed for ch in checks), "an agreement with a disputed term"
    assert any(confirmability.Bar.OWNERSHIP in ch.to_confirm and not ch.refused for ch in checks), (
        "an agreement whose terms decide ownership"
    )
