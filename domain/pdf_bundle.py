"""Putting stored files together into one PDF: the 卷宗 files the versions that were signed or
uploaded as they are (their bytes are never rendered again), so its pages are merged with pypdf;
an uploaded image becomes a page of its own; and every page of the whole file gets its number
stamped in the top right corner, as archivists number a file's pages (卷内页号), over whatever
numbering each document carries on its own.
"""

from __future__ import annotations

import base64
import io

from flask import render_template
from pypdf import PdfReader, PdfWriter, Transformation

PDF = "application/pdf"
A4_WIDTH, A4_HEIGHT = 595.28, 841.89  # points


def _render(template: str, **context) -> bytes:
    from weasyprint import HTML  # slow to import (Pango, fonts): loaded only to make a PDF

    return HTML(string=render_template(template, **context)).write_pdf()


def image_page(content: bytes, media_type: str) -> bytes:
    """An uploaded scan or photo (JPEG, PNG) as one A4 page, fitted to it."""
    uri = f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"
    return _render("documents/scan_page.html", src=uri)


def withheld_pages(title: str, pages: int) -> bytes:
    """Stand-in pages for a filed version that cannot be shown masked (an uploaded scan): as
    many pages as it has, so the file keeps its page numbers."""
    return _render("documents/withheld.html", title=title, pages=max(1, pages))


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def merge(parts: list[bytes]) -> PdfWriter:
    """The PDFs of `parts`, one after another, in one writer."""
    writer = PdfWriter()
    for content in parts:
        writer.append(PdfReader(io.BytesIO(content)))
    return writer


def stamp_page_numbers(writer: PdfWriter) -> None:
    """Stamp 卷宗第 N 页 / 共 M 页 in the top right corner of every page (on a page of
    another size, the same distance from its top right corner)."""
    total = len(writer.pages)
    stamps = PdfReader(io.BytesIO(_render("documents/page_stamp.html", total=total)))
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        if page.get("/Rotate"):
            page.transfer_rotation_to_content()  # a scan turned sideways: stamp it upright
        box = page.mediabox
        dx = float(box.right) - A4_WIDTH
        dy = float(box.top) - A4_HEIGHT
        page.merge_transformed_page(stamp, Transformation().translate(dx, dy))


def write(writer: PdfWriter) -> bytes:
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
