"""The risk panel of the case page (blueprints/cases/risk.py): who sees it and its forms, the
risk changed and a report recorded with and without htmx, refusals beside their field with the
input kept, a second tab, hostile input, the warning on the page and in the lists while a report
is owed, the printed report, the leaders' filters, and the dispatch suggestion it moves."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from domain import risk
from domain.clocks import CHINA
from models import RoutingRule
from models.enums import RiskLevel, RoutingLevel
from models.risk import RiskFlag
from models.states import CaseState
from tests.conftest import hx
from tests.factories import assert_done, earlier_today, events, fresh, open_panel, opener_href

REASON = "双方在村口发生推搡，一方扬言报复"
OWED = "Police report owed"


def error_of(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</', html, re.S)
    assert match, f"no error beside {field_id}"
    return match.group(1)


def checked(html: str, name: str, value: str) -> bool:
    """Whether the radio button or checkbox `name` = `value` is ticked."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value}")


def risk_post(case, level="red", flags=("civil_to_criminal",), reason=REASON, **extra):
    data = {"risk-version": case.version, "risk-level": level, "risk-reason": reason}
    data["risk-flags"] = list(flags)
    data.update(extra)
    return data


def report_post(case, **fields):
    now = datetime.now(CHINA)
    # Twenty minutes ago, but not before today (the report is never dated before the day the
    # case was registered: just after midnight in China, that was today).
    at = max(now - timedelta(minutes=20), now.replace(hour=0, minute=0, second=0, microsecond=0))
    data = {
        "report-version": case.version,
        "report-recipient_kind": "police",
        "report-recipient_name": "公安县公安局埠河派出所",
        "report-received_by": "值班民警",
        "report-reported_at": at.strftime("%Y-%m-%dT%H:%M"),
        "report-method": "in_person",
        "report-content": "一方扬言持械报复，请派出所关注",
        "report-measures": "已分开双方并做稳控工作",
    }
    data.update({f"report-{k}": v for k, v in fields.items()})
    return data


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


@pytest.fixture
def flagged(world, db):
    case = world.case(CaseState.MEDIATING)
    risk.set_risk(
        case,
        world.mediator,
        version=None,
        level=RiskLevel.ORANGE,
        flags=[RiskFlag.PUBLIC_ORDER_OR_CRIMINAL],
        reason="扬言报复",
    )
    db.session.commit()
    return case


# ---- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "user", "forms"),
    [
        (CaseState.REGISTERED, "clerk", True),
        (CaseState.ACCEPTED, "clerk", True),
        (CaseState.ACCEPTED, "leader", True),
        (CaseState.MEDIATING, "mediator", True),
        (CaseState.MEDIATING, "director", True),
        (CaseState.MEDIATING, "leader", True),
        (CaseState.MEDIATING, "clerk", False),  # the committee holds it now
        (CaseState.MEDIATING, "admin", False),
        (CaseState.ARCHIVED, "mediator", False),
    ],
)
def test_the_forms_are_for_whoever_works_the_case(world, db, login, client, state, user, forms):
    case = world.case(state)
    db.session.commit()
    login(user)
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert (opener_href(case, "risk", "risk") in html) is forms
    assert ('id="panel-risk"' in html) is forms  # no risk to show the others
    assert open_panel(client, case, "risk", "risk").status_code == (200 if forms else 404)
    response = client.post(f"/cases/{case.number}/risk", data=risk_post(case))
    if not forms:
        assert response.status_code in (200, 403)
        assert fresh(db, case).risk_level == RiskLevel.NONE


def test_readers_see_the_risk_without_the_forms(flagged, login, client):
    login("clerk")  # reads the case, no longer works it
    html = client.get(f"/cases/{flagged.number}").get_data(as_text=True)
    assert 'id="panel-risk"' in html and "May lead to a public-order or criminal case" in html
    assert opener_href(flagged, "risk", "risk") not in html
    assert opener_href(flagged, "risk", "report") not in html
    assert client.post(f"/cases/{flagged.number}/risk", data=risk_post(flagged)).status_code == 403
    assert (
        client.post(f"/cases/{flagged.number}/risk/report", data=report_post(flagged)).status_code
        == 403
    )


def test_the_panel_sits_before_dispatch(world, db, login, client):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert html.index('id="panel-risk"') < html.index('id="panel-dispatch"')


# ---- changing the risk ------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [True, False])
def test_changing_the_risk(mediating, db, login, client, htmx):
    login("mediator")
    opened = open_panel(client, mediating, "risk", "risk").get_data(as_text=True)
    assert checked(opened, "risk-level", "none")
    response = client.post(
        f"/cases/{mediating.number}/risk",
        data=risk_post(mediating, flags=("civil_to_criminal", "mass_incident")),
        headers=hx("panel-risk") if htmx else {},
    )
    html = assert_done(client, response, mediating, htmx, "risk", "Risk updated.")
    case = fresh(db, mediating)
    assert case.risk_level == RiskLevel.RED and case.police_report_owed
    assert risk.flags_of(case) == [RiskFlag.CIVIL_TO_CRIMINAL, RiskFlag.MASS_INCIDENT]
    # The timeline: who, old → new, why; the warning above the page and in the panel.
    assert "Risk level or flags changed" in html and REASON in html
    assert "<del>No particular risk</del>" in html
    assert "<ins>Red: major, report at once</ins>" in html
    assert "May turn from a civil dispute into a crime; Mass incident" in html
    assert 'id="risk-banner"' in html and 'id="panel-risk-owed"' in html
    assert opener_href(case, "risk", "report") in html
    (event,) = events(db, case, "set_risk")
    assert event.actor.username == "mediator"


def test_a_change_without_reason_comes_back_with_the_input(mediating, db, login, client):
    login("mediator")
    response = client.post(
        f"/cases/{mediating.number}/risk",
        data=risk_post(mediating, level="orange", flags=("extreme_act",), reason="  "),
        headers=hx("panel-risk"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Retarget" not in response.headers
    assert "Say why the risk changed." in error_of(html, "risk-reason")
    assert checked(html, "risk-level", "orange") and checked(html, "risk-flags", "extreme_act")
    assert not checked(html, "risk-flags", "civil_to_criminal")
    assert fresh(db, mediating).risk_level == RiskLevel.NONE


def test_nothing_changed_is_said(mediating, db, login, client):
    login("mediator")
    response = client.post(
        f"/cases/{mediating.number}/risk",
        data=risk_post(mediating, level="none", flags=()),
        headers=hx("panel-risk"),
    )
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert events(db, mediating, "set_risk") == []


def test_a_second_tab_is_told(mediating, db, login, client):
    login("mediator")
    client.post(f"/cases/{mediating.number}/risk", data=risk_post(mediating))
    response = client.post(
        f"/cases/{mediating.number}/risk",
        data=risk_post(mediating, level="blue", flags=(), reason="第二个标签页"),
        headers=hx("panel-risk"),
    )
    html = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#main"
    assert "changed" in html.lower() and "第二个标签页" in html and "data-panel-open" in html
    assert fresh(db, mediating).risk_level == RiskLevel.RED


@pytest.mark.parametrize(
    "bad",
    [
        {"risk-level": "purple"},
        {"risk-level": "   "},
        {"risk-level": "\x00"},
        {"risk-flags": ["civil_to_criminal", "arson"]},
        {"risk-flags": ["𠀀" * 50]},
        {"risk-reason": "x" * 100_000},
        {"risk-version": "99999999999999999999"},
    ],
)
def test_hostile_input_is_refused_without_a_500(mediating, db, login, client, bad):
    login("mediator")
    data = risk_post(mediating)
    data.update(bad)
    response = client.post(f"/cases/{mediating.number}/risk", data=data, headers=hx("panel-risk"))
    assert response.status_code == 200
    assert fresh(db, mediating).risk_level == RiskLevel.NONE


# ---- the report -------------------------------------------------------------------------------


def test_no_report_form_without_a_criminal_risk(mediating, db, login, client):
    login("mediator")
    client.post(
        f"/cases/{mediating.number}/risk", data=risk_post(mediating, flags=("mass_incident",))
    )
    case = fresh(db, mediating)
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert opener_href(case, "risk", "report") not in html and OWED not in html
    response = client.post(f"/cases/{case.number}/risk/report", data=report_post(case))
    assert "Flag the case as likely to lead to a public-order" in response.get_data(as_text=True)
    assert case.police_reports == []


@pytest.mark.parametrize("htmx", [True, False])
def test_recording_a_report(flagged, db, login, client, htmx):
    login("mediator")
    form = open_panel(client, flagged, "risk", "report").get_data(as_text=True)
    assert 'name="report-recipient_name"' in form and 'name="report-reported_at"' in form
    response = client.post(
        f"/cases/{flagged.number}/risk/report",
        data=report_post(flagged),
        headers=hx("panel-risk") if htmx else {},
    )
    html = assert_done(client, response, flagged, htmx, "risk", "Report recorded.")
    case = fresh(db, flagged)
    assert not case.police_report_owed
    (made,) = case.police_reports
    assert made.method.value == "in_person" and made.received_by == "值班民警"
    assert 'id="risk-banner"' not in html and OWED not in html
    assert f'id="police-report-{made.id}"' in html and "一方扬言持械报复" in html
    assert "Reported to the police or the grassroots government" in html
    assert "To 公安县公安局埠河派出所 (Police station), in person," in html
    # Printed for the file: the print view, and a row of the documents panel.
    url = f"/cases/{case.number}/documents/police_report/{made.id}/print"
    assert url in html
    printed = client.get(url).get_data(as_text=True)
    assert "矛盾纠纷情况报告" in printed and "当面报告" in printed and "一方扬言持械报复" in printed
    assert 'id="doc-police_report-' + str(made.id) + '"' in html


def test_a_refused_report_keeps_what_was_typed(flagged, db, login, client):
    login("mediator")
    later = (datetime.now(CHINA) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/cases/{flagged.number}/risk/report",
        data=report_post(flagged, reported_at=later, content="明天再报"),
        headers=hx("panel-risk"),
    )
    html = response.get_data(as_text=True)
    assert "The report cannot be in the future." in error_of(html, "report-reported_at")
    assert "明天再报" in html and "公安县公安局埠河派出所" in html
    response = client.post(
        f"/cases/{flagged.number}/risk/report",
        data=report_post(flagged, recipient_name=" ", content=""),
        headers=hx("panel-risk"),
    )
    html = response.get_data(as_text=True)
    assert "Name the police station" in error_of(html, "report-recipient_name")
    assert "Write what was reported." in error_of(html, "report-content")
    assert fresh(db, flagged).police_reports == []


@pytest.mark.parametrize(
    "bad",
    [
        {"reported_at": "0001-01-01T00:00"},
        {"reported_at": "9999-12-31T23:59"},
        {"reported_at": "nonsense"},
        {"method": "carrier pigeon"},
        {"recipient_kind": "\x00"},
        {"recipient_name": "派" * 129},
        {"content": "x" * 100_000},
    ],
)
def test_hostile_report_input_is_refused_without_a_500(flagged, db, login, client, bad):
    login("mediator")
    response = client.post(
        f"/cases/{flagged.number}/risk/report",
        data=report_post(flagged, **bad),
        headers=hx("panel-risk"),
    )
    assert response.status_code == 200
    assert fresh(db, flagged).police_reports == []


def test_the_police_referral_names_the_station(world, db, login, client):
    case = world.referral_case("police", CaseState.MEDIATING)
    risk.set_risk(
        case,
        world.mediator,
        version=None,
        level=RiskLevel.RED,
        flags=[RiskFlag.CIVIL_TO_CRIMINAL],
        reason="扬言报复",
    )
    db.session.commit()
    login("mediator")
    html = open_panel(client, case, "risk", "report").get_data(as_text=True)
    assert 'value="公安县公安局埠河派出所"' in html


# ---- the warning in the lists -----------------------------------------------------------------


def test_lists_show_the_report_owed(flagged, world, db, login, client):
    calm = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator")
    page = client.get("/workbench/").get_data(as_text=True)
    row = page[page.index(f'id="case-{flagged.number}-row"') :]
    assert OWED in row[: row.index("</tr>")]
    row = page[page.index(f'id="case-{calm.number}-row"') :]
    assert OWED not in row[: row.index("</tr>")]
    login("leader")
    page = client.get("/oversight/").get_data(as_text=True)
    row = page[page.index(f'id="case-{flagged.number}-row"') :]
    assert OWED in row[: row.index("</tr>")] and "Orange: may escalate" in row[: row.index("</tr>")]
    found = client.get("/search/", query_string={"q": flagged.number}).get_data(as_text=True)
    assert OWED in found


def test_the_desk_queue_shows_the_risk(world, db, login, client):
    case = world.case(CaseState.REGISTERED)
    risk.set_risk(
        case,
        world.clerk,
        version=None,
        level=RiskLevel.RED,
        flags=[RiskFlag.CIVIL_TO_CRIMINAL],
        reason="来访时情绪激动",
    )
    db.session.commit()
    login("clerk")
    page = client.get("/desk/").get_data(as_text=True)
    row = page[page.index(f'id="case-{case.number}-row"') :]
    assert OWED in row[: row.index("</tr>")]


def numbers(html: str) -> list[str]:
    return re.findall(r'id="case-([0-9-]+)-row"', html)


def test_leaders_filter_by_risk_flag_and_report_owed(flagged, world, db, login, client):
    reported = world.case(CaseState.MEDIATING)
    risk.set_risk(
        reported,
        world.mediator,
        version=None,
        level=RiskLevel.RED,
        flags=[RiskFlag.CIVIL_TO_CRIMINAL, RiskFlag.MASS_INCIDENT],
        reason="扬言报复",
    )
    risk.report_to_police(
        reported,
        world.mediator,
        version=None,
        data=risk.ReportData(
            recipient_kind=risk.ReportRecipient.POLICE,
            recipient_name="埠河派出所",
            reported_at=earlier_today(timedelta(minutes=5)),
            method=risk.ReportMethod.PHONE,
            content="已电话报告",
        ),
    )
    calm = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("leader")

    def listed(**query):
        return numbers(client.get("/oversight/", query_string=query).get_data(as_text=True))

    assert set(listed()) >= {flagged.number, reported.number, calm.number}
    assert listed(risk="red") == [reported.number]
    assert listed(risk="orange") == [flagged.number]
    assert listed(flag="mass_incident") == [reported.number]
    assert listed(flag="public_order_criminal") == [flagged.number]
    assert listed(report_owed="y") == [flagged.number]
    assert listed(risk="red", report_owed="y") == []
    # A filter not understood is ignored (its error beside it), never a 500.
    response = client.get("/oversight/", query_string={"risk": "purple", "flag": "\x00"})
    assert response.status_code == 200
    assert set(numbers(response.get_data(as_text=True))) == set(listed())


# ---- routing --------------------------------------------------------------------------------


def test_the_dispatch_panel_follows_the_risk_set_at_the_desk(world, db, login, client):
    db.session.add(
        RoutingRule(
            scope_code="421022",
            position=1,
            name="High risk to the township",
            active=True,
            risk_levels=["orange", "red"],
            target_level=RoutingLevel.TOWNSHIP,
        )
    )
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "High risk to the township" not in page
    client.post(f"/cases/{case.number}/risk", data=risk_post(case, level="orange", flags=()))
    page = client.get(f"/cases/{fresh(db, case).number}").get_data(as_text=True)
    assert "High risk to the township" in page
