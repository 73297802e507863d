"""The operator commands: flask seed, flask create-user, flask translate."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from stdnum.cn import ric

import cli
from demo import DEMO_PASSWORD
from domain.clocks import Urgency, local_today, urgency
from domain.permissions import case_scope
from models import (
    Agreement,
    Case,
    Event,
    FollowUp,
    JudicialConfirmation,
    Organisation,
    Party,
    RecusalRequest,
    Region,
    TimeLimitRule,
    User,
)
from models.enums import (
    AgreementKind,
    Channel,
    ConsentStatus,
    DisputeType,
    NoticeAck,
    OrgKind,
    PartyRole,
    RecusalDecision,
    RegionLevel,
    Role,
    Ruling,
    Source,
)
from models.states import CaseState

# 1 city + 2 counties + 33 townships + 99 villages/communities + 2 groups; the organisations
# include a committee per township and a joint committee per county and for the city; the
# cases made through the workflow (the past cases of demo/history.py come on top).
REGIONS, ORGANISATIONS, USERS, CASES = 137, 187, 53, 208


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def seeded(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return result


def past_cases(result) -> int:
    """How many past cases the seed wrote (demo/history.py: a number that follows the day)."""
    return int(re.search(r"past cases\s+(\d+) created", result.output).group(1))


def test_seed_builds_the_demo_world(runner, db):
    result = seeded(runner)
    past = past_cases(result)
    assert 600 <= past <= 1000  # from January of last year to three months ago

    assert (count(db, Region), count(db, Organisation), count(db, User), count(db, Case)) == (
        REGIONS,
        ORGANISATIONS,
        USERS,
        CASES + past,
    )
    cases = db.session.scalars(sa.select(Case)).all()
    assert {c.state for c in cases} == set(CaseState)
    assert {c.source for c in cases} == set(Source)
    assert {c.dispute_type for c in cases} == set(DisputeType)
    assert {c.region_code[:6] for c in cases} == {"421022", "421087"}
    # Every region level and the industry committees with their types.
    assert {r.level for r in db.session.scalars(sa.select(Region))} == set(RegionLevel)
    industry = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrgKind.INDUSTRY_COMMITTEE)
    ).all()
    assert sorted(t for o in industry for t in o.dispute_types) == sorted(
        ["DLJT", "LDZY", "WY", "HYJT", "YL"] * 2
    )
    # The output documents the logins.
    assert DEMO_PASSWORD in result.output
    for username in ("clerk", "mediator", "director", "leader", "cityleader", "admin"):
        assert username in result.output


def test_seeded_workloads_and_timelines(runner, db):
    seeded(runner)
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    assert users["mediator"].check_password(DEMO_PASSWORD)

    # `mediator` has a full workbench with overdue and due-soon cases.
    mine = db.session.scalars(
        sa.select(Case).where(case_scope(users["mediator"]), Case.state == CaseState.MEDIATING)
    ).all()
    assert len(mine) >= 10
    urgencies = Counter(urgency(c.due_on) for c in mine)
    assert urgencies[Urgency.OVERDUE] >= 1
    assert urgencies[Urgency.DUE_SOON] >= 1
    assert urgencies[Urgency.ON_TIME] >= 1
    assert all(c.presiding_mediator == users["mediator"] for c in mine)

    # `clerk` has a queue of new cases in 公安县.
    queue = db.session.scalars(
        sa.select(Case).where(case_scope(users["clerk"]), Case.state == CaseState.REGISTERED)
    ).all()
    assert len(queue) >= 15
    # Registered at the county's centre, or by a committee that found the dispute in its
    # screening round (demo/prevention.py): the desk screens those too.
    assert all(
        c.intake_org.name == "公安县矛盾纠纷调处中心" or c.channel == Channel.SCREENING
        for c in queue
    )

    # Timelines: in order, begin with the registration, never in the future.
    now = datetime.now(UTC)
    for case in db.session.scalars(sa.select(Case)):
        times = [e.at for e in case.events]
        assert times == sorted(times), case.number
        assert case.events[0].action == "register"
        assert times[0] == case.created_at
        assert times[-1] <= now
        moves = [e.to_state for e in case.events if e.to_state]
        assert (moves[-1] if moves else "registered") == case.state.value
    assert count(db, Event) > CASES * 3

    # Sessions only after every applicant and respondent agreed and acknowledged the notice.
    for case in db.session.scalars(sa.select(Case).where(Case.sessions.any())):
        deciding = [
            p for p in case.parties if p.role in (PartyRole.APPLICANT, PartyRole.RESPONDENT)
        ]
        assert all(p.consent == ConsentStatus.AGREED for p in deciding), case.number
        assert all(p.notice_ack != NoticeAck.NONE for p in deciding), case.number

    # Identifiers are valid.
    parties = db.session.scalars(sa.select(Party).where(Party.id_number.is_not(None))).all()
    assert len(parties) > 50
    assert all(ric.is_valid(p.id_number) for p in parties)


def test_seeded_lifecycle(runner, db):
    """Every step of the lifecycle appears: pauses, joint mediation, endings, signatures,
    follow-up visits, judicial confirmation, archiving and the time-limit rules."""
    seeded(runner)
    today = local_today()
    by_state = Counter(c.state for c in db.session.scalars(sa.select(Case)))
    assert all(by_state[s] >= 1 for s in CaseState), by_state

    for case in db.session.scalars(sa.select(Case).where(Case.state == CaseState.SUSPENDED)):
        assert case.suspended_since is not None
    for case in db.session.scalars(sa.select(Case).where(Case.state == CaseState.JOINT_MEDIATION)):
        assert case.joint_org is not None and case.failure_count == 2
        assert case.joint_departments
    for case in db.session.scalars(sa.select(Case).where(Case.state == CaseState.FAILED)):
        assert case.failure_count == 2 and case.closure_reason is not None
    for state in (CaseState.REFUSED, CaseState.TERMINATED, CaseState.ARCHIVED):
        cases = db.session.scalars(sa.select(Case).where(Case.state == state)).all()
        assert all(c.closure_reason is not None and c.closed_at for c in cases), state
    assert all(
        c.archived_at
        for c in db.session.scalars(sa.select(Case).where(Case.state == CaseState.ARCHIVED))
    )
    # Every centre mediates under a committee; a case ended without agreement has its notice
    # served on every party and is archived, another waits for a party's service.
    centres = db.session.scalars(sa.select(Organisation).where(Organisation.kind == OrgKind.CENTRE))
    assert all(c.mediating_committee is not None for c in centres)
    served = [c for c in db.session.scalars(sa.select(Case)) if c.services]
    assert any(
        c.state == CaseState.ARCHIVED
        and {s.party_id for s in c.services} >= {p.id for p in c.principals}
        and any(s.refused_to_sign for s in c.services)
        for c in served
    )
    assert any(
        c.state == CaseState.TERMINATED and len(c.services) < len(c.principals) for c in served
    )

    written = db.session.scalars(
        sa.select(Agreement).where(Agreement.kind == AgreementKind.WRITTEN)
    ).all()
    assert any(a.effective_on is None and a.signatures for a in written)  # partly signed
    assert any(a.effective_on is not None for a in written)
    visits = db.session.scalars(sa.select(FollowUp)).all()
    assert any(v.done_at is not None for v in visits)
    assert any(v.done_at is None and v.due_on < today for v in visits)  # overdue
    assert any(v.done_at is None and v.due_on >= today for v in visits)  # due
    rulings = {c.ruling for c in db.session.scalars(sa.select(JudicialConfirmation))}
    assert {Ruling.PENDING, Ruling.CONFIRMED} <= rulings

    rules = db.session.scalars(sa.select(TimeLimitRule)).all()
    assert {(r.source, r.days) for r in rules if r.organisation_id is None} == {
        (Source.COURT, 30),
        (Source.PETITION, 60),
    }
    assert any(r.working_days and r.organisation is not None for r in rules)

    # `director`'s centre organises the joint mediation of `mediator2`'s committee: its
    # director and its mediator `mediator` work it.
    for username in ("director", "mediator"):
        staff = db.session.scalar(sa.select(User).where(User.username == username))
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Case.id)).where(
                    case_scope(staff), Case.state == CaseState.JOINT_MEDIATION
                )
            )
            >= 1
        ), username
    # A recusal granted (the director took the case over) and one refused with reasons.
    decided = {r.decision: r for r in db.session.scalars(sa.select(RecusalRequest))}
    granted = decided[RecusalDecision.GRANTED]
    assert granted.replacement.username == "director" and granted.mediator.username == "mediator"
    assert decided[RecusalDecision.REFUSED].decision_note


def test_seed_twice_does_not_duplicate(runner, db):
    seeded(runner)
    models = (Region, Organisation, User, Case, Event, TimeLimitRule)
    before = [count(db, m) for m in models]

    again = seeded(runner)

    assert "already present" in again.output
    assert [count(db, m) for m in models] == before


def test_seed_is_refused_when_not_allowed(app, runner, db, monkeypatch):
    monkeypatch.setitem(app.config, "SEED_ALLOWED", False)

    result = runner.invoke(args=["seed"])

    assert result.exit_code != 0
    assert "SEED_ALLOWED" in result.output
    assert count(db, Region) == 0


@pytest.fixture
def centre(db):
    county = Region(code="421022", name="公安县", level=RegionLevel.COUNTY)
    org = Organisation(name="公安县矛盾纠纷调处中心", kind=OrgKind.CENTRE, region=county)
    db.session.add_all([county, org])
    db.session.commit()
    return org


def test_create_user(runner, db, centre):
    result = runner.invoke(
        args=[
            "create-user",
            "Wang",
            "--role",
            "mediator",
            "--org",
            centre.name,
            "--name",
            "王芳",
            "--specialty",
            "LL",
            "--full-time",
            "--password",
            "a-long-password",
        ]
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "wang"))
    assert (user.name, user.role, user.organisation_id) == ("王芳", Role.MEDIATOR, centre.id)
    assert user.specialties == ["LL"]
    assert user.full_time is True
    assert user.check_password("a-long-password")


def test_create_user_prompts_for_the_password_twice(runner, db, centre):
    result = runner.invoke(
        args=["create-user", "clerk9", "--role", "clerk", "--org", centre.name, "--name", "刘"],
        input="secret-password\nsecret-password\n",
    )

    assert result.exit_code == 0, result.output
    assert "secret-password" not in result.output  # hidden input
    user = db.session.scalar(sa.select(User).where(User.username == "clerk9"))
    assert user.check_password("secret-password")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "没有这个中心"], "No organisation"),
        (["--org", "公安县矛盾纠纷调处中心", "--password", "short"], "at least"),
        (["--org", "公安县矛盾纠纷调处中心", "--password", "1234567890"], "most common passwords"),
        (["--org", "公安县矛盾纠纷调处中心", "--password", "someone2026"], "your username"),
        (["--org", "公安县矛盾纠纷调处中心", "--role", "king"], "Invalid value"),
    ],
)
def test_create_user_refuses_bad_input(runner, db, centre, args, message):
    base = ["create-user", "someone", "--role", "clerk", "--name", "某人"]
    if "--password" not in args:
        base += ["--password", "a-long-password"]
    result = runner.invoke(args=base + args)

    assert result.exit_code != 0
    assert message in result.output
    assert count(db, User) == 0


def test_create_user_refuses_a_taken_username(runner, db, centre):
    args = [
        "create-user",
        "clerk9",
        "--role",
        "clerk",
        "--org",
        centre.name,
        "--name",
        "刘",
        "--password",
        "a-long-password",
    ]
    assert runner.invoke(args=args).exit_code == 0

    result = runner.invoke(args=args)

    assert result.exit_code != 0
    assert "already exists" in result.output
    assert count(db, User) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["extract"],
            [
                "extract",
                "-F",
                "translations/babel.cfg",
                "-k",
                "_l",
                "-k",
                "lazy_gettext",
                "-k",
                "_ln:1,2",
                "-k",
                "_lp:1c,2",
                "--add-comments=Translators:",
                "-o",
                "translations/messages.pot",
                ".",
            ],
        ),
        (["update"], ["update", "-i", "translations/messages.pot", "-d", "translations"]),
        (["compile"], ["compile", "-d", "translations"]),
        (
            ["init", "en"],
            ["init", "-i", "translations/messages.pot", "-d", "translations", "-l", "en"],
        ),
    ],
)
def test_translate_runs_pybabel(runner, monkeypatch, args, expected):
    calls = []

    class Done:
        returncode = 0

    def fake_run(argv, **kwargs):
        calls.append((argv, kwargs))
        return Done()

    monkeypatch.setattr(cli.subprocess, "run", fake_run)

    result = runner.invoke(args=["translate", *args])

    assert result.exit_code == 0, result.output
    [(argv, kwargs)] = calls
    assert argv[-len(expected) :] == expected
    assert "pybabel" in argv[0] or argv[1:3] == ["-m", "babel.messages.frontend"]
    assert kwargs["cwd"] == cli.BASE_DIR
    assert "shell" not in kwargs


def test_translate_reports_pybabel_failure(runner, monkeypatch):
    class Failed:
        returncode = 1

    monkeypatch.setattr(cli.subprocess, "run", lambda argv, **kw: Failed())

    result = runner.invoke(args=["translate", "compile"])

    assert result.exit_code != 0
    assert "pybabel compile failed" in result.output


def test_babel_cfg_covers_code_and_templates():
    text = (cli.BASE_DIR / "translations" / "babel.cfg").read_text(encoding="utf-8")
    for section in (
        "[python: blueprints/**.py]",
        "[python: domain/**.py]",
        "[python: models/**.py]",
        "[python: app.py]",
        "[jinja2: templates/**.html]",
    ):
        assert section in text
