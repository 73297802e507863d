"""Case numbers and citizens' secret query codes.

Case number: YEAR-COUNTY-SEQUENCE, e.g. 2026-421022-000123, sequence per year and county, never
reused. Query code: 8 characters from an alphabet without look-alikes, shown once, stored hashed.
"""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from models import CaseSequence

# No 0/O, 1/I/L, 5/S? (5 and S are distinct enough in print); 31 symbols, 8 chars ~ 39.6 bits.
QUERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8
_NUMBER_RE = re.compile(r"^(\d{4})(\d{6})(\d{6})$")


def next_case_number(year: int, county_code: str) -> str:
    """Reserve and return the next case number for (year, county).

    One atomic UPDATE ... RETURNING per number, so two clerks registering at once never get the
    same number; the first case of a year inserts the counter row (a racing insert retries).
    """
    for _ in range(3):
        stmt = (
            sa.update(CaseSequence)
            .where(CaseSequence.year == year, CaseSequence.county_code == county_code)
            .values(last=CaseSequence.last + 1)
            .returning(CaseSequence.last)
        )
        seq = db.session.execute(stmt).scalar()
        if seq is None:
            try:
                with db.session.begin_nested():
                    db.session.add(CaseSequence(year=year, county_code=county_code, last=1))
                seq = 1
            except sa.exc.IntegrityError:
                continue
        return f"{year}-{county_code}-{seq:06d}"
    raise RuntimeError("could not reserve a case number")


def normalise_case_number(value: str) -> str | None:
    """Accept what people type (full-width digits, spaces, with or without dashes)."""
    text = unicodedata.normalize("NFKC", value or "")
    text = re.sub(r"[\s\-_—–]", "", text)
    match = _NUMBER_RE.match(text)
    if not match:
        return None
    return "-".join(match.groups())


def normalise_number_prefix(value: str | None) -> str:
    """What a user typed into a case-number search, as the start of a stored number
    (2026-421022-000123). Full-width digits and spaces are tolerated; a run of digits without
    dashes gets them inserted, so "2026421022" finds "2026-421022-…"."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", value or ""))
    text = re.sub(r"[_—–]", "-", text)
    if text.isdigit():
        parts = [text[:4], text[4:10], text[10:]]
        text = "-".join(p for p in parts if p)
        if len(parts[0]) == 4 and len(parts[1]) == 6 and not parts[2]:
            text += "-"
    return text


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def format_query_code(code: str) -> str:
    """Shown to people as ABCD-EFGH, easier to copy by hand."""
    return f"{code[:4]}-{code[4:]}"


def normalise_query_code(value: str) -> str:
    """Trim, fold full-width to ASCII, drop spaces and dashes, upper-case."""
    text = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-_—–]", "", text).upper()


def _method() -> str:
    return current_app.config.get("QUERY_CODE_HASH_METHOD", "pbkdf2:sha256:200000")


def hash_query_code(code: str) -> str:
    return generate_password_hash(code, method=_method())


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(8), method=method)


def dummy_query_code_hash() -> str:
    """A hash to check a typed code against when the case number is unknown: made with the
    same method and work factor as real codes, so a wrong number costs as much time as a wrong
    code and the lookup's timing does not tell which case numbers exist."""
    return _dummy_hash(_method())


def check_query_code(stored_hash: str, typed: str) -> bool:
    return check_password_hash(stored_hash, normalise_query_code(typed))
