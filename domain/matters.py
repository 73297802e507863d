"""The record of matters that are not cases (models.matter.MatterEvent): the only place its
rows are written. A domain verb that changes a screening round, a warning, a supervision
order, a meeting... calls record() in the same transaction as the change."""

from __future__ import annotations

import sqlalchemy as sa

from extensions import db
from models import MatterEvent, Organisation, User


def record(
    kind: str,
    matter_id: int,
    action: str,
    actor: User | None,
    *,
    org: Organisation | int | None = None,
    note: str | None = None,
    data: dict | None = None,
) -> MatterEvent:
    """Append one entry to the record of matter (`kind`, `matter_id`). The matter must have
    its id already (flush first when it is new)."""
    if matter_id is None:
        raise ValueError("flush the matter before recording it")
    org_id = org.id if isinstance(org, Organisation) else org
    event = MatterEvent(
        matter_kind=kind,
        matter_id=matter_id,
        org_id=org_id,
        actor=actor,
        action=action,
        note=note,
        data=data or {},
    )
    db.session.add(event)
    return event


def history(kind: str, matter_id: int) -> list[MatterEvent]:
    """The record of one matter, oldest first (one index range read)."""
    return list(
        db.session.scalars(
            sa.select(MatterEvent)
            .where(MatterEvent.matter_kind == kind, MatterEvent.matter_id == matter_id)
            .order_by(MatterEvent.id)
        )
    )
