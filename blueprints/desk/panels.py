"""The desk's panels on the shared case page: screening (accept / not accept) and dispatch
(with the routing suggestion, then the presiding mediator).

Forms built here pass `formdata=None`: the page may be re-rendered after a failed POST of
another panel, and a form must not pick up that request's fields. A failed form of this face
comes back through `overrides[<panel name>]` and takes the place of its fresh twin.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from blueprints.cases.panels import Panel, panel
from blueprints.desk.forms import AcceptForm, AssignForm, DispatchForm, NotAcceptForm
from domain.dispatch import eligible_mediators
from domain.permissions import can_assign, can_dispatch, can_screen
from domain.routing import dispatch_targets, suggest_organisation
from models import Case, User
from models.enums import Role
from models.states import CaseState

SCREEN = "screen"
DISPATCH = "dispatch"

# Shown as plain text under the advice field (MOJ-2002 Art. 24: say where to go instead).
REDIRECT_EXAMPLES = (
    _l("The people's court: sue, or apply for a payment order."),
    _l("The labour dispute arbitration commission: wages, dismissal, injury at work."),
    _l("The police station: violence, threats or other public-order matters."),
    _l("The competent administrative department, e.g. natural resources for land titles."),
)


def _fresh(form_cls, prefix: str, case: Case, failed: Any):
    """The failed form of this kind if there is one, else an empty one for this case."""
    if isinstance(failed, form_cls):
        return failed
    return form_cls(formdata=None, prefix=prefix, version=case.version)


@panel(10)
def screen_panel(case: Case, user: User, overrides: dict[str, Any]) -> Panel | None:
    """Accept or not accept a registered case: clerks and leaders in scope."""
    if case.state != CaseState.REGISTERED or not can_screen(user, case):
        return None
    failed = overrides.get(SCREEN)
    return Panel(
        SCREEN,
        "desk/partials/screen_panel.html",
        {
            "accept": _fresh(AcceptForm, "accept", case, failed),
            "not_accept": _fresh(NotAcceptForm, "not_accept", case, failed),
            "open": "not_accept" if isinstance(failed, NotAcceptForm) else None,
            "examples": REDIRECT_EXAMPLES,
        },
    )


def organisation_choices(targets, suggested) -> list[SelectChoice]:
    out = []
    for org in targets:
        label = org.name
        if suggested is not None and org.id == suggested.id:
            label = _l("%(name)s (suggested)", name=org.name)
        out.append(SelectChoice(org.id, label))
    return out


def mediator_choices(mediators: list[User]) -> list[SelectChoice]:
    out = [SelectChoice("", _l("Choose a mediator"))]
    for u in mediators:
        label = u.name if u.role == Role.MEDIATOR else _l("%(name)s (director)", name=u.name)
        out.append(SelectChoice(u.id, label))
    return out


@panel(20)
def dispatch_panel(case: Case, user: User, overrides: dict[str, Any]) -> Panel | None:
    """Send an accepted case to an organisation (suggestion preselected); once dispatched,
    name the presiding mediator: clerks and leaders in scope."""
    if case.state not in (CaseState.ACCEPTED, CaseState.DISPATCHED):
        return None
    if not can_dispatch(user, case):
        return None
    failed = overrides.get(DISPATCH)
    suggestion = suggest_organisation(case)
    suggested = suggestion.organisation if suggestion else None
    dispatch = _fresh(DispatchForm, "dispatch", case, failed)
    dispatch.organisation.choices = organisation_choices(dispatch_targets(case), suggested)
    if dispatch.organisation.data is None and suggested is not None:
        dispatch.organisation.data = suggested.id
    assign = None
    if case.state == CaseState.DISPATCHED and can_assign(user, case):
        assign = _fresh(AssignForm, "assign", case, failed)
        assign.mediator.choices = mediator_choices(eligible_mediators(case))
    return Panel(
        DISPATCH,
        "desk/partials/dispatch_panel.html",
        {
            "suggestion": suggestion,
            "dispatch": dispatch,
            "assign": assign,
            # After a failed re-dispatch of a dispatched case, keep that form open.
            "redispatch_open": isinstance(failed, DispatchForm),
        },
    )


PROVIDERS = {SCREEN: screen_panel, DISPATCH: dispatch_panel}
