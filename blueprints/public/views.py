"""The citizen's face: no account, works on a phone and with JavaScript off."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from blueprints.auth.views import _safe_next
from blueprints.htmx import redirect_303, render
from blueprints.parties import edit_lists
from blueprints.public import bp
from blueprints.public.forms import ApplicationForm, LookupForm
from blueprints.public.places import place_choices, selected_region
from blueprints.public.receipt import keep_receipt
from domain.codes import check_query_code, dummy_query_code_hash, normalise_case_number
from domain.errors import ValidationFailed
from domain.identity import IdentifierError
from domain.intake import CaseData, submit_application
from domain.links import merged_into
from extensions import csrf, db, limiter
from models import Case, Event
from models.enums import DisputeType, PartyRole
from models.states import CaseState

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
def apply():
    """The application form, 人民调解申请书 (anyone, no account)."""
    form = ApplicationForm()
    place_choices(form)
    if _editing():
        target = _edit(form, request.form["action"])
        place_choices(form)
        return render(
            "public/apply.html", f"public/partials/{target}.html", targets=(target,), form=form
        )
    if request.method == "POST":
        if form.website.data:
            abort(400)  # the honeypot was filled: a bot
        if form.validate():
            try:
                case, code = submit_application(_case_data(form))
                db.session.commit()
            except (ValidationFailed, IdentifierError) as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
            else:
                keep_receipt(case.number, code)
                return redirect_303(url_for("public.submitted"))
    return render("public/apply.html", form=form)


@bp.route("/lookup", methods=["GET", "POST"])
@csrf.exempt  # checked by LookupForm itself
@limiter.limit(lambda: current_app.config["JIEFEN_LIMIT_LOOKUP"], methods=["POST"])
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
    return render_template("public/lookup.html", form=form, failed=failed), 200


@bp.route("/status")
def status():
    """The public status and citizen-visible timeline of the case unlocked in this session."""
    number = session.get("case_access")
    case = db.session.scalar(sa.select(Case).where(Case.number == number)) if number else None
    if case is None:
        return redirect(url_for("public.lookup"))
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
    return render_template(
        "public/status.html", case=case, events=events, into=into, into_events=into_events
    )


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
