"""The expert pool on the case page: the experts invited, their questions and advice, and the
forms to invite one and to record the advice (the case's mediators and its committee's
director: Work.MEDIATE). Rules in domain/experts.py."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm, optional_int
from blueprints.panels import Panel, panel
from domain import experts
from domain.calendar import local_today
from domain.permissions import Work, may
from models import Case, User

EXPERTS = "experts"


class InviteForm(CaseActionForm):
    expert_id = SelectField(
        _l("Expert"), coerce=optional_int, validators=[InputRequired(_l("Choose an expert."))]
    )
    question = TextAreaField(
        _l("What the expert is asked"),
        validators=[
            InputRequired(_l("Write what the expert is asked.")),
            Length(max=experts.QUESTION_MAX),
        ],
        render_kw={"rows": 3},
    )


class AdviceForm(CaseActionForm):
    invitation_id = SelectField(
        _l("Invitation"), coerce=optional_int, validators=[InputRequired(_l("Choose one."))]
    )
    advice = TextAreaField(
        _l("The expert's advice"),
        validators=[
            InputRequired(_l("Write the expert's advice.")),
            Length(max=experts.ADVICE_MAX),
        ],
        render_kw={"rows": 4},
    )
    advice_on = DateField(
        _l("Given on"), default=local_today, validators=[InputRequired(_l("Enter the day."))]
    )


def _pool_choices(case: Case):
    return [("", _("Choose…"))] + [
        (
            e.id,
            f"{e.name} · {e.expert_field.label if e.expert_field else ''} · {e.organisation.name}",
        )
        for e in experts.pool_for_case(case)
    ]


def _invite_form(case: Case):
    def build(failed):
        form = failed or InviteForm(formdata=None, prefix="expert", version=case.version)
        form.expert_id.choices = _pool_choices(case)
        return form

    return build


def _advice_form(case: Case):
    def build(failed):
        form = failed or AdviceForm(formdata=None, prefix="advice", version=case.version)
        form.invitation_id.choices = [
            (i.id, f"{i.expert.name}: {i.question[:40]}")
            for i in case.expert_invitations
            if i.advice is None
        ]
        return form

    return build


@panel(EXPERTS)
def experts_panel(case: Case, user: User) -> Panel | None:
    """Experts invited to the case and their advice; the forms for whoever mediates it."""
    invitations = list(case.expert_invitations)
    forms = {}
    if experts.may_invite(user, case):
        forms["invite"] = _invite_form(case)
    if experts.may_record_advice(user, case):
        forms["advice"] = _advice_form(case)
    if not forms and not invitations:
        return None
    return Panel(
        EXPERTS,
        "cases/partials/experts_panel.html",
        {"invitations": invitations, "pool_size": len(experts.pool_for_case(case)) if forms else 0},
        forms=forms,
    )


def _mediating(number: str) -> tuple[Case, User]:
    case, user = load_case(number), current_user._get_current_object()
    if not may(user, Work.MEDIATE, case):
        abort(403)
    return case, user


@bp.route("/<number>/experts/invite", methods=["POST"])
def invite_expert(number: str):
    case, user = _mediating(number)
    form = InviteForm(prefix="expert")
    form.expert_id.choices = _pool_choices(case)
    return panel_action(
        case,
        EXPERTS,
        form,
        _("Expert invited."),
        lambda: experts.invite_expert(
            case,
            user,
            expert_id=form.expert_id.data,
            question=form.question.data,
            version=form.version.data,
        ),
    )


@bp.route("/<number>/experts/advice", methods=["POST"])
def record_expert_advice(number: str):
    case, user = _mediating(number)
    form = AdviceForm(prefix="advice")
    form.invitation_id.choices = [(i.id, "") for i in case.expert_invitations if i.advice is None]
    return panel_action(
        case,
        EXPERTS,
        form,
        _("Advice recorded."),
        lambda: experts.record_advice(
            case,
            user,
            invitation_id=form.invitation_id.data,
            advice=form.advice.data,
            advice_on=form.advice_on.data,
            version=form.version.data,
        ),
    )
