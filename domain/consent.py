"""Consent to mediate (PML Art. 17) and the rights-and-obligations notice (MOJ-2002 Art. 30).

Mediation is voluntary: each party's answer is recorded with how and when it was given, and a
party's clear refusal ends the case as refused, with the notice of other channels. Before a
session is recorded every party present must have acknowledged the notice.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from domain.aftercare import schedule_closing_follow_ups
from domain.calendar import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, may
from domain.states import Action
from domain.timeline import transition
from domain.versioning import check_version
from models import Case, Party, User
from models.enums import ClosureReason, ConsentStatus, ContactMethod, NoticeAck, PartyRole
from models.states import CaseState
from models.types import utcnow

# The states in which the parties' answers are recorded (the transition table's rows).
CONSENT_STATES = (
    CaseState.ACCEPTED,
    CaseState.DISPATCHED,
    CaseState.MEDIATING,
    CaseState.JOINT_MEDIATION,
)
# Roles whose consent decides whether mediation may happen.
DECIDING_ROLES = (PartyRole.APPLICANT, PartyRole.RESPONDENT)


def can_record_consent(user: User, case: Case) -> bool:
    """The desk before dispatch; the case's mediators or its committee's director once the
    case is at a committee (domain.permissions, Work.CONSENT: a refusal closes the case, so
    only whoever holds it records the answers)."""
    return may(user, Work.CONSENT, case)


def _party_of(case: Case, party: Party) -> Party:
    if party.case_id != case.id:
        raise ValidationFailed(_l("Choose a party of this case."), field="party")
    if party.withdrawn:
        # A withdrawn party's answer no longer decides anything (their refusal must not
        # close the case).
        raise ValidationFailed(
            _l("%(name)s has withdrawn from the dispute.", name=party.name), field="party"
        )
    return party


def record_consent(
    case: Case,
    party: Party,
    actor: User,
    *,
    version: int | None,
    status: ConsentStatus,
    method: ContactMethod,
    note: str | None = None,
    now: datetime | None = None,
) -> None:
    """Record a party's answer. A refusal by an applicant or respondent ends the case as
    refused (PML Art. 17); the parties are told the other channels (Art. 26).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_record_consent(actor, case):
        raise NotPermitted()
    check_version(case, version)
    if method == ContactMethod.ONLINE:
        # Only the party gives an answer online, through their own door (answer_online).
        raise ValidationFailed(
            _l("An online answer is given by the party through their invitation."),
            field="method",
        )
    _answer(case, _party_of(case, party), actor, status=status, method=method, note=note, now=now)


def _answer(
    case: Case,
    party: Party,
    actor: User | None,
    *,
    status: ConsentStatus,
    method: ContactMethod,
    note: str | None,
    now: datetime | None,
    extra: dict | None = None,
) -> None:
    """Record the answer (staff or, with `actor` None, the party themselves online)."""
    if status == ConsentStatus.PENDING:
        raise ValidationFailed(_l("Choose the party's answer."), field="status")
    now = now or utcnow()
    party.consent, party.consent_method, party.consent_at = status, method, now
    data = {
        "party_id": party.id,
        "party": party.name,
        "consent": status.value,
        "method": method.value,
        **(extra or {}),
    }
    if status == ConsentStatus.REFUSED and party.role in DECIDING_ROLES:
        transition(case, Action.REFUSE, actor, note=note, public=True, data=data)
        case.closure_reason = ClosureReason.PARTY_REFUSED
        case.closed_at = now
        schedule_closing_follow_ups(case, local_today(now))
    else:
        transition(case, Action.RECORD_CONSENT, actor, note=note, public=False, data=data)


def _acknowledge(
    case: Case, party: Party, actor: User | None, *, how: NoticeAck, now, extra=None
) -> None:
    if how == NoticeAck.NONE:
        raise ValidationFailed(_l("Choose how the notice was acknowledged."), field="how")
    party.notice_ack, party.notice_ack_at = how, now or utcnow()
    transition(
        case,
        Action.ACK_NOTICE,
        actor,
        public=False,
        data={"party_id": party.id, "party": party.name, "how": how.value, **(extra or {})},
    )


# What the timeline shows as the actor of an answer the party gave themselves online.
ONLINE = {"via": "party_online"}


def answer_online(
    case: Case,
    party: Party,
    *,
    status: ConsentStatus | None,
    acknowledge: bool,
    now: datetime | None = None,
) -> None:
    """The party's own answer through the public door (PML Art. 17; MOJ-2002 Art. 30):
    consent given online (ContactMethod.ONLINE) and/or the notice acknowledged electronically,
    at the time it was sent, by the party (no staff actor). The caller has checked the party's
    code. A refusal by a respondent ends the case as refused, as when staff record it.

    Raises InvalidTransition (the case has moved past consent), ValidationFailed.
    """
    party = _party_of(case, party)
    now = now or utcnow()
    if status is None and not acknowledge:
        raise ValidationFailed(_l("Choose your answer."), field="status")
    if acknowledge and party.notice_ack == NoticeAck.NONE:
        _acknowledge(case, party, None, how=NoticeAck.ELECTRONIC, now=now, extra=ONLINE)
    if status is not None:
        _answer(
            case,
            party,
            None,
            status=status,
            method=ContactMethod.ONLINE,
            note=None,
            now=now,
            extra=ONLINE,
        )


def acknowledge_notice(
    case: Case,
    party: Party,
    actor: User,
    *,
    version: int | None,
    how: NoticeAck,
    now: datetime | None = None,
) -> None:
    """Record that a party was given the rights-and-obligations notice and acknowledged it.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    if not can_record_consent(actor, case):
        raise NotPermitted()
    check_version(case, version)
    _acknowledge(case, _party_of(case, party), actor, how=how, now=now)


def check_all_consented(case: Case, field: str = "present") -> None:
    """Every applicant and respondent agreed to mediate (PML Art. 17): without that there is
    no mediation, so no session and no agreement. A party marked withdrawn is no longer
    asked. Raises ValidationFailed naming who is missing."""
    waiting = [
        p.name
        for p in case.active_parties
        if p.role in DECIDING_ROLES and p.consent != ConsentStatus.AGREED
    ]
    if waiting:
        raise ValidationFailed(
            _l("Record the consent of every party first: %(names)s.", names="、".join(waiting)),
            field=field,
        )


def check_ready_for_session(case: Case, present: list[Party]) -> None:
    """Every applicant and respondent still in the dispute agreed to mediate, and every party
    present acknowledged the notice. Raises ValidationFailed naming who is missing."""
    if not present:
        raise ValidationFailed(_l("Tick the parties present at the session."), field="present")
    waiting = [
        p.name
        for p in case.active_parties
        if p.role in DECIDING_ROLES and p.consent != ConsentStatus.AGREED
    ]
    if waiting:
        raise ValidationFailed(
            _l("Record the consent of every party first: %(names)s.", names="、".join(waiting)),
            field="present",
        )
    unaware = [p.name for p in present if p.notice_ack == NoticeAck.NONE]
    if unaware:
        raise ValidationFailed(
            _l(
                "These parties have not acknowledged the rights and obligations notice: %(names)s.",
                names="、".join(unaware),
            ),
            field="present",
        )
