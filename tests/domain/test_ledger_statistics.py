"""The statistics after the ledger's round trip: a database with the same regions and
organisations imports the exported ledger and shows the same figures, in total and by every
breakdown; and the Jingzhou bulletin, imported as a ledger in a bureau's columns, gives 100%
and 83.04% as printed."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from domain.calendar import local_today
from domain.ledger.columns import COLUMNS
from models.states import CaseState
from tests.domain.ledger_helpers import export_file, full_world, import_file, wipe_cases

st = pytest.importorskip("domain.statistics")


def all_figures(today: date) -> dict:
    """Every figure of this year and of the last 60 days, in total and by every dimension."""
    out = {}
    for period in (
        st.Period(date(today.year, 1, 1), today),
        st.Period(today - timedelta(60), today),
    ):
        out[(period, None)] = st.compute(None, period, today=today).total
        for by in st.Dimension:
            breakdown = st.compute(None, period, by=by, today=today)
            out[(period, by)] = sorted((str(r.key), r.figures) for r in breakdown.rows)
    return out


def back(case, days: int) -> None:
    """Every date of the case `days` earlier (its visit due 30 days after it ended)."""
    shift = timedelta(days=days)
    case.created_at -= shift
    case.accepted_at -= shift
    case.closed_at -= shift
    case.agreement.agreed_on -= shift
    if case.agreement.effective_on:
        case.agreement.effective_on -= shift
    for visit in case.follow_ups:
        visit.due_on -= shift
        visit.done_at = visit.visited_on = None


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_figures_are_the_same_after_the_round_trip(world, db, file_format):
    cases = full_world(world)
    today = local_today()
    # Two agreements reached 40 days ago, their visits due 10 days ago, one made; one
    # agreement performed.
    agreed = [c for c in cases if c.state in (CaseState.AGREED, CaseState.ARCHIVED)][:2]
    for case in agreed:
        back(case, 40)
    agreed[1].follow_ups[0].done_at = agreed[1].closed_at + timedelta(days=20)
    agreed[1].follow_ups[0].visited_on = today - timedelta(days=20)
    agreed[1].agreement.performance_status = st.Performance.PERFORMED
    db.session.commit()
    before = all_figures(today)
    total = before[(st.Period(date(today.year, 1, 1), today), None)]
    assert total.accepted and total.mediated and total.successful and total.confirmed
    assert total.visits_due >= 2 and total.visited >= 1 and total.performed == 1
    assert total.registered and total.self_filed and total.amount
    raw = export_file(file_format)
    wipe_cases()
    db.session.commit()
    import_file(raw, world.admin)
    db.session.commit()
    assert all_figures(today) == before


def jingzhou_ledger() -> bytes:
    """The Jingzhou centre's bulletin (March to November 2021) as a ledger in a bureau's
    columns: 802 accepted, 525 self-accepted (500 applications, 25 on the committee's
    initiative), 276 entrusted by the court, 1 from the petition office; all mediated; 666
    agreements, 100 of them confirmed by the court; 136 failures."""
    zh = {c.key: c.zh for c in COLUMNS}
    keys = [
        "number", "registered_on", "accepted_on", "source", "type_code", "respondents",
        "region_code", "organisation", "mediator", "outcome", "outcome_on", "agreement_form",
        "confirmation", "confirmed_on",
    ]  # fmt: skip
    sources = ["申请调解"] * 500 + ["主动调解"] * 25 + ["法院委托"] * 276 + ["信访调处"]
    successes = {i for i in range(802) if (i + 1) * 666 // 802 > i * 666 // 802}
    ordered = sorted(successes)
    confirmed = {ordered[j] for j in range(666) if (j + 1) * 100 // 666 > j * 100 // 666}
    start = date(2021, 3, 1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["荆州市社会矛盾纠纷调处中心 人民调解案件台账（2021年3月至11月）"])
    writer.writerow([zh[k] for k in keys])
    for i, source in enumerate(sources):
        day = start + timedelta(days=i % 250)
        closed = day + timedelta(days=i % 19 + 1)
        success = i in successes
        writer.writerow(
            [
                f"（2021）荆调字第{i + 1}号",
                day.isoformat(),
                day.isoformat(),
                source,
                "LL",
                f"当事人{i + 1}",
                "421022100201",
                "新民村人民调解委员会",
                "张调解",
                "调解成功" if success else "调解不成",
                closed.isoformat(),
                "书面" if success else "",
                "已确认" if i in confirmed else "",
                (closed + timedelta(days=10)).isoformat() if i in confirmed else "",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def test_the_jingzhou_bulletin_imported_as_a_ledger(world, db):
    result = import_file(jingzhou_ledger(), world.admin)
    assert result.imported == 802
    f = st.compute(None, st.Period(date(2021, 3, 1), date(2021, 11, 30)), today=local_today()).total
    assert f.accepted == 802
    assert (f.self_accepted, f.by_source(st.Source.COURT), f.by_source(st.Source.PETITION)) == (
        525,
        276,
        1,
    )
    assert f.mediated == 802 and f.mediation_rate.text() == "100%"
    assert f.successful == 666 and f.success_rate.text() == "83.04%"
    assert f.confirmed == 100
