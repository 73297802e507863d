"""Workbench: the people of a case. The mediators panel (co-mediators chosen by the committee
or by the parties, each mediator's no-conflict declaration) and the recusal panel (a party's
request, the committee director's decision). Consent and the rights notice are on the `cases`
blueprint (blueprints/cases/consent.py) because the desk records them too.

"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases.assignment import mediator_choices
from blueprints.cases.consent import me, per_party
from blueprints.forms import CaseActionForm, optional_int
from blueprints.panels import Panel, fresh, panel
from blueprints.workbench import bp
from domain import recusal
from domain.dispatch import eligible_mediators
from domain.ids import row_id
from domain.permissions import challenged
from domain.states import Action, allowed
from extensions import db
from models import Case, RecusalRequest, User
from models.enums import RecusalDecision
from models.states import CaseState

MEDIATORS = "mediators"
RECUSAL = "recusal"
DECIDE = Action.DECIDE_RECUSAL
MEDIATOR_STATES = (CaseState.MEDIATING, CaseState.JOINT_MEDIATION)
RECUSAL_STATES = (CaseState.MEDIATING, CaseState.SUSPENDED, CaseState.JOINT_MEDIATION)


# ---- forms ------------------------------------------------------------------------------------


class CoMediatorForm(CaseActionForm):
    mediator = SelectField(
        _l("Mediator to add"),
        coerce=optional_int,
        validate_choice=False,  # eligibility is a workflow rule: domain.recusal checks it
        validators=[InputRequired(_l("Choose a mediator."))],
    )
    chosen_by_parties = BooleanField(_l("Chosen by the parties (PML Art. 19)"))


class DeclareForm(CaseActionForm):
    """Only the version: the declaration is the button."""


class RecusalRequestForm(CaseActionForm):
    party = SelectField(
        _l("Party asking"),
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(_l("Choose a party of this case."))],
    )
    mediator = SelectField(
        _l("Mediator to be recused"),
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(_l("Choose a mediator of this case."))],
    )
    grounds = TextAreaField(
        _l("Grounds the party gave"),
        validators=[InputRequired(_l("Give the grounds the party stated.")), Length(max=5000)],
        render_kw={"rows": 3},
    )


class RecusalDecisionForm(CaseActionForm):
    request = IntegerField(
        _l("Request"),
        widget=HiddenInput(),
        validators=[InputRequired(_l("Choose a recusal request of this case."))],
    )
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("grant", _l("Grant: replace the mediator")),
            SelectChoice("refuse", _l("Refuse: the mediator stays")),
        ],
        validators=[InputRequired(_l("Choose whether to grant or refuse the request."))],
    )
    replacement = SelectField(
        _l("Replacement mediator"),
        coerce=optional_int,
        validate_choice=False,
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Reasons"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )


# ---- panels -----------------------------------------------------------------------------------


@panel(MEDIATORS)
def mediators_panel(case: Case, user: User) -> Panel | None:
    """The mediators of the case, who has declared no conflict of interest; the director adds
    co-mediators, each mediator declares for themselves. Shown while mediating."""
    if case.state not in MEDIATOR_STATES:
        return None
    links = recusal.active_links(case)
    forms = {}
    if recusal.can_manage_mediators(user, case):
        on_case = {m.user_id for m in links}

        def add_form(failed):
            form = fresh(CoMediatorForm, case, "comediator")(failed)
            form.mediator.choices = mediator_choices(
                [u for u in eligible_mediators(case) if u.id not in on_case]
            )
            return form

        forms["comediator"] = add_form
    mine = recusal.link_of(case, user)
    if mine is not None and mine.declared_no_conflict_at is None and not challenged(user, case):
        forms["declare"] = fresh(DeclareForm, case, "declare")
    return Panel(
        MEDIATORS,
        "workbench/partials/mediators_panel.html",
        {
            "links": links,
            "ended": [m for m in case.mediators if not m.active and m.ended_reason],
            "me": user,
        },
        forms=forms,
    )


@panel(RECUSAL)
def recusal_panel(case: Case, user: User) -> Panel | None:
    """Recusal requests (MOJ-2002 Art. 26): staff working the case record a party's request;
    the committee director grants (with a replacement) or refuses (with reasons). A pending
    request's decision opens as "decide-<request id>"; one still pending when mediation
    ended is decided afterwards. The challenged mediator sees why they can record nothing."""
    waiting = any(r.decision == RecusalDecision.PENDING for r in case.recusals)
    if case.state not in RECUSAL_STATES and not (waiting and allowed(case.state, DECIDE)):
        return None
    may_request = case.state in RECUSAL_STATES and recusal.can_request_recusal(user, case)
    may_decide = recusal.can_manage_mediators(user, case)
    if not (may_request or may_decide or challenged(user, case)):
        return None
    links = recusal.active_links(case)
    forms = {}
    if may_request:

        def request_form(failed):
            form = fresh(RecusalRequestForm, case, "recusal")(failed)
            form.party.choices = [
                SelectChoice("", _("Choose a party")),
                *(
                    SelectChoice(p.id, _("%(name)s (%(role)s)", name=p.name, role=p.role.label))
                    for p in case.active_parties
                ),
            ]
            form.mediator.choices = mediator_choices([m.user for m in links])
            return form

        forms["recusal"] = request_form
    pending, decided = [], []
    for r in case.recusals:
        if r.decision != RecusalDecision.PENDING:
            decided.append({"request": r})
            continue
        if may_decide:
            forms[f"decide-{r.id}"] = _decide_form(case, r)
        link = recusal.link_of(case, r.mediator)
        pending.append({"request": r, "presiding": bool(link and link.presiding)})
    return Panel(
        RECUSAL,
        "workbench/partials/recusal_panel.html",
        {"pending": pending, "decided": decided, "me_challenged": challenged(user, case)},
        forms=forms,
    )


def _decide_form(case: Case, r: RecusalRequest):
    def build(failed):
        form = failed or RecusalDecisionForm(
            formdata=None, prefix="decide", version=case.version, request=r.id
        )
        form.replacement.choices = mediator_choices(
            [u for u in eligible_mediators(case) if u.id != r.mediator_id]
        )
        return per_party(form, r.id)

    return build


# ---- routes -----------------------------------------------------------------------------------


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


@bp.route("/case/<number>/co-mediator", methods=["POST"])
def add_co_mediator(number: str):
    """Add a co-mediator to a case (the handling committee's director)."""
    case, user = load_case(number), me()
    if not recusal.can_manage_mediators(user, case):
        abort(403)
    form = CoMediatorForm(prefix="comediator")
    return panel_action(
        case,
        MEDIATORS,
        form,
        _("Co-mediator added."),
        lambda: recusal.add_co_mediator(
            case,
            _user(form.mediator.data),
            user,
            version=form.version.data,
            chosen_by_parties=bool(form.chosen_by_parties.data),
        ),
    )


@bp.route("/case/<number>/declare", methods=["POST"])
def declare_no_conflict(number: str):
    """Declare no conflict of interest with the parties (each mediator of the case)."""
    case, user = load_case(number), me()
    if recusal.link_of(case, user) is None:
        abort(403)
    form = DeclareForm(prefix="declare")
    return panel_action(
        case,
        MEDIATORS,
        form,
        _("Declaration recorded."),
        lambda: recusal.declare_no_conflict(case, user, version=form.version.data),
    )


@bp.route("/case/<number>/recusal", methods=["POST"])
def request_recusal(number: str):
    """Record a party's request that a mediator be recused (the case's mediators, the
    committee director)."""
    case, user = load_case(number), me()
    if not recusal.can_request_recusal(user, case):
        abort(403)
    form = RecusalRequestForm(prefix="recusal")
    party = next((p for p in case.parties if p.id == form.party.data), None)
    return panel_action(
        case,
        RECUSAL,
        form,
        _("Recusal request recorded. The committee director decides on it."),
        lambda: recusal.request_recusal(
            case,
            party,
            _user(form.mediator.data),
            user,
            version=form.version.data,
            grounds=form.grounds.data,
        ),
    )


@bp.route("/case/<number>/recusal/decide", methods=["POST"])
def decide_recusal(number: str):
    """Grant (with a replacement) or refuse a recusal request (the handling committee's
    director)."""
    case, user = load_case(number), me()
    if not recusal.can_manage_mediators(user, case):
        abort(403)
    form = RecusalDecisionForm(prefix="decide")
    request_id = row_id(form.request.data)
    request = db.session.get(RecusalRequest, request_id) if request_id else None
    grant = form.decision.data == "grant"
    return panel_action(
        case,
        RECUSAL,
        form,
        _("Mediator replaced.") if grant else _("Recusal request refused."),
        lambda: recusal.decide_recusal(
            case,
            request,
            user,
            version=form.version.data,
            grant=grant,
            replacement=_user(form.replacement.data),
            note=form.note.data,
        ),
        key=f"decide-{form.request.data}",
    )
