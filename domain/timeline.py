"""Writing the case timeline. The only place Event rows are created, and the only place a
case's state is assigned."""

from __future__ import annotations

from sqlalchemy.orm.attributes import flag_modified

from domain.states import Action, next_state
from extensions import db
from models import Case, Event, User
from models.states import CaseState


def record(
    case: Case,
    action: Action,
    actor: User | None,
    *,
    note: str | None = None,
    public: bool = False,
    data: dict | None = None,
    from_state: CaseState | None = None,
    to_state: CaseState | None = None,
) -> Event:
    """Append an event to the case's timeline (never updated afterwards)."""
    event = Event(
        case=case,
        actor=actor,
        action=action.value,
        from_state=from_state.value if from_state else None,
        to_state=to_state.value if to_state else None,
        note=note,
        public=public,
        data=data or {},
    )
    db.session.add(event)
    # Inbox lines and citizens' messages derived from the event, in the same transaction.
    from domain import notifications

    notifications.on_event(event)
    return event


def transition(
    case: Case,
    action: Action,
    actor: User | None,
    *,
    note: str | None = None,
    public: bool = True,
    data: dict | None = None,
) -> Event:
    """Move the case along the transition table and record the change.

    Raises InvalidTransition when the table has no row for (case.state, action).
    """
    before = case.state
    after = next_state(before, action)
    case.state = after
    # Even when the state stays the same (a session, a reassignment) the row is updated, so
    # the version counter moves and a concurrent action on the same case is detected.
    flag_modified(case, "state")
    return record(
        case, action, actor, note=note, public=public, data=data, from_state=before, to_state=after
    )
