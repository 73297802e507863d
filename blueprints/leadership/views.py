"""The leadership hub and the one way its forms are answered."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, make_response, render_template
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from blueprints.actions import attach_error
from blueprints.htmx import redirect_303
from blueprints.leadership import bp
from domain import leadership as lead
from domain.calendar import local_today
from domain.errors import DomainError
from extensions import db


def run(form, call: Callable[[], object], done: str, then: Callable[[], str]):
    """Validate `form`, run the domain `call` and commit; a 303 to `then()` with `done`, or
    None (the caller shows the page again with the messages beside the fields, what was typed
    kept). A colleague's change meanwhile (the version) is reported as StaleMatter."""
    if not form.validate_on_submit():
        return None
    try:
        call()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    except StaleDataError:
        db.session.rollback()
        attach_error(form, lead.StaleMatter())
        return None
    flash(done, "success")
    return redirect_303(then())


# The printed pages (minutes, the file of a supervision order) carry their own styles, as the
# case file's documents do (blueprints/cases/documents.py).
PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self'"


def printed(html: str):
    response = make_response(html)
    response.headers["Content-Security-Policy"] = PRINT_CSP
    return response


@bp.context_processor
def _labels():
    return {"record_label": lambda action: lead.RECORD_LABELS.get(action, action)}


def found(row):
    """A row loaded through its scope rule, or 404."""
    if row is None:
        abort(404)
    return row


@bp.route("/")
def home():
    """What needs the user's attention: their 包案, orders, decisions and receptions."""
    import sqlalchemy as sa

    from models.leadership import LeadAssignment, SupervisionOrder

    user = current_user._get_current_object()
    today = local_today()
    assignments = list(
        db.session.scalars(
            sa.select(LeadAssignment)
            .where(lead.assignment_scope(user), LeadAssignment.closed_at.is_(None))
            .order_by(LeadAssignment.due_on)
            .limit(20)
        )
    )
    addressed = list(
        db.session.scalars(
            sa.select(SupervisionOrder)
            .where(
                SupervisionOrder.to_org_id == user.organisation_id,
                SupervisionOrder.status != "closed",
            )
            .order_by(SupervisionOrder.due_on)
            .limit(20)
        )
    )
    return render_template(
        "leadership/home.html",
        today=today,
        assignments=assignments,
        addressed=addressed,
        decisions=lead.decisions_owed_by(user),
        slots=lead.upcoming_slots(lead.slot_scope(user))[:10],
        lead=lead,
    )
