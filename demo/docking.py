"""Docking (对接): the papers of the cases that a court (诉调对接), a petition office (访调对接)
or a police station (警调对接) refers, the return leg to the referrer, and the online duplicate
that the desk merged into an earlier case."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from demo.people import landline, person_name
from demo.plans import CasePlan
from demo.world import DemoWorld
from domain.clocks import local_today
from domain.intake import CaseData, PartyData, submit_application
from domain.links import merge_cases
from domain.referrals import ReferralData, record_feedback
from domain.states import CaseState
from models import Case, User
from models.enums import (
    CourtMode,
    CourtProcedure,
    OrgKind,
    PetitionForm,
    PoliceCategory,
    ReferralKind,
    Source,
)


def referral_data(world: DemoWorld, plan: CasePlan, created: datetime) -> ReferralData | None:
    """The court's, petition office's or police station's papers for a referred case.
    Drawn from a generator of its own, so the rest of the demo stays as it was."""
    kinds = {
        Source.COURT: ReferralKind.COURT,
        Source.PETITION: ReferralKind.PETITION,
        Source.POLICE: ReferralKind.POLICE,
    }
    if plan.source not in kinds:
        return None
    rng = random.Random(f"referral-{plan.created_at.isoformat()}-{plan.dtype}")
    county = world.regions[plan.county].name
    year = local_today(created).year
    body_kind = {
        ReferralKind.COURT: OrgKind.COURT,
        ReferralKind.PETITION: OrgKind.PETITION_OFFICE,
        ReferralKind.POLICE: OrgKind.POLICE_STATION,
    }[kinds[plan.source]]
    body = next(
        (
            o
            for o in world.orgs.values()
            if o.kind == body_kind and o.region.code.startswith(plan.county)
        ),
        None,
    )
    data = ReferralData(
        kind=kinds[plan.source],
        body_org=body,
        body_name=None if body else county,
        external_no="",
        received_at=created - timedelta(minutes=rng.randrange(5, 90)),
        contact_name=person_name(rng)[0],
    )
    if data.kind == ReferralKind.COURT:
        code = "1022" if plan.county == "421022" else "1087"
        data.court_mode = rng.choice(
            [CourtMode.DELEGATED, CourtMode.DELEGATED, CourtMode.ENTRUSTED]
        )
        if data.court_mode == CourtMode.ENTRUSTED:
            data.court_procedure = rng.choice(list(CourtProcedure))
            data.external_no = f"（{year}）鄂{code}民初{rng.randrange(100, 3000)}号"
        else:
            data.external_no = f"（{year}）鄂{code}民诉前调{rng.randrange(100, 3000)}号"
    elif data.kind == ReferralKind.PETITION:
        data.external_no = f"XF{year}{rng.randrange(10000, 99999)}"
        data.transfer_no = f"访调移字〔{year}〕{rng.randrange(1, 200)}号"
        data.petition_form = rng.choice(list(PetitionForm))
        data.collective = rng.random() < 0.25
        data.petitioner_count = rng.randrange(5, 30) if data.collective else None
        data.repeat_petition = rng.random() < 0.3
        data.both_consent = True
        data.petition_received_on = local_today(created) - timedelta(days=rng.randrange(1, 10))
        data.transfer_reason = "属申诉求决类信访事项，双方同意人民调解，建议依法调解"
        data.attachments = ["信访事项登记表", "信访人身份证复印件", "相关证据材料"]
        data.contact_phone = landline(rng, plan.county)
    else:
        day = local_today(created).strftime("%Y%m%d")
        data.external_no = f"J{plan.county}{day}{rng.randrange(1000, 9999)}"
        data.police_category = rng.choice(list(PoliceCategory))
        data.complex_case = rng.random() < 0.3
    return data


def report_back(world: DemoWorld, case: Case, mediator: User, plan: CasePlan) -> None:
    """The return leg of a referred case that has ended: always before archiving, for most
    others, so some still await it; a police referral in mediation gets its progress
    report most of the time."""
    rng = random.Random(f"feedback-{case.number}")
    for referral in case.referrals:
        ended = case.state in (CaseState.AGREED, CaseState.FAILED, CaseState.TERMINATED)
        if case.agreement is not None and case.agreement.effective_on is None:
            ended = False  # the agreement is reported once every signature is in
        archiving = plan.state == CaseState.ARCHIVED
        progress = referral.kind == ReferralKind.POLICE and case.state == CaseState.MEDIATING
        draw = rng.random()
        if not (archiving or (ended and draw < 0.6) or (progress and draw < 0.7)):
            continue
        when = world.clock.soon(world.clock.last_event(case), rng.randrange(60, 60 * 30))
        world.clock.step(
            when,
            record_feedback,
            case,
            referral,
            mediator,
            version=None,
            result=None,
            sent_on=local_today(when),
            recipient=referral.contact_name,
            note="已电话告知调解进展，正在调解" if progress else "调解结果已书面反馈",
            now=when,
        )


def duplicate_application(world: DemoWorld, made: list[Case]) -> tuple[Case, str] | None:
    """The applicant of a case in mediation also applied online about the same dispute;
    the desk merged the duplicate into the earlier case (both numbers stay findable)."""
    earlier = next(
        (
            c
            for c in made
            if c.state == CaseState.MEDIATING
            and c.region_code.startswith("421022")
            and c.source == Source.APPLICATION
            and not c.referrals
        ),
        None,
    )
    if earlier is None:
        return None
    when = world.clock.after(world.clock.last_event(earlier), 2, 30)
    data = CaseData(
        region=earlier.region,
        dispute_type=earlier.dispute_type,
        summary=earlier.summary,
        requests=list(earlier.requests),
        amount=earlier.amount,
        parties=[
            PartyData(
                role=p.role,
                name=p.name,
                kind=p.kind,
                sex=p.sex,
                age=p.age,
                id_number=p.id_number,
                phone=p.phone,
                address=p.address,
            )
            for p in earlier.parties
        ],
    )
    case, code = world.clock.step(when, submit_application, data, now=when)
    reason = "同一申请人就同一纠纷在线重复申请，与已在调解的案件合并办理。"
    merged_at = world.clock.soon(when, 40)
    world.clock.step(
        merged_at,
        merge_cases,
        case,
        earlier.number,
        world.users["clerk"],
        version=None,
        reason=reason,
        now=merged_at,
    )
    return case, code
