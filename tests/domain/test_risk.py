"""Risk and the report to the police (PML Art. 25): whoever works the case grades its risk and
flags it at any stage, each change an event with the old and new values and the reason; a case
that may become a criminal or public-order case owes a report to the police station or the
township government, recorded with its recipient, time, manner and content and printed for the
file; until it is made the case is marked and cannot be archived; the routing rules read the
level set before dispatch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain import documents, risk
from domain.closing import archive_case, archive_gaps
from domain.dispatch import dispatch_to_organisation
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from domain.intake import register_case
from domain.links import merge_cases
from domain.routing import suggest_organisation
from domain.screening import ScreeningData, accept_case
from domain.states import Action
from models import RoutingRule
from models.enums import DocumentKind, RiskLevel, RoutingLevel
from models.risk import ReportMethod, ReportRecipient, RiskFlag
from models.states import CaseState
from tests.factories import complete_file, earlier_today, events_of, report_back

MZX = RiskFlag.CIVIL_TO_CRIMINAL
PUBLIC_ORDER = RiskFlag.PUBLIC_ORDER_OR_CRIMINAL
MASS = RiskFlag.MASS_INCIDENT


def flag(case, user, level=RiskLevel.RED, flags=(MZX,), reason="双方扬言报复"):
    return risk.set_risk(case, user, version=None, level=level, flags=flags, reason=reason)


def report_data(**kw) -> risk.ReportData:
    values = {
        "recipient_kind": ReportRecipient.POLICE,
        "recipient_name": "公安县公安局埠河派出所",
        "reported_at": earlier_today(timedelta(minutes=30)),
        "method": ReportMethod.PHONE,
        "content": "申请人扬言持械报复，请派出所关注并出警。",
        "received_by": "值班民警李某",
        "measures": "已分别稳控双方情绪",
    }
    values.update(kw)
    return risk.ReportData(**values)


def report(case, user, **kw):
    return risk.report_to_police(case, user, version=None, data=report_data(**kw))


# ---- changing the risk ------------------------------------------------------------------------


def test_a_change_is_an_event_with_old_new_and_reason(world, db):
    case = world.case(CaseState.MEDIATING)
    version = case.version
    flag(case, world.mediator, flags=(MZX, MASS))
    db.session.flush()
    assert case.risk_level == RiskLevel.RED
    assert risk.flags_of(case) == [MZX, MASS]
    assert case.version > version  # a second tab with the old version is told
    (event,) = events_of(case, Action.SET_RISK)
    assert event.actor is world.mediator and event.note == "双方扬言报复" and not event.public
    assert event.data["changes"] == [
        {"field": "risk_level", "before": "none", "after": "red"},
        {"field": "risk_flags", "before": [], "after": ["civil_to_criminal", "mass_incident"]},
    ]

    flag(case, world.mediator, level=RiskLevel.RED, flags=(MASS,), reason="已和解部分诉求")
    last = events_of(case, Action.SET_RISK)[-1]
    assert last.data["changes"] == [
        {
            "field": "risk_flags",
            "before": ["civil_to_criminal", "mass_incident"],
            "after": ["mass_incident"],
        }
    ]


def test_a_change_needs_a_reason_and_a_change(world):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed) as refused:
        flag(case, world.mediator, reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(ValidationFailed):
        flag(case, world.mediator, level=RiskLevel.NONE, flags=())  # nothing changed
    assert events_of(case, Action.SET_RISK) == []


def test_a_stale_version_is_refused(world):
    case = world.case(CaseState.MEDIATING)
    old = case.version
    flag(case, world.mediator)
    with pytest.raises(StaleCase):
        risk.set_risk(
            case, world.director, version=old, level=RiskLevel.BLUE, flags=(), reason="降级"
        )


def test_who_may_change_the_risk(world, db):
    registered = world.case(CaseState.REGISTERED)
    flag(registered, world.clerk)  # the desk, at intake
    accepted = world.case(CaseState.ACCEPTED)
    flag(accepted, world.clerk)  # and at screening
    flag(accepted, world.leader, level=RiskLevel.ORANGE)  # leaders of the area throughout

    case = world.case(CaseState.MEDIATING)
    flag(case, world.mediator)  # the case's mediator
    flag(case, world.director, level=RiskLevel.ORANGE)  # the committee's director
    for outsider in (world.clerk, world.mediator_b, world.leader2, world.admin):
        with pytest.raises(NotPermitted):  # the desk after dispatch; no part in the case
            flag(case, outsider, level=RiskLevel.YELLOW)


def test_any_stage_until_the_file_is_closed(world):
    for state in (CaseState.NOT_ACCEPTED, CaseState.SUSPENDED, CaseState.AGREED):
        case = world.case(state)
        user = world.clerk if state == CaseState.NOT_ACCEPTED else world.mediator
        flag(case, user)
        report(case, user)
    archived = world.case(CaseState.ARCHIVED)
    with pytest.raises(InvalidTransition):
        flag(archived, world.mediator)


# ---- the report owed ----------------------------------------------------------------------------


def test_a_criminal_risk_owes_a_report_and_the_report_settles_it(world, db):
    case = world.case(CaseState.MEDIATING)
    flag(case, world.mediator, flags=(MASS,))
    assert not case.police_report_owed  # a mass incident alone: other measures
    flag(case, world.mediator, flags=(MASS, PUBLIC_ORDER))
    assert case.police_report_owed
    assert risk.may_report(world.mediator, case)

    made = report(case, world.mediator)
    assert not case.police_report_owed
    assert made.recipient_name == "公安县公安局埠河派出所"
    assert made.risk_level == RiskLevel.RED
    assert made.flags == [MASS, PUBLIC_ORDER]
    assert made.reported_by is world.mediator
    (event,) = events_of(case, Action.REPORT_TO_POLICE)
    assert event.data["report_id"] == made.id and event.data["method"] == "phone"
    assert event.data["recipient"] == "公安县公安局埠河派出所"

    # What the report said does not follow the case afterwards.
    flag(case, world.mediator, level=RiskLevel.YELLOW, flags=(PUBLIC_ORDER,))
    assert made.risk_level == RiskLevel.RED and made.flags == [MASS, PUBLIC_ORDER]
    # Another reportable flag on an already reported risk owes nothing new.
    flag(case, world.mediator, level=RiskLevel.RED, flags=(PUBLIC_ORDER, MZX))
    assert not case.police_report_owed


def test_a_risk_raised_again_owes_a_new_report(world):
    case = world.case(CaseState.MEDIATING)
    flag(case, world.mediator)
    report(case, world.mediator)
    flag(case, world.mediator, level=RiskLevel.YELLOW, flags=(), reason="矛盾已缓和")
    assert not case.police_report_owed
    flag(case, world.mediator, flags=(MZX,), reason="再次发生冲突")
    assert case.police_report_owed


def test_removing_the_flag_ends_what_is_owed(world):
    case = world.case(CaseState.MEDIATING)
    flag(case, world.mediator)
    flag(case, world.mediator, level=RiskLevel.BLUE, flags=(), reason="核实后系误报")
    assert not case.police_report_owed


def test_no_report_without_a_criminal_risk(world):
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed):
        report(case, world.mediator)
    flag(case, world.mediator, flags=(MASS, RiskFlag.EXTREME_ACT))
    assert not risk.may_report(world.mediator, case)
    with pytest.raises(ValidationFailed):
        report(case, world.mediator)
    assert case.police_reports == []


def test_who_may_report(world):
    case = world.case(CaseState.MEDIATING)
    flag(case, world.mediator)
    for outsider in (world.clerk, world.mediator_b, world.admin):
        with pytest.raises(NotPermitted):
            report(case, outsider)
    report(
        case,
        world.leader,
        recipient_kind=ReportRecipient.GOVERNMENT,
        recipient_name="埠河镇人民政府",
    )
    assert case.police_reports[0].recipient_kind == ReportRecipient.GOVERNMENT


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reported_at": datetime.now(UTC) + timedelta(hours=2)}, "reported_at"),
        ({"reported_at": datetime.now(UTC) - timedelta(days=3)}, "reported_at"),
        ({"reported_at": datetime(2026, 1, 1)}, "reported_at"),  # noqa: DTZ001 - naive
        ({"recipient_name": "  "}, "recipient_name"),
        ({"recipient_name": "派" * 129}, "recipient_name"),
        ({"content": ""}, "content"),
        ({"content": "x" * 5001}, "content"),
        ({"measures": "x" * 5001}, "measures"),
        ({"received_by": "x" * 65}, "received_by"),
        ({"method": "fax"}, "method"),
        ({"recipient_kind": "party"}, "recipient_kind"),
    ],
)
def test_a_report_is_checked(world, change, field):
    case = world.case(CaseState.MEDIATING)  # registered today: three days ago is before it
    flag(case, world.mediator)
    with pytest.raises(ValidationFailed) as refused:
        report(case, world.mediator, **change)
    assert refused.value.field == field
    assert case.police_report_owed


def test_the_file_is_not_archived_while_a_report_is_owed(world, db):
    case = world.case(CaseState.AGREED, oral=True)
    from domain.aftercare import record_follow_up
    from domain.clocks import local_today
    from domain.records import sign_record
    from models.enums import Performance, Satisfaction

    for record in case.sessions:
        sign_record(case, record, world.mediator, version=None)
    record_follow_up(
        case,
        case.follow_ups[0],
        world.mediator,
        version=None,
        visited_on=local_today(),
        performance=Performance.PERFORMED,
        satisfaction=Satisfaction.SATISFIED,
    )
    report_back(case, world.mediator)
    complete_file(case, world.mediator)
    flag(case, world.mediator, flags=(PUBLIC_ORDER,), reason="回访发现一方扬言报复")
    assert any("PML Art. 25" in str(g) for g in archive_gaps(case))
    with pytest.raises(ValidationFailed) as refused:
        archive_case(case, world.mediator, version=None)
    assert "PML Art. 25" in refused.value.message

    report(case, world.mediator)
    archive_case(case, world.mediator, version=None)
    assert case.state == CaseState.ARCHIVED


def test_a_merged_duplicate_brings_its_flags_and_what_it_owes(world, db):
    into = world.case(CaseState.ACCEPTED)
    duplicate = world.case(CaseState.REGISTERED)
    flag(duplicate, world.clerk, level=RiskLevel.ORANGE, flags=(MZX,))
    merge_cases(duplicate, into.number, world.clerk, version=None, reason="同一纠纷")
    db.session.flush()
    assert into.risk_level == RiskLevel.ORANGE
    assert risk.flags_of(into) == [MZX]
    assert into.police_report_owed and not duplicate.police_report_owed


# ---- the printed report -------------------------------------------------------------------------


def test_the_report_is_a_document_of_the_file(world, db):
    case = world.case(CaseState.MEDIATING)
    flag(case, world.mediator, flags=(MZX, PUBLIC_ORDER))
    made = report(case, world.mediator)
    db.session.flush()
    subject = documents.Subject(DocumentKind.POLICE_REPORT, made.id)
    assert subject in {documents.Subject(s.kind, s.subject_id) for s in documents.applicable(case)}
    html = documents.render_html(case, DocumentKind.POLICE_REPORT, made.id)
    for text in (
        "矛盾纠纷情况报告",
        "（民转刑风险）",
        "公安县公安局埠河派出所：",
        "人民调解法》第二十五条",
        "民转刑风险；可能引发治安案件、刑事案件",
        "红色",
        "电话报告",
        "申请人扬言持械报复",
        "已分别稳控双方情绪",
        "值班民警李某",
        case.number,
    ):
        assert text in html, text
    # Not a mandatory item: a file without a report is complete.
    assert DocumentKind.POLICE_REPORT not in {s.kind for s in documents.mandatory(case)}

    doc = documents.generate(case, DocumentKind.POLICE_REPORT, world.leader, made.id)
    assert doc.pages >= 1 and doc.content.startswith(b"%PDF")


# ---- routing reads the level set before dispatch ------------------------------------------------


@pytest.fixture
def risk_rule(world, db):
    rule = RoutingRule(
        scope_code="421022",
        position=1,
        name="High risk to the township",
        active=True,
        risk_levels=["orange", "red"],
        target_level=RoutingLevel.TOWNSHIP,
    )
    db.session.add(rule)
    db.session.flush()
    return rule


def test_a_level_set_at_intake_fires_the_rule(world, db, risk_rule):
    data = world.case_data()
    data.risk_level = RiskLevel.RED
    case, _code = register_case(data, world.clerk)
    accept_case(case, world.clerk, version=None, screening=ScreeningData.clear())
    suggestion = suggest_organisation(case)
    assert suggestion.rule is risk_rule
    assert suggestion.organisation is world.township_centre


def test_a_level_set_at_screening_fires_the_rule(world, db, risk_rule):
    case = world.case(CaseState.REGISTERED)
    assert suggest_organisation(case).rule is None  # the village committee, by default
    flag(case, world.clerk, level=RiskLevel.ORANGE, flags=())
    accept_case(case, world.clerk, version=None, screening=ScreeningData.clear())
    assert suggest_organisation(case).rule is risk_rule
    dispatch_to_organisation(case, world.township_centre, world.clerk, version=None)
    event = events_of(case, Action.DISPATCH)[-1]
    assert event.data["suggested_rule_id"] == risk_rule.id and not event.data["overridden"]


def test_a_change_before_dispatch_moves_the_suggestion(world, db, risk_rule):
    case = world.case(CaseState.ACCEPTED)
    assert suggest_organisation(case).organisation is world.village_committee
    flag(case, world.clerk, level=RiskLevel.RED, flags=(MZX,))
    assert suggest_organisation(case).organisation is world.township_centre
    # The village committee is now a choice against the suggestion: it needs a reason.
    with pytest.raises(ValidationFailed) as refused:
        dispatch_to_organisation(case, world.village_committee, world.clerk, version=None)
    assert refused.value.field == "reason"
    flag(case, world.clerk, level=RiskLevel.YELLOW, flags=(MZX,), reason="经核实风险较低")
    dispatch_to_organisation(case, world.village_committee, world.clerk, version=None)
    assert events_of(case, Action.DISPATCH)[-1].data["suggested_rule_id"] is None
