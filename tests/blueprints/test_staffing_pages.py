"""Pages of the registry, the expert panel on a case, and the assessment: scope, roles,
hostile input, the XLSX."""

from __future__ import annotations

import io
import sys
import types

import pytest
from openpyxl import load_workbook

from domain import assessment as scoring
from domain import staffing
from domain.calendar import local_today
from domain.staffing import MemberData
from models import ExpertInvitation, StaffKind, StaffMember, TrainingRecord
from models.staffing import ExpertField


@pytest.fixture(autouse=True)
def _screening(monkeypatch):
    module = types.ModuleType("domain.screening_rounds")
    module.missed_rounds = lambda org_ids, start, end, today=None: {i: 0 for i in org_ids}
    monkeypatch.setitem(sys.modules, "domain.screening_rounds", module)


def _csrf_off(app):
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def open_forms(app):
    before = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = before


def test_pages_answer_each_role_and_the_scope(world, db, login):
    staffing.load_norms(None)
    db.session.commit()
    vc = world.village_committee.id
    other = world.village3_committee.id
    c = login("leader")
    assert c.get("/staffing/").status_code == 200
    assert c.get(f"/staffing/org/{vc}").status_code == 200
    assert c.get(f"/staffing/org/{other}").status_code == 404  # another county
    assert c.get("/staffing/org/99999999999999999999").status_code == 404
    assert c.get("/staffing/norms").status_code == 200
    assert c.get("/staffing/experts").status_code == 200
    assert c.get("/staffing/experts?field=<script>").status_code == 200
    assert c.get("/assessment/").status_code == 200
    c = login("director")
    assert c.get(f"/staffing/org/{vc}").status_code == 200
    assert c.get(f"/staffing/org/{world.traffic.id}").status_code == 404
    assert c.get("/assessment/").status_code == 403
    c = login("mediator")
    assert c.get("/staffing/").status_code == 403
    c = login("clerk")
    assert c.get("/staffing/").status_code == 403


def test_shortfall_is_flagged_on_the_overview(world, db, login):
    staffing.load_norms(None)
    db.session.commit()
    page = login("leader").get("/staffing/").get_data(as_text=True)
    assert "Short by 1" in page and world.village_committee.name in page


def test_adding_people_and_training_through_the_page(world, db, login, open_forms):
    c = login("director")
    vc = world.village_committee.id
    r = c.post(
        f"/staffing/org/{vc}",
        data={
            "form": "member",
            "member-account": str(world.mediator.id),
            "member-kind": "full_time",
        },
    )
    body = r.get_data(as_text=True)
    import re

    assert r.status_code == 303, re.findall(r"class=\"(?:error|flash[^\"]*)\"[^<]*<?[^<]*", body)
    member = db.session.query(StaffMember).one()
    assert member.user_id == world.mediator.id and member.name == "张调解"
    r = c.post(
        f"/staffing/org/{vc}",
        data={
            "form": "training",
            "training-member": str(member.id),
            "training-kind": "regular",
            "training-held_on": local_today().isoformat(),
            "training-hours": "3.5",
            "training-topic": "人民调解法",
        },
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 303, [x for x in body.splitlines() if "rror" in x or "flash" in x]
    assert db.session.query(TrainingRecord).one().hours == 3.5
    # Hostile input: kept and answered beside the fields, never a 500.
    for data in (
        {
            "form": "training",
            "training-member": str(member.id),
            "training-kind": "regular",
            "training-held_on": "9999-99-99",
            "training-hours": "NaN",
            "training-topic": "x",
        },
        {
            "form": "training",
            "training-member": "99999999999999999999",
            "training-kind": "evil",
            "training-held_on": "",
            "training-hours": "1e400",
            "training-topic": "\x00",
        },
        {"form": "member", "member-account": "abc", "member-kind": "", "member-name": "x" * 500},
        {"form": "member", "member-account": str(world.mediator2.id), "member-kind": "full_time"},
        {"form": "member", "member-kind": "expert", "member-name": "专家"},
    ):
        r = c.post(f"/staffing/org/{vc}", data=data)
        assert r.status_code == 422, (data, r.status_code)
    r = c.post(
        f"/staffing/member/{member.id}",
        data={
            "member-version": str(member.version + 5),
            "member-kind": "part_time",
            "member-name": "张调解",
        },
    )
    assert r.status_code == 422 and "Someone else changed" in r.get_data(as_text=True)
    assert login("leader2").post(f"/staffing/member/{member.id}", data={}).status_code == 404


def test_norms_page_is_written_by_administrators_only(world, db, login, open_forms):
    assert login("leader").post("/staffing/norms", data={"load_set": "seed_004"}).status_code == 403
    c = login("admin")
    assert c.post("/staffing/norms", data={"load_set": "seed_004"}).status_code == 303
    assert c.post("/staffing/norms", data={"load_set": "nope"}).status_code == 422
    r = c.post("/staffing/norms", data={"norm-org_kind": "centre", "norm-required": "5"})
    assert r.status_code == 303
    r = c.post("/staffing/norms", data={"norm-org_kind": "centre", "norm-required": "-1"})
    assert r.status_code == 422


def test_an_expert_is_invited_from_the_case_page(world, db, login, open_forms):
    expert = staffing.add_member(
        None,
        world.county_centre,
        MemberData(name="李医生", kind=StaffKind.EXPERT, expert_field=ExpertField.MEDICAL),
    )
    case = world.mediating_case()
    db.session.commit()
    c = login("mediator")
    page = c.get(f"/cases/{case.number}/panels/experts?open=invite")
    assert page.status_code == 200 and "李医生" in page.get_data(as_text=True)
    r = c.post(
        f"/cases/{case.number}/experts/invite",
        data={
            "expert-version": str(case.version),
            "expert-expert_id": str(expert.id),
            "expert-question": "伤残等级？",
        },
    )
    assert r.status_code == 303
    r = c.post(
        f"/cases/{case.number}/experts/invite",
        data={
            "expert-version": str(case.version + 1),
            "expert-expert_id": "999999",
            "expert-question": "x",
        },
    )
    assert r.status_code in (200, 422)  # refused and shown again, never a 500
    assert db.session.query(ExpertInvitation).count() == 1
    inv = db.session.query(ExpertInvitation).one()
    db.session.refresh(case)
    r = c.post(
        f"/cases/{case.number}/experts/advice",
        data={
            "advice-version": str(case.version),
            "advice-invitation_id": str(inv.id),
            "advice-advice": "十级",
            "advice-advice_on": local_today().isoformat(),
        },
    )
    assert r.status_code == 303
    detail = c.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "Expert invited from the expert pool" in detail and "十级" in detail
    assert login("leader2").post(f"/cases/{case.number}/experts/invite", data={}).status_code == 404


def test_assessment_pages_print_and_export(world, db, login, open_forms):
    staffing.load_norms(None)
    rubric = scoring.load_example(None)
    db.session.commit()
    c = login("leader")
    r = c.post(
        "/assessment/",
        data={
            "rubric_id": str(rubric.id),
            "org_id": str(world.township_centre.id),
            "start": local_today().replace(day=1).isoformat(),
            "end": local_today().isoformat(),
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    a = scoring.assessments_for(world.leader)[0]
    page = c.get(f"/assessment/{a.id}").get_data(as_text=True)
    assert "Not entered yet." in page and "data-print" in page
    line = next(x for x in a.lines if x.item.number == "1")
    r = c.post(
        f"/assessment/{a.id}",
        data={
            "version": str(a.version),
            "line_id": str(line.id),
            "deduction": "0.5",
            "bonus": "",
            "evidence": "诉调委未规范化",
        },
    )
    assert r.status_code == 303
    for bad in ("NaN", "1e999", "-3", "x" * 20):
        r = c.post(
            f"/assessment/{a.id}",
            data={
                "version": str(a.version + 1),
                "line_id": str(line.id),
                "deduction": bad,
                "evidence": "x",
            },
        )
        assert r.status_code == 422
    r = c.post(f"/assessment/{a.id}", data={"version": "1", "line_id": "abc", "deduction": "1"})
    assert r.status_code == 422
    book = load_workbook(io.BytesIO(c.get(f"/assessment/{a.id}.xlsx").data))
    cells = [str(v) for row in book.active.iter_rows(values_only=True) for v in row if v]
    assert "诉调委未规范化" in cells and world.township_centre.name in cells
    # Scope: another county's leader, a director.
    assert login("leader2").get(f"/assessment/{a.id}").status_code == 404
    assert login("leader2").get(f"/assessment/{a.id}.xlsx").status_code == 404
    assert login("director").get(f"/assessment/{a.id}").status_code == 403
    # Rubric configuration: administrators only.
    assert login("leader").get(f"/assessment/items/{a.rubric.items[0].id}").status_code == 403
    c = login("admin")
    assert c.get(f"/assessment/rubrics/{rubric.id}").status_code == 200
    r = c.post("/assessment/", data={"load_example": "1"})  # twice: refused with a message
    assert r.status_code == 303


def test_empty_database_pages(db, app, client):
    """No organisation, rubric or person: the pages of a fresh admin answer."""
    from tests.factories import World

    w = World()
    db.session.commit()
    c = client
    c.post("/auth/login", data={"username": "admin", "password": "jiefen-demo-2026"})
    from tests.factories import PASSWORD

    c.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    for url in ("/staffing/", "/staffing/norms", "/staffing/experts", "/assessment/"):
        assert c.get(url).status_code == 200, url
    assert w.admin.id
