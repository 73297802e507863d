"""Riding out a dropped database connection on the citizen's pages.

A database restart or failover drops every pooled connection. `pool_pre_ping` replaces a dead
connection when a request takes one, but a request already inside its transaction fails with
it, and a citizen who has just typed a whole application must not lose it to that. The views
that take what a citizen typed run once more after a short pause (the application form's
one-time token keeps a second run from filing a second case); if the database is still away,
the page is shown again with everything typed and a "please try again in a moment" message:
503 with Retry-After, never a 500. Other public pages answer such an error with a 503 page
saying the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import current_app, make_response, render_template, request
from flask_babel import lazy_gettext as _l

from blueprints.htmx import is_htmx
from blueprints.public import bp
from extensions import db

# What the browser and the citizen are told: a restart takes seconds.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE = _l("We could not reach our records just now. Please try again in a moment.")

# PostgreSQL error classes a second try may not meet: connection exception (08), transaction
# rollback (40: serialization failure, deadlock), insufficient resources (53), operator
# intervention (57: shutdown, "the database system is starting up"), system error (58).
_TRANSIENT_CLASSES = ("08", "40", "53", "57", "58")


def is_transient(error: BaseException) -> bool:
    """A database error that a second try may not meet: the connection dropped or could not be
    made (PostgreSQL restarting or shutting down), or SQLite busy with another writer."""
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, sa.exc.OperationalError):
        return False
    if type(error.orig).__module__.startswith("sqlite3"):
        text = str(error.orig).lower()
        return "database is locked" in text or "database is busy" in text
    sqlstate = getattr(error.orig, "sqlstate", None)
    # No SQLSTATE: the server never answered (connection refused, closed unexpectedly).
    return sqlstate is None or sqlstate[:2] in _TRANSIENT_CLASSES


def _reset_session() -> None:
    """Forget the failed transaction (its connection may be gone: then the session is
    replaced, and the next statement takes a fresh connection from the pool)."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.remove()


def unavailable_page():
    """The generic answer when the database cannot be reached (status set by the caller)."""
    if is_htmx():
        # Swapped into the flash region: the form in the browser keeps what was typed.
        return render_template("errors/fragment.html", status=503, message=UNAVAILABLE)
    return render_template("errors/503.html", status=503, message=None)


def unavailable(body):
    """`body` as a 503 answer that asks to come back in a moment."""
    response = make_response(body)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def retried(fallback: Callable = unavailable_page):
    """Decorate a view: on a transient database error, roll back, wait a moment
    (DB_RETRY_SECONDS) and run the view once more; when that fails too, answer 503 with
    `fallback()`, which must not touch the database (the page again with what was typed)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            for attempt in (1, 2):
                try:
                    return view(*args, **kwargs)
                except sa.exc.DBAPIError as error:
                    if not is_transient(error):
                        raise
                    _reset_session()
                    # No request data in the log: only where and what kind of failure.
                    current_app.logger.warning(
                        "database unavailable in %s (attempt %d): %s",
                        request.endpoint,
                        attempt,
                        type(error.orig).__name__,
                    )
                if attempt == 1:
                    time.sleep(current_app.config["DB_RETRY_SECONDS"])
            return unavailable(fallback(*args, **kwargs))

        return wrapper

    return decorate


@bp.errorhandler(sa.exc.DBAPIError)
def database_error(error: sa.exc.DBAPIError):
    """Any other public page meeting a transient database error: a 503 page asking to try
    again in a moment (reading pages are simply reloaded). Other errors stay 500s."""
    if not is_transient(error):
        raise error
    _reset_session()
    current_app.logger.warning(
        "database unavailable in %s: %s", request.endpoint, type(error.orig).__name__
    )
    return unavailable(unavailable_page())


@bp.after_request
def end_transaction(response):
    """End the request's transaction as soon as its answer is made. A connection the server
    ends after that (a restart) would otherwise fail the ROLLBACK at teardown and turn a page
    already made into a 500; here the dead connection is dropped and the page goes out."""
    try:
        db.session.close()
    except sa.exc.DBAPIError as error:
        if not is_transient(error):
            raise
    return response
