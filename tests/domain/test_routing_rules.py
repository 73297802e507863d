"""Routing rules as data: the first active rule whose conditions all hold
suggests the organisation; no match falls back to the built-in default. Tested as a table."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.dispatch import dispatch_to_organisation
from domain.routing import CaseProbe, suggest_organisation
from models import Event, Referral, RoutingRule
from models.enums import (
    DisputeType,
    OrgKind,
    PartyKind,
    PartyRole,
    ReferralKind,
    RiskLevel,
    RoutingLevel,
)
from models.states import CaseState
from tests.factories import org

GONGAN, SONGZI = "421022", "421087"
D = DisputeType


def add_rule(db, position, name, *, scope=GONGAN, target=None, level=None, active=True, **cond):
    rule = RoutingRule(
        scope_code=scope,
        position=position,
        name=name,
        active=active,
        target_org=target,
        target_level=level,
        **cond,
    )
    db.session.add(rule)
    db.session.flush()
    return rule


@pytest.fixture
def rules(world, db):
    """A county's rule list with every kind of condition, plus rules that must be skipped."""
    w = world
    gone = org(
        "公安县劳动争议人民调解委员会（已撤销）", OrgKind.INDUSTRY_COMMITTEE, w.county, ["LDZY"]
    )
    gone.active = False
    add_rule(db, 1, "Traffic", dispute_types=["DLJT"], target=w.traffic)
    add_rule(db, 2, "Collective", min_parties=10, level=RoutingLevel.COUNTY)
    add_rule(db, 3, "Cross-region", cross_region=True, level=RoutingLevel.COUNTY)
    add_rule(db, 4, "High risk", risk_levels=["orange", "red"], level=RoutingLevel.TOWNSHIP)
    add_rule(db, 5, "Large amount", min_amount=Decimal("100000"), level=RoutingLevel.TOWNSHIP)
    add_rule(
        db,
        6,
        "Tianxin property",
        place_code=w.village2.code,
        dispute_types=["WY"],
        target=w.village_committee,
    )
    add_rule(db, 7, "Inactive family", dispute_types=["HYJT"], target=w.county_centre, active=False)
    add_rule(db, 8, "Dead labour committee", dispute_types=["LDZY"], target=gone)
    add_rule(db, 9, "Court does not mediate", dispute_types=["HT"], target=w.court)
    add_rule(db, 9, "Other county's centre", dispute_types=["XF"], target=w.county2_centre)
    add_rule(
        db,
        10,
        "Buhe land",
        scope=w.township.code,
        dispute_types=["FWZJD"],
        target=w.township_centre,
    )
    add_rule(db, 20, "Same position A", dispute_types=["QT"], target=w.county_centre)
    add_rule(db, 20, "Same position B", dispute_types=["QT"], target=w.township_centre)
    # Another county's rules: never applied to 公安县 cases.
    add_rule(
        db,
        0,
        "Songzi neighbours",
        scope=SONGZI,
        dispute_types=["LL", "DLJT"],
        target=w.county2_centre,
    )
    add_rule(
        db, 1, "Songzi high risk", scope=SONGZI, risk_levels=["red"], level=RoutingLevel.TOWNSHIP
    )  # 新江口街道 has no centre: skipped
    db.session.commit()


def parties(n: int):
    from domain.intake import PartyData

    return [
        PartyData(
            role=PartyRole.APPLICANT if i % 2 == 0 else PartyRole.RESPONDENT,
            name=f"当事人{i}",
            kind=PartyKind.PERSON,
            phone="13800000000",
        )
        for i in range(n)
    ]


# dispute type, village ("v1" 新民村, "v2" 天心眼村, "v3" 长江社区), amount, parties, risk,
# cross-region → expected organisation (World attribute), rule name (None: default rule)
TABLE = [
    (D.DLJT, "v1", None, 2, "none", False, "traffic", "Traffic"),
    (D.DLJT, "v1", "200000", 12, "red", True, "traffic", "Traffic"),  # first match wins
    (D.LL, "v1", None, 12, "none", False, "county_centre", "Collective"),
    (D.LL, "v1", None, 12, "red", False, "county_centre", "Collective"),  # before high risk
    (D.LL, "v1", None, 2, "none", True, "county_centre", "Cross-region"),
    (D.LL, "v1", None, 2, "red", False, "township_centre", "High risk"),
    (D.LL, "v1", None, 2, "orange", False, "township_centre", "High risk"),
    (D.LL, "v1", None, 2, "yellow", False, "village_committee", None),
    (D.LL, "v1", "100000", 2, "none", False, "township_centre", "Large amount"),  # ≥
    (D.LL, "v1", "99999.99", 2, "none", False, "village_committee", None),
    (D.LL, "v1", None, 9, "none", False, "village_committee", None),  # 9 < 10
    (D.WY, "v2", None, 2, "none", False, "village_committee", "Tianxin property"),
    (D.WY, "v1", None, 2, "none", False, "village_committee", None),  # other place
    (D.HYJT, "v1", None, 2, "none", False, "village_committee", None),  # inactive rule
    (D.LDZY, "v1", None, 2, "none", False, "village_committee", None),  # inactive target
    (D.HT, "v1", None, 2, "none", False, "village_committee", None),  # target not mediating
    (D.XF, "v1", None, 2, "none", False, "village_committee", None),  # target elsewhere
    (D.FWZJD, "v1", None, 2, "none", False, "township_centre", "Buhe land"),  # township scope
    (D.QT, "v1", None, 2, "none", False, "county_centre", "Same position A"),  # then by id
    (D.LL, "v2", None, 2, "none", False, "township_centre", None),  # default: no committee
    (D.LL, "v3", None, 2, "none", False, "county2_centre", "Songzi neighbours"),
    (D.DLJT, "v3", None, 2, "none", False, "county2_centre", "Songzi neighbours"),
    (D.SHPC, "v3", None, 2, "red", False, "county2_centre", None),  # no township centre
    (D.SHPC, "v3", None, 12, "none", False, "village3_committee", None),  # 公安 rules only
]


@pytest.mark.parametrize(
    ("dtype", "village", "amount", "n", "risk", "cross", "expected", "rule_name"),
    TABLE,
    ids=[f"{r[0].value}-{r[1]}-{r[7] or 'default'}-{i}" for i, r in enumerate(TABLE)],
)
def test_rule_table(rules, world, dtype, village, amount, n, risk, cross, expected, rule_name):
    region = {"v1": world.village, "v2": world.village2, "v3": world.village3}[village]
    case = world.case(CaseState.ACCEPTED, dtype=dtype, village=region, parties=parties(n))
    case.amount = Decimal(amount) if amount else None
    case.risk_level = RiskLevel(risk)
    case.cross_region = cross
    suggestion = suggest_organisation(case)
    assert suggestion.organisation == getattr(world, expected)
    assert (suggestion.rule.name if suggestion.rule else None) == rule_name
    if rule_name is None:
        assert suggestion.default_rule
    else:
        assert "It matches:" in str(suggestion.reason)


@pytest.mark.parametrize(
    ("dtype", "village", "amount", "n", "risk", "cross", "expected", "rule_name"), TABLE[:12]
)
def test_probe_gives_the_same_answer(
    rules, world, db, dtype, village, amount, n, risk, cross, expected, rule_name
):
    """The admin's "try it" box uses an unsaved stand-in: same answers, nothing written."""
    code = {"v1": world.village, "v2": world.village2, "v3": world.village3}[village].code
    probe = CaseProbe(
        region_code=code,
        dispute_type=dtype,
        amount=Decimal(amount) if amount else None,
        risk_level=RiskLevel(risk),
        cross_region=cross,
        party_count=n,
    )
    suggestion = suggest_organisation(probe)
    assert suggestion.organisation == getattr(world, expected)
    assert (suggestion.rule.name if suggestion.rule else None) == rule_name
    assert not db.session.new and not db.session.dirty


def test_petition_referral_counts_its_petitioners(rules, world, db):
    case = world.case(CaseState.ACCEPTED)
    assert suggest_organisation(case).organisation == world.village_committee
    db.session.add(
        Referral(
            case=case,
            kind=ReferralKind.PETITION,
            body_name="公安县信访局",
            external_no="GA-2026-1",
            received_at=datetime.now(UTC),
            petitioner_count=15,
            collective=True,
        )
    )
    db.session.flush()
    suggestion = suggest_organisation(case)
    assert (suggestion.organisation, suggestion.rule.name) == (world.county_centre, "Collective")


def test_without_rules_the_default_applies(world):
    case = world.case(CaseState.ACCEPTED, dtype=D.DLJT)
    suggestion = suggest_organisation(case)
    assert suggestion.organisation == world.traffic and suggestion.rule is None


def test_dispatch_records_the_rule(rules, world, db):
    case = world.case(CaseState.ACCEPTED, dtype=D.DLJT)
    traffic_rule = suggest_organisation(case).rule
    dispatch_to_organisation(case, world.traffic, world.clerk, version=case.version)
    other = world.case(CaseState.ACCEPTED)
    dispatch_to_organisation(
        other, world.township_centre, world.clerk, version=other.version, reason="村调委会主任回避"
    )
    db.session.commit()
    events = [e for c in (case, other) for e in c.events if e.action == "dispatch"]
    assert events[0].data["suggested_rule_id"] == traffic_rule.id
    assert events[0].data["overridden"] is False
    assert events[1].data["suggested_rule_id"] is None  # default rule
    assert events[1].data["overridden"] is True and events[1].note == "村调委会主任回避"
    assert isinstance(events[0], Event)


def test_override_still_needs_a_reason(rules, world):
    from domain.errors import ValidationFailed

    case = world.case(CaseState.ACCEPTED, dtype=D.DLJT)
    with pytest.raises(ValidationFailed) as err:
        dispatch_to_organisation(case, world.village_committee, world.clerk, version=case.version)
    assert err.value.field == "reason"


def test_query_count_does_not_grow_with_rules(rules, world, db, count_queries):
    case = world.case(CaseState.ACCEPTED, parties=parties(3))
    case.risk_level = RiskLevel.YELLOW
    db.session.commit()

    def count():
        db.session.expire_all()
        case_ = db.session.get(type(case), case.id)
        with count_queries() as seen:
            suggestion = suggest_organisation(case_)
        return len(seen), suggestion

    before, s1 = count()
    for i in range(40):  # many more rules, of every kind, none matching
        add_rule(
            db,
            100 + i,
            f"Extra {i}",
            min_parties=20 + i,
            min_amount=Decimal(10**6),
            place_code=world.village.code,
            risk_levels=["red"],
            level=RoutingLevel.TOWNSHIP if i % 2 else None,
            target=None if i % 2 else world.county_centre,
        )
    db.session.commit()
    after, s2 = count()
    assert before == after
    assert s1.organisation == s2.organisation == world.village_committee
