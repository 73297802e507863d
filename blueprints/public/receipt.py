"""The citizen's receipt (回执) after applying: the case number, the query code and a QR code
that opens the lookup page with the case number filled in (never the code).

The query code is shown only in the applicant's own session (the browser that applied), and only
for a short time: RECEIPT_MINUTES after applying, or until the applicant removes it or closes the
browser. The cookie carries no code, only a token for the code held server-side, sealed
(domain/receipts.py). Meanwhile the confirmation page can be
reloaded (a phone that reloads the tab after taking a photo keeps the receipt) and the receipt
downloaded as a PDF or a PNG image. The download URLs carry no code, the responses are never
cached, and nothing here logs the code. Afterwards only the case number is kept, and the page
says how to get a new code: the desk of the centre named on the receipt resets it after checking
the applicant's ID (blueprints/desk/reset.py).

The receipt is a partial (templates/public/partials/receipt.html), also used by the desk's
one-time confirmation page; the PDF is templates/public/receipt_document.html.
"""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta

import segno
import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import format_time

from blueprints.htmx import redirect_303
from blueprints.public import bp
from blueprints.public.retry import retried
from domain.documents import html_to_pdf
from domain.receipts import drop_hold, held_code, hold_code
from extensions import db, limiter
from models import Case, Organisation
from models.types import utcnow

RECEIPT_KEY = "receipt"
PDF = "application/pdf"
PNG = "image/png"
# The image is as wide as a phone screen's pixels: sharp there, small enough for a weak network.
PNG_WIDTH = 1080
# PDFium is not thread-safe: one rendering at a time per process (a threaded server).
_PDFIUM = threading.Lock()


@bp.app_template_global()
def qr_data_uri(url: str) -> str:
    """An inline SVG QR code for `url` as a data: URI (the CSP allows img-src data:)."""
    return segno.make_qr(url, error="m").svg_data_uri(scale=4, border=4)


@bp.app_template_global()
def receipt_centre(number: str) -> Organisation | None:
    """The centre named on a receipt: where the case was registered (the county centre of the
    place for an online application), whose desk resets a lost query code."""
    return db.session.scalar(
        sa.select(Organisation)
        .join(Case, Case.intake_org_id == Organisation.id)
        .where(Case.number == number)
    )


# ---- the receipt in the applicant's session --------------------------------------------------


def keep_receipt(number: str, code: str | None) -> None:
    """Right after applying (the case is committed): hold the code server-side until
    RECEIPT_MINUTES after the case was filed; this browser's session gets the number and a
    token for it. Without `code` (it cannot be shown again), the number only."""
    if code is None:
        session[RECEIPT_KEY] = {"number": number}
        return
    case = db.session.scalar(sa.select(Case).where(Case.number == number))
    until = case.created_at + timedelta(minutes=current_app.config["RECEIPT_MINUTES"])
    token = hold_code(case, code, until, utcnow())
    db.session.commit()
    session[RECEIPT_KEY] = {"number": number, "hold": token}


def held_receipt() -> dict | None:
    """What this session holds: {"number", "code", "until"} while the code may be shown,
    {"number"} once it is gone (the hold is removed here), or None."""
    held = session.get(RECEIPT_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("number"), str):
        return None
    number, token = held["number"], held.get("hold")
    if isinstance(token, str):
        now = utcnow()
        found = held_code(token, number, now)
        longest = current_app.config["RECEIPT_MINUTES"] * 60
        if found is not None and 0 < (found[1] - now).total_seconds() <= longest:
            return {"number": number, "code": found[0], "until": int(found[1].timestamp())}
        drop_hold(token)
        db.session.commit()
    if set(held) != {"number"}:
        session[RECEIPT_KEY] = {"number": number}
    return {"number": number}


def _showing() -> bool:
    held = held_receipt()
    return held is not None and "code" in held


def _limit_key() -> str:
    # Per case: generating a PDF costs a fraction of a second of CPU, so one applicant cannot
    # keep a server busy; neighbours behind one address (a village or a carrier's NAT) are
    # never counted together.
    return "receipt:" + session[RECEIPT_KEY]["number"]


@bp.route("/apply/submitted")
@retried()
def submitted():
    """Confirmation with the case number and the query code while this session may still
    show it; afterwards the number and what to do instead (the applicant)."""
    held = held_receipt()
    case = None
    if held is not None:
        case = db.session.scalar(sa.select(Case).where(Case.number == held["number"]))
    if held is not None and "code" in held:
        until = datetime.fromtimestamp(held["until"], UTC)
        return render_template(
            "public/submitted.html",
            receipt=held,
            case=case,
            until=format_time(until, "short"),
        )
    return render_template(
        "public/submitted.html", receipt=None, number=held and held["number"], case=case
    )


@bp.route("/apply/submitted/forget", methods=["POST"])
def forget_receipt():
    """Remove the query code from this browser now (a shared computer); the number stays."""
    held = session.get(RECEIPT_KEY)
    if isinstance(held, dict) and isinstance(held.get("number"), str):
        drop_hold(held.get("hold"))
        db.session.commit()
        session[RECEIPT_KEY] = {"number": held["number"]}
    return redirect_303(url_for("public.submitted"))


@bp.route("/apply/submitted/receipt.<kind>")
@limiter.limit(
    lambda: current_app.config["JIEFEN_LIMIT_RECEIPT"],
    key_func=_limit_key,
    exempt_when=lambda: not _showing(),
)
def receipt_file(kind: str):
    """The receipt as a PDF or a PNG image, with the query code: only in the applicant's
    session and only while it may still show the code (the applicant)."""
    if kind not in ("pdf", "png"):
        abort(404)
    held = held_receipt()
    if held is None or "code" not in held:
        # Gone (or another browser): the confirmation page says what to do instead.
        return redirect(url_for("public.submitted"))
    case = db.session.scalar(sa.select(Case).where(Case.number == held["number"]))
    if case is None:
        abort(404)
    pdf = receipt_pdf(case, held["code"])
    body, media_type = (pdf, PDF) if kind == "pdf" else (receipt_png(pdf), PNG)
    response = make_response(body)
    response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="receipt-{case.number}.{kind}"'
    # Never kept by the browser's cache or a proxy: the file carries the query code.
    response.headers["Cache-Control"] = "no-store"
    return response


# ---- rendering ---------------------------------------------------------------------------------


def receipt_pdf(case: Case, code: str) -> bytes:
    """The receipt as a one-page A5 PDF in the page's language, with CJK fonts embedded (the
    centre's and the parties' names are Chinese in every language)."""
    lookup_url = url_for("public.lookup", number=case.number, _external=True)
    html = render_template(
        "public/receipt_document.html",
        case=case,
        code=code,
        centre=case.intake_org,
        lookup_url=lookup_url,
    )
    return html_to_pdf(html).write_pdf()


def receipt_png(pdf: bytes, width: int = PNG_WIDTH) -> bytes:
    """The receipt PDF as one PNG image `width` pixels wide (pages one below the other, should
    a long address ever push it onto a second), rendered by PDFium through pypdfium2: a wheel
    with PDFium built in, so no system package or subprocess is needed."""
    import pypdfium2  # loaded only to make an image: PDFium is a large library
    from PIL import Image

    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            pages = []
            for page in document:
                # Black text on white: greyscale is a third of the size and as sharp.
                pages.append(page.render(scale=width / page.get_width()).to_pil().convert("L"))
                page.close()
        finally:
            document.close()
    image = Image.new("L", (width, sum(p.height for p in pages)), 255)
    top = 0
    for rendered in pages:
        image.paste(rendered, (0, top))
        top += rendered.height
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
