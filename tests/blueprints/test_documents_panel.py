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
from tests.factories import PNG, events_of, fresh, open_panel, tiny_pdf

PANEL = 'id="panel-documents"'


def page(client, case) -> str:
    return client.get(f"/cases/{case.number}").get_data(as_text=True)


def opener(case, key: str) -> str:
    """The link on the case page that opens one document ("<kind>-<record id or 0>")."""
    return f'href="/cases/{case.number}/panels/documents?open={key}"'


def opened(client, case, key: str) -> str:
    """One document opened in the panel (its versions and actions), as the opener fetches it:
    the document's block."""
    response = open_panel(client, case, "documents", key)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'id="panel-documents-{key}" data-panel-open' in html
    return block(html, key)


def block(html: str, key: str) -> str:
    """The part of the panel about one document."""
    return html.split(f'id="doc-{key}"')[1].split("</li>")[0]


def kept_open(response, case, key: str) -> str:
    """A successful document action without htmx: a 303 back to the case page with that
    document still open; the address."""
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert location.endswith(f"/cases/{case.number}?open=documents:{key}#panel-documents")
    return location


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
    for label in ("Application for mediation", "Notice of rights and obligations"):
        assert label in html
    # Each document opens on demand: no form on the page itself.
    assert opener(mediating, "notice-0") in html and opener(mediating, "id_proof-0") in html
    assert "Generate (new version)" not in html and 'enctype="multipart/form-data"' not in html
    notice = opened(client, mediating, "notice-0")
    for label in ("Generate (new version)", "Print / view", 'enctype="multipart/form-data"'):
        assert label in notice
    missing = html.split('id="panel-documents-missing"')[1].split("</ul>")[0]
    assert "Application for mediation" in missing
    assert "Notice of rights and obligations" in missing
    assert "ID documents" in missing or "identity" in missing.lower()
    # The parties' ID documents are upload only: no Generate button in their block.
    id_proof = opened(client, mediating, "id_proof-0")
    assert "Generate (new version)" not in id_proof
    assert 'name="upload-file"' in id_proof


@pytest.mark.parametrize("htmx", [False, True])
def test_generate_makes_numbered_versions(mediating, login, client, db, htmx):
    login("mediator")
    for n in (1, 2):
        r = generate(client, mediating, **(hx("panel-documents") if htmx else {}))
        if htmx:  # the whole page swapped into <main>, the document still open
            assert r.status_code == 200 and "HX-Redirect" not in r.headers
            assert r.headers["HX-Retarget"] == "#main"
            assert r.headers["HX-Reswap"] == "outerHTML show:#panel-documents:top"
            body = r.get_data(as_text=True)
            assert "New version generated. Print it for signing." in body
            assert 'id="panel-documents-notice-0" data-panel-open' in body
            assert f"Version {n}" in block(body, "notice-0")
        else:
            kept_open(r, mediating, "notice-0")
        assert [d.version for d in versions(db, mediating, DocumentKind.NOTICE)] == list(
            range(1, n + 1)
        )
    doc = versions(db, mediating, DocumentKind.NOTICE)[-1]
    assert not doc.uploaded and doc.signed_at is None and doc.media_type == "application/pdf"
    events = events_of(mediating, "generate_document")
    assert [e.data["version"] for e in events] == [1, 2]
    assert events[0].actor.username == "mediator" and events[0].public is False
    html = page(client, mediating)
    assert "2 versions" in block(html, "notice-0")
    html = opened(client, mediating, "notice-0")
    assert "Version 2" in html and "Version 1" in html
    assert "Generated" in html and "Not signed yet" in html


def test_signed_version_is_frozen(mediating, login, client, db):
    login("mediator")
    generate(client, mediating)
    doc = versions(db, mediating, DocumentKind.NOTICE)[0]
    r = sign(client, mediating, doc)
    location = kept_open(r, mediating, "notice-0")
    assert versions(db, mediating, DocumentKind.NOTICE)[0].signed_at is not None
    html = client.get(location).get_data(as_text=True)
    assert "Marked as signed. This version is frozen." in html
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
    body = r.get_data(as_text=True)
    assert "already signed" in body and 'id="panel-documents-notice-0" data-panel-open' in body
    r = sign(client, mediating, doc, **hx("panel-documents"))
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert "<html" not in body and PANEL in body and "already signed" in body
    assert 'id="panel-documents-notice-0" data-panel-open' in body
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


@pytest.mark.parametrize("htmx", [False, True])
def test_upload_refuses_a_png_with_a_web_page_behind_it(mediating, login, client, db, htmx):
    """A polyglot (a valid PNG, then an HTML page) is refused beside the file field; the
    document stays open with its upload form."""
    login("mediator")
    polyglot = PNG + b"<html><script>alert(1)</script></html>"
    r = upload(
        client, mediating, polyglot, "id.png", headers=hx("panel-documents") if htmx else None
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    error = html.split('id="upload-id_proof-0-file-error"')[1].split("</p>")[0]
    assert "other data after its end" in error
    assert 'id="panel-documents-id_proof-0" data-panel-open' in html
    assert versions(db, mediating, DocumentKind.ID_PROOF) == []


def test_upload_of_a_pdf_stores_its_page_count(mediating, login, client, db):
    login("mediator")
    kept_open(upload(client, mediating, tiny_pdf(2), "id.pdf"), mediating, "id_proof-0")
    (doc,) = versions(db, mediating, DocumentKind.ID_PROOF)
    assert doc.media_type == "application/pdf" and doc.pages == 2 and doc.has_pii


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
    login("director")  # the committee's director keeps the file too
    r = upload(client, mediating, PNG, "id-card.png")
    location = kept_open(r, mediating, "id_proof-0")
    (doc,) = versions(db, mediating, DocumentKind.ID_PROOF)
    assert doc.uploaded and doc.media_type == "image/png" and doc.signed_at is not None
    event = events_of(mediating, "upload_document")[0]
    assert event.actor.username == "director"
    html = client.get(location).get_data(as_text=True)
    assert "File uploaded." in html
    assert 'id="panel-documents-id_proof-0" data-panel-open' in html
    shown = block(html, "id_proof-0")
    assert "Uploaded" in shown and "Signed, frozen" in shown and "In the file" in shown
    r = client.get(f"/cases/{mediating.number}/documents/{doc.id}/file")
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["Content-Disposition"].endswith('-id-proof-v1.png"')
    assert r.data == PNG


def test_a_signed_scan_upload_counts_as_signed(mediating, login, client, db):
    login("mediator")
    r = upload(client, mediating, tiny_pdf(), "notice.pdf", kind="notice")
    kept_open(r, mediating, "notice-0")
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
    # With htmx too: no such document is on offer, so the whole page comes back with the
    # message at the top (swapped into <main>), nothing generated.
    r = generate(client, mediating, "agreement", **hx("panel-documents"))
    assert r.status_code == 200 and r.headers["HX-Retarget"] == "#main"
    assert r.headers["HX-Reswap"] == "outerHTML show:window:top"
    flashes = r.get_data(as_text=True).split('id="flashes"')[1].split("</div>")[0]
    assert "does not apply" in flashes
    assert versions(db, mediating, DocumentKind.AGREEMENT) == []


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
    assert open_panel(client, mediating, "documents", "notice-0").status_code == 404
    for url in urls["post"]:
        assert client.post(url, data={"doc-kind": "notice"}).status_code == 403, url
    for url in urls["get"]:
        assert client.get(url).status_code == 403, url
    for who in ("clerk", "leader", "director"):
        login(who)
        assert PANEL in page(client, mediating), who
    assert len(versions(db, mediating, DocumentKind.NOTICE)) == 1


@pytest.mark.parametrize("who", ["clerk", "leader"])
def test_the_desk_and_leaders_add_nothing_to_a_committees_file(mediating, login, client, db, who):
    """Once dispatched the committee keeps the file: the desk and leaders see the panel but
    no form to generate, sign or upload, and a forged POST is refused."""
    login("mediator")
    generate(client, mediating)
    (doc,) = versions(db, mediating, DocumentKind.NOTICE)
    login(who)
    html = opened(client, mediating, "notice-0")
    assert "/documents/generate" not in html and "/sign" not in html
    assert "/documents/upload" not in html
    assert "Print / view" in html  # reading stays as it is
    assert generate(client, mediating).status_code == 403
    assert sign(client, mediating, doc).status_code == 403
    assert upload(client, mediating, PNG, "id.png").status_code == 403
    assert len(versions(db, mediating, DocumentKind.NOTICE)) == 1
    assert versions(db, mediating, DocumentKind.ID_PROOF) == []
    assert versions(db, mediating, DocumentKind.NOTICE)[0].signed_at is None


def test_the_desk_keeps_the_file_before_dispatch(world, login, client, db):
    case = world.case(CaseState.ACCEPTED)
    db.session.commit()
    login("clerk")
    assert "/documents/upload" in opened(client, case, "id_proof-0")
    kept_open(upload(client, case, PNG, "id-card.png"), case, "id_proof-0")
    login("leader")
    assert "/documents/upload" not in opened(client, case, "id_proof-0")
    assert upload(client, case, PNG, "id-card.png").status_code == 403
    assert len(versions(db, case, DocumentKind.ID_PROOF)) == 1


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
    # A document still opens, to read and download, without its actions.
    assert opener(case, "notice-0") in panel
    notice = opened(client, case, "notice-0")
    assert "Version 1" in notice and "download>PDF" in notice
    assert "Generate (new version)" not in notice and "Mark signed" not in notice
    assert 'name="upload-file"' not in notice
    r = generate(client, case)
    assert r.status_code == 200
    assert "its file can no longer change" in r.get_data(as_text=True)


@pytest.fixture
def personal(world, db):
    """A case in mediation whose parties have ID numbers, phones and addresses."""
    from tests.factories import pii_parties

    case = world.case(CaseState.MEDIATING, parties=pii_parties())
    db.session.commit()
    return case


def test_a_full_view_is_one_timeline_event(personal, login, client, db):
    login("mediator")
    version = personal.version
    r = client.get(f"/cases/{personal.number}/documents/application/0/print")
    assert r.status_code == 200 and "13812345678" in r.get_data(as_text=True)
    (event,) = events_of(personal, "view_document")
    # Reading is not changing: a form opened before the view still saves.
    assert fresh(db, personal).version == version
    assert event.actor.username == "mediator" and event.public is False
    assert event.data == {
        "kind": "application",
        "subject_id": 0,
        "format": "print",
        "document_id": None,
        "version": None,
    }
    # A document without personal details (the rights notice) is not recorded.
    assert client.get(f"/cases/{personal.number}/documents/notice/0/print").status_code == 200
    assert len(events_of(personal, "view_document")) == 1
    # A stored version downloaded: one more, naming the version and the format.
    generate(client, personal, "application")
    doc = versions(db, personal, DocumentKind.APPLICATION)[-1]
    r = client.get(f"/cases/{personal.number}/documents/{doc.id}/file")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].endswith('-application-v1.pdf"')
    last = events_of(personal, "view_document")[-1]
    assert (last.data["document_id"], last.data["version"], last.data["format"]) == (
        doc.id,
        1,
        "pdf",
    )
    assert len(events_of(personal, "view_document")) == 2
    timeline = page(client, personal).split('id="case-timeline"')[1]
    assert "Document with personal details opened" in timeline
    assert "Application for mediation, version 1 (PDF)" in timeline
    assert "Application for mediation as of now (print view)" in timeline


def test_a_leader_reads_the_documents_masked_and_unrecorded(personal, login, client, db):
    login("mediator")
    generate(client, personal, "application")
    kept_open(upload(client, personal, PNG, "id.png"), personal, "id_proof-0")
    db.session.expire_all()
    events = len(events_of(personal, "view_document"))
    login("leader")
    html = client.get(f"/cases/{personal.number}/documents/application/0/print").get_data(
        as_text=True
    )
    assert "138****5678" in html and "13812345678" not in html
    doc = versions(db, personal, DocumentKind.APPLICATION)[-1]
    r = client.get(f"/cases/{personal.number}/documents/{doc.id}/file")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"].endswith('-application-v1-masked.pdf"')
    assert r.data == doc.masked_content != doc.content
    # The uploaded scan cannot be masked: it exists, it does not open.
    (scan,) = versions(db, personal, DocumentKind.ID_PROOF)
    assert client.get(f"/cases/{personal.number}/documents/{scan.id}/file").status_code == 403
    assert len(events_of(personal, "view_document")) == events
    # The panel says so: masked links, and no link to the scan.
    shown = opened(client, personal, "application-0")
    assert "Print / view (masked)" in shown and "(masked)</a>" in shown
    scan_row = opened(client, personal, "id_proof-0").split(f'id="doc-version-{scan.id}"')[1]
    assert f"/documents/{scan.id}/file" not in scan_row
    assert "only the staff handling the case open it" in scan_row
    assert "with ID numbers, phones and addresses masked" in page(client, personal)
    login("mediator")
    assert "it is recorded on the timeline" in page(client, personal)


def test_a_version_stored_before_masking_existed_is_not_opened_masked(personal, login, client, db):
    """Versions from before the masked rendition count as holding personal details and have
    no masked copy: the leader sees they exist, and may generate a new one to read."""
    login("mediator")
    generate(client, personal, "application")
    doc = versions(db, personal, DocumentKind.APPLICATION)[-1]
    doc.masked_content, doc.masked_size, doc.has_pii = None, None, True
    db.session.commit()
    login("leader")
    assert client.get(f"/cases/{personal.number}/documents/{doc.id}/file").status_code == 403
