"""The holiday schedule as data: administrators enter the State Council's public holidays and
make-up working days (调休) for each year, by file (`date,kind,name`) or one day at a time. The
clocks count working days from it first (domain.calendar).

Every change places the deadline of each open working-day case again on the new schedule,
keeping the number of working days its clock gives (domain.clocks.recount_deadline), and writes
an event on the timeline of each case whose deadline moves. Open means the clock runs or is
stopped: a suspended case keeps its deadline until it resumes, and resuming moves that deadline
by the days suspended, so it is recomputed too. A closed case's clock no longer runs (mediation
ended: PML Arts. 26, 28-30): its deadline is the record of the time it had, and is left alone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from domain.calendar import forget, package_knows, schedule, unknown_years, year_known
from domain.clocks import recount_deadline, working_days_counted
from domain.errors import DomainError, NotPermitted, ValidationFailed
from domain.ids import is_row_id
from domain.permissions import case_scope
from domain.states import Action
from domain.timeline import transition
from extensions import db
from models import Case, Holiday, HolidayKind, User
from models.enums import Role
from models.states import OPEN_STATES
from models.types import utcnow

FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_NAME = 64
MAX_FILE_BYTES = 64 * 1024  # a year is some 30 lines; a file this size is not a schedule
MAX_LINES = 1000
HEADER = ("date", "kind", "name")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


@dataclass(frozen=True)
class Entry:
    """One day of a schedule as typed or read from a file."""

    day: date
    kind: HolidayKind
    name: str = ""


class ScheduleRefused(ValidationFailed):
    """A line of a holiday file is malformed: the whole file is refused, nothing imported."""

    def __init__(self, message, line: int | None = None):
        super().__init__(message, field="file")
        self.line = line


class StaleHoliday(DomainError):
    """Another administrator changed or removed the day after this one opened the form."""

    message = _l(
        "Someone else changed this day of the schedule while you were working on it. The "
        "page now shows it as it is; check it and save again."
    )


@dataclass
class Moved:
    """A case whose deadline moved with the schedule."""

    case: Case
    before: date
    after: date


@dataclass
class Outcome:
    """What a change of the schedule did."""

    years: list[int] = field(default_factory=list)
    entries: int = 0
    moved: list[Moved] = field(default_factory=list)


def _check_admin(actor: User | None) -> None:
    """The schedule is the State Council's, the same for every county: any active administrator
    may enter it. The command line (actor None) is the server's operator."""
    if actor is not None and (actor.role != Role.ADMIN or not actor.active):
        raise NotPermitted()


# --------------------------------------------------------------------------------------------
# Reading a file
# --------------------------------------------------------------------------------------------


def _refuse(line: int, problem) -> ScheduleRefused:
    return ScheduleRefused(
        _l("Line %(line)s: %(problem)s Nothing was imported.", line=line, problem=problem),
        line=line,
    )


def _shown(value: str) -> str:
    """A bad value quoted back, cut short (hostile or pasted text stays a short quote)."""
    value = "".join(c if c.isprintable() else "?" for c in value)
    return value if len(value) <= 40 else value[:39] + "…"


def parse_day(text: str) -> date | None:
    """2027-01-01 (also 2027/1/1, as spreadsheets write it); None if not a date of 2000-2099."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def parse_kind(text: str) -> HolidayKind | None:
    value = text.strip().lower()
    return HolidayKind(value) if value in HolidayKind._value2member_map_ else None


def _decode(data: bytes) -> str:
    # Spreadsheets save UTF-8 with a byte-order mark, or GB 18030 on Chinese Windows.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScheduleRefused(_l("The file is not a text (CSV) file. Nothing was imported."))


def parse_csv(data: bytes | str) -> list[Entry]:
    """The entries of a holiday file: one `date,kind,name` line per day (a header line of
    those words, blank lines and lines starting with # are skipped).

    Raises ScheduleRefused (field "file") naming the first malformed line: a bad date, a kind
    that is not holiday or workday, a date given twice, a wrong number of columns, a name
    longer than 64 characters; or an empty, binary or oversized file.
    """
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise ScheduleRefused(
                _l("The file is larger than %(kb)s KB. Nothing was imported.", kb=64)
            )
        data = _decode(data)
    if "\x00" in data:
        raise ScheduleRefused(_l("The file is not a text (CSV) file. Nothing was imported."))
    reader = csv.reader(io.StringIO(data, newline=""), strict=True)
    entries: list[Entry] = []
    seen: dict[date, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if line > MAX_LINES:
                raise _refuse(line, _l("a schedule has at most %(n)s lines.", n=MAX_LINES))
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if not entries and not seen and tuple(c.lower() for c in cells) == HEADER:
                continue
            entries.append(_entry(cells, line, seen))
    except csv.Error:
        raise _refuse(reader.line_num, _l("the line is not valid CSV.")) from None
    if not entries:
        raise ScheduleRefused(_l("The file has no entries. Nothing was imported."))
    return entries


def _entry(cells: list[str], line: int, seen: dict[date, int]) -> Entry:
    if len(cells) == 2:
        cells = [*cells, ""]
    if len(cells) != 3:
        raise _refuse(
            line,
            _l(
                "expected 3 columns (date,kind,name), found %(n)s. Put a name with a comma "
                "in double quotes.",
                n=len(cells),
            ),
        )
    day = parse_day(cells[0])
    if day is None:
        raise _refuse(
            line,
            _l(
                "“%(value)s” is not a date of %(first)s to %(last)s (write it as 2027-01-01).",
                value=_shown(cells[0]),
                first=FIRST_YEAR,
                last=LAST_YEAR,
            ),
        )
    kind = parse_kind(cells[1])
    if kind is None:
        raise _refuse(
            line,
            _l("the kind must be holiday or workday, not “%(value)s”.", value=_shown(cells[1])),
        )
    if day in seen:
        raise _refuse(
            line,
            _l("%(day)s is already on line %(other)s.", day=day.isoformat(), other=seen[day]),
        )
    if len(cells[2]) > MAX_NAME:
        raise _refuse(line, _l("the name is longer than %(n)s characters.", n=MAX_NAME))
    if not cells[2].isprintable():
        raise _refuse(line, _l("the name holds a line break or a control character."))
    seen[day] = line
    return Entry(day, kind, cells[2])


# --------------------------------------------------------------------------------------------
# Changing the schedule, and the deadlines with it
# --------------------------------------------------------------------------------------------


def _reschedule(
    actor: User | None, days: set[date], change: Callable[[], None], why: dict
) -> list[Moved]:
    """Apply `change` to the schedule and move the deadlines it changes.

    Only a case whose clock counts through one of `days` can move. Each one's working days are
    counted on the schedule before the change, and placed again after it.
    """
    cases: list[Case] = []
    if days:
        cases = list(
            db.session.scalars(
                sa.select(Case)
                .where(
                    Case.state.in_(sorted(OPEN_STATES)),
                    Case.working_days.is_(True),
                    Case.clock_start.is_not(None),
                    Case.clock_start < max(days),
                    Case.due_on >= min(days),
                )
                .options(selectinload(Case.referrals))
                .order_by(Case.id)
            )
        )
    counted = {c.id: working_days_counted(c) for c in cases}  # on the schedule as it was
    change()
    db.session.flush()
    forget()
    moved: list[Moved] = []
    for case in cases:
        before, count = case.due_on, counted[case.id]
        if before is None or not count:
            continue
        after = recount_deadline(case, count)
        if after is None:
            continue
        transition(
            case,
            Action.RECOMPUTE_DEADLINE,
            actor,
            public=False,
            data={"from": before.isoformat(), "to": after.isoformat(), **why},
        )
        moved.append(Moved(case, before, after))
    db.session.flush()
    return moved


def _year_rows(years: list[int]) -> list[Holiday]:
    return list(
        db.session.scalars(
            sa.select(Holiday)
            .where(sa.or_(*(Holiday.day.between(date(y, 1, 1), date(y, 12, 31)) for y in years)))
            .order_by(Holiday.day)
        )
    )


def import_schedule(actor: User | None, entries: list[Entry], *, via: str = "page") -> Outcome:
    """Replace the schedule of every year the entries fall in with the entries, and move the
    deadlines that change with it. `via` is "page" or "command" (shown on the timeline).

    Raises NotPermitted, ScheduleRefused (no entries, or a date given twice).
    """
    _check_admin(actor)
    if not entries:
        raise ScheduleRefused(_l("The file has no entries. Nothing was imported."))
    if len({e.day for e in entries}) != len(entries):
        raise ScheduleRefused(_l("A date is given twice. Nothing was imported."))
    years = sorted({e.day.year for e in entries})
    old = _year_rows(years)
    before = {r.day: r.kind for r in old}
    after = {e.day: e.kind for e in entries}
    changed = {d for d in before.keys() | after.keys() if before.get(d) != after.get(d)}

    def change() -> None:
        for row in old:
            db.session.delete(row)
        db.session.flush()  # the old days go before the new ones take their dates
        now = utcnow()
        db.session.add_all(
            Holiday(day=e.day, kind=e.kind, name=e.name, updated_at=now, updated_by=actor)
            for e in entries
        )

    moved = _reschedule(actor, changed, change, {"change": "import", "years": years, "via": via})
    return Outcome(years=years, entries=len(entries), moved=moved)


def _check_entry(day: date | None, kind: HolidayKind | None, name: str | None) -> str:
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed(
            _l("Enter a date of %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR),
            field="day",
        )
    if kind is None:
        raise ValidationFailed(_l("Choose holiday or make-up working day."), field="kind")
    name = (name or "").strip()
    if len(name) > MAX_NAME:
        raise ValidationFailed(_l("Use at most %(n)s characters.", n=MAX_NAME), field="name")
    if not name.isprintable():
        raise ValidationFailed(
            _l("Write the name on one line, without control characters."), field="name"
        )
    return name


def _why(change: str, entry: Holiday | Entry, kind: HolidayKind) -> dict:
    return {
        "change": change,
        "day": entry.day.isoformat(),
        "kind": kind.value,
        "name": entry.name,
        "years": [entry.day.year],
        "via": "page",
    }


def add_entry(actor: User, entry: Entry) -> tuple[Holiday, list[Moved]]:
    """Add one day to the schedule.

    Raises NotPermitted, ValidationFailed (fields day, kind, name; day when already entered).
    """
    _check_admin(actor)
    name = _check_entry(entry.day, entry.kind, entry.name)
    if db.session.scalar(sa.select(Holiday.id).where(Holiday.day == entry.day)) is not None:
        raise ValidationFailed(
            _l(
                "%(day)s is already in the schedule: change that entry.",
                day=entry.day.isoformat(),
            ),
            field="day",
        )
    row = Holiday(day=entry.day, kind=entry.kind, name=name, updated_by=actor)
    moved = _reschedule(
        actor, {entry.day}, lambda: db.session.add(row), _why("add", row, entry.kind)
    )
    return row, moved


def change_entry(
    actor: User,
    row: Holiday,
    *,
    kind: HolidayKind | None,
    name: str | None,
    version: int | None,
) -> list[Moved]:
    """Change the kind or name of one day (its date stays: delete it and add another).

    Raises NotPermitted, StaleHoliday, ValidationFailed (fields kind, name).
    """
    _check_admin(actor)
    if version is not None and version != row.version:
        raise StaleHoliday()
    name = _check_entry(row.day, kind, name)
    days = {row.day} if kind != row.kind else set()

    def change() -> None:
        row.kind, row.name = kind, name
        row.updated_at, row.updated_by = utcnow(), actor

    return _reschedule(actor, days, change, _why("edit", row, kind))


def delete_entry(actor: User, row: Holiday, *, version: int | None) -> list[Moved]:
    """Remove one day from the schedule (the calendar package, or Monday to Friday, decides
    it again).

    Raises NotPermitted, StaleHoliday.
    """
    _check_admin(actor)
    if version is not None and version != row.version:
        raise StaleHoliday()
    why = _why("delete", row, row.kind)
    return _reschedule(actor, {row.day}, lambda: db.session.delete(row), why)


# --------------------------------------------------------------------------------------------
# Reading the schedule
# --------------------------------------------------------------------------------------------


def get_entry(entry_id: int) -> Holiday | None:
    return db.session.get(Holiday, entry_id) if is_row_id(entry_id) else None


def entries_for_year(year: int) -> list[Holiday]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return []
    return _year_rows([year])


def entered_years() -> list[int]:
    """The years that have entries, in order."""
    return sorted(schedule().years)


@dataclass(frozen=True)
class YearStatus:
    year: int
    entered: bool
    packaged: bool

    @property
    def known(self) -> bool:
        return self.entered or self.packaged


def year_status(year: int) -> YearStatus:
    return YearStatus(year, year in entered_years(), package_knows(year))


@dataclass(frozen=True)
class MissingYear:
    """A year with no known schedule that open cases' working-day deadlines count into."""

    year: int
    cases: int


def missing_years(user: User) -> list[MissingYear]:
    """The unknown years that the deadlines of open working-day cases in `user`'s scope count
    into, with how many cases each (a handful of indexed queries, whatever the case count)."""
    where = (
        Case.state.in_(sorted(OPEN_STATES)),
        Case.working_days.is_(True),
        Case.clock_start.is_not(None),
        Case.due_on.is_not(None),
        case_scope(user, incoming=False),
    )
    low, high = db.session.execute(
        sa.select(sa.func.min(Case.clock_start), sa.func.max(Case.due_on)).where(*where)
    ).one()
    if low is None or high is None:
        return []
    out = []
    for year in unknown_years(low + timedelta(days=1), high):
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Case)
            .where(*where, Case.due_on >= date(year, 1, 1), Case.clock_start < date(year, 12, 31))
        )
        if count:
            out.append(MissingYear(year, count))
    return out


def year_to_enter(today: date) -> int | None:
    """This year, or from November next year, when its schedule is not yet known (the State
    Council publishes the next year's schedule in November or December)."""
    for year in (today.year, today.year + 1):
        if (year == today.year or today.month >= 11) and not year_known(year):
            return year
    return None
