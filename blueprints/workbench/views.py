"""The mediator's workbench: "My cases" by deadline, and the case actions of the workbench
panels (assignment by directors, session records, agreement, failure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blueprints.actions import run_action
from blueprints.cases.views import load_case, unsaved_text, whole_page
from blueprints.htmx import htmx_target, is_htmx, redirect_303, render
from blueprints.pagination import keyset_page
from blueprints.workbench import bp
from blueprints.workbench.forms import (
    AgreementForm,
    AssignForm,
    FailureForm,
    SessionForm,
    parse_terms,
)
from blueprints.workbench.panels import ASSIGN, OUTCOME, PROVIDERS, SESSION, mediator_choices
from domain import dispatch, mediation
from domain.clocks import local_today
from domain.errors import DomainError, StaleCase
from domain.permissions import can_assign, can_record, case_scope
from domain.states import CaseState
from extensions import db
from models import Case, CaseMediator, User
from models.enums import AgreementKind, Role, SessionMode

DUE_FILTERS = ("overdue", "soon")


# ---- "My cases" -------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


def _due_window() -> tuple[date, date]:
    today = local_today()
    return today, today + timedelta(days=current_app.config["DUE_SOON_DAYS"])


def _cases_page(user: User, state: CaseState, due: str | None, cursor: str | None):
    """One keyset page of `user`'s cases in `state`, by deadline then id."""
    stmt = (
        sa.select(Case)
        .where(Case.state == state, case_scope(user))
        .options(
            selectinload(Case.parties), selectinload(Case.mediators).joinedload(CaseMediator.user)
        )
    )
    today, soon = _due_window()
    if due == "overdue":
        stmt = stmt.where(Case.due_on < today)
    elif due == "soon":
        stmt = stmt.where(Case.due_on >= today, Case.due_on <= soon)
    return keyset_page(
        stmt,
        [Case.due_on, Case.id],
        [date, int],
        cursor,
        current_app.config["PAGE_SIZE"],
        key=lambda c: [c.due_on, c.id],
    )


def _summary(user: User, states: list[CaseState]) -> dict[str, int]:
    """Counts for this user's queue in one aggregate query over their scope only."""
    today, soon = _due_window()
    one = sa.literal_column("1")
    row = db.session.execute(
        sa.select(
            sa.func.count(one).label("open"),
            sa.func.count(one).filter(Case.due_on < today).label("overdue"),
            sa.func.count(one).filter(Case.due_on.between(today, soon)).label("due_soon"),
            sa.func.count(one).filter(Case.state == CaseState.DISPATCHED).label("waiting"),
        ).where(Case.state.in_(states), case_scope(user))
    ).one()
    return row._asdict()


@bp.route("/")
def queue():
    """My cases by deadline, and for directors the cases waiting for a mediator
    (mediator, director)."""
    user = _me()
    due = request.args.get("due") if request.args.get("due") in DUE_FILTERS else None
    director = user.role == Role.DIRECTOR
    page = _cases_page(user, CaseState.MEDIATING, due, request.args.get("cursor"))
    waiting = (
        _cases_page(user, CaseState.DISPATCHED, None, request.args.get("wcursor"))
        if director
        else None
    )
    states = [CaseState.MEDIATING, CaseState.DISPATCHED] if director else [CaseState.MEDIATING]
    choices = (
        mediator_choices(dispatch.eligible_mediators(waiting.items[0]))
        if (waiting and waiting.items)
        else []
    )
    fragment = (
        "workbench/partials/waiting_rows.html"
        if htmx_target() == "waiting-more"
        else "workbench/partials/queue_rows.html"
    )
    return render(
        "workbench/queue.html",
        fragment,
        targets=("queue-more", "queue-rows", "waiting-more"),
        cases=page,
        waiting=waiting,
        due=due,
        director=director,
        choices=choices,
        summary=_summary(user, states),
    )


# ---- Case actions -----------------------------------------------------------------------


def _show_errors(case: Case, name: str, form, error: DomainError | None):
    """Re-render after a refused action: htmx gets the panel alone; without JS, or when the
    panel no longer applies or the case changed meanwhile, the whole current case page."""
    if isinstance(error, StaleCase):
        # Keep the user's input but let them resubmit against the version they now see.
        form.version.data, form.version.raw_data = case.version, [str(case.version)]
    p = PROVIDERS[name](case, _me(), {name: form})
    if error is not None and (p is None or isinstance(error, StaleCase)):
        flash(error.message, "error")
    elif error is not None and error.field and hasattr(form, error.field):
        getattr(form, error.field).errors.append(error.message)
    elif error is not None:
        form.form_errors.append(error.message)
    if p is None:  # the case moved on: this panel is gone, so show back what was typed
        return whole_page(case, unsaved=unsaved_text(form))
    if is_htmx() and not isinstance(error, StaleCase):
        return render_template(p.template, case=case, p=p)
    return whole_page(case, overrides={name: form})


def _act(
    case: Case, name: str, form, done: str, call: Callable[[], object], back: str | None = None
):
    """Validate `form`, run the domain call, then redirect (success) or show the errors.
    With `back` (a page of ours), success and failure both return there with a message."""
    error = None
    if form.validate_on_submit():
        error = run_action(call)
        if error is None:
            flash(done, "success")
            return redirect_303(back or url_for("cases.detail", number=case.number))
    if back:
        messages = [error.message] if error else [m for f in form for m in f.errors]
        for message in messages:
            flash(message, "error")
        return redirect_303(back)
    return _show_errors(case, name, form, error)


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


@bp.route("/case/<number>/assign", methods=["POST"])
def assign(number: str):
    """Choose or change a case's presiding mediator (the handling committee's director)."""
    case, user = load_case(number), _me()
    if user.role != Role.DIRECTOR or not can_assign(user, case):
        abort(403)
    form = AssignForm(prefix="assign")
    back = url_for("workbench.queue") if request.form.get("from") == "queue" else None
    return _act(
        case,
        ASSIGN,
        form,
        _("Mediator assigned to case %(number)s.", number=case.number),
        lambda: dispatch.assign_mediator(
            case, _user(form.mediator.data), user, version=form.version.data
        ),
        back=back,
    )


@bp.route("/case/<number>/session", methods=["POST"])
def record_session(number: str):
    """Record a mediation session (the case's mediator, the committee director)."""
    case, user = load_case(number), _me()
    if not can_record(user, case):
        abort(403)
    form = SessionForm(prefix="session")
    return _act(
        case,
        SESSION,
        form,
        _("Session recorded."),
        lambda: mediation.record_session(
            case,
            user,
            version=form.version.data,
            held_at=form.held_at_utc(),
            place=form.place.data or "",
            mode=SessionMode(form.mode.data),
            notes=form.notes.data,
        ),
    )


@bp.route("/case/<number>/agreement", methods=["POST"])
def record_agreement(number: str):
    """Record the agreement that ends mediation (the case's mediator, the committee director)."""
    case, user = load_case(number), _me()
    if not can_record(user, case):
        abort(403)
    form = AgreementForm(prefix="agreement")
    return _act(
        case,
        OUTCOME,
        form,
        _("Agreement recorded. The case is closed."),
        lambda: mediation.record_agreement(
            case,
            user,
            version=form.version.data,
            data=mediation.AgreementData(
                kind=AgreementKind(form.kind.data),
                terms=parse_terms(form.terms.data),
                agreed_on=form.agreed_on.data,
                performance_manner=form.performance_manner.data,
                performance_place=form.performance_place.data,
                performance_deadline=form.performance_deadline.data,
            ),
        ),
    )


@bp.route("/case/<number>/failure", methods=["POST"])
def record_failure(number: str):
    """Record that mediation failed (the case's mediator, the committee director)."""
    case, user = load_case(number), _me()
    if not can_record(user, case):
        abort(403)
    form = FailureForm(prefix="failure")
    return _act(
        case,
        OUTCOME,
        form,
        _("Mediation recorded as failed. The case is closed."),
        lambda: mediation.record_failure(
            case, user, version=form.version.data, reason=form.reason.data
        ),
    )
