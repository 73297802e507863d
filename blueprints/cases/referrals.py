"""The referral panel on the shared case page (诉调对接 / 访调对接 / 警调对接):
who referred the case, their numbers and clock, the petition deadline's one extension, and the
return leg (the result reported back to the referring body).

On the `cases` blueprint because the desk and the handling committee both report back;
domain.referrals decides who may act.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm
from blueprints.panels import Panel, fresh, panel
from domain import referrals
from domain.clocks import local_today
from models import Case, User
from models.docking import Referral
from models.enums import ReferralKind, ReferralResult
from models.states import CaseState
from models.types import utcnow

REFERRAL = "referral"  # the panel's name; its region is #panel-referral


class _ReferralActionForm(CaseActionForm):
    referral = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(_l("Reload the page and try again."))]
    )


class FeedbackForm(_ReferralActionForm):
    result = SelectField(
        _l("Result reported"),
        choices=[SelectChoice("", _l("As the case ended"))]
        + [SelectChoice(r.value, r.label) for r in ReferralResult],
        validators=[Optional()],
    )
    sent_on = DateField(_l("Date sent"), validators=[Optional()])
    recipient = StringField(_l("Received by (at the referring body)"), validators=[Length(max=64)])
    note = TextAreaField(
        _l("What was reported"), validators=[Length(max=4000)], render_kw={"rows": 3}
    )


class PetitionExtensionForm(_ReferralActionForm):
    days = IntegerField(
        _l("Extend the petition deadline by (days)"),
        validators=[
            InputRequired(_l("Enter the number of days.")),
            NumberRange(
                min=1,
                max=referrals.PETITION_MAX_EXTENSION,
                message=_l("Extend by 1 to %(max)s days."),
            ),
        ],
        render_kw={"inputmode": "numeric", "class": "short"},
    )
    reason = TextAreaField(
        _l("Reason (the petitioner is told)"),
        validators=[InputRequired(_l("Give the reason the petitioner is told.")), Length(max=2000)],
        render_kw={"rows": 2},
    )


def _due_state(referral: Referral, now: datetime) -> str:
    """overdue / due_soon / on_time / done: the return leg's clock, for the badge (the same
    rule as the case facts and the desk overview: referrals.feedback_urgency)."""
    if referral.feedback_at is not None:
        return "done"
    if referral.feedback_due_at is None:
        return "none"
    return referrals.feedback_urgency(referral, now).value


@panel(REFERRAL)
def referral_panel(case: Case, user: User) -> Panel | None:
    """The referring body, its numbers and clock, and the return leg (every staff role sees it;
    the desk and the handling committee act). Per referral: the report opens as
    "feedback-<id>", the petition extension as "extend-<id>"."""
    if not case.referrals:
        return None
    may = referrals.can_manage(user, case) and case.state not in (
        CaseState.ARCHIVED,
        CaseState.MERGED,
    )
    now = utcnow()
    rows, forms = [], {}
    for r in case.referrals:
        can_report = may and (
            case.state in referrals.OUTCOME_STATES or referrals.may_report_progress(case, r)
        )
        if can_report and r.feedback_result is None:
            forms[f"feedback-{r.id}"] = fresh(
                FeedbackForm, case, f"feedback-{r.id}", referral=r.id, sent_on=local_today()
            )
        if (
            may
            and r.kind == ReferralKind.PETITION
            and not r.petition_extended_days
            and case.state not in referrals.OUTCOME_STATES
        ):
            forms[f"extend-{r.id}"] = fresh(
                PetitionExtensionForm, case, f"extend-{r.id}", referral=r.id
            )
        rows.append(
            {
                "r": r,
                "due": _due_state(r, now),
                "default_result": referrals.default_result(case),
                "court_days": referrals.court_limit(r) if r.kind == ReferralKind.COURT else None,
            }
        )
    return Panel(REFERRAL, "cases/partials/referral_panel.html", {"rows": rows}, forms=forms)


def _load(number: str, referral_id: int) -> tuple[Case, Referral, User]:
    case, user = load_case(number), current_user._get_current_object()
    if not referrals.can_manage(user, case):
        abort(403)
    referral = next((r for r in case.referrals if r.id == referral_id), None)
    if referral is None:
        abort(404)
    return case, referral, user


@bp.route("/<number>/referral/<int:referral_id>/feedback", methods=["POST"])
def referral_feedback(number: str, referral_id: int):
    """Record the result reported back to the referring body (the desk, the handling
    committee's mediators and director)."""
    case, referral, user = _load(number, referral_id)
    form = FeedbackForm(prefix=f"feedback-{referral_id}")
    return panel_action(
        case,
        REFERRAL,
        form,
        _("Report to the referring body recorded."),
        lambda: referrals.record_feedback(
            case,
            referral,
            user,
            version=form.version.data,
            result=ReferralResult(form.result.data) if form.result.data else None,
            sent_on=form.sent_on.data,
            recipient=form.recipient.data,
            note=form.note.data,
        ),
    )


@bp.route("/<number>/referral/<int:referral_id>/extend", methods=["POST"])
def referral_extend(number: str, referral_id: int):
    """Extend the petition deadline once, by at most 30 days (the desk, the handling
    committee's mediators and director)."""
    case, referral, user = _load(number, referral_id)
    form = PetitionExtensionForm(prefix=f"extend-{referral_id}")
    return panel_action(
        case,
        REFERRAL,
        form,
        _("Petition deadline extended."),
        lambda: referrals.extend_petition(
            case,
            referral,
            user,
            version=form.version.data,
            days=form.days.data,
            reason=form.reason.data,
        ),
    )
