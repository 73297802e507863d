"""Statistics tables as XLSX: one sheet per table, each with a header block (period, scope,
filters, who and when), the column headers with each rate's formula under its name, then one
row per breakdown value and the total in bold. Counts are whole numbers, rates percentages
with two decimals (83.04, empty when the denominator is 0), amounts yuan; so a bureau's
spreadsheet can sum and chart them as they are.

The caller brings the figures as plain columns and rows (the statistics module's flat table:
its columns with label, kind and formula, and the values of each row in that order)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from domain.ledger.export import xlsx_text

NUMBER_FORMATS = {"count": "#,##0", "rate": '0.00"%"', "amount": "#,##0.00"}
LABEL_WIDTH = 28
VALUE_WIDTH = 14
# Characters a sheet's name may not hold, and its longest length.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31


@dataclass(frozen=True)
class TableColumn:
    label: str
    kind: str  # "count", "rate" (a percentage: 83.04), "amount" (yuan)
    formula: str | None = None  # for a rate: "successful ÷ mediated"


@dataclass(frozen=True)
class TableSheet:
    """One table: `rows` are (label, values in the order of `columns`); a value of None is
    left empty (a rate of nothing). `total`, when given, is the last row, in bold."""

    title: str
    sheet_name: str
    block: list[tuple[str, str]]
    row_label: str
    columns: list[TableColumn]
    rows: list[tuple[str, list]]
    total: tuple[str, list] | None = None


def sheet_name(name: str, taken: set[str]) -> str:
    """A name an XLSX sheet can have (no []:*?/\\, at most 31 characters), unlike those
    `taken` (compared as Excel does, ignoring case)."""
    base = SHEET_NAME_FORBIDDEN.sub(" ", xlsx_text(name)).strip().strip("'")
    base = base[:SHEET_NAME_LENGTH] or "Sheet"
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def write_tables_xlsx(out: IO[bytes], sheets: Iterable[TableSheet]) -> None:
    """Write the tables into `out`, one sheet each, in one workbook."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for table in sheets:
        _write_sheet(book.create_sheet(sheet_name(table.sheet_name, taken)), table)
    if not taken:
        book.create_sheet("Sheet")  # a workbook has at least one sheet
    book.save(out)


def write_table_xlsx(
    out: IO[bytes],
    *,
    title: str,
    sheet_name: str,
    block: list[tuple[str, str]],
    row_label: str,
    columns: list[TableColumn],
    rows: list[tuple[str, list]],
    total: tuple[str, list] | None = None,
) -> None:
    """Write one table as a workbook of one sheet."""
    table = TableSheet(title, sheet_name, block, row_label, columns, rows, total)
    write_tables_xlsx(out, [table])


def _write_sheet(sheet, table: TableSheet) -> None:
    columns = table.columns
    sheet.column_dimensions["A"].width = LABEL_WIDTH
    for i in range(len(columns)):
        sheet.column_dimensions[get_column_letter(i + 2)].width = VALUE_WIDTH
    header_row = len(table.block) + 3
    sheet.freeze_panes = f"B{header_row + 2}"  # below the names and the formulas
    bold = Font(bold=True)
    heading = _text(sheet, table.title)
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    for label, value in table.block:
        cell = _text(sheet, label)
        cell.font = bold
        sheet.append([cell, _text(sheet, value)])
    sheet.append([])
    fill = PatternFill("solid", fgColor="DDE7F0")
    names, formulas = [], []
    for text in (table.row_label, *(c.label for c in columns)):
        cell = _text(sheet, text)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        names.append(cell)
    sheet.append(names)
    for column in (None, *columns):
        cell = _text(sheet, column.formula if column else None)
        cell.font = Font(italic=True, color="555555")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        formulas.append(cell)
    sheet.append(formulas)
    for label, values in table.rows:
        sheet.append(_line(sheet, columns, label, values))
    if table.total is not None:
        sheet.append(_line(sheet, columns, *table.total, font=bold))


def _line(sheet, columns: list[TableColumn], label, values, font: Font | None = None) -> list:
    first = _text(sheet, label)
    if font is not None:
        first.font = font
    line = [first]
    for column, value in zip(columns, values, strict=True):
        if value is None:
            line.append(None)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMATS.get(column.kind, "General")
        if font is not None:
            cell.font = font
        line.append(cell)
    return line


def _text(sheet, value) -> WriteOnlyCell:
    """A text cell: always a text, never a formula (a place named "=HYPERLINK(…)" stays a
    name)."""
    text = xlsx_text(str(value)) if value is not None and value != "" else None
    cell = WriteOnlyCell(sheet, value=text)
    if text is not None:
        cell.data_type = "s"
    return cell
