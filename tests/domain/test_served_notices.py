"""Notices are served, not assumed (PML Art. 26): a case that ended without agreement is
archived only once its notice of termination was generated and its service on every party
recorded (how, when, by whom, a refusal to sign); a case that ended by going to another body
only with the record of that transfer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain import documents, serving
from domain.calendar import local_today
from domain.closing import archive_case, archive_gaps, terminate
from domain.corrections import withdraw_party
from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from domain.intake import PartyData
from domain.records import sign_record
from domain.states import Action
from domain.transfers import record_out_acknowledgement, send_transfer
from models import ServiceMethod
from models.enums import ClosureReason, DocumentKind, PartyRole
from models.states import CaseState
from tests.factories import complete_file, events_of

NOTICE = DocumentKind.TERMINATION


def serve(case, actor, party, doc=None, **kw):
    doc = doc or documents.versions(case, NOTICE)[-1]
    values = {
        "document_id": doc.id,
        "party_id": party.id,
        "method": ServiceMethod.IN_PERSON,
        "served_on": local_today(),
        "served_by": actor.name,
        **kw,
    }
    return serving.record_service(case, actor, serving.ServiceData(**values), version=None)


def gap_text(case) -> str:
    return " ".join(str(g) for g in archive_gaps(case))


@pytest.mark.parametrize("state", [CaseState.TERMINATED, CaseState.FAILED, CaseState.REFUSED])
def test_archive_waits_until_every_party_is_served(world, db, state):
    case = world.case(state)
    for record in case.sessions:
        sign_record(case, record, world.mediator, version=None)
    complete_file(case, world.mediator, serve=False)
    assert "notice of termination has not been generated" in gap_text(case)
    with pytest.raises(ValidationFailed):
        archive_case(case, world.mediator, version=None)
    documents.generate(case, NOTICE, world.mediator)
    db.session.flush()
    applicant, respondent = case.applicants[0], case.respondents[0]
    assert f"not recorded as served on: {applicant.name}、{respondent.name}" in gap_text(case)
    serve(case, world.mediator, applicant)
    assert f"not recorded as served on: {respondent.name}." in gap_text(case)
    with pytest.raises(ValidationFailed) as refused:
        archive_case(case, world.mediator, version=None)
    assert respondent.name in refused.value.message
    serve(case, world.mediator, respondent, method=ServiceMethod.POST, recipient="其子")
    assert archive_gaps(case) == []
    archive_case(case, world.mediator, version=None)
    assert case.state == CaseState.ARCHIVED


def test_service_is_on_the_timeline_and_freezes_the_version_served(world, db):
    case = world.case(CaseState.TERMINATED)
    doc = documents.generate(case, NOTICE, world.mediator)
    db.session.flush()
    assert doc.signed_at is None
    before = case.version
    party = case.respondents[0]
    service = serve(
        case,
        world.mediator,
        party,
        served_on=local_today() - timedelta(days=0),
        served_by="王建国",
        refused_to_sign=True,
        note="当场拒绝签收，留置送达，村干部见证",
    )
    db.session.flush()
    assert case.version == before + 1  # a change of the case: a concurrent one is refused
    assert doc.signed_at is not None  # the copy the party holds
    assert service.refused_to_sign and service.served_by == "王建国"
    (event,) = events_of(case, Action.SERVE_DOCUMENT)
    assert event.public is False
    assert event.data["party"] == party.name and event.data["version"] == doc.version
    assert event.data["method"] == "in_person" and event.data["refused_to_sign"] is True
    # Recorded again for the same party and version: the record is corrected, both on the
    # timeline.
    serve(case, world.mediator, party, method=ServiceMethod.SMS_PHONE, served_by="王建国")
    assert len([s for s in case.services if s.party_id == party.id]) == 1
    assert serving.service_of(case, party).method == ServiceMethod.SMS_PHONE
    events = events_of(case, Action.SERVE_DOCUMENT)
    assert len(events) == 2 and events[-1].data["replaces"]["method"] == "in_person"


def test_service_refused_when_it_does_not_hold(world, db):
    case = world.case(CaseState.TERMINATED)
    doc = documents.generate(case, NOTICE, world.mediator)
    other = world.case(CaseState.TERMINATED)
    other_doc = documents.generate(other, NOTICE, world.mediator)
    session_doc = documents.generate(case, DocumentKind.NOTICE, world.mediator)
    db.session.flush()
    party = case.applicants[0]

    def refused(field, actor=None, **kw):
        with pytest.raises(ValidationFailed) as err:
            serve(case, actor or world.mediator, party, doc=doc, **kw)
        assert err.value.field == field, err.value.message
        return err.value.message

    assert refused("document", document_id=other_doc.id)  # another case's notice
    assert refused("document", document_id=session_doc.id)  # not the notice
    assert refused("document", document_id=2**40)
    assert refused("party", party_id=other.applicants[0].id)
    assert refused("party", party_id=None)
    assert refused("method", method=None)
    assert refused("served_on", served_on=None)
    assert refused("served_on", served_on=local_today() + timedelta(days=1))
    assert refused("served_on", served_on=local_today() - timedelta(days=1))  # before made
    assert refused("served_on", served_on=date(1900, 1, 1))
    assert refused("served_by", served_by="   ")
    assert refused("served_by", served_by="王\x00建国")
    assert refused("served_by", served_by="王" * 65)
    assert refused("recipient", recipient="x" * 65)
    assert refused("note", note="x" * 2001)
    assert "in person" in refused("refused_to_sign", method=ServiceMethod.POST, refused_to_sign=1)
    with pytest.raises(NotPermitted):
        serve(case, world.leader, party, doc=doc)
    with pytest.raises(NotPermitted):
        serve(case, world.mediator2, party, doc=doc)
    with pytest.raises(StaleCase):
        serving.record_service(
            case,
            world.mediator,
            serving.ServiceData(doc.id, party.id, ServiceMethod.POST, local_today(), "王"),
            version=case.version - 1,
        )
    assert case.services == []


def test_a_party_withdrawn_is_not_owed_the_notice(world, db):
    parties = [
        PartyData(role=PartyRole.APPLICANT, name="王建华", phone="13812345678"),
        PartyData(role=PartyRole.RESPONDENT, name="李国强", phone="13987654321"),
        PartyData(role=PartyRole.RESPONDENT, name="李国富", phone="13987654322"),
    ]
    case = world.case(CaseState.TERMINATED, parties=parties)
    gone = case.respondents[1]
    withdraw_party(case, gone, world.mediator, version=None, reason="已撤回")
    documents.generate(case, NOTICE, world.mediator)
    db.session.flush()
    assert gone not in serving.to_serve(case)
    with pytest.raises(ValidationFailed):
        serve(case, world.mediator, gone)
    for party in serving.to_serve(case):
        serve(case, world.mediator, party)
    assert not serving.notice_gaps(case)


def test_no_notice_on_an_agreement_and_nothing_after_archiving(world, db):
    agreed = world.case(CaseState.AGREED)
    assert not serving.owes_notice(agreed)
    assert serving.notice_gaps(agreed) == []
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator)
    archive_case(case, world.mediator, version=None)
    with pytest.raises(InvalidTransition):
        serve(case, world.mediator, case.applicants[0])


def test_the_notice_is_generated_before_it_is_served(world, db):
    case = world.case(CaseState.TERMINATED)
    assert documents.versions(case, NOTICE) == []
    data = serving.ServiceData(
        None, case.applicants[0].id, ServiceMethod.IN_PERSON, local_today(), "王建国"
    )
    with pytest.raises(ValidationFailed) as err:
        serving.record_service(case, world.mediator, data, version=None)
    assert err.value.field == "document"


# ---- transferred out ----------------------------------------------------------------------------


def test_ending_as_transferred_out_needs_the_transfer(world, db):
    """Ending mediation "because it went to another body" is the transfer out, which leaves
    the record of who signed for it; it is not a reason a mediator picks."""
    case = world.case(CaseState.MEDIATING)
    with pytest.raises(ValidationFailed):
        terminate(
            case,
            world.mediator,
            version=None,
            reason=ClosureReason.TRANSFERRED_OUT,
            note="已告知当事人向主管部门申请处理",
        )
    assert case.state == CaseState.MEDIATING


def test_a_case_transferred_out_is_archived_with_its_transfer_record(world, db):
    case = world.case(CaseState.MEDIATING)
    transfer = send_transfer(
        case, world.mediator, version=None, to_name="公安县人力资源和社会保障局", reason="劳动争议"
    )
    db.session.flush()
    record_out_acknowledgement(
        case,
        transfer.id,
        world.mediator,
        version=None,
        receiver_name="李科长",
        received_on=local_today(),
    )
    assert case.closure_reason == ClosureReason.TRANSFERRED_OUT
    assert serving.transfer_record(case) is transfer
    assert not serving.owes_notice(case)  # the transfer stands for the notice
    assert serving.notice_gaps(case) == []
    # A file that says "transferred out" without the transfer (data from before this rule)
    # is not archived.
    transfer.receiver_name = None
    assert "no record of that transfer" in " ".join(map(str, serving.notice_gaps(case)))
