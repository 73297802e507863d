"""Find people and cases: one search box for every staff role, searching the user's area (the
one scoping rule) by case number, party name, phone or ID number (domain/search.py).

Why the box POSTs, and when the query reaches the URL. ID numbers and phones must never appear
in a URL: URLs are written to access logs (ours and the proxy's), to the browser's history and
into Referer headers. So the box always POSTs (with its CSRF token), whatever was typed, and
the server reads the kind:

- a case number or a name (which the oversight list already puts in its URL) is answered with
  a 303 to `GET /search/?q=…`, so the results can be bookmarked, reloaded and paged by links;
- a phone or an ID number is answered by the POST response itself, and its next page is
  another POST carrying the query and the cursor in hidden fields;
- text that merely might be one (more than six digits, unless in the shape of a case number:
  domain.search.fits_in_url) is never redirected either, whatever kind was chosen; and a GET
  carrying such text is not searched but redirected to the bare page (whose links, such as
  the language switch, would otherwise repeat it).

With htmx the POST answers the region alone and sets HX-Push-Url to the same bookmarkable URL
(names, numbers) or to the bare page (phones, ID numbers). Nothing here logs the query.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import load_only, selectinload

from blueprints.desk.views import place_names
from blueprints.htmx import is_htmx, render
from blueprints.pagination import keyset_page
from blueprints.search import bp
from blueprints.search.forms import SearchForm
from domain.search import (
    SearchQuery,
    SearchRefused,
    cases_found,
    count_found,
    fits_in_url,
    matching_party,
    ordering,
    parse_query,
)
from models import Case

NOT_IN_URL = _l(
    "Phones and ID numbers are never searched from the address bar. Type it in the box."
)


@bp.route("/", methods=["GET", "POST"])
def search():
    """The search page, and its results (every staff role, within their scope)."""
    posted = request.method == "POST"
    if not posted and not fits_in_url(request.args.get("q")):
        # Someone put a phone or ID number into the address: not searched, and not kept in
        # the page either (its links, such as the language switch, repeat the address).
        flash(NOT_IN_URL, "warning")
        return redirect(url_for("search.search"), 303)
    # A GET carries no token (its searches change nothing); a POST is checked by CSRFProtect.
    form = SearchForm(request.form) if posted else SearchForm(request.args, meta={"csrf": False})
    query = _read(form, posted)
    if query is not None and posted and _public(form, query) and not is_htmx():
        return redirect(url_for("search.search", **_url_args(form)), 303)
    context = {"form": form, "query": query, "page": None, "count": None, "parties": {}}
    if query is not None:
        context.update(_results(form, query, posted))
    response = render(
        "search/search.html",
        "search/partials/region.html",
        targets=("search-region",),
        **context,
    )
    if posted and is_htmx():
        # What the address bar should say: the bookmarkable search, or the bare page.
        public = query is not None and _public(form, query)
        response.headers["HX-Push-Url"] = url_for(
            "search.search", **(_url_args(form) if public else {})
        )
    return response


def _read(form: SearchForm, posted: bool) -> SearchQuery | None:
    """The query typed, or None (nothing asked yet, or refused: the reason is beside the box)."""
    if not posted and not request.args.get("q"):
        return None
    if not form.validate():
        return None
    try:
        return parse_query(form.q.data, form.chosen_kind())
    except SearchRefused as error:
        form.q.errors.append(error.message)
        return None


def _public(form: SearchForm, query: SearchQuery) -> bool:
    """May this search be put into a URL? Never a phone or ID number, nor anything like one."""
    return not query.private and fits_in_url(form.q.data)


def _url_args(form: SearchForm) -> dict[str, str]:
    return {k: v for k, v in (("q", form.q.data), ("kind", form.kind.data)) if v}


def _results(form: SearchForm, query: SearchQuery, posted: bool) -> dict:
    """One page of matching cases with their matching party, and how many there are where
    that is cheap. Statements: the page, its parties, their places, and for a phone or ID
    number the count; the same however many cases match."""
    after = form.after.data if posted else request.args.get("after")
    columns, kinds, key = ordering(query)
    # Only the columns a result row shows: a broad search sorts its matches before keeping a
    # page, and narrow rows make that sort much cheaper (the summary and claims are long).
    stmt = cases_found(current_user, query).options(
        load_only(
            Case.number,
            Case.state,
            Case.dispute_type,
            Case.region_code,
            Case.created_at,
            Case.risk_level,
            Case.police_report_owed,
        ),
        selectinload(Case.parties),
    )
    page = keyset_page(
        stmt,
        columns,
        kinds,
        after,
        current_app.config["PAGE_SIZE"],
        key=key,
        descending=True,
    )
    count = count_found(current_user, query)
    if count is None and not after and page.next_cursor is None:
        count = len(page.items)  # everything is on this first page: counted for free
    public = _public(form, query)
    return {
        "page": page,
        "count": count,
        "paged": bool(after),
        "parties": {case.id: matching_party(case, query) for case in page.items},
        "places": place_names(page.items),
        "public": public,
        "next_url": url_for("search.search", **_url_args(form), after=page.next_cursor)
        if public and page.next_cursor
        else None,
        "first_url": url_for("search.search", **_url_args(form)) if public else None,
    }
