"""The one way a case-page action is answered (see README, "How a case-page panel works").

An action view loads the case (404 outside the user's scope), checks the role (403), builds
its form from the request and hands both to `panel_action` with the domain call bound in a
lambda. Everything after that is the same for every panel: validation, the domain call and
one commit, the domain's refusal put beside its field, the answer for htmx and for a plain
POST, and what happens when a second tab or a colleague changed the case meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from blueprints.case_page import find_case, load_case, render_panel, unsaved_text, whole_page
from blueprints.htmx import is_htmx, redirect_303
from blueprints.panels import Opening, build
from domain.errors import DomainError, InvalidTransition, StaleCase
from extensions import db


def run_action(fn: Callable[[], object]) -> DomainError | None:
    """Call `fn` (a domain function with its arguments bound) and commit.

    Returns None on success, or the DomainError to show (after rolling back). A concurrent
    update detected by the ORM's version counter at commit time is reported as StaleCase.
    """
    try:
        fn()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        return error
    except StaleDataError:
        db.session.rollback()
        return StaleCase()
    return None


def attach_error(form, error: DomainError, *, unplaced: str = "form") -> None:
    """Put a domain error beside the field it names; otherwise at the top of the form, or
    with `unplaced="flash"` in the page's message area (pages whose forms have no summary)."""
    message = str(error.message)  # plain text: escaped wherever it is printed
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, message]
    elif unplaced == "flash":
        flash(message, "error")
    else:
        form.form_errors = [*form.form_errors, message]


def _holds(value, form) -> bool:
    """Whether `form` is what a panel's factory returned, or inside it (dicts, lists)."""
    if value is form:
        return True
    if isinstance(value, dict):
        return any(_holds(v, form) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds(v, form) for v in value)
    return False


def form_key(form) -> str:
    """A form's key in its panel: its prefix ("agreement-" → "agreement")."""
    return form._prefix.rstrip("-")


def panel_action(
    case,
    name: str,
    form,
    done: str | Callable[[], str],
    call: Callable[[], object],
    *,
    key: str | None = None,
    keep_open: bool = False,
    back: str | None = None,
    then: str | None = None,
):
    """Validate `form`, run the domain `call`, and answer.

    - Done: flash `done` (or `done()`, for a message that depends on the outcome) and show the
      case page at the panel `name` (htmx: the page swapped in and scrolled there; plain: a 303
      to the page's anchor). With `keep_open` the form `key` stays open there (a panel worked
      row by row, such as the documents). With `then` (a page of ours) go there instead; with
      `back` (e.g. the director's queue) go back there whether done or refused, with the
      message.
    - Refused: the message goes beside its field or at the top of the form, and the panel
      comes back with the form `key` (default: the form's prefix) open and what was typed in
      it: the fragment for htmx, the panel on its own page for a plain POST.
    - The case moved on (stale version, or the action no longer fits its state) or the form is
      no longer offered: the whole current page, with the message at the top and what was
      typed kept, in the form when it is still offered (with the new version, so a resubmit is
      deliberate) or else in a "not saved" box.
    """
    key = key or form_key(form)
    error = None
    if form.validate_on_submit():
        error = run_action(call)
        if error is None:
            flash(done() if callable(done) else done, "success")
            if back or then:
                return redirect_303(back or then)
            return _done(case, name, key if keep_open else None)
    if back:
        messages = [error.message] if error else [m for f in form for m in f.errors]
        for message in messages:
            flash(message, "error")
        return redirect_303(back)
    if error is not None:
        case = load_case(case.number)  # as it is now, after the rollback
    moved_on = isinstance(error, StaleCase | InvalidTransition)
    if moved_on and hasattr(form, "version"):
        form.version.data, form.version.raw_data = case.version, [str(case.version)]
    p = build(name, case, current_user, Opening(key, form))
    # Shown: the panel still offers this form and puts the refused one back (a record that
    # was signed meanwhile still opens, but without its correction form).
    shown = p is not None and p.opened == key and _holds(p.form(key), form)
    if error is not None and (moved_on or not shown):
        flash(error.message, "error")
    elif error is not None:
        attach_error(form, error)
    if not shown:
        if error is None:  # refused by the form itself, which is not on the page: say why
            for message in (m for messages in form.errors.values() for m in messages):
                flash(message, "error")
        return whole_page(case, unsaved=unsaved_text(form))
    if moved_on:
        return whole_page(case, (name, Opening(key, form)), focus=name)
    return render_panel(case, p)


def _done(case, name: str, key: str | None):
    number = case.number
    case = find_case(number)
    if case is None:  # the action took the case out of the user's hands (a transfer declined)
        return redirect_303(url_for("auth.home"))
    if is_htmx():
        return whole_page(case, (name, Opening(key)) if key else None, focus=name)
    params = {"open": f"{name}:{key}"} if key else {}
    return redirect_303(
        url_for("cases.detail", number=case.number, _anchor=f"panel-{name}", **params)
    )
