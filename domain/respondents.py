"""The other party's door (被申请人): invitations with a code of their own, and the door itself.

The applicant checks the case with the query code given at filing; each respondent gets a
code of their own when the centre invites them (a printed letter with the link and the code).
The code is hashed like the query code (domain.codes), shown once, and replaced when issued
again. With the case number and that code the respondent reads the claim, the centre and the
rights-and-obligations notice, answers whether they agree to mediation (PML Art. 17) and
acknowledges the notice (MOJ-2002 Art. 30) through domain.consent, gives their own account and
uploads material (domain.uploads). Staff see it at once on the case page and the timeline.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain import notifications
from domain.codes import (
    check_query_code,
    dummy_query_code_hash,
    hash_query_code,
    new_query_code,
    normalise_case_number,
)
from domain.consent import CONSENT_STATES, can_record_consent
from domain.errors import NotPermitted, ValidationFailed
from domain.states import Action
from domain.timeline import record
from domain.versioning import check_version
from extensions import db
from models import Case, Party, PartyAccess, PartySubmission, User
from models.enums import PartyRole
from models.types import utcnow

MAX_ACCOUNT_CHARS = 5000
# Files one respondent may send through the door (each checked by domain.uploads, ≤10 MB).
MAX_FILES_PER_PARTY = 20


def invitable(case: Case) -> list[Party]:
    """The parties who may be invited through the door: respondents still in the dispute."""
    return [p for p in case.active_parties if p.role == PartyRole.RESPONDENT]


def door_open(case: Case) -> bool:
    """Whether the door takes answers: while consent may still be recorded."""
    return case.state in CONSENT_STATES


def access_of(party: Party) -> PartyAccess | None:
    return db.session.scalar(sa.select(PartyAccess).where(PartyAccess.party_id == party.id))


def invitations(case: Case) -> dict[int, PartyAccess]:
    """The invitations of the case by party id."""
    rows = db.session.scalars(sa.select(PartyAccess).where(PartyAccess.case_id == case.id))
    return {a.party_id: a for a in rows}


def issue_invitation(
    case: Case, party: Party, actor: User, *, version: int | None, now: datetime | None = None
) -> str:
    """Give a respondent their own code (a new one replaces the old, which stops working at
    once). Returns the code, which exists in plain text only in this return value: the
    caller prints it in the invitation letter.

    Raises NotPermitted (only who records consent), StaleCase, ValidationFailed.
    """
    if not can_record_consent(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if not door_open(case):
        raise ValidationFailed(_l("The parties' answers are no longer asked for this case."))
    if party.case_id != case.id or party not in invitable(case):
        raise ValidationFailed(_l("Choose a respondent of this case."), field="party")
    now = now or utcnow()
    code = new_query_code()
    access = access_of(party)
    again = access is not None
    if access is None:
        access = PartyAccess(case_id=case.id, party_id=party.id)
        db.session.add(access)
    access.code_hash = hash_query_code(code)
    access.issued_at, access.issued_by_id, access.last_used_at = now, actor.id, None
    record(
        case,
        Action.INVITE_PARTY,
        actor,
        data={"party_id": party.id, "party": party.name, "reissued": again},
    )
    # The message to the respondent's phone (domain.notifications) carries the code too.
    notifications.add_secret(party, code=code)
    db.session.flush()
    return code


def open_door(number: str | None, code: str | None) -> Party | None:
    """The respondent whose code this is on the case with this number, or None. The same
    work whether the number exists or not (one hash check per invitation of the case, and one
    against a dummy hash of the same work factor when there is none), so a wrong code tells
    nothing about which cases exist."""
    number = normalise_case_number(number or "")
    case = db.session.scalar(sa.select(Case).where(Case.number == number)) if number else None
    rows = (
        db.session.scalars(
            sa.select(PartyAccess).where(PartyAccess.case_id == case.id).order_by(PartyAccess.id)
        ).all()
        if case is not None
        else []
    )
    if not rows:
        check_query_code(dummy_query_code_hash(), code or "")
        return None
    found = None
    for access in rows:  # every row checked: the time does not tell which one matched
        if check_query_code(access.code_hash, code or "") and found is None:
            found = access
    if found is None or found.party.withdrawn:
        return None
    found.last_used_at = utcnow()
    return found.party


def fingerprint(party: Party) -> str:
    """What a browser session keeps of the code it was opened with: a digest of the stored
    hash (never the code, never the hash itself)."""
    access = access_of(party)
    return hashlib.sha256(access.code_hash.encode()).hexdigest()[:32] if access else ""


def check_access(party_id, held: str | None) -> Party | None:
    """The party a browser session was opened for, while the code it was opened with is
    still theirs (a re-issued code closes the sessions opened with the old one)."""
    if not isinstance(party_id, int) or not isinstance(held, str):
        return None
    party = db.session.get(Party, party_id)
    if party is None or party.withdrawn or fingerprint(party) != held:
        return None
    return party


def submissions(case: Case, party: Party | None = None) -> list[PartySubmission]:
    stmt = sa.select(PartySubmission).where(PartySubmission.case_id == case.id)
    if party is not None:
        stmt = stmt.where(PartySubmission.party_id == party.id)
    return db.session.scalars(stmt.order_by(PartySubmission.id)).all()


def _still_open(case: Case) -> None:
    if not door_open(case):
        raise ValidationFailed(
            _l("This case no longer takes answers online. Contact the centre handling it.")
        )


def give_account(case: Case, party: Party, text: str | None) -> PartySubmission:
    """The respondent's own account of the dispute, kept as sent. Raises ValidationFailed."""
    _still_open(case)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_l("Write your account first."), field="account")
    if len(text) > MAX_ACCOUNT_CHARS:
        raise ValidationFailed(
            _l("At most %(num)d characters.", num=MAX_ACCOUNT_CHARS), field="account"
        )
    row = PartySubmission(case_id=case.id, party_id=party.id, account=text)
    db.session.add(row)
    db.session.flush()
    record(
        case,
        Action.PARTY_ACCOUNT,
        None,
        data={
            "party_id": party.id,
            "party": party.name,
            "submission_id": row.id,
            "via": "party_online",
        },
    )
    return row
