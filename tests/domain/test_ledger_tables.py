"""A statistics table as XLSX: the header block, names with formulas beneath, numbers typed."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from domain.ledger.tables import TableColumn, write_table_xlsx


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
