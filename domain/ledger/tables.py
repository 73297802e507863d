"""A statistics table as an XLSX sheet: a header block (period, scope, filters, who and when),
the column headers with each rate's formula under its name, then one row per breakdown value
and the total. Counts are whole numbers, rates percentages with two decimals (empty when the
denominator is 0), amounts yuan; so a bureau's spreadsheet can sum and chart them as they are.

The caller brings the figures as plain columns and rows (the statistics module's flat table:
its columns with label, kind and formula, and the values of each row in that order)."""

from __future__ import annotations

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


@dataclass(frozen=True)
class TableColumn:
    label: str
    kind: str  # "count", "rate" (a percentage: 83.04), "amount" (yuan)
    formula: str | None = None  # for a rate: "successful ÷ mediated"


def write_table_xlsx(
    out: IO[bytes],
    *,
    title: str,
    sheet_name: str,
    block: list[tuple[str, str]],
    row_label: str,
    columns: list[TableColumn],
    rows: list[tuple[str, list]],
) -> None:
    """Write the table into `out`. `rows` are (label, values in the order of `columns`); a
    value of None is left empty (a rate of nothing)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(xlsx_text(sheet_name)[:31] or "Sheet")
    sheet.column_dimensions["A"].width = LABEL_WIDTH
    for i in range(len(columns)):
        sheet.column_dimensions[get_column_letter(i + 2)].width = VALUE_WIDTH
    header_row = len(block) + 3
    sheet.freeze_panes = f"B{header_row + 2}"  # below the names and the formulas
    bold = Font(bold=True)
    heading = WriteOnlyCell(sheet, value=xlsx_text(title))
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    for label, value in block:
        cell = WriteOnlyCell(sheet, value=xlsx_text(label))
        cell.font = bold
        sheet.append([cell, xlsx_text(value)])
    sheet.append([])
    fill = PatternFill("solid", fgColor="DDE7F0")
    names, formulas = [], []
    for text in (row_label, *(c.label for c in columns)):
        cell = WriteOnlyCell(sheet, value=xlsx_text(str(text)))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        names.append(cell)
    sheet.append(names)
    for column in (None, *columns):
        cell = WriteOnlyCell(
            sheet, value=xlsx_text(str(column.formula)) if column and column.formula else None
        )
        cell.font = Font(italic=True, color="555555")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        formulas.append(cell)
    sheet.append(formulas)
    for label, values in rows:
        line = [xlsx_text(str(label))]
        for column, value in zip(columns, values, strict=True):
            if value is None:
                line.append(None)
                continue
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = NUMBER_FORMATS.get(column.kind, "General")
            line.append(cell)
        sheet.append(line)
    book.save(out)
