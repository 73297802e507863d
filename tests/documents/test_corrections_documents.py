"""Corrections and the case file: a signed document version never changes, and the next
generated version shows the corrected data (and leaves out a party marked withdrawn). Read
back from the stored PDFs with poppler."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import pytest

from domain import corrections, documents
from domain.corrections import PartyCorrection
from domain.errors import ValidationFailed
from domain.intake import PartyData
from models.enums import DocumentKind, PartyRole
from models.states import CaseState

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def text_of(tmp_path, doc) -> str:
    path = tmp_path / f"{doc.kind.value}-v{doc.version}.pdf"
    path.write_bytes(doc.content)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", out)


def test_a_new_version_shows_the_correction_and_the_signed_one_does_not(world, db, tmp_path):
    case = world.case(CaseState.MEDIATING)  # an online application: its 申请书 applies
    db.session.flush()
    actor = world.mediator
    respondent = case.respondents[0]
    extra = corrections.add_party(
        case,
        actor,
        version=None,
        data=PartyData(role=PartyRole.RESPONDENT, name="李四方", phone="13700001234"),
        reason="遗漏的被申请人",
    )
    signed = documents.generate(case, DocumentKind.APPLICATION, actor)
    documents.mark_signed(case, signed, actor)
    db.session.commit()
    signed_bytes = hashlib.sha256(signed.content).hexdigest()
    assert "13987654321" in text_of(tmp_path, signed) and "李四方" in text_of(tmp_path, signed)

    corrections.correct_party(
        case,
        respondent,
        actor,
        version=case.version,
        data=PartyCorrection(name=respondent.name, kind=respondent.kind, phone="139 0000 1111"),
        reason="当事人提供了新的联系电话",
    )
    corrections.withdraw_party(case, extra, actor, version=case.version, reason="不是本纠纷当事人")
    db.session.commit()
    newer = documents.generate(case, DocumentKind.APPLICATION, actor)
    db.session.commit()

    assert newer.version == signed.version + 1 and newer.signed_at is None
    text = text_of(tmp_path, newer)
    assert "13900001111" in text and "13987654321" not in text
    assert "李四方" not in text  # withdrawn: left out of what is printed from now on
    db.session.expire_all()
    again = db.session.get(type(signed), signed.id)
    assert hashlib.sha256(again.content).hexdigest() == signed_bytes  # never changed
    old = text_of(tmp_path, again)
    assert "13987654321" in old and "13900001111" not in old and "李四方" in old
    with pytest.raises(ValidationFailed):
        documents.mark_signed(case, again, actor)  # signed once, frozen
