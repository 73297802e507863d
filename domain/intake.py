"""Intake: a citizen's online application and the desk's registration of a walk-in, phone call
or referral. Both create a case in REGISTERED with one number for life and a query code."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from domain.calendar import local_today
from domain.codes import (
    QUERY_ALPHABET,
    QUERY_CODE_LENGTH,
    check_query_code,
    hash_query_code,
    new_query_code,
    next_case_number,
)
from domain.errors import NotPermitted, ValidationFailed
from domain.identity import normalise_credit_code, normalise_id_number, normalise_phone
from domain.permissions import Work, may, may_register
from domain.states import Action
from domain.timeline import record
from extensions import db
from models import Case, Organisation, Party, Region, User
from models.enums import (
    AgentAuthority,
    Channel,
    DisputeType,
    OrgKind,
    PartyKind,
    PartyRole,
    RiskLevel,
    Sex,
    Source,
)
from models.types import utcnow

# More parties than any one dispute at the desk brings (a collective dispute sends its
# representatives): a bound on what a form or a forged request can make us store.
MAX_PARTIES = 40


@dataclass
class PartyData:
    role: PartyRole
    name: str
    kind: PartyKind = PartyKind.PERSON
    sex: Sex | None = None
    ethnicity: str | None = None
    age: int | None = None
    occupation: str | None = None
    legal_rep: str | None = None
    legal_rep_post: str | None = None
    # Organisations: the unified social credit code (统一社会信用代码).
    credit_code: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    # Agents (role AGENT): the position in CaseData.parties of the party they act for, and
    # the authority the power of attorney gives them.
    acts_for: int | None = None
    authority: AgentAuthority | None = None


@dataclass
class CaseData:
    region: Region
    dispute_type: DisputeType
    summary: str
    parties: list[PartyData]
    requests: list[str] = field(default_factory=list)
    amount: Decimal | None = None
    risk_level: RiskLevel = RiskLevel.NONE
    # The dispute spans several villages, townships or counties (routing sends it up).
    cross_region: bool = False


def county_centre(region: Region) -> Organisation | None:
    """The county-level dispute resolution centre for the county `region` lies in."""
    county_code = region.county_code
    if county_code is None:
        return None
    stmt = (
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(Organisation.kind == OrgKind.CENTRE, Region.code == county_code)
        .order_by(Organisation.id)
    )
    return db.session.scalars(stmt).first()


def set_id_number(party: Party, value: str | None) -> None:
    """Store a resident ID number in its compact form with the normalised copy that the
    repeat-visitor lookup and search read (blank: no number). Raises IdentifierError."""
    if value and value.strip():
        party.id_number_norm = normalise_id_number(value)
        party.id_number = party.id_number_norm
    else:
        party.id_number = party.id_number_norm = None


def set_phone(party: Party, value: str | None) -> None:
    """Store a phone as typed (full-width digits from a Chinese keyboard made ordinary) with
    its E.164 copy for matching (blank: no phone). Raises IdentifierError."""
    if value and value.strip():
        party.phone_norm = normalise_phone(value)
        party.phone = unicodedata.normalize("NFKC", value).strip()
    else:
        party.phone = party.phone_norm = None


def build_party(data: PartyData, position: int) -> Party:
    """A new Party from `data`, identifiers normalised. Raises IdentifierError."""
    party = Party(
        role=data.role,
        kind=data.kind,
        position=position,
        name=data.name.strip(),
        sex=data.sex,
        ethnicity=(data.ethnicity or "").strip() or None,
        age=data.age,
        occupation=(data.occupation or "").strip() or None,
        legal_rep=(data.legal_rep or "").strip() or None,
        legal_rep_post=(data.legal_rep_post or "").strip() or None,
        address=(data.address or "").strip() or None,
    )
    set_id_number(party, data.id_number)
    set_phone(party, data.phone)
    if data.credit_code and data.credit_code.strip():
        party.credit_code = normalise_credit_code(data.credit_code)
    if data.role == PartyRole.AGENT:
        party.agent_authority = data.authority
    return party


def _check_parties(parties: list[PartyData]) -> None:
    """Every party named, at most MAX_PARTIES, and each agent a person acting with a stated
    authority for one of the other parties (not for another agent)."""
    if len(parties) > MAX_PARTIES:
        raise ValidationFailed(
            _l("At most %(num)d parties can be registered on one case.", num=MAX_PARTIES),
            field="parties",
        )
    if any(not (p.name or "").strip() for p in parties):
        raise ValidationFailed(_l("Every party needs a name."), field="parties")
    for p in parties:
        if p.role != PartyRole.AGENT:
            if p.acts_for is not None:
                raise ValidationFailed(_l("Only an agent acts for another party."), field="agents")
            continue
        principal = (
            parties[p.acts_for]
            if p.acts_for is not None and 0 <= p.acts_for < len(parties)
            else None
        )
        if principal is None or principal.role == PartyRole.AGENT:
            raise ValidationFailed(_l("Choose the party this agent acts for."), field="agents")
        if p.authority is None:
            raise ValidationFailed(
                _l("Choose the authority the power of attorney gives the agent."), field="agents"
            )
        if p.kind != PartyKind.PERSON:
            raise ValidationFailed(_l("An agent is a person."), field="agents")


def _create_case(
    data: CaseData,
    *,
    source: Source,
    channel: Channel,
    actor: User | None,
    intake_org: Organisation | None,
    now: datetime | None,
    code: str | None = None,
) -> tuple[Case, str]:
    _check_parties(data.parties)
    if not (data.summary or "").strip():
        raise ValidationFailed(_l("Describe the dispute briefly."), field="summary")
    roles = {p.role for p in data.parties}
    if PartyRole.APPLICANT not in roles and source == Source.APPLICATION:
        raise ValidationFailed(_l("At least one applicant is required."), field="applicants")
    if PartyRole.RESPONDENT not in roles:
        raise ValidationFailed(_l("At least one respondent is required."), field="respondents")
    county_code = data.region.county_code
    if county_code is None:
        raise ValidationFailed(_l("Choose at least the county of the dispute."), field="region")
    now = now or utcnow()
    code = code or new_query_code()
    # Hashed before the number is reserved: the hash is deliberately slow, and reserving the
    # number locks the county's counter (on SQLite the whole database) until the commit.
    code_hash = hash_query_code(code)
    case = Case(
        # The year of the case number is the year in China (a case on 1 January at 07:00
        # Beijing time is still 31 December in UTC).
        number=next_case_number(local_today(now).year, county_code),
        query_code_hash=code_hash,
        source=source,
        channel=channel,
        dispute_type=data.dispute_type,
        summary=data.summary.strip(),
        requests=[r.strip() for r in data.requests if r and r.strip()],
        amount=data.amount,
        risk_level=data.risk_level,
        cross_region=bool(data.cross_region),
        region=data.region,
        region_code=data.region.code,
        intake_org=intake_org or county_centre(data.region),
        registered_by=actor,
        created_at=now,
    )
    case.parties = [build_party(p, i) for i, p in enumerate(data.parties)]
    for built, given in zip(case.parties, data.parties, strict=True):
        if given.role == PartyRole.AGENT:
            built.principal = case.parties[given.acts_for]
    db.session.add(case)
    return case, code


def _fingerprint(data: CaseData) -> bytes:
    """What was typed, in one canonical form: the same form sent again gives the same bytes."""
    content = {
        "region": data.region.id,
        "dispute_type": data.dispute_type,
        "summary": data.summary,
        "requests": data.requests,
        "amount": data.amount,
        "risk_level": data.risk_level,
        "cross_region": data.cross_region,
        "parties": [{f.name: getattr(p, f.name) for f in fields(p)} for p in data.parties],
    }
    return json.dumps(content, sort_keys=True, default=str, ensure_ascii=False).encode()


def _submission(token: str, data: CaseData) -> tuple[str, str]:
    """(the digest stored on the case, its query code) for the form with one-time token
    `token` and content `data`.

    The token and the content together name one application: a form whose page was reused
    for a different application (a browser restoring the old token) files a new case. The
    query code is derived from them with the server's secret key, so the same form sent again
    shows the same receipt although only the code's hash is stored; the token is never stored,
    so the database and the key together still do not give the code away.
    """
    material = token.encode() + b"\0" + _fingerprint(data)
    digest = hashlib.sha256(b"submission\0" + material).hexdigest()
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    number = int.from_bytes(hmac.new(key, b"query-code\0" + material, "sha256").digest())
    letters = []
    for _ in range(QUERY_CODE_LENGTH):
        number, index = divmod(number, len(QUERY_ALPHABET))
        letters.append(QUERY_ALPHABET[index])
    return digest, "".join(letters)


def filed_application(data: CaseData, submission: str) -> tuple[Case, str | None] | None:
    """The case already filed by the form with one-time token `submission` and content `data`,
    with its query code (None if the server's secret key changed since: the code derived now
    is not the one stored), or None."""
    digest, code = _submission(submission, data)
    case = db.session.scalar(sa.select(Case).where(Case.submission_hash == digest))
    if case is None:
        return None
    return case, code if check_query_code(case.query_code_hash, code) else None


def submit_application(
    data: CaseData, *, submission: str | None = None, now: datetime | None = None
) -> tuple[Case, str | None]:
    """A citizen's online application (人民调解申请书). Returns the case and its query code,
    which exists in plain text only in this return value.

    `submission` is the form's one-time token: the same form sent again (a double click, or a
    retry after a dropped connection hid whether the first one was stored) returns the case it
    already filed and the same query code (None if it cannot be shown again: see
    `filed_application`), and files nothing. Two at once cannot both file:
    the second flush or commit raises IntegrityError (the digest is unique), after which
    `filed_application` finds the first.

    Raises ValidationFailed (no applicant / respondent / county) or IdentifierError.
    """
    digest = code = None
    if submission:
        filed = filed_application(data, submission)
        if filed is not None:
            return filed
        digest, code = _submission(submission, data)
    case, code = _create_case(
        data,
        source=Source.APPLICATION,
        channel=Channel.ONLINE,
        actor=None,
        intake_org=None,
        now=now,
        code=code,
    )
    case.submission_hash = digest
    record(case, Action.REGISTER, None, public=True, data={"channel": Channel.ONLINE.value})
    db.session.flush()
    return case, code


def register_case(
    data: CaseData,
    actor: User,
    *,
    source: Source = Source.APPLICATION,
    channel: Channel = Channel.WALK_IN,
    note: str | None = None,
    now: datetime | None = None,
    event_data: dict | None = None,
) -> tuple[Case, str]:
    """The desk registers a case (人民调解受理登记表): walk-in, phone, referral or initiative.
    `event_data` adds raw values to the registration event (a referral's kind and number).

    Raises NotPermitted (only the desk), ValidationFailed or IdentifierError.
    """
    if not may_register(actor):
        raise NotPermitted()
    case, code = _create_case(
        data, source=source, channel=channel, actor=actor, intake_org=actor.organisation, now=now
    )
    record(
        case,
        Action.REGISTER,
        actor,
        note=note,
        public=True,
        data={"channel": channel.value, **(event_data or {})},
    )
    db.session.flush()
    return case, code


def reset_query_code(case: Case, actor: User, *, reason: str) -> str:
    """Issue a new query code for a citizen who lost theirs (after the desk checked their ID).
    The old code stops working at once. Returns the new code, which exists in plain text only
    in this return value.

    Raises NotPermitted (only the desk), ValidationFailed (no reason).
    """
    if not may(actor, Work.RESET_CODE, case):
        raise NotPermitted()
    if not (reason or "").strip():
        raise ValidationFailed(_l("Say how the person's identity was checked."), field="reason")
    code = new_query_code()
    case.query_code_hash = hash_query_code(code)
    # Public: the citizen sees on the status page when their code was replaced.
    record(case, Action.RESET_QUERY_CODE, actor, note=reason.strip(), public=True)
    db.session.flush()
    return code


def register_found(
    data: CaseData,
    actor: User,
    organisation: Organisation,
    *,
    note: str | None = None,
    now: datetime | None = None,
    event_data: dict | None = None,
) -> tuple[Case, str]:
    """A dispute found in a screening round (排查) registered as the committee's own initiative
    (source 主动调解, PML Art. 17; channel "found in screening", which the statistics count as
    排查发现纠纷数), at the organisation that screened. The caller (domain.screening_rounds)
    has checked that `actor` files rounds for `organisation`; the desk of the area then screens
    and dispatches the case as any other.

    Raises ValidationFailed or IdentifierError."""
    case, code = _create_case(
        data,
        source=Source.INITIATIVE,
        channel=Channel.SCREENING,
        actor=actor,
        intake_org=organisation,
        now=now,
    )
    record(
        case,
        Action.REGISTER,
        actor,
        note=note,
        public=True,
        data={"channel": Channel.SCREENING.value, **(event_data or {})},
    )
    db.session.flush()
    return case, code
