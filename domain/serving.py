"""Notices are served, not assumed. When mediation ends without agreement the committee tells
the parties in writing that they may still go to arbitration, an administrative body or the
court (PML Art. 26): the notice of termination (终止调解告知书) is generated, and its service
on each party is recorded — how (in person, by post, by text message or phone, by e-mail, by
public announcement), when, by whom, and a refusal to sign for it. A case that ended by going
to another body has the record of that transfer instead (who signed for it, when).

Archiving waits for both (domain.closing.archive_gaps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from domain.calendar import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import may_keep_document
from domain.regions import has_control
from domain.states import Action, next_state
from domain.timeline import transition
from domain.versioning import check_version
from models import Case, Document, DocumentService, Party, ServiceMethod, User
from models.docking import Transfer
from models.enums import ClosureReason, DocumentKind, TransferDirection, TransferStatus
from models.types import utcnow

NOTICE = DocumentKind.TERMINATION
# The documents whose service is recorded: the notice of termination (PML Art. 26).
SERVED_KINDS = frozenset({NOTICE})
MAX_NAME = 64
MAX_NOTE = 2000
# Endings that owe no notice of termination: an agreement; a case not accepted (its own
# notice, MOJ-2002 Art. 24); one merged into another (the other case goes on); one sent to
# another body (its transfer record stands for it).
NO_NOTICE = frozenset(
    {
        ClosureReason.AGREEMENT_WRITTEN,
        ClosureReason.AGREEMENT_ORAL,
        ClosureReason.NOT_ACCEPTED,
        ClosureReason.MERGED,
        ClosureReason.TRANSFERRED_OUT,
    }
)


@dataclass(frozen=True)
class ServiceData:
    """A service as typed: the version served, on whom, how, when and by whom."""

    document_id: int | None
    party_id: int | None
    method: ServiceMethod | None
    served_on: date | None
    served_by: str | None
    recipient: str | None = None
    refused_to_sign: bool = False
    note: str | None = None


def owes_notice(case: Case) -> bool:
    """Mediation ended without agreement (failed, a party refused, withdrew or could not be
    reached, the time limit expired, a party refused to sign): the notice of termination must
    reach every party (PML Art. 26)."""
    return (
        case.closure_reason is not None
        and case.agreement is None
        and case.closure_reason not in NO_NOTICE
        # An application withdrawn before acceptance: mediation never began.
        and not (case.closure_reason == ClosureReason.PARTY_WITHDREW and case.accepted_at is None)
    )


def to_serve(case: Case) -> list[Party]:
    """The parties the notice must reach: every party still in the dispute (an agent may take
    it for the party, recorded as the recipient)."""
    return case.principals


def services(case: Case, kind: DocumentKind = NOTICE) -> list[DocumentService]:
    return [s for s in case.services if s.document is not None and s.document.kind == kind]


def service_of(case: Case, party: Party, kind: DocumentKind = NOTICE) -> DocumentService | None:
    """The latest service of a `kind` document on `party` (None: not served)."""
    mine = [s for s in services(case, kind) if s.party_id == party.id]
    return max(mine, key=lambda s: (s.served_on, s.id), default=None)


def served_versions(case: Case) -> set[int]:
    """Ids of the document versions served on someone: the copies the parties hold."""
    return {s.document_id for s in case.services}


def transfer_record(case: Case) -> Transfer | None:
    """The transfer out that the outside body signed for (who, when), if any."""
    return next(
        (
            t
            for t in reversed(case.transfers)
            if t.direction == TransferDirection.OUT.value
            and t.status == TransferStatus.ACKNOWLEDGED.value
            and t.receiver_name
        ),
        None,
    )


def notice_gaps(case: Case) -> list:
    """What the file still lacks of the notices owed to the parties: the notice of
    termination generated and served on each party, or for a case sent to another body the
    record of that transfer."""
    gaps: list = []
    if owes_notice(case):
        if not [d for d in case.documents if d.kind == NOTICE]:
            gaps.append(
                _l(
                    "The notice of termination has not been generated: generate it (Case "
                    "file documents), then record how it was served on each party."
                )
            )
        else:
            unserved = [p.name for p in to_serve(case) if service_of(case, p) is None]
            if unserved:
                gaps.append(
                    _l(
                        "The notice of termination is not recorded as served on: %(names)s.",
                        names="、".join(unserved),
                    )
                )
    if case.closure_reason == ClosureReason.TRANSFERRED_OUT and transfer_record(case) is None:
        gaps.append(
            _l(
                "The case ended by going to another body, but the file holds no record of "
                "that transfer (who signed for it, and when)."
            )
        )
    return gaps


def _text(value: str | None, limit: int, field: str, *, required=None) -> str | None:
    value = " ".join((value or "").split()) or None
    if value is None:
        if required is not None:
            raise ValidationFailed(required, field=field)
        return None
    if has_control(value):
        raise ValidationFailed(_l("This contains characters that cannot be shown."), field=field)
    if len(value) > limit:
        raise ValidationFailed(_l("Use at most %(n)s characters.", n=limit), field=field)
    return value


def _version(case: Case, document_id: int | None) -> Document:
    doc = next((d for d in case.documents if d.id == document_id), None)
    if doc is None or doc.kind not in SERVED_KINDS:
        raise ValidationFailed(_l("Choose the version of the notice that was served."), "document")
    return doc


def record_service(
    case: Case,
    actor: User,
    data: ServiceData,
    *,
    version: int | None,
    now: datetime | None = None,
) -> DocumentService:
    """Record that a party was served a version of the notice of termination: how, when, by
    whom, who took it, and whether the party refused to sign for it. Recording it again for
    the same party and version corrects the earlier record (both are on the timeline). The
    served version is frozen: it is the copy the party holds and the one the 卷宗 files.

    Raises NotPermitted, StaleCase, InvalidTransition (the file is archived or mediation has
    not ended), ValidationFailed (document, party, method, served_on, served_by, recipient,
    refused_to_sign, note).
    """
    if not may_keep_document(actor, case, NOTICE):
        raise NotPermitted()
    check_version(case, version)
    next_state(case.state, Action.SERVE_DOCUMENT)
    if not owes_notice(case):
        raise ValidationFailed(_l("No notice of termination is owed on this case."))
    doc = _version(case, data.document_id)
    party = next((p for p in to_serve(case) if p.id == data.party_id), None)
    if party is None:
        raise ValidationFailed(_l("Choose the party who was served."), field="party")
    if not isinstance(data.method, ServiceMethod):
        raise ValidationFailed(_l("Choose how the notice was served."), field="method")
    now = now or utcnow()
    made = local_today(doc.created_at) if doc.created_at else None
    if data.served_on is None:
        raise ValidationFailed(_l("Enter the date it was served."), field="served_on")
    if data.served_on > local_today(now) or (made is not None and data.served_on < made):
        raise ValidationFailed(
            _l("The date must be between the day this version was made and today."),
            field="served_on",
        )
    served_by = _text(data.served_by, MAX_NAME, "served_by", required=_l("Enter who served it."))
    recipient = _text(data.recipient, MAX_NAME, "recipient")
    note = _text(data.note, MAX_NOTE, "note")
    if data.refused_to_sign and data.method != ServiceMethod.IN_PERSON:
        raise ValidationFailed(
            _l("A refusal to sign is recorded when the notice was handed over in person."),
            field="refused_to_sign",
        )
    existing = next(
        (s for s in case.services if s.document_id == doc.id and s.party_id == party.id), None
    )
    before = _summary(existing) if existing is not None else None
    # The ids as well as the rows: the checks above read them before any flush.
    service = existing or DocumentService(
        document=doc, document_id=doc.id, party=party, party_id=party.id
    )
    service.method = data.method
    service.served_on = data.served_on
    service.served_by = served_by
    service.recipient = recipient
    service.refused_to_sign = bool(data.refused_to_sign)
    service.note = note
    service.recorded_by = actor
    service.recorded_at = now
    if existing is None:
        case.services.append(service)
    if doc.signed_at is None:
        doc.signed_at = now  # the copy the party holds: frozen
    transition(
        case,
        Action.SERVE_DOCUMENT,
        actor,
        note=note,
        public=False,
        data={
            "document_id": doc.id,
            "kind": doc.kind.value,
            "version": doc.version,
            "party_id": party.id,
            "party": party.name,
            **_summary(service),
            **({"replaces": before} if before else {}),
        },
    )
    return service


def _summary(service: DocumentService) -> dict:
    return {
        "method": service.method.value,
        "served_on": service.served_on.isoformat(),
        "served_by": service.served_by,
        "recipient": service.recipient,
        "refused_to_sign": service.refused_to_sign,
    }
