"""domain.uploads: an upload is parsed in full, never accepted for its first bytes. Real small
files are built here (Pillow, pypdf); polyglots (a PNG, JPEG or PDF with an HTML page behind
it), truncated files, encrypted and page-less PDFs, and an image that declares a huge size are
refused with the message for the file field."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter

from domain.errors import ValidationFailed
from domain.uploads import MAX_IMAGE_PIXELS, MAX_UPLOAD_BYTES, CheckedUpload, check_upload
from tests.factories import PNG, tiny_pdf

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def image(fmt: str, size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (180, 30, 30)).save(out, fmt)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height but whose data holds one pixel's worth."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
        + png_chunk(b"IEND", b"")
    )


def refused(content: bytes) -> str:
    with pytest.raises(ValidationFailed) as caught:
        check_upload(content)
    assert caught.value.field == "file"
    return caught.value.message


def test_real_files_are_accepted():
    assert check_upload(image("PNG")) == CheckedUpload("image/png")
    assert check_upload(image("JPEG")) == CheckedUpload("image/jpeg")
    assert check_upload(PNG) == CheckedUpload("image/png")  # the demo's 1×1 scan
    assert check_upload(tiny_pdf(3)) == CheckedUpload("application/pdf", pages=3)
    # A line end or scanner padding after the end is not "other data".
    assert check_upload(tiny_pdf() + b"\r\n").pages == 1
    assert check_upload(image("JPEG") + b"\x00\x00").media_type == "image/jpeg"


def test_a_pdf_made_by_weasyprint_is_accepted():
    from domain.documents import html_to_pdf

    pdf = html_to_pdf("<p>人民调解协议书</p>").write_pdf()
    assert check_upload(pdf).pages == 1


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_image_with_a_web_page_behind_it_is_refused(fmt):
    polyglot = image(fmt) + HTML
    assert "other data after its end" in refused(polyglot)


def test_pdf_with_a_web_page_behind_it_is_refused():
    assert "other data after its end" in refused(tiny_pdf() + HTML)


def test_web_page_with_a_pdf_or_image_signature_inside_is_refused():
    assert refused(HTML + tiny_pdf()) == "Upload a PDF, JPEG or PNG file."
    assert refused(b"%PDF-1.4\n" + HTML).startswith("This PDF could not be read")
    assert refused(b"\x89PNG\r\n\x1a\n" + HTML).startswith("This image could not be read")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_images_are_refused(fmt):
    import weasyprint  # noqa: F401 - once imported, it makes Pillow accept truncated images

    whole = image(fmt, (200, 150))
    assert refused(whole[: len(whole) // 2]).startswith("This image could not be read")


def test_truncated_and_broken_pdfs_are_refused():
    whole = tiny_pdf(2)
    assert refused(whole[: len(whole) // 2]).startswith("This PDF could not be read")
    # The end kept, the objects in the middle gone: the file's structure no longer holds.
    middle = whole.index(b"obj") + 3
    broken = whole[:middle] + b" garbage " * 10 + whole[-200:]
    assert refused(broken).startswith("This PDF could not be read")
    # Only the header and the end marker.
    assert refused(b"%PDF-1.4\n% signed scan\n%%EOF\n").startswith("This PDF could not be read")


def test_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    assert "protected by a password" in refused(out.getvalue())


def test_pdf_without_pages_is_refused():
    out = io.BytesIO()
    PdfWriter().write(out)
    assert refused(out.getvalue()).startswith("This PDF could not be read")


def test_image_declaring_a_huge_size_is_refused_before_decoding():
    # One pixel of data, a header claiming 100 000 × 100 000 (beyond Pillow's own guard) or
    # just over our limit: refused without allocating the image.
    assert "too large" in refused(png_declaring(100_000, 100_000))
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    assert "too large" in refused(png_declaring(side, side))
    # Within the limit, the missing data is found when decoding.
    assert refused(png_declaring(2000, 1000)).startswith("This image could not be read")


def test_empty_large_and_other_types():
    assert refused(b"") == "Choose a file to upload."
    assert refused(image("PNG") + b"\0" * MAX_UPLOAD_BYTES) == "The file is larger than 10 MB."
    assert refused(b"just some text") == "Upload a PDF, JPEG or PNG file."
    assert refused(image("GIF")) == "Upload a PDF, JPEG or PNG file."
    # A GIF behind a PNG signature is not read as a GIF: the PNG parser alone is used.
    assert refused(b"\x89PNG\r\n\x1a\n" + image("GIF")).startswith("This image could not be read")


def test_no_other_code_judges_a_file_by_its_first_bytes():
    """Only domain/uploads.py looks at file signatures (to choose the parser): an upload path
    that sniffed the first bytes itself would skip the parsing."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    signatures = (b"%PDF-", b"\\x89PNG", b"\\xff\\xd8")
    sniffing = [
        path.relative_to(root).as_posix()
        for folder in ("domain", "blueprints", "models")
        for path in (root / folder).rglob("*.py")
        if any(s.decode() in path.read_text(encoding="utf-8") for s in signatures)
    ]
    assert sniffing == ["domain/uploads.py"]
