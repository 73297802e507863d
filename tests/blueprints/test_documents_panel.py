"""The documents panel on the case page: versions, generate, print view, PDF download, mark
signed (frozen), uploads validated by content; plain and htmx; who may use it."""

from __future__ import annotations

import io
import subprocess

import pytest

from domain import documents
from models import Document
from models.enums import DocumentKind
from models.states import CaseState
from tests.conftest import hx
from tests.factories import PNG, events_of, fresh

PANEL = 'id="panel-documents"'


def page(client, case) -> str:
    return client.get(f"/cases/{case.number}").get_data(as_text=True)


def versions(db, case, kind) -> list[Document]:
    db.session.expire_all()
    return (
        db.session.query(Document)
        .filter_by(case_id=case.id, kind=kind)
        .order_by(Document.version)
        .all()
    )


def generate(client, case, kind="notice", subject=0, **headers):
    return client.post(
        f"/cases/{case.number}/documents/generate",
        data={"doc-kind": kind, "doc-subject": subject},
        headers=headers,
    )


def sign(client, case, doc, **headers):
    return client.post(
        f"/cases/{case.number}/documents/{doc.id}/sign",
        data={"doc-kind": doc.kind.value, "doc-subject": doc.subject_id},
        headers=headers,
    )


def upload(client, case, content: bytes, name="scan.pdf", kind="id_proof", subject=0, headers=None):
    return client.post(
        f"/cases/{case.number}/documents/upload",
        data={
            "upload-kind": kind,
            "upload-subject": subject,
            "upload-file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
        headers=headers or {},
    )


@pytest.fixture
def mediating(world, db):
    case = world.case(CaseState.MEDIATING)
    db.session.commit()
    return case


def test_panel_lists_the_documents_and_what_is_missing(mediating, login, client):
    login("mediator")
    html = page(client, mediating)
    assert PANEL in html
    for label in (
        "Application for mediation",
        "Notice of rights and obligations",
        "Generate (new version)",
        "Print / view",
        'enctype="multipart/form-data"',
    ):
        assert label in html
    missing = html.split('id="panel-documents-missing"')[1].split("</ul>")[0]
    assert "Application for mediation" in missing
    assert "Notice of rights and obligations" in missing
    assert "ID documents" in missing or "identity" in missing.lower()
    # The parties' ID documents are upload only: no Generate button in their block.
    block = html.split('id="doc-id_proof-0"')[1].split("</article>")[0]
    assert "Generate (new version)" not in block
    assert 'name="upload-file"' in block


@pytest.mark.parametrize("htmx", [False, True])
def test_generate_makes_numbered_versions(mediating, login, client, db, htmx):
    login("mediator")
    for n in (1, 2):
        r = generate(client, mediating, **(hx("panel-documents") if htmx else {}))
        if htmx:
            assert r.status_code == 204
            assert r.headers["HX-Redirect"].endswith(f"/cases/{mediating.number}")
        else:
            assert r.status_code == 303
        assert [d.version for d in versions(db, mediating, DocumentKind.NOTICE)] == list(
            range(1, n + 1)
        )
    doc = versions(db, mediating, DocumentKind.NOTICE)[-1]
    assert not doc.uploaded and doc.signed_at is None and doc.media_type == "application/pdf"
    events = events_of(mediating, "generate_document")
    assert [e.data["version"] for e in events] == [1, 2]
    assert events[0].actor.username == "mediator" and events[0].public is False
    html = page(client, mediating)
    assert "Version 2" in html and "Version 1" in html
    assert "Generated" in html and "Not signed yet" in html


def test_signed_version_is_frozen(mediating, login, client, db):
    login("mediator")
    generate(client, mediating)
    doc = versions(db, mediating, DocumentKind.NOTICE)[0]
    r = sign(client, mediating, doc)
    assert r.status_code == 303
    assert versions(db, mediating, DocumentKind.NOTICE)[0].signed_at is not None
    html = page(client, mediating)
    row = html.split(f'id="doc-version-{doc.id}"')[1].split("</tr>")[0]
    assert "Signed, frozen" in row
    assert "Mark signed" not in row
    assert (
        "Notice of rights and obligations"
        not in html.split('id="panel-documents-missing"')[1].split("</ul>")[0]
    )
    # Marking it again is refused, with the message in the panel (plain and htmx).
    r = sign(client, mediating, doc)
    assert r.status_code == 200
    assert "already signed" in r.get_data(as_text=True)
    r = sign(client, mediating, doc, **hx("panel-documents"))
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "<html" not in body and PANEL in body and "already signed" in body
    # Generating again makes version 2, unsigned; version 1 stays signed.
    generate(client, mediating)
    v1, v2 = versions(db, mediating, DocumentKind.NOTICE)
    assert v1.signed_at is not None and v2.version == 2 and v2.signed_at is None
    assert len(events_of(mediating, "sign_document")) == 1


def test_pdf_download(mediating, login, client, db, tmp_path):
    login("mediator")
    generate(client, mediating)
    generate(client, mediating)
    doc = versions(db, mediating, DocumentKind.NOTICE)[-1]
    r = client.get(f"/cases/{mediating.number}/documents/{doc.id}/file")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/pdf"
    digits = mediating.number.replace("/", "-")
    assert r.headers["Content-Disposition"] == f'attachment; filename="{digits}-notice-v2.pdf"'
    assert r.data.startswith(b"%PDF-")
    path = tmp_path / "notice.pdf"
    path.write_bytes(r.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "x 841.89 pts (A4)" in info.stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert "cjk" in fonts.stdout.lower()
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "告知书" in text


def test_print_view_is_a_standalone_page_with_its_own_csp(mediating, login, client):
    login("mediator")
    r = client.get(f"/cases/{mediating.number}/documents/notice/0/print")
    assert r.status_code == 200
    assert r.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self'"
    )
    html = r.get_data(as_text=True)
    assert "<style" in html and "告知书" in html
    assert 'id="panel-documents"' not in html  # the document alone, not the case page
    # Documents that do not apply, and uploads, have no print view.
    assert client.get(f"/cases/{mediating.number}/documents/agreement/0/print").status_code == 404
    assert client.get(f"/cases/{mediating.number}/documents/id_proof/0/print").status_code == 404
    assert client.get(f"/cases/{mediating.number}/documents/nope/0/print").status_code == 404


@pytest.mark.parametrize("htmx", [False, True])
def test_upload_refuses_a_text_file_named_pdf(mediating, login, client, db, htmx, templates):
    login("mediator")
    r = upload(
        client,
        mediating,
        b"just some text, not a PDF",
        "scan.pdf",
        headers=hx("panel-documents") if htmx else None,
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert ("<html" in html) is not htmx
    assert 'id="upload-id_proof-0-file-error"' in html
    assert (
        "Upload a PDF, JPEG or PNG file."
        in html.split('id="upload-id_proof-0-file-error"')[1].split("</p>")[0]
    )
    assert 'aria-invalid="true"' in html
    if htmx:
        assert templates[-1] == "cases/partials/documents_panel.html"
    assert versions(db, mediating, DocumentKind.ID_PROOF) == []


def test_upload_size_limit_and_empty(mediating, login, client, db):
    login("mediator")
    big = PNG + b"\0" * documents.MAX_UPLOAD_BYTES
    r = upload(client, mediating, big, "id.png")
    assert r.status_code == 200
    assert "The file is larger than 10 MB." in r.get_data(as_text=True)
    r = upload(client, mediating, b"", "id.png")
    assert r.status_code == 200
    assert "Choose a file to upload." in r.get_data(as_text=True)
    r = client.post(
        f"/cases/{mediating.number}/documents/upload",
        data={"upload-kind": "id_proof", "upload-subject": 0},
    )
    assert r.status_code == 200
    assert "Choose a file to upload." in r.get_data(as_text=True)
    assert versions(db, mediating, DocumentKind.ID_PROOF) == []


def test_upload_a_png_id_proof(mediating, login, client, db):
    login("clerk")  # the desk keeps the file too
    r = upload(client, mediating, PNG, "id-card.png")
    assert r.status_code == 303
    (doc,) = versions(db, mediating, DocumentKind.ID_PROOF)
    assert doc.uploaded and doc.media_type == "image/png" and doc.signed_at is not None
    event = events_of(mediating, "upload_document")[0]
    assert event.actor.username == "clerk"
    html = page(client, mediating)
    block = html.split('id="doc-id_proof-0"')[1].split("</article>")[0]
    assert "Uploaded" in block and "Signed, frozen" in block and "In the file" in block
    r = client.get(f"/cases/{mediating.number}/documents/{doc.id}/file")
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["Content-Disposition"].endswith('-id-proof-v1.png"')
    assert r.data == PNG


def test_a_signed_scan_upload_counts_as_signed(mediating, login, client, db):
    login("mediator")
    r = upload(client, mediating, b"%PDF-1.4\n% signed scan\n", "notice.pdf", kind="notice")
    assert r.status_code == 303
    assert documents.is_done(fresh(db, mediating), documents.Subject(DocumentKind.NOTICE))


def test_upload_of_a_document_that_does_not_apply(mediating, login, client, db):
    login("mediator")
    r = upload(client, mediating, PNG, "x.png", kind="agreement")
    assert r.status_code == 200
    assert "does not apply" in r.get_data(as_text=True)
    r = upload(client, mediating, PNG, "x.png", kind="bogus")
    assert r.status_code == 200
    assert versions(db, mediating, DocumentKind.AGREEMENT) == []


def test_generate_what_does_not_apply_is_refused(mediating, login, client, db):
    login("mediator")
    for kind in ("agreement", "id_proof", "bogus"):
        r = generate(client, mediating, kind)
        assert r.status_code == 200, kind
        assert "does not apply" in r.get_data(as_text=True)
    r = generate(client, mediating, "agreement", **hx("panel-documents"))
    assert r.status_code == 200 and "<html" not in r.get_data(as_text=True)


def test_roles(mediating, world, login, client, db):
    generate_url = f"/cases/{mediating.number}/documents/generate"
    login("mediator")
    generate(client, mediating)
    doc = versions(db, mediating, DocumentKind.NOTICE)[0]
    urls = {
        "post": [
            generate_url,
            f"/cases/{mediating.number}/documents/{doc.id}/sign",
            f"/cases/{mediating.number}/documents/upload",
        ],
        "get": [
            f"/cases/{mediating.number}/documents/{doc.id}/file",
            f"/cases/{mediating.number}/documents/notice/0/print",
        ],
    }
    client.post("/auth/logout")
    for url in urls["post"]:
        r = client.post(url, data={"doc-kind": "notice"})
        assert r.status_code == 302 and "/auth/login" in r.headers["Location"]
    for url in urls["get"]:
        assert client.get(url).status_code == 302
    for other in ("mediator2", "clerk2"):  # another committee's mediator, another county's desk
        login(other)
        for url in urls["post"]:
            assert client.post(url, data={"doc-kind": "notice"}).status_code == 404, url
        for url in urls["get"]:
            assert client.get(url).status_code == 404, url
    login("admin")
    assert PANEL not in page(client, mediating)
    for url in urls["post"]:
        assert client.post(url, data={"doc-kind": "notice"}).status_code == 403, url
    for url in urls["get"]:
        assert client.get(url).status_code == 403, url
    for who in ("clerk", "leader", "director"):
        login(who)
        assert PANEL in page(client, mediating), who
    assert len(versions(db, mediating, DocumentKind.NOTICE)) == 1


def test_a_version_of_another_case_is_not_found(mediating, world, login, client, db):
    other = world.case(CaseState.MEDIATING)
    db.session.commit()
    login("mediator")
    generate(client, other)
    doc = versions(db, other, DocumentKind.NOTICE)[0]
    assert client.get(f"/cases/{mediating.number}/documents/{doc.id}/file").status_code == 404
    assert sign(client, mediating, doc).status_code == 404
    assert client.get(f"/cases/{mediating.number}/documents/999999/file").status_code == 404


def test_the_case_page_never_loads_document_bytes(mediating, login, client, count_queries):
    login("mediator")
    generate(client, mediating)
    with count_queries() as seen:
        assert PANEL in page(client, mediating)
    selects = [s for s in seen if "FROM document" in s]
    assert selects
    assert not any("document.content" in s for s in selects)


def test_archived_case_file_is_read_only(world, login, client, db):
    case = world.case(CaseState.ARCHIVED)
    db.session.commit()
    login("mediator")
    html = page(client, case)
    panel = html.split(PANEL)[1].split("</section>")[0]
    assert "can be read and downloaded but no longer change" in panel
    assert "Generate (new version)" not in panel and "Mark signed" not in panel
    assert 'name="upload-file"' not in panel
    r = generate(client, case)
    assert r.status_code == 200
    assert "its file can no longer change" in r.get_data(as_text=True)
