"""The parties' messages on the staff case page: each party's thread with the centre, the
mediator's reply to one party, sharing a party's file with the other side, and the parties'
requests to end mediation (PML Art. 23), handled by ending mediation through the closing
panel or with a note here. The rules are in domain/party_area.py."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm
from blueprints.panels import Panel, panel
from domain import party_area
from domain.permissions import Work, may
from models import Case, User

MESSAGES = "messages"  # the panel's name; its region is #panel-messages


class ReplyForm(CaseActionForm):
    body = TextAreaField(
        _l("Reply"),
        validators=[
            InputRequired(_l("Write your message first.")),
            Length(max=party_area.MAX_MESSAGE_CHARS),
        ],
        render_kw={"rows": 3, "maxlength": party_area.MAX_MESSAGE_CHARS},
    )


class ShareForm(CaseActionForm):
    submission = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class HandleForm(CaseActionForm):
    request = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    note = TextAreaField(
        _l("How the request was answered"),
        validators=[
            InputRequired(_l("Say how the request was answered.")),
            Length(max=party_area.MAX_REASON_CHARS),
        ],
        render_kw={"rows": 2},
    )


def _reply_factory(case: Case, party_id: int):
    def build(failed):
        return failed or ReplyForm(formdata=None, prefix=f"reply-{party_id}", version=case.version)

    return build


@panel(MESSAGES)
def messages_panel(case: Case, user: User) -> Panel | None:
    """Each party's thread, their files (shared or not) and their requests to end mediation,
    for staff who hold the case (who record the parties' consent)."""
    if not party_area.may_converse(user, case):
        return None
    threads = party_area.threads(case)
    files = party_area.files_of(case)
    requests = party_area.open_requests(case)
    open_ = party_area.takes_messages(case)
    if not open_ and not any(t for _p, t in threads) and not files:
        return None
    forms = {}
    if open_:
        for p in case.active_parties:
            forms[f"reply-{p.id}"] = _reply_factory(case, p.id)
    mediates = may(user, Work.MEDIATE, case)
    return Panel(
        MESSAGES,
        "cases/partials/messages_panel.html",
        {
            "threads": threads,
            "files": files,
            "requests": requests,
            "may_share": open_,
            "may_handle": mediates,
            "share_form": ShareForm(formdata=None, prefix="share", version=case.version),
            "handle_form": HandleForm(formdata=None, prefix="handle", version=case.version),
        },
        forms=forms,
    )


def _holding(number: str) -> tuple[Case, User]:
    case, user = load_case(number), current_user._get_current_object()
    if not party_area.may_converse(user, case):
        abort(403)
    return case, user


@bp.route("/<number>/messages/<int:party_id>/reply", methods=["POST"])
def reply_to_party(number: str, party_id: int):
    """The mediator's message to one party (whoever records the parties' consent)."""
    case, user = _holding(number)
    party = next((p for p in case.parties if p.id == party_id), None)
    if party is None:
        abort(404)
    form = ReplyForm(prefix=f"reply-{party.id}")
    return panel_action(
        case,
        MESSAGES,
        form,
        _("Message sent to %(name)s.", name=party.name),
        lambda: party_area.reply(case, party, user, form.body.data),
    )


@bp.route("/<number>/messages/share", methods=["POST"])
def share_party_file(number: str):
    """Show a party's file to the other side too."""
    case, user = _holding(number)
    form = ShareForm(prefix="share")
    return panel_action(
        case,
        MESSAGES,
        form,
        _("The file is now shared with the other side."),
        lambda: party_area.share_file(case, user, form.submission.data, version=form.version.data),
    )


@bp.route("/<number>/messages/handle", methods=["POST"])
def handle_end_request(number: str):
    """Mark a party's request to end mediation handled without ending it, with a note."""
    case, user = _holding(number)
    form = HandleForm(prefix="handle")
    return panel_action(
        case,
        MESSAGES,
        form,
        _("The request is marked handled."),
        lambda: party_area.handle_request(
            case, user, form.request.data, note=form.note.data, version=form.version.data
        ),
    )
