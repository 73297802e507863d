"""The citizen's face: no account, works on a phone and with JavaScript off."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from blueprints.auth.views import _safe_next
from blueprints.htmx import is_htmx, redirect_303, render
from blueprints.parties import edit_lists
from blueprints.public import bp, party_forms
from blueprints.public.forms import ApplicationForm, LookupForm
from blueprints.public.places import place_choices, selected_region
from blueprints.public.receipt import held_receipt, keep_receipt
from blueprints.public.retry import UNAVAILABLE, retried
from domain.codes import check_query_code, dummy_query_code_hash, normalise_case_number
from domain.errors import ValidationFailed
from domain.identity import IdentifierError
from domain.intake import CaseData, filed_application, submit_application
from domain.links import merged_into
from domain.party_area import applicant_party, may_withdraw
from extensions import csrf, db, limiter
from models import Case, Event
from models.enums import DisputeType, PartyRole
from models.states import CaseState
from models.types import utcnow

# The party lists by the name their buttons use ("add_applicant", "remove_respondent").
PARTY_LISTS = {"applicant": "applicants", "respondent": "respondents"}
# Buttons that change the form itself rather than submitting it (they work without JS).
EDIT_ACTIONS = {
    "add_applicant",
    "remove_applicant",
    "add_respondent",
    "remove_respondent",
    "refresh_place",
}
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@bp.route("/")
def home():
    """Public start page: what people's mediation is, apply, check a case (anyone)."""
    return render_template("public/home.html")


def _editing() -> bool:
    return request.method == "POST" and request.form.get("action") in EDIT_ACTIONS


def _edit(form: ApplicationForm, action: str) -> str:
    """Apply an add/remove/refresh button; returns the id of the region that changed."""
    if action == "refresh_place":
        return "place"
    return edit_lists(form, action, PARTY_LISTS)


def _case_data(form: ApplicationForm) -> CaseData:
    return CaseData(
        region=selected_region(form),
        dispute_type=DisputeType(form.dispute_type.data),
        summary=form.summary.data,
        requests=form.request_lines(),
        amount=form.amount.data,
        parties=[a.form.party_data(PartyRole.APPLICANT) for a in form.applicants]
        + [r.form.party_data(PartyRole.RESPONDENT) for r in form.respondents],
    )


def _submission_token(form: ApplicationForm) -> str:
    """The form's one-time token: the one sent with it, else a new one (a form shown for the
    first time, or one from before tokens, or a forged value). The same for a second run of
    the request, so a retry cannot file a second case."""
    if not _TOKEN.fullmatch(form.submission.data or ""):
        if "submission_token" not in g:
            g.submission_token = secrets.token_urlsafe(24)
        form.submission.data = g.submission_token
    return form.submission.data


def _file(form: ApplicationForm):
    """File the application once: (case, query code), or None when the domain refused it
    (the reason is added to the form's errors)."""
    token = _submission_token(form)
    try:
        case, code = submit_application(_case_data(form), submission=token)
        # The applicant's opt-in to messages; the receipt goes out on the channels chosen.
        form.notify.form.save(case.applicants[0], receipt=True)
        db.session.commit()
    except (ValidationFailed, IdentifierError) as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return None
    except sa.exc.IntegrityError:
        # The same form sent twice at once (a double click): the other request filed it.
        db.session.rollback()
        filed = filed_application(_case_data(form), token)
        if filed is None:
            raise
        case, code = filed
    return case, code


def _acknowledge(case: Case, code: str | None) -> None:
    """Hold the receipt for this browser. The same form sent again shows the same receipt,
    unless this browser already holds that case (its code perhaps removed on purpose), or the
    time to show the code (RECEIPT_MINUTES after applying) is over, or the code cannot be
    shown again (`code` None): then the number only."""
    held = held_receipt()
    if held is not None and held["number"] == case.number:
        return
    shown_until = case.created_at + timedelta(minutes=current_app.config["RECEIPT_MINUTES"])
    keep_receipt(case.number, code if code and utcnow() < shown_until else None)


def _apply_unavailable():
    """The form again with everything typed, when the database cannot be reached (it is not
    touched here: the places come from the lists shown before)."""
    if is_htmx():
        return render_template("errors/fragment.html", status=503, message=UNAVAILABLE)
    form = ApplicationForm()
    _submission_token(form)
    place_choices(form, offline=True)
    return render_template("public/apply.html", form=form, unavailable=True)


@bp.route("/apply", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired token keeps what was typed
# Only applications actually filed count (a redirect): a citizen correcting mistakes on a
# shared village computer or a carrier's shared address is never locked out of the form.
@limiter.limit(
    lambda: current_app.config["JIEFEN_LIMIT_APPLICATION"],
    methods=["POST"],
    exempt_when=_editing,
    deduct_when=lambda response: response.status_code == 303,
)
@retried(fallback=_apply_unavailable)
def apply():
    """The application form, 人民调解申请书 (anyone, no account)."""
    form = ApplicationForm()
    _submission_token(form)
    place_choices(form)
    if request.method == "GET":
        form.notify.form.fill(None)
    if _editing():
        target = _edit(form, request.form["action"])
        place_choices(form)
        return render(
            "public/apply.html",
            f"public/partials/{target}.html",
            targets=(target,),
            form=form,
            unavailable=False,
        )
    if request.method == "POST":
        if form.website.data:
            abort(400)  # the honeypot was filled: a bot
        if form.validate():
            filed = _file(form)
            if filed is not None:
                _acknowledge(*filed)
                return redirect_303(url_for("public.submitted"))
    return render("public/apply.html", form=form, unavailable=False)


def _lookup_unavailable():
    """The lookup form again with what was typed, when the database cannot be reached."""
    if is_htmx():
        return render_template("errors/fragment.html", status=503, message=UNAVAILABLE)
    return render_template("public/lookup.html", form=LookupForm(), failed=False, unavailable=True)


@bp.route("/lookup", methods=["GET", "POST"])
@csrf.exempt  # checked by LookupForm itself
@limiter.limit(lambda: current_app.config["JIEFEN_LIMIT_LOOKUP"], methods=["POST"])
@retried(fallback=_lookup_unavailable)
def lookup():
    """Check a case with its number and query code (anyone)."""
    form = LookupForm()
    if request.method == "GET" and request.args.get("number"):
        # The receipt's QR code opens this page with the case number filled in (never the code).
        form.number.data = normalise_case_number(request.args["number"]) or ""
    failed = False
    if form.validate_on_submit():
        number = normalise_case_number(form.number.data)
        case = None
        if number:
            case = db.session.scalar(sa.select(Case).where(Case.number == number))
        # One hash check whether the number exists or not (the same work factor), so the
        # time taken does not tell which case numbers exist.
        stored = case.query_code_hash if case is not None else dummy_query_code_hash()
        if check_query_code(stored, form.code.data) and case is not None:
            session["case_access"] = case.number
            return redirect_303(url_for("public.status"))
        failed = True
    return (
        render_template("public/lookup.html", form=form, failed=failed, unavailable=False),
        200,
    )


def status_page(case: Case, failed: dict | None = None, *, code: int | None = None):
    """The status page of `case`, with the applicant's party area; `failed` puts a refused
    form of that area back with what was typed (answered 400, or `code`)."""
    events = db.session.scalars(
        sa.select(Event).where(Event.case_id == case.id, Event.public.is_(True)).order_by(Event.id)
    ).all()
    # A merged case: the progress of the case it is handled in (status and public timeline).
    into = merged_into(case) if case.state == CaseState.MERGED else None
    into_events = (
        db.session.scalars(
            sa.select(Event)
            .where(Event.case_id == into.id, Event.public.is_(True))
            .order_by(Event.id)
        ).all()
        if into is not None
        else []
    )
    page = render_template(
        "public/status.html",
        case=case,
        events=events,
        into=into,
        into_events=into_events,
        area=party_forms.area("status", case, applicant_party(case), failed),
        may_withdraw=may_withdraw(case),
    )
    return page, code or (400 if failed else 200)


def status_case() -> Case | None:
    """The case unlocked in this browser session with its number and query code."""
    number = session.get("case_access")
    if not isinstance(number, str):
        return None
    return db.session.scalar(sa.select(Case).where(Case.number == number))


@bp.route("/status")
@retried()
def status():
    """The public status and citizen-visible timeline of the case unlocked in this session."""
    case = status_case()
    if case is None:
        return redirect(url_for("public.lookup"))
    return status_page(case)


@bp.route("/status/leave", methods=["POST"])
def leave():
    """Close the case on this device (the citizen)."""
    session.pop("case_access", None)
    return redirect_303(url_for("public.home"))


@bp.route("/lang/<lang>")
def set_language(lang: str):
    """Switch the interface language (anyone)."""
    if lang in ("zh_Hans", "en"):
        session["lang"] = lang
    return redirect(_safe_next(request.args.get("next")) or url_for("public.home"))
