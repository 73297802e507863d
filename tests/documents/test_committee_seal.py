"""The seal is the committee's (PML Arts. 7, 29): a case mediated at a dispute-resolution
centre is mediated under a people's mediation committee, and its agreement, its cover and its
file number name that committee, never the centre. A centre with no committee recorded has
its documents leave the committee blank and its cases wait for it before archiving."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from domain import documents
from domain.calendar import local_today
from domain.closing import archive_gaps
from domain.consent import acknowledge_notice, record_consent
from domain.dispatch import assign_mediator, dispatch_to_organisation
from domain.document_data import BLANK_COMMITTEE
from domain.errors import ValidationFailed
from domain.mediation import AgreementData, record_agreement, record_session
from domain.recusal import declare_no_conflict
from models import FileSequence
from models.enums import (
    AgreementKind,
    ConsentStatus,
    ContactMethod,
    DocumentKind,
    NoticeAck,
    OrgKind,
    Role,
    SessionMode,
)
from models.states import CaseState
from tests.factories import earlier_today, org, user

CENTRE = "埠河镇矛盾纠纷调处中心"
COMMITTEE = "埠河镇人民调解委员会"


def text_of(content: bytes) -> str:
    return re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    )


@pytest.fixture
def at_centre(world, db):
    """A case mediated at the township centre, to an agreement."""

    def make(*, committee: bool = True):
        if committee:
            world.township_centre.committee = org(
                COMMITTEE, OrgKind.TOWNSHIP_COMMITTEE, world.township
            )
        mediator = user("tmed", Role.MEDIATOR, world.township_centre, "镇中心调解员")
        case = world.case(CaseState.ACCEPTED)
        dispatch_to_organisation(
            case, world.township_centre, world.clerk, version=None, reason="疑难纠纷"
        )
        assign_mediator(case, mediator, world.clerk, version=None)
        db.session.flush()
        declare_no_conflict(case, mediator, version=None)
        for party in case.parties:
            record_consent(
                case,
                party,
                mediator,
                version=None,
                status=ConsentStatus.AGREED,
                method=ContactMethod.PHONE,
            )
            acknowledge_notice(case, party, mediator, version=None, how=NoticeAck.WRITTEN)
        record_session(
            case,
            mediator,
            version=None,
            held_at=earlier_today(timedelta(hours=2)),
            place="镇调处中心调解室",
            mode=SessionMode.IN_PERSON,
            notes="双方陈述事实",
        )
        record_agreement(
            case,
            mediator,
            version=None,
            data=AgreementData(
                kind=AgreementKind.WRITTEN,
                facts="排水沟堵塞致申请人菜地受淹，双方就疏通和赔偿发生争议。",
                issues="排水沟由谁疏通，菜地损失是否赔偿。",
                responsibilities="被申请人负主要责任。",
                terms=["被申请人于十日内疏通排水沟", "被申请人赔偿申请人损失500元"],
                agreed_on=local_today(),
                performance_manner="现金支付",
                performance_deadline=local_today() + timedelta(days=10),
            ),
        )
        db.session.flush()
        return case, mediator

    return make


def test_agreement_cover_and_file_number_name_the_committee(world, db, at_centre):
    case, mediator = at_centre()
    agreement = documents.generate(case, DocumentKind.AGREEMENT, mediator)
    text = text_of(agreement.content)
    assert f"{COMMITTEE}（印章）" in text
    assert CENTRE not in text
    cover = documents.html_to_pdf(documents.render_html(case, DocumentKind.COVER)).write_pdf()
    cover_text = text_of(cover)
    assert COMMITTEE in cover_text and CENTRE not in cover_text
    # The file number is the committee's, in the committee's own sequence: a case the
    # committee handles itself takes the next number.
    committee = world.township_centre.committee
    assert documents.next_file_number(case, 2026) == "（2026）埠河镇人调字第1号"
    own = world.case(CaseState.ACCEPTED)
    dispatch_to_organisation(own, committee, world.clerk, version=None, reason="镇调委会受理")
    assert documents.next_file_number(own, 2026) == "（2026）埠河镇人调字第2号"
    sequences = db.session.query(FileSequence).all()
    assert [(s.organisation_id, s.last) for s in sequences] == [(committee.id, 2)]
    assert documents.committee_gap(case) is None


def test_a_centre_without_a_committee_names_none(world, db, at_centre):
    case, mediator = at_centre(committee=False)
    text = text_of(documents.generate(case, DocumentKind.AGREEMENT, mediator).content)
    assert CENTRE not in text
    assert re.sub(r"\s+", "", BLANK_COMMITTEE) + "（印章）" in text
    gaps = " ".join(str(g) for g in archive_gaps(case))
    assert f"committee under which {CENTRE} mediates is not recorded" in gaps
    with pytest.raises(ValidationFailed):
        documents.next_file_number(case, 2026)


def test_a_committee_is_its_own_and_a_partner_body_is_none(world, db):
    assert world.village_committee.mediating_committee is world.village_committee
    assert world.township_centre.mediating_committee is None
    world.township_centre.committee = world.court  # not a committee: ignored
    assert world.township_centre.mediating_committee is None
    world.township_centre.committee = world.village_committee
    assert world.township_centre.mediating_committee is world.village_committee
