"""满意率 (domain.statistics): the parties' own answers after mediation, satisfied or basically
satisfied ÷ answered, counted on the day of the answer, against hand-computed numbers; the
cases behind the figure; scope; the dashboard, its workbook and `flask stats` show it."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

import pytest

from domain import statistics as st
from domain.statistics import Dimension, Measure, Period
from extensions import db
from models import Party, PartyFeedback
from models.aftercase import Resolved
from models.enums import ClosureReason, PartyRole, Performance, Satisfaction
from tests.domain.test_statistics import cases_listed, mode  # noqa: F401 - the fixture
from tests.ledger import at, ledger_case

TODAY = date(2026, 12, 6)
MAY = Period.month(2026, 5)
JUNE = Period.month(2026, 6)


def answer(case, role, satisfaction, when):
    party = Party(case=case, role=role, name=f"{role.value}{case.id}")
    db.session.add(party)
    db.session.flush()
    db.session.add(
        PartyFeedback(
            case_id=case.id,
            party_id=party.id,
            resolved=Resolved.RESOLVED,
            satisfaction=satisfaction,
            answered_at=when,
        )
    )


def satisfaction_world(world):
    day = date(2026, 4, 20)
    common = {"registered": at(day, 8), "accepted": at(day, 9), "mediator": world.mediator}
    agreed = ledger_case(
        world.village,
        closed=at(day, 15),
        reason=ClosureReason.AGREEMENT_WRITTEN,
        handling=world.village_committee,
        **common,
    )
    failed = ledger_case(
        world.village,
        closed=at(day, 16),
        reason=ClosureReason.FAILED,
        handling=world.village_committee,
        **common,
    )
    # A follow-up visit noted "satisfied", no answer of the party's own: not counted.
    ledger_case(
        world.village,
        closed=at(day, 17),
        reason=ClosureReason.AGREEMENT_ORAL,
        handling=world.village_committee,
        performance=Performance.PERFORMED,
        visit_due=date(2026, 5, 10),
        visited=at(date(2026, 5, 9)),
        **common,
    )
    other = ledger_case(
        world.village3,
        registered=at(day, 8),
        accepted=at(day, 9),
        closed=at(day, 15),
        reason=ClosureReason.FAILED,
        handling=world.village3_committee,
        mediator=world.mediator2,
    )
    db.session.flush()
    answer(agreed, PartyRole.APPLICANT, Satisfaction.SATISFIED, at(date(2026, 5, 3)))
    answer(agreed, PartyRole.RESPONDENT, Satisfaction.BASICALLY, at(date(2026, 5, 31), 23, 30))
    answer(failed, PartyRole.APPLICANT, Satisfaction.DISSATISFIED, at(date(2026, 5, 10)))
    answer(failed, PartyRole.RESPONDENT, Satisfaction.SATISFIED, at(date(2026, 6, 1), 0, 10))
    answer(other, PartyRole.APPLICANT, Satisfaction.DISSATISFIED, at(date(2026, 5, 12)))
    db.session.flush()
    return agreed, failed, other


def test_satisfaction_rate_by_the_answer_day(mode, world):  # noqa: F811
    satisfaction_world(world)
    may = st.compute(None, MAY, today=TODAY).total
    assert (may.answered, may.satisfied) == (4, 2)
    assert may.satisfaction_rate.text() == "50%"
    assert "follow-up" in str(may.satisfaction_rate.formula)
    june = st.compute(None, JUNE, today=TODAY).total
    assert (june.answered, june.satisfied) == (1, 1)
    assert june.satisfaction_rate.text() == "100%"
    both = st.compute(None, Period(MAY.start, JUNE.end), today=TODAY).total
    assert (both.answered, both.satisfied) == (5, 3)
    assert both.satisfaction_rate.text() == "60%"
    # The cases behind the figures: of parties, so a case two parties answered lists once.
    assert cases_listed(None, MAY, st.Filters(), Measure.ANSWERED) == 3
    assert cases_listed(None, MAY, st.Filters(), Measure.SATISFIED) == 1
    assert cases_listed(None, JUNE, st.Filters(), Measure.SATISFIED) == 1
    # The day series sums to the same.
    figures, _days = st.figures_for(None, [MAY, JUNE], today=TODAY)
    assert [(f.answered, f.satisfied) for f in figures] == [(4, 2), (1, 1)]


def test_satisfaction_rate_in_scope_and_by_organisation(mode, world):  # noqa: F811
    satisfaction_world(world)
    # The other county's case is in the other leader's area only.
    leader = st.compute(st.scope_of(world.leader), MAY, today=TODAY).total
    assert (leader.answered, leader.satisfied) == (3, 2)
    assert leader.satisfaction_rate.text() == "66.67%"
    leader2 = st.compute(st.scope_of(world.leader2), MAY, today=TODAY).total
    assert (leader2.answered, leader2.satisfied) == (1, 0)
    assert leader2.satisfaction_rate.text() == "0%"
    nothing = st.compute(st.scope_of(world.leader2), JUNE, today=TODAY).total
    assert nothing.satisfaction_rate.text() == "—"
    by_org = st.compute(None, MAY, by=Dimension.ORGANISATION, today=TODAY)
    rows = {r.key: (r.figures.answered, r.figures.satisfied) for r in by_org.rows}
    assert rows[world.village_committee.id] == (3, 2)
    assert rows[world.village3_committee.id] == (1, 0)
    by_mediator = st.compute(None, MAY, by=Dimension.MEDIATOR, today=TODAY)
    rows = {r.key: r.figures.satisfaction_rate.text() for r in by_mediator.rows}
    assert rows[world.mediator.id] == "66.67%" and rows[world.mediator2.id] == "0%"


def test_flask_stats_prints_it(world, runner):
    satisfaction_world(world)
    db.session.commit()
    result = runner.invoke(
        args=["stats", "--from", "2026-05-01", "--to", "2026-05-31", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    total = next(csv.DictReader(io.StringIO(result.output)))
    assert total["satisfaction_rate"] == "50.00"
    table = runner.invoke(args=["stats", "--from", "2026-05-01", "--to", "2026-05-31"]).output
    assert "Satisfaction rate" in table and "parties who answered" in table


@pytest.fixture
def as_leader(client, login):
    login("leader")
    return client


def test_dashboard_and_workbook_show_it_with_links(world, as_leader):
    satisfaction_world(world)
    db.session.commit()
    html = as_leader.get("/oversight/dashboard?from=2026-05-01&to=2026-05-31").get_data(
        as_text=True
    )
    assert "Satisfaction rate" in html and "66.67%" in html
    assert "indicator=satisfied" in html and "indicator=answered" in html
    href = unescape(re.search(r'href="([^"]*indicator=answered[^"]*)"', html).group(1))
    listed = as_leader.get(href).get_data(as_text=True)
    # The leader's area: three parties answered, of two cases.
    assert len(re.findall(r'id="case-([0-9-]+)-row"', listed)) == 2
    xlsx = as_leader.get("/oversight/dashboard.xlsx?from=2026-05-01&to=2026-05-31")
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("Satisfaction rate" in c for c in cells)
