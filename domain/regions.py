"""The region tree of a deployment: the national codes down to township level that ship with the
project (data/regions/regions.csv, loaded by `flask regions load`), and what an administrator
adds below them in the portal: villages and communities (村民委员会、居民委员会, PML Art. 8) and
their groups, one by one or from a CSV file; names corrected; unused regions removed.

A region's code never changes once it exists: cases copy it (Case.region_code) and every scope
reads it as a prefix range, so a new code would move cases out of their county. Codes nest: a
township's code is its county's code and 3 digits, a village's its township's and 3 more, a
group's its village's and 3 more.
"""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from domain.errors import DomainError, NotPermitted, ValidationFailed
from extensions import db
from models import Case, Organisation, Region, RoutingRule, User, code_range
from models.enums import RegionLevel, Role

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "regions"
NATIONAL_FILE = DATA_DIR / "regions.csv"
# Names the portal uses instead of the national file's placeholders (the municipalities'
# 市辖区 and 县 "cities"), so that a district's full name reads from a real city.
RENAMES_FILE = DATA_DIR / "renames.csv"

DIGITS = {
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.GROUP: 15,
}
LEVEL_OF_LENGTH = {n: level for level, n in DIGITS.items()}
PARENT_DIGITS = {6: 4, 9: 6, 12: 9, 15: 12}
CHILD_LEVEL = {
    RegionLevel.CITY: RegionLevel.COUNTY,
    RegionLevel.COUNTY: RegionLevel.TOWNSHIP,
    RegionLevel.TOWNSHIP: RegionLevel.VILLAGE,
    RegionLevel.VILLAGE: RegionLevel.GROUP,
}
# What an administrator adds in the portal: the national file stops at townships, and a
# township created after it was published is added by hand too.
ADDABLE_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE, RegionLevel.GROUP)
MAX_NAME = 64
MAX_IMPORT_LINES = 20000
MAX_IMPORT_ERRORS = 20
IMPORT_HEADER = ("code", "name", "level", "parent_code")


class StaleRegion(DomainError):
    """Someone else changed the region after this admin opened the form."""

    message = _l(
        "Someone else changed this region while you were working on it. Your text is below "
        "and is not saved: compare it with the region as it is now and save again."
    )


class RegionInUse(DomainError):
    """A region something refers to cannot be removed."""


@dataclass
class LineError:
    line: int  # 1 = the header
    message: object


class ImportRefused(DomainError):
    """A CSV file with a bad line: nothing of it is saved."""

    message = _l("The file was not imported: correct the lines below and upload it again.")

    def __init__(self, errors: list[LineError], more: bool = False):
        super().__init__(self.message, field="file")
        self.errors = errors
        self.more = more


# ---- codes ----------------------------------------------------------------------------------


def normalise_code(text: str | None) -> str:
    """A code as typed; full-width digits and spaces are tolerated ("４２１ 022" -> "421022")."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def is_code(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) in LEVEL_OF_LENGTH


def code_problem(code: str, level: RegionLevel, parent: Region | None) -> object | None:
    """Why `code` cannot be the code of a region of `level` under `parent`, or None."""
    digits = DIGITS[level]
    if not (code.isascii() and code.isdigit()) or len(code) != digits:
        return _l("The code of a %(level)s has %(n)s digits.", level=level.label, n=digits)
    if parent is not None and not code.startswith(parent.code):
        return _l(
            "The code must start with the code of %(parent)s, %(code)s.",
            parent=parent.name,
            code=parent.code,
        )
    if code.endswith("000"):
        return _l("The last three digits cannot be 000.")
    return None


def clean_name(text: str | None) -> str:
    return " ".join((text or "").split())


def has_control(text: str | None) -> bool:
    """Whether `text` holds control or format characters (NUL, bells, direction marks): no
    name needs them, and PostgreSQL refuses a NUL in a string."""
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text or "")


def search_text(text: str | None, limit: int = MAX_NAME) -> str:
    """Typed search text without control characters, spaces collapsed, cut at `limit`."""
    return clean_name("".join(ch for ch in text or "" if not has_control(ch)))[:limit]


def name_problem(name: str) -> object | None:
    if not name:
        return _l("Enter the name.")
    if len(name) > MAX_NAME:
        return _l("Use at most %(n)s characters.", n=MAX_NAME)
    if has_control(name):
        return _l("The name contains characters that cannot be shown.")
    return None


# ---- the national file ----------------------------------------------------------------------


@functools.cache
def national_regions() -> dict[str, str]:
    """Code -> name of every province, city, county and township in the national file."""
    with NATIONAL_FILE.open(encoding="utf-8", newline="") as fh:
        rows = {row["code"]: row["name"] for row in csv.DictReader(fh)}
    with RENAMES_FILE.open(encoding="utf-8", newline="") as fh:
        rows.update((row["code"], row["name"]) for row in csv.DictReader(fh) if row["code"] in rows)
    return rows


def national_path(code: str) -> str:
    """Names from the province down to `code`, e.g. 湖北省 荆州市 公安县."""
    names = national_regions()
    parts = [names[code[:n]] for n in (2, 4, 6, 9) if n <= len(code) and code[:n] in names]
    return " ".join(dict.fromkeys(parts))


def find_national(text: str, limit: int = 30) -> list[tuple[str, str]]:
    """(code, path) of national regions whose name contains `text` or whose code starts with
    it, provinces to counties first."""
    text = normalise_code(text) if normalise_code(text).isdigit() else clean_name(text)
    if not text:
        return []
    found = [
        code
        for code, name in national_regions().items()
        if (code.startswith(text) if text.isdigit() else text in name)
    ]
    found.sort(key=lambda c: (len(c), c))
    return [(code, national_path(code)) for code in found[:limit]]


@dataclass
class LoadResult:
    root: str  # the code asked for
    created: dict[RegionLevel, int] = field(default_factory=dict)
    kept: int = 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def load_national(code: str) -> LoadResult:
    """Copy the national subtree of `code` (2 digits: a province's cities; 4: a city; 6: a
    county, with its city) into the database, down to the townships. Regions already present
    are kept as they are (names an administrator corrected stay); a region that was loaded
    without its parent is attached to it. Safe to run again.

    Raises ValidationFailed when the file has no region with that code.
    """
    code = normalise_code(code)
    names = national_regions()
    if len(code) not in (2, 4, 6) or code not in names:
        raise ValidationFailed(
            _l(
                "The national list has no province, city or county with the code %(code)s.",
                code=code,
            )
        )
    wanted = sorted(c for c in names if len(c) in (4, 6, 9) and c.startswith(code))
    wanted += [code[:4]] if len(code) == 6 else []
    wanted = sorted(set(wanted), key=lambda c: (len(c), c))
    low, high = code_range(code[:4] if len(code) == 6 else code)
    existing = {
        r.code: r
        for r in db.session.scalars(sa.select(Region).where(Region.code >= low, Region.code < high))
    }
    result = LoadResult(root=code)
    for c in wanted:
        level = LEVEL_OF_LENGTH[len(c)]
        parent = existing.get(c[: PARENT_DIGITS[len(c)]]) if len(c) in PARENT_DIGITS else None
        region = existing.get(c)
        if region is not None:
            result.kept += 1
            if region.parent_id is None and parent is not None:
                region.parent = parent
            continue
        region = Region(code=c, name=names[c], level=level, parent=parent)
        db.session.add(region)
        existing[c] = region
        result.created[level] = result.created.get(level, 0) + 1
    db.session.flush()
    return result


# ---- an administrator's regions ---------------------------------------------------------------


def _check_admin(admin: User) -> None:
    if admin.role != Role.ADMIN or not admin.active:
        raise NotPermitted()


def admin_code(admin: User) -> str:
    return admin.organisation.region.code


def inside(admin: User, code: str | None) -> bool:
    """Whether `code` lies in the admin's region (their own region included)."""
    if not code:
        return False
    low, high = code_range(admin_code(admin))
    return low <= code < high


def region_scope(admin: User) -> sa.ColumnElement[bool]:
    """SQL condition on Region: inside the admin's region."""
    low, high = code_range(admin_code(admin))
    return sa.and_(Region.code >= low, Region.code < high)


def get_region_for(admin: User, code: str) -> Region | None:
    """The region with `code` if `admin` manages it; None otherwise (the view answers 404)."""
    code = normalise_code(code)
    if not is_code(code) or not inside(admin, code):
        return None
    return db.session.scalar(sa.select(Region).where(Region.code == code))


def ancestors(region: Region) -> list[Region]:
    """The regions above `region`, the highest first (one query)."""
    codes = [region.code[:n] for n in sorted(LEVEL_OF_LENGTH) if n < len(region.code)]
    if not codes:
        return []
    return list(
        db.session.scalars(sa.select(Region).where(Region.code.in_(codes)).order_by(Region.code))
    )


@dataclass
class ChildRow:
    region: Region
    children: int
    organisations: int


def children_of(region: Region) -> list[ChildRow]:
    """The regions directly under `region` with how many regions and organisations each holds
    directly (one query)."""
    child = aliased(Region)
    n_children = (
        sa.select(sa.func.count(child.id)).where(child.parent_id == Region.id).scalar_subquery()
    )
    n_orgs = (
        sa.select(sa.func.count(Organisation.id))
        .where(Organisation.region_id == Region.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Region, n_children, n_orgs)
        .where(Region.parent_id == region.id)
        .order_by(Region.code)
    )
    return [ChildRow(r, c, o) for r, c, o in rows]


def search_regions(admin: User, text: str | None, limit: int = 50) -> list[Region]:
    """Regions inside the admin's region whose name contains `text` or whose code starts with
    it, by code."""
    text = search_text(text)
    if not text:
        return []
    stmt = sa.select(Region).where(region_scope(admin))
    digits = normalise_code(text)
    if digits.isascii() and digits.isdigit():
        low, high = code_range(digits)
        stmt = stmt.where(Region.code >= low, Region.code < high)
    else:
        stmt = stmt.where(Region.name.contains(text, autoescape=True))
    return list(db.session.scalars(stmt.order_by(Region.code).limit(limit)))


def sample_township(admin: User) -> str:
    """The code of a township inside the admin's region, for the examples on the pages."""
    code = db.session.scalar(
        sa.select(Region.code)
        .where(region_scope(admin), Region.level == RegionLevel.TOWNSHIP)
        .order_by(Region.code)
        .limit(1)
    )
    return code or (admin_code(admin) + "000000")[:6] + "100"


def child_level(parent: Region) -> RegionLevel | None:
    """The level of a region an administrator may add under `parent` (None: none)."""
    level = CHILD_LEVEL.get(parent.level)
    return level if level in ADDABLE_LEVELS else None


def expand_code(typed: str, parent: Region, level: RegionLevel) -> str:
    """The full code from what was typed: the whole code, or only the digits after the
    parent's code ("201" under 421022100 -> 421022100201)."""
    code = normalise_code(typed)
    if code.isascii() and code.isdigit() and len(parent.code) + len(code) == DIGITS[level]:
        return parent.code + code
    return code


@dataclass
class RegionData:
    """A new region, as typed: its code (whole, or the digits after the parent's) and name."""

    code: str
    name: str


def add_region(admin: User, parent: Region, data: RegionData) -> Region:
    """Add a township, village/community or group under `parent`, inside the admin's region.

    Raises NotPermitted, ValidationFailed (fields code, name).
    """
    _check_admin(admin)
    if not inside(admin, parent.code):
        raise NotPermitted()
    level = child_level(parent)
    if level is None:
        raise ValidationFailed(_l("Nothing can be added under a group."), field="code")
    code = expand_code(data.code, parent, level)
    problem = code_problem(code, level, parent)
    if problem is not None:
        raise ValidationFailed(problem, field="code")
    name = clean_name(data.name)
    if (problem := name_problem(name)) is not None:
        raise ValidationFailed(problem, field="name")
    if db.session.scalar(sa.select(Region.id).where(Region.code == code)) is not None:
        raise ValidationFailed(_l("A region with this code already exists."), field="code")
    if _sibling_named(parent, name) is not None:
        raise ValidationFailed(
            _l("%(parent)s already has a region named %(name)s.", parent=parent.name, name=name),
            field="name",
        )
    try:
        # A concurrent add of the same code trips the unique index: report it on the field.
        with db.session.begin_nested():
            region = Region(code=code, name=name, level=level, parent=parent)
            db.session.add(region)
    except sa.exc.IntegrityError as error:
        raise ValidationFailed(
            _l("A region with this code already exists."), field="code"
        ) from error
    return region


def _sibling_named(parent: Region, name: str, other_than: Region | None = None) -> int | None:
    stmt = sa.select(Region.id).where(Region.parent_id == parent.id, Region.name == name)
    if other_than is not None:
        stmt = stmt.where(Region.id != other_than.id)
    return db.session.scalar(stmt.limit(1))


def rename_region(admin: User, region: Region, name: str, *, version: int | None) -> None:
    """Correct a region's name (e.g. a township renamed 乡 -> 镇). The code stays.

    Raises NotPermitted, StaleRegion, ValidationFailed (field name).
    """
    _check_admin(admin)
    if not inside(admin, region.code) or region.code == admin_code(admin):
        raise NotPermitted()
    if version is not None and version != region.version:
        raise StaleRegion()
    name = clean_name(name)
    if (problem := name_problem(name)) is not None:
        raise ValidationFailed(problem, field="name")
    if region.parent is not None and _sibling_named(region.parent, name, region) is not None:
        raise ValidationFailed(
            _l(
                "%(parent)s already has a region named %(name)s.",
                parent=region.parent.name,
                name=name,
            ),
            field="name",
        )
    region.name = name
    db.session.flush()


@dataclass
class Uses:
    children: int
    organisations: int
    cases: int
    rules: int

    def __bool__(self) -> bool:
        return bool(self.children or self.organisations or self.cases or self.rules)


def uses(region: Region) -> Uses:
    """What refers to `region`: regions under it, organisations in it, cases that happened
    there, routing rules naming it (one query)."""
    row = db.session.execute(
        sa.select(
            sa.select(sa.func.count(Region.id))
            .where(Region.parent_id == region.id)
            .scalar_subquery(),
            sa.select(sa.func.count(Organisation.id))
            .where(Organisation.region_id == region.id)
            .scalar_subquery(),
            sa.select(sa.func.count(Case.id)).where(Case.region_id == region.id).scalar_subquery(),
            sa.select(sa.func.count(RoutingRule.id))
            .where(
                sa.or_(RoutingRule.scope_code == region.code, RoutingRule.place_code == region.code)
            )
            .scalar_subquery(),
        )
    ).one()
    return Uses(*row)


def delete_region(admin: User, region: Region) -> None:
    """Remove a region nothing refers to (one added by mistake). A region that has regions
    under it, organisations, cases or routing rules stays: its name can be corrected instead.

    Raises NotPermitted, RegionInUse.
    """
    _check_admin(admin)
    if not inside(admin, region.code) or region.code == admin_code(admin):
        raise NotPermitted()
    if region.level in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise RegionInUse(_l("Cities and counties come from the national codes and stay."))
    if uses(region):
        raise RegionInUse(
            _l(
                "This region is in use (regions under it, organisations, cases or routing "
                "rules refer to it), so it stays. You can correct its name."
            )
        )
    try:
        with db.session.begin_nested():
            db.session.delete(region)
    except sa.exc.IntegrityError as error:  # something added meanwhile refers to it
        raise RegionInUse(_l("This region is in use, so it stays.")) from error


# ---- CSV import -----------------------------------------------------------------------------


def decode_upload(raw: bytes) -> str | None:
    """The text of an uploaded CSV file: UTF-8 (with or without the byte-order mark), else
    GB 18030 (what a spreadsheet saves on a Chinese Windows); None if neither reads."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


@dataclass
class ImportResult:
    created: dict[RegionLevel, int] = field(default_factory=dict)
    present: int = 0  # lines naming a region already there, as it is

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


@dataclass
class _Line:
    number: int
    code: str
    name: str
    level: RegionLevel
    parent_code: str


def _parse(text: str) -> tuple[list[_Line], list[LineError]]:
    lines: list[_Line] = []
    errors: list[LineError] = []
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
    if header is None or tuple(h.strip().lower() for h in header[:4]) != IMPORT_HEADER:
        return [], [
            LineError(
                1,
                _l(
                    "The first line must be the header %(header)s.",
                    header=",".join(IMPORT_HEADER),
                ),
            )
        ]
    levels = {lv.value: lv for lv in ADDABLE_LEVELS}
    try:
        for row in reader:
            number = reader.line_num
            if number > MAX_IMPORT_LINES + 1:
                errors.append(
                    LineError(number, _l("At most %(n)s lines per file.", n=MAX_IMPORT_LINES))
                )
                break
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != 4:
                errors.append(
                    LineError(
                        number, _l("Each line has four values: code, name, level, parent code.")
                    )
                )
                continue
            code, name, level, parent_code = row
            level = level.strip().lower()
            if level not in levels:
                errors.append(
                    LineError(
                        number,
                        _l(
                            "The level must be one of %(levels)s.",
                            levels=", ".join(levels),
                        ),
                    )
                )
                continue
            lines.append(
                _Line(
                    number,
                    normalise_code(code),
                    clean_name(name),
                    levels[level],
                    normalise_code(parent_code),
                )
            )
    except csv.Error:
        errors.append(LineError(reader.line_num, _l("This line is not valid CSV.")))
    return lines, errors


def import_regions(admin: User, text: str) -> ImportResult:
    """Add the regions of a CSV file (header code,name,level,parent_code; levels township,
    village or group). Every line is checked first; one bad line refuses the whole file, with
    the line numbers (nothing is saved). A line naming a region already there with the same
    name and parent is counted as present; parents may be earlier lines of the file.

    Raises NotPermitted, ImportRefused.
    """
    _check_admin(admin)
    lines, errors = _parse(text)
    if errors and lines == [] and errors[0].line == 1:
        raise ImportRefused(errors)
    codes = {ln.code for ln in lines} | {ln.parent_code for ln in lines}
    known: dict[str, Region] = {}
    for chunk in _chunks(sorted(c for c in codes if is_code(c)), 500):
        known.update(
            (r.code, r) for r in db.session.scalars(sa.select(Region).where(Region.code.in_(chunk)))
        )
    new: dict[str, _Line] = {}
    # Names already used under each parent of the file (one query per 500 parents).
    seen_names: set[tuple[str, str]] = set()
    parents = {r.id: r.code for r in known.values() if r.code in {ln.parent_code for ln in lines}}
    for chunk in _chunks(sorted(parents), 500):
        seen_names.update(
            (parents[parent_id], name)
            for parent_id, name in db.session.execute(
                sa.select(Region.parent_id, Region.name).where(Region.parent_id.in_(chunk))
            )
        )
    result = ImportResult()
    for ln in lines:
        problem = _line_problem(admin, ln, known, new, seen_names)
        if problem is not None:
            errors.append(LineError(ln.number, problem))
        elif ln.code in known:
            result.present += 1
        else:
            new[ln.code] = ln
            seen_names.add((ln.parent_code, ln.name))
    if errors:
        errors.sort(key=lambda e: e.line)
        raise ImportRefused(errors[:MAX_IMPORT_ERRORS], more=len(errors) > MAX_IMPORT_ERRORS)
    for ln in new.values():  # parents come before their children in the file
        region = Region(code=ln.code, name=ln.name, level=ln.level, parent=known[ln.parent_code])
        db.session.add(region)
        known[ln.code] = region
        result.created[ln.level] = result.created.get(ln.level, 0) + 1
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:  # a region added meanwhile in another tab
        raise ImportRefused(
            [LineError(0, _l("Some of these regions were added meanwhile. Upload the file again."))]
        ) from error
    return result


def _chunks(items: list[str], size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _line_problem(admin, ln: _Line, known: dict, new: dict, seen_names: set) -> object | None:
    parent_level = {v: k for k, v in CHILD_LEVEL.items()}[ln.level]
    if not is_code(ln.parent_code):
        return _l("The parent code %(code)s is not a region code.", code=ln.parent_code or "—")
    if not inside(admin, ln.parent_code):
        return _l("The parent %(code)s is not inside your region.", code=ln.parent_code)
    parent = known.get(ln.parent_code)
    pending = new.get(ln.parent_code)
    if parent is None and pending is None:
        return _l(
            "There is no region %(code)s (add it first, or put its line before this one).",
            code=ln.parent_code,
        )
    actual_level = parent.level if parent is not None else pending.level
    if actual_level != parent_level:
        return _l(
            "A %(level)s belongs under a %(parent_level)s; %(code)s is a %(actual)s.",
            level=ln.level.label,
            parent_level=parent_level.label,
            code=ln.parent_code,
            actual=actual_level.label,
        )
    if not ln.code.startswith(ln.parent_code):
        return _l(
            "The code %(code)s does not start with its parent's code %(parent)s.",
            code=ln.code or "—",
            parent=ln.parent_code,
        )
    problem = code_problem(ln.code, ln.level, None)
    if problem is not None:
        return problem
    if (problem := name_problem(ln.name)) is not None:
        return problem
    if ln.code in new:
        return _l(
            "The code %(code)s is already on line %(line)s.", code=ln.code, line=new[ln.code].number
        )
    existing = known.get(ln.code)
    if existing is not None:
        if (
            parent is not None
            and existing.parent_id == parent.id
            and existing.name == ln.name
            and existing.level == ln.level
        ):
            return None
        return _l(
            "The code %(code)s already belongs to %(name)s.", code=ln.code, name=existing.name
        )
    if (ln.parent_code, ln.name) in seen_names:
        return _l(
            "There is already a region named %(name)s under %(code)s.",
            name=ln.name,
            code=ln.parent_code,
        )
    return None
