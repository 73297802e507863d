"""Exporting the ledger: the period, masking and its record, the file's layout (header block,
headers, widths, dates and amounts, no formulas), and constant memory however many rows."""

from __future__ import annotations

import io
import os
import tracemalloc
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from domain.calendar import local_today
from domain.intake import PartyData
from domain.ledger.columns import COLUMNS
from domain.ledger.export import ExportSpec, start_export
from domain.ledger.rows import BATCH, day_start, ledger_query, period_condition
from domain.permissions import can_reveal_pii, case_scope, reveal_condition
from domain.states import Action
from extensions import db as _db
from models import Case, Event, JudicialConfirmation, LedgerLog, Party
from models.enums import Channel, DisputeType, PartyRole, Source
from models.states import CaseState
from tests.domain.ledger_helpers import export_file, full_world, import_file, wipe_cases
from tests.factories import valid_id


def numbers_in(start, end) -> set[str]:
    return set(_db.session.scalars(sa.select(Case.number).where(period_condition(start, end))))


def shift(case: Case, **days: int) -> None:
    """Move the case's dates back by the given days (created, accepted, closed)."""
    for column, ago in days.items():
        setattr(case, column, datetime.now(UTC) - timedelta(days=ago))


def test_a_case_is_in_a_period_when_any_of_its_counting_dates_is(world, db):
    today = local_today()
    crossing = world.case(CaseState.FAILED)  # registered and accepted 40 days ago, ended today
    shift(crossing, created_at=40, accepted_at=40)
    old = world.case(CaseState.FAILED)  # everything 100 days ago
    shift(old, created_at=100, accepted_at=100, closed_at=100)
    ruled = world.case(CaseState.AGREED, oral=True)  # all long ago, but a ruling 5 days ago
    shift(ruled, created_at=200, accepted_at=200, closed_at=200)
    ruled.agreement.agreed_on = ruled.agreement.effective_on = today - timedelta(days=200)
    for visit in ruled.follow_ups:
        visit.due_on = today - timedelta(days=170)
    db.session.add(
        JudicialConfirmation(
            case=ruled,
            court="公安县人民法院",
            applied_on=today - timedelta(days=190),
            ruling="confirmed",
            ruled_on=today - timedelta(days=5),
            recorded_by_id=world.mediator.id,
        )
    )
    db.session.flush()
    assert numbers_in(today - timedelta(days=10), today) == {crossing.number, ruled.number}
    assert numbers_in(today - timedelta(days=45), today - timedelta(days=35)) == {crossing.number}
    assert numbers_in(today - timedelta(days=30), today - timedelta(days=20)) == set()
    assert numbers_in(None, today - timedelta(days=150)) == {ruled.number}
    assert numbers_in(today - timedelta(days=120), today - timedelta(days=90)) == {old.number}
    assert numbers_in(None, None) == {crossing.number, old.number, ruled.number}


def test_a_period_boundary_is_a_day_in_china(world, db):
    case = world.case()
    day = local_today() - timedelta(days=3)
    case.created_at = day_start(day)  # 00:00 in China is the day before in UTC
    db.session.flush()
    assert numbers_in(day, day) == {case.number}
    assert numbers_in(None, day - timedelta(days=1)) == set()


def test_the_sql_reveal_rule_is_the_case_pages_rule(world, db):
    cases = full_world(world)
    db.session.commit()
    for user in (world.clerk, world.mediator, world.director, world.leader, world.admin):
        shown = set(
            db.session.scalars(sa.select(Case.id).where(case_scope(user), reveal_condition(user)))
        )
        seen = db.session.scalars(sa.select(Case).where(case_scope(user))).all()
        assert shown == {c.id for c in seen if can_reveal_pii(user, c)}, user.username
    assert cases


def test_a_leaders_export_is_masked_and_recorded_without_personal_data(world, db):
    world.case(CaseState.MEDIATING)
    export = start_export(
        ExportSpec(
            condition=case_scope(world.leader),
            scope="公安县",
            scope_key="421022",
            file_format="csv",
            via="web",
            user=world.leader,
        )
    )
    text = "".join(export.csv_chunks())
    assert "138****5678" in text and "13812345678" not in text
    assert valid_id() not in text
    record = db.session.scalar(sa.select(LedgerLog))
    assert (record.rows, record.full_details, record.user) == (1, False, world.leader)
    assert "138" not in str(record.filters)
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Event.id)).where(Event.action == Action.EXPORT_LEDGER.value)
        )
        == 0
    )


def test_a_directors_full_export_shows_and_records_their_committees_cases_only(world, db):
    own = world.case(CaseState.MEDIATING)
    waiting = world.case(CaseState.ACCEPTED)  # at the desk: not the committee's
    db.session.commit()
    condition = sa.or_(case_scope(world.director), Case.id == waiting.id)
    export = start_export(
        ExportSpec(
            condition=condition,
            scope="新民村人民调解委员会",
            scope_key="org",
            file_format="csv",
            via="web",
            user=world.director,
            reveal=reveal_condition(world.director),
        )
    )
    db.session.commit()
    lines = "".join(export.csv_chunks()).splitlines()
    row_of = {line.split(",")[0]: line for line in lines}
    assert "13812345678" in row_of[own.number]
    assert "138****5678" in row_of[waiting.number]
    recorded = db.session.scalars(
        sa.select(Event).where(Event.action == Action.EXPORT_LEDGER.value)
    ).all()
    assert [(e.case_id, e.actor_id, e.public) for e in recorded] == [
        (own.id, world.director.id, False)
    ]
    assert db.session.scalar(sa.select(LedgerLog)).full_details is True


def test_csv_starts_with_a_bom_and_a_header_block_and_guards_formulas(world, db):
    hostile = [
        PartyData(role=PartyRole.APPLICANT, name='=HYPERLINK("http://x","点")'),
        PartyData(role=PartyRole.RESPONDENT, name="@SUM(1)"),
    ]
    world.case(parties=hostile)
    raw = export_file("csv", full=False)
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == "People's mediation case ledger"
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    # The import reads the names back as they were.
    wipe_cases()
    import_file(raw, world.admin)
    case = db.session.scalar(sa.select(Case))
    assert [p.name for p in case.parties] == ['=HYPERLINK("http://x","点")', "@SUM(1)"]


def test_xlsx_layout_headers_widths_dates_and_no_formulas(world, db):
    parties = [
        PartyData(role=PartyRole.APPLICANT, name="王某", phone="13812345678"),
        PartyData(role=PartyRole.RESPONDENT, name="=1+1"),
    ]
    case = world.case(CaseState.AGREED, parties=parties)
    case.amount = 1234.5
    db.session.flush()
    with force_locale("zh_Hans"):
        raw = export_file("xlsx", full=False)
    sheet = load_workbook(io.BytesIO(raw)).worksheets[0]
    assert sheet["A1"].value  # the title
    header_row = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "案件编号")
    assert [sheet.cell(header_row, i + 1).value for i in range(len(COLUMNS))] == [
        c.zh for c in COLUMNS
    ]
    assert sheet.cell(header_row, 1).font.bold
    assert sheet.freeze_panes == f"B{header_row + 1}"
    for i, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(1, i).column_letter
        assert sheet.column_dimensions[letter].width == column.width
    row = {c.key: sheet.cell(header_row + 1, i + 1) for i, c in enumerate(COLUMNS)}
    assert row["respondents"].value == "=1+1" and row["respondents"].data_type == "s"
    assert row["registered_on"].is_date
    assert row["amount"].value == 1234.5 and row["amount"].number_format == "#,##0.00"
    assert row["type_name"].value == "邻里"
    assert row["source"].value == "当事人申请"


def test_a_leaders_masked_ledger_imports_with_warnings(world, db):
    """The leader's ledger goes elsewhere: masked identifiers are left out, the rest is kept."""
    world.case(CaseState.FAILED)
    raw = export_file("csv", case_scope(world.leader), full=False)
    wipe_cases()
    result = import_file(raw, world.admin)
    assert result.imported == 1
    assert {w.column for w in result.warnings} == {
        "applicant_ids",
        "applicant_phones",
        "respondent_phones",
    }
    assert db.session.scalar(sa.select(Case)).state == CaseState.FAILED


def _bulk_cases(region_id: int, region_code: str, n: int) -> None:
    """n cases with two parties each, inserted directly: this measures the export, not intake."""
    start = _db.session.scalar(sa.select(sa.func.count(Case.id))) or 0
    now = datetime.now(UTC)
    rows = [
        {
            "number": f"BULK-{start + i:07d}",
            "query_code_hash": "!",
            "source": Source.APPLICATION,
            "channel": Channel.ONLINE,
            "dispute_type": DisputeType.LL,
            "summary": "相邻排水纠纷" * 10,
            "region_id": region_id,
            "region_code": region_code,
            "created_at": now - timedelta(seconds=start + i),
        }
        for i in range(n)
    ]
    _db.session.execute(sa.insert(Case), rows)
    ids = _db.session.scalars(sa.select(Case.id).where(Case.number.like("BULK-%"))).all()
    ids = ids[start:]
    parties = []
    for case_id in ids:
        parties.append(
            {"case_id": case_id, "role": PartyRole.APPLICANT, "name": "王某某", "phone": "138"}
        )
        parties.append({"case_id": case_id, "role": PartyRole.RESPONDENT, "name": "李某某"})
    _db.session.execute(sa.insert(Party), parties)
    _db.session.commit()


def _peak(file_format: str) -> tuple[int, int]:
    """Peak memory of writing the whole ledger (the output itself thrown away as it comes),
    and the bytes written."""
    export = start_export(
        ExportSpec(
            condition=sa.true(), scope="t", scope_key="all", file_format=file_format, via="cli"
        )
    )
    _db.session.commit()
    _db.session.expunge_all()
    written = 0
    tracemalloc.start()
    try:
        if file_format == "csv":
            for chunk in export.csv_chunks():
                written += len(chunk.encode("utf-8"))
        else:
            with open(os.devnull, "wb") as sink:
                export.write_xlsx(sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, written


def test_the_export_streams_in_batches_with_constant_memory(world, db):
    """Six times the rows, about the same peak: the cases are read BATCH at a time and
    written as they come (a result held whole would grow with the rows)."""
    assert ledger_query(sa.true()).get_execution_options()["yield_per"] == BATCH
    where = (world.village.id, world.village.code)
    _bulk_cases(*where, BATCH)
    small_csv, _ = _peak("csv")
    small_xlsx, _ = _peak("xlsx")
    _bulk_cases(*where, 5 * BATCH)
    large_csv, size = _peak("csv")
    large_xlsx, _ = _peak("xlsx")
    assert size > 500_000  # the file itself is large (3 000 rows)...
    assert large_csv < small_csv * 1.5  # ...its peak memory is not
    assert large_xlsx < small_xlsx * 1.5
