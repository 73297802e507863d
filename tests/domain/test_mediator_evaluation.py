"""Mediator evaluation (domain.mediator_evaluation): each indicator against hand-counted cases
(one ended after its deadline, one ended while suspended, an archived file missing a document,
a visit due but not made), the viewer's scope (a director sees only their mediators), that the
queries do not grow with the mediators, and the finance office's XLSX read back."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from domain import documents
from domain import mediator_evaluation as ev
from domain import statistics as st
from domain.clocks import was_overdue_when_ended
from domain.statistics import Measure, Period
from extensions import db
from models import Case, Document, SubsidyRate
from models.enums import ClosureReason, DocumentKind, RiskLevel, Role, Source
from models.states import CaseState
from models.subsidy import Difficulty
from tests.factories import user
from tests.ledger import at, ledger_case

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
TODAY = date(2026, 4, 15)


def ended(world, closed: date, reason=ClosureReason.AGREEMENT_WRITTEN, *, mediator=None,
          due: date | None = None, suspended: date | None = None, place=None, org=None,
          source=Source.APPLICATION, risk=RiskLevel.NONE, visit_due=None,
          visited=None):  # fmt: skip
    """A case accepted on 1 March and ended on `closed` with `reason`."""
    case = ledger_case(
        place or world.village,
        registered=at(date(2026, 2, 20), 9),
        accepted=at(date(2026, 2, 20), 10),
        closed=at(closed, 15),
        reason=reason,
        source=source,
        handling=org or world.village_committee,
        intake=world.county_centre,
        mediator=mediator,
        visit_due=visit_due,
        visited=at(visited, 11) if visited else None,
    )
    case.due_on = due
    case.clock_start = date(2026, 2, 20) if due else None
    case.suspended_since = at(suspended, 9) if suspended else None
    case.risk_level = risk
    return case


def archived(world, on: date, *, bundle: bool, mediator=None) -> Case:
    """A case settled in February and archived on `on`; with `bundle`, the 卷宗 the archive
    step assembles (it does so only when every required document is in the file)."""
    case = ended(world, date(2026, 2, 25), mediator=mediator or world.mediator)
    case.state = CaseState.ARCHIVED
    case.archived_at = at(on, 16)
    if bundle:
        case.documents.append(
            Document(
                kind=DocumentKind.COVER,
                subject_id=-1,
                version=1,
                media_type="application/pdf",
                content=b"%PDF-1.4",
                size=8,
                sha256="0" * 64,
                signed_at=at(on, 16),
            )
        )
    return case


@pytest.fixture
def march(world):
    """张调解 (world.mediator) and 赵调解 (world.mediator_b) of the village committee, and 陈调解
    (world.mediator2) of 松滋市's community committee, with their March cases."""
    m = world.mediator
    cases = {
        # on time: ended five days before the deadline; visited
        "on_time": ended(world, date(2026, 3, 10), mediator=m, due=date(2026, 3, 15),
                         visit_due=date(2026, 3, 20), visited=date(2026, 3, 21)),
        # late: ended two days after its deadline
        "late": ended(world, date(2026, 3, 20), ClosureReason.FAILED, mediator=m,
                      due=date(2026, 3, 18)),
        # suspended since before its (old) deadline, ended while suspended: not late
        "suspended": ended(world, date(2026, 3, 25), ClosureReason.PARTY_WITHDREW, mediator=m,
                           due=date(2026, 3, 5), suspended=date(2026, 3, 1)),
        # ended on the deadline itself: on time; its visit is due and not made
        "on_the_day": ended(world, date(2026, 3, 28), mediator=m, due=date(2026, 3, 28),
                            visit_due=date(2026, 3, 30)),
        # an old ledger's case: no deadline, neither on time nor late
        "no_deadline": ended(world, date(2026, 3, 29), ClosureReason.AGREEMENT_ORAL, mediator=m),
        # 赵调解: one on time
        "b": ended(world, date(2026, 3, 12), mediator=world.mediator_b, due=date(2026, 3, 30)),
        # 陈调解 in 松滋市: one late
        "chen": ended(world, date(2026, 3, 12), mediator=world.mediator2, due=date(2026, 3, 1),
                      place=world.village3, org=world.village3_committee),
        # nobody presides
        "nobody": ended(world, date(2026, 3, 14), ClosureReason.FAILED),
        # outside the period
        "april": ended(world, date(2026, 4, 2), mediator=m, due=date(2026, 4, 30)),
    }  # fmt: skip
    cases["complete"] = archived(world, date(2026, 3, 5), bundle=True)
    cases["incomplete"] = archived(world, date(2026, 3, 6), bundle=False)
    cases["archived_feb"] = archived(world, date(2026, 2, 27), bundle=True)
    db.session.flush()
    return cases


def by_name(result: ev.Evaluation) -> dict[str, ev.Counts]:
    return {row.name: row.counts for row in result.rows}


def test_each_indicator(world, march):
    result = ev.evaluate(world.admin, MARCH, TODAY)
    zhang = by_name(result)["张调解"]
    # handled: the five cases ended in March (the two archived ones ended in February)
    assert (zhang.handled, zhang.successful) == (5, 3)
    assert zhang.success_rate.text() == "60%"
    assert str(zhang.success_rate.formula) == "successful ÷ handled"
    # on time: 3 of the 4 with a deadline (late is late; suspended and on the day are not)
    assert (zhang.on_time, zhang.with_deadline) == (3, 4)
    assert zhang.on_time_rate.text() == "75%"
    assert str(zhang.on_time_rate.formula) == "ended by the deadline ÷ handled with a deadline"
    # file completeness: archived in March, one without its assembled file
    assert (zhang.archived_complete, zhang.archived) == (1, 2)
    assert zhang.file_rate.text() == "50%"
    assert str(zhang.file_rate.formula) == "archived with every required document ÷ archived"
    # follow-up: the visit of 20 March made, that of 30 March due and not made
    assert (zhang.visited, zhang.visits_due) == (1, 2)
    assert zhang.follow_up_rate.text() == "50%"
    assert str(zhang.follow_up_rate.formula) == "visited ÷ due for a visit"
    names = by_name(result)
    assert (names["赵调解"].handled, names["赵调解"].on_time_rate.text()) == (1, "100%")
    assert (names["陈调解"].handled, names["陈调解"].on_time_rate.text()) == (1, "0%")
    assert result.without_mediator == 1
    assert result.total.handled == 7
    # the busiest first
    assert [r.name for r in result.rows] == ["张调解", "赵调解", "陈调解"]


def test_on_time_is_the_clocks_rule(world, march):
    """The SQL and its Python twin in domain.clocks agree case by case."""
    assert was_overdue_when_ended(march["late"]) is True
    assert was_overdue_when_ended(march["suspended"]) is False
    assert was_overdue_when_ended(march["on_the_day"]) is False
    assert was_overdue_when_ended(march["on_time"]) is False
    assert was_overdue_when_ended(march["no_deadline"]) is None
    from domain.clocks import overdue_when_ended_condition

    late = db.session.scalars(
        sa.select(Case.id).where(
            Case.due_on.is_not(None),
            overdue_when_ended_condition(st.local_date(Case.closed_at)),
        )
    ).all()
    assert set(late) == {march["late"].id, march["chen"].id}


def test_an_archived_file_missing_a_document_is_incomplete(world, march):
    """The case archived without its assembled file really lacks required documents (the
    archive step would have refused it): documents.missing names them."""
    assert documents.missing(march["incomplete"])
    complete = db.session.scalars(
        sa.select(Case.id).where(ev.archived_condition(MARCH), ev.bundle_exists())
    ).all()
    assert complete == [march["complete"].id]


def test_archived_through_the_archive_step_is_complete(world):
    """A case archived by the real archive step (every required document, the 卷宗 assembled)."""
    case = world.case(CaseState.ARCHIVED)
    db.session.flush()
    assert case.archived_at is not None and not documents.missing(case)
    today = case.archived_at.astimezone(st.CHINA).date()
    result = ev.evaluate(world.admin, Period(today, today), today)
    [row] = [r for r in result.rows if r.counts.archived]
    assert (row.counts.archived_complete, row.counts.archived) == (1, 1)


def test_a_visit_due_but_not_made(world):
    m = world.mediator
    ended(world, date(2026, 2, 10), mediator=m, due=date(2026, 2, 28), visit_due=date(2026, 3, 3))
    db.session.flush()
    zhang = by_name(ev.evaluate(world.admin, MARCH, TODAY))["张调解"]
    assert (zhang.handled, zhang.visited, zhang.visits_due) == (0, 0, 1)
    assert zhang.follow_up_rate.text() == "0%"


def test_scope_director_sees_only_their_mediators(world, march):
    # A case of the director's committee presided by another committee's mediator: theirs to
    # see, but not their mediator.
    ended(world, date(2026, 3, 11), mediator=world.mediator2)
    db.session.flush()
    director = by_name(ev.evaluate(world.director, MARCH, TODAY))
    assert set(director) == {"张调解", "赵调解"}
    # the leader of 公安县: the county's cases, whoever presides
    leader = by_name(ev.evaluate(world.leader, MARCH, TODAY))
    assert set(leader) == {"张调解", "赵调解", "陈调解"}
    assert leader["陈调解"].handled == 1  # the 公安县 case only
    # the leader of 松滋市 sees 陈调解's case there
    assert set(by_name(ev.evaluate(world.leader2, MARCH, TODAY))) == {"陈调解"}
    # the director's subsidy list has the same mediators
    db.session.add(SubsidyRate(amount_cents=10_000))
    db.session.flush()
    listed = {c.mediator for c in ev.subsidy_cases(world.director, MARCH, TODAY)}
    assert listed == {"张调解", "赵调解"}


def test_counts_agree_with_the_case_list(world, march):
    """Each linked number lists exactly its cases (the case list's figure conditions)."""
    result = ev.evaluate(world.admin, MARCH, TODAY)
    scope = st.scope_of(world.admin).condition
    for row in result.rows:
        for measure, value in (
            (Measure.MEDIATED, row.counts.handled),
            (Measure.SUCCESSFUL, row.counts.successful),
            (Measure.VISITS_DUE, row.counts.visits_due),
            (Measure.VISITED, row.counts.visited),
        ):
            listed = db.session.scalar(
                sa.select(sa.func.count(Case.id)).where(
                    scope,
                    st.case_condition(measure, MARCH, TODAY),
                    *st.filter_conditions(row.filters),
                )
            )
            assert listed == value, (row.name, measure)


def test_queries_do_not_grow_with_mediators(world, count_queries):
    def run() -> int:
        db.session.expire_all()
        with count_queries() as seen:
            ev.evaluate(world.admin, MARCH, TODAY)
        return len(seen)

    ended(world, date(2026, 3, 3), mediator=world.mediator)
    db.session.add(SubsidyRate(amount_cents=10_000))
    db.session.commit()
    few = run()
    for i in range(8):
        extra = user(f"extra{i}", Role.MEDIATOR, world.village_committee, f"调解员{i}")
        db.session.flush()
        ended(world, date(2026, 3, 3 + i), mediator=extra, due=date(2026, 3, 20))
        archived(world, date(2026, 3, 9), bundle=True, mediator=extra)
    db.session.commit()
    assert len(ev.evaluate(world.admin, MARCH, TODAY).rows) == 9
    assert run() == few


def test_subsidies_and_the_xlsx(world, march):
    rates = [
        SubsidyRate(amount_cents=20_000),  # any case with an agreement: 200
        SubsidyRate(source=Source.PETITION, amount_cents=100_010, any_outcome=True),  # 1,000.10
        SubsidyRate(difficulty=Difficulty.MAJOR, amount_cents=60_000),
    ]
    db.session.add_all(rates)
    petition = ended(world, date(2026, 3, 16), ClosureReason.FAILED, mediator=world.mediator,
                     source=Source.PETITION, due=date(2026, 3, 30))  # fmt: skip
    ended(world, date(2026, 3, 17), mediator=world.mediator_b, risk=RiskLevel.RED,
          due=date(2026, 3, 30))  # fmt: skip
    db.session.flush()
    result = ev.evaluate(world.admin, MARCH, TODAY)
    names = by_name(result)
    # 张调解: three agreements at 200, the failed petition case at 1,000.10 (any outcome)
    assert (names["张调解"].subsidised, names["张调解"].subsidy) == (4, Decimal("1600.10"))
    # 赵调解: one agreement at 200, a major one at 600
    assert (names["赵调解"].subsidised, names["赵调解"].subsidy) == (2, Decimal("800.00"))
    assert (names["陈调解"].subsidised, names["陈调解"].subsidy) == (1, Decimal("200.00"))
    assert result.total.subsidy == Decimal("2600.10")

    cases = ev.subsidy_cases(world.admin, MARCH, TODAY)
    assert len(cases) == 7
    assert sum(c.cents for c in cases) == result.total.subsidy_cents
    out = io.BytesIO()
    now = datetime(2026, 4, 15, 2, 0, tzinfo=st.CHINA)
    ev.write_subsidy_xlsx(out, world.admin, MARCH, cases, now)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    block = {r[0]: r[1] for r in rows[1:7] if r[0]}
    assert block["Period"] == "2026-03-01 – 2026-03-31"
    assert block["Scope"] == "Cases of 荆州市"
    assert "most specific rate" in block["Rule"]
    header = rows.index(next(r for r in rows if r[0] == "Case number"))
    assert rows[header][1:] == (
        "Mediator",
        "Organisation",
        "Source",
        "Type of dispute",
        "Difficulty",
        "Mediation ended on",
        "Rate applied",
        "Cases",
        "Amount, yuan",
    )
    body = rows[header + 2 :]
    by_number = {r[0]: r for r in body}
    line = by_number[petition.number]
    assert line[1:8] == (
        "张调解",
        world.village_committee.name,
        "Petition office transfer",
        str(petition.dispute_type.label),
        "Ordinary",
        "2026-03-16",
        "Petition office transfer · any type · any difficulty: 1,000.10",
    )
    assert Decimal(str(line[9])) == Decimal("1000.10")
    totals = {r[0]: (r[8], Decimal(str(r[9]))) for r in body if str(r[0]).startswith("Total")}
    assert totals == {
        "Total for 张调解": (4, Decimal("1600.1")),
        "Total for 赵调解": (2, Decimal("800")),
        "Total for 陈调解": (1, Decimal("200")),
        "Total": (7, Decimal("2600.1")),
    }
    # one row per case, each under its mediator's total
    assert sum(1 for r in body if not str(r[0]).startswith("Total")) == 7


def test_no_rates_no_subsidy(world, march):
    result = ev.evaluate(world.admin, MARCH, TODAY)
    assert result.total.subsidised == 0 and result.total.subsidy == 0
    assert ev.subsidy_cases(world.admin, MARCH, TODAY) == []
    out = io.BytesIO()
    ev.write_subsidy_xlsx(out, world.admin, MARCH, [], datetime(2026, 4, 15, tzinfo=st.CHINA))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(values_only=True)
    )
    assert rows[-1][0] == "Total" and rows[-1][8] == 0


def test_empty_database(db, app):
    """No users, no cases: nothing to count, no error."""
    from tests.factories import World

    world = World()
    db.session.flush()
    result = ev.evaluate(world.leader, MARCH, TODAY)
    assert result.rows == [] and result.without_mediator == 0
    assert result.page(5) == ([], 1, 1)


def test_days_suspended_do_not_count_against_the_mediator(world):
    """Suspended for ten days and resumed: the clocks moved the deadline, so a case ended
    after its first deadline but before the moved one is on time."""
    from domain.clocks import resume_clock, suspend_clock

    case = ended(world, date(2026, 3, 20), mediator=world.mediator, due=date(2026, 3, 15))
    case.closed_at = None
    suspend_clock(case, at(date(2026, 3, 1), 9))
    resume_clock(case, at(date(2026, 3, 11), 9))
    assert case.due_on == date(2026, 3, 25)
    case.closed_at = at(date(2026, 3, 20), 15)
    db.session.flush()
    zhang = by_name(ev.evaluate(world.admin, MARCH, TODAY))["张调解"]
    assert (zhang.on_time, zhang.with_deadline) == (1, 1)
    assert was_overdue_when_ended(case) is False


def test_training_in_the_period_counts(world, march):
    """Training records of the organisation registry (pre-service and regular) count in the
    evaluation: the hours attended within the period, per mediator and in total."""
    from domain import staffing
    from domain.staffing import MemberData
    from models.staffing import StaffKind, TrainingKind

    zhang = staffing.add_member(
        world.admin,
        world.village_committee,
        MemberData(name="", kind=StaffKind.FULL_TIME),
        account=world.mediator,
    )
    for day, hours in ((date(2026, 3, 10), "8"), (date(2026, 3, 31), "2.5"), (date(2026, 4, 1), 4)):
        staffing.add_training(
            world.admin, zhang, kind=TrainingKind.REGULAR, held_on=day, hours=hours, topic="培训"
        )
    db.session.commit()
    result = ev.evaluate(world.admin, MARCH, TODAY)
    names = {r.name: r.counts for r in result.rows}
    assert names["张调解"].training_hours == Decimal("10.5")
    assert names["赵调解"].training_hours == 0
    assert result.total.training_hours == Decimal("10.5")
