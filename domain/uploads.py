"""Uploaded files, parsed in full before they are stored.

A file is accepted for what it is, not for its first bytes: a PDF is opened with pypdf and
every page read; a JPEG or PNG is opened with Pillow, verified, opened again and decoded. What
does not parse is refused, and so is anything after the end of the PDF or image (a PNG or a PDF
with an HTML page glued behind it is a file a browser could be tricked into reading as a web
page). Encrypted PDFs are refused too: nobody could read them in the case file. Every upload of
the portal goes through `check_upload`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFile
from pypdf import PdfReader

from domain.errors import ValidationFailed

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A sheet of A4 scanned at 600 dpi is 35 million pixels; decoding more than this could take
# hundreds of megabytes of memory for one request (a "decompression bomb").
MAX_IMAGE_PIXELS = 40_000_000

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# Pillow's name of each image format we take.
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# What may follow the end of a file: line ends and padding some scanners add, nothing else.
_PADDING = b" \t\r\n\x00\x0c"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk: always empty, fixed CRC
_JPEG_END = b"\xff\xd9"  # EOI

NOT_A_TYPE = _l("Upload a PDF, JPEG or PNG file.")
BROKEN_PDF = _l(
    "This PDF could not be read: it may be damaged. Save or scan it again and upload the new file."
)
ENCRYPTED_PDF = _l("This PDF is protected by a password. Upload a copy without a password.")
BROKEN_IMAGE = _l(
    "This image could not be read: it may be damaged. Save or scan it again and upload the new "
    "file."
)
HUGE_IMAGE = _l(
    "This image is too large (more than %(limit)s million pixels). Scan it at a lower "
    "resolution, for example 300 dpi.",
    limit=MAX_IMAGE_PIXELS // 1_000_000,
)
TRAILING_DATA = _l(
    "This file has other data after its end. Save or scan it again and upload the new file."
)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that parsed: its media type, and its number of pages when it is a PDF."""

    media_type: str
    pages: int | None = None


def _refuse(message) -> ValidationFailed:
    return ValidationFailed(message, field="file")


def media_type_of(content: bytes) -> str | None:
    """The type the first bytes claim: it only chooses which parser reads the whole file."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def check_upload(content: bytes) -> CheckedUpload:
    """Parse an uploaded PDF, JPEG or PNG in full.

    Raises ValidationFailed (field "file") when the file is empty, larger than 10 MB, of
    another type, damaged, encrypted, too large an image, or followed by other data.
    """
    if not content:
        raise _refuse(_l("Choose a file to upload."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise _refuse(_l("The file is larger than 10 MB."))
    media_type = media_type_of(content)
    if media_type is None:
        raise _refuse(NOT_A_TYPE)
    if media_type == PDF:
        return CheckedUpload(PDF, _pdf_pages(content))
    _check_image(content, media_type)
    return CheckedUpload(media_type)


def _ends_with(content: bytes, end: bytes) -> bool:
    return content.rstrip(_PADDING).endswith(end)


def _pdf_pages(content: bytes) -> int:
    # A PDF ends with %%EOF (after an incremental update, the last one ends the file).
    if not _ends_with(content, b"%%EOF"):
        raise _refuse(TRAILING_DATA if b"%%EOF" in content else BROKEN_PDF)
    try:
        with warnings.catch_warnings():
            # pypdf warns about the small faults it repairs (as readers do); only a file it
            # cannot read at all is refused.
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted:
                raise _refuse(ENCRYPTED_PDF)
            pages = 0
            for page in reader.pages:  # each page's size and its decoded content stream
                if page.mediabox.width <= 0:
                    raise _refuse(BROKEN_PDF)
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()
                pages += 1
    except ValidationFailed:
        raise
    except Exception:  # noqa: BLE001 - a hostile file can make a parser raise anything
        raise _refuse(BROKEN_PDF) from None
    if pages == 0:
        raise _refuse(BROKEN_PDF)
    return pages


def _check_image(content: bytes, media_type: str) -> None:
    end = _PNG_END if media_type == PNG else _JPEG_END
    formats = [_PILLOW_FORMATS[media_type]]
    # WeasyPrint, once imported, tells Pillow to accept truncated images (module-wide): for
    # this check a truncated image must fail. The documents' own images are ours (QR codes).
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=formats) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _refuse(HUGE_IMAGE)
                image.verify()  # structure and checksums, without decoding
            # verify() leaves the image unusable: open it again and decode every pixel.
            with Image.open(io.BytesIO(content), formats=formats) as image:
                image.load()
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(HUGE_IMAGE) from None
    except Exception:  # noqa: BLE001 - a hostile file can make a parser raise anything
        raise _refuse(BROKEN_IMAGE) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    if not _ends_with(content, end):
        raise _refuse(TRAILING_DATA)
