"""The other party's door (被申请人): a respondent invited by the centre opens their case with
the case number and their own code, reads the claim and the rights-and-obligations notice,
answers whether they agree to mediation (PML Art. 17), acknowledges the notice (MOJ-2002
Art. 30), and may give their own account and upload material. No account; works without
JavaScript and on a phone; the same rate limit and the same single message for any wrong
number or code as the applicant's lookup.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import attach_error
from blueprints.forms import SelectChoice, TrimmedForm
from blueprints.htmx import redirect_303
from blueprints.public import bp, party_forms
from blueprints.public.forms import LookupForm
from blueprints.public.retry import retried
from domain import consent, document_data, respondents
from domain.codes import normalise_case_number
from domain.errors import DomainError
from extensions import csrf, db, limiter
from models import Party
from models.enums import ConsentStatus, DocumentKind, NoticeAck

ACCESS_KEY = "respond_access"  # {"party": id, "fp": digest of the code's hash}


class AnswerForm(TrimmedForm):
    consent = RadioField(
        _l("Do you agree to mediation?"),
        choices=[
            SelectChoice(ConsentStatus.AGREED.value, _l("Yes, I agree to mediation")),
            SelectChoice(ConsentStatus.REFUSED.value, _l("No, I do not agree to mediation")),
        ],
        validators=[Optional()],
    )
    acknowledge = BooleanField(_l("I have read the notice of my rights and obligations"))


class AccountForm(TrimmedForm):
    account = TextAreaField(
        _l("Your account of the dispute"),
        validators=[
            InputRequired(_l("Write your account first.")),
            Length(max=respondents.MAX_ACCOUNT_CHARS),
        ],
        render_kw={"rows": 6, "maxlength": respondents.MAX_ACCOUNT_CHARS},
    )


def _party() -> Party | None:
    held = session.get(ACCESS_KEY)
    if not isinstance(held, dict):
        return None
    return respondents.check_access(held.get("party"), held.get("fp"))


@bp.route("/respond", methods=["GET", "POST"])
@csrf.exempt  # checked by LookupForm itself
@limiter.limit(lambda: current_app.config["JIEFEN_LIMIT_LOOKUP"], methods=["POST"])
@retried()
def respond():
    """The respondent's door: case number and their own code from the invitation (anyone)."""
    form = LookupForm()
    if request.method == "GET" and request.args.get("number"):
        form.number.data = normalise_case_number(request.args["number"]) or ""
    failed = False
    if form.validate_on_submit():
        party = respondents.open_door(form.number.data, form.code.data)
        if party is not None:
            db.session.commit()  # when the code was last used
            session[ACCESS_KEY] = {"party": party.id, "fp": respondents.fingerprint(party)}
            return redirect_303(url_for("public.respond_case"))
        failed = True
    return render_template("public/respond.html", form=form, failed=failed)


def _page(party: Party, **forms):
    case = party.case
    context = document_data.context(case, DocumentKind.NOTICE)
    answer = forms.get("answer") or AnswerForm(formdata=None, prefix="answer")
    account = forms.get("account") or AccountForm(formdata=None, prefix="account")
    status = 400 if forms else 200
    return (
        render_template(
            "public/respond_case.html",
            party=party,
            open=respondents.door_open(case),
            answer=answer,
            account=account,
            area=party_forms.area("respond", case, party, forms),
            sent=respondents.submissions(case, party),
            committee_name=context["committee_name"],
            organisation=context["organisation"],
            applicants=case.applicants,
            case=case,
        ),
        status,
    )


@bp.route("/respond/case")
@retried()
def respond_case():
    """What concerns the respondent: the claim, the centre, the notice, their answer."""
    party = _party()
    if party is None:
        return redirect(url_for("public.respond"))
    return _page(party)


def _run(form, call) -> DomainError | None:
    try:
        call()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return error
    return None


@bp.route("/respond/answer", methods=["POST"])
def respond_answer():
    """The respondent agrees or refuses mediation and/or acknowledges the notice, online."""
    party = _party()
    if party is None:
        return redirect_303(url_for("public.respond"))
    form = AnswerForm(prefix="answer")
    if form.validate_on_submit():
        status = ConsentStatus(form.consent.data) if form.consent.data else None
        if party.consent != ConsentStatus.PENDING:
            status = None  # already answered: a change goes through the centre
        ack = bool(form.acknowledge.data) and party.notice_ack == NoticeAck.NONE
        if status is None and not ack:
            form.form_errors.append(_("Choose your answer, or tick that you have read the notice."))
            return _page(party, answer=form)
        if _run(
            form,
            lambda: consent.answer_online(party.case, party, status=status, acknowledge=ack),
        ):
            return _page(party, answer=form)
        flash(_("Thank you: your answer was sent to the centre."), "success")
        return redirect_303(url_for("public.respond_case"))
    return _page(party, answer=form)


@bp.route("/respond/account", methods=["POST"])
def respond_account():
    """The respondent's own account of the dispute."""
    party = _party()
    if party is None:
        return redirect_303(url_for("public.respond"))
    form = AccountForm(prefix="account")
    if form.validate_on_submit():
        if _run(form, lambda: respondents.give_account(party.case, party, form.account.data)):
            return _page(party, account=form)
        flash(_("Your account was sent to the centre."), "success")
        return redirect_303(url_for("public.respond_case"))
    return _page(party, account=form)


@bp.route("/respond/leave", methods=["POST"])
def respond_leave():
    """Close the case on this device (the respondent)."""
    session.pop(ACCESS_KEY, None)
    return redirect_303(url_for("public.home"))
