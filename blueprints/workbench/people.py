"""Workbench: the people of a case. The mediators panel (co-mediators chosen by the committee
or by the parties, each mediator's no-conflict declaration) and the recusal panel (a party's
request, the committee director's decision). Consent and the rights notice are on the `cases`
blueprint (blueprints/cases/consent.py) because the desk records them too.

Forms built for a panel pass `formdata=None`: the page may be re-rendered after a failed POST
of another panel, and a form must not pick up that request's fields.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from blueprints.cases.consent import VersionedForm, act, me, per_party
from blueprints.cases.panels import Panel, panel
from blueprints.cases.views import load_case
from blueprints.workbench import bp
from blueprints.workbench.panels import mediator_choices
from domain import recusal
from domain.dispatch import eligible_mediators
from extensions import db
from models import Case, RecusalRequest, User
from models.enums import RecusalDecision
from models.states import CaseState

MEDIATORS = "mediators"
RECUSAL = "recusal"
MEDIATOR_STATES = (CaseState.MEDIATING, CaseState.JOINT_MEDIATION)
RECUSAL_STATES = (CaseState.MEDIATING, CaseState.SUSPENDED, CaseState.JOINT_MEDIATION)


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# ---- forms ------------------------------------------------------------------------------------


class CoMediatorForm(VersionedForm):
    mediator = SelectField(
        _l("Mediator to add"),
        coerce=_int_or_none,
        validate_choice=False,  # eligibility is a workflow rule: domain.recusal checks it
        validators=[InputRequired(_l("Choose a mediator."))],
    )
    chosen_by_parties = BooleanField(_l("Chosen by the parties (PML Art. 19)"))


class DeclareForm(VersionedForm):
    """Only the version: the declaration is the button."""


class RecusalRequestForm(VersionedForm):
    party = SelectField(
        _l("Party asking"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(_l("Choose a party of this case."))],
    )
    mediator = SelectField(
        _l("Mediator to be recused"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(_l("Choose a mediator of this case."))],
    )
    grounds = TextAreaField(
        _l("Grounds the party gave"),
        validators=[InputRequired(_l("Give the grounds the party stated.")), Length(max=5000)],
        render_kw={"rows": 3},
    )


class RecusalDecisionForm(VersionedForm):
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
        coerce=_int_or_none,
        validate_choice=False,
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Reasons"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )


# ---- panels -----------------------------------------------------------------------------------


@panel(33)
def mediators_panel(case: Case, user: User, overrides: dict[str, Any]) -> Panel | None:
    """The mediators of the case, who has declared no conflict of interest; the director adds
    co-mediators, each mediator declares for themselves. Shown while mediating."""
    if case.state not in MEDIATOR_STATES:
        return None
    failed = overrides.get(MEDIATORS)
    links = recusal.active_links(case)
    add = None
    if recusal.can_manage_mediators(user, case):
        on_case = {m.user_id for m in links}
        add = (
            failed
            if isinstance(failed, CoMediatorForm)
            else CoMediatorForm(formdata=None, prefix="comediator", version=case.version)
        )
        add.mediator.choices = mediator_choices(
            [u for u in eligible_mediators(case) if u.id not in on_case]
        )
    mine = recusal.link_of(case, user)
    declare = None
    if mine is not None and mine.declared_no_conflict_at is None:
        declare = (
            failed
            if isinstance(failed, DeclareForm)
            else DeclareForm(formdata=None, prefix="declare", version=case.version)
        )
    return Panel(
        MEDIATORS,
        "workbench/partials/mediators_panel.html",
        {
            "links": links,
            "ended": [m for m in case.mediators if not m.active and m.ended_reason],
            "add": add,
            "declare": declare,
            "me": user,
        },
    )


@panel(35)
def recusal_panel(case: Case, user: User, overrides: dict[str, Any]) -> Panel | None:
    """Recusal requests: staff working the case record a party's request; the committee
    director grants (with a replacement) or refuses (with reasons)."""
    if case.state not in RECUSAL_STATES:
        return None
    may_request = recusal.can_request_recusal(user, case)
    may_decide = recusal.can_manage_mediators(user, case)
    if not (may_request or may_decide):
        return None
    failed = overrides.get(RECUSAL)
    links = recusal.active_links(case)
    form = None
    if may_request:
        form = (
            failed
            if isinstance(failed, RecusalRequestForm)
            else RecusalRequestForm(formdata=None, prefix="recusal", version=case.version)
        )
        form.party.choices = [
            SelectChoice("", _("Choose a party")),
            *(
                SelectChoice(p.id, _("%(name)s (%(role)s)", name=p.name, role=p.role.label))
                for p in case.parties
            ),
        ]
        form.mediator.choices = mediator_choices([m.user for m in links])
    pending, decided, stray = [], [], failed if isinstance(failed, RecusalDecisionForm) else None
    eligible = eligible_mediators(case) if may_decide else []
    for r in case.recusals:
        if r.decision != RecusalDecision.PENDING:
            decided.append({"request": r})
            continue
        decide = None
        if may_decide:
            if stray is not None and stray.request.data == r.id:
                decide, stray = stray, None
            else:
                decide = RecusalDecisionForm(
                    formdata=None, prefix="decide", version=case.version, request=r.id
                )
            decide.replacement.choices = mediator_choices(
                [u for u in eligible if u.id != r.mediator_id]
            )
            per_party(decide, r.id)
        link = recusal.link_of(case, r.mediator)
        pending.append({"request": r, "form": decide, "presiding": bool(link and link.presiding)})
    if stray is not None:
        per_party(stray, "x")
    return Panel(
        RECUSAL,
        "workbench/partials/recusal_panel.html",
        {
            "form": form,
            "pending": pending,
            "decided": decided,
            "stray": stray,
        },
    )


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
    return act(
        case,
        mediators_panel,
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
    return act(
        case,
        mediators_panel,
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
    return act(
        case,
        recusal_panel,
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
    request = db.session.get(RecusalRequest, form.request.data) if form.request.data else None
    grant = form.decision.data == "grant"
    return act(
        case,
        recusal_panel,
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
    )
