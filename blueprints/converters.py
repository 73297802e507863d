"""The URL converters of every route, so that what a path names is checked before any view
or query runs, and a path that can name nothing matches no route (404):

- `<int:…>` names a row (a user, a rule, a document…), so it reads only what can be one:
  ASCII digits, at most ten of them, up to the database's largest integer key. PostgreSQL
  refuses a larger value for an integer column (an error, not "no row") and SQLite overflows
  beyond 2**63; "٣" (a digit to Python) or 5 000 digits are no id either.
- `<…>` (text: a case number, a panel's name, a region's code) takes no control character:
  none is in anything we name, and PostgreSQL text cannot hold NUL.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from domain.ids import MAX_ID


class RowIdConverter(IntegerConverter):
    regex = r"[0-9]{1,10}"

    def __init__(
        self,
        map: Map,  # noqa: A002 - Werkzeug's parameter name
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = None,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(
            map,
            fixed_digits,
            min=min if min is not None else (-MAX_ID - 1 if signed else 0),
            max=max if max is not None else MAX_ID,
            signed=signed,
        )


class TextConverter(UnicodeConverter):
    def __init__(
        self,
        map: Map,  # noqa: A002 - Werkzeug's parameter name
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]")


def register(url_map: Map) -> None:
    """Before any route is added: the rules compile with the converters they name."""
    url_map.converters["int"] = RowIdConverter
    url_map.converters["default"] = url_map.converters["string"] = TextConverter
