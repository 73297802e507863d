"""Assessment by seed 004's rubric (考核细则): the computed items and a hand-worked score."""

from __future__ import annotations

import sys
import types
from datetime import date
from decimal import Decimal

import pytest

from domain import assessment as scoring
from domain import matters, staffing
from domain.calendar import local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.risk import set_risk
from domain.staffing import MemberData, StaleRecord
from models import ItemRule, StaffKind
from models.enums import OrgKind, RiskLevel
from models.risk import RiskFlag
from tests.factories import org

D = Decimal


@pytest.fixture
def no_screening(monkeypatch):
    """The screening-rounds module absent (another helper builds it)."""
    monkeypatch.setitem(sys.modules, "domain.screening_rounds", None)  # import raises


@pytest.fixture
def screening(monkeypatch):
    """A fake domain.screening_rounds: every organisation asked about missed `missed[id]`."""
    missed: dict[int, int] = {}
    calls = []
    module = types.ModuleType("domain.screening_rounds")

    def missed_rounds(org_ids, start, end, today=None):
        calls.append((list(org_ids), start, end, today))
        return {i: missed.get(i, 0) for i in org_ids}

    module.missed_rounds = missed_rounds
    monkeypatch.setitem(sys.modules, "domain.screening_rounds", module)
    return missed, calls


def _township(world, db):
    """埠河镇 as seed 004 would see it: a township committee under which the township centre
    mediates, every organisation with its phone, address and registry, every mediator and
    director in the registry."""
    staffing.load_norms(None)
    committee = org("埠河镇人民调解委员会", OrgKind.TOWNSHIP_COMMITTEE, world.township)
    db.session.flush()
    world.township_centre.committee_id = committee.id
    for o in (committee, world.township_centre, world.village_committee):
        o.address = "埠河镇"
    add = staffing.add_member
    add(None, world.township_centre, MemberData(name="镇专职一", kind=StaffKind.FULL_TIME))
    add(None, committee, MemberData(name="镇兼职一", kind=StaffKind.PART_TIME))
    for u in (world.mediator, world.mediator_b, world.director):
        add(
            None,
            world.village_committee,
            MemberData(name=None, kind=StaffKind.PART_TIME),
            account=u,
        )
    db.session.flush()
    return committee


def _line(a, number):
    return next(x for x in a.lines if x.item.number == number)


def test_seed_004_hand_worked_example(world, db, screening):
    """埠河镇 scored by seed 004's rubric for this month so far (total 50).

    The facts:
    - the township committee has 1 full-time mediator (at the centre under it); the norm is 2;
    - the screening module reports 2 rounds missed by 新民村人民调解委员会;
    - 3 cases registered this month, at the desk (none online), every field filled; one of
      them is flagged "may turn into a crime" and not yet reported to the police;
    - no video session;
    - entered by hand: item 1, one 诉调 committee without standardisation (−0.5, evidence);
      item 3, two new brand studios (+1.0).

    By hand:
    1. 调解组织和队伍建设 (5): item 1 −0.5; item 2 (2 − 1 = 1 missing × 0.5) −0.5;
       item 3 +1.0 → 5 − 1.0 + 1.0 = 5.0
    2. 矛盾纠纷排查化解 (5): item 4 (2 rounds × 0.5) −1.0; item 5a −1 → 3.0
    3. “互联网+大调解” (5): item 6 (every record complete: 100%) 0; item 7 −0.5 → 4.5
    4. 复议应诉、行政调解 (10): not entered → 10.0
    5. 诉前化解工作 (20): not entered → 20.0
    6. ODR (5): item 13: 0 of 3 self-filed = 0% → 10 points below 10% × 0.1 = −1.0 → 4.0
    Total 5.0 + 3.0 + 4.5 + 10 + 20 + 4.0 = 46.5 of 50.
    """
    missed, calls = screening
    _township(world, db)
    missed[world.village_committee.id] = 2
    cases = [world.case(online=False) for _ in range(3)]
    set_risk(
        cases[0],
        world.clerk,
        version=None,
        level=RiskLevel.ORANGE,
        flags=[RiskFlag.CIVIL_TO_CRIMINAL],
        reason="扬言报复",
    )
    rubric = scoring.load_example(world.admin)
    db.session.commit()
    today = local_today()
    start = today.replace(day=1)
    a = scoring.create_assessment(world.admin, rubric, world.township_centre, start, today)
    db.session.commit()
    assert calls and calls[0][1:] == (start, today, today)
    assert set(calls[0][0]) >= {world.township_centre.id, world.village_committee.id}

    assert _line(a, "2").deduction == D("0.5")
    assert _line(a, "2").details[0]["required"] == 2 and _line(a, "2").details[0]["actual"] == 1
    assert _line(a, "4").deduction == D("1.0")
    assert _line(a, "4").details == [{"org": "新民村人民调解委员会", "missed": 2}]
    assert _line(a, "5a").deduction == D("1") and _line(a, "5a").details[0]["cases"] == [
        cases[0].number
    ]
    six = _line(a, "6")
    assert six.deduction == 0 and six.details[0]["rate"] == "100.00", six.details
    assert six.details[0]["cases"] == [3, 3]
    assert _line(a, "7").deduction == D("0.5")
    thirteen = _line(a, "13")
    assert thirteen.deduction == D("1.0")
    assert thirteen.details[-1]["registered"] == 3 and thirteen.details[-1]["self_filed"] == 0

    one, three = _line(a, "1"), _line(a, "3")
    scoring.enter_line(
        world.admin,
        a,
        one.id,
        deduction="0.5",
        bonus="",
        evidence="诉调委未规范化",
        version=a.version,
    )
    scoring.enter_line(
        world.leader,
        a,
        three.id,
        deduction="0",
        bonus="1.0",
        evidence="新增两家",
        version=a.version,
    )
    db.session.commit()
    r = scoring.result(a)
    assert [s.score for s in r.sections] == [
        D("5.00"),
        D("3.00"),
        D("4.50"),
        D("10.00"),
        D("20.00"),
        D("4.00"),
    ]
    assert r.total == D("46.50") and r.max_total == D("50.00")
    assert len(r.waiting) == 6  # items 5b, 8, 9, 10, 11, 12 not entered
    assert [e.action for e in matters.history("assessment", a.id)] == [
        "scored",
        "entered",
        "entered",
    ]


def test_without_the_screening_module_the_item_is_entered_by_hand(world, db, no_screening):
    _township(world, db)
    rubric = scoring.load_example(world.admin)
    today = local_today()
    a = scoring.create_assessment(world.admin, rubric, world.township_centre, today, today)
    four = _line(a, "4")
    assert four.computed is False and four.details == [{"unavailable": "screening_rounds"}]
    scoring.enter_line(
        world.admin, a, four.id, deduction="1", bonus=None, evidence="两次未排查", version=None
    )
    assert _line(a, "4").deduction == 1
    scoring.recompute(world.admin, a, version=None)  # a recomputation keeps what was entered
    assert _line(a, "4").deduction == 1 and _line(a, "4").evidence == "两次未排查"


def test_a_computed_line_cannot_be_entered_by_hand(world, db, screening):
    _township(world, db)
    a = scoring.create_assessment(
        world.admin, scoring.load_example(None), world.township_centre, local_today(), local_today()
    )
    with pytest.raises(ValidationFailed):
        scoring.enter_line(
            world.admin, a, _line(a, "2").id, deduction="0", bonus="0", evidence="x", version=None
        )


def test_data_completeness_counts_whole_points_below_100(world, db, screening):
    """3 organisations + 3 accounts + 4 cases = 10 records; 1 case lacks a party's contact →
    9/10 = 90% → 10 points below → 10 × 1 = 10, capped by the section (5 points) in the
    result: the section scores 0 (item 7 also deducts, the section never goes below 0)."""
    _township(world, db)
    cases = [world.case(online=False) for _ in range(4)]
    party = cases[1].parties[0]
    party.phone, party.address = None, None
    db.session.flush()
    a = scoring.create_assessment(
        world.admin, scoring.load_example(None), world.township_centre, local_today(), local_today()
    )
    six = _line(a, "6")
    facts = six.details[0]
    assert (facts["complete"], facts["total"], facts["rate"]) == (9, 10, "90.00")
    assert facts["case_gaps"] == [{"case": cases[1].number, "missing": ["party_contact"]}]
    assert six.deduction == D("10")
    section = scoring.result(a).sections[2]
    assert section.score == 0


def test_odr_rate_and_its_cap(world, db, screening):
    """4 cases this month, 1 filed online: 25% ≥ 10% → nothing deducted. The item's cap (5)
    bounds a long period of empty self-filing."""
    _township(world, db)
    world.case(online=True)
    for _ in range(3):
        world.case(online=False)
    today = local_today()
    a = scoring.create_assessment(
        world.admin, scoring.load_example(None), world.township_centre, today.replace(day=1), today
    )
    thirteen = _line(a, "13")
    assert thirteen.deduction == 0 and thirteen.details[-1]["rate"] == "25.00"
    # A year with no cases at all: no month has a rate, nothing is deducted.
    b = scoring.create_assessment(
        world.admin, a.rubric, world.township_centre, date(2020, 1, 1), date(2020, 12, 31)
    )
    assert _line(b, "13").deduction == 0 and len(_line(b, "13").details) == 12
    assert _line(b, "7").deduction == D("0.5")  # no video in 2020 either
    assert _points(ItemRule.ODR_SELF_FILING)


def _points(rule):
    return rule in scoring.COMPUTERS


def test_a_department_is_scored_on_its_own_organisation(world, db, screening):
    staffing.load_norms(None)
    subject = scoring.subject_of(world.traffic)
    assert subject.orgs == [world.traffic] and not subject.township
    a = scoring.create_assessment(
        world.admin, scoring.load_example(None), world.traffic, local_today(), local_today()
    )
    two = _line(a, "2")  # no township committee: the department's own norm (industry: 3)
    assert two.details[0]["required"] == 3 and two.deduction == D("1.5")


def test_scoring_rules_refuse_bad_input_and_outsiders(world, db, screening):
    _township(world, db)
    rubric = scoring.load_example(None)
    today = local_today()
    with pytest.raises(ValidationFailed):
        scoring.load_example(world.admin)  # twice
    with pytest.raises(NotPermitted):
        scoring.load_example(world.leader)
    with pytest.raises(NotPermitted):  # another county's leader
        scoring.create_assessment(world.leader2, rubric, world.township_centre, today, today)
    with pytest.raises(NotPermitted):
        scoring.create_assessment(world.director, rubric, world.township_centre, today, today)
    with pytest.raises(ValidationFailed):
        scoring.create_assessment(
            world.admin, rubric, world.township_centre, today, date(2000, 1, 1)
        )
    with pytest.raises(ValidationFailed):
        scoring.create_assessment(
            world.admin, rubric, world.township_centre, date(2020, 1, 1), date(2022, 1, 1)
        )
    a = scoring.create_assessment(world.admin, rubric, world.township_centre, today, today)
    db.session.commit()
    one, three = _line(a, "1"), _line(a, "3")
    for bad in ("NaN", "-1", "1e9", "0.001", "abc"):
        with pytest.raises(ValidationFailed):
            scoring.enter_line(
                world.admin, a, one.id, deduction=bad, bonus="0", evidence="x", version=None
            )
    with pytest.raises(ValidationFailed):  # the item's own caps
        scoring.enter_line(
            world.admin, a, three.id, deduction="1", bonus="0", evidence="x", version=None
        )
    with pytest.raises(ValidationFailed):
        scoring.enter_line(
            world.admin, a, three.id, deduction="0", bonus="3", evidence="x", version=None
        )
    with pytest.raises(ValidationFailed):  # points without evidence
        scoring.enter_line(
            world.admin, a, one.id, deduction="0.5", bonus="0", evidence=" ", version=None
        )
    with pytest.raises(ValidationFailed):  # a line of another assessment
        scoring.enter_line(
            world.admin, a, 999999, deduction="0", bonus="0", evidence="", version=None
        )
    with pytest.raises(StaleRecord):
        scoring.enter_line(
            world.admin, a, one.id, deduction="0", bonus="0", evidence="", version=a.version - 1
        )


def test_a_rubric_is_configured_by_an_administrator(world, db):
    rubric = scoring.create_rubric(world.admin, "本县考核细则")
    section = scoring.add_section(world.admin, rubric, title="队伍建设", max_points="10")
    item = scoring.add_item(
        world.admin,
        section,
        scoring.ItemData(
            number="1", text="专职调解员不足", rule=ItemRule.MISSING_FULL_TIME, per_unit="1"
        ),
    )
    assert item.params == {"per_unit": "1", "kinds": ["township_committee"]}
    with pytest.raises(ValidationFailed) as e:  # the rule's number missing
        scoring.add_item(
            world.admin,
            section,
            scoring.ItemData(number="2", text="t", rule=ItemRule.ODR_SELF_FILING),
        )
    assert e.value.field in ("per_unit", "threshold")
    version = rubric.version
    scoring.update_item(
        world.admin,
        item,
        scoring.ItemData(
            number="1", text="专职调解员不足", rule=ItemRule.MISSING_FULL_TIME, per_unit="2"
        ),
        version=version,
    )
    db.session.flush()
    assert item.params["per_unit"] == "2" and rubric.version > version
    with pytest.raises(NotPermitted):
        scoring.add_section(world.leader, rubric, title="x", max_points="1")
    assert rubric.total_points == D("10")
