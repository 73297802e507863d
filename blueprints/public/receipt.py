"""The citizen's receipt (回执) after applying: the case number, the one-time query code and a
QR code that opens the lookup page with the case number filled in (never the code).

The receipt is a partial (templates/public/partials/receipt.html) included by the one-time
confirmation pages, because the query code exists only in that moment's session value.
"""

from __future__ import annotations

import segno

from blueprints.public import bp


@bp.app_template_global()
def qr_data_uri(url: str) -> str:
    """An inline SVG QR code for `url` as a data: URI (the CSP allows img-src data:)."""
    return segno.make_qr(url, error="m").svg_data_uri(scale=4, border=4)
