"""The typical-case library (典型案例库) on the citizen's face: published, anonymised cases by
dispute type and region, with a text search, as a guide to what mediation can do. No account,
no JavaScript; only what the director published is read (domain.library)."""

from __future__ import annotations

import re
from datetime import datetime

from flask import abort, render_template, request

from blueprints.pagination import keyset_page
from blueprints.public import bp
from domain import library as lib
from models import LibraryEntry
from models.enums import DisputeType

PAGE_SIZE = 20


@bp.route("/library")
def library():
    """The published entries, newest first, filtered by type, region and words."""
    kind = request.args.get("type", "")
    if kind not in {t.value for t in DisputeType}:
        kind = ""
    region = request.args.get("region", "")
    if not re.fullmatch(r"\d{2,15}", region):
        region = ""
    q = " ".join(request.args.get("q", "").replace("\x00", "").split())[: lib.QUERY_MAX]
    page = keyset_page(
        lib.published_query(dispute_type=kind or None, region_code=region or None, q=q),
        [LibraryEntry.published_at, LibraryEntry.id],
        [datetime, int],
        request.args.get("after"),
        PAGE_SIZE,
        key=lambda e: [e.published_at, e.id],
        descending=True,
    )
    return render_template(
        "public/library.html",
        page=page,
        kind=kind,
        region=region,
        q=q,
        types=list(DisputeType),
        regions=lib.library_regions(),
    )


@bp.route("/library/<int:entry_id>")
def library_entry(entry_id: int):
    entry = lib.published_entry(entry_id)
    if entry is None:
        abort(404)
    return render_template("public/library_entry.html", e=entry, parts=lib.PARTS)
