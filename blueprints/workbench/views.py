"""The mediator's workbench: "My cases" by deadline, the joint mediations (those the user's
centre organises one level up, and the user's own cases sent there), the follow-up visits
due, and for directors the cases waiting for a mediator and the transfers to acknowledge.
The case-page panels of the workbench are in people.py, records.py, outcomes.py and
closing.py."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from blueprints.cases.assignment import mediator_choices
from blueprints.htmx import htmx_target, render
from blueprints.pagination import keyset_page
from blueprints.workbench import bp
from domain import aftercare, dispatch
from domain.clocks import due_soon_condition, local_today, overdue_condition
from domain.party_area import party_requests
from domain.permissions import case_scope
from domain.transfers import incoming_transfers
from extensions import db
from models import Case, CaseMediator, FollowUp, User
from models.enums import Role
from models.states import OPEN_STATES, CaseState

DUE_FILTERS = ("overdue", "soon")


# ---- "My cases" -------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


def _cases_page(user: User, state: CaseState, due: str | None, cursor: str | None):
    """One keyset page of `user`'s cases in `state`, by deadline then id."""
    stmt = (
        sa.select(Case)
        .where(Case.state == state, case_scope(user, incoming=False))
        .options(
            selectinload(Case.parties),
            selectinload(Case.mediators).joinedload(CaseMediator.user),
            joinedload(Case.handling_org),
            joinedload(Case.joint_org),
        )
    )
    today = local_today()
    if due == "overdue":
        stmt = stmt.where(overdue_condition(today))
    elif due == "soon":
        stmt = stmt.where(due_soon_condition(today))
    return keyset_page(
        stmt,
        [Case.due_on, Case.id],
        [date, int],
        cursor,
        current_app.config["PAGE_SIZE"],
        key=lambda c: [c.due_on, c.id],
    )


def _visits_page(user: User, cursor: str | None):
    """One keyset page of the open follow-up visits in `user`'s scope, earliest due first."""
    stmt = aftercare.open_visits(user).options(joinedload(FollowUp.case).selectinload(Case.parties))
    return keyset_page(
        stmt,
        [FollowUp.due_on, FollowUp.id],
        [date, int],
        cursor,
        current_app.config["PAGE_SIZE"],
        key=lambda v: [v.due_on, v.id],
    )


def _summary(user: User) -> dict[str, int]:
    """Counts over every open case this user works on, in one aggregate query over their scope
    only. Overdue and due soon are domain.clocks' definitions: a suspended case is never
    overdue (the leaders' list counts the same way)."""
    today = local_today()
    one = sa.literal_column("1")
    row = db.session.execute(
        sa.select(
            sa.func.count(one).label("open"),
            sa.func.count(one).filter(overdue_condition(today)).label("overdue"),
            sa.func.count(one).filter(due_soon_condition(today)).label("due_soon"),
            sa.func.count(one).filter(Case.state == CaseState.DISPATCHED).label("waiting"),
            sa.func.count(one).filter(Case.state == CaseState.SUSPENDED).label("suspended"),
        ).where(Case.state.in_(sorted(OPEN_STATES)), case_scope(user, incoming=False))
    ).one()
    return row._asdict()


@bp.route("/")
def queue():
    """My cases by deadline, the joint mediations, and for directors the cases waiting for a
    mediator (mediator, director)."""
    user = _me()
    due = request.args.get("due") if request.args.get("due") in DUE_FILTERS else None
    director = user.role == Role.DIRECTOR
    page = _cases_page(user, CaseState.MEDIATING, due, request.args.get("cursor"))
    # After two failures the centre one level up organises the joint mediation: the case is
    # in its staff's scope (domain.permissions.case_scope) and in this list, as in the
    # handling committee's.
    joint = _cases_page(user, CaseState.JOINT_MEDIATION, None, request.args.get("jcursor"))
    waiting = (
        _cases_page(user, CaseState.DISPATCHED, None, request.args.get("wcursor"))
        if director
        else None
    )
    suspended = _cases_page(user, CaseState.SUSPENDED, None, request.args.get("scursor"))
    choices = (
        mediator_choices(dispatch.eligible_mediators(waiting.items[0]))
        if (waiting and waiting.items)
        else []
    )
    fragment = {
        "waiting-more": "workbench/partials/waiting_rows.html",
        "visits-more": "workbench/partials/followup_rows.html",
        "joint-more": "workbench/partials/joint_rows.html",
        "suspended-more": "workbench/partials/suspended_rows.html",
    }.get(htmx_target(), "workbench/partials/queue_rows.html")
    return render(
        "workbench/queue.html",
        fragment,
        targets=(
            "queue-more",
            "queue-rows",
            "waiting-more",
            "visits-more",
            "joint-more",
            "suspended-more",
        ),
        cases=page,
        joint=joint,
        user_org_id=user.organisation_id,
        visits=_visits_page(user, request.args.get("vcursor")),
        today=local_today(),
        waiting=waiting,
        suspended=suspended,
        due=due,
        director=director,
        choices=choices,
        summary=_summary(user),
        transfers=incoming_transfers(user) if director else [],
        party_requests=party_requests(user),
    )
