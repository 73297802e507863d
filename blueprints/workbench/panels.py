"""The workbench's panels on the shared case page: assignment (directors), session record and
outcome (the case's mediator or the committee director).

Forms built here pass `formdata=None`: the page may be re-rendered after a failed POST of
another panel, and a form must not pick up that request's fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms import SelectChoice

from blueprints.cases.panels import Panel, panel
from blueprints.workbench.forms import AgreementForm, AssignForm, FailureForm, SessionForm
from domain.dispatch import eligible_mediators
from domain.permissions import can_assign, can_record
from domain.states import CaseState
from models import Case, User
from models.enums import Role

ASSIGN = "assign_mediator"
SESSION = "session"
OUTCOME = "outcome"


def mediator_choices(mediators: list[User]) -> list[SelectChoice]:
    """Options of the mediator select: a blank prompt, then the eligible people."""
    out = [SelectChoice("", _("Choose a mediator"))]
    for u in mediators:
        label = u.name if u.role == Role.MEDIATOR else _("%(name)s (director)", name=u.name)
        out.append(SelectChoice(u.id, label))
    return out


@panel(30)
def assign_panel(case: Case, user: User, overrides: dict[str, Any]) -> Panel | None:
    """Choose or change the presiding mediator: the handling committee's director only (the
    desk has its own assignment panel for clerks)."""
    if case.state not in (CaseState.DISPATCHED, CaseState.MEDIATING):
        return None
    if user.role != Role.DIRECTOR or not can_assign(user, case):
        return None
    form = overrides.get(ASSIGN) or AssignForm(formdata=None, prefix="assign", version=case.version)
    form.mediator.choices = mediator_choices(eligible_mediators(case))
    return Panel(
        ASSIGN,
        "workbench/partials/assign_panel.html",
        {
            "form": form,
            "current": case.presiding_mediator,
        },
    )


@panel(40)
def session_panel(case: Case, user: User, overrides: dict[str, Any]) -> Panel | None:
    """Record a mediation session: while mediating, for whoever may record."""
    if case.state != CaseState.MEDIATING or not can_record(user, case):
        return None
    form = overrides.get(SESSION) or SessionForm(
        formdata=None, prefix="session", version=case.version
    )
    return Panel(SESSION, "workbench/partials/session_panel.html", {"form": form})


@panel(50)
def outcome_panel(case: Case, user: User, overrides: dict[str, Any]) -> Panel | None:
    """Record the outcome, agreement or failure: while mediating, for whoever may record.
    `overrides["outcome"]` is whichever of the two forms failed."""
    if case.state != CaseState.MEDIATING or not can_record(user, case):
        return None
    failed = overrides.get(OUTCOME)
    agreement = (
        failed
        if isinstance(failed, AgreementForm)
        else AgreementForm(formdata=None, prefix="agreement", version=case.version)
    )
    failure = (
        failed
        if isinstance(failed, FailureForm)
        else FailureForm(formdata=None, prefix="failure", version=case.version)
    )
    return Panel(
        OUTCOME,
        "workbench/partials/outcome_panel.html",
        {
            "agreement": agreement,
            "failure": failure,
        },
    )


PROVIDERS = {ASSIGN: assign_panel, SESSION: session_panel, OUTCOME: outcome_panel}
