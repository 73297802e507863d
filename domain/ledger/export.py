"""Writing the ledger: a header block (what, whose, which filter, by whom, when), the column
headers, one row per case; XLSX or CSV.

Nothing holds the whole result: the cases are read BATCH at a time (domain.ledger.rows), the
CSV is produced as a stream of text chunks as they are read, and the XLSX is written by
openpyxl's write-only workbook, which appends each row to a temporary file on disk.

Personal details follow the one rule of the case page (domain.permissions.can_reveal_pii; PML
Art. 15, PIPL Art. 6): ID numbers and phones are masked (138****5678) unless the exporter asked
for them in full and may see them for that case; every case exported in full gets an internal
event on its timeline, as opening a document in full does. Every export is recorded
(models.LedgerLog: who, when, how, the filter, the number of rows; never a party's details).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from domain.calendar import CHINA
from domain.ledger.columns import COLUMNS
from domain.ledger.rows import Row, iter_rows
from domain.states import Action
from extensions import db
from models import Case, Event, LedgerDirection, LedgerLog, User
from models.types import UTCDateTime, utcnow

log = logging.getLogger("jiefen.ledger")

FORMATS = ("xlsx", "csv")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Cells a spreadsheet would take for a formula when it opens a CSV file (CSV injection): such
# a text is written with a leading apostrophe, which the import removes again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_ROWS = 200


@dataclass(frozen=True)
class Filter:
    """One filter of an export: its key and value for the record, its label and value as the
    header block shows them."""

    key: str
    value: str
    label: str
    shown: str


@dataclass
class ExportSpec:
    """What to export. `condition` is the scope and every filter as SQL; `reveal` is the rule,
    as SQL, of the cases whose ID numbers and phones go out in full (None: all masked)."""

    condition: sa.ColumnElement[bool]
    scope: str  # the scope in words, for the header block
    scope_key: str  # the scope for the record: a region code, an organisation id, "all"
    file_format: str
    via: str  # "web" or "cli"
    user: User | None = None
    period: tuple[date | None, date | None] = (None, None)
    filters: list[Filter] = field(default_factory=list)
    reveal: sa.ColumnElement[bool] | None = None


def language() -> str:
    """The language of the headers: Chinese unless the exporter reads English."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh"


def _local(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


class LedgerExport:
    """An export under way: its record is written; `csv_chunks()` or `write_xlsx()` produce
    the file. Everything the file says about the export is worked out here, before the
    caller commits: a streamed answer is written after the request's database session has
    ended, so the file reads plain values and its own queries, never the exporter's rows."""

    def __init__(self, spec: ExportSpec, record: LedgerLog, full_rows: int):
        self.condition = spec.condition
        self.reveal = spec.reveal
        self.rows_count = record.rows
        self.full_rows = full_rows
        self.lang = language()
        self.title = _("People's mediation case ledger")
        self.block = self._header_block(spec, record)

    # ---- the header block ------------------------------------------------------------------
    def _header_block(self, spec: ExportSpec, record: LedgerLog) -> list[tuple[str, str]]:
        start, end = spec.period
        if start and end:
            period = _("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())
        elif start:
            period = _("from %(start)s", start=start.isoformat())
        elif end:
            period = _("until %(end)s", end=end.isoformat())
        else:
            period = _("All dates")
        if start or end:
            period += " " + _(
                "(cases registered, accepted, ended, ruled on by a court, or visited or due "
                "for a follow-up visit in the period)"
            )
        filters = "; ".join(
            _("%(label)s: %(value)s", label=f.label, value=f.shown) for f in spec.filters
        ) or _("None")
        user = spec.user
        if user is not None:
            by = _(
                "%(name)s (%(role)s, %(organisation)s)",
                name=user.name,
                role=user.role.label,
                organisation=user.organisation.name,
            )
        else:
            by = _("The command line (flask ledger export)")
        if self.full_rows and user is None:
            details = _("ID numbers and phones in full (a command run on the server)")
        elif self.full_rows:
            details = _(
                "ID numbers and phones in full for %(n)s cases (recorded on each case's "
                "timeline), masked for the others",
                n=self.full_rows,
            )
        else:
            details = _("ID numbers and phones masked")
        return [
            (_("Period"), period),
            (_("Scope"), spec.scope),
            (_("Filters"), filters),
            (_("Exported by"), by),
            (_("Exported at"), _local(record.at)),
            (_("Cases"), str(record.rows)),
            (_("Personal details"), details),
        ]

    def headers(self) -> list[str]:
        return [c.header(self.lang) for c in COLUMNS]

    def rows(self) -> Iterator[Row]:
        for row, _full in iter_rows(self.condition, self.reveal):
            yield row

    # ---- CSV -----------------------------------------------------------------------------
    def csv_chunks(self) -> Iterator[str]:
        """The CSV file as text chunks, UTF-8 with a byte-order mark when encoded (so Excel
        reads the Chinese): the header block, a blank line, the column headers, the rows.
        The first chunk (up to the column headers) reads neither the database nor the
        message catalogue."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([self.title])
        for label, value in self.block:
            writer.writerow([label, _csv_text(value)])
        writer.writerow([])
        writer.writerow(self.headers())
        yield "\ufeff" + _take(buffer)
        for n, row in enumerate(self.rows(), start=1):
            writer.writerow([_csv_cell(row[c.key]) for c in COLUMNS])
            if n % CSV_CHUNK_ROWS == 0:
                yield _take(buffer)
        rest = _take(buffer)
        if rest:
            yield rest

    # ---- XLSX ----------------------------------------------------------------------------
    def write_xlsx(self, out: IO[bytes]) -> None:
        """The XLSX workbook into `out`: one sheet, the header block above the column headers
        (bold, frozen, with a filter), each column as wide as its content usually is, dates
        as dates and amounts as numbers."""
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Ledger"))
        for i, column in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = column.width
        block = self.block
        header_row = len(block) + 3  # title, the block, a blank row
        sheet.freeze_panes = f"B{header_row + 1}"
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{header_row}"
        title = WriteOnlyCell(sheet, value=self.title)
        title.font = Font(bold=True, size=14)
        sheet.append([title])
        for label, value in block:
            cell = WriteOnlyCell(sheet, value=xlsx_text(label))
            cell.font = Font(bold=True)
            sheet.append([cell, _xlsx_cell(sheet, value)])
        sheet.append([])
        fill = PatternFill("solid", fgColor="DDE7F0")
        heads = []
        for text in self.headers():
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            heads.append(cell)
        sheet.append(heads)
        for row in self.rows():
            sheet.append([_xlsx_cell(sheet, row[c.key], c.kind) for c in COLUMNS])
        book.save(out)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date | Decimal):
        return str(value) if not isinstance(value, date) else value.isoformat()
    return _csv_text(str(value))


def xlsx_text(value: str) -> str:
    """A text an XLSX cell can hold (no control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _xlsx_cell(sheet, value, kind: str = "text"):
    """A cell value for the write-only sheet. A text is always a text, never a formula (a
    party named "=HYPERLINK(…)" stays a name); an amount shows two decimals."""
    if value is None or value == "":
        return None
    if kind == "amount":
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, date):
        return value
    text = xlsx_text(str(value))
    if text.startswith("="):
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def start_export(spec: ExportSpec) -> LedgerExport:
    """Record the export and, when it shows cases in full, the event on each such case's
    timeline (one INSERT … SELECT, before any row is written: every row that leaves in full
    is recorded, whatever happens to the download). Flushes; the caller commits before
    streaming the file.

    Raises ValueError for an unknown format.
    """
    if spec.file_format not in FORMATS:
        raise ValueError(spec.file_format)
    count = db.session.scalar(sa.select(sa.func.count(Case.id)).where(spec.condition)) or 0
    full_rows = 0
    if spec.reveal is not None:
        full_rows = (
            db.session.scalar(sa.select(sa.func.count(Case.id)).where(spec.condition, spec.reveal))
            or 0
        )
    record = LedgerLog(
        at=utcnow(),
        direction=LedgerDirection.EXPORT,
        via=spec.via,
        user=spec.user,
        file_format=spec.file_format,
        filters={
            "scope": spec.scope_key,
            "from": spec.period[0].isoformat() if spec.period[0] else None,
            "to": spec.period[1].isoformat() if spec.period[1] else None,
            **{f.key: f.value for f in spec.filters},
        },
        rows=count,
        full_details=full_rows > 0,
    )
    db.session.add(record)
    db.session.flush()
    if full_rows and spec.user is not None:
        _record_full_rows(spec, record)
    log.info(
        "ledger export %s: %s rows (%s in full), %s, by user %s via %s, filters %s",
        record.id,
        count,
        full_rows,
        spec.file_format,
        spec.user.id if spec.user else "-",
        spec.via,
        record.filters,
    )
    return LedgerExport(spec, record, full_rows)


def _record_full_rows(spec: ExportSpec, record: LedgerLog) -> None:
    """The EXPORT_LEDGER event on every case the export shows in full, in one statement."""
    data = {"export": record.id, "format": spec.file_format}
    db.session.execute(
        sa.insert(Event).from_select(
            ["case_id", "at", "actor_id", "action", "public", "data"],
            sa.select(
                Case.id,
                sa.literal(record.at.astimezone(UTC), UTCDateTime),
                sa.literal(spec.user.id),
                sa.literal(Action.EXPORT_LEDGER.value),
                sa.false(),
                sa.literal(data, Event.__table__.c.data.type),
            ).where(spec.condition, spec.reveal),
        )
    )
