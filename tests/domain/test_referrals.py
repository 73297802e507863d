"""Docking with courts, petition offices and police: the referrer's clocks, the petition
extension, the return leg and its place in archiving."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.aftercare import record_follow_up
from domain.clocks import CHINA, apply_limit, local_today
from domain.closing import archive_case, archive_gaps, extend
from domain.dispatch import dispatch_to_organisation
from domain.errors import NotPermitted, ValidationFailed
from domain.referrals import (
    ReferralData,
    default_result,
    extend_petition,
    record_feedback,
    register_referral,
)
from domain.screening import ScreeningData, accept_case
from domain.states import Action
from models import TimeLimitRule
from models.enums import (
    AgreementKind,
    Channel,
    CourtMode,
    CourtProcedure,
    Performance,
    PetitionForm,
    PoliceCategory,
    ReferralKind,
    ReferralResult,
    Satisfaction,
    Source,
)
from models.states import CaseState
from tests.factories import complete_file, events_of


def _court(world, mode=CourtMode.DELEGATED, procedure=None, received_at=None):
    return ReferralData(
        kind=ReferralKind.COURT,
        body_org=world.court,
        external_no="（2026）鄂1022民初88号",
        court_mode=mode,
        court_procedure=procedure,
        received_at=received_at or datetime.now(UTC) - timedelta(days=4),
    )


# ---- court ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "procedure", "days"),
    [
        (CourtMode.DELEGATED, None, 30),
        (CourtMode.ENTRUSTED, CourtProcedure.ORDINARY, 15),
        (CourtMode.ENTRUSTED, CourtProcedure.SUMMARY, 7),
    ],
)
def test_court_limit_runs_from_the_signed_for_day_not_acceptance(world, db, mode, procedure, days):
    signed = datetime.now(UTC) - timedelta(days=4)
    case, _code = register_referral(
        world.case_data(), _court(world, mode, procedure, signed), world.clerk
    )
    assert case.source == Source.COURT and case.channel == Channel.REFERRAL
    referral = case.referrals[0]
    accept_case(
        case, world.clerk, version=None, screening=ScreeningData.clear()
    )  # accepted today, 4 days after signing
    assert case.clock_start == local_today(signed)
    assert case.time_limit_days == days and case.working_days is False
    assert case.due_on == local_today(signed) + timedelta(days=days)
    assert case.due_on != local_today() + timedelta(days=days)
    # The court's feedback is due with the mediation deadline.
    assert referral.feedback_due_at.astimezone(CHINA).date() == case.due_on


def test_court_clock_takes_the_day_in_china(world, db):
    # 17:30 UTC on 31 January is 01:30 on 1 February in Beijing: the clock starts on 1 Feb.
    signed = datetime(2026, 1, 31, 17, 30, tzinfo=UTC)
    case, _ = register_referral(
        world.case_data(),
        _court(world, received_at=signed),
        world.clerk,
        now=datetime(2026, 2, 2, 2, 0, tzinfo=UTC),
    )
    accept_case(
        case,
        world.clerk,
        version=None,
        screening=ScreeningData.clear(),
        now=datetime(2026, 2, 2, 2, 0, tzinfo=UTC),
    )
    assert case.clock_start.isoformat() == "2026-02-01"
    assert case.due_on.isoformat() == "2026-03-03"  # 30 calendar days, no working-day rule


def test_dispatch_keeps_the_court_limit_and_extension_still_works(world, db):
    # A committee's own rule (20 working days) does not override the court's period.
    db.session.add(
        TimeLimitRule(organisation_id=world.village_committee.id, days=20, working_days=True)
    )
    db.session.add(TimeLimitRule(source=Source.COURT, days=45))
    case = world.referral_case(
        ReferralKind.COURT,
        CaseState.MEDIATING,
        court_mode=CourtMode.ENTRUSTED,
        court_procedure=CourtProcedure.ORDINARY,
        received_at=datetime.now(UTC) - timedelta(days=2),
    )
    start = local_today(case.referrals[0].received_at)
    assert case.handling_org_id is not None
    assert case.clock_start == start
    assert (case.time_limit_days, case.working_days) == (15, False)
    assert case.due_on == start + timedelta(days=15)
    extend(
        case, world.mediator, version=None, days=10, reason="双方同意延长", both_parties_agree=True
    )
    assert case.due_on == start + timedelta(days=25)
    assert case.referrals[0].feedback_due_at.astimezone(CHINA).date() == case.due_on
    # Recomputing (as a transfer's re-dispatch does) keeps the period and the extension.
    apply_limit(case)
    assert case.due_on == start + timedelta(days=25)


def test_dispatch_after_late_acceptance_keeps_the_court_date(world, db):
    signed = datetime.now(UTC) - timedelta(days=6)
    case, _ = register_referral(world.case_data(), _court(world, received_at=signed), world.clerk)
    accept_case(case, world.clerk, version=None, screening=ScreeningData.clear())
    db.session.add(TimeLimitRule(organisation_id=world.village_committee.id, days=10))
    db.session.flush()
    dispatch_to_organisation(case, world.village_committee, world.clerk, version=None)
    assert case.handling_org_id == world.village_committee.id
    assert case.due_on == local_today(signed) + timedelta(days=30)


def test_entrusted_needs_a_procedure_and_bodies_must_fit(world, db):
    with pytest.raises(ValidationFailed) as err:
        register_referral(world.case_data(), _court(world, CourtMode.ENTRUSTED), world.clerk)
    assert err.value.field == "court_procedure"
    data = _court(world)
    data.body_org = world.village_committee
    with pytest.raises(ValidationFailed) as err:
        register_referral(world.case_data(), data, world.clerk)
    assert err.value.field == "body_org"
    data = _court(world, received_at=datetime.now(UTC) + timedelta(days=2))
    with pytest.raises(ValidationFailed) as err:
        register_referral(world.case_data(), data, world.clerk)
    assert err.value.field == "received_at"


def test_only_the_desk_registers_referrals(world, db):
    with pytest.raises(NotPermitted):
        register_referral(world.case_data(), _court(world), world.mediator)


# ---- petition ------------------------------------------------------------------------------


def _petition(**kw):
    values = {
        "kind": ReferralKind.PETITION,
        "body_name": "公安县信访局",
        "external_no": "XF-2026-1",
        "received_at": datetime.now(UTC),
        "petition_form": PetitionForm.LETTER,
        "both_consent": True,
        "petition_received_on": local_today() - timedelta(days=5),
    }
    values.update(kw)
    return ReferralData(**values)


def test_petition_deadlines_15_and_60_days(world, db):
    case, _ = register_referral(world.case_data(), _petition(), world.clerk)
    r = case.referrals[0]
    received = local_today() - timedelta(days=5)
    assert case.source == Source.PETITION
    assert r.petition_received_on == received
    assert r.petition_decide_by == received + timedelta(days=15)
    assert r.petition_due_on == received + timedelta(days=60)
    assert r.feedback_due_at.astimezone(CHINA).date() == r.petition_due_on
    # A remaining deadline typed from the transfer form wins over the default.
    case2, _ = register_referral(
        world.case_data(), _petition(petition_due_on=received + timedelta(days=40)), world.clerk
    )
    assert case2.referrals[0].petition_due_on == received + timedelta(days=40)


def test_petition_needs_both_parties_consent(world, db):
    with pytest.raises(ValidationFailed) as err:
        register_referral(world.case_data(), _petition(both_consent=False), world.clerk)
    assert err.value.field == "both_consent"
    with pytest.raises(ValidationFailed) as err:
        register_referral(
            world.case_data(), _petition(collective=True, petitioner_count=1), world.clerk
        )
    assert err.value.field == "petitioner_count"


def test_petition_extended_once_by_at_most_30_days(world, db):
    case = world.referral_case(ReferralKind.PETITION, CaseState.MEDIATING)
    r = case.referrals[0]
    due = r.petition_due_on
    with pytest.raises(ValidationFailed) as err:
        extend_petition(case, r, world.mediator, version=case.version, days=31, reason="复杂")
    assert err.value.field == "days"
    with pytest.raises(ValidationFailed) as err:
        extend_petition(case, r, world.mediator, version=case.version, days=30, reason=" ")
    assert err.value.field == "reason"
    with pytest.raises(NotPermitted):
        extend_petition(case, r, world.mediator2, version=case.version, days=30, reason="复杂")
    version = case.version
    extend_petition(case, r, world.mediator, version=version, days=30, reason="情况复杂需延期")
    db.session.flush()
    assert case.version > version
    assert r.petition_due_on == due + timedelta(days=30) and r.petition_extended_days == 30
    [event] = events_of(case, Action.EXTEND_PETITION)
    assert event.data["days"] == 30 and event.note == "情况复杂需延期"
    assert event.data["to"] == (due + timedelta(days=30)).isoformat()
    with pytest.raises(ValidationFailed) as err:
        extend_petition(case, r, world.clerk, version=case.version, days=5, reason="再延")
    assert "already been extended" in str(err.value.message)
    assert r.petition_due_on == due + timedelta(days=30)


def test_every_petition_case_gets_a_follow_up_visit(world, db):
    case = world.referral_case(ReferralKind.PETITION, CaseState.TERMINATED)
    assert case.agreement is None
    open_visits = [v for v in case.follow_ups if v.done_at is None]
    assert len(open_visits) == 1
    assert "A follow-up visit is still to be made." in [str(g) for g in archive_gaps(case)]


# ---- police --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("complex_case", "delta"),
    [
        (False, timedelta(hours=24)),
        (True, timedelta(days=5)),
    ],
)
def test_police_feedback_24_hours_or_5_days(world, db, complex_case, delta):
    received = datetime(2026, 3, 1, 22, 15, tzinfo=UTC)
    data = ReferralData(
        kind=ReferralKind.POLICE,
        body_name="埠河派出所",
        external_no="J2026030100017",
        received_at=received,
        police_category=PoliceCategory.MINOR,
        complex_case=complex_case,
    )
    case, _ = register_referral(
        world.case_data(), data, world.clerk, now=received + timedelta(hours=1)
    )
    r = case.referrals[0]
    assert case.source == Source.POLICE
    assert r.feedback_due_at == received + delta


def test_police_progress_report_while_mediating_then_final(world, db):
    case = world.referral_case(ReferralKind.POLICE, CaseState.MEDIATING)
    r = case.referrals[0]
    version = case.version
    record_feedback(
        case,
        r,
        world.mediator,
        version=version,
        result=None,
        sent_on=None,
        recipient="李警官",
        note="已联系双方，正在调解",
    )
    db.session.flush()
    assert case.state == CaseState.MEDIATING and case.version > version
    assert r.feedback_at is not None and r.feedback_result is None
    [event] = events_of(case, Action.REPORT_REFERRAL_PROGRESS)
    assert event.data["progress"] is True and event.note == "已联系双方，正在调解"
    assert events_of(case, Action.RECORD_REFERRAL_FEEDBACK) == []


# ---- the return leg --------------------------------------------------------------------------


def test_court_feedback_refused_before_the_outcome(world, db):
    case = world.referral_case(ReferralKind.COURT, CaseState.MEDIATING)
    with pytest.raises(ValidationFailed):
        record_feedback(
            case,
            case.referrals[0],
            world.mediator,
            version=None,
            result=None,
            sent_on=None,
            recipient=None,
            note=None,
        )
    assert case.referrals[0].feedback_at is None


def test_feedback_is_evented_and_defaults_from_the_state(world, db):
    case = world.referral_case(ReferralKind.COURT, CaseState.FAILED)
    r = case.referrals[0]
    version = case.version
    record_feedback(
        case,
        r,
        world.clerk,
        version=version,
        result=None,
        sent_on=local_today(),
        recipient="王法官",
        note="材料已退回法院",
    )
    db.session.flush()
    assert case.state == CaseState.FAILED and case.version > version
    assert r.feedback_result == ReferralResult.FAILURE
    assert r.feedback_by_id == world.clerk.id and r.feedback_recipient == "王法官"
    [event] = events_of(case, Action.RECORD_REFERRAL_FEEDBACK)
    assert event.actor_id == world.clerk.id
    assert event.data["result"] == "failure" and event.data["recipient"] == "王法官"


@pytest.mark.parametrize("who", ["mediator2", "admin", "leader"])
def test_wrong_role_may_not_report_back(world, db, who):
    case = world.referral_case(ReferralKind.COURT, CaseState.TERMINATED)
    with pytest.raises(NotPermitted):
        record_feedback(
            case,
            case.referrals[0],
            getattr(world, who),
            version=None,
            result=None,
            sent_on=None,
            recipient=None,
            note=None,
        )
    assert events_of(case, Action.RECORD_REFERRAL_FEEDBACK) == []


def test_stale_version_refused(world, db):
    from domain.errors import StaleCase

    case = world.referral_case(ReferralKind.POLICE, CaseState.TERMINATED)
    with pytest.raises(StaleCase):
        record_feedback(
            case,
            case.referrals[0],
            world.clerk,
            version=case.version - 1,
            result=None,
            sent_on=None,
            recipient=None,
            note=None,
        )


@pytest.mark.parametrize("kind", [ReferralKind.COURT, ReferralKind.PETITION, ReferralKind.POLICE])
def test_return_leg_is_mandatory_before_archiving(world, db, kind):
    case = world.referral_case(kind, CaseState.TERMINATED)
    for visit in case.follow_ups:
        record_follow_up(
            case,
            visit,
            world.mediator,
            version=None,
            visited_on=local_today(),
            performance=Performance.PERFORMED,
            satisfaction=Satisfaction.SATISFIED,
        )
    complete_file(case, world.mediator)
    r = case.referrals[0]
    gaps = [str(g) for g in archive_gaps(case)]
    assert gaps == [f"The result has not been reported back to {r.body_name}."]
    with pytest.raises(ValidationFailed) as err:
        archive_case(case, world.mediator, version=None)
    assert r.body_name in str(err.value.message)
    assert case.state == CaseState.TERMINATED
    record_feedback(
        case,
        r,
        world.mediator,
        version=None,
        result=None,
        sent_on=None,
        recipient="经办人",
        note=None,
    )
    assert r.feedback_result == ReferralResult.TERMINATED
    assert archive_gaps(case) == []
    archive_case(case, world.mediator, version=None)
    assert case.state == CaseState.ARCHIVED


def test_police_progress_report_does_not_satisfy_archiving(world, db):
    case = world.referral_case(ReferralKind.POLICE, CaseState.MEDIATING)
    r = case.referrals[0]
    record_feedback(
        case,
        r,
        world.mediator,
        version=None,
        result=None,
        sent_on=None,
        recipient=None,
        note="正在调解",
    )
    from domain.closing import terminate
    from models.enums import ClosureReason

    terminate(case, world.mediator, version=None, reason=ClosureReason.PARTY_WITHDREW, note="撤回")
    assert any("reported back" in str(g) for g in archive_gaps(case))


def test_archived_referral_case_via_factory(world, db):
    case = world.referral_case(ReferralKind.COURT, CaseState.ARCHIVED)
    assert case.state == CaseState.ARCHIVED
    assert case.referrals[0].feedback_result == ReferralResult.AGREEMENT


def test_the_final_report_is_not_overwritten(world, db):
    case = world.referral_case(ReferralKind.COURT, CaseState.FAILED)
    r = case.referrals[0]
    record_feedback(
        case, r, world.clerk, version=None, result=None, sent_on=None, recipient="法官甲", note=None
    )
    with pytest.raises(ValidationFailed):
        record_feedback(
            case,
            r,
            world.clerk,
            version=None,
            result=ReferralResult.AGREEMENT,
            sent_on=None,
            recipient="法官乙",
            note=None,
        )
    assert (r.feedback_result, r.feedback_recipient) == (ReferralResult.FAILURE, "法官甲")
    assert len(events_of(case, Action.RECORD_REFERRAL_FEEDBACK)) == 1


def test_the_reported_result_must_match_the_outcome(world, db):
    case = world.referral_case(ReferralKind.COURT, CaseState.TERMINATED)
    r = case.referrals[0]
    with pytest.raises(ValidationFailed) as refused:
        record_feedback(
            case,
            r,
            world.clerk,
            version=None,
            result=ReferralResult.AGREEMENT,
            sent_on=None,
            recipient=None,
            note=None,
        )
    assert refused.value.field == "result"
    assert r.feedback_at is None
    record_feedback(
        case,
        r,
        world.clerk,
        version=None,
        result=ReferralResult.TERMINATED,
        sent_on=None,
        recipient=None,
        note=None,
    )
    assert r.feedback_result == ReferralResult.TERMINATED


def test_a_court_case_failing_twice_goes_back_to_the_court(world, db):
    """No joint mediation for a court's case (SPC-TY Art. 21): the second failure ends it and
    the report back to the court is owed."""
    from domain.closing import archive_gaps, record_failure

    case = world.referral_case(ReferralKind.COURT, CaseState.MEDIATING)
    record_failure(case, world.mediator, version=None, reason="分歧较大")
    assert case.state == CaseState.MEDIATING
    record_failure(case, world.mediator, version=None, reason="仍无法达成协议")
    assert case.state == CaseState.FAILED and case.joint_org is None
    assert events_of(case, Action.FAIL_BACK_TO_COURT) and not events_of(case, Action.ESCALATE_JOINT)
    assert default_result(case) == ReferralResult.FAILURE
    assert any("reported back" in str(g) for g in archive_gaps(case))


def test_a_delegated_case_has_no_court_procedure(world, db):
    """委派 is before filing: a procedure (ordinary / summary) belongs to entrusted cases only,
    and is refused rather than silently dropped."""
    with pytest.raises(ValidationFailed) as refused:
        world.referral_case(
            ReferralKind.COURT,
            court_mode=CourtMode.DELEGATED,
            court_procedure=CourtProcedure.SUMMARY,
        )
    assert refused.value.field == "court_procedure"


def test_an_agreement_is_reported_once_it_has_taken_effect(world, db):
    """A written agreement takes effect when everyone has signed (PML Art. 29): reporting
    "agreement reached" to the referring body before that is refused."""
    from domain import agreements

    case = world.referral_case(ReferralKind.PETITION, CaseState.AGREED)
    assert case.agreement.kind == AgreementKind.WRITTEN and case.agreement.effective_on is None
    r = case.referrals[0]
    with pytest.raises(ValidationFailed):
        record_feedback(
            case,
            r,
            world.clerk,
            version=None,
            result=None,
            sent_on=None,
            recipient="信访局王科长",
            note=None,
        )
    assert r.feedback_at is None
    for row in agreements.signers(case):
        agreements.sign_agreement(
            case,
            world.mediator,
            version=None,
            signer=row.kind,
            party=row.party,
            signed_on=local_today(),
        )
    record_feedback(
        case,
        r,
        world.clerk,
        version=None,
        result=None,
        sent_on=None,
        recipient="信访局王科长",
        note=None,
    )
    assert r.feedback_result == ReferralResult.AGREEMENT
