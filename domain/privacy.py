"""Showing personal details in full, which is itself recorded (PML Art. 15: privacy)."""

from __future__ import annotations

from domain.errors import NotPermitted
from domain.permissions import can_reveal_pii
from domain.states import Action
from domain.timeline import record
from models import Case, Party, User


def reveal_party_details(case: Case, party: Party, actor: User) -> None:
    """Record that `actor` viewed `party`'s full ID number, phone and address.

    Raises NotPermitted for staff who do not work the case.
    """
    if party.case_id != case.id or not can_reveal_pii(actor, case):
        raise NotPermitted()
    record(
        case,
        Action.REVEAL_PII,
        actor,
        public=False,
        data={"party_id": party.id, "party": party.name},
    )
