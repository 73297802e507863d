"""Ids typed into URLs and hidden fields: the database's integer keys are 32-bit, so a larger
number (or one below 1) names no row. Checking before the query keeps a forged value from
overflowing the driver (OverflowError on SQLite, DataError on PostgreSQL): it is simply not
found."""

from __future__ import annotations

MAX_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """Whether `value` is an int that can be a primary key (1 .. 2**31 - 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def row_id(value: object) -> int | None:
    """`value` (an int or the text of a form field) as a possible id; None when it is empty,
    not a whole number, or out of range (the caller treats None as "not found")."""
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii() or not value.isdigit() or len(value) > 10:
            return None
        value = int(value)
    return value if is_row_id(value) else None
