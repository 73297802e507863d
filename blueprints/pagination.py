"""Keyset pagination: the next page starts after the last row's sort key, so a page costs the
same at row 25 and at row 100 000, and no COUNT(*) is ever needed."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from domain.calendar import FIRST_DAY, LAST_DAY
from domain.ids import MAX_ID
from extensions import db


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _value(raw: Any, kind: type, column: sa.ColumnElement) -> Any:
    """One value of a cursor as `kind`, if a row's `column` could hold it; else ValueError.
    A cursor comes back from the browser and may be forged: a JSON number where text was
    (Infinity, NaN, 1e400), an id beyond the column's integers, a date in year 1 or 9999 or
    one that leaves the calendar when moved to UTC, a NUL character, a state that is no
    state. Each would otherwise fail inside the database driver."""
    if kind is int:
        if type(raw) is not int or not -MAX_ID - 1 <= raw <= MAX_ID:
            raise ValueError(raw)
        return raw
    if not isinstance(raw, str) or "\x00" in raw:
        raise ValueError(raw)
    if kind is datetime:
        moment = datetime.fromisoformat(raw)
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise ValueError(raw)
        return moment
    if kind is date:
        day = date.fromisoformat(raw)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError(raw)
        return day
    choices = getattr(column.type, "enums", None)
    length = getattr(column.type, "length", None)
    if (choices and raw not in choices) or (length and len(raw) > length):
        raise ValueError(raw)
    return kind(raw)


def _decode(cursor: str | None, columns: list[sa.ColumnElement], kinds: list[type]):
    if not cursor:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            return None
        return [_value(v, k, c) for v, k, c in zip(raw, kinds, columns, strict=True)]
    except (ValueError, TypeError, OverflowError, RecursionError):
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
    values of a row. A cursor that does not decode, or names values no row can have, starts
    from the first page."""
    after = _decode(cursor, columns, kinds)
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
