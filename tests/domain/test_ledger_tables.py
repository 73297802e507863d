"""A statistics table as XLSX: the header block, names with formulas beneath, numbers typed."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from domain.ledger.tables import TableColumn, TableSheet, write_table_xlsx, write_tables_xlsx


def test_a_statistics_table_sheet():
    out = io.BytesIO()
    columns = [
        TableColumn("受理数", "count"),
        TableColumn("调解成功率", "rate", "调解成功数 ÷ 调解数"),
        TableColumn("协议涉及金额（元）", "amount"),
    ]
    write_table_xlsx(
        out,
        title="人民调解统计表",
        sheet_name="按来源",
        block=[("期间", "2021-03-01 至 2021-11-30"), ("范围", "荆州市")],
        row_label="案件来源",
        columns=columns,
        rows=[("法院委托", [276, Decimal("80.43"), Decimal("12500.50")]), ("合计", [802, None, 0])],
    )
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert sheet.title == "按来源"
    assert [sheet.cell(r, 1).value for r in range(1, 4)] == ["人民调解统计表", "期间", "范围"]
    assert [c.value for c in sheet[5]] == ["案件来源", "受理数", "调解成功率", "协议涉及金额（元）"]
    assert [c.value for c in sheet[6]] == [None, None, "调解成功数 ÷ 调解数", None]
    assert sheet.freeze_panes == "B7"
    court = sheet[7]
    assert [c.value for c in court] == ["法院委托", 276, 80.43, 12500.5]
    assert [c.number_format for c in court[1:]] == ["#,##0", '0.00"%"', "#,##0.00"]
    assert sheet[8][2].value is None  # a rate of nothing stays empty
    assert sheet.column_dimensions["A"].width == 28


def test_several_tables_in_one_workbook():
    """One sheet per table, the total in bold; names an XLSX sheet can hold, none twice; a
    text that looks like a formula stays a text."""
    out = io.BytesIO()
    columns = [TableColumn("受理数", "count"), TableColumn("调解成功率", "rate", "成功数 ÷ 调解数")]
    block = [("范围", '=HYPERLINK("http://example.com")')]
    court, total = ("法院", [3, Decimal("66.67")]), ("合计", [3, Decimal("66.67")])
    sheets = [
        TableSheet("统计表：按来源", name, block, "来源", columns, [court], total)
        for name in ("按来源", "按来源", "a/b:c*d?[e]" + "x" * 40)
    ]
    write_tables_xlsx(out, sheets)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["按来源", "按来源 (2)", "a b c d  e " + "x" * 20]
    sheet = book.worksheets[1]
    assert sheet["B2"].value == '=HYPERLINK("http://example.com")'
    assert sheet["B2"].data_type == "s"
    assert [c.value for c in sheet[6]] == ["法院", 3, 66.67]
    total = sheet[7]
    assert [c.value for c in total] == ["合计", 3, 66.67]
    assert all(c.font.bold for c in total)
    assert not sheet[6][1].font.bold


def test_an_empty_workbook_still_has_a_sheet():
    out = io.BytesIO()
    write_tables_xlsx(out, [])
    assert load_workbook(io.BytesIO(out.getvalue())).sheetnames == ["Sheet"]
