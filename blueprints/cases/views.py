"""The shared staff case page: facts, parties (masked), timeline, and the action panels that
the user's role allows. Actions themselves are POST endpoints of desk/ and workbench/."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, make_response, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blueprints.auth.forms import EmptyForm
from blueprints.cases import bp
from blueprints.cases.panels import panels_for
from blueprints.htmx import is_htmx
from domain.errors import NotPermitted
from domain.permissions import can_reveal_pii, case_scope
from domain.privacy import reveal_party_details
from extensions import db
from models import Case, CaseMediator, Event, Party


def load_case(number: str) -> Case:
    """Load a case the current user may see, with what the case page shows; 404 otherwise."""
    stmt = (
        sa.select(Case)
        .where(Case.number == number, case_scope(current_user))
        .options(
            selectinload(Case.parties),
            selectinload(Case.mediators).joinedload(CaseMediator.user),
            selectinload(Case.events).joinedload(Event.actor),
            selectinload(Case.sessions),
            selectinload(Case.agreement),
        )
    )
    case = db.session.scalars(stmt).first()
    if case is None:
        abort(404)
    return case


def detail_context(case: Case, overrides: dict[str, Any] | None = None, **extra) -> dict:
    return {
        "case": case,
        "unsaved": extra.pop("unsaved", []),
        "panels": panels_for(case, current_user, overrides),
        "may_reveal": can_reveal_pii(current_user, case),
        "revealed": extra.pop("revealed", set()),
        "reveal_form": EmptyForm(),
        **extra,
    }


def render_detail(case: Case, overrides: dict[str, Any] | None = None, status: int = 200, **extra):
    """The full case page; used by GET and by action endpoints after a failed no-JS POST."""
    return render_template("cases/detail.html", **detail_context(case, overrides, **extra)), status


def unsaved_text(form) -> list[tuple[str, str]]:
    """What the user typed into a form whose panel can no longer be shown (the case moved on
    meanwhile): shown back so nothing typed is lost."""
    return [
        (str(f.label.text), f.data)
        for f in form
        if f.type in ("StringField", "TextAreaField") and isinstance(f.data, str) and f.data.strip()
    ]


def whole_page(case: Case, overrides: dict[str, Any] | None = None, **extra):
    """The whole current case page after a refused action. An htmx request gets it swapped
    into <main>, so the header, panels and timeline all show the case as it is now."""
    body, status = render_detail(case, overrides, **extra)
    response = make_response(body, status)
    if is_htmx():
        response.headers.update(
            {
                "HX-Retarget": "#main",
                "HX-Reselect": "#main",
                "HX-Reswap": "outerHTML show:window:top",
            }
        )
    return response


@bp.route("/<number>")
def detail(number: str):
    """Case page (any staff role, within their scope)."""
    return render_detail(load_case(number))


@bp.route("/<number>/parties/<int:party_id>/reveal", methods=["POST"])
def reveal_party(number: str, party_id: int):
    """Show one party's full ID number, phone and address; recorded on the timeline
    (clerk, director, the case's mediator)."""
    case = load_case(number)
    party = db.session.get(Party, party_id)
    if party is None or party.case_id != case.id:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        reveal_party_details(case, party, current_user)
    except NotPermitted:
        abort(403)
    db.session.commit()
    if is_htmx():
        return render_template(
            "cases/partials/party.html",
            case=case,
            party=party,
            revealed={party.id},
            may_reveal=True,
            reveal_form=form,
        )
    return render_detail(case, revealed={party.id})
