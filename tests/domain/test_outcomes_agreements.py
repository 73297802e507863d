"""After agreement: signatures and effect (PML Art. 29), performance per term, going back on
the agreement (court advice, re-mediation), follow-up scheduling, judicial confirmation."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import aftercare, agreements
from domain.clocks import local_today
from domain.errors import NotPermitted, StaleCase, ValidationFailed
from domain.mediation import AgreementData, record_agreement
from models import Agreement, AgreementSignature, Event
from models.enums import AgreementKind, Performance, Ruling, SignerKind, Source
from models.states import CaseState
from tests.factories import agreement_data, hold_session


def _events(case, action):
    return [e for e in case.events if e.action == action]


def _sign_all(case, who, day=None, skip=None):
    for row in agreements.signers(case):
        if row.key == skip:
            continue
        agreements.sign_agreement(
            case,
            who,
            version=None,
            signer=row.kind,
            party=row.party,
            signed_on=day or local_today(),
        )


@pytest.fixture
def agreed(world, db):
    return world.case(CaseState.AGREED)


def _effective(world, db, case=None):
    case = case or world.case(CaseState.AGREED)
    _sign_all(case, world.mediator)
    db.session.flush()
    return case


# ---- signatures -----------------------------------------------------------------------------


def test_signers_are_parties_mediator_and_seal(agreed):
    rows = agreements.signers(agreed)
    assert [r.kind for r in rows] == [
        SignerKind.PARTY,
        SignerKind.PARTY,
        SignerKind.MEDIATOR,
        SignerKind.SEAL,
    ]
    assert agreed.agreement.copies == 3


def test_effect_on_latest_signature(world, db, agreed):
    today = local_today()
    rows = agreements.signers(agreed)
    agreements.sign_agreement(
        agreed,
        world.mediator,
        version=agreed.version,
        signer=SignerKind.PARTY,
        party=rows[0].party,
        signed_on=today,
    )
    assert agreed.agreement.effective_on is None
    first = _events(agreed, "sign_agreement")[0]
    assert first.public is False and first.actor == world.mediator
    _sign_all(agreed, world.mediator, skip=rows[0].key)
    assert agreed.agreement.effective_on == today
    last = _events(agreed, "sign_agreement")[-1]
    assert last.public is True
    assert last.data["effective_on"] == today.isoformat()
    assert "public_text" not in last.data  # the reader's language is chosen when shown
    assert agreed.state == CaseState.AGREED


def test_signatures_unique_and_frozen_after_effect(world, db, agreed):
    party = agreed.parties[0]
    agreements.sign_agreement(
        agreed,
        world.mediator,
        version=None,
        signer=SignerKind.PARTY,
        party=party,
        signed_on=local_today(),
    )
    with pytest.raises(ValidationFailed) as err:
        agreements.sign_agreement(
            agreed,
            world.mediator,
            version=None,
            signer=SignerKind.PARTY,
            party=party,
            signed_on=local_today(),
        )
    assert err.value.field == "signer"
    _sign_all(agreed, world.mediator, skip=f"party:{party.id}")
    with pytest.raises(ValidationFailed):
        agreements.sign_agreement(
            agreed, world.mediator, version=None, signer=SignerKind.SEAL, signed_on=local_today()
        )


def test_signature_dates_and_signers_checked(world, db, agreed):
    sign = agreements.sign_agreement
    with pytest.raises(ValidationFailed) as err:
        sign(
            agreed,
            world.mediator,
            version=None,
            signer=SignerKind.SEAL,
            signed_on=local_today() + timedelta(days=1),
        )
    assert err.value.field == "signed_on"
    with pytest.raises(ValidationFailed) as err:
        sign(
            agreed,
            world.mediator,
            version=None,
            signer=SignerKind.SEAL,
            signed_on=agreed.agreement.agreed_on - timedelta(days=1),
        )
    assert err.value.field == "signed_on"
    other = world.case(CaseState.AGREED)
    with pytest.raises(ValidationFailed) as err:  # a party of another case
        sign(
            agreed,
            world.mediator,
            version=None,
            signer=SignerKind.PARTY,
            party=other.parties[0],
            signed_on=local_today(),
        )
    assert err.value.field == "signer"
    with pytest.raises(StaleCase):
        sign(
            agreed,
            world.mediator,
            version=agreed.version - 1,
            signer=SignerKind.SEAL,
            signed_on=local_today(),
        )
    with pytest.raises(NotPermitted):
        sign(agreed, world.mediator2, version=None, signer=SignerKind.SEAL, signed_on=local_today())
    with pytest.raises(NotPermitted):
        sign(agreed, world.clerk, version=None, signer=SignerKind.SEAL, signed_on=local_today())


def test_oral_agreement_is_effective_and_not_signed(world, db):
    case = world.case(CaseState.AGREED, oral=True)
    assert case.agreement.effective_on == case.agreement.agreed_on
    with pytest.raises(ValidationFailed):
        agreements.sign_agreement(
            case, world.mediator, version=None, signer=SignerKind.SEAL, signed_on=local_today()
        )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.permutations(range(4)),
    upto=st.integers(min_value=0, max_value=4),
    offsets=st.lists(st.integers(min_value=0, max_value=5), min_size=4, max_size=4),
)
def test_never_effective_without_every_signature(world, db, order, upto, offsets):
    """Invariant: effective_on is set exactly when every signer is recorded, and equals the
    latest signing date."""
    agreed_on = local_today() - timedelta(days=5)
    case = world.case(CaseState.MEDIATING, accepted_days_ago=10)
    hold_session(case, world.mediator)
    record_agreement(
        case,
        world.mediator,
        version=None,
        data=agreement_data(terms=["x"], agreed_on=agreed_on, performance_deadline=agreed_on),
    )
    rows = agreements.signers(case)
    for i in order[:upto]:
        agreements.sign_agreement(
            case,
            world.mediator,
            version=None,
            signer=rows[i].kind,
            party=rows[i].party,
            signed_on=agreed_on + timedelta(days=offsets[i]),
        )
    if upto < 4:
        assert case.agreement.effective_on is None
    else:
        assert case.agreement.effective_on == agreed_on + timedelta(days=max(offsets))


# ---- performance ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "overall"),
    [
        ([], Performance.PENDING),
        (["pending", "pending"], Performance.PENDING),
        (["performed", "performed"], Performance.PERFORMED),
        (["performed", "pending"], Performance.PARTLY),
        (["partly", "not_performed"], Performance.PARTLY),
        (["not_performed", "pending"], Performance.NOT_PERFORMED),
        (["performed", "disputed"], Performance.DISPUTED),
    ],
)
def test_overall_performance(statuses, overall):
    assert agreements.overall_performance(statuses) == overall


def test_record_performance(world, db):
    case = _effective(world, db)
    agreements.record_performance(
        case,
        world.mediator,
        version=case.version,
        term=1,
        status=Performance.PERFORMED,
        note="已疏通",
    )
    assert case.agreement.performance == ["performed"]
    assert case.agreement.performance_status == Performance.PERFORMED
    [event] = _events(case, "record_performance")
    assert event.public is False and event.data == {
        "term": 1,
        "status": "performed",
        "overall": "performed",
    }
    assert case.state == CaseState.AGREED


def test_performance_rules(world, db, agreed):
    with pytest.raises(ValidationFailed):
        agreements.record_performance(
            agreed, world.mediator, version=None, term=1, status=Performance.PERFORMED
        )
    _sign_all(agreed, world.mediator)
    with pytest.raises(ValidationFailed) as err:
        agreements.record_performance(
            agreed, world.mediator, version=None, term=2, status=Performance.PERFORMED
        )
    assert err.value.field == "term"
    with pytest.raises(ValidationFailed) as err:
        agreements.record_performance(
            agreed, world.mediator, version=None, term=1, status=Performance.DISPUTED, note=" "
        )
    assert err.value.field == "note"


# ---- going back on it -----------------------------------------------------------------------


def _disputed(world, db):
    case = _effective(world, db)
    agreements.record_performance(
        case, world.mediator, version=None, term=1, status=Performance.DISPUTED, note="被申请人反悔"
    )
    return case


def test_advise_court_keeps_agreed(world, db):
    case = _disputed(world, db)
    agreements.advise_court(case, world.mediator, version=case.version, note="告知可向法院起诉")
    assert case.state == CaseState.AGREED
    event = _events(case, "record_performance")[-1]
    assert event.public is True and event.data["advice"] == "court"


def test_going_back_needs_a_dispute(world, db):
    case = _effective(world, db)
    with pytest.raises(ValidationFailed):
        agreements.advise_court(case, world.mediator, version=None, note="x")
    with pytest.raises(ValidationFailed):
        agreements.reopen(case, world.mediator, version=None, note="x", both_parties_consent=True)


def test_reopen_moves_agreement_into_event(world, db):
    case = _disputed(world, db)
    agreement_id = case.agreement.id
    with pytest.raises(ValidationFailed) as err:
        agreements.reopen(case, world.mediator, version=None, note="x", both_parties_consent=False)
    assert err.value.field == "both_parties_consent"
    agreements.reopen(
        case,
        world.mediator,
        version=case.version,
        note="协议显失公平，双方同意重新调解",
        both_parties_consent=True,
    )
    db.session.flush()
    assert case.state == CaseState.MEDIATING
    assert case.closure_reason is None and case.closed_at is None
    assert db.session.get(Agreement, agreement_id) is None
    assert db.session.query(AgreementSignature).filter_by(agreement_id=agreement_id).count() == 0
    assert not [v for v in case.follow_ups if v.done_at is None]
    [event] = _events(case, "reopen")
    assert event.public is True
    snap = event.data["agreement"]
    assert snap["terms"] == ["被申请人于十日内疏通排水沟"]
    assert snap["performance"] == ["disputed"]
    assert len(snap["signatures"]) == 4
    # A new agreement can follow (the unique agreement.case_id is free).
    record_agreement(
        case,
        world.mediator,
        version=None,
        data=agreement_data(AgreementKind.ORAL, terms=["重新约定"]),
    )
    db.session.flush()
    assert case.state == CaseState.AGREED
    assert db.session.query(Event).filter_by(case_id=case.id, action="reopen").count() == 1


def test_no_reopen_while_court_has_it(world, db):
    case = _effective(world, db)
    aftercare.apply_confirmation(
        case,
        world.mediator,
        version=None,
        court="公安县人民法院",
        applied_on=local_today(),
        all_parties_join=True,
    )
    agreements.record_performance(  # a party goes back on it while the court has it
        case, world.mediator, version=None, term=1, status=Performance.DISPUTED, note="反悔"
    )
    with pytest.raises(ValidationFailed):
        agreements.reopen(case, world.mediator, version=None, note="x", both_parties_consent=True)


# ---- follow-ups -----------------------------------------------------------------------------


def test_schedule_closing_follow_ups(world, db):
    petition = world.case(CaseState.TERMINATED)
    petition.source = Source.PETITION
    visit = aftercare.schedule_closing_follow_ups(petition, local_today())
    assert visit is not None and visit.reason == "petition"
    assert visit.due_on == local_today() + timedelta(days=30)
    assert aftercare.schedule_closing_follow_ups(petition) is None  # one open visit is enough
    plain = world.case(CaseState.TERMINATED)
    assert aftercare.schedule_closing_follow_ups(plain) is None
    agreed = world.case(CaseState.AGREED)  # record_agreement already scheduled one
    assert aftercare.schedule_closing_follow_ups(agreed) is None
    assert len(agreed.follow_ups) == 1


def test_open_visits_scoped(world, db):
    mine = world.case(CaseState.AGREED)
    theirs = world.case(CaseState.AGREED, village=world.village3)
    db.session.flush()
    ids = {v.case_id for v in db.session.scalars(aftercare.open_visits(world.mediator))}
    assert mine.id in ids and theirs.id not in ids
    ids2 = {v.case_id for v in db.session.scalars(aftercare.open_visits(world.mediator2))}
    assert mine.id not in ids2 and theirs.id in ids2
    director = {v.case_id for v in db.session.scalars(aftercare.open_visits(world.director))}
    assert mine.id in director and theirs.id not in director


def test_record_follow_up_by_committee_mediator(world, db):
    case = world.case(CaseState.AGREED)
    visit = case.follow_ups[0]
    aftercare.record_follow_up(
        case,
        visit,
        world.mediator_b,
        version=case.version,
        visited_on=local_today(),
        performance=Performance.PERFORMED,
        satisfaction=aftercare.Satisfaction.SATISFIED,
        measures=" ",
    )
    assert visit.done_at is not None and visit.measures is None
    with pytest.raises(ValidationFailed):  # already made
        aftercare.record_follow_up(
            case,
            visit,
            world.mediator,
            version=None,
            visited_on=local_today(),
            performance=Performance.PERFORMED,
            satisfaction=aftercare.Satisfaction.SATISFIED,
        )


# ---- judicial confirmation ------------------------------------------------------------------


def test_confirmation_window_and_rules(world, db, agreed):
    apply = aftercare.apply_confirmation
    kw = {"court": "公安县人民法院", "applied_on": local_today(), "all_parties_join": True}
    with pytest.raises(ValidationFailed):
        apply(agreed, world.mediator, version=None, **kw)
    old = local_today() - timedelta(days=40)
    _sign_all(agreed, world.mediator, day=local_today())
    agreed.agreement.agreed_on = old
    agreed.agreement.effective_on = old  # took effect 40 days ago
    with pytest.raises(ValidationFailed) as err:
        apply(agreed, world.mediator, version=None, **kw)
    assert err.value.field == "applied_on"
    # Applied on day 30 (recorded later): still in time.
    apply(agreed, world.mediator, version=None, **{**kw, "applied_on": old + timedelta(days=30)})
    assert aftercare.confirmation_deadline(old) == old + timedelta(days=30)


def test_confirmation_joint_and_excluded(world, db):
    case = _effective(world, db)
    kw = {"court": "公安县人民法院", "applied_on": local_today()}
    with pytest.raises(ValidationFailed) as err:
        aftercare.apply_confirmation(
            case, world.mediator, version=None, all_parties_join=False, **kw
        )
    assert err.value.field == "all_parties_join"
    application = aftercare.apply_confirmation(
        case, world.mediator, version=None, all_parties_join=True, **kw
    )
    [event] = _events(case, "apply_confirmation")
    assert event.public is True and event.data["confirmed_not"] == []
    with pytest.raises(ValidationFailed):
        aftercare.apply_confirmation(
            case, world.mediator, version=None, all_parties_join=True, **kw
        )
    with pytest.raises(ValidationFailed) as err:
        aftercare.record_ruling(
            case,
            application,
            world.mediator,
            version=None,
            ruling=Ruling.CONFIRMED,
            ruling_number=" ",
            ruled_on=local_today(),
        )
    assert err.value.field == "ruling_number"
    aftercare.record_ruling(
        case,
        application,
        world.mediator,
        version=case.version,
        ruling=Ruling.CONFIRMED,
        ruling_number="(2025)鄂1022民特12号",
        ruled_on=local_today(),
    )
    assert application.ruling == Ruling.CONFIRMED
    [event] = _events(case, "record_ruling")
    assert event.public is True and event.data["ruling"] == "confirmed"
    with pytest.raises(ValidationFailed):
        aftercare.record_ruling(
            case,
            application,
            world.mediator,
            version=None,
            ruling=Ruling.REJECTED,
            ruling_number="x",
            ruled_on=local_today(),
        )


def test_no_agreement_without_every_party_consenting(world, db):
    """PML Art. 17: a respondent who never agreed to mediate cannot be bound by a mediation
    agreement; the refusal names who is missing."""
    case = world.case(CaseState.MEDIATING, consented=False)
    with pytest.raises(ValidationFailed) as refused:
        record_agreement(
            case,
            world.mediator,
            version=None,
            data=AgreementData(
                kind=AgreementKind.ORAL, terms=["赔偿500元"], agreed_on=local_today()
            ),
        )
    assert case.respondents[0].name in str(refused.value.message)
    assert case.state == CaseState.MEDIATING and case.agreement is None
