"""Reading a ledger file: XLSX or CSV (UTF-8, with or without a byte-order mark, or GB 18030 as a
Chinese Windows saves it) into its header row and data rows.

The header row is found among the first rows (a ledger written here starts with its header
block; an old ledger may have a title line or none): the first row naming the case number and
at least two other columns of the ledger, in Chinese or English, in any order. Columns the
ledger does not know are ignored. An XLSX file is checked before it is opened (a ZIP archive
whose contents would unpack to more than MAX_UNPACKED is refused) and read in openpyxl's
read-only mode with defusedxml guarding its XML.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from domain.errors import DomainError
from domain.ledger.columns import column_for

# The first rows searched for the column headers.
HEADER_SEARCH_ROWS = 30
# What an XLSX file may unpack to: a ledger of 100 000 rows takes about 60 MB of XML.
MAX_UNPACKED = 400 * 1024 * 1024
# Cells read a row: the ledger has 28 columns; an old one may have a few more of its own.
MAX_COLUMNS = 100
# Cells longer than this are not a ledger's (a summary is a few hundred characters).
MAX_CELL = 10_000


@dataclass
class LineError:
    """One problem: the row of the file (as the spreadsheet numbers it), the column (its key,
    or None for the whole row) and the message. A warning does not stop the import."""

    row: int
    column: str | None
    message: str
    warning: bool = False


class LedgerRefused(DomainError):
    """The file cannot be imported; nothing was. `errors` lists each rejected row and why."""

    message = _l("Nothing was imported: correct the rows below and upload the file again.")

    def __init__(self, errors: list[LineError], more: int = 0, message=None):
        super().__init__(message)
        self.errors = errors
        self.more = more


@dataclass
class Sheet:
    """The rows of a ledger file: `columns` maps a cell's position to its column key; each row
    is (row number in the file, its cells)."""

    columns: dict[int, str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    header_row: int = 0


def _refused(message) -> LedgerRefused:
    return LedgerRefused([LineError(0, None, str(message))], message=message)


def decode_text(raw: bytes) -> str | None:
    """A CSV file's text: UTF-8 (a byte-order mark is dropped) or GB 18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _header(cells: list) -> dict[int, str]:
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = column_for(cell) if isinstance(cell, str) else None
        if key is not None and key not in found.values():
            found[i] = key
    return found


def _is_blank(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _collect(numbered_rows, max_rows: int) -> Sheet:
    """The header row and the data rows after it, from (row number, cells) pairs."""
    sheet: Sheet | None = None
    for number, cells in numbered_rows:
        if sheet is None:
            columns = _header(cells)
            if "number" in columns.values() and len(columns) >= 3:
                sheet = Sheet(columns=columns, header_row=number)
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if _is_blank(cells):
            continue
        if any(isinstance(c, str) and len(c) > MAX_CELL for c in cells):
            raise LedgerRefused(
                [LineError(number, None, str(_l("A cell of this row is too long.")))]
            )
        if len(sheet.rows) >= max_rows:
            raise _refused(
                _l(
                    "The file has more than %(n)s cases. Split it, or import it with the "
                    "command flask ledger import.",
                    n=max_rows,
                )
            )
        sheet.rows.append((number, cells))
    if sheet is None:
        raise _refused(
            _l(
                "No row of column headers was found in the first %(n)s rows: the ledger needs "
                "at least the case number and two more of its columns, named as in an export.",
                n=HEADER_SEARCH_ROWS,
            )
        )
    return sheet


def _csv_rows(text: str):
    """(row, cells), rows numbered as a spreadsheet opening the file numbers them (a cell
    holding a line break stays in its row)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error:
        raise LedgerRefused(
            [LineError(number + 1, None, str(_l("This row is not valid CSV.")))]
        ) from None


def _xlsx_rows(raw: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _refused(_l("The file is not a readable XLSX workbook.")) from None
    if unpacked > MAX_UNPACKED:
        raise _refused(_l("The workbook is too large once unpacked: split it in parts."))
    # openpyxl reads the workbook's XML through defusedxml (a dependency): no entity
    # expansion. A damaged file raises any of many kinds of error.
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:
        raise _refused(_l("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = book.worksheets[0]
        # At most MAX_COLUMNS cells a row, whatever size the sheet claims to have.
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        for number, cells in enumerate(rows, start=1):
            yield number, list(cells)
    except LedgerRefused:
        raise
    except Exception:
        raise _refused(_l("The file is not a readable XLSX workbook.")) from None
    finally:
        book.close()


def read_ledger(raw: bytes, max_rows: int) -> Sheet:
    """The header and rows of a ledger file (XLSX, or CSV in UTF-8 or GB 18030).

    Raises LedgerRefused: an old binary .xls, an unreadable or oversized workbook, a text
    that is not CSV, no header row, more than `max_rows` rows.
    """
    if raw.startswith(b"PK\x03\x04"):
        return _collect(_xlsx_rows(raw), max_rows)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refused(
            _l("This is an old Excel .xls file: save it as an XLSX workbook or a CSV file.")
        )
    text = decode_text(raw)
    if text is None or "\x00" in text:
        raise _refused(_l("The file is neither an XLSX workbook nor a CSV text file."))
    return _collect(_csv_rows(text), max_rows)
