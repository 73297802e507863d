"""The URL converters of every route. `<int:…>` in a route names a row (a user, a rule, a
document…), so it reads only what can be one: ASCII digits, at most ten of them, up to the
database's largest integer key. Anything else (2**31, 2**63, "٣" or a 5 000-digit number)
matches no route and is a 404 before any view or query runs: PostgreSQL refuses a larger
value for an integer column (an error, not "no row"), SQLite overflows beyond 2**63."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, Map

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


def register(url_map: Map) -> None:
    """Before any route is added: the rules compile with the converter they name."""
    url_map.converters["int"] = RowIdConverter
