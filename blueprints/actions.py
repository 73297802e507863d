"""Running a case action from a view: domain errors become messages, concurrent edits become
StaleCase, and the commit happens once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm.exc import StaleDataError

from domain.errors import DomainError, StaleCase
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


def _holds(value, form) -> bool:
    """Whether `form` is somewhere in a panel's context (dicts and lists searched)."""
    if value is form:
        return True
    if isinstance(value, dict):
        return any(_holds(v, form) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds(v, form) for v in value)
    return False


def panel_action(
    case, name: str, form, done, call: Callable[[], object], *, provider, override=None
):
    """The one way a case-page panel answers a POST.

    Validate `form` and run the domain `call`. On success: flash `done` (a string, or a
    callable for a message that depends on the outcome) and go back to the case page (303, or
    HX-Redirect for htmx). When refused: the message goes beside its field or at the top of
    the form; htmx gets the panel alone, re-rendered by `provider` with the user's input
    (`override` when the panel wants another object than the form). When the case changed
    meanwhile (stale version, or the action no longer fits its state), or the form is no
    longer on the page, the whole current case page comes back with the message, keeping
    what was typed — in the form, or in the "not saved" box.
    """
    from flask import flash, render_template, url_for
    from flask_login import current_user

    from blueprints.cases.views import unsaved_text, whole_page
    from blueprints.htmx import is_htmx, redirect_303
    from domain.errors import InvalidTransition

    error = None
    if form.validate_on_submit():
        error = run_action(call)
        if error is None:
            flash(done() if callable(done) else done, "success")
            return redirect_303(url_for("cases.detail", number=case.number))
    moved_on = isinstance(error, StaleCase | InvalidTransition)
    if moved_on:  # keep the input, but let the user resubmit against what they now see
        form.version.data, form.version.raw_data = case.version, [str(case.version)]
    override = form if override is None else override
    p = provider(case, current_user._get_current_object(), {name: override})
    shown = p is not None and _holds(p.context, form)
    if error is not None and (not shown or moved_on):
        flash(error.message, "error")
    elif error is not None and error.field and hasattr(form, error.field):
        getattr(form, error.field).errors.append(error.message)
    elif error is not None:
        form.form_errors.append(error.message)
    if not shown:  # the case moved on: this form is gone, so show back what was typed
        return whole_page(case, unsaved=unsaved_text(form))
    if is_htmx() and not moved_on:
        return render_template(p.template, case=case, p=p)
    return whole_page(case, overrides={name: override})
