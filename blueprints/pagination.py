"""Keyset pagination: the next page starts after the last row's sort key, so a page costs the
same at row 25 and at row 100 000, and no COUNT(*) is ever needed."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
                moment = datetime.fromisoformat(value)
                out.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
            elif kind is date:
                out.append(date.fromisoformat(value))
            else:
                converted = kind(value)
                if isinstance(converted, int) and abs(converted) >= 2**62:
                    return None  # a forged cursor; no id is that large
                out.append(converted)
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
    *,
    descending: bool = False,
) -> Page:
    """Order `stmt` by `columns` (the last must be unique, e.g. the id), start after `cursor`,
    and fetch one extra row to know whether a next page exists. `key(row)` returns the sort
    values of a row. A cursor that does not decode starts from the first page."""
    after = _decode(cursor, kinds)
    if after is not None:
        bound = sa.tuple_(
            *[sa.literal(v, type_=c.type) for c, v in zip(columns, after, strict=True)]
        )
        row = sa.tuple_(*columns)
        stmt = stmt.where(row < bound if descending else row > bound)
    order = [c.desc() for c in columns] if descending else list(columns)
    rows = list(db.session.scalars(stmt.order_by(*order).limit(size + 1)))
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = _encode(key(rows[-1]))
    return Page(rows, next_cursor)
