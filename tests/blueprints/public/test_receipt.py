"""The citizen's receipt after applying: reloadable and downloadable (PDF, PNG) with the query
code only in the applicant's own session and only for RECEIPT_MINUTES; afterwards the page keeps
the number and says how to get a new code, as the lookup page does."""

from __future__ import annotations

import ctypes
import io
import logging
import re
import shutil
import subprocess
from datetime import timedelta

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import sqlalchemy as sa
from PIL import Image

from blueprints.public import receipt as receipt_module
from models.types import utcnow
from tests.blueprints.public.test_apply import form_data

ZH = {"Accept-Language": "zh-CN"}


def apply(client, world) -> tuple[str, str]:
    """Apply in `client`'s session; returns the case number and the query code as shown."""
    assert client.post("/apply", data=form_data(world)).status_code == 303
    page = client.get("/apply/submitted").get_data(as_text=True)
    number = re.search(r'id="case-number">([^<]+)<', page).group(1)
    code = re.search(r'id="query-code">([^<]+)<', page).group(1)
    return number, code


def later(monkeypatch, minutes: int) -> None:
    """Move this module's clock `minutes` ahead of now."""
    moved = utcnow() + timedelta(minutes=minutes)
    monkeypatch.setattr(receipt_module, "utcnow", lambda: moved)


def pdf_text(pdf: bytes) -> str:
    """The text of the receipt's one page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == 1
        return document[0].get_textpage().get_text_range()
    finally:
        document.close()


def font_of(pdf: bytes, needle: str) -> set[tuple[str, bool]]:
    """The fonts the characters of `needle` are drawn with."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        textpage = document[0].get_textpage()
        text = textpage.get_text_range()
        start = text.index(needle)
        name = ctypes.create_string_buffer(256)
        out = set()
        for index in range(start, start + len(needle)):
            obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
            font = pdfium_c.FPDFTextObj_GetFont(obj)
            pdfium_c.FPDFFont_GetBaseFontName(font, name, len(name))
            out.add((name.value.decode(), bool(pdfium_c.FPDFFont_GetIsEmbedded(font))))
        return out
    finally:
        document.close()


# ---- the confirmation page -------------------------------------------------------------------


def test_the_receipt_offers_downloads_without_the_code_in_any_url(world, client):
    number, code = apply(client, world)
    page = client.get("/apply/submitted").get_data(as_text=True)
    assert 'href="/apply/submitted/receipt.pdf"' in page
    assert 'href="/apply/submitted/receipt.png"' in page
    assert 'action="/apply/submitted/forget"' in page
    # The centre whose desk resets a lost code is named on the receipt.
    assert world.county_centre.name in page
    raw = code.replace("-", "")
    for url in re.findall(r'(?:href|action|src)="([^"]+)"', page):
        assert raw not in url.replace("-", "").upper(), url


def test_reload_keeps_the_receipt_for_the_allowed_time_then_keeps_only_the_number(
    world, client, monkeypatch
):
    number, code = apply(client, world)
    later(monkeypatch, 29)
    assert code in client.get("/apply/submitted").get_data(as_text=True)
    later(monkeypatch, 31)
    page = client.get("/apply/submitted").get_data(as_text=True)
    assert code not in page
    assert "The query code is no longer shown" in page
    assert f'id="case-number">{number}<' in page  # the number is kept
    assert "It cannot be shown again" in page
    assert f"Bring your ID card to {world.county_centre.name}" in page
    assert "The front desk checks your ID and gives you a new query code" in page
    # The code left the session: even a clock put back does not bring it back.
    with client.session_transaction() as session:
        assert session["receipt"] == {"number": number}
    monkeypatch.undo()
    assert code not in client.get("/apply/submitted").get_data(as_text=True)


def test_a_copy_of_the_cookie_is_useless_once_the_time_is_up(world, client, app, monkeypatch):
    number, code = apply(client, world)
    cookie = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    later(monkeypatch, 31)
    for path in ("/apply/submitted", "/apply/submitted/receipt.pdf"):
        response = thief.get(path, follow_redirects=True)
        assert code not in response.get_data(as_text=True)
        assert code.replace("-", "").encode() not in response.data


def test_removing_the_code_at_once(world, client):
    number, code = apply(client, world)
    response = client.post("/apply/submitted/forget")
    assert response.status_code == 303 and response.headers["Location"] == "/apply/submitted"
    page = client.get("/apply/submitted").get_data(as_text=True)
    assert code not in page and number in page and "no longer shown" in page
    download = client.get("/apply/submitted/receipt.pdf")
    assert download.status_code == 302 and download.headers["Location"] == "/apply/submitted"


def test_another_browser_gets_neither_the_page_nor_the_files(world, client, app):
    number, code = apply(client, world)
    other = app.test_client()
    page = other.get("/apply/submitted")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert number not in html and code not in html
    # Without a number the page still says how to get a new code.
    assert "no longer shown" in html and "Bring your ID card to the centre named" in html
    for kind in ("pdf", "png"):
        response = other.get(f"/apply/submitted/receipt.{kind}")
        assert response.status_code == 302
        assert response.headers["Location"] == "/apply/submitted"
        assert not response.data.startswith((b"%PDF", b"\x89PNG"))
    # The applicant's own session still works.
    assert client.get("/apply/submitted/receipt.pdf").status_code == 200


def test_the_gone_page_in_chinese_by_default(world, client):
    response = client.get("/apply/submitted", headers=ZH)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and 'id="code-gone"' in html


def test_unknown_kind_and_forged_session_values(world, client):
    apply(client, world)
    assert client.get("/apply/submitted/receipt.exe").status_code == 404
    for forged in ("x", ["a"], {"number": 5}, {"number": "1", "code": 7, "until": "soon"}):
        with client.session_transaction() as session:
            session["receipt"] = forged
        assert client.get("/apply/submitted").status_code == 200
        assert client.get("/apply/submitted/receipt.pdf").status_code == 302
    # A code written into the session by hand is never shown: codes are held server-side.
    until = int(utcnow().timestamp()) + 60
    with client.session_transaction() as session:
        session["receipt"] = {"number": "2026-421022-000001", "code": "ABCDEFGH", "until": until}
    assert "ABCD-EFGH" not in client.get("/apply/submitted").get_data(as_text=True)
    assert client.get("/apply/submitted/receipt.pdf").status_code == 302
    # Forged tokens: unknown, huge, not text.
    for token in ("x" * 43, "y" * 100_000, 12, None):
        with client.session_transaction() as session:
            session["receipt"] = {"number": "2026-421022-000001", "hold": token}
        assert client.get("/apply/submitted").status_code == 200
        assert client.get("/apply/submitted/receipt.pdf").status_code == 302


def test_the_cookie_carries_no_code_and_the_database_no_readable_one(world, client, app, db):
    """The query code lives server-side, sealed: neither the (readable, signed) session cookie
    nor the table holding it shows the code."""
    from flask.sessions import SecureCookieSessionInterface

    from models import ReceiptHold

    number, code = apply(client, world)
    plain = code.replace("-", "")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    content = serializer.loads(client.get_cookie("session").value)
    assert content["receipt"]["number"] == number
    assert plain not in repr(content) and code not in repr(content)
    holds = db.session.scalars(sa.select(ReceiptHold)).all()
    assert len(holds) == 1
    assert plain not in repr(vars(holds[0])) and plain.encode().hex() not in holds[0].sealed_code
    assert content["receipt"]["hold"] not in repr(vars(holds[0]))


def test_a_token_opens_only_its_own_case(world, client, app):
    """Another applicant's token moved into a session naming a different case shows nothing."""
    number_a, code_a = apply(client, world)
    other = app.test_client()
    number_b, code_b = apply(other, world)
    with client.session_transaction() as session:
        token_a = session["receipt"]["hold"]
    with other.session_transaction() as session:
        session["receipt"] = {"number": number_b, "hold": token_a}
    page = other.get("/apply/submitted").get_data(as_text=True)
    assert code_a not in page and code_b not in page


def test_holds_are_removed_when_their_time_is_up(world, client, app, db, monkeypatch):
    from models import ReceiptHold

    apply(client, world)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReceiptHold)) == 1
    later(monkeypatch, 31)
    client.get("/apply/submitted")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReceiptHold)) == 0
    # Removing the code at once removes the hold too.
    monkeypatch.undo()
    apply(client, world)
    client.post("/apply/submitted/forget")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReceiptHold)) == 0


# ---- the files ---------------------------------------------------------------------------------


def test_the_pdf_has_the_number_and_code_in_an_embedded_cjk_font(world, client, tmp_path):
    number, code = apply(client, world)
    response = client.get("/apply/submitted/receipt.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="receipt-{number}.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    pdf = response.data
    assert pdf.startswith(b"%PDF-")
    flat = re.sub(r"\s+", "", pdf_text(pdf))
    assert number in flat and code in flat
    assert world.county_centre.name in flat
    # The Chinese is drawn with an embedded CJK face, not tofu from a Latin fallback (text
    # extraction alone proves nothing: the ToUnicode map is written either way).
    fonts = font_of(pdf, "公安县")
    assert fonts and all("CJK" in name and embedded for name, embedded in fonts), fonts
    if shutil.which("pdffonts"):
        path = tmp_path / "receipt.pdf"
        path.write_bytes(pdf)
        listing = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout
        cjk = [line for line in listing.splitlines() if "cjk" in line.lower()]
        assert cjk and all(" yes " in line for line in cjk), listing


def test_the_pdf_follows_the_page_language(world, client):
    apply(client, world)
    english = pdf_text(client.get("/apply/submitted/receipt.pdf").data)
    assert "Receipt for your mediation application" in english
    chinese_pdf = client.get("/apply/submitted/receipt.pdf", headers=ZH).data
    assert pypdfium2.PdfDocument(chinese_pdf).get_metadata_dict()["Title"].startswith("回执")


def test_the_png_is_a_phone_sized_image_of_the_receipt(world, client):
    number, _code = apply(client, world)
    response = client.get("/apply/submitted/receipt.png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="receipt-{number}.png"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.data))
    image.load()
    assert image.format == "PNG" and image.width == 1080
    assert image.height > image.width  # portrait, like the A5 page
    assert image.getextrema()[0] < 64  # there is dark ink on it, not a blank page
    assert len(response.data) < 400_000


def test_nothing_logs_the_code(world, client, caplog):
    caplog.set_level(logging.DEBUG)
    number, code = apply(client, world)
    client.get("/apply/submitted/receipt.pdf")
    client.get("/apply/submitted/receipt.png")
    client.post("/apply/submitted/forget")
    client.get("/apply/submitted")
    raw = code.replace("-", "")
    for record in caplog.records:
        message = record.getMessage()
        assert raw not in message and code not in message


# ---- rate limits -------------------------------------------------------------------------------


@pytest.fixture
def limits(app):
    from extensions import limiter

    saved = {k: v for k, v in app.config.items() if k.startswith("JIEFEN_LIMIT_")}
    limiter.reset()
    yield app.config
    app.config.update(saved)
    limiter.reset()


def test_downloads_are_limited_per_case(world, client, app, limits):
    limits["JIEFEN_LIMIT_RECEIPT"] = "2 per hour"
    apply(client, world)
    statuses = [
        client.get(f"/apply/submitted/receipt.{k}").status_code for k in ("pdf", "png", "pdf")
    ]
    assert statuses == [200, 200, 429]
    # Another applicant (behind the same address) has their own count.
    neighbour = app.test_client()
    apply(neighbour, world)
    assert neighbour.get("/apply/submitted/receipt.pdf").status_code == 200
    # Reloading the page is never limited.
    assert client.get("/apply/submitted").status_code == 200


def test_receipt_pages_leave_the_application_and_lookup_limits_alone(world, client, limits):
    limits["JIEFEN_LIMIT_APPLICATION"] = "1 per hour"
    limits["JIEFEN_LIMIT_LOOKUP"] = "2 per minute"
    number, code = apply(client, world)
    for _ in range(3):
        assert client.get("/apply/submitted").status_code == 200
        assert client.get("/apply/submitted/receipt.pdf").status_code == 200
    client.post("/apply/submitted/forget")
    client.get("/apply/submitted")
    # The lookup still has both of its tries; the application limit still holds.
    unlock = {"number": number, "code": code}
    assert client.post("/lookup", data={**unlock, "code": "WRONGWRN"}).status_code == 200
    assert client.post("/lookup", data=unlock).status_code == 303
    assert client.post("/lookup", data=unlock).status_code == 429
    assert client.post("/apply", data=form_data(world)).status_code == 429


# ---- the lookup page ---------------------------------------------------------------------------


def test_the_lookup_page_explains_how_to_get_a_new_code(client):
    html = client.get("/lookup").get_data(as_text=True)
    assert 'id="lost-code"' in html
    assert "Lost the query code?" in html
    assert "It cannot be shown again or sent to you" in html
    assert "Bring your ID card to the centre named on your receipt" in html
    assert "The front desk checks your ID and gives you a new query code on the spot" in html
    assert "the desk finds your case from your ID" in html
    chinese = client.get("/lookup", headers=ZH).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in chinese and 'id="lost-code"' in chinese


def test_a_receipt_longer_than_a_page_still_makes_one_whole_image(world, client, db):
    # As long as the columns allow (128 and 256 characters).
    world.county_centre.name = "公安县矛盾纠纷调处中心" * 11
    world.county_centre.address = "公安县埠河镇新民村" * 28
    db.session.commit()
    apply(client, world)
    pdf = client.get("/apply/submitted/receipt.pdf").data
    pages = len(pypdfium2.PdfDocument(pdf))
    assert pages == 2
    image = Image.open(io.BytesIO(client.get("/apply/submitted/receipt.png").data))
    # Both pages, one below the other (A5: 148 x 210 mm).
    assert image.width == 1080 and abs(image.height - pages * 1080 * 210 / 148) < 4
