"""Forms of the mediator's workbench: assignment, session record and the two outcomes.

Every form carries the case version the user saw (hidden) so the domain can refuse a stale
write. Field rules live here; workflow rules (a written agreement states its performance
manner, the mediator must be eligible) live in domain/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from blueprints.forms import TrimmedForm
from domain.clocks import CHINA, local_today
from models.enums import AgreementKind, SessionMode

# "1. ", "1) ", "(1) ", a digit plus an ideographic comma, full-width dots and brackets: the
# numbering people type in front of each term. The agreement stores the bare terms and numbers
# them when it is shown.
_NUMBERING = re.compile(r"^\s*(?:[(\uff08]\s*\d+\s*[)\uff09]|\d+\s*[.)\u3001\uff0e:\uff1a])\s*")


def parse_terms(text: str | None) -> list[str]:
    """One term per non-empty line, without the numbering the user typed."""
    terms = []
    for line in (text or "").splitlines():
        term = _NUMBERING.sub("", line).strip()
        if term:
            terms.append(term)
    return terms


def _int_or_none(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _now_local() -> datetime:
    return datetime.now(UTC).astimezone(CHINA).replace(second=0, microsecond=0, tzinfo=None)


class CaseActionForm(TrimmedForm):
    """Base: the hidden case version (optimistic lock)."""

    version = IntegerField(
        _l("Case version"),
        widget=HiddenInput(),
        validators=[InputRequired(_l("The form is incomplete. Reload the page and try again."))],
    )


class AssignForm(CaseActionForm):
    mediator = SelectField(
        _l("Presiding mediator"),
        coerce=_int_or_none,
        validate_choice=False,  # eligibility is a workflow rule: domain.dispatch checks it
        validators=[InputRequired(_l("Choose a mediator."))],
    )


class SessionForm(CaseActionForm):
    held_at = DateTimeLocalField(
        _l("Held at"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        default=_now_local,
        validators=[InputRequired(_l("Enter the date and time of the session."))],
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=128)])
    mode = RadioField(
        _l("How the session was held"),
        choices=SessionMode.choices,
        default=SessionMode.IN_PERSON.value,
        validators=[InputRequired(_l("Choose how the session was held."))],
    )
    notes = TextAreaField(
        _l("What happened"),
        validators=[
            InputRequired(_l("Write what happened in the session.")),
            Length(max=20000),
        ],
        render_kw={"rows": 6},
    )

    def validate_held_at(self, field):
        # A record is written after the session; a little slack for clock differences.
        if field.data and field.data > _now_local() + timedelta(minutes=10):
            raise ValidationError(_l("The session time cannot be in the future."))

    def held_at_utc(self) -> datetime:
        """The local (China) wall-clock time the user typed, as an aware UTC datetime."""
        return self.held_at.data.replace(tzinfo=CHINA).astimezone(UTC)


class AgreementForm(CaseActionForm):
    kind = RadioField(
        _l("Kind of agreement"),
        choices=AgreementKind.choices,
        default=AgreementKind.WRITTEN.value,
        validators=[InputRequired(_l("Choose written or oral."))],
    )
    terms = TextAreaField(
        _l("Terms of the agreement"),
        validators=[
            InputRequired(_l("Write at least one term of the agreement.")),
            Length(max=20000),
        ],
        render_kw={"rows": 6},
    )
    agreed_on = DateField(
        _l("Agreed on"),
        default=local_today,
        validators=[InputRequired(_l("Enter the date of the agreement."))],
    )
    performance_manner = StringField(
        _l("Manner of performance"), validators=[Optional(), Length(max=256)]
    )
    performance_place = StringField(
        _l("Place of performance"), validators=[Optional(), Length(max=256)]
    )
    performance_deadline = DateField(_l("Deadline for performance"), validators=[Optional()])

    def validate_terms(self, field):
        if not parse_terms(field.data):
            raise ValidationError(_l("Write at least one term of the agreement."))

    def validate_agreed_on(self, field):
        if field.data and field.data > local_today():
            raise ValidationError(_l("The agreement date cannot be in the future."))

    def validate_performance_deadline(self, field):
        if field.data and self.agreed_on.data and field.data < self.agreed_on.data:
            raise ValidationError(_l("The deadline cannot be before the agreement date."))


class FailureForm(CaseActionForm):
    reason = TextAreaField(
        _l("Why mediation failed"),
        validators=[InputRequired(_l("Say why mediation failed.")), Length(max=5000)],
        render_kw={"rows": 4},
    )
