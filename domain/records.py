"""Session and investigation records (人民调解记录, 人民调解调查记录: the 2010 national document
formats; the mediator records the mediation, PML Art. 27).

A record can be corrected until the paper copy is signed by the parties, the mediator and the
recorder; once it is marked as signed it is frozen. Every correction is an internal event, so
the timeline shows who changed which record and which fields.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from domain.calendar import local_today
from domain.consent import check_ready_for_session
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, may
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, Investigation, MediationSession, Party, User
from models.enums import SessionMode
from models.types import utcnow

Record = MediationSession | Investigation


def may_keep_records(user: User, case: Case) -> bool:
    """Whoever may record sessions: the case's mediators, the committee director, and the
    staff of the centre organising a joint mediation."""
    return may(user, Work.MEDIATE, case)


def kind_of(record: Record) -> str:
    return "session" if isinstance(record, MediationSession) else "investigation"


def _check(case: Case, actor: User, version: int | None) -> None:
    if not may_keep_records(actor, case):
        raise NotPermitted()
    check_version(case, version)


def _own(case: Case, record: Record) -> Record:
    """The record belongs to `case` and is not signed yet."""
    if record.case is not case:
        raise ValidationFailed(_l("This record belongs to another case."))
    if record.signed_at is not None:
        raise ValidationFailed(
            _l(
                "This record was signed on %(date)s and can no longer be changed.",
                date=local_today(record.signed_at).isoformat(),
            )
        )
    return record


def _text(value: str | None, message, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def _optional(value: str | None) -> str | None:
    return (value or "").strip() or None


def _not_before_acceptance(case: Case, held_at: datetime) -> None:
    if case.accepted_at is not None and local_today(held_at) < local_today(case.accepted_at):
        raise ValidationFailed(
            _l(
                "A record cannot be dated before the case was accepted (%(date)s).",
                date=local_today(case.accepted_at).isoformat(),
            ),
            field="held_at",
        )


def _apply(record: Record, values: dict) -> list[str]:
    """Set the changed attributes; return the names of those that changed."""
    changed = []
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def record_investigation(
    case: Case,
    actor: User,
    *,
    version: int | None,
    held_at: datetime,
    place: str | None,
    investigators: str,
    interviewee: str,
    record: str,
) -> Investigation:
    """Add an investigation record: who investigated, whom they heard and
    what was said. Internal; the case stays in its state.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    _check(case, actor, version)
    investigation = Investigation(
        held_at=held_at,
        place=_optional(place),
        investigators=_text(
            investigators, _l("Name who carried out the investigation."), "investigators"
        ),
        interviewee=_text(interviewee, _l("Name the person interviewed."), "interviewee"),
        record=_text(record, _l("Write down what was said or found."), "record"),
        recorded_by=actor,
    )
    _not_before_acceptance(case, held_at)
    case.investigations.append(investigation)
    db.session.flush()
    transition(
        case,
        Action.RECORD_INVESTIGATION,
        actor,
        public=False,
        data={"investigation_id": investigation.id, "held_at": held_at.isoformat()},
    )
    return investigation


def edit_session(
    case: Case,
    session: MediationSession,
    actor: User,
    *,
    version: int | None,
    held_at: datetime,
    place: str,
    mode: SessionMode,
    notes: str,
    present: list[Party],
    participants: str | None = None,
    accounts: str | None = None,
    result: str | None = None,
) -> list[str]:
    """Correct an unsigned session record. The same rules as recording it apply (every party
    present acknowledged the notice). Writes an internal event naming the changed fields;
    nothing is written when nothing changed.

    Returns the names of the changed fields.
    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (also when signed).
    """
    _check(case, actor, version)
    _own(case, session)
    notes = _text(notes, _l("Write what happened in the session."), "notes")
    check_ready_for_session(case, present)
    _not_before_acceptance(case, held_at)
    changed = _apply(
        session,
        {
            "held_at": held_at,
            "place": (place or "").strip(),
            "mode": mode,
            "notes": notes,
            "participants": _optional(participants),
            "accounts": _optional(accounts),
            "result": _optional(result),
        },
    )
    ids = sorted(p.id for p in present)
    if sorted(session.present_party_ids or []) != ids:  # the order of the ticks is no change
        session.present_party_ids = ids
        changed.append("present_party_ids")
    if changed:
        transition(
            case,
            Action.RECORD_SESSION,
            actor,
            public=False,
            data={"edited": session.id, "record": "session", "fields": changed},
        )
    return changed


def edit_investigation(
    case: Case,
    investigation: Investigation,
    actor: User,
    *,
    version: int | None,
    held_at: datetime,
    place: str | None,
    investigators: str,
    interviewee: str,
    record: str,
) -> list[str]:
    """Correct an unsigned investigation record; an internal event names the changed fields.

    Returns the names of the changed fields.
    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (also when signed).
    """
    _check(case, actor, version)
    _own(case, investigation)
    values = {
        "held_at": held_at,
        "place": _optional(place),
        "investigators": _text(
            investigators, _l("Name who carried out the investigation."), "investigators"
        ),
        "interviewee": _text(interviewee, _l("Name the person interviewed."), "interviewee"),
        "record": _text(record, _l("Write down what was said or found."), "record"),
    }
    _not_before_acceptance(case, held_at)
    changed = _apply(investigation, values)
    if changed:
        transition(
            case,
            Action.RECORD_INVESTIGATION,
            actor,
            public=False,
            data={"edited": investigation.id, "record": "investigation", "fields": changed},
        )
    return changed


def sign_record(
    case: Case,
    record: Record,
    actor: User,
    *,
    version: int | None,
    now: datetime | None = None,
) -> None:
    """Mark a record as signed: the paper copy carries the signatures of the parties (or the
    interviewee), the mediator and the recorder. From then on the record cannot change.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (already signed).
    """
    _check(case, actor, version)
    _own(case, record)
    record.signed_at = now or utcnow()
    transition(
        case,
        Action.SIGN_RECORD,
        actor,
        public=False,
        data={"record": kind_of(record), "record_id": record.id},
    )
