"""The presiding mediator on the case page: the desk names one once the case is dispatched,
the handling committee's director chooses or changes one (PML Art. 19: the parties may also
choose the mediator). Form, panel, action; the director's queue posts here too."""

from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm, optional_int
from blueprints.panels import Panel, fresh, panel
from domain.dispatch import assign_mediator, eligible_mediators
from domain.permissions import can_assign
from extensions import db
from models import Case, User
from models.enums import Role

ASSIGN = "assign_mediator"


class AssignForm(CaseActionForm):
    mediator = SelectField(
        _l("Presiding mediator"),
        coerce=optional_int,
        validate_choice=False,  # eligibility is a workflow rule: domain.dispatch checks it
        validators=[InputRequired(_l("Choose a mediator."))],
    )
    chosen_by_parties = BooleanField(_l("The parties chose this mediator (PML Art. 19)"))


def mediator_choices(mediators: list[User]) -> list[SelectChoice]:
    """Options of a mediator select: a blank prompt, then the eligible people."""
    out = [SelectChoice("", _("Choose a mediator"))]
    for u in mediators:
        label = u.name if u.role == Role.MEDIATOR else _("%(name)s (director)", name=u.name)
        out.append(SelectChoice(u.id, label))
    return out


@panel(ASSIGN)
def assign_panel(case: Case, user: User) -> Panel | None:
    """Choose or change the presiding mediator (domain.permissions, Work.NAME_MEDIATOR: the
    desk while the dispatched case waits for one; the handling committee's director then and
    while mediation goes on)."""
    if not can_assign(user, case):
        return None

    def assign_form(failed):
        form = fresh(AssignForm, case, "assign")(failed)
        form.mediator.choices = mediator_choices(eligible_mediators(case))
        return form

    return Panel(
        ASSIGN,
        "cases/partials/assign_panel.html",
        {"current": case.presiding_mediator},
        forms={"assign": assign_form},
    )


@bp.route("/<number>/assign", methods=["POST"])
def assign(number: str):
    """Name or change a case's presiding mediator (the desk while the dispatched case waits
    for one; the handling committee's director). From the director's queue (`from=queue`) the
    answer goes back there."""
    case, user = load_case(number), current_user._get_current_object()
    if not can_assign(user, case):
        abort(403)
    form = AssignForm(prefix="assign")
    back = url_for("workbench.queue") if request.form.get("from") == "queue" else None
    return panel_action(
        case,
        ASSIGN,
        form,
        _("Mediator assigned to case %(number)s.", number=case.number),
        lambda: assign_mediator(
            case,
            db.session.get(User, form.mediator.data) if form.mediator.data else None,
            user,
            version=form.version.data,
            chosen_by_parties=bool(form.chosen_by_parties.data),
        ),
        back=back,
    )
