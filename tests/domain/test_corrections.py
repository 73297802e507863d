"""Correcting a case (domain/corrections.py): every kind of correction with its reason and its
before/after event, normalised identifiers, who may correct and until when, and what a
withdrawn party no longer counts for (consent, signatures) while staying in the file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain import corrections
from domain.agreements import sign_agreement, signers
from domain.consent import check_all_consented, check_ready_for_session, record_consent
from domain.corrections import DisputeCorrection, PartyCorrection
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from domain.intake import PartyData
from domain.mediation import record_session
from domain.next_step import next_step
from domain.people import find_earlier_cases
from models.enums import (
    ConsentStatus,
    ContactMethod,
    DisputeType,
    NoticeAck,
    PartyKind,
    PartyRole,
    SessionMode,
    Sex,
    SignerKind,
)
from models.states import CaseState
from tests.factories import events_of, valid_id

REASON = "登记时录入错误，当事人到场核对"


def same(party, **changes) -> PartyCorrection:
    """The party's details as stored, with `changes`."""
    values = {
        "name": party.name,
        "kind": party.kind,
        "sex": party.sex,
        "age": party.age,
        "ethnicity": party.ethnicity,
        "occupation": party.occupation,
        "legal_rep": party.legal_rep,
        "legal_rep_post": party.legal_rep_post,
    }
    return PartyCorrection(**(values | changes))


def dispute(case, **changes) -> DisputeCorrection:
    values = {
        "summary": case.summary,
        "dispute_type": case.dispute_type,
        "region": case.region,
        "requests": list(case.requests),
        "amount": case.amount,
    }
    return DisputeCorrection(**(values | changes))


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


# ---- a party's details ----------------------------------------------------------------------


def test_correcting_a_party_records_before_and_after_and_normalises(world, mediating):
    case, party = mediating, mediating.respondents[0]
    old_phone, old_name = party.phone, party.name
    new_id = valid_id("19800202", "456")
    event = corrections.correct_party(
        case,
        party,
        world.mediator,
        version=case.version,
        data=same(
            party,
            name="张  三丰",
            sex=Sex.FEMALE,
            id_number=" ".join([new_id[:6], new_id[6:14], new_id[14:]]),  # as on the card
            phone="１３９ ００００ １１１１",  # full-width, in groups
            address="公安县埠河镇天心眼村5组",
        ),
        reason=f"  {REASON}  ",
    )
    assert party.name == "张  三丰"
    assert party.id_number == party.id_number_norm == new_id
    assert party.phone == "139 0000 1111" and party.phone_norm == "+8613900001111"
    assert event.note == REASON and event.public is False
    assert event.action == "correct_party" and event.data["party_id"] == party.id
    changes = {c["field"]: (c["before"], c["after"]) for c in event.data["changes"]}
    assert changes == {
        "name": (old_name, "张  三丰"),
        "sex": (None, "female"),
        "id_number": (None, new_id),
        "phone": (old_phone, "139 0000 1111"),
        "address": (None, "公安县埠河镇天心眼村5组"),
    }
    # The repeat-visitor lookup (and search) read the normalised columns.
    found = find_earlier_cases(world.clerk, phone="13900001111")
    assert [c.id for c, _p, _why in found] == [case.id]
    assert [c.id for c, _p, _why in find_earlier_cases(world.clerk, id_number=new_id)] == [case.id]
    assert find_earlier_cases(world.clerk, phone=old_phone) == []


def test_none_keeps_a_stored_identifier_and_blank_removes_it(world, mediating):
    case, party = mediating, mediating.applicants[0]
    id_before, phone_before = party.id_number, party.phone
    corrections.correct_party(
        case,
        party,
        world.mediator,
        version=case.version,
        data=same(party, occupation="农民", id_number=None, phone="", address=None),
        reason=REASON,
    )
    assert party.id_number == id_before  # kept
    assert party.phone is None and party.phone_norm is None  # removed
    event = events_of(case, "correct_party")[-1]
    assert {c["field"] for c in event.data["changes"]} == {"occupation", "phone"}
    assert phone_before is not None


def test_the_same_number_typed_another_way_is_not_a_change(world, mediating):
    case, party = mediating, mediating.respondents[0]
    with pytest.raises(ValidationFailed, match="Nothing was changed"):
        corrections.correct_party(
            case,
            party,
            world.mediator,
            version=case.version,
            data=same(party, phone="139-8765-4321"),
            reason=REASON,
        )


def test_organisation_fields_are_corrected(world, mediating):
    case, party = mediating, mediating.respondents[0]
    corrections.correct_party(
        case,
        party,
        world.mediator,
        version=case.version,
        data=same(
            party,
            kind=PartyKind.ORGANISATION,
            name="公安县某物业公司",
            legal_rep="王某",
            legal_rep_post="经理",
        ),
        reason=REASON,
    )
    assert party.kind == PartyKind.ORGANISATION and party.legal_rep == "王某"
    fields = [c["field"] for c in events_of(case, "correct_party")[-1].data["changes"]]
    assert fields == ["name", "kind", "legal_rep", "legal_rep_post"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": "421022199001011230"}, "id_number"),  # wrong check digit
        ({"phone": "12345"}, "phone"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_values_are_refused_beside_their_field(world, mediating, changes, field):
    party = mediating.respondents[0]
    with pytest.raises(ValidationFailed) as refused:
        corrections.correct_party(
            mediating,
            party,
            world.mediator,
            version=mediating.version,
            data=same(party, **changes),
            reason=REASON,
        )
    assert refused.value.field == field


@pytest.mark.parametrize("reason", [None, "", "   ", "理" * (corrections.REASON_MAX + 1)])
def test_every_correction_needs_a_short_reason(world, mediating, reason):
    party = mediating.respondents[0]
    calls = [
        lambda: corrections.correct_party(
            mediating,
            party,
            world.mediator,
            version=None,
            data=same(party, name="新名字"),
            reason=reason,
        ),
        lambda: corrections.add_party(
            mediating,
            world.mediator,
            version=None,
            data=PartyData(role=PartyRole.THIRD_PARTY, name="第三人"),
            reason=reason,
        ),
        lambda: corrections.withdraw_party(
            mediating, party, world.mediator, version=None, reason=reason
        ),
        lambda: corrections.correct_dispute(
            mediating, world.mediator, version=None, data=dispute(mediating), reason=reason
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationFailed) as refused:
            call()
        assert refused.value.field == "reason"


def test_a_party_of_another_case_is_refused(world, mediating, db):
    other = world.case(CaseState.MEDIATING)
    db.session.flush()
    stranger = other.respondents[0]
    for call in (
        lambda: corrections.correct_party(
            mediating,
            stranger,
            world.mediator,
            version=None,
            data=same(stranger, name="改"),
            reason=REASON,
        ),
        lambda: corrections.withdraw_party(
            mediating, stranger, world.mediator, version=None, reason=REASON
        ),
        lambda: corrections.correct_party(
            mediating, None, world.mediator, version=None, data=same(stranger), reason=REASON
        ),
    ):
        with pytest.raises(ValidationFailed) as refused:
            call()
        assert refused.value.field == "party"


def test_a_stale_version_is_refused(world, mediating):
    party = mediating.respondents[0]
    with pytest.raises(StaleCase):
        corrections.correct_party(
            mediating,
            party,
            world.mediator,
            version=mediating.version - 1,
            data=same(party, name="改名"),
            reason=REASON,
        )


# ---- who and until when ---------------------------------------------------------------------


def test_who_holds_the_case_may_correct_it(world, db):
    registered = world.case(CaseState.REGISTERED)
    mediating = world.case(CaseState.MEDIATING)
    db.session.flush()
    may = corrections.may_correct
    # Before dispatch: the desk and leaders.
    assert may(world.clerk, registered) and may(world.leader, registered)
    assert not may(world.director, registered) and not may(world.admin, registered)
    # After: the committee's director and the case's mediators, and leaders.
    assert may(world.mediator, mediating) and may(world.director, mediating)
    assert may(world.leader, mediating)
    assert not may(world.clerk, mediating)
    assert not may(world.mediator_b, mediating)  # of the committee, not on the case
    assert not may(world.admin, mediating)
    with pytest.raises(NotPermitted):
        corrections.correct_dispute(
            mediating, world.clerk, version=None, data=dispute(mediating), reason=REASON
        )


@pytest.mark.parametrize("state", [CaseState.ARCHIVED, CaseState.MERGED])
def test_archived_or_merged_cases_are_not_corrected(world, db, state):
    case = world.case(state)
    db.session.flush()
    actor = world.leader
    party = case.parties[0]
    assert not corrections.may_correct(actor, case)
    with pytest.raises(InvalidTransition):
        corrections.correct_party(
            case, party, actor, version=None, data=same(party, name="改名"), reason=REASON
        )
    with pytest.raises(InvalidTransition):
        corrections.correct_dispute(
            case, actor, version=None, data=dispute(case, summary="改了"), reason=REASON
        )


@pytest.mark.parametrize(
    "state", [CaseState.NOT_ACCEPTED, CaseState.FAILED, CaseState.TERMINATED, CaseState.AGREED]
)
def test_ended_cases_are_corrected_until_archived(world, db, state):
    case = world.case(state)
    db.session.flush()
    party = case.parties[0]
    corrections.correct_party(
        case, party, world.leader, version=None, data=same(party, name="更正名"), reason=REASON
    )
    assert case.state == state and party.name == "更正名"


# ---- adding and withdrawing -----------------------------------------------------------------


def test_an_added_party_must_consent_before_the_next_session(world, mediating):
    added = corrections.add_party(
        mediating,
        world.mediator,
        version=mediating.version,
        data=PartyData(
            role=PartyRole.RESPONDENT,
            name="第二被申请人",
            phone="０７１６-１２３４５６７",
            id_number=valid_id("19700315", "456"),
        ),
        reason="遗漏的当事人",
    )
    assert added in mediating.parties and added.position == len(mediating.parties) - 1
    assert added.phone_norm == "+867161234567" and added.consent == ConsentStatus.PENDING
    event = events_of(mediating, "add_party")[-1]
    assert event.data["party_id"] == added.id
    changes = {c["field"]: (c["before"], c["after"]) for c in event.data["changes"]}
    assert changes["role"] == (None, "respondent") and changes["name"] == (None, "第二被申请人")
    with pytest.raises(ValidationFailed, match="第二被申请人"):
        check_all_consented(mediating)
    assert "agrees to mediation" in str(next_step(mediating))


def test_only_parties_to_the_dispute_are_added_here(world, mediating):
    with pytest.raises(ValidationFailed) as refused:
        corrections.add_party(
            mediating,
            world.mediator,
            version=None,
            data=PartyData(role=PartyRole.AGENT, name="代理人"),
            reason=REASON,
        )
    assert refused.value.field == "role"


def _second_respondent(world, case):
    party = corrections.add_party(
        case,
        world.mediator,
        version=None,
        data=PartyData(role=PartyRole.RESPONDENT, name="李四"),
        reason="遗漏",
    )
    return party


def test_a_withdrawn_party_stays_in_the_file_but_no_longer_counts(world, mediating):
    second = _second_respondent(world, mediating)
    with pytest.raises(ValidationFailed):
        check_all_consented(mediating)  # 李四 has not consented
    corrections.withdraw_party(
        mediating, second, world.mediator, version=mediating.version, reason="李四不是本纠纷当事人"
    )
    assert second.withdrawn and second in mediating.parties
    assert second not in mediating.respondents and second not in mediating.active_parties
    check_all_consented(mediating)  # no longer asked (PML Art. 17)
    check_ready_for_session(mediating, mediating.active_parties)
    record_session(
        mediating,
        world.mediator,
        version=None,
        held_at=mediating.accepted_at,
        place="村委会",
        mode=SessionMode.IN_PERSON,
        notes="双方陈述",
    )
    assert second.id not in mediating.sessions[-1].present_party_ids
    # Their answer no longer decides anything: a refusal cannot close the case.
    with pytest.raises(ValidationFailed) as refused:
        record_consent(
            mediating,
            second,
            world.mediator,
            version=None,
            status=ConsentStatus.REFUSED,
            method=ContactMethod.PHONE,
        )
    assert refused.value.field == "party" and mediating.state == CaseState.MEDIATING
    event = events_of(mediating, "withdraw_party")[-1]
    assert event.note == "李四不是本纠纷当事人" and event.data["party_id"] == second.id
    assert event.data["changes"] == [{"field": "status", "before": "active", "after": "withdrawn"}]
    assert not corrections.may_withdraw(mediating, second)
    with pytest.raises(ValidationFailed, match="already"):
        corrections.withdraw_party(mediating, second, world.mediator, version=None, reason="再次")


def test_a_withdrawn_party_is_no_signer_of_the_agreement(world, db):
    from domain.clocks import local_today
    from domain.mediation import record_agreement
    from tests.factories import agreement_data

    case = world.case(CaseState.MEDIATING)
    db.session.flush()
    second = _second_respondent(world, case)
    corrections.withdraw_party(case, second, world.mediator, version=None, reason="不是当事人")
    record_session(
        case,
        world.mediator,
        version=None,
        held_at=case.accepted_at,
        place="村委会",
        mode=SessionMode.IN_PERSON,
        notes="双方陈述",
    )
    record_agreement(
        case,
        world.mediator,
        version=None,
        data=agreement_data(),
    )
    rows = signers(case)
    assert second not in [r.party for r in rows]
    assert case.agreement.copies == len(case.active_parties) + 1 == 3
    with pytest.raises(ValidationFailed):
        sign_agreement(
            case,
            world.mediator,
            version=None,
            signer=SignerKind.PARTY,
            party=second,
            signed_on=local_today(),
        )
    for row in rows:
        sign_agreement(
            case,
            world.mediator,
            version=None,
            signer=row.kind,
            party=row.party,
            signed_on=local_today(),
        )
    assert case.agreement.effective_on == local_today()  # without the withdrawn party
    # Once the agreement names its parties, none is added or withdrawn.
    assert not corrections.may_add(case)
    with pytest.raises(ValidationFailed, match="agreement"):
        corrections.add_party(
            case,
            world.mediator,
            version=None,
            data=PartyData(role=PartyRole.THIRD_PARTY, name="王五"),
            reason=REASON,
        )


def test_the_last_applicant_or_respondent_cannot_be_withdrawn(world, mediating):
    applicant, respondent = mediating.applicants[0], mediating.respondents[0]
    for party in (applicant, respondent):
        assert not corrections.may_withdraw(mediating, party)
        with pytest.raises(ValidationFailed, match="last"):
            corrections.withdraw_party(
                mediating, party, world.mediator, version=None, reason=REASON
            )
    third = corrections.add_party(
        mediating,
        world.mediator,
        version=None,
        data=PartyData(role=PartyRole.THIRD_PARTY, name="第三人"),
        reason=REASON,
    )
    assert corrections.may_withdraw(mediating, third)  # a third party may go
    corrections.withdraw_party(mediating, third, world.mediator, version=None, reason=REASON)


def test_the_notice_and_next_step_ignore_a_withdrawn_party(world, mediating):
    second = _second_respondent(world, mediating)
    assert "agrees to mediation" in str(next_step(mediating))
    corrections.withdraw_party(mediating, second, world.mediator, version=None, reason=REASON)
    assert second.notice_ack == NoticeAck.NONE
    assert "first session" in str(next_step(mediating))


# ---- the dispute --------------------------------------------------------------------------


def test_correcting_the_dispute_records_each_change(world, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.flush()
    old_place = case.region.full_name()
    event = corrections.correct_dispute(
        case,
        world.clerk,
        version=case.version,
        data=dispute(
            case,
            summary="双方因宅基地边界发生争执",
            dispute_type=DisputeType.FWZJD,
            region=world.village2,
            requests=["  确认边界 ", "", "赔偿损失800元"],
            amount=Decimal("800"),
        ),
        reason="申请人补充说明了纠纷地点和请求",
    )
    assert case.region_code == world.village2.code and case.dispute_type == DisputeType.FWZJD
    assert case.requests == ["确认边界", "赔偿损失800元"] and case.amount == Decimal("800.00")
    changes = {c["field"]: c for c in event.data["changes"]}
    assert set(changes) == {"summary", "requests", "dispute_type", "region", "amount"}
    assert changes["amount"]["before"] is None and changes["amount"]["after"] == "800.00"
    assert changes["dispute_type"]["before"] == "LL"
    assert changes["region"]["before"].startswith(old_place)
    assert changes["region"]["codes"] == [world.village.code, world.village2.code]
    assert "party_id" not in event.data and event.public is False


def test_the_place_stays_in_the_county_and_in_the_users_area(world, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.flush()
    places = corrections.place_choices(case, world.clerk)
    assert world.village2 in places and world.county in places
    assert world.village3 not in places and world.county2 not in places
    for region in (world.village3, world.county2, world.city):
        with pytest.raises(ValidationFailed) as refused:
            corrections.correct_dispute(
                case, world.clerk, version=None, data=dispute(case, region=region), reason=REASON
            )
        assert refused.value.field == "region"
    assert corrections.place_target(case, world.clerk, 2**40) is None
    assert corrections.place_target(case, world.clerk, "1") is None


@pytest.mark.parametrize(
    "amount", [Decimal("-1"), Decimal("1e15"), Decimal("NaN"), Decimal("Infinity")]
)
def test_impossible_amounts_are_refused(world, mediating, amount):
    with pytest.raises(ValidationFailed) as refused:
        corrections.correct_dispute(
            mediating,
            world.mediator,
            version=None,
            data=dispute(mediating, amount=amount),
            reason=REASON,
        )
    assert refused.value.field == "amount"


def test_nothing_changed_is_refused(world, mediating):
    with pytest.raises(ValidationFailed, match="Nothing was changed"):
        corrections.correct_dispute(
            mediating, world.mediator, version=None, data=dispute(mediating), reason=REASON
        )
