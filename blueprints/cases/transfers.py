"""Transfers on the shared case page: the send form (down, up, across, or out of people's
mediation), the pending transfer with withdraw / acknowledge / decline buttons for the right
people, the outside body's acknowledgement, the history, and the printable transfer note
(案件移送函)."""

from __future__ import annotations

from typing import Any

from flask import abort, make_response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import panel_action
from blueprints.cases import bp
from blueprints.cases.panels import Panel, panel
from blueprints.cases.views import load_case
from blueprints.workbench.forms import CaseActionForm
from domain import transfers
from domain.errors import ValidationFailed
from domain.ids import row_id
from domain.permissions import can_send_transfer, may_receive_transfer
from domain.states import Action, allowed
from extensions import db
from models import Case, Organisation, User
from models.enums import DocumentKind, TransferDirection, TransferStatus
from models.states import CaseState

TRANSFER = "transfer"


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class SendForm(CaseActionForm):
    to_org = SelectField(
        _l("Receiving organisation"),
        coerce=_int_or_none,
        validate_choice=False,
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


FORMS = {
    "send": SendForm,
    "withdraw": AnswerForm,
    "accept": AcceptForm,
    "decline": DeclineForm,
    "ack_out": OutAckForm,
}


def target_choices(case: Case) -> list[SelectChoice]:
    choices = [SelectChoice("", _("Choose an organisation"))]
    for o in transfers.mediating_targets(case):
        direction = transfers.direction_between(transfers.origin(case), o)
        choices.append(SelectChoice(str(o.id), f"{o.name} — {direction.label}"))
    return choices


@panel(62)
def transfer_panel(case: Case, user: User, overrides: dict[str, Any]) -> Panel | None:
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
    may = {
        "send": may_send,
        "withdraw": pending is not None and sender_side,
        "accept": (
            pending is not None
            and not out
            and pending.to_org is not None
            and may_receive_transfer(user, pending)
        ),
        "ack_out": out and sender_side,
    }
    may["decline"] = may["accept"]
    failed = overrides.get(TRANSFER)
    forms = {}
    for name, cls in FORMS.items():
        # A refused form comes back only where the user still has it (else: a flash).
        if isinstance(failed, cls) and failed._prefix == f"{name}-" and may[name]:
            forms[name] = failed
        else:
            forms[name] = cls(
                formdata=None,
                prefix=name,
                version=case.version,
                transfer=pending.id if pending else None,
            )
    # Before dispatch the desk normally dispatches: the transfer form (with its long list of
    # organisations) opens on request (?transfer=1), which works without JS too.
    folded = (
        may_send
        and case.state == CaseState.ACCEPTED
        and forms["send"] is not failed
        and not request.args.get("transfer")
    )
    if may_send and not folded:
        forms["send"].to_org.choices = target_choices(case)
    return Panel(
        TRANSFER,
        "cases/partials/transfer_panel.html",
        {
            **forms,
            "pending": pending,
            "history": [t for t in reversed(history) if t is not pending],
            "may_send": may_send,
            "folded": folded,
            "may_withdraw": may["withdraw"],
            "may_receive": may["accept"],
            "may_ack_out": may["ack_out"],
            "open_form": next((n for n, f in forms.items() if f is failed), None),
            "direction_label": lambda v: TransferDirection(v).label,
            "status_label": lambda v: TransferStatus(v).label,
        },
    )


def _me() -> User:
    return current_user._get_current_object()


def _act(case: Case, form, done: str, call):
    return panel_action(case, TRANSFER, form, done, call, provider=transfer_panel)


def _transfer_id(form) -> int | None:
    return row_id(form.transfer.data)  # None (out of range, not a number): "no longer waiting"


@bp.route("/<number>/transfers", methods=["POST"])
def send_transfer(number: str):
    """Send the case to another organisation or out (clerk, leader, the handling committee's
    director, the presiding mediator)."""
    case, user = load_case(number), _me()
    if not can_send_transfer(user, case):
        abort(403)
    form = SendForm(prefix="send")
    form.to_org.choices = target_choices(case)

    def call():
        # Only an organisation offered in the list is looked up (a forged or huge id is not).
        target = None
        if form.to_org.data is not None or form.to_org.raw_data not in (None, [], [""]):
            if str(form.to_org.data) not in {c.value for c in form.to_org.choices}:
                raise ValidationFailed(_l("Choose an organisation from the list."), field="to_org")
            target = db.session.get(Organisation, form.to_org.data)
        return transfers.send_transfer(
            case,
            user,
            version=form.version.data,
            to_org=target,
            to_name=None if target else form.to_name.data,
            reason=form.reason.data,
        )

    return _act(case, form, _("Transfer sent. It waits for the receiver's acknowledgement."), call)


@bp.route("/<number>/transfers/withdraw", methods=["POST"])
def withdraw_transfer(number: str):
    """Take back a pending transfer (the sending side)."""
    case, user = load_case(number), _me()
    if not can_send_transfer(user, case):
        abort(403)
    form = AnswerForm(prefix="withdraw")
    return _act(
        case,
        form,
        _("Transfer withdrawn."),
        lambda: transfers.withdraw_transfer(
            case, _transfer_id(form), user, version=form.version.data
        ),
    )


@bp.route("/<number>/transfers/accept", methods=["POST"])
def accept_transfer(number: str):
    """Acknowledge a transfer: the receiving organisation handles the case now (its director,
    or a clerk or leader of its region)."""
    case, user = load_case(number), _me()
    form = AcceptForm(prefix="accept")
    return _act(
        case,
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
    return _act(
        case,
        form,
        _("Transfer declined."),
        lambda: transfers.decline_transfer(
            case, _transfer_id(form), user, version=form.version.data, reason=form.reason.data
        ),
    )


@bp.route("/<number>/transfers/ack-out", methods=["POST"])
def ack_transfer_out(number: str):
    """Record that the outside body signed for the case: mediation ends (the sending side)."""
    case, user = load_case(number), _me()
    if not can_send_transfer(user, case):
        abort(403)
    form = OutAckForm(prefix="ack_out")
    return _act(
        case,
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
    parties' contact details, so only staff who may keep the case's file get it."""
    from blueprints.cases.documents import PRINT_CSP
    from domain.documents import can_manage_documents, html_to_pdf, render_html

    case = load_case(number)
    if not can_manage_documents(current_user, case):
        abort(403)
    if not any(t.id == transfer_id for t in case.transfers):
        abort(404)
    html = render_html(case, DocumentKind.TRANSFER_NOTE, transfer_id)
    if request.args.get("html"):
        response = make_response(html)
        response.headers["Content-Security-Policy"] = PRINT_CSP
        return response
    response = make_response(html_to_pdf(html).write_pdf())
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="transfer-{case.number}-{transfer_id}.pdf"'
    )
    return response
