"""`flask ledger export` and `flask ledger import`."""

from __future__ import annotations

import sqlalchemy as sa
from openpyxl import load_workbook

from models import Case, LedgerLog
from models.states import CaseState
from tests.domain.ledger_helpers import wipe_cases


def test_export_then_import_into_a_database_without_cases(world, db, runner, tmp_path):
    kept = world.case(CaseState.AGREED).number
    world.case(CaseState.FAILED, village=world.village3)
    db.session.commit()
    target = tmp_path / "ledger.csv"
    result = runner.invoke(args=["ledger", "export", str(target), "--region", "421022", "--full"])
    assert result.exit_code == 0, result.output
    assert "Exported 1 case to" in result.output
    text = target.read_bytes().decode("utf-8-sig")
    assert kept in text and "13812345678" in text
    record = db.session.scalar(sa.select(LedgerLog))
    assert (record.via, record.user, record.full_details) == ("cli", None, True)

    wipe_cases()
    db.session.commit()
    result = runner.invoke(args=["ledger", "import", str(target), "--by", "admin", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Checked 1 case:" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    result = runner.invoke(args=["ledger", "import", str(target), "--by", "admin"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Case.number)) == kept


def test_export_xlsx_of_a_period_and_an_organisation(world, db, runner, tmp_path):
    world.case(CaseState.MEDIATING)
    db.session.commit()
    target = tmp_path / "ledger.xlsx"
    args = ["ledger", "export", str(target), "--organisation", "新民村人民调解委员会"]
    result = runner.invoke(args=[*args, "--from", "2020-01-01", "--lang", "en"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).worksheets[0]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Case number" in values and "138****5678" in values  # masked by default
    result = runner.invoke(args=[*args, "--to", "2020-01-01"])
    assert "Exported 0 cases" in result.output
    result = runner.invoke(args=[*args, "--from", "2020-02-01", "--to", "2020-01-01"])
    assert result.exit_code != 0


def test_a_refused_import_lists_the_rows_and_fails(world, db, runner, tmp_path):
    target = tmp_path / "old.csv"
    target.write_text("案件编号,登记日期,案件来源,纠纷类型代码\nX-1,2019-13-01,申请调解,LL\n")
    result = runner.invoke(args=["ledger", "import", str(target), "--by", "admin"])
    assert result.exit_code == 1
    assert "row 2, Registered on: Not a date: 2019-13-01" in result.output
    result = runner.invoke(args=["ledger", "import", str(target), "--by", "leader"])
    assert result.exit_code == 2  # not an administrator
