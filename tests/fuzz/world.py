"""The world the fuzzer works in: the test world with a case in every state (so every panel
and its forms appear for some role), referrals of each kind, a pending transfer, a link, and
one of each administrator's records (routing rule, working-day time limit, holiday)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain import aftercare, agreements, dispatch, documents, mediation, recusal, risk
from domain.clocks import local_today
from domain.links import link_cases
from domain.transfers import send_transfer
from extensions import db
from models import RoutingRule, SubsidyRate
from models.case import TimeLimitRule
from models.enums import (
    DocumentKind,
    OrgKind,
    Performance,
    ReferralKind,
    RiskLevel,
    Role,
    RoutingLevel,
    SessionMode,
)
from models.holiday import Holiday, HolidayKind
from models.risk import ReportMethod, ReportRecipient, RiskFlag
from models.states import CaseState
from tests.factories import World, org, user

# Who the fuzzer is: one user of each staff role, and a citizen (None: not logged in).
USERS = (None, "clerk", "mediator", "director", "leader", "admin")


def build() -> World:
    world = World()
    # Working days at the village committee: deadlines go through the holiday calendar.
    db.session.add(TimeLimitRule(organisation=world.village_committee, days=15, working_days=True))
    # A subsidy rate: its change and delete forms are on a page.
    db.session.add(SubsidyRate(amount_cents=20_000))
    db.session.add(
        RoutingRule(
            scope_code="421022",
            position=1,
            name="交通事故",
            dispute_types=["DLJT"],
            target_org=world.traffic,
        )
    )
    db.session.add(
        RoutingRule(
            scope_code="421022",
            position=2,
            name="大案",
            min_parties=5,
            target_level=RoutingLevel.COUNTY,
        )
    )
    db.session.add(Holiday(day=date(2026, 10, 1), kind=HolidayKind.HOLIDAY, name="国庆节"))
    db.session.flush()
    for state in CaseState:
        if state != CaseState.MERGED:
            case = world.case(state)
            if state == CaseState.MEDIATING:
                # A version to mark signed, on the case the lists show first.
                documents.generate(case, DocumentKind.APPLICATION, world.mediator)
            if state == CaseState.TERMINATED:
                # A notice of termination to record as served on each party.
                documents.generate(case, DocumentKind.TERMINATION, world.mediator)
    world.case(CaseState.REGISTERED, online=False)
    world.case(CaseState.AGREED, oral=True)
    world.case(CaseState.MERGED)
    world.referral_case(ReferralKind.COURT, CaseState.ACCEPTED)
    world.referral_case(ReferralKind.PETITION, CaseState.MEDIATING)
    world.referral_case(ReferralKind.POLICE, CaseState.FAILED)
    moving = world.case(CaseState.MEDIATING)
    send_transfer(
        moving, world.mediator, version=None, to_org=world.township_centre, reason="需要镇里协调"
    )
    a, b = world.case(CaseState.ACCEPTED), world.case(CaseState.MEDIATING)
    link_cases(a, b.number, world.clerk, version=None, kind="related")
    world.case(CaseState.MEDIATING, village=world.village3)  # another county's
    _later_stages(world)
    _risky(world)
    _inactive(world)
    # The citizen's session: a case unlocked with its number and query code.
    world.citizen_case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return world


def _inactive(world: World) -> None:
    """What an administrator reactivates: an organisation and an account."""
    org("旧长江社区人民调解委员会", OrgKind.VILLAGE_COMMITTEE, world.township2).active = False
    user("retired", Role.MEDIATOR, world.village_committee, "钱退休").active = False


def _later_stages(world: World) -> None:
    """Cases at the steps that come after a few more actions: a presiding mediator who has
    not declared yet, a session record to correct, a recusal
    waiting for the director, a transfer out waiting for the receipt, a written agreement in
    effect and disputed (court, mediate again), one with its judicial confirmation applied
    for."""
    today = local_today()
    undeclared = world.case(CaseState.DISPATCHED)
    dispatch.assign_mediator(undeclared, world.mediator, world.clerk, version=None)
    recorded = world.case(CaseState.MEDIATING)
    mediation.record_session(
        recorded,
        world.mediator,
        version=None,
        held_at=datetime.now(UTC),
        place="村委会调解室",
        mode=SessionMode.IN_PERSON,
        notes="双方陈述事实",
    )
    asked = world.case(CaseState.MEDIATING)
    recusal.request_recusal(
        asked,
        asked.applicants[0],
        world.mediator,
        world.mediator,
        version=None,
        grounds="调解员系被申请人的表兄",
    )
    recusal.add_co_mediator(asked, world.mediator_b, world.director, version=None)
    leaving = world.case(CaseState.MEDIATING)
    send_transfer(leaving, world.mediator, version=None, to_name="公安县人民法院", reason="已起诉")
    for disputed in (True, False):
        case = world.case(CaseState.AGREED)
        for row in agreements.signers(case):
            agreements.sign_agreement(
                case,
                world.mediator,
                version=None,
                signer=row.kind,
                party=row.party,
                signed_on=today,
            )
        if disputed:
            agreements.record_performance(
                case,
                world.mediator,
                version=None,
                term=1,
                status=Performance.DISPUTED,
                note="被申请人拒不履行",
            )
        else:
            aftercare.apply_confirmation(
                case,
                world.mediator,
                version=None,
                court="公安县人民法院",
                applied_on=today,
                all_parties_join=True,
            )


def _risky(world: World) -> None:
    """A case flagged as likely to lead to a criminal case (the report form), and one already
    reported (the printed report)."""
    for reported in (False, True):
        case = world.case(CaseState.MEDIATING)
        risk.set_risk(
            case,
            world.mediator,
            version=None,
            level=RiskLevel.RED,
            flags=[RiskFlag.CIVIL_TO_CRIMINAL],
            reason="扬言报复",
        )
        if reported:
            risk.report_to_police(
                case,
                world.mediator,
                version=None,
                data=risk.ReportData(
                    recipient_kind=ReportRecipient.POLICE,
                    recipient_name="埠河派出所",
                    reported_at=datetime.now(UTC),
                    method=ReportMethod.PHONE,
                    content="已电话报告",
                ),
            )
