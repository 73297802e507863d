"""The parties' own area after filing (the applicant's /status, the respondent's /respond/case):
what each party sees, their evidence, their thread with the mediator, asking that mediation
end (PML Art. 23: 当事人要求终止调解), and the applicant withdrawing before acceptance.

Who sees what:
- a party sees their own details in full and the other parties' masked; the presiding
  mediator's name; the agreement (调解协议书) once effective; their own thread; their own
  files, and the other parties' files only once the mediator shared them;
- staff who hold the case (Work.CONSENT: the desk before dispatch, the case's mediators and
  its committee's director after) read every thread, reply to a party, share a party's file
  with the other side, and handle a request to end mediation.

Every change is an event on the case timeline, with the party's id in its data (the
notifications are derived from them). A message's text is never in an event: it stays in the
party's own thread, so it cannot reach the other party's public progress.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from domain import agreements
from domain.errors import NotPermitted, ValidationFailed
from domain.identity import mask_address, mask_id_number, mask_phone
from domain.permissions import Work, case_scope, may
from domain.respondents import MAX_FILES_PER_PARTY
from domain.states import Action
from domain.timeline import record, transition
from domain.uploads import check_upload
from domain.versioning import check_version
from extensions import db
from models import Case, CaseMessage, Document, EndRequest, Party, PartySubmission, User
from models.enums import ClosureReason, DocumentKind, PartyRole
from models.party_area import TO_PARTY, TO_STAFF
from models.states import CaseState
from models.types import utcnow

MAX_MESSAGE_CHARS = 2000
MAX_REASON_CHARS = 1000
MAX_MESSAGES_PER_PARTY = 200  # a party's thread: far beyond any real case, a bound on abuse


# ---- who and when -----------------------------------------------------------------------------


def applicant_party(case: Case) -> Party | None:
    """Whom the applicant's door (the case's query code) speaks for: the first applicant."""
    return next(iter(case.applicants), None)


def takes_messages(case: Case) -> bool:
    """Messages, files and requests are taken while the case is open."""
    return not case.state.is_closed


def may_converse(user: User, case: Case) -> bool:
    """Staff who read the threads and answer the parties: whoever records their consent."""
    return may(user, Work.CONSENT, case)


def may_withdraw(case: Case) -> bool:
    """The applicant may withdraw while the application is not yet accepted."""
    return case.state == CaseState.REGISTERED


def _open(case: Case) -> None:
    if not takes_messages(case):
        raise ValidationFailed(
            _l("This case is closed: contact the centre that handled it."), field="body"
        )


def _of_case(case: Case, party: Party) -> Party:
    if party is None or party.case_id != case.id:
        raise NotPermitted()
    return party


# ---- what a party sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyView:
    name: str
    role: PartyRole
    own: bool
    id_number: str
    phone: str
    address: str


def party_views(case: Case, party: Party) -> list[PartyView]:
    """Every party of the case as `party` may see them: their own side of the dispute in full
    (the applicant filed every applicant's details; a respondent sees their own), others
    masked."""
    out = []
    for p in case.active_parties:
        own = p.id == party.id or (party.role == PartyRole.APPLICANT and p.role == party.role)
        out.append(
            PartyView(
                name=p.name,
                role=p.role,
                own=own,
                id_number=(p.id_number or "") if own else mask_id_number(p.id_number),
                phone=(p.phone or "") if own else mask_phone(p.phone),
                address=(p.address or "") if own else mask_address(p.address),
            )
        )
    return out


def mediator_name(case: Case) -> str | None:
    user = case.presiding_mediator
    return user.name if user is not None else None


def agreement_document(case: Case) -> Document | None:
    """The agreement for the parties once effective (signed by every party, the mediator and
    the committee): the version marked signed, else the latest generated one. Never an
    uploaded scan (it cannot be masked: see agreement_bytes)."""
    if not agreements.is_effective(case.agreement):
        return None
    docs = [
        d
        for d in case.documents
        if d.kind == DocumentKind.AGREEMENT and d.subject_id == 0 and not d.uploaded
    ]
    if not docs:
        return None
    signed = [d for d in docs if d.signed_at is not None]
    return max(signed or docs, key=lambda d: (d.version, d.id))


def agreement_bytes(doc: Document) -> tuple[bytes, bool]:
    """What a party downloads: the rendition with the parties' ID numbers, phones and
    addresses masked when there is one (a code can be lost; the signed paper copy holds them
    in full), and whether it is masked."""
    if doc.has_masked:
        return doc.masked_content, True
    return doc.content, False


def visible_files(case: Case, party: Party) -> list[PartySubmission]:
    """The files `party` sees: their own, and the others' once the mediator shared them."""
    return db.session.scalars(
        sa.select(PartySubmission)
        .where(
            PartySubmission.case_id == case.id,
            PartySubmission.media_type.is_not(None),
            sa.or_(PartySubmission.party_id == party.id, PartySubmission.shared_at.is_not(None)),
        )
        .order_by(PartySubmission.id)
    ).all()


def files_of(case: Case) -> list[PartySubmission]:
    """Every file the parties sent (staff)."""
    return db.session.scalars(
        sa.select(PartySubmission)
        .where(PartySubmission.case_id == case.id, PartySubmission.media_type.is_not(None))
        .order_by(PartySubmission.id)
    ).all()


def visible_file(case: Case, party: Party, sid) -> PartySubmission | None:
    return next((s for s in visible_files(case, party) if s.id == sid), None)


def thread(case: Case, party: Party) -> list[CaseMessage]:
    """One party's messages with the centre, oldest first."""
    return db.session.scalars(
        sa.select(CaseMessage)
        .where(CaseMessage.case_id == case.id, CaseMessage.party_id == party.id)
        .order_by(CaseMessage.id)
    ).all()


def threads(case: Case) -> list[tuple[Party, list[CaseMessage]]]:
    """Every party's thread (staff), parties with messages first, then the others."""
    rows = db.session.scalars(
        sa.select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
    ).all()
    by_party: dict[int, list[CaseMessage]] = {}
    for m in rows:
        by_party.setdefault(m.party_id, []).append(m)
    return [(p, by_party.get(p.id, [])) for p in case.parties]


def open_requests(case: Case) -> list[EndRequest]:
    return db.session.scalars(
        sa.select(EndRequest)
        .where(EndRequest.case_id == case.id, EndRequest.handled_at.is_(None))
        .order_by(EndRequest.id)
    ).all()


def party_requests(user: User, limit: int = 50) -> list[EndRequest]:
    """The parties' open requests to end mediation on the open cases in `user`'s scope (the
    workbench's task list), oldest first."""
    return db.session.scalars(
        sa.select(EndRequest)
        .join(Case, Case.id == EndRequest.case_id)
        .where(
            EndRequest.handled_at.is_(None),
            Case.state.in_(sorted(s for s in CaseState if not s.is_closed)),
            case_scope(user, incoming=False),
        )
        .options(joinedload(EndRequest.case), joinedload(EndRequest.party))
        .order_by(EndRequest.id)
        .limit(limit)
    ).all()


def requests_of(case: Case, party: Party) -> list[EndRequest]:
    return db.session.scalars(
        sa.select(EndRequest)
        .where(EndRequest.case_id == case.id, EndRequest.party_id == party.id)
        .order_by(EndRequest.id)
    ).all()


# ---- what a party does ------------------------------------------------------------------------


def _file(case: Case, party: Party, content: bytes) -> PartySubmission:
    count = db.session.scalar(
        sa.select(sa.func.count(PartySubmission.id)).where(
            PartySubmission.party_id == party.id, PartySubmission.media_type.is_not(None)
        )
    )
    if count >= MAX_FILES_PER_PARTY:
        raise ValidationFailed(
            _l("You have sent %(num)d files: bring the rest to the centre.", num=count),
            field="file",
        )
    checked = check_upload(content)
    row = PartySubmission(
        case_id=case.id,
        party_id=party.id,
        media_type=checked.media_type,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=checked.pages,
    )
    db.session.add(row)
    db.session.flush()
    return row


def upload_evidence(case: Case, party: Party, content: bytes) -> PartySubmission:
    """A file a party sends (PDF, JPEG or PNG, checked by content: domain.uploads), seen by
    staff and by the party; the other side only once shared. Raises ValidationFailed."""
    _of_case(case, party)
    if not takes_messages(case):
        raise ValidationFailed(
            _l("This case is closed: contact the centre that handled it."), field="file"
        )
    row = _file(case, party, content)
    record(
        case,
        Action.PARTY_UPLOAD,
        None,
        data={
            "party_id": party.id,
            "party": party.name,
            "submission_id": row.id,
            "media_type": row.media_type,
            "via": "party_online",
        },
    )
    return row


def _body(text: str | None, *, field: str = "body", limit: int = MAX_MESSAGE_CHARS) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_l("Write your message first."), field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("At most %(num)d characters.", num=limit), field=field)
    return text


def _bounded(case: Case, party: Party) -> None:
    count = db.session.scalar(
        sa.select(sa.func.count(CaseMessage.id)).where(
            CaseMessage.case_id == case.id, CaseMessage.party_id == party.id
        )
    )
    if count >= MAX_MESSAGES_PER_PARTY:
        raise ValidationFailed(
            _l("This conversation is full: call the centre instead."), field="body"
        )


def send_message(
    case: Case, party: Party, body: str | None, content: bytes | None = None
) -> CaseMessage:
    """A party's message to the mediator, with an optional file. Raises ValidationFailed."""
    _of_case(case, party)
    _open(case)
    text = _body(body)
    _bounded(case, party)
    attachment = _file(case, party, content) if content else None
    message = CaseMessage(
        case_id=case.id,
        party_id=party.id,
        direction=TO_STAFF,
        body=text,
        attachment_id=attachment.id if attachment else None,
    )
    db.session.add(message)
    db.session.flush()
    data = {"party_id": party.id, "party": party.name, "message_id": message.id}
    if attachment is not None:
        data["submission_id"] = attachment.id
    record(case, Action.PARTY_MESSAGE, None, data=data)
    return message


def ask_to_end(case: Case, party: Party, reason: str | None) -> EndRequest:
    """A party asks that mediation end (PML Art. 23), with a reason: a task for the mediator.
    Raises ValidationFailed."""
    _of_case(case, party)
    if not takes_messages(case) or case.state == CaseState.REGISTERED:
        raise ValidationFailed(
            _l("Mediation has not started or has already ended for this case."), field="reason"
        )
    text = _body(reason, field="reason", limit=MAX_REASON_CHARS)
    if any(r.party_id == party.id for r in open_requests(case)):
        raise ValidationFailed(_l("Your request is already with the mediator."), field="reason")
    row = EndRequest(case_id=case.id, party_id=party.id, reason=text)
    db.session.add(row)
    db.session.flush()
    record(
        case,
        Action.ASK_TO_END,
        None,
        note=text,
        data={"party_id": party.id, "party": party.name, "request_id": row.id},
    )
    return row


def withdraw_application(case: Case, party: Party | None, reason: str | None) -> None:
    """The applicant withdraws the application before it is accepted: the case ends where a
    case not accepted ends, with the closure reason "the party withdrew". Raises
    ValidationFailed once the case is accepted (or otherwise moved on)."""
    if not may_withdraw(case):
        raise ValidationFailed(
            _l(
                "The application can no longer be withdrawn here: the case has been accepted. "
                "To end mediation, ask the mediator below or call the centre."
            ),
            field="reason",
        )
    text = (reason or "").strip()
    if len(text) > MAX_REASON_CHARS:
        raise ValidationFailed(
            _l("At most %(num)d characters.", num=MAX_REASON_CHARS), field="reason"
        )
    data = {"via": "party_online"}
    if party is not None:
        data.update(party_id=party.id, party=party.name)
    transition(case, Action.WITHDRAW_APPLICATION, None, note=text or None, public=True, data=data)
    case.closure_reason = ClosureReason.PARTY_WITHDREW
    case.closed_at = utcnow()


# ---- what staff do ----------------------------------------------------------------------------


def reply(case: Case, party: Party, actor: User, body: str | None) -> CaseMessage:
    """The mediator's message to one party (only that party sees it). Raises NotPermitted,
    ValidationFailed."""
    if not may_converse(actor, case):
        raise NotPermitted()
    _of_case(case, party)
    _open(case)
    text = _body(body)
    _bounded(case, party)
    message = CaseMessage(
        case_id=case.id, party_id=party.id, direction=TO_PARTY, author_id=actor.id, body=text
    )
    db.session.add(message)
    db.session.flush()
    record(
        case,
        Action.STAFF_MESSAGE,
        actor,
        data={"party_id": party.id, "party": party.name, "message_id": message.id},
    )
    return message


def share_file(case: Case, actor: User, submission_id, *, version: int | None) -> PartySubmission:
    """Show a party's file (sent as material or with a message) to the other side too. Raises
    NotPermitted, StaleCase, ValidationFailed."""
    if not may_converse(actor, case):
        raise NotPermitted()
    check_version(case, version)
    row = db.session.get(PartySubmission, submission_id) if isinstance(submission_id, int) else None
    if row is None or row.case_id != case.id or row.media_type is None:
        raise ValidationFailed(_l("Choose a file of this case."), field="submission")
    if row.shared_at is not None:
        raise ValidationFailed(_l("This file is already shared."), field="submission")
    _open(case)
    row.shared_at, row.shared_by_id = utcnow(), actor.id
    others = [p.id for p in case.active_parties if p.id != row.party_id]
    record(
        case,
        Action.SHARE_UPLOAD,
        actor,
        data={
            "party_id": row.party_id,
            "party": row.party.name,
            "submission_id": row.id,
            "shared_with": others,
        },
    )
    return row


def handle_request(
    case: Case, actor: User, request_id, *, note: str | None, version: int | None
) -> EndRequest:
    """Mark a party's request to end mediation handled without ending it (the party changed
    their mind, or it was answered otherwise), with a note. Raises NotPermitted, StaleCase,
    ValidationFailed."""
    if not may(actor, Work.MEDIATE, case):
        raise NotPermitted()
    check_version(case, version)
    row = db.session.get(EndRequest, request_id) if isinstance(request_id, int) else None
    if row is None or row.case_id != case.id or row.handled_at is not None:
        raise ValidationFailed(_l("This request was already handled."), field="note")
    text = _body(note, field="note", limit=MAX_REASON_CHARS)
    _settle(case, actor, [row], text)
    return row


def _settle(case: Case, actor: User, rows: list[EndRequest], note: str) -> None:
    now = utcnow()
    for row in rows:
        row.handled_at, row.handled_by_id, row.handled_note = now, actor.id, note
        record(
            case,
            Action.HANDLE_END_REQUEST,
            actor,
            note=note,
            data={"party_id": row.party_id, "party": row.party.name, "request_id": row.id},
        )


def settle_on_close(case: Case, actor: User, reason: ClosureReason) -> None:
    """Mediation ended (domain.closing.terminate): every open request to end it is handled."""
    rows = open_requests(case)
    if rows:
        _settle(case, actor, rows, str(reason.label))
