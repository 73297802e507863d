"""The demo world `flask seed` builds, seeded once for this module (a seed takes most of a
minute): its size, every state, source and type, the workloads of the demo users, the
lifecycle's every step, the exclusions and the stopped clock, and a second seed adding
nothing. Every test here only reads the world (the module's marker keeps it between tests;
the fixture wipes it at the end)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from stdnum.cn import ric

from demo import DEMO_PASSWORD
from domain import confirmability
from domain.clocks import Urgency, case_urgency, is_overdue, local_today, overdue_condition, urgency
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
    Ruling,
    Source,
)
from models.states import CaseState

# 1 city + 2 counties + 33 townships + 99 villages/communities + 2 groups; the organisations
# include a committee per township and a joint committee per county and for the city; the
# cases made through the workflow (the past cases of demo/history.py come on top).
REGIONS, ORGANISATIONS, USERS, CASES = 137, 187, 53, 208


pytestmark = pytest.mark.seeded


@pytest.fixture(scope="module")
def seeded_world(app, runner_module):
    """`flask seed` once for the whole module; the database wiped when the module is done."""
    from tests.conftest import _wipe

    try:
        yield seeded(runner_module)
    finally:
        _wipe(app)


@pytest.fixture(scope="module")
def runner_module(app):
    return app.test_cli_runner()


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def seeded(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return result


def past_cases(result) -> int:
    """How many past cases the seed wrote (demo/history.py: a number that follows the day)."""
    return int(re.search(r"past cases\s+(\d+) created", result.output).group(1))


def test_seed_builds_the_demo_world(seeded_world, db):
    result = seeded_world
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


def test_seeded_workloads_and_timelines(seeded_world, db):
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


def test_seeded_lifecycle(seeded_world, db):
    """Every step of the lifecycle appears: pauses, joint mediation, endings, signatures,
    follow-up visits, judicial confirmation, archiving and the time-limit rules."""
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


def test_seed_twice_does_not_duplicate(seeded_world, runner, db):
    models = (Region, Organisation, User, Case, Event, TimeLimitRule)
    before = [count(db, m) for m in models]

    again = seeded(runner)

    assert "already present" in again.output
    assert [count(db, m) for m in models] == before


def test_the_demo_shows_the_exclusions_and_the_stopped_clock(seeded_world, db):
    """Screening out, a stopped clock and the judicial-confirmation checks: a case not
    accepted at screening with the channel to use instead, a suspended case past its old
    deadline that is not overdue, and two agreements a court would not confirm as they
    stand."""
    cases = db.session.scalars(sa.select(Case)).all()

    screened = [c for c in cases if c.not_accepted_grounds]
    assert {"court", "reserved"} <= {g for c in screened for g in c.not_accepted_grounds}
    assert all(c.redirect_advice for c in screened)
    walk_in = [
        c for c in screened if c.events[-1].data.get("screening", {}).get("court") == "applies"
    ]
    assert walk_in and all(c.state == CaseState.NOT_ACCEPTED for c in walk_in)

    today = local_today()
    mediator = db.session.scalar(sa.select(User).where(User.username == "mediator"))
    mine = db.session.scalars(
        sa.select(Case).where(case_scope(mediator), Case.state == CaseState.SUSPENDED)
    ).all()
    past = [c for c in mine if c.due_on < today]
    assert past, "a suspended case of `mediator` past its old deadline"
    assert all(not is_overdue(c, today) and case_urgency(c, today) == Urgency.PAUSED for c in past)
    overdue = set(db.session.scalars(sa.select(Case.id).where(overdue_condition(today))))
    assert not overdue & {c.id for c in cases if c.state == CaseState.SUSPENDED}

    agreed = [c for c in cases if c.state == CaseState.AGREED and c.agreement is not None]
    checks = [confirmability.check(c) for c in agreed]
    assert any(ch.disputed for ch in checks), "an agreement with a disputed term"
    assert any(confirmability.Bar.OWNERSHIP in ch.to_confirm and not ch.refused for ch in checks), (
        "an agreement whose terms decide ownership"
    )
