"""The outbox panel of the case page: what was sent (or is waiting, or failed) to the
parties of this case, recipients masked. Shown when there is any; read-only (the retry is on
the outbox page)."""

from __future__ import annotations

import sqlalchemy as sa

from blueprints.panels import Panel, panel
from domain import notifications
from extensions import db
from models import Case, Outbox, User


@panel("outbox")
def outbox_panel(case: Case, user: User) -> Panel | None:  # noqa: ARG001
    rows = list(
        db.session.scalars(
            sa.select(Outbox).where(Outbox.case_id == case.id).order_by(Outbox.id.desc()).limit(50)
        )
    )
    if not rows:
        return None
    return Panel(
        "outbox",
        "cases/partials/outbox_panel.html",
        {"rows": rows, "mask": notifications.mask, "label": notifications.label},
    )
