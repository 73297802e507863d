"""Holding a fresh application's query code for its receipt, server-side.

The applicant's browser session carries only a random token; the code itself is stored sealed
with that token (a one-time pad from an HMAC of the token), under the token's hash. Whoever reads
the cookie learns no code, and whoever reads the table cannot unseal one. The caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa

from extensions import db
from models import Case, ReceiptHold


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _pad(token: str, length: int) -> bytes:
    return hmac.new(token.encode(), b"jiefen receipt code", hashlib.sha256).digest()[:length]


def _seal(token: str, code: str) -> str:
    raw = code.encode("ascii")
    return bytes(a ^ b for a, b in zip(raw, _pad(token, len(raw)), strict=True)).hex()


def _unseal(token: str, sealed: str) -> str | None:
    try:
        raw = bytes.fromhex(sealed)
        return bytes(a ^ b for a, b in zip(raw, _pad(token, len(raw)), strict=True)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None


def hold_code(case: Case, code: str, until: datetime, now: datetime) -> str:
    """Hold `code` of `case` until `until`; returns the token for the applicant's session.
    Holds whose time is up are removed on the way (one indexed DELETE)."""
    db.session.execute(sa.delete(ReceiptHold).where(ReceiptHold.until <= now))
    token = secrets.token_urlsafe(32)
    db.session.add(
        ReceiptHold(
            token_hash=_digest(token), case_id=case.id, sealed_code=_seal(token, code), until=until
        )
    )
    db.session.flush()
    return token


def held_code(token: str, number: str, now: datetime) -> tuple[str, datetime] | None:
    """The code held under `token` for case `number` and until when, or None (unknown token,
    another case, or the time is up: then the hold is removed)."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    hold = db.session.scalar(
        sa.select(ReceiptHold)
        .join(Case, Case.id == ReceiptHold.case_id)
        .where(ReceiptHold.token_hash == _digest(token), Case.number == number)
    )
    if hold is None:
        return None
    if hold.until <= now:
        db.session.delete(hold)
        db.session.flush()
        return None
    code = _unseal(token, hold.sealed_code)
    return (code, hold.until) if code else None


def drop_hold(token: str) -> None:
    """Forget the code held under `token` (the applicant removed it, or its time is up)."""
    if isinstance(token, str) and token:
        db.session.execute(sa.delete(ReceiptHold).where(ReceiptHold.token_hash == _digest(token)))
