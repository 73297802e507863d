"""Desk: screening (accept, or not accept with the channel to use instead) and dispatch (the
routing suggestion, then the organisation) on the case page. Forms, panels, actions.

MOJ-2002 Art. 24: a matter that is not accepted is answered with the body or channel the
person should turn to instead; the refusal is told to the applicant.
"""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.desk import bp
from blueprints.forms import CaseActionForm, optional_int
from blueprints.panels import Panel, fresh, panel
from domain import targets
from domain.dispatch import dispatch_to_organisation
from domain.errors import ValidationFailed
from domain.permissions import can_dispatch, can_screen
from domain.routing import suggest_organisation
from domain.screening import accept_case, not_accept_case
from models import Case, User
from models.states import CaseState

SCREEN = "screen"
DISPATCH = "dispatch"

# ---- forms ----------------------------------------------------------------------------------


class AcceptForm(CaseActionForm):
    note = TextAreaField(
        _l("Note for the case file (optional)"),
        validators=[Length(max=2000, message=_l("Keep the note under %(max)d characters."))],
        render_kw={"rows": 2},
    )


class NotAcceptForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why it is not accepted"),
        validators=[
            InputRequired(_l("Give the reason for not accepting.")),
            Length(max=2000, message=_l("Keep this under %(max)d characters.")),
        ],
        render_kw={"rows": 2},
    )
    redirect_advice = TextAreaField(
        _l("Which body or channel the person should use instead"),
        validators=[
            InputRequired(_l("Tell the applicant which body or channel to use instead.")),
            Length(max=2000, message=_l("Keep this under %(max)d characters.")),
        ],
        render_kw={"rows": 3},
    )


class DispatchForm(CaseActionForm):
    organisation = RadioField(
        _l("Send to"),
        coerce=optional_int,
        validate_choice=False,  # domain.targets checks the chosen one in the database
        validators=[InputRequired(_l("Choose the organisation that will handle the case."))],
    )
    reason = TextAreaField(
        _l("Reason for choosing a different organisation"),
        validators=[Length(max=2000, message=_l("Keep this under %(max)d characters."))],
        render_kw={"rows": 2},
    )


# Shown as plain text under the advice field (MOJ-2002 Art. 24: say where to go instead).
REDIRECT_EXAMPLES = (
    _l("The people's court: sue, or apply for a payment order."),
    _l("The labour dispute arbitration commission: wages, dismissal, injury at work."),
    _l("The police station: violence, threats or other public-order matters."),
    _l("The competent administrative department, e.g. natural resources for land titles."),
)


def organisation_choices(found, suggested) -> list[SelectChoice]:
    out = []
    for org in found:
        label = org.name
        if suggested is not None and org.id == suggested.id:
            label = _l("%(name)s (suggested)", name=org.name)
        out.append(SelectChoice(org.id, label))
    return out


# ---- panels ---------------------------------------------------------------------------------


@panel(SCREEN)
def screen_panel(case: Case, user: User) -> Panel | None:
    """Accept or not accept a registered case: the desk of its area."""
    if case.state != CaseState.REGISTERED or not can_screen(user, case):
        return None
    return Panel(
        SCREEN,
        "desk/partials/screen_panel.html",
        {"examples": REDIRECT_EXAMPLES},
        forms={
            "accept": fresh(AcceptForm, case, "accept"),
            "not_accept": fresh(NotAcceptForm, case, "not_accept"),
        },
    )


@panel(DISPATCH)
def dispatch_panel(case: Case, user: User) -> Panel | None:
    """Send an accepted case to an organisation (the suggestion preselected), or a dispatched
    one elsewhere while it waits for its mediator: the desk of its area."""
    if case.state not in (CaseState.ACCEPTED, CaseState.DISPATCHED):
        return None
    if not can_dispatch(user, case):
        return None
    suggestion = suggest_organisation(case)
    suggested = suggestion.organisation if suggestion else None

    def dispatch_form(failed):
        """The organisations of the case's county by what was typed (`?q=`), read in the
        database; the suggestion and the one already chosen stay in the list."""
        form = fresh(DispatchForm, case, "dispatch")(failed)
        if form.organisation.data is None and suggested is not None:
            form.organisation.data = suggested.id
        q = request.args.get("q", "")[:64]
        found = targets.dispatch_targets(case, q, targets.LIMIT + 1)
        form.truncated = targets.LIMIT if len(found) > targets.LIMIT else None
        found = found[: targets.LIMIT]
        chosen = form.organisation.data
        if chosen and chosen not in {o.id for o in found}:
            extra = targets.dispatch_target(case, chosen)
            found = [extra, *found] if extra else found
        form.organisation.choices = organisation_choices(found, suggested)
        form.q = q
        return form

    return Panel(
        DISPATCH,
        "desk/partials/dispatch_panel.html",
        {"suggestion": suggestion},
        forms={"dispatch": dispatch_form},
    )


# ---- actions --------------------------------------------------------------------------------


def _screening_case(number: str) -> Case:
    case = load_case(number)
    if not can_screen(current_user, case):
        abort(403)
    return case


@bp.route("/case/<number>/accept", methods=["POST"])
def accept(number: str):
    """Accept a registered case for mediation (the desk)."""
    case = _screening_case(number)
    form = AcceptForm(prefix="accept")
    return panel_action(
        case,
        SCREEN,
        form,
        _("Case accepted."),
        lambda: accept_case(
            case, current_user, version=form.version.data, note=form.note.data or None
        ),
    )


@bp.route("/case/<number>/not-accept", methods=["POST"])
def not_accept(number: str):
    """Not accept a registered case, saying where to go instead (the desk)."""
    case = _screening_case(number)
    form = NotAcceptForm(prefix="not_accept")
    return panel_action(
        case,
        SCREEN,
        form,
        _("Case not accepted."),
        lambda: not_accept_case(
            case,
            current_user,
            version=form.version.data,
            reason=form.reason.data,
            redirect_advice=form.redirect_advice.data,
        ),
    )


@bp.route("/case/<number>/dispatch", methods=["POST"])
def dispatch(number: str):
    """Dispatch an accepted case to a mediating organisation (the desk)."""
    case = load_case(number)
    if not can_dispatch(current_user, case):
        abort(403)
    form = DispatchForm(prefix="dispatch")

    def call():
        target = targets.dispatch_target(case, form.organisation.data)
        if target is None:
            raise ValidationFailed(
                _l("Choose an organisation from the list."), field="organisation"
            )
        dispatch_to_organisation(
            case, target, current_user, version=form.version.data, reason=form.reason.data
        )

    return panel_action(case, DISPATCH, form, _("Case dispatched."), call)
