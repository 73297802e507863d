"""Paging cursors come back from the browser and may be forged: every list that pages with
one starts again from its first page when the cursor names values no row can have (a number
where text was, Infinity, NaN, an id beyond the database's integers, a date in year 1 or
9999 or one that leaves the calendar when moved to UTC, NUL, a state that is no state),
instead of failing in the database driver with a 500."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import pytest

from blueprints.pagination import _decode, _encode
from models import Case, FollowUp
from models.states import CaseState


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


NOW = "2026-06-01T08:00:00+00:00"
# (who, the list's address, the cursor's argument, a real cursor's values with one forged)
LISTS = [
    ("clerk", "/desk/", "after", ["registered", NOW, 1]),
    ("clerk", "/desk/?tab=accepted", "after", ["accepted", NOW, 1]),
    ("mediator", "/workbench/", "cursor", ["2026-06-01", 1]),
    ("director", "/workbench/", "wcursor", ["2026-06-01", 1]),
    ("mediator", "/workbench/", "vcursor", ["2026-06-01", 1]),
    ("leader", "/oversight/", "after", [NOW, 1]),
    ("admin", "/admin/users", "after", ["clerk"]),
    ("admin", "/admin/organisations", "after", ["公安县", 1]),
    ("admin", "/admin/time-limits", "after", [1]),
    ("clerk", "/search/?q=王", "after", [NOW, 1]),
]
FORGED = [
    float("inf"),
    float("-inf"),
    float("nan"),
    2**31,
    -(2**31) - 1,
    2**63,
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01",
    "9999-12-31",
    "inf",
    "a\x00b",
    None,
    [1],
]


@pytest.mark.parametrize(("who", "url", "arg", "real"), LISTS, ids=lambda v: str(v))
def test_a_forged_cursor_starts_from_the_first_page(world, db, login, client, who, url, arg, real):
    world.case(CaseState.REGISTERED)
    db.session.commit()
    login(who)
    for forged in FORGED:
        for i in range(len(real)):
            values = list(real)
            values[i] = forged
            sep = "&" if "?" in url else "?"
            response = client.get(f"{url}{sep}{urlencode({arg: cursor(values)})}")
            assert response.status_code == 200, values


def test_decode_checks_each_value_against_its_column():
    columns, kinds = [Case.state, Case.created_at, Case.id], [str, datetime, int]
    moment = datetime(2026, 6, 1, 8, tzinfo=UTC)
    good = _encode(["registered", moment, 7])
    assert _decode(good, columns, kinds) == ["registered", moment, 7]
    for forged in (
        ["inf", moment.isoformat(), 7],  # no such state
        [float("inf"), moment.isoformat(), 7],
        ["registered", "0001-01-01T00:00:00+14:00", 7],  # year 0 in UTC
        ["registered", moment.isoformat(), 2**31],
        ["registered", moment.isoformat(), True],
        ["registered", moment.isoformat(), 7.0],
        ["registered", moment.isoformat()],  # one value short
    ):
        assert _decode(cursor(forged), columns, kinds) is None, forged
    assert _decode(_encode([date(2026, 6, 1), 3]), [FollowUp.due_on, FollowUp.id], [date, int])
    deep = "[" * 100_000 + "]" * 100_000
    assert _decode(base64.urlsafe_b64encode(deep.encode()).decode(), [Case.id], [int]) is None
