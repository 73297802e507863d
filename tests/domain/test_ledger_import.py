"""Importing a ledger: every row checked, all or none, old numbers and dates kept where the
statistics read them, one timeline event, masked values left empty with a warning."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa

from domain.calendar import local_today
from domain.errors import NotPermitted
from domain.intake import register_case
from domain.ledger.columns import COLUMNS
from domain.ledger.importing import MAX_CLI_ROWS, import_ledger
from domain.ledger.reading import LedgerRefused, read_ledger
from domain.states import Action
from models import Case, CaseSequence, Event, LedgerLog
from models.enums import (
    AgreementKind,
    ClosureReason,
    OrgKind,
    PartyKind,
    Performance,
    Role,
    Ruling,
)
from models.states import CaseState
from tests.factories import org, user, valid_id

ZH = {c.key: c.zh for c in COLUMNS}


def ledger_csv(
    rows: list[dict], *, title: str | None = "某某镇人民调解案件台账", encoding="utf-8-sig"
):
    """A ledger as an old centre keeps it: a title line, then the Chinese headers of the
    columns the rows use."""
    keys = [c.key for c in COLUMNS if any(c.key in r for r in rows)]
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerow([title])
    writer.writerow([ZH[k] for k in keys])
    for r in rows:
        writer.writerow([r.get(k, "") for k in keys])
    return out.getvalue().encode(encoding)


def good_row(**kw) -> dict:
    row = {
        "number": "（2019）公埠人调字第12号",
        "registered_on": "2019-03-01",
        "accepted_on": "2019/3/2",
        "source": "申请调解",
        "type_code": "LL",
        "type_name": "邻里纠纷",
        "summary": "相邻排水纠纷",
        "applicants": "王某",
        "applicant_ids": valid_id("19700101"),
        "applicant_phones": "13812345678",
        "respondents": "李某、张某",
        "respondent_phones": "、0716-5221234",
        "region_code": "421022100201",
        "place": "公安县埠河镇新民村",
        "organisation": "新民村人民调解委员会",
        "mediator": "张调解",
        "outcome": "调解成功",
        "outcome_on": "2019年3月20日",
        "agreement_form": "书面",
        "amount": "2.5万",
        "confirmation": "已确认",
        "confirmed_on": "20190401",
        "follow_up_on": "2019-04-10",
        "performance": "履行完毕",
    }
    row.update(kw)
    return row


def run(raw: bytes, actor):
    return import_ledger(
        read_ledger(raw, MAX_CLI_ROWS), actor, via="cli", file_format="csv", raw=raw
    )


def refusal(raw: bytes, actor) -> set[tuple[int, str | None]]:
    with pytest.raises(LedgerRefused) as caught:
        run(raw, actor)
    return {(e.row, e.column) for e in caught.value.errors}


def test_an_old_case_keeps_its_number_and_dates_where_the_statistics_read_them(world, db):
    result = run(ledger_csv([good_row()]), world.admin)
    db.session.commit()
    assert result.imported == 1
    case = db.session.scalar(sa.select(Case))
    assert case.number == "(2019)公埠人调字第12号"  # full-width brackets made ordinary
    assert local_today(case.created_at) == date(2019, 3, 1)
    assert local_today(case.accepted_at) == date(2019, 3, 2)
    assert local_today(case.closed_at) == date(2019, 3, 20)
    assert case.state == CaseState.AGREED
    assert case.closure_reason == ClosureReason.AGREEMENT_WRITTEN
    assert case.agreement.kind == AgreementKind.WRITTEN
    assert case.agreement.agreed_on == case.agreement.effective_on == date(2019, 3, 20)
    assert case.agreement.performance_status == Performance.PERFORMED
    assert case.amount == 25000
    assert [(c.ruling, c.ruled_on) for c in case.confirmations] == [
        (Ruling.CONFIRMED, date(2019, 4, 1))
    ]
    assert [v.visited_on for v in case.follow_ups] == [date(2019, 4, 10)]
    assert case.handling_org == world.village_committee
    assert case.presiding_mediator == world.mediator  # the committee's account of that name
    assert case.ledger_mediator is None
    assert case.intake_org == world.county_centre
    assert [p.name for p in case.respondents] == ["李某", "张某"]
    assert [p.phone for p in case.respondents] == [None, "0716-5221234"]
    assert case.applicants[0].phone_norm == "+8613812345678"
    # Marked as imported, one timeline entry, no made-up steps.
    record = db.session.get(LedgerLog, case.ledger_import_id)
    assert record.rows == 1 and record.user == world.admin
    assert [e.action for e in case.events] == [Action.IMPORT_LEDGER.value]
    assert case.events[0].to_state == CaseState.AGREED.value


def test_a_mediator_without_an_account_is_kept_by_name(world, db):
    run(ledger_csv([good_row(mediator="退休调解员老周")]), world.admin)
    case = db.session.scalar(sa.select(Case))
    assert case.mediators == [] and case.ledger_mediator == "退休调解员老周"


def test_without_a_state_column_the_outcome_gives_the_state(world, db):
    rows = [
        good_row(),
        good_row(
            number="GA-2019-13",
            outcome="调解不成",
            agreement_form="",
            confirmation="",
            confirmed_on="",
            performance="",
            follow_up_on="",
            amount="",
        ),
    ]
    run(ledger_csv(rows), world.admin)
    states = dict(db.session.execute(sa.select(Case.number, Case.state)).all())
    assert states == {"(2019)公埠人调字第12号": CaseState.AGREED, "GA-2019-13": CaseState.FAILED}


def test_every_rejected_row_is_reported_and_nothing_is_imported(world, db):
    rows = [
        good_row(number="A-1"),  # row 3: fine
        good_row(number="A-2", registered_on="2019-02-30"),  # 4: no such day
        good_row(number="A-3", type_code="XYZ", type_name=""),  # 5: no such type
        good_row(number="A-4", organisation="某某调委会"),  # 6: no such organisation
        good_row(number="A-5", outcome_on=""),  # 7: an ended case without its date
        good_row(number="A-1"),  # 8: the number again
        good_row(number="A-6", agreement_form="口头", outcome="书面协议"),  # 9: forms disagree
        good_row(number="A-7", applicant_ids="421022199013011234"),  # 10: not an ID number
        good_row(number="A-8", confirmed_on="2019-03-10"),  # 11: ruled before it ended
        good_row(number="A-9", state="调解中"),  # 12: open, yet an outcome
        good_row(number="A-10", region_code="999999"),  # 13: no such place
        good_row(number="A-11", accepted_on="2019-02-01"),  # 14: accepted before registered
        good_row(number="A 12/x"),  # 15: not a number
        good_row(number="A-13", registered_on=(local_today().replace(year=2999)).isoformat()),
    ]
    problems = refusal(ledger_csv(rows), world.admin)
    assert problems >= {
        (4, "registered_on"),
        (5, "type_code"),
        (6, "organisation"),
        (7, "outcome_on"),
        (8, "number"),
        (9, "agreement_form"),
        (10, "applicant_ids"),
        (11, "confirmed_on"),
        (12, "outcome"),
        (13, "region_code"),
        (14, "accepted_on"),
        (15, "number"),
        (16, "registered_on"),
    }
    assert 3 not in {row for row, _ in problems}
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(LedgerLog.id))) == 0


def test_a_number_already_in_the_portal_is_refused(world, db):
    existing = world.case()
    problems = refusal(ledger_csv([good_row(number=existing.number)]), world.admin)
    assert problems == {(3, "number")}


def test_masked_values_are_imported_empty_with_a_warning(world, db):
    row = good_row(applicant_ids="4210**********1234", applicant_phones="138****5678")
    result = run(ledger_csv([row]), world.admin)
    assert {(w.row, w.column) for w in result.warnings} == {
        (3, "applicant_ids"),
        (3, "applicant_phones"),
    }
    applicant = db.session.scalar(sa.select(Case)).applicants[0]
    assert applicant.id_number is None and applicant.phone is None


def test_an_organisation_is_known_by_its_credit_code(world, db):
    row = good_row(respondents="某某物业公司", respondent_ids="91421022MA49000015")
    row.pop("respondent_phones")
    run(ledger_csv([row]), world.admin)
    party = db.session.scalar(sa.select(Case)).respondents[0]
    assert party.kind == PartyKind.ORGANISATION and party.credit_code == "91421022MA49000015"


def test_numbers_of_the_portals_own_form_reserve_their_sequence(world, db):
    year = local_today().year
    run(ledger_csv([good_row(number=f"{year}-421022-000050")]), world.admin)
    assert db.session.get(CaseSequence, (year, "421022")).last == 50
    case, _code = register_case(world.case_data(), world.clerk)
    assert case.number == f"{year}-421022-000051"


def test_a_county_administrator_imports_only_their_county(world, db):
    county_admin = user("admin2", Role.ADMIN, world.county2_centre, "松滋管理")
    db.session.flush()
    problems = refusal(ledger_csv([good_row()]), county_admin)
    assert problems == {(3, "region_code"), (3, "organisation")}


def test_only_an_administrator_imports(world, db):
    with pytest.raises(NotPermitted):
        run(ledger_csv([good_row()]), world.leader)


def test_gb18030_text_with_the_headers_below_a_title_and_english_words(world, db):
    row = good_row(source="Party application", outcome="Oral agreement", agreement_form="")
    raw = ledger_csv([row], title="台账（2019年）", encoding="gb18030")
    run(raw, world.admin)
    case = db.session.scalar(sa.select(Case))
    assert case.closure_reason == ClosureReason.AGREEMENT_ORAL
    assert case.agreement.kind == AgreementKind.ORAL


def test_a_place_by_its_name_and_a_mediating_organisation_only(world, db):
    ok = good_row(region_code="", place="公安县埠河镇天心眼村")
    court = good_row(number="B-2", organisation=world.court.name)
    problems = refusal(ledger_csv([ok, court]), world.admin)
    assert problems == {(4, "organisation")}
    run(ledger_csv([ok]), world.admin)
    assert db.session.scalar(sa.select(Case)).region == world.village2


def test_an_open_case_goes_on_with_its_deadline(world, db):
    today = local_today().isoformat()
    row = {
        "number": "OPEN-1",
        "registered_on": today,
        "accepted_on": today,
        "source": "当事人申请",
        "type_code": "HYJT",
        "respondents": "李某",
        "region_code": "421022100201",
        "organisation": "新民村人民调解委员会",
        "mediator": "张调解",
        "state": "调解中",
    }
    run(ledger_csv([row]), world.admin)
    case = db.session.scalar(sa.select(Case))
    assert case.state == CaseState.MEDIATING and case.due_on is not None
    assert case.closed_at is None and case.agreement is None


@pytest.mark.parametrize(
    "raw",
    [
        b"\xd0\xcf\x11\xe0" + b"\x00" * 100,  # an old .xls
        b"PK\x03\x04 not really a zip",
        b"\x00binary",
        b"just,some,text\n1,2,3\n",  # no header row
    ],
)
def test_files_that_are_no_ledger_are_refused(world, db, raw):
    with pytest.raises(LedgerRefused):
        read_ledger(raw, MAX_CLI_ROWS)


def test_a_workbook_that_would_unpack_too_large_is_refused(world, db, monkeypatch):
    from domain.ledger import reading

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 2_000_000)
    monkeypatch.setattr(reading, "MAX_UNPACKED", 1_000_000)
    with pytest.raises(LedgerRefused):
        read_ledger(out.getvalue(), MAX_CLI_ROWS)


def test_too_many_rows_for_the_page(world, db):
    rows = [good_row(number=f"N-{i}") for i in range(6)]
    with pytest.raises(LedgerRefused):
        read_ledger(ledger_csv(rows), 5)


def test_an_industry_committee_in_the_county_is_found_by_name(world, db):
    org("公安县物业纠纷人民调解委员会", OrgKind.INDUSTRY_COMMITTEE, world.county, ["WY"])
    row = good_row(organisation="公安县物业纠纷人民调解委员会", mediator="")
    run(ledger_csv([row]), world.admin)
    assert db.session.scalar(sa.select(Case)).handling_org.name == "公安县物业纠纷人民调解委员会"
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1
