"""The operator commands for the holiday schedule and deadlines: flask holidays import / list and
flask clock due."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain import calendar
from domain.calendar import add_days
from domain.states import Action
from models import Holiday
from models.states import CaseState
from tests.factories import count_rows, events_of

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "holidays" / "2027-EXAMPLE.csv"
START = date(2026, 12, 20)


@pytest.fixture(autouse=True)
def _package_ends_in_2026(monkeypatch):
    monkeypatch.setattr(calendar, "PACKAGE_LAST_YEAR", 2026)


def run(runner, *args):
    return runner.invoke(args=[str(a) for a in args])


def test_clock_due_prints_the_due_date(runner, db):
    result = run(runner, "clock", "due", "2026-12-20", 30, "--working-days")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2027-01-29\n"
    assert "holidays for 2027 not yet entered" in result.stderr

    assert run(runner, "holidays", "import", EXAMPLE).exit_code == 0
    result = run(runner, "clock", "due", "2026-12-20", 30, "--working-days")
    assert (result.stdout, result.stderr) == ("2027-01-30\n", "")
    assert run(runner, "clock", "due", "2026-12-20", 40, "--working-days").stdout == "2027-02-20\n"
    # Calendar days, and the limit of the national-day week the package knows.
    assert run(runner, "clock", "due", "2026-12-20", 30).stdout == "2027-01-19\n"
    assert run(runner, "clock", "due", "2026-09-30", 5, "--working-days").stdout == "2026-10-13\n"


@pytest.mark.parametrize(
    "args",
    [
        ("2026-13-01", 5),
        ("tomorrow", 5),
        ("2026-12-20", -1),
        ("2026-12-20", "NaN"),
        ("2026-12-20", 99999999999999),
        ("9999-12-31", 5),
    ],
)
def test_clock_due_refuses_bad_arguments(runner, args):
    result = run(runner, "clock", "due", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_import_and_list(runner, db, world):
    case = world.case(CaseState.MEDIATING)
    case.clock_start, case.time_limit_days, case.working_days = START, 30, True
    case.due_on = add_days(START, 30, True)
    db.session.commit()

    result = run(runner, "holidays", "import", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "Imported 14 days for 2027" in result.output
    assert f"{case.number}: deadline 2027-01-29 -> 2027-01-30" in result.output
    (event,) = events_of(case, Action.RECOMPUTE_DEADLINE)
    assert event.actor is None
    assert event.data["via"] == "command"

    result = run(runner, "holidays", "list", 2027)
    assert result.exit_code == 0
    assert "2027-01-30  Sat  workday  春节调休上班（示例）" in result.output
    assert "14 entries" in result.output
    assert "not know it" in run(runner, "holidays", "list", 2028).output
    assert "package's schedule applies" in run(runner, "holidays", "list", 2026).output
    assert run(runner, "holidays", "list", 1999).exit_code == 2


def test_import_names_the_administrator(runner, db, world):
    case = world.case(CaseState.MEDIATING)
    case.clock_start, case.time_limit_days, case.working_days = START, 30, True
    case.due_on = add_days(START, 30, True)
    db.session.commit()
    assert run(runner, "holidays", "import", EXAMPLE, "--by", "clerk").exit_code == 2
    result = run(runner, "holidays", "import", EXAMPLE, "--by", "admin")
    assert result.exit_code == 0, result.output
    (event,) = events_of(case, Action.RECOMPUTE_DEADLINE)
    assert event.actor == world.admin


def test_a_malformed_line_refuses_the_whole_file(runner, db, tmp_path):
    assert run(runner, "holidays", "import", EXAMPLE).exit_code == 0
    before = [(h.day, h.kind, h.name) for h in db.session.query(Holiday).order_by(Holiday.day)]

    bad = tmp_path / "2027.csv"
    bad.write_text(
        "date,kind,name\n2027-01-01,holiday,元旦\n2028-01-01,holiday,元旦\n"
        "2027-02-05,holiday,春节\n2027-02-31,holiday,春节\n2027-02-08,holiday,春节\n",
        encoding="utf-8",
    )
    result = run(runner, "holidays", "import", bad)
    assert result.exit_code == 1
    assert "Line 5:" in result.output
    assert "2027-02-31" in result.output
    assert "Nothing was imported" in result.output
    db.session.expire_all()
    after = [(h.day, h.kind, h.name) for h in db.session.query(Holiday).order_by(Holiday.day)]
    assert after == before  # the earlier 2027 entries stand, and no 2028 line went in

    bad.write_text("2027-01-01,holiday,元旦\n2027-01-01,workday,again\n", encoding="utf-8")
    result = run(runner, "holidays", "import", bad)
    assert result.exit_code == 1
    assert "Line 2: 2027-01-01 is already on line 1" in result.output
    assert count_rows(Holiday) == len(before)

    bad.write_text("2027-01-01,holiday,元旦\n2027-01-02,off,x\n", encoding="utf-8")
    assert (
        "Line 2: the kind must be holiday or workday"
        in run(runner, "holidays", "import", bad).output
    )
    assert run(runner, "holidays", "import", tmp_path / "missing.csv").exit_code == 2
    assert count_rows(Holiday) == len(before)
