"""People seen before: earlier cases of a person typed on the registration form.

The desk sees a repeat visitor's history while registering, so a dispute that keeps coming back
(or a party already in mediation elsewhere) is noticed before a second case is opened.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain.identity import (
    IdentifierError,
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
)
from domain.permissions import case_scope
from extensions import db
from models import Case, Party, User

SAME_ID = _l("same ID number")
SAME_CREDIT_CODE = _l("same credit code")
SAME_PHONE = _l("same phone")
SAME_NAME = _l("same name")


def _normalised(fn, value: str | None) -> str | None:
    """The normalised identifier, or None if it is empty or not (yet) valid. ID numbers are
    often typed in groups ("421022 19950101 123X"); the registration form keeps them as typed."""
    if not value or not value.strip():
        return None
    try:
        return fn(re.sub(r"\s+", "", value) if fn is normalise_id_number else value)
    except IdentifierError:
        return None


def _matching(user: User, condition, limit: int) -> list[tuple[Case, Party]]:
    """(case, party) rows of parties meeting `condition` in cases `user` may see, newest
    first. One query: the case comes back in the same row, nothing is lazy-loaded later."""
    stmt = (
        sa.select(Case, Party)
        .join(Party, Party.case_id == Case.id)
        .where(condition, case_scope(user))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return [(case, party) for case, party in db.session.execute(stmt).all()]


def find_earlier_cases(
    user: User,
    *,
    id_number: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    credit_code: str | None = None,
    limit: int = 10,
) -> list[tuple[Case, Party, object]]:
    """Earlier cases in which this person or organisation was a party (in any role), newest
    first, each as (case, the matching party, why). ID numbers, credit codes and phones match
    on their normalised forms (indexed); the exact name is tried only when none of them found
    anything, because names repeat. At most one row per case, with the strongest reason."""
    found: dict[int, tuple[Case, Party, object]] = {}
    id_norm = _normalised(normalise_id_number, id_number)
    code_norm = _normalised(normalise_credit_code, credit_code)
    phone_norm = _normalised(normalise_phone, phone)
    if id_norm:
        for case, party in _matching(user, Party.id_number_norm == id_norm, limit):
            found.setdefault(case.id, (case, party, SAME_ID))
    if code_norm:
        for case, party in _matching(user, Party.credit_code == code_norm, limit):
            found.setdefault(case.id, (case, party, SAME_CREDIT_CODE))
    if phone_norm:
        for case, party in _matching(user, Party.phone_norm == phone_norm, limit):
            found.setdefault(case.id, (case, party, SAME_PHONE))
    name = (name or "").strip()
    if not found and len(name) >= 2:
        for case, party in _matching(user, Party.name == name, limit):
            found.setdefault(case.id, (case, party, SAME_NAME))
    rows = sorted(found.values(), key=lambda r: (r[0].created_at, r[0].id), reverse=True)
    return rows[:limit]
