"""Archiving needs the file's mandatory documents and assembles the 卷宗: refusal lists what is
missing; success gives the file number and one PDF (cover, contents with page numbers, every
document, back cover) downloadable from the archive panel."""

from __future__ import annotations

import re
import subprocess

import pytest

from domain import documents
from models import Document
from models.enums import DocumentKind
from models.states import CaseState
from tests.conftest import hx
from tests.factories import complete_file, fresh


def pdf_text(path, *args) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squeeze(text: str) -> str:
    """Without the spaces that letter-spacing (调 解 卷 宗) puts in the extracted text."""
    return re.sub(r"\s+", "", text)


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.parametrize("htmx", [False, True])
def test_archive_refused_lists_the_missing_documents(world, login, client, db, htmx):
    case = world.case(CaseState.TERMINATED)
    db.session.commit()
    login("mediator")
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    gaps = html.split('id="panel-archive-gaps"')[1].split("</ul>")[0]
    for name in (
        "Application for mediation",
        "Notice of rights and obligations",
        "identity documents",
        "Mediation record",
    ):
        assert f"The case file lacks: {name}" in gaps.replace("&#39;", "'") or name in gaps
    r = client.post(
        f"/cases/{case.number}/archive",
        data={"archive-version": case.version},
        headers=hx("panel-archive") if htmx else {},
    )
    assert r.status_code == 200
    body = r.get_data(as_text=True).replace("&#39;", "'")
    assert "The case cannot be archived yet" in body
    assert "The case file lacks: Notice of rights and obligations." in body
    assert "The case file lacks: Parties' identity documents." in body
    case = fresh(db, case)
    assert case.state == CaseState.TERMINATED and case.file_number is None
    assert not [d for d in case.documents if d.kind == DocumentKind.COVER]


def test_archive_assembles_the_case_file(world, login, client, db, tmp_path):
    case = world.case(CaseState.TERMINATED)
    complete_file(case, world.mediator)
    db.session.commit()
    login("director")
    r = client.post(f"/cases/{case.number}/archive", data={"archive-version": case.version})
    assert r.status_code == 303
    case = fresh(db, case)
    assert case.state == CaseState.ARCHIVED
    assert re.fullmatch(r"（\d{4}）.+人调字第\d+号", case.file_number)
    html = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert case.file_number in html
    (bundle,) = [d for d in case.documents if d.kind == DocumentKind.COVER]
    link = f"/cases/{case.number}/documents/{bundle.id}/file"
    assert f'href="{link}"' in html and "Download the case file (PDF)" in html
    r = client.get(link)
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"].endswith(f'{case.number}-case-file-v1.pdf"')
    path = tmp_path / "file.pdf"
    path.write_bytes(r.data)
    text = squeeze(pdf_text(path))
    assert "调解卷宗" in text and "卷内目录" in text
    assert case.file_number in text
    assert pdf_pages(path) == bundle.pages


def test_contents_page_numbers_and_page_count(world, db, tmp_path):
    """An archived case with an oral agreement, a session and a visit: the contents list gives
    the page each filed version starts on in the file's own numbering (the cover is page 1),
    and the file holds exactly the pages of the cover, the contents, the filed versions as
    stored and the back cover."""
    case = world.case(CaseState.ARCHIVED)
    db.session.commit()
    (bundle,) = [d for d in case.documents if d.kind == DocumentKind.COVER]
    path = tmp_path / "file.pdf"
    path.write_bytes(db.session.get(Document, bundle.id).content)
    filed = [
        (s, d, d.pages if d.media_type == "application/pdf" else 1)
        for s in documents.applicable(case)
        for d in documents.filed_versions(case, s)
    ]
    assert filed and all(n >= 1 for _s, _d, n in filed)
    total = pdf_pages(path)
    assert total == bundle.pages
    contents_pages = total - 1 - 1 - sum(n for _s, _d, n in filed)
    assert contents_pages >= 1
    contents = pdf_text(path, "-f", "2", "-l", str(1 + contents_pages))
    assert "卷内目录" in contents and case.file_number in contents
    rows = [line.split() for line in contents.splitlines() if re.match(r"\s*\d+\s+\S", line)]
    page = 2 + contents_pages
    for i, (s, _d, n) in enumerate(filed):
        row = rows[i]
        assert row[0] == str(i + 1), row
        assert row[2] == (str(page) if n == 1 else f"{page}–{page + n - 1}"), (s, row)
        page += n
    cover_text = squeeze(pdf_text(path, "-f", "1", "-l", "1"))
    assert "调解卷宗" in cover_text and case.file_number in cover_text
