"""The party area's routes, the same for both doors: the applicant's (/status/…, opened with
the case's query code) and a respondent's (/respond/…, opened with their own code). A party
sends a message or a file to the mediator, asks that mediation end (PML Art. 23), downloads
the files they may see and the agreement once effective; the applicant may withdraw the
application before it is accepted. Plain forms (htmx not needed), CSRF-checked, rate-limited
like the doors; a refused form comes back with what was typed. The rules are in
domain/party_area.py.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from blueprints.htmx import redirect_303
from blueprints.public import bp, respond
from blueprints.public.party_forms import FORMS, WithdrawForm
from blueprints.public.retry import retried
from blueprints.public.views import status_case, status_page
from domain import party_area
from domain.errors import DomainError
from domain.uploads import MAX_UPLOAD_BYTES
from extensions import db, limiter
from models import Case, Party
from models.states import CaseState

EXT = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_limit = limiter.limit(lambda: current_app.config["JIEFEN_LIMIT_LOOKUP"], methods=["POST"])


def _held(door: str) -> tuple[Case, Party] | None:
    """The case and the party this browser session speaks for behind `door`."""
    if door == "status":
        case = status_case()
        party = party_area.applicant_party(case) if case is not None else None
        return (case, party) if party is not None else None
    party = respond._party()
    return (party.case, party) if party is not None else None


def _gone(door: str):
    return redirect_303(url_for("public.lookup" if door == "status" else "public.respond"))


def _back(door: str, anchor: str):
    target = "public.status" if door == "status" else "public.respond_case"
    return redirect_303(url_for(target, _anchor=anchor))


def _refused(door: str, case: Case, party: Party, key: str, form):
    if door == "status":
        return status_page(case, {key: form})
    return respond._page(party, **{key: form})


def _content(form) -> bytes | None:
    upload = form.file.data
    if upload is None or not hasattr(upload, "read"):
        return None
    return upload.read(MAX_UPLOAD_BYTES + 1)  # no more than the limit and one byte


def _act(door: str, key: str, call, done: str, anchor: str):
    held = _held(door)
    if held is None:
        return _gone(door)
    case, party = held
    form = FORMS[key](prefix=key)
    if form.validate_on_submit():
        try:
            call(case, party, form)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            respond.attach_error(form, error)
            return _refused(door, case, party, key, form)
        flash(done, "success")
        return _back(door, anchor)
    return _refused(door, case, party, key, form)


def _message(door: str):
    return _act(
        door,
        "message",
        lambda case, party, form: party_area.send_message(
            case, party, form.body.data, _content(form)
        ),
        _("Your message was sent to the mediator."),
        "messages",
    )


def _material(door: str):
    def call(case, party, form):
        content = _content(form) or b""
        party_area.upload_evidence(case, party, content)

    return _act(door, "material", call, _("Your file was sent to the centre."), "files")


def _end(door: str):
    return _act(
        door,
        "end",
        lambda case, party, form: party_area.ask_to_end(case, party, form.reason.data),
        _("Your request to end mediation was sent to the mediator."),
        "end-mediation",
    )


def _file(door: str, sid: int):
    held = _held(door)
    if held is None:
        return _gone(door)
    case, party = held
    row = party_area.visible_file(case, party, sid)
    if row is None:
        abort(404)
    response = make_response(row.content)
    response.headers["Content-Type"] = row.media_type
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{case.number}-{row.id}.{EXT[row.media_type]}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _agreement(door: str):
    held = _held(door)
    if held is None:
        return _gone(door)
    case, _party = held
    doc = party_area.agreement_document(case)
    if doc is None:
        abort(404)
    content, masked = party_area.agreement_bytes(doc)
    response = make_response(content)
    response.headers["Content-Type"] = doc.media_type
    suffix = "-masked" if masked else ""
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{case.number}-agreement{suffix}.pdf"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- the applicant (/status) -----------------------------------------------------------------


@bp.route("/status/message", methods=["POST"])
@_limit
def status_message():
    """The applicant's message to the mediator (with the case's query code)."""
    return _message("status")


@bp.route("/status/material", methods=["POST"])
@_limit
def status_material():
    """A file the applicant sends as evidence (PDF, JPEG or PNG, checked by content)."""
    return _material("status")


@bp.route("/status/end", methods=["POST"])
@_limit
def status_end():
    """The applicant asks that mediation end (PML Art. 23)."""
    return _end("status")


@bp.route("/status/file/<int:sid>")
@retried()
def status_file(sid: int):
    """A file the applicant may see: their own, or one the mediator shared."""
    return _file("status", sid)


@bp.route("/status/agreement")
@retried()
def status_agreement():
    """The agreement, once effective."""
    return _agreement("status")


@bp.route("/status/withdraw", methods=["GET", "POST"])
@_limit
def status_withdraw():
    """Withdraw the application before it is accepted: a confirmation page, then the POST.
    After acceptance the page says so and a POST is refused."""
    case = status_case()
    if case is None:
        return redirect(url_for("public.lookup"))
    form = WithdrawForm(prefix="withdraw")
    if form.validate_on_submit():
        try:
            party_area.withdraw_application(
                case, party_area.applicant_party(case), form.reason.data
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            respond.attach_error(form, error)
            return _withdraw_page(case, form, 409)
        flash(_("Your application was withdrawn."), "success")
        return redirect_303(url_for("public.status"))
    return _withdraw_page(case, form, 400 if request.method == "POST" else 200)


def _withdraw_page(case: Case, form, code: int):
    return (
        render_template(
            "public/withdraw.html",
            case=case,
            form=form,
            may_withdraw=party_area.may_withdraw(case),
            withdrawn=case.state == CaseState.NOT_ACCEPTED,
        ),
        code,
    )


# ---- a respondent (/respond) -----------------------------------------------------------------


@bp.route("/respond/message", methods=["POST"])
@_limit
def respond_message():
    """A respondent's message to the mediator (with their own code)."""
    return _message("respond")


@bp.route("/respond/material", methods=["POST"])
@_limit
def respond_material():
    """A file a respondent sends (PDF, JPEG or PNG, checked by its content)."""
    return _material("respond")


@bp.route("/respond/end", methods=["POST"])
@_limit
def respond_end():
    """A respondent asks that mediation end (PML Art. 23)."""
    return _end("respond")


@bp.route("/respond/file/<int:sid>")
@retried()
def respond_file(sid: int):
    """A file the respondent may see: their own, or one the mediator shared."""
    return _file("respond", sid)


@bp.route("/respond/agreement")
@retried()
def respond_agreement():
    """The agreement, once effective."""
    return _agreement("respond")
