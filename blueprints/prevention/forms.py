"""Forms of the prevention pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from blueprints.forms import ChoiceField, TrimmedForm, enum_choices, optional_int
from domain import screening_rounds as sr
from domain import warnings
from models.enums import DisputeType, RiskLevel
from models.prevention import Cadence, ResponseKind, RoundKind
from models.risk import RiskFlag


class PeriodForm(TrimmedForm):
    """The compliance board's period (GET)."""

    class Meta:
        csrf = False

    start = DateField(_l("First day"), validators=[Optional()])
    end = DateField(_l("Last day"), validators=[Optional()])
    late = BooleanField(_l("Only organisations with late rounds"))


class RoundForm(TrimmedForm):
    period = ChoiceField(_l("Period covered"), validators=[InputRequired(_l("Choose the period."))])
    kind = RadioField(
        _l("Kind of round"),
        choices=lambda: enum_choices(RoundKind),
        default=RoundKind.REGULAR.value,
        validators=[InputRequired(_l("Choose the kind of round."))],
    )
    held_on = DateField(
        _l("Held on"), validators=[InputRequired(_l("Enter the day the round was held."))]
    )
    nil_return = BooleanField(_l("Nil return: nothing found"))
    summary = TextAreaField(
        _l("What was found"),
        validators=[Optional(), Length(max=sr.TEXT_MAX)],
        render_kw={"rows": 3},
    )


class FoundCaseForm(TrimmedForm):
    dispute_type = ChoiceField(
        _l("Type of dispute"),
        choices=lambda: enum_choices(DisputeType, blank=_l("Choose…")),
        validators=[InputRequired(_l("Choose the dispute type."))],
    )
    summary = TextAreaField(
        _l("The dispute"),
        validators=[InputRequired(_l("Describe the dispute.")), Length(max=sr.TEXT_MAX)],
        render_kw={"rows": 3},
    )
    applicant = StringField(_l("One party (if known)"), validators=[Length(max=sr.NAME_MAX)])
    respondent = StringField(
        _l("The other party"),
        validators=[InputRequired(_l("Name the other party.")), Length(max=sr.NAME_MAX)],
    )
    risk_level = SelectField(
        _l("Risk level"), choices=lambda: enum_choices(RiskLevel), default=RiskLevel.NONE.value
    )


class WatchForm(TrimmedForm):
    description = TextAreaField(
        _l("What is watched"),
        validators=[InputRequired(_l("Describe what is watched.")), Length(max=sr.TEXT_MAX)],
        render_kw={"rows": 3},
    )
    place = StringField(_l("Place"), validators=[Length(max=sr.SHORT_MAX)])
    parties = StringField(_l("Parties (in words)"), validators=[Length(max=sr.PARTIES_MAX)])
    dispute_type = SelectField(
        _l("Type of dispute"),
        choices=lambda: enum_choices(DisputeType, blank=_l("Not known yet")),
        validators=[Optional()],
    )
    risk_level = SelectField(
        _l("Risk level"), choices=lambda: enum_choices(RiskLevel), default=RiskLevel.BLUE.value
    )
    flags = SelectMultipleField(_l("Risk flags"), choices=lambda: enum_choices(RiskFlag))


class VersionedForm(TrimmedForm):
    version = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(_l("The form is incomplete. Reload the page and try again."))],
    )


class WatchRiskForm(VersionedForm):
    risk_level = SelectField(_l("Risk level"), choices=lambda: enum_choices(RiskLevel))
    flags = SelectMultipleField(_l("Risk flags"), choices=lambda: enum_choices(RiskFlag))
    reason = TextAreaField(
        _l("Why the risk changed"),
        validators=[InputRequired(_l("Say why the risk changed.")), Length(max=sr.TEXT_MAX)],
        render_kw={"rows": 2},
    )


class ResolveForm(VersionedForm):
    note = TextAreaField(
        _l("How it was resolved"),
        validators=[InputRequired(_l("Say how it was resolved.")), Length(max=sr.TEXT_MAX)],
        render_kw={"rows": 2},
    )


class WatchCaseForm(VersionedForm, FoundCaseForm):
    pass


class RespondForm(VersionedForm):
    kind = RadioField(
        _l("Response"),
        choices=lambda: enum_choices(ResponseKind),
        default=ResponseKind.REPORTED.value,
        validators=[InputRequired(_l("Choose the response."))],
    )
    note = TextAreaField(
        _l("Note"),
        validators=[
            InputRequired(_l("Say what was reported or done.")),
            Length(max=warnings.NOTE_MAX),
        ],
        render_kw={"rows": 3},
    )


class BoardFilterForm(TrimmedForm):
    class Meta:
        csrf = False

    show = SelectField(
        _l("Show"),
        choices=[
            SelectChoice(warnings.Show.ALL, _l("All open warnings")),
            SelectChoice(warnings.Show.UNANSWERED, _l("Unanswered")),
            SelectChoice(warnings.Show.OVERDUE, _l("Past their response time")),
            SelectChoice(warnings.Show.ANSWERED, _l("Answered")),
        ],
        default=warnings.Show.ALL,
        validators=[Optional()],
    )
    level = SelectField(
        _l("Colour"),
        choices=lambda: enum_choices(RiskLevel, warnings.COLOURS, blank=_l("Any colour")),
        validators=[Optional()],
    )
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10_000)])


class LevelCadenceForm(TrimmedForm):
    cadence = SelectField(_l("Cadence"), choices=lambda: enum_choices(Cadence))
    grace_days = IntegerField(
        _l("Grace (working days)"),
        validators=[
            InputRequired(_l("Enter the grace in working days.")),
            NumberRange(min=0, max=sr.MAX_GRACE),
        ],
    )


class OrgCadenceForm(LevelCadenceForm):
    organisation = ChoiceField(
        _l("Organisation"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose an organisation."))],
    )


class HoursForm(TrimmedForm):
    hours = IntegerField(
        _l("Hours to respond"),
        validators=[
            InputRequired(_l("Enter the hours.")),
            NumberRange(min=1, max=warnings.MAX_HOURS),
        ],
    )
