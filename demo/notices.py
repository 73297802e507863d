"""Served notices (PML Art. 26), shown on two cases of the 埠河镇 centre (user `mediator`),
which mediates under 埠河镇人民调解委员会: one ended without agreement, its notice of
termination handed to the applicant and left with the respondent, who refused to sign for it,
and then archived (its 卷宗 names the committee and files the served notice); the other ended
too, its notice served on the applicant only, so that its archive panel lists the respondent
still to be served."""

from __future__ import annotations

from demo.aftercare import archive
from demo.cases import run_case
from demo.plans import _plan
from demo.world import DemoWorld
from domain import documents, serving
from domain.calendar import local_today
from domain.states import CaseState
from models import Case, ServiceMethod, User
from models.enums import Channel, DocumentKind, Source

# The respondent would not sign: the notice was left with them before a witness (留置送达).
LEFT_WITH = "被申请人拒绝在送达回证上签字，告知书已留置其住处，村委会委员刘红梅在场见证"


def served_notices(world: DemoWorld) -> None:
    township = world.townships("421022")[0]  # 埠河镇
    centre = world.orgs[world.township_centre[township.code]]
    for archived in (True, False):
        template = world.texts["types"]["LL"][0]
        plan = _plan(world, CaseState.TERMINATED, township, "LL", template, None, target=centre)
        plan.source, plan.channel = Source.APPLICATION, Channel.WALK_IN
        case, _code = run_case(world, plan)
        world.result.state_counts[case.state] += 1
        world.result.created["cases"] = world.result.created.get("cases", 0) + 1
        keeper = case.presiding_mediator
        _serve(world, case, keeper, everyone=archived)
        if archived:
            archive(world, case, keeper)
            world.result.state_counts[CaseState.TERMINATED] -= 1
            world.result.state_counts[case.state] += 1


def _serve(world: DemoWorld, case: Case, keeper: User, *, everyone: bool) -> None:
    """A day or two after the ending: the notice generated, handed to the applicant; with
    `everyone`, left with the respondent who refused to sign."""
    at = world.clock.after(world.clock.last_event(case), 20, 50)
    notice = world.clock.step(at, documents.generate, case, DocumentKind.TERMINATION, keeper)
    served = [(case.applicants[0], ServiceMethod.IN_PERSON, False, None)]
    if everyone:
        served.append((case.respondents[0], ServiceMethod.IN_PERSON, True, LEFT_WITH))
    for party, method, refused, note in served:
        at = world.clock.soon(at, world.rng.randrange(30, 240))
        data = serving.ServiceData(
            document_id=notice.id,
            party_id=party.id,
            method=method,
            served_on=local_today(at),
            served_by=keeper.name,
            refused_to_sign=refused,
            note=note,
        )
        world.clock.step(at, serving.record_service, case, keeper, data, version=None, now=at)
