"""The workbench's panels on the shared case page: assignment (directors); the session and
investigation records are in records.py, the outcome panels in outcomes.py.

Forms built here pass `formdata=None`: the page may be re-rendered after a failed POST of
another panel, and a form must not pick up that request's fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms import SelectChoice

from blueprints.cases.panels import Panel, panel
from blueprints.workbench.forms import AssignForm
from domain.dispatch import eligible_mediators
from domain.permissions import can_assign
from models import Case, User
from models.enums import Role
from models.states import CaseState

ASSIGN = "assign_mediator"


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


# Every workbench panel by name, for re-rendering after a refused action; other modules of
# the blueprint add theirs (outcomes.py).
PROVIDERS = {ASSIGN: assign_panel}
