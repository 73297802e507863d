"""Correcting a case after registration: a party's details, a party added or marked withdrawn,
and the dispute itself (account, requests, type, place, amount).

What was registered wrong goes into every document, so whoever holds the case puts it right
(domain.permissions.can_correct) until the file is archived (PML Art. 27: the file is kept as
it was closed) or the case merged into another. Each correction needs a short reason and is
one internal event on the timeline with the values before and after; ID numbers, phones and
addresses in it are masked on the page like the parties' own (PML Art. 15, privacy).

A withdrawn party stays in the file and on the timeline but no longer takes part: their
consent is no longer asked (PML Art. 17), they sign no agreement (Art. 29) and documents
generated afterwards leave them out. The last applicant or respondent cannot be withdrawn
this way: without one there is no dispute to mediate, and mediation ends instead (the closing
panel, "a party withdrew"). Nor can a party be added or withdrawn once an agreement is
recorded: the agreement names its parties and binds them (Arts. 29, 31).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain.consent import DECIDING_ROLES
from domain.errors import NotPermitted, ValidationFailed
from domain.identity import IdentifierError, normalise_credit_code
from domain.ids import is_row_id
from domain.intake import PartyData, build_party, set_id_number, set_phone
from domain.permissions import can_correct
from domain.states import Action, allowed
from domain.timeline import transition
from domain.versioning import check_version
from extensions import db
from models import Case, Event, Party, Region, User, code_range
from models.enums import DisputeType, PartyKind, PartyRole, RegionLevel, Role, Sex
from models.types import utcnow

REASON_MAX = 500
# The amount column holds 12 digits before the decimal point.
AMOUNT_MAX = Decimal("999999999999.99")
# The roles a party can be added in here (agents are recorded with their authority at
# registration).
ADDABLE_ROLES = (PartyRole.APPLICANT, PartyRole.RESPONDENT, PartyRole.THIRD_PARTY)
# Shown masked on the timeline unless the reader may see them and asked to (domain.privacy).
PII_FIELDS = frozenset({"id_number", "phone", "address"})
PLACE_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)

FIELD_LABELS = {
    "name": _l("Name"),
    "kind": _l("Person or organisation"),
    "sex": _l("Sex"),
    "age": _l("Age"),
    "ethnicity": _l("Ethnicity"),
    "occupation": _l("Occupation"),
    "legal_rep": _l("Legal representative"),
    "legal_rep_post": _l("Post of the legal representative"),
    "credit_code": _l("Unified social credit code"),
    "id_number": _l("ID number"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "role": _l("Role"),
    "status": _l("Part in the dispute"),
    "summary": _l("Brief account"),
    "requests": _l("Requests"),
    "dispute_type": _l("Type"),
    "region": _l("Place"),
    "amount": _l("Amount in dispute"),
}


@dataclass
class PartyCorrection:
    """A party's details as they should be. For the ID number, phone and address, None keeps
    what is stored (so staff who see them masked can still correct the rest) and "" removes
    it; anything else replaces it, normalised as at intake."""

    name: str
    kind: PartyKind = PartyKind.PERSON
    sex: Sex | None = None
    age: int | None = None
    ethnicity: str | None = None
    occupation: str | None = None
    legal_rep: str | None = None
    legal_rep_post: str | None = None
    credit_code: str | None = None  # None keeps it, "" removes it (an organisation's code)
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass
class DisputeCorrection:
    """The dispute as it should be registered."""

    summary: str
    dispute_type: DisputeType
    region: Region
    requests: list[str] = field(default_factory=list)
    amount: Decimal | None = None


# ---- who, when, why -------------------------------------------------------------------------


def may_correct(user: User, case: Case) -> bool:
    """Whether `user` may correct `case` now (the case page shows the panel)."""
    return allowed(case.state, Action.CORRECT_PARTY) and can_correct(user, case)


def may_add(case: Case) -> bool:
    """Whether a party can be added now (not once an agreement is recorded)."""
    return case.agreement is None


def may_withdraw(case: Case, party: Party) -> bool:
    """Whether `party` can be marked withdrawn now: still taking part, no agreement recorded,
    and not the last applicant or respondent."""
    if party.withdrawn or case.agreement is not None:
        return False
    return party.role not in DECIDING_ROLES or len(case.parties_in(party.role)) > 1


def _check(case: Case, actor: User, version: int | None, reason: str | None) -> str:
    """Permission, the version the user saw, and the reason; returns the reason trimmed.
    The state is checked by the transition (InvalidTransition once archived or merged)."""
    if not can_correct(actor, case):
        raise NotPermitted()
    check_version(case, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Give a short reason for the correction."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _l("Keep the reason under %(max)d characters.", max=REASON_MAX), field="reason"
        )
    return reason


def _party_of(case: Case, party: Party | None) -> Party:
    if party is None or party.case_id != case.id or party not in case.parties:
        raise ValidationFailed(_l("Choose a party of this case."), field="party")
    return party


def _no_agreement(case: Case) -> None:
    if case.agreement is not None:
        raise ValidationFailed(
            _l(
                "The agreement names its parties (PML Art. 29): once it is recorded, no party "
                "can be added or withdrawn. Correct their details instead."
            )
        )


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _raw(value):
    """A value as the event stores it: enums by value, amounts as text."""
    if value is None:
        return None
    if isinstance(value, Sex | PartyKind | PartyRole | DisputeType):
        return value.value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


class _Changes:
    """The fields that changed, with their raw values before and after, in order."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, name: str, before, after) -> None:
        if before != after:
            self.rows.append({"field": name, "before": _raw(before), "after": _raw(after)})

    def set(self, obj, name: str, value) -> None:
        self.add(name, getattr(obj, name), value)
        setattr(obj, name, value)


def _identifier(party: Party, name: str, value: str) -> None:
    """Set the ID number or phone as intake does; a bad one is refused beside its field."""
    try:
        (set_id_number if name == "id_number" else set_phone)(party, value)
    except IdentifierError as error:
        raise ValidationFailed(error.message, field=name) from None


# ---- parties ------------------------------------------------------------------------------------


def correct_party(
    case: Case,
    party: Party | None,
    actor: User,
    *,
    version: int | None,
    data: PartyCorrection,
    reason: str | None,
) -> Event:
    """Correct one party's details. Only what differs is changed and recorded; an ID number
    and phone are normalised as at intake, so the repeat-visitor lookup and search find the
    corrected values (a phone typed differently but the same number is left as it was).

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (also when nothing
    changed).
    """
    reason = _check(case, actor, version, reason)
    party = _party_of(case, party)
    name = _text(data.name)
    if name is None:
        raise ValidationFailed(_l("Every party needs a name."), field="name")
    changes = _Changes()
    changes.set(party, "name", name)
    changes.set(party, "kind", data.kind)
    changes.set(party, "sex", data.sex)
    changes.set(party, "age", data.age)
    for name_ in ("ethnicity", "occupation", "legal_rep", "legal_rep_post"):
        changes.set(party, name_, _text(getattr(data, name_)))
    if data.id_number is not None:
        before = party.id_number
        _identifier(party, "id_number", data.id_number)
        changes.add("id_number", before, party.id_number)
    if data.phone is not None:
        before, before_norm = party.phone, party.phone_norm
        _identifier(party, "phone", data.phone)
        if party.phone_norm == before_norm:
            party.phone = before  # the same number, typed another way: nothing to record
        changes.add("phone", before, party.phone)
    if data.address is not None:
        changes.set(party, "address", _text(data.address))
    if data.credit_code is not None:
        try:
            code = normalise_credit_code(data.credit_code) if data.credit_code.strip() else None
        except IdentifierError as error:
            raise ValidationFailed(error.message, field="credit_code") from None
        changes.set(party, "credit_code", code)
    if not changes.rows:
        raise ValidationFailed(_l("Nothing was changed: edit a field, or close the form."))
    return transition(
        case,
        Action.CORRECT_PARTY,
        actor,
        note=reason,
        public=False,
        data={"party_id": party.id, "party": party.name, "changes": changes.rows},
    )


def add_party(
    case: Case, actor: User, *, version: int | None, data: PartyData, reason: str | None
) -> Party:
    """Add an applicant, respondent or third party found missing after registration. The
    new party's consent is still to be recorded (PML Art. 17) before the next session.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    reason = _check(case, actor, version, reason)
    if data.role not in ADDABLE_ROLES:
        raise ValidationFailed(_l("Choose the party's role."), field="role")
    _no_agreement(case)
    name = _text(data.name)
    if name is None:
        raise ValidationFailed(_l("Every party needs a name."), field="name")
    position = max((p.position for p in case.parties), default=-1) + 1
    party = build_party(
        PartyData(
            role=data.role,
            name=name,
            kind=data.kind,
            sex=data.sex,
            ethnicity=data.ethnicity,
            age=data.age,
            occupation=data.occupation,
            legal_rep=data.legal_rep,
            legal_rep_post=data.legal_rep_post,
            address=data.address,
        ),
        position,
    )
    _identifier(party, "id_number", data.id_number)
    _identifier(party, "phone", data.phone)
    case.parties.append(party)
    db.session.flush()  # the party's id, for the event
    changes = _Changes()
    changes.add("role", None, party.role)
    if party.kind != PartyKind.PERSON:  # the usual case goes without saying
        changes.add("kind", None, party.kind)
    for name_ in ("name", "sex", "age", "ethnicity", "occupation"):
        changes.add(name_, None, getattr(party, name_))
    for name_ in ("legal_rep", "legal_rep_post", "id_number", "phone", "address"):
        changes.add(name_, None, getattr(party, name_))
    transition(
        case,
        Action.ADD_PARTY,
        actor,
        note=reason,
        public=False,
        data={"party_id": party.id, "party": party.name, "changes": changes.rows},
    )
    return party


def withdraw_party(
    case: Case,
    party: Party | None,
    actor: User,
    *,
    version: int | None,
    reason: str | None,
    now: datetime | None = None,
) -> Event:
    """Mark a party withdrawn from the dispute: kept in the file and on the timeline, no
    longer asked for consent or a signature. Not the last applicant or respondent (end
    mediation instead), and not once an agreement is recorded.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed.
    """
    reason = _check(case, actor, version, reason)
    party = _party_of(case, party)
    if party.withdrawn:
        raise ValidationFailed(_l("%(name)s is already marked withdrawn.", name=party.name))
    _no_agreement(case)
    if party.role in DECIDING_ROLES and len(case.parties_in(party.role)) <= 1:
        raise ValidationFailed(
            _l(
                "%(name)s is the last %(role)s: without one there is nothing to mediate. "
                "If they withdraw, end mediation instead (a party withdrew).",
                name=party.name,
                role=party.role.label,
            )
        )
    party.withdrawn_at = now or utcnow()
    return transition(
        case,
        Action.WITHDRAW_PARTY,
        actor,
        note=reason,
        public=False,
        data={
            "party_id": party.id,
            "party": party.name,
            "changes": [{"field": "status", "before": "active", "after": "withdrawn"}],
        },
    )


# ---- the dispute -------------------------------------------------------------------------------


def _places(case: Case, user: User) -> sa.Select:
    """Where the case's place may be corrected to: a county, township or village of the
    case's county (its number and centre are the county's; another county is a transfer)
    and, for the desk and leaders, of their own area (a correction does not move a case out
    of their sight). The current place is always allowed."""
    low, high = code_range(case.region_code[:6])
    inside = [Region.code >= low, Region.code < high, Region.level.in_(PLACE_LEVELS)]
    if user.role in (Role.CLERK, Role.LEADER):
        mine_low, mine_high = code_range(user.organisation.region.code)
        inside += [Region.code >= mine_low, Region.code < mine_high]
    return sa.select(Region).where(sa.or_(sa.and_(*inside), Region.id == case.region_id))


def place_choices(case: Case, user: User) -> list[Region]:
    """The places offered when correcting the dispute, by code (one query)."""
    return list(db.session.scalars(_places(case, user).order_by(Region.code)))


def place_target(case: Case, user: User, region_id: object) -> Region | None:
    """The region `region_id` if the case's place may be corrected to it, else None."""
    if not is_row_id(region_id):
        return None
    return db.session.scalars(_places(case, user).where(Region.id == region_id)).first()


def _region_text(region: Region) -> str:
    return f"{region.full_name()}（{region.code}）"


def correct_dispute(
    case: Case,
    actor: User,
    *,
    version: int | None,
    data: DisputeCorrection,
    reason: str | None,
) -> Event:
    """Correct the brief account, the requests, the dispute type, the place and the amount.
    Only what differs is changed and recorded. The place must be one `place_choices` offers.

    Raises NotPermitted, StaleCase, InvalidTransition, ValidationFailed (also when nothing
    changed).
    """
    reason = _check(case, actor, version, reason)
    summary = _text(data.summary)
    if summary is None:
        raise ValidationFailed(_l("Describe the dispute briefly."), field="summary")
    amount = data.amount
    if amount is not None and (not amount.is_finite() or not 0 <= amount <= AMOUNT_MAX):
        raise ValidationFailed(_l("Enter an amount of 0 or more yuan."), field="amount")
    region = data.region
    if region is None or place_target(case, actor, region.id) is None:
        raise ValidationFailed(_l("Choose a place in the case's county."), field="region")
    changes = _Changes()
    changes.set(case, "summary", summary)
    changes.set(case, "requests", [r.strip() for r in data.requests if r and r.strip()])
    changes.set(case, "dispute_type", data.dispute_type)
    if region.id != case.region_id:
        changes.add("region", _region_text(case.region), _region_text(region))
        changes.rows[-1]["codes"] = [case.region_code, region.code]
        case.region, case.region_code = region, region.code
    if amount is not None:
        amount = amount.quantize(Decimal("0.01"))
    changes.set(case, "amount", amount)
    if not changes.rows:
        raise ValidationFailed(_l("Nothing was changed: edit a field, or close the form."))
    return transition(
        case,
        Action.CORRECT_DISPUTE,
        actor,
        note=reason,
        public=False,
        data={"changes": changes.rows},
    )
