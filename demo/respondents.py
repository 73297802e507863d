"""The other party's door in the demo world: one case whose respondent has not answered yet
gets an invitation, issued by whoever records consent on it (`mediator` when a case of theirs
waits, else the desk's `clerk` on an accepted case). Its code is printed by `flask seed`, so the
respondent's path (open /respond on a phone, agree, acknowledge the notice) can be walked and
the mediator sees the answer on the case page. Runs last, at the real time, and draws no
random numbers."""

from __future__ import annotations

import sqlalchemy as sa

from demo.world import DemoWorld
from domain import respondents
from domain.consent import can_record_consent
from extensions import db
from models import Case
from models.enums import ConsentStatus, PartyRole
from models.states import CaseState


def _waiting(case: Case):
    return next(
        (
            p
            for p in respondents.invitable(case)
            if p.consent == ConsentStatus.PENDING and p.role == PartyRole.RESPONDENT
        ),
        None,
    )


def load_invitations(world: DemoWorld) -> None:
    tries = [
        ("mediator", (CaseState.MEDIATING, CaseState.DISPATCHED)),
        ("clerk", (CaseState.ACCEPTED,)),
    ]
    for username, states in tries:
        user = world.users.get(username)
        if user is None:
            continue
        cases = db.session.scalars(
            sa.select(Case).where(Case.state.in_(states)).order_by(Case.id)
        ).all()
        for case in cases:
            party = _waiting(case)
            if party is None or not can_record_consent(user, case):
                continue
            code = respondents.issue_invitation(case, party, user, version=None)
            world.result.invitation_codes.append((case.number, party.name, code))
            world.result.created["invitations"] = 1
            return
