"""The one helper that decides between a full page and an htmx fragment."""

from __future__ import annotations

from flask import make_response, render_template, request


def is_htmx() -> bool:
    """A request from htmx that targets a region (not a boosted navigation)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def htmx_target() -> str | None:
    return request.headers.get("HX-Target") if is_htmx() else None


def render(page: str, fragment: str | None = None, /, *, targets: tuple[str, ...] = (), **context):
    """Render `fragment` for an htmx request aimed at one of `targets` (or at any region when
    `targets` is empty), otherwise the full `page`. Both get the same context."""
    use_fragment = fragment is not None and is_htmx()
    if use_fragment and targets:
        use_fragment = htmx_target() in targets
    response = make_response(render_template(fragment if use_fragment else page, **context))
    response.vary.add("HX-Request")
    return response


def redirect_303(url: str):
    """After a POST: htmx follows HX-Redirect (a plain redirect would be swapped in place);
    a browser follows 303."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    response = make_response("", 303)
    response.headers["Location"] = url
    return response
