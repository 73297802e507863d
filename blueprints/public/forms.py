"""Citizen forms: the application (人民调解申请书) and the case lookup."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from blueprints.forms import TrimmedForm, TrimmedSubForm, enum_choices
from domain.identity import IdentifierError, normalise_id_number, normalise_phone
from models.enums import DisputeType, PartyKind, Sex

MAX_APPLICANTS = 5
MAX_RESPONDENTS = 10


def valid_id_number(form, field):
    if field.data and field.data.strip():
        try:
            normalise_id_number(field.data)
        except IdentifierError as error:
            raise ValidationError(str(error.message)) from None


def valid_phone(form, field):
    if field.data and field.data.strip():
        try:
            normalise_phone(field.data)
        except IdentifierError as error:
            raise ValidationError(str(error.message)) from None


class PartyForm(TrimmedSubForm):
    """One party; nested in the application, so it carries no CSRF token of its own."""

    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Enter the name.")), Length(max=128)],
        render_kw={"autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=32), valid_phone],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off"},
    )
    kind = SelectField(
        _l("Person or organisation"),
        choices=lambda: enum_choices(PartyKind),
        default=PartyKind.PERSON.value,
    )
    sex = SelectField(
        _l("Sex"),
        choices=lambda: enum_choices(Sex, blank=_l("Not stated")),
        default="",
    )
    age = IntegerField(
        _l("Age"),
        validators=[Optional(), NumberRange(0, 130, _l("Enter an age between 0 and 130."))],
        render_kw={"inputmode": "numeric", "class": "short"},
    )
    id_number = StringField(
        _l("Resident ID number (optional)"),
        validators=[Optional(), Length(max=32), valid_id_number],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    address = StringField(_l("Address or workplace"), validators=[Optional(), Length(max=256)])
    ethnicity = StringField(_l("Ethnicity"), validators=[Optional(), Length(max=32)])
    occupation = StringField(_l("Occupation or post"), validators=[Optional(), Length(max=64)])
    legal_rep = StringField(
        _l("Legal representative (organisations only)"), validators=[Optional(), Length(max=64)]
    )


class ApplicantForm(PartyForm):
    phone = StringField(
        _l("Phone"),
        validators=[
            InputRequired(_l("Enter a phone number so the mediator can reach you.")),
            Length(max=32),
            valid_phone,
        ],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "tel"},
    )


class ApplicationForm(TrimmedForm):
    applicants = FieldList(
        FormField(ApplicantForm),
        label=_l("Applicant"),
        min_entries=1,
        max_entries=MAX_APPLICANTS,
    )
    respondents = FieldList(
        FormField(PartyForm),
        label=_l("Other party"),
        min_entries=1,
        max_entries=MAX_RESPONDENTS,
    )
    county = SelectField(
        _l("County or district"),
        validators=[DataRequired(_l("Choose the county."))],
        validate_choice=False,
    )
    township = SelectField(
        _l("Township or street"),
        validators=[DataRequired(_l("Choose the township or street."))],
        validate_choice=False,
    )
    village = SelectField(_l("Village or community"), validate_choice=False)
    dispute_type = RadioField(
        _l("What is the dispute about?"),
        choices=lambda: enum_choices(DisputeType),
        validators=[InputRequired(_l("Choose what the dispute is about."))],
    )
    summary = TextAreaField(
        _l("What happened?"),
        validators=[
            InputRequired(_l("Tell us briefly what happened.")),
            Length(min=10, max=3000, message=_l("Write between 10 and 3000 characters.")),
        ],
    )
    requests = TextAreaField(
        _l("What do you ask for?"),
        validators=[
            InputRequired(_l("Say what you would like to be done.")),
            Length(max=2000, message=_l("Write at most 2000 characters.")),
        ],
    )
    amount = DecimalField(
        _l("Amount of money involved, in yuan (if any)"),
        places=2,
        validators=[
            Optional(),
            NumberRange(0, 10**10, _l("Enter an amount between 0 and 10,000,000,000 yuan.")),
        ],
        render_kw={"inputmode": "decimal", "class": "short"},
    )
    declaration = BooleanField(
        _l(
            "The mediation committee has told me the rules of people's mediation, and I apply "
            "for mediation voluntarily."
        ),
        validators=[InputRequired(_l("Please confirm the declaration to apply."))],
    )
    # Honeypot: hidden from people by CSS; simple bots fill every field.
    website = StringField(
        _l("Leave this field empty"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )

    def request_lines(self) -> list[str]:
        return [
            line.strip(" .、")
            for line in (self.requests.data or "").splitlines()
            if line.strip(" .、")
        ]


class LookupForm(TrimmedForm):
    number = StringField(
        _l("Case number"),
        validators=[InputRequired(_l("Enter the case number.")), Length(max=40)],
        render_kw={
            "autocomplete": "off",
            "spellcheck": "false",
            "inputmode": "numeric",
            "placeholder": "2026-421022-000123",
        },
    )
    code = StringField(
        _l("Query code"),
        validators=[InputRequired(_l("Enter the query code.")), Length(max=40)],
        render_kw={
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "characters",
            "placeholder": "ABCD-EFGH",
        },
    )
