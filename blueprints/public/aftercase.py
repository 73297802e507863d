"""After mediation ended, on each party's own page: the satisfaction question and the
reports to the mediator (the other side does not perform; the closing is contested).

The applicant's /status page and the respondent's /respond/case page both include
public/partials/after_closing.html, which asks `after_closing(case, party)` (a template
global registered here) what to show. The applicant's door opens a case (one query code for
the applicant side), so an applicant page with several applicants asks who is answering; the
respondent's door opens one party. A refused form comes back on a page of its own with what
was typed and the message beside its field."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import attach_error
from blueprints.forms import TrimmedForm, enum_choices
from blueprints.htmx import redirect_303
from blueprints.public import bp
from blueprints.public.respond import _party as respondent_party
from domain import satisfaction as sat
from domain.errors import DomainError
from extensions import db
from models import Case, Party
from models.aftercase import ReportKind, Resolved
from models.enums import Satisfaction


class FeedbackForm(TrimmedForm):
    party = SelectField(
        _l("Who is answering"), coerce=str, validate_choice=False, validators=[Optional()]
    )
    resolved = RadioField(
        _l("Is the dispute resolved?"),
        choices=lambda: enum_choices(Resolved),
        validators=[InputRequired(_l("Say whether the dispute is resolved."))],
    )
    satisfaction = RadioField(
        _l("How satisfied are you with the mediation?"),
        choices=lambda: enum_choices(Satisfaction),
        validators=[InputRequired(_l("Say how satisfied you are."))],
    )
    comment = TextAreaField(
        _l("Anything you want to add (optional)"),
        validators=[Optional(), Length(max=sat.COMMENT_MAX)],
        render_kw={"rows": 3, "maxlength": sat.COMMENT_MAX},
    )


class ReportForm(TrimmedForm):
    party = SelectField(
        _l("Who is reporting"), coerce=str, validate_choice=False, validators=[Optional()]
    )
    kind = RadioField(
        _l("What do you want to tell the mediator?"),
        validators=[InputRequired(_l("Choose what you report."))],
    )
    reason = TextAreaField(
        _l("What happened"),
        validators=[InputRequired(_l("Say what happened.")), Length(max=sat.REASON_MAX)],
        render_kw={"rows": 4, "maxlength": sat.REASON_MAX},
    )


# ---- who is on the page -------------------------------------------------------------------


def _applicant_case() -> Case | None:
    number = session.get("case_access")
    return db.session.scalar(sa.select(Case).where(Case.number == number)) if number else None


def _door(door: str) -> tuple[Case | None, list[Party]]:
    """The case and the parties who may answer through this door (the applicants on the
    status page, the one respondent on theirs)."""
    if door == "status":
        case = _applicant_case()
        return case, (list(case.applicants) if case is not None else [])
    party = respondent_party()
    return (party.case, [party]) if party is not None else (None, [])


def _choices(form, parties: list[Party]) -> None:
    form.party.choices = [(str(p.id), p.name) for p in parties]


def _chosen(form, parties: list[Party]) -> Party | None:
    if len(parties) == 1:
        return parties[0]
    return next((p for p in parties if str(p.id) == (form.party.data or "")), None)


def _report_choices(form, case: Case) -> None:
    form.kind.choices = [(k.value, k.label) for k in sat.report_kinds(case)]


def after_closing(case: Case, party: Party | None = None) -> dict:
    """What the after-closing part of a party's page shows (a template global)."""
    if case is None or not sat.asks_feedback(case):
        return {"asks": False}
    door = "respond" if party is not None else "status"
    parties = [party] if party is not None else list(case.applicants)
    answers = {p.id: sat.feedback_of(p) for p in parties}
    waiting = [p for p in parties if answers[p.id] is None]
    feedback = FeedbackForm(formdata=None, prefix="feedback")
    _choices(feedback, waiting)
    report = ReportForm(formdata=None, prefix="report")
    _choices(report, parties)
    _report_choices(report, case)
    reports = [r for p in parties for r in sat.reports_of_party(p)]
    return {
        "asks": True,
        "door": door,
        "parties": parties,
        "answers": answers,
        "waiting": waiting,
        "feedback": feedback,
        "report": report,
        "reports": reports,
    }


@bp.app_template_global("after_closing")
def _after_closing_global(case, party=None):
    return after_closing(case, party)


# ---- the POSTs ----------------------------------------------------------------------------


def _back(door: str) -> str:
    return url_for("public.status" if door == "status" else "public.respond_case")


def _refused(form, door: str, what: str, case: Case):
    return (
        render_template(
            "public/after_closing_form.html", form=form, door=door, what=what, case=case
        ),
        400,
    )


def _run(form, call) -> bool:
    try:
        call()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return False
    return True


@bp.route("/<any(status, respond):door>/feedback", methods=["POST"])
def give_feedback(door: str):
    """A party's answer: resolved? satisfied? (once)."""
    case, parties = _door(door)
    if case is None:
        return redirect_303(url_for("public.lookup" if door == "status" else "public.respond"))
    if not sat.asks_feedback(case):
        abort(404)
    form = FeedbackForm(prefix="feedback")
    _choices(form, parties)
    if len(parties) == 1:
        form.party.validators = [Optional()]
    if form.validate_on_submit():
        party = _chosen(form, parties)
        if party is None:
            form.party.errors = [_("Choose who is answering.")]
        else:
            data = sat.FeedbackData(
                Resolved(form.resolved.data),
                Satisfaction(form.satisfaction.data),
                form.comment.data,
            )
            if _run(form, lambda: sat.give_feedback(case, party, data)):
                flash(_("Thank you for your answer."), "success")
                return redirect_303(_back(door) + "#after-closing")
    return _refused(form, door, "feedback", case)


@bp.route("/<any(status, respond):door>/report", methods=["POST"])
def send_report(door: str):
    """A party reports non-performance or contests the closing, to the mediator."""
    case, parties = _door(door)
    if case is None:
        return redirect_303(url_for("public.lookup" if door == "status" else "public.respond"))
    if not sat.asks_feedback(case):
        abort(404)
    form = ReportForm(prefix="report")
    _choices(form, parties)
    _report_choices(form, case)
    if form.validate_on_submit():
        party = _chosen(form, parties)
        if party is None:
            form.party.errors = [_("Choose who is reporting.")]
        else:
            kind = ReportKind(form.kind.data)
            if _run(form, lambda: sat.send_report(case, party, kind, form.reason.data)):
                flash(_("Your report was sent to the mediator."), "success")
                return redirect_303(_back(door) + "#after-closing")
    return _refused(form, door, "report", case)
