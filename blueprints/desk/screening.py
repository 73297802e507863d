"""Desk: screening (the exclusions of MOJ-2002 Art. 22 answered one by one, then accepted or
not accepted with the channel to use instead) and dispatch (the routing suggestion, then the
organisation) on the case page. Forms, panels, actions.

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
from domain.screening import (
    QUESTIONS,
    UNANSWERED,
    ScreeningData,
    not_accept_case,
    questions_for,
    screen_case,
    settled_by_referral,
)
from models import Case, User
from models.enums import Exclusion
from models.states import CaseState

SCREEN = "screen"
DISPATCH = "dispatch"

# ---- forms ----------------------------------------------------------------------------------


def answer_field(label, exclusion: Exclusion) -> RadioField:
    """Yes or no to one exclusion, required (every open question is named at once). A forged
    value is no answer: the domain then says the question is still open, beside it."""
    return RadioField(
        label,
        choices=[SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes, it applies"))],
        validate_choice=False,
        validators=[InputRequired(UNANSWERED[exclusion])],
    )


ANSWERS = {"yes": True, "no": False}


class AcceptForm(CaseActionForm):
    """The screening: each exclusion of MOJ-2002 Art. 22 answered (those a referral settles
    are not asked), then accepted, or not accepted with the channel to use instead."""

    court = answer_field(
        _l("Has a party already sued in a court or applied for arbitration over this dispute?"),
        Exclusion.COURT,
    )
    administrative = answer_field(
        _l(
            "Has the police or another administrative body already accepted or dealt with "
            "this dispute?"
        ),
        Exclusion.ADMINISTRATIVE,
    )
    reserved = answer_field(
        _l(
            "Does the law reserve this dispute to a specialised body, or forbid mediating it "
            "(for example a crime, or who holds title to land)?"
        ),
        Exclusion.RESERVED,
    )
    redirect_advice = TextAreaField(
        _l("If one applies: the body or channel the person should use instead"),
        validators=[Length(max=2000, message=_l("Keep this under %(max)d characters."))],
        render_kw={"rows": 3},
    )
    note = TextAreaField(
        _l("Note for the case file (optional)"),
        validators=[Length(max=2000, message=_l("Keep the note under %(max)d characters."))],
        render_kw={"rows": 2},
    )

    def settle(self, case: Case) -> AcceptForm:
        """Drop the questions a referral of the case answers (domain.screening): they are
        not asked, so not required."""
        for exclusion in settled_by_referral(case):
            del self[exclusion.value]
        return self

    def screening(self) -> ScreeningData:
        return ScreeningData(
            {e: ANSWERS.get(self[e.value].data or "") for e in QUESTIONS if e.value in self},
            note=self.note.data or None,
            redirect_advice=self.redirect_advice.data or None,
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


# What each question covers, shown under it (MOJ-2002 Art. 22).
QUESTION_HELP = {
    Exclusion.COURT: _l(
        "A lawsuit filed or an arbitration applied for (labour, land contract, commercial) by "
        "either party over the same dispute."
    ),
    Exclusion.ADMINISTRATIVE: _l(
        "The police station, the labour inspection, the market regulator or another department "
        "has taken the matter up or decided it."
    ),
    Exclusion.RESERVED: _l(
        "Crimes and public-order offences for the police; disputes over title to land, forest "
        "or water for the people's government; matters the law gives to another body."
    ),
}

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
    """Screen a registered case (the exclusions answered, then accepted or not accepted), or
    not accept it on another ground: the desk of its area."""
    if case.state != CaseState.REGISTERED or not can_screen(user, case):
        return None
    return Panel(
        SCREEN,
        "desk/partials/screen_panel.html",
        {
            "examples": REDIRECT_EXAMPLES,
            "questions": questions_for(case),
            "settled": settled_by_referral(case),
            "question_help": QUESTION_HELP,
        },
        forms={
            "accept": lambda failed: failed or fresh(AcceptForm, case, "accept")(None).settle(case),
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
    """Screen a registered case: accepted when no exclusion applies, else not accepted with
    the channel to use instead (the desk)."""
    case = _screening_case(number)
    form = AcceptForm(prefix="accept").settle(case)
    outcome = []
    return panel_action(
        case,
        SCREEN,
        form,
        lambda: (
            _("Case accepted.")
            if outcome == [CaseState.ACCEPTED]
            else _("Case not accepted. The applicant is told where to go instead.")
        ),
        lambda: outcome.append(
            screen_case(case, current_user, version=form.version.data, screening=form.screening())
        ),
    )


@bp.route("/case/<number>/not-accept", methods=["POST"])
def not_accept(number: str):
    """Not accept a registered case on another ground, saying where to go instead (the
    desk)."""
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
