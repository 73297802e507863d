"""Column types shared by the models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.ext.compiler
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Aware UTC now; used as a *callable* default so each row gets its own time."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes on every database.

    PostgreSQL keeps the zone; SQLite stores text without it, so values are normalised to UTC on
    the way in and marked UTC on the way out.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    """Store a str Enum by value as VARCHAR (no native type, no CHECK), so adding members later
    needs no migration."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def alembic_render_item(type_, obj, autogen_context):
    """Write our column types as plain SQL types in migration scripts: str enums are
    VARCHAR (new members need no migration) and UTCDateTime is a timezone-aware DATETIME."""
    if type_ == "type":
        if isinstance(obj, sa.Enum) and not obj.native_enum:
            return f"sa.String(length={obj.length})"
        if isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
    return False


def alembic_compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """Treat those equivalents as equal; otherwise let Alembic decide (None)."""
    if isinstance(metadata_type, sa.Enum) and not metadata_type.native_enum:
        return not (
            isinstance(inspected_type, sa.String)
            and (inspected_type.length or 0) == (metadata_type.length or 0)
        )
    if isinstance(metadata_type, UTCDateTime):
        return not isinstance(inspected_type, sa.DateTime)
    return None


class likely(sa.sql.expression.ColumnElement):  # noqa: N801 - reads like the SQL function
    """`likely(condition)` on SQLite, the bare condition elsewhere.

    A planner hint: SQLite keeps no statistics by default and prefers an index on any range
    condition, even one that keeps most rows, over an index that gives the ORDER BY for free.
    Wrapping a broad condition tells it the condition is usually true, so a list sorted by
    another index is read in order and stops after one page.
    """

    inherit_cache = True
    type = sa.Boolean()

    def __init__(self, condition):
        self.condition = condition


@sa.ext.compiler.compiles(likely)
def _likely_default(element, compiler, **kw):
    return compiler.process(element.condition, **kw)


@sa.ext.compiler.compiles(likely, "sqlite")
def _likely_sqlite(element, compiler, **kw):
    return f"likely({compiler.process(element.condition, **kw)})"
