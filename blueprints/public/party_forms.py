"""The party area shared by the applicant's /status page and the respondent's /respond/case
page: its forms and what its partials are given (templates/public/partials/party_area.html).
The routes are in blueprints/public/party_area.py; the rules in domain/party_area.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.forms import TrimmedForm
from domain import party_area
from models import Case, Party

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MessageForm(TrimmedForm):
    body = TextAreaField(
        _l("Your message to the mediator"),
        validators=[
            InputRequired(_l("Write your message first.")),
            Length(max=party_area.MAX_MESSAGE_CHARS),
        ],
        render_kw={"rows": 4, "maxlength": party_area.MAX_MESSAGE_CHARS},
    )
    file = FileField(
        _l("Attach a file (optional: PDF, JPEG or PNG, up to 10 MB)"),
        render_kw={"accept": ACCEPT},
    )


class EvidenceForm(TrimmedForm):
    file = FileField(_l("File (PDF, JPEG or PNG, up to 10 MB)"), render_kw={"accept": ACCEPT})


class EndForm(TrimmedForm):
    reason = TextAreaField(
        _l("Why you want mediation to end"),
        validators=[
            InputRequired(_l("Say why you want mediation to end.")),
            Length(max=party_area.MAX_REASON_CHARS),
        ],
        render_kw={"rows": 3, "maxlength": party_area.MAX_REASON_CHARS},
    )


class WithdrawForm(TrimmedForm):
    reason = TextAreaField(
        _l("Why you withdraw (optional)"),
        validators=[Optional(), Length(max=party_area.MAX_REASON_CHARS)],
        render_kw={"rows": 3, "maxlength": party_area.MAX_REASON_CHARS},
    )
    confirm = BooleanField(
        _l("Yes, withdraw my application. I understand the centre will not handle it."),
        validators=[InputRequired(_l("Tick the box to confirm that you withdraw."))],
    )


FORMS = {"message": MessageForm, "material": EvidenceForm, "end": EndForm}


@dataclass
class Area:
    """What the party-area partials show for one party behind one door."""

    door: str  # "status" (the applicant) or "respond" (a respondent)
    case: Case
    party: Party
    forms: dict[str, Any] = field(default_factory=dict)

    def url(self, what: str, **values) -> str:
        return url_for(f"public.{self.door}_{what}", **values)

    @property
    def open(self) -> bool:
        return party_area.takes_messages(self.case)

    @property
    def may_ask_to_end(self) -> bool:
        return self.open and self.case.state.value != "registered"

    @property
    def parties(self):
        return party_area.party_views(self.case, self.party)

    @property
    def mediator(self) -> str | None:
        return party_area.mediator_name(self.case)

    @property
    def agreement(self):
        return party_area.agreement_document(self.case)

    @property
    def files(self):
        return party_area.visible_files(self.case, self.party)

    @property
    def thread(self):
        return party_area.thread(self.case, self.party)

    @property
    def requests(self):
        return party_area.requests_of(self.case, self.party)

    @property
    def pending_request(self):
        return next((r for r in self.requests if r.handled_at is None), None)


def area(door: str, case: Case, party: Party | None, failed: dict | None = None) -> Area | None:
    """The party area for `party` (None: a case with no party to speak for, shown without
    it), with the refused form put back among fresh ones."""
    if party is None:
        return None
    failed = failed or {}
    forms = {key: failed.get(key) or cls(formdata=None, prefix=key) for key, cls in FORMS.items()}
    return Area(door, case, party, forms)
