"""Keyset pagination: the next page starts after the last row's sort key, so a page costs the
same at row 25 and at row 100 000, and no COUNT(*) is ever needed."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from extensions import db


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str | None, kinds: list[type]) -> list[Any] | None:
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            return None
        out = []
        for value, kind in zip(raw, kinds, strict=True):
            if kind is datetime:
                out.append(datetime.fromisoformat(value))
            elif kind is date:
                out.append(date.fromisoformat(value))
            else:
                out.append(kind(value))
        return out
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


def keyset_page(
    stmt: sa.Select,
    columns: list[sa.ColumnElement],
    kinds: list[type],
    cursor: str | None,
    size: int,
    key=None,
) -> Page:
    """Order `stmt` by `columns` (ascending; the last must be unique, e.g. the id), start after
    `cursor`, and fetch one extra row to know whether a next page exists. `key(row)` returns the
    sort values of a row."""
    after = _decode(cursor, kinds)
    if after is not None:
        stmt = stmt.where(sa.tuple_(*columns) > sa.tuple_(*after))
    rows = list(db.session.scalars(stmt.order_by(*columns).limit(size + 1)))
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = _encode(key(rows[-1]))
    return Page(rows, next_cursor)
