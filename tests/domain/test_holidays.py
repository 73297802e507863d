"""The holiday schedule as data (domain.holidays, domain.calendar): the entered schedule first and
the calendar package second, a year nobody knows counted Monday to Friday and flagged, files
refused whole with the line number, and the deadlines of open cases recomputed on each change
with an event on their timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain import calendar, holidays
from domain.calendar import add_days, days_between, is_workday, unknown_years
from domain.clocks import unknown_holiday_years
from domain.closing import extend, resume
from domain.errors import NotPermitted, ValidationFailed
from domain.states import Action
from models import Case, Holiday, HolidayKind
from models.states import CaseState
from tests.factories import count_rows, events_of

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "holidays" / "2027-EXAMPLE.csv"
START = date(2026, 12, 20)  # a Sunday


@pytest.fixture(autouse=True)
def _package_ends_in_2026(monkeypatch):
    """chinese-calendar 1.11 knows 2004-2026; a later release must not change these tests."""
    monkeypatch.setattr(calendar, "PACKAGE_LAST_YEAR", 2026)


def example_2027(actor=None) -> holidays.Outcome:
    return holidays.import_schedule(actor, holidays.parse_csv(EXAMPLE.read_bytes()))


def clocked(world, db, state=CaseState.MEDIATING, *, days=30, working=True) -> Case:
    """A case in `state` whose clock started on 2026-12-20 with a limit of `days` days."""
    case = world.case(state)
    case.clock_start, case.time_limit_days, case.extended_days = START, days, 0
    case.working_days = working
    case.due_on = add_days(START, days, working)
    db.session.flush()
    return case


# ---- the calendar ---------------------------------------------------------------------------


def test_thirty_working_days_across_the_year_boundary(db):
    # Nobody knows 2027 yet: Monday to Friday, so New Year's Day counts as a working day.
    assert unknown_years(START, date(2027, 1, 29)) == [2027]
    assert add_days(START, 30, working=True) == date(2027, 1, 29)

    example_2027()

    assert unknown_years(START, date(2027, 1, 29)) == []
    assert not is_workday(date(2027, 1, 1))  # 元旦, a Friday
    assert is_workday(date(2027, 1, 30))  # the make-up Saturday before the Spring Festival
    assert not any(is_workday(date(2027, 2, d)) for d in range(5, 14))  # 春节 5-13 Feb
    # 21-25 Dec, 28-31 Dec (9), 1 Jan off, 4-29 Jan (29), Saturday 30 Jan (30).
    assert add_days(START, 30, working=True) == date(2027, 1, 30)
    # Further on: 1-4 Feb (34), 5-13 Feb off, 15-19 Feb (39), Saturday 20 Feb (40).
    assert add_days(START, 40, working=True) == date(2027, 2, 20)
    assert days_between(START, date(2027, 2, 20), working=True) == 40
    # Calendar days ignore the schedule.
    assert add_days(START, 30, working=False) == date(2027, 1, 19)


def test_the_entered_schedule_comes_before_the_package(db, world):
    national_day = date(2026, 10, 8)  # a Thursday the package has as a working day
    assert is_workday(national_day)
    row, _moved = holidays.add_entry(
        world.admin, holidays.Entry(national_day, HolidayKind.HOLIDAY, "更正")
    )
    assert not is_workday(national_day)
    # Other days of 2026 still come from the package.
    assert not is_workday(date(2026, 10, 1))
    assert is_workday(date(2026, 10, 10))  # the package's make-up Saturday
    holidays.delete_entry(world.admin, row, version=row.version)
    assert is_workday(national_day)


def test_a_page_of_deadlines_reads_the_schedule_once(db, count_queries):
    example_2027()
    db.session.commit()
    calendar.forget()
    with count_queries() as seen:
        for n in range(1, 200):
            add_days(START, n, working=True)
            unknown_years(START, add_days(START, n, working=True))
    assert len(seen) == 1


def test_a_change_is_seen_at_once_in_the_same_context(db, world):
    assert add_days(START, 30, working=True) == date(2027, 1, 29)
    holidays.add_entry(world.admin, holidays.Entry(date(2027, 1, 4), HolidayKind.HOLIDAY, "x"))
    assert add_days(START, 30, working=True) == date(2027, 2, 1)
    db.session.rollback()
    assert add_days(START, 30, working=True) == date(2027, 1, 29)


# ---- reading a file -------------------------------------------------------------------------


def test_the_example_file_reads():
    entries = holidays.parse_csv(EXAMPLE.read_bytes())
    assert entries[0] == holidays.Entry(date(2027, 1, 1), HolidayKind.HOLIDAY, "元旦（示例）")
    assert {e.day.year for e in entries} == {2027}
    assert sum(e.kind == HolidayKind.WORKDAY for e in entries) == 2


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,x\n", 3, "2027-13-01"),
        ("2027-01-01,holiday,元旦\n2027-02-30,holiday,x\n", 2, "2027-02-30"),
        ("2027-01-01,holiday,元旦\nsoon,holiday,x\n", 2, "soon"),
        ("2027-01-01,holiday,元旦\n1999-01-01,holiday,x\n", 2, "1999-01-01"),
        ("2027-01-01,holiday,元旦\n2027-01-02,day-off,x\n", 2, "day-off"),
        ("2027-01-01,holiday,元旦\n\n# note\n2027-01-01,workday,again\n", 4, "line 1"),
        ("2027-01-01,holiday,元旦\n2027-01-02,holiday,a,b\n", 2, "3 columns"),
        ("2027-01-01,holiday,元旦\n2027-01-02\n", 2, "3 columns"),
        ("2027-01-01,holiday," + "长" * 65 + "\n", 1, "64"),
        ('2027-01-01,holiday,"unclosed\n', 1, "not valid CSV"),
        ('2027-01-01,holiday,"two\nlines"\n', 2, "line break"),
    ],
)
def test_a_malformed_line_refuses_the_file(text, line, words):
    with pytest.raises(holidays.ScheduleRefused) as refused:
        holidays.parse_csv(text.encode())
    assert refused.value.line == line
    assert refused.value.field == "file"
    message = str(refused.value.message)
    assert f"Line {line}:" in message
    assert words in message
    assert "Nothing was imported" in message


@pytest.mark.parametrize(
    "data",
    [b"", b"date,kind,name\n", b"# only a comment\n", b"\x00\x01\x02PDF", b"x" * (65 * 1024)],
)
def test_an_empty_binary_or_huge_file_is_refused(data):
    with pytest.raises(holidays.ScheduleRefused):
        holidays.parse_csv(data)


def test_spreadsheet_files_read():
    # A byte-order mark (Excel's UTF-8), GB 18030 (Excel on Chinese Windows), 2027/1/1 dates,
    # upper-case kinds, spaces, CRLF line ends, a quoted name with a comma, no name at all.
    text = 'Date,Kind,Name\r\n2027/1/1 , HOLIDAY , 元旦\r\n2027-01-30,workday,"春节调休,上班"\r\n'
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("gb18030")):
        entries = holidays.parse_csv(data)
        assert entries == [
            holidays.Entry(date(2027, 1, 1), HolidayKind.HOLIDAY, "元旦"),
            holidays.Entry(date(2027, 1, 30), HolidayKind.WORKDAY, "春节调休,上班"),
        ]
    assert holidays.parse_csv(b"2027-10-01,holiday\n")[0].name == ""


# ---- importing ------------------------------------------------------------------------------


def test_reimporting_a_year_replaces_only_that_year(db):
    holidays.import_schedule(None, [holidays.Entry(date(2028, 1, 1), HolidayKind.HOLIDAY, "元旦")])
    outcome = example_2027()
    assert (outcome.years, outcome.entries) == ([2027], 14)
    holidays.import_schedule(
        None,
        [
            holidays.Entry(date(2027, 1, 1), HolidayKind.HOLIDAY, "元旦"),
            holidays.Entry(date(2027, 2, 6), HolidayKind.HOLIDAY, "春节"),
        ],
    )
    db.session.commit()
    assert [r.day for r in holidays.entries_for_year(2027)] == [date(2027, 1, 1), date(2027, 2, 6)]
    assert [r.day for r in holidays.entries_for_year(2028)] == [date(2028, 1, 1)]
    assert holidays.entered_years() == [2027, 2028]


def test_only_an_administrator_changes_the_schedule(db, world):
    entry = holidays.Entry(date(2027, 1, 1), HolidayKind.HOLIDAY, "元旦")
    for user in (world.clerk, world.leader, world.director):
        with pytest.raises(NotPermitted):
            holidays.import_schedule(user, [entry])
        with pytest.raises(NotPermitted):
            holidays.add_entry(user, entry)
    world.admin.active = False
    with pytest.raises(NotPermitted):
        holidays.add_entry(world.admin, entry)
    assert count_rows(Holiday) == 0


def test_adding_a_day_twice_and_bad_values_are_refused(db, world):
    entry = holidays.Entry(date(2027, 1, 1), HolidayKind.HOLIDAY, "元旦")
    holidays.add_entry(world.admin, entry)
    with pytest.raises(ValidationFailed) as refused:
        holidays.add_entry(world.admin, entry)
    assert refused.value.field == "day"
    for bad, field in (
        (holidays.Entry(date(1999, 1, 1), HolidayKind.HOLIDAY), "day"),
        (holidays.Entry(date(2027, 1, 2), None), "kind"),
        (holidays.Entry(date(2027, 1, 2), HolidayKind.HOLIDAY, "长" * 65), "name"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            holidays.add_entry(world.admin, bad)
        assert refused.value.field == field


def test_a_stale_version_is_refused(db, world):
    row, _ = holidays.add_entry(
        world.admin, holidays.Entry(date(2027, 1, 1), HolidayKind.HOLIDAY, "元旦")
    )
    db.session.flush()
    seen = row.version
    holidays.change_entry(world.admin, row, kind=HolidayKind.HOLIDAY, name="新年", version=seen)
    db.session.flush()
    with pytest.raises(holidays.StaleHoliday):
        holidays.change_entry(world.admin, row, kind=HolidayKind.WORKDAY, name="x", version=seen)
    with pytest.raises(holidays.StaleHoliday):
        holidays.delete_entry(world.admin, row, version=seen)
    assert (row.kind, row.name) == (HolidayKind.HOLIDAY, "新年")


# ---- recomputing deadlines ------------------------------------------------------------------


def test_entering_the_schedule_moves_open_deadlines_with_an_event(db, world):
    mediating = clocked(world, db)
    suspended = clocked(world, db, CaseState.SUSPENDED)
    closed = clocked(world, db, CaseState.AGREED)
    calendar_days = clocked(world, db, working=False)
    short = clocked(world, db, days=5)  # due 2026-12-25: 2027 does not touch it
    assert mediating.due_on == date(2027, 1, 29)
    assert unknown_holiday_years(mediating) == [2027]
    assert unknown_holiday_years(calendar_days) == []
    assert unknown_holiday_years(short) == []

    outcome = example_2027(world.admin)
    db.session.flush()

    assert {m.case.number for m in outcome.moved} == {mediating.number, suspended.number}
    for case in (mediating, suspended):
        assert case.due_on == date(2027, 1, 30)
        assert unknown_holiday_years(case) == []
        (event,) = events_of(case, Action.RECOMPUTE_DEADLINE)
        assert event.actor == world.admin
        assert event.public is False
        assert event.data["from"] == "2027-01-29"
        assert event.data["to"] == "2027-01-30"
        assert event.data["change"] == "import"
        assert event.data["years"] == [2027]
    assert suspended.state == CaseState.SUSPENDED
    # A closed case's deadline is history; a calendar-day or short clock does not move.
    assert closed.due_on == date(2027, 1, 29)
    assert calendar_days.due_on == date(2027, 1, 19)
    assert short.due_on == date(2026, 12, 25)
    for case in (closed, calendar_days, short):
        assert events_of(case, Action.RECOMPUTE_DEADLINE) == []

    # Importing the same schedule again changes nothing and records nothing.
    assert example_2027(world.admin).moved == []
    assert len(events_of(mediating, Action.RECOMPUTE_DEADLINE)) == 1


def test_extensions_and_suspended_days_are_kept(db, world):
    case = clocked(world, db)
    extend(case, world.mediator, version=None, days=5, reason="双方同意", both_parties_agree=True)
    assert case.due_on == date(2027, 2, 5)  # 35 working days, Monday to Friday
    outcome = example_2027(world.admin)
    # 35 working days on the new schedule: 30 Jan (30), 1-4 Feb (34), 15 Feb (35).
    assert [m.after for m in outcome.moved] == [date(2027, 2, 15)]
    assert days_between(START, case.due_on, working=True) == 35


def test_a_suspended_case_resumes_from_the_recomputed_deadline(db, world):
    case = clocked(world, db, CaseState.SUSPENDED)
    example_2027(world.admin)
    assert case.due_on == date(2027, 1, 30)
    # Suspended from 20 Dec to Monday 4 Jan (China time): 21-25 Dec, 28-31 Dec and 4 Jan are
    # 10 working days on the entered schedule (1 Jan is off).
    case.suspended_since = datetime(2026, 12, 20, 2, tzinfo=UTC)
    resume(case, world.mediator, version=None, now=datetime(2027, 1, 4, 2, tzinfo=UTC))
    assert case.events[-1].data["paused_days"] == 10
    assert case.due_on == add_days(date(2027, 1, 30), 10, working=True)


def test_one_day_added_changed_and_removed_moves_the_deadline(db, world):
    case = clocked(world, db)
    day = date(2027, 1, 8)  # a Friday
    row, moved = holidays.add_entry(world.admin, holidays.Entry(day, HolidayKind.HOLIDAY, "补假"))
    assert [(m.before, m.after) for m in moved] == [(date(2027, 1, 29), date(2027, 2, 1))]
    event = events_of(case, Action.RECOMPUTE_DEADLINE)[-1]
    assert event.data | {} == {
        "from": "2027-01-29",
        "to": "2027-02-01",
        "change": "add",
        "day": "2027-01-08",
        "kind": "holiday",
        "name": "补假",
        "years": [2027],
        "via": "page",
    }
    db.session.flush()
    # The name alone: nothing moves.
    assert holidays.change_entry(world.admin, row, kind=row.kind, name="调休", version=None) == []
    moved = holidays.change_entry(
        world.admin, row, kind=HolidayKind.WORKDAY, name="调休", version=None
    )
    assert [m.after for m in moved] == [date(2027, 1, 29)]
    db.session.flush()
    holidays.change_entry(world.admin, row, kind=HolidayKind.HOLIDAY, name="补假", version=None)
    db.session.flush()
    moved = holidays.delete_entry(world.admin, row, version=None)
    assert [m.after for m in moved] == [date(2027, 1, 29)]
    assert [e.data["change"] for e in events_of(case, Action.RECOMPUTE_DEADLINE)] == [
        "add",
        "edit",
        "edit",
        "delete",
    ]


# ---- the administrator's warning ------------------------------------------------------------


def test_missing_years_name_the_years_open_deadlines_count_into(db, world):
    assert holidays.missing_years(world.admin) == []
    clocked(world, db)
    clocked(world, db)
    clocked(world, db, CaseState.AGREED)  # closed: not counted
    clocked(world, db, working=False)  # calendar days: not counted
    db.session.flush()
    assert holidays.missing_years(world.admin) == [holidays.MissingYear(2027, 2)]
    assert holidays.missing_years(world.leader2) == []  # another county's leader: none in scope
    example_2027()
    assert holidays.missing_years(world.admin) == []


def test_the_year_to_enter():
    assert holidays.year_to_enter(date(2026, 10, 31)) is None
    assert holidays.year_to_enter(date(2026, 11, 1)) == 2027
    assert holidays.year_to_enter(date(2027, 3, 1)) == 2027


def test_the_year_to_enter_once_entered(db):
    example_2027()
    assert holidays.year_to_enter(date(2026, 12, 1)) is None
    assert holidays.year_status(2027) == holidays.YearStatus(2027, True, False)
    assert holidays.year_status(2026).known


def test_holidays_are_unique_per_day_in_the_database(db):
    db.session.add(Holiday(day=date(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="a"))
    db.session.flush()
    db.session.add(Holiday(day=date(2027, 1, 1), kind=HolidayKind.WORKDAY, name="b"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
