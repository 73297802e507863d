"""After the parties agree: signatures and effect of a written agreement (PML Art. 29),
performance of each term (Art. 31: the committee supervises it), and what happens when a party
goes back on it (a party may sue, Art. 32; a local rule: re-mediate with both parties'
consent, otherwise advise the court).

Re-mediation (REOPEN) and the one-agreement-per-case table: `agreement.case_id` is unique, so
a case cannot hold the old agreement and a new one side by side. `reopen()` therefore moves the
old agreement's whole content (terms, dates, facts, performance, signatures) into the REOPEN
event's data and deletes the agreement row (its signatures cascade). Events are never updated
or deleted, so the timeline keeps the full history, and a new `record_agreement()` can follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from domain.calendar import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, may
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Agreement, AgreementSignature, Case, Party, User
from models.enums import AgreementKind, PartyRole, Performance, Ruling, SignerKind

# Who signs the agreement: the parties themselves, not their agents.
SIGNING_ROLES = (PartyRole.APPLICANT, PartyRole.RESPONDENT, PartyRole.THIRD_PARTY)


def may_record_outcome(user: User, case: Case) -> bool:
    """The case's mediator or the handling committee's director; after a joint mediation also
    the staff of the centre that organised it (domain.permissions, Work.AGREEMENT)."""
    return may(user, Work.AGREEMENT, case)


def _agreement(case: Case) -> Agreement:
    if case.agreement is None:
        raise ValidationFailed(_l("This case has no agreement."))
    return case.agreement


# ---- signatures ---------------------------------------------------------------------------


@dataclass
class Signer:
    """One line of the signature block: a party, the mediator, or the committee seal."""

    kind: SignerKind
    party: Party | None
    signature: AgreementSignature | None

    @property
    def key(self) -> str:
        return f"party:{self.party.id}" if self.party else self.kind.value

    @property
    def label(self) -> str:
        return self.party.name if self.party else str(self.kind.label)


def signers(case: Case) -> list[Signer]:
    """Every signature a written agreement needs, with the one recorded if any: each party
    still in the dispute (not one marked withdrawn), the mediator and the seal."""
    agreement = _agreement(case)
    done = {(s.signer_kind, s.party_id): s for s in agreement.signatures}
    rows = [
        Signer(SignerKind.PARTY, p, done.get((SignerKind.PARTY, p.id)))
        for p in case.active_parties
        if p.role in SIGNING_ROLES
    ]
    rows.append(Signer(SignerKind.MEDIATOR, None, done.get((SignerKind.MEDIATOR, None))))
    rows.append(Signer(SignerKind.SEAL, None, done.get((SignerKind.SEAL, None))))
    return rows


def is_effective(agreement: Agreement | None) -> bool:
    return agreement is not None and agreement.effective_on is not None


def sign_agreement(
    case: Case,
    actor: User,
    *,
    version: int | None,
    signer: SignerKind,
    party: Party | None = None,
    signed_on: date,
    now: datetime | None = None,
) -> AgreementSignature:
    """Record one signature (or seal, or fingerprint) on the written agreement. Once every
    party, the mediator and the committee seal are recorded, the agreement takes effect on the
    latest signing date (PML Art. 29) and the signatures are frozen.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may_record_outcome(actor, case):
        raise NotPermitted()
    check_version(case, version)
    agreement = _agreement(case)
    if agreement.kind != AgreementKind.WRITTEN:
        raise ValidationFailed(_l("An oral agreement is not signed."), field="signer")
    if agreement.effective_on is not None:
        raise ValidationFailed(
            _l("The agreement has taken effect; its signatures can no longer change."),
            field="signer",
        )
    if signer == SignerKind.PARTY:
        if (
            party is None
            or party.case_id != case.id
            or party.role not in SIGNING_ROLES
            or party.withdrawn
        ):
            raise ValidationFailed(_l("Choose who signed."), field="signer")
    else:
        party = None
    if any(
        s.signer_kind == signer and s.party_id == (party.id if party else None)
        for s in agreement.signatures
    ):
        raise ValidationFailed(_l("This signature is already recorded."), field="signer")
    if signed_on < agreement.agreed_on:
        raise ValidationFailed(
            _l(
                "A signature cannot be dated before the agreement (%(date)s).",
                date=agreement.agreed_on.isoformat(),
            ),
            field="signed_on",
        )
    if signed_on > local_today(now):
        raise ValidationFailed(_l("The signing date cannot be in the future."), field="signed_on")
    signature = AgreementSignature(
        signer_kind=signer,
        party_id=party.id if party else None,
        signed_on=signed_on,
        recorded_by_id=actor.id,
    )
    agreement.signatures.append(signature)
    data = {"signer": signer.value, "signed_on": signed_on.isoformat()}
    if party is not None:
        data |= {"party_id": party.id, "party": party.name}
    complete = all(s.signature is not None for s in signers(case))
    if complete:
        agreement.effective_on = max(s.signed_on for s in agreement.signatures)
        data |= {"effective_on": agreement.effective_on.isoformat()}
    transition(case, Action.SIGN_AGREEMENT, actor, public=complete, data=data)
    return signature


# ---- performance --------------------------------------------------------------------------


def overall_performance(statuses: list[str | Performance]) -> Performance:
    """One status for the whole agreement: any disputed term → disputed; all performed →
    performed; some performed or partly → partly; some not performed → not performed;
    otherwise pending."""
    values = [Performance(s) for s in statuses]
    if not values:
        return Performance.PENDING
    if Performance.DISPUTED in values:
        return Performance.DISPUTED
    if all(v == Performance.PERFORMED for v in values):
        return Performance.PERFORMED
    if any(v in (Performance.PERFORMED, Performance.PARTLY) for v in values):
        return Performance.PARTLY
    if Performance.NOT_PERFORMED in values:
        return Performance.NOT_PERFORMED
    return Performance.PENDING


def record_performance(
    case: Case,
    actor: User,
    *,
    version: int | None,
    term: int,
    status: Performance,
    note: str | None = None,
) -> None:
    """Record how one term (numbered from 1) is being performed; the agreement's overall
    status follows. Only an agreement in effect is performed. A disputed term needs a note.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may_record_outcome(actor, case):
        raise NotPermitted()
    check_version(case, version)
    agreement = _agreement(case)
    if agreement.effective_on is None:
        raise ValidationFailed(_l("The agreement has not taken effect yet."))
    if not 1 <= term <= len(agreement.terms):
        raise ValidationFailed(_l("There is no such term."), field="term")
    note = (note or "").strip() or None
    if status == Performance.DISPUTED and not note:
        raise ValidationFailed(_l("Say what the party disputes."), field="note")
    statuses = list(agreement.performance or [])
    statuses += [Performance.PENDING.value] * (len(agreement.terms) - len(statuses))
    statuses[term - 1] = status.value
    agreement.performance = statuses  # a new list, so the JSON column is written
    agreement.performance_status = overall_performance(statuses)
    transition(
        case,
        Action.RECORD_PERFORMANCE,
        actor,
        note=note,
        public=False,
        data={"term": term, "status": status.value, "overall": agreement.performance_status.value},
    )


# ---- going back on it ---------------------------------------------------------------------


def _must_be_disputed(agreement: Agreement) -> None:
    if agreement.performance_status != Performance.DISPUTED:
        raise ValidationFailed(
            _l("First record which term a party disputes, in the performance panel.")
        )


def advise_court(case: Case, actor: User, *, version: int | None, note: str) -> None:
    """A party went back on the agreement and re-mediation is not agreed: record that the
    parties were told they may sue over it (PML Art. 32). The case stays agreed.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may_record_outcome(actor, case):
        raise NotPermitted()
    check_version(case, version)
    _must_be_disputed(_agreement(case))
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_l("Write what the parties were told."), field="note")
    transition(
        case, Action.RECORD_PERFORMANCE, actor, note=note, public=True, data={"advice": "court"}
    )


def snapshot(agreement: Agreement) -> dict:
    """Everything the agreement said and how it went, for the timeline."""
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "kind": agreement.kind.value,
        "terms": list(agreement.terms),
        "agreed_on": iso(agreement.agreed_on),
        "effective_on": iso(agreement.effective_on),
        "facts": agreement.facts,
        "issues": agreement.issues,
        "responsibilities": agreement.responsibilities,
        "performance_manner": agreement.performance_manner,
        "performance_place": agreement.performance_place,
        "performance_deadline": iso(agreement.performance_deadline),
        "performance": list(agreement.performance or []),
        "performance_status": agreement.performance_status.value,
        "recorded_by_id": agreement.recorded_by_id,
        "signatures": [
            {"signer": s.signer_kind.value, "party_id": s.party_id, "signed_on": iso(s.signed_on)}
            for s in agreement.signatures
        ],
    }


def reopen(
    case: Case, actor: User, *, version: int | None, note: str, both_parties_consent: bool
) -> None:
    """Re-mediate a disputed agreement with both parties' consent (a local rule):
    the case goes back to mediating. The old agreement moves into the REOPEN event's data and
    its row is deleted (see the module docstring); open follow-up visits scheduled for it are
    dropped (a new agreement schedules its own). Not after a court confirmed the agreement or
    while its ruling is awaited: then the court's route applies.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not may_record_outcome(actor, case):
        raise NotPermitted()
    check_version(case, version)
    agreement = _agreement(case)
    _must_be_disputed(agreement)
    if not both_parties_consent:
        raise ValidationFailed(
            _l("Mediating again needs both parties' consent."), field="both_parties_consent"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_l("Say why the agreement is mediated again."), field="note")
    if any(c.ruling in (Ruling.PENDING, Ruling.CONFIRMED) for c in case.confirmations):
        raise ValidationFailed(
            _l(
                "A court has this agreement for judicial confirmation: follow the court's route "
                "(enforcement, or a new agreement after a rejection)."
            )
        )
    dropped = [v for v in case.follow_ups if v.done_at is None]
    data = {
        "agreement": snapshot(agreement),
        "dropped_visits": [v.due_on.isoformat() for v in dropped],
    }
    transition(case, Action.REOPEN, actor, note=note, public=True, data=data)
    for visit in dropped:
        case.follow_ups.remove(visit)
    case.agreement = None
    db.session.delete(agreement)
    db.session.flush()  # the unique agreement.case_id is free before a new agreement
    case.closure_reason = None
    case.closed_at = None
