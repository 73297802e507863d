"""Helpers of the ledger tests: a world with a case in every state, exporting it, emptying the
database of its cases (keeping regions, organisations and staff) and reading files back."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from domain import stat_summary
from domain.aftercare import apply_confirmation, record_ruling
from domain.clocks import local_today
from domain.ledger.export import ExportSpec, start_export
from domain.ledger.importing import MAX_CLI_ROWS, import_ledger
from domain.ledger.reading import read_ledger
from extensions import db
from models import Case, CaseSequence, FileSequence, StatMonth
from models.enums import PartyKind, PartyRole, Ruling
from models.states import CaseState
from tests.factories import PartyData, valid_id


def full_world(world) -> list[Case]:
    """A case in every state, and a few with more to them: two applicants, an organisation as
    respondent, an amount, a court's ruling on an agreement, a case in the other county."""
    cases = [world.case(state) for state in CaseState if state != CaseState.MERGED]
    cases.append(world.case(CaseState.MERGED))
    parties = [
        PartyData(role=PartyRole.APPLICANT, name="王大", phone="13800001111", id_number=valid_id()),
        PartyData(role=PartyRole.APPLICANT, name="王二", phone="0716-5221234"),
        PartyData(
            role=PartyRole.RESPONDENT,
            name="荆州某某物业服务有限公司",
            kind=PartyKind.ORGANISATION,
            credit_code="91421022MA49000015",
            legal_rep="赵某",
        ),
    ]
    confirmed = world.case(CaseState.AGREED, parties=parties, oral=True)
    confirmed.amount = 12500
    apply_confirmation(
        confirmed,
        world.mediator,
        version=None,
        court="公安县人民法院",
        applied_on=local_today(),
        all_parties_join=True,
    )
    db.session.flush()
    record_ruling(
        confirmed,
        confirmed.confirmations[0],
        world.mediator,
        version=None,
        ruling=Ruling.CONFIRMED,
        ruled_on=local_today(),
        ruling_number="（2026）鄂1022民特1号",
    )
    cases.append(confirmed)
    cases.append(world.case(CaseState.AGREED, village=world.village3, accepted_days_ago=40))
    db.session.flush()
    return cases


def export_file(file_format: str = "csv", condition=None, *, full: bool = True) -> bytes:
    """The ledger of `condition` (default: every case) as the command writes it."""
    export = start_export(
        ExportSpec(
            condition=condition if condition is not None else sa.true(),
            scope="test",
            scope_key="all",
            file_format=file_format,
            via="cli",
            reveal=sa.true() if full else None,
        )
    )
    if file_format == "csv":
        return "".join(export.csv_chunks()).encode("utf-8")
    out = io.BytesIO()
    export.write_xlsx(out)
    return out.getvalue()


def data_rows(raw: bytes) -> list[list[str]]:
    """The data rows of a ledger file as text (header block left out), as the import reads
    them."""
    sheet = read_ledger(raw, MAX_CLI_ROWS)
    out = []
    for _number, cells in sheet.rows:
        row = []
        for i in sorted(sheet.columns):
            value = cells[i] if i < len(cells) else None
            if hasattr(value, "date"):
                value = value.date()
            row.append("" if value is None else str(value))
        out.append(row)
    return out


def wipe_cases() -> None:
    """Every case and what hangs on it, gone; regions, organisations and staff stay (a
    database with the same reference data but no cases)."""
    tables = db.metadata.sorted_tables
    case_table = Case.__table__

    def depends_on_case(table, seen=()) -> bool:
        for fk in table.foreign_keys:
            target = fk.column.table
            if target is case_table or (
                target not in seen
                and target is not table
                and depends_on_case(target, (*seen, table))
            ):
                return True
        return False

    doomed = [t for t in tables if t is case_table or depends_on_case(t)]
    doomed += [CaseSequence.__table__, FileSequence.__table__]
    db.session.flush()
    for table in reversed([t for t in tables if t in doomed]):
        db.session.execute(table.delete())
    # The statistics' monthly summary of a database without cases: empty, and complete.
    db.session.execute(StatMonth.__table__.delete().where(StatMonth.family != stat_summary.READY))
    db.session.expire_all()


def import_file(raw: bytes, admin) -> object:
    return import_ledger(
        read_ledger(raw, MAX_CLI_ROWS),
        admin,
        via="cli",
        file_format="xlsx" if raw.startswith(b"PK") else "csv",
        raw=raw,
    )


def xlsx_sheet(raw: bytes):
    return load_workbook(io.BytesIO(raw)).worksheets[0]


def later(days: int):
    return local_today() + timedelta(days=days)
