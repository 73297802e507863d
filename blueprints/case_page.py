"""Rendering the staff case page, whole or one panel at a time. The routes are in views.py;
the kit that answers a panel's POST is blueprints/actions.py."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, make_response, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from blueprints.auth.forms import EmptyForm
from blueprints.htmx import is_htmx
from blueprints.panels import ORDER, Opening, Panel, panels_for
from domain.permissions import can_reveal_pii, case_scope
from extensions import db
from models import Case, CaseMediator, Event


def find_case(number: str) -> Case | None:
    """The case if the current user may see it, with what the case page shows; else None."""
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
    return db.session.scalars(stmt).first()


def load_case(number: str) -> Case:
    """Load a case the current user may see, with what the case page shows; 404 otherwise."""
    case = find_case(number)
    if case is None:
        abort(404)
    return case


def parse_open(value: str | None) -> tuple[str, Opening] | None:
    """`?open=<panel>:<key>` on the case page: that panel's form shown open (after an action
    of a panel that stays open, such as the documents)."""
    name, _sep, key = (value or "").partition(":")
    if name not in ORDER or not key or len(key) > 64:
        return None
    return name, Opening(key)


def detail_context(
    case: Case,
    opened: tuple[str, Opening] | None = None,
    *,
    unsaved: list[tuple[str, str]] | None = None,
    revealed: set[int] | None = None,
) -> dict[str, Any]:
    return {
        "case": case,
        "unsaved": unsaved or [],
        "panels": panels_for(case, current_user, opened),
        "may_reveal": can_reveal_pii(current_user, case),
        "revealed": revealed or set(),
        "reveal_form": EmptyForm(),
    }


def render_detail(case: Case, opened: tuple[str, Opening] | None = None, **extra):
    """The full case page."""
    return render_template("cases/detail.html", **detail_context(case, opened, **extra))


def whole_page(
    case: Case,
    opened: tuple[str, Opening] | None = None,
    *,
    focus: str | None = None,
    unsaved: list[tuple[str, str]] | None = None,
):
    """The whole current case page after an action. An htmx request gets it swapped into
    <main> (header, panels and timeline all show the case as it is now), scrolled to the
    panel `focus` when it is still on the page, else to the top where the message is."""
    context = detail_context(case, opened, unsaved=unsaved)
    response = make_response(render_template("cases/detail.html", **context))
    response.vary.add("HX-Request")
    if is_htmx():
        shown = {p.name for p in context["panels"]}
        show = f"#panel-{focus}:top" if focus in shown and not unsaved else "window:top"
        response.headers.update(
            {"HX-Retarget": "#main", "HX-Reselect": "#main", "HX-Reswap": f"outerHTML show:{show}"}
        )
    return response


def render_panel(case: Case, p: Panel):
    """One panel: the fragment alone for htmx, else on a page of its own (the no-JS way to
    open a form, and where a refused no-JS POST comes back with its messages)."""
    template = p.template if is_htmx() else "cases/panel.html"
    response = make_response(render_template(template, case=case, p=p))
    response.vary.add("HX-Request")
    return response


def unsaved_text(form) -> list[tuple[str, str]]:
    """What the user typed into a form whose panel can no longer be shown (the case moved on
    meanwhile): shown back so nothing typed is lost."""
    return [
        (str(f.label.text), f.data)
        for f in form
        if f.type in ("StringField", "TextAreaField") and isinstance(f.data, str) and f.data.strip()
    ]
