"""The cases, made one plan at a time through the real workflow, in the order they were
registered (so their numbers follow time): intake (online, at the desk, or referred with the
referrer's papers), screening, dispatch to an organisation, assignment of a mediator; then
consent, mediation and what follows (lifecycle.py, aftercare.py, docking.py)."""

from __future__ import annotations

from datetime import timedelta

from demo.aftercare import archive
from demo.docking import duplicate_application, referral_data, report_back
from demo.lifecycle import consent, mediate
from demo.plans import CasePlan, plan_cases
from demo.recusals import recusals
from demo.risk import flag_risks
from demo.texts import case_data, party_names, settlement
from demo.world import DemoWorld
from domain.dispatch import assign_mediator, dispatch_to_organisation, eligible_mediators
from domain.intake import register_case, submit_application
from domain.recusal import declare_no_conflict
from domain.referrals import register_referral
from domain.routing import suggest_organisation
from domain.screening import (
    QUESTIONS,
    ScreeningData,
    accept_case,
    not_accept_case,
    questions_for,
    screen_case,
)
from domain.states import CaseState
from extensions import db
from models import Case, Organisation, User
from models.enums import Channel, Role, Source


def make_cases(world: DemoWorld) -> None:
    """Every planned case, then the merged duplicate; a sample query code per state (公安县
    cases) for the output of `flask seed`."""
    plans = plan_cases(world)
    plans.sort(key=lambda p: p.created_at)  # numbers are handed out in time order
    samples: dict[CaseState, tuple[str, str]] = {}
    made: list[Case] = []
    for plan in plans:
        case, code = run_case(world, plan)
        made.append(case)
        world.result.state_counts[case.state] += 1
        if case.region_code.startswith("421022"):
            samples.setdefault(case.state, (case.number, code))
    duplicate = duplicate_application(world, made)
    if duplicate is not None:
        case, code = duplicate
        world.result.state_counts[case.state] += 1
        samples.setdefault(case.state, (case.number, code))
        made.append(case)
    recusals(world, made)
    flag_risks(world, made)  # PML Art. 25: one case reported to the police, one not yet
    world.result.created["cases"] = len(made)
    world.result.sample_codes = [
        (state, *samples[state]) for state in CaseState if state in samples
    ]


def run_case(world: DemoWorld, plan: CasePlan) -> tuple[Case, str]:
    """Make one case and drive it to its planned state. Returns it with its query code."""
    rng = world.rng
    county = plan.county
    desk = world.users["clerk" if county == "421022" else "clerk2"]
    if county == "421022":
        rng.random()  # keeps the random sequence, and so the demo world, unchanged
    names = party_names(world, plan)
    plan.pay = settlement(world, plan)
    data = case_data(world, plan, names)

    created = plan.created_at
    if plan.channel == Channel.ONLINE:
        case, code = world.clock.step(created, submit_application, data, now=created)
    else:
        note = None
        if plan.source != Source.APPLICATION:
            note = world.texts["referral_notes"][plan.source.value].format(
                county=world.regions[county].name, town=world.township(plan.region).name
            )
        referral = referral_data(world, plan, created)
        if referral is not None:  # 诉调 / 访调 / 警调对接: the referrer's papers too
            case, code = world.clock.step(
                created, register_referral, data, referral, desk, note=note, now=created
            )
        else:
            case, code = world.clock.step(
                created,
                register_case,
                data,
                desk,
                source=plan.source,
                channel=plan.channel,
                note=note,
                now=created,
            )
    if plan.state == CaseState.REGISTERED:
        return case, code

    if plan.state == CaseState.NOT_ACCEPTED:
        when = world.clock.after(created, 2, 60)
        choice = rng.choice(
            [n for n in world.texts["not_accepted"] if plan.dtype in n.get("types", [plan.dtype])]
        )
        screen_out(world, case, desk, choice, when)
        return case, code

    accept_at = max(plan.accept_at, created + timedelta(minutes=10))
    world.clock.step(
        accept_at,
        accept_case,
        case,
        desk,
        version=None,
        screening=ScreeningData.clear(),
        now=accept_at,
    )
    if plan.state == CaseState.ACCEPTED:
        return case, code

    when = world.clock.after(accept_at, 0.5, 20)
    target, reason = _dispatch_target(world, case, plan)
    world.clock.step(
        when, dispatch_to_organisation, case, target, desk, version=None, reason=reason
    )
    if plan.state == CaseState.DISPATCHED:
        return case, code

    when = world.clock.after(when, 1, 30)
    mediators = eligible_mediators(case)
    mediator = next((m for m in mediators if m.role == Role.MEDIATOR), mediators[0])
    assigner = _assigner(world, target, desk)
    world.clock.step(when, assign_mediator, case, mediator, assigner, version=None)
    db.session.flush()
    world.clock.step(when, declare_no_conflict, case, mediator, version=None, now=when)

    consent(world, case, mediator, when, refuse=plan.state == CaseState.REFUSED)
    if plan.state == CaseState.REFUSED:
        return case, code

    mediate(world, case, plan, names, mediator, when)
    report_back(world, case, mediator, plan)
    if plan.state == CaseState.ARCHIVED:
        archive(world, case, mediator)
    return case, code


def screen_out(world: DemoWorld, case: Case, desk: User, choice: dict, when) -> None:
    """Not accepted: at screening when the text names an exclusion of MOJ-2002 Art. 22 that
    the desk is asked about for this case (a referral answers its own), else on another
    ground; either way with the channel to use instead."""
    ground = choice.get("ground")
    if ground and ground in {e.value for e in questions_for(case)}:
        answers = {e: e.value == ground for e in QUESTIONS}
        screening = ScreeningData(answers, note=choice["reason"], redirect_advice=choice["advice"])
        world.clock.step(when, screen_case, case, desk, version=None, screening=screening, now=when)
        return
    world.clock.step(
        when,
        not_accept_case,
        case,
        desk,
        version=None,
        reason=choice["reason"],
        redirect_advice=choice["advice"],
        now=when,
    )


def _dispatch_target(
    world: DemoWorld, case: Case, plan: CasePlan
) -> tuple[Organisation, str | None]:
    """The plan's organisation, else the suggestion when it has mediators, else the township
    centre; with a reason when that is not the suggestion (the desk must give one)."""
    suggestion = suggest_organisation(case)
    suggested = suggestion.organisation if suggestion else None
    target = plan.target
    if target is None:
        if suggested is not None and world.has_mediators(suggested):
            target = suggested
        else:
            target = world.orgs[world.township_centre[world.township(plan.region).code]]
    if suggested is not None and suggested.id != target.id:
        return target, world.rng.choice(world.texts["override_reasons"])
    return target, None


def _assigner(world: DemoWorld, org: Organisation, desk: User) -> User:
    """`director` assigns the mediators of the 埠河镇 centre, the desk everyone else's."""
    director = world.users.get("director")
    if director is not None and director.organisation_id == org.id:
        return director
    return desk
