"""Transfers on the shared case page: the send form (down, up, across, or out of people's
mediation), the pending transfer with withdraw / acknowledge / decline buttons for the right
people, the outside body's acknowledgement, the history, and the printable transfer note
(案件移送函)."""

from __future__ import annotations

from flask import abort, make_response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm, optional_int
from blueprints.panels import Panel, fresh, panel
from domain import document_access, targets, transfers
from domain.errors import ValidationFailed
from domain.ids import row_id
from domain.permissions import can_send_transfer, may_receive_transfer
from domain.states import Action, allowed
from extensions import db
from models import Case, Organisation, User
from models.enums import TransferDirection, TransferStatus

TRANSFER = "transfer"


class SendForm(CaseActionForm):
    to_org = RadioField(
        _l("Receiving organisation"),
        coerce=optional_int,
        validate_choice=False,  # domain.targets checks the chosen one in the database
        validators=[Optional()],
    )
    to_name = StringField(
        _l("Or an outside body not in the list"),
        validators=[Optional(), Length(max=128)],
        description=_l("A court, an arbitration commission or an administrative department."),
    )
    reason = TextAreaField(
        _l("Reason for the transfer"),
        validators=[InputRequired(_l("Give the reason for the transfer.")), Length(max=5000)],
        render_kw={"rows": 3},
    )


class AnswerForm(CaseActionForm):
    transfer = HiddenField()


class DeclineForm(AnswerForm):
    reason = TextAreaField(
        _l("Why the transfer is declined"),
        validators=[InputRequired(_l("Say why the transfer is declined.")), Length(max=2000)],
        render_kw={"rows": 2},
    )


class AcceptForm(AnswerForm):
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class OutAckForm(AnswerForm):
    receiver_name = StringField(
        _l("Signed for by"),
        validators=[InputRequired(_l("Enter who signed for the case.")), Length(max=64)],
    )
    received_on = DateField(
        _l("Date signed for"),
        validators=[InputRequired(_l("Enter the date it was signed for."))],
    )


def _label(case: Case, org: Organisation) -> str:
    direction = transfers.direction_between(transfers.origin(case), org)
    return f"{org.name} — {direction.label}"


def send_form(case: Case):
    """The send form, its organisations read in the database by what was typed (`?q=`),
    the one already chosen kept in the list."""

    def build(failed):
        form = fresh(SendForm, case, "send")(failed)
        here = transfers.origin(case)
        q = request.args.get("q", "")[:64]
        found = targets.transfer_targets(case, here, q, targets.LIMIT + 1)
        form.truncated = targets.LIMIT if len(found) > targets.LIMIT else None
        found = found[: targets.LIMIT]
        chosen = form.to_org.data
        if chosen and chosen not in {o.id for o in found}:
            extra = targets.transfer_target(case, here, chosen)
            found = [extra, *found] if extra else found
        form.to_org.choices = [SelectChoice(o.id, _label(case, o)) for o in found]
        form.q = q
        return form

    return build


@panel(TRANSFER)
def transfer_panel(case: Case, user: User) -> Panel | None:
    """Send, answer and list transfers."""
    history = list(case.transfers)
    pending = next((t for t in history if t.status == transfers.PENDING), None)
    may_send = (
        can_send_transfer(user, case)
        and pending is None
        and allowed(case.state, Action.SEND_TRANSFER)
    )
    if not history and not may_send:
        return None
    out = pending is not None and pending.direction == TransferDirection.OUT.value
    sender_side = can_send_transfer(user, case)
    records_out = out and transfers.can_record_out_acknowledgement(user, case)
    receiver = (
        pending is not None
        and not out
        and pending.to_org is not None
        and may_receive_transfer(user, pending)
    )
    forms = {}
    if may_send:
        forms["send"] = send_form(case)
    if pending is not None:
        answers = {
            "accept": (AcceptForm, receiver),
            "decline": (DeclineForm, receiver),
            "ack_out": (OutAckForm, records_out),
            "withdraw": (AnswerForm, sender_side),
        }
        for key, (cls, may) in answers.items():
            if may:
                forms[key] = fresh(cls, case, key, transfer=pending.id)
    return Panel(
        TRANSFER,
        "cases/partials/transfer_panel.html",
        {
            "pending": pending,
            "history": [t for t in reversed(history) if t is not pending],
            "direction_label": lambda v: TransferDirection(v).label,
            "status_label": lambda v: TransferStatus(v).label,
            # The note carries the parties' contact details: only for who opens the file.
            "may_open_note": document_access.can_open_documents(user, case),
        },
        forms=forms,
    )


def _me() -> User:
    return current_user._get_current_object()


def _transfer_id(form) -> int | None:
    return row_id(form.transfer.data)  # None (out of range, not a number): "no longer waiting"


def _may_answer(case: Case, form, user: User) -> None:
    """403 unless `user` may answer the pending transfer `form` names (the receiving side);
    a transfer no longer waiting is the domain's to refuse, with its message."""
    wanted = _transfer_id(form)
    pending = next(
        (t for t in case.transfers if t.id == wanted and t.status == transfers.PENDING), None
    )
    if pending is not None and not may_receive_transfer(user, pending):
        abort(403)


@bp.route("/<number>/transfers", methods=["POST"])
def send_transfer(number: str):
    """Send the case to another organisation or out (whoever holds it: the desk before
    dispatch, the handling committee's director or the presiding mediator after)."""
    case, user = load_case(number), _me()
    if not can_send_transfer(user, case):
        abort(403)
    form = SendForm(prefix="send")

    def call():
        target = None
        if form.to_org.data is not None:
            target = targets.transfer_target(case, transfers.origin(case), form.to_org.data)
            if target is None:
                raise ValidationFailed(_l("Choose an organisation from the list."), field="to_org")
        return transfers.send_transfer(
            case,
            user,
            version=form.version.data,
            to_org=target,
            to_name=None if target else form.to_name.data,
            reason=form.reason.data,
        )

    return panel_action(
        case, TRANSFER, form, _("Transfer sent. It waits for the receiver's acknowledgement."), call
    )


@bp.route("/<number>/transfers/withdraw", methods=["POST"])
def withdraw_transfer(number: str):
    """Take back a pending transfer (the sending side)."""
    case, user = load_case(number), _me()
    if not can_send_transfer(user, case):
        abort(403)
    form = AnswerForm(prefix="withdraw")
    return panel_action(
        case,
        TRANSFER,
        form,
        _("Transfer withdrawn."),
        lambda: transfers.withdraw_transfer(
            case, _transfer_id(form), user, version=form.version.data
        ),
    )


@bp.route("/<number>/transfers/accept", methods=["POST"])
def accept_transfer(number: str):
    """Acknowledge a transfer: the receiving organisation handles the case now (its director,
    or the desk of its region)."""
    case, user = load_case(number), _me()
    form = AcceptForm(prefix="accept")
    _may_answer(case, form, user)
    return panel_action(
        case,
        TRANSFER,
        form,
        _("Transfer acknowledged. The case is now handled here."),
        lambda: transfers.accept_transfer(
            case, _transfer_id(form), user, version=form.version.data, note=form.note.data
        ),
    )


@bp.route("/<number>/transfers/decline", methods=["POST"])
def decline_transfer(number: str):
    """Decline a transfer with a reason: the case stays where it was (the receiver)."""
    case, user = load_case(number), _me()
    form = DeclineForm(prefix="decline")
    _may_answer(case, form, user)
    return panel_action(
        case,
        TRANSFER,
        form,
        _("Transfer declined."),
        lambda: transfers.decline_transfer(
            case, _transfer_id(form), user, version=form.version.data, reason=form.reason.data
        ),
    )


@bp.route("/<number>/transfers/ack-out", methods=["POST"])
def ack_transfer_out(number: str):
    """Record that the outside body signed for the case: mediation ends (the sending side, or
    the desk of the case's area)."""
    case, user = load_case(number), _me()
    if not transfers.can_record_out_acknowledgement(user, case):
        abort(403)
    form = OutAckForm(prefix="ack_out")
    return panel_action(
        case,
        TRANSFER,
        form,
        _("Acknowledgement recorded. Mediation has ended."),
        lambda: transfers.record_out_acknowledgement(
            case,
            _transfer_id(form),
            user,
            version=form.version.data,
            receiver_name=form.receiver_name.data,
            received_on=form.received_on.data,
        ),
    )


@bp.route("/<number>/transfers/<int:transfer_id>/note")
def transfer_note(number: str, transfer_id: int):
    """The transfer note (案件移送函) to print, as PDF (or HTML with ?html=1): it carries the
    parties' contact details, so only staff who may open the case's file get it, masked
    unless they may reveal personal details (a full view recorded)."""
    from blueprints.cases.documents import print_response

    case, user = load_case(number), current_user._get_current_object()
    if not document_access.can_open_documents(user, case):
        abort(403)
    if not any(t.id == transfer_id for t in case.transfers):
        abort(404)
    as_pdf = not request.args.get("html")
    shown = document_access.transfer_note(case, transfer_id, user, as_pdf=as_pdf)
    db.session.commit()  # the record of a full view
    if not as_pdf:
        return print_response(shown)
    masked = "-masked" if shown.masked else ""
    response = make_response(shown.content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="transfer-{case.number}-{transfer_id}{masked}.pdf"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
