"""Citizen forms: the application (人民调解申请书) and the case lookup."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FormField,
    HiddenField,
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
)

from blueprints.forms import TrimmedForm, enum_choices
from blueprints.notify_forms import ContactPreferenceForm
from blueprints.parties import PartyForm, PartyList, valid_phone
from models.enums import DisputeType

MAX_APPLICANTS = 5
MAX_RESPONDENTS = 10


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
    applicants = PartyList(
        FormField(ApplicantForm),
        label=_l("Applicant"),
        min_entries=1,
        max_entries=MAX_APPLICANTS,
        too_many=_l("At most %(num)d applicants.", num=MAX_APPLICANTS),
    )
    respondents = PartyList(
        FormField(PartyForm),
        label=_l("Other party"),
        min_entries=1,
        max_entries=MAX_RESPONDENTS,
        too_many=_l("At most %(num)d other parties.", num=MAX_RESPONDENTS),
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
    # Messages about the case to the (first) applicant, if they opt in.
    notify = FormField(ContactPreferenceForm, label=_l("Messages about your case"))
    # The form's one-time token, made when the form is first shown: the same form sent twice
    # files one case (domain.intake.submit_application).
    submission = HiddenField(render_kw={"autocomplete": "off"})
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
