"""Forms of the user administration. Organisation choices are filled in by the view (the
organisations inside the administrator's region)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.forms import TrimmedForm, enum_choices, optional_int
from domain.accounts import MIN_PASSWORD_LENGTH
from models.enums import DisputeType, Role


def role_choices(blank=None) -> list[tuple[str, object]]:
    choices = enum_choices(Role)
    return [("", blank), *choices] if blank is not None else choices


class UserFilterForm(TrimmedForm):
    """Filters of the user list (GET, no CSRF)."""

    class Meta:
        csrf = False

    organisation = SelectField(_l("Organisation"), coerce=optional_int, validate_choice=True)
    role = SelectField(_l("Role"), validators=[Optional()])

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [("", _l("Any organisation"))] + [
            (o.id, o.name) for o in organisations
        ]
        self.role.choices = role_choices(blank=_l("Any role"))


def _password_fields():
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Enter a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=_l(
                    "The password must have %(min)d to %(max)d characters.",
                    min=MIN_PASSWORD_LENGTH,
                    max=256,
                ),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def _name_field():
    return StringField(
        _l("Full name"),
        validators=[InputRequired(_l("Enter the person's name.")), Length(max=64)],
    )


def _role_field():
    return SelectField(_l("Role"), validators=[InputRequired(_l("Choose a role."))])


def _organisation_field():
    return SelectField(
        _l("Organisation"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose an organisation."))],
    )


def _phone_field():
    return StringField(_l("Phone"), validators=[Optional(), Length(max=32)])


class _ProfileForm(TrimmedForm):
    def set_choices(self, organisations) -> None:
        """Fill the role and organisation selects (organisations: those in the admin's region)."""
        self.role.choices = role_choices()
        self.organisation.choices = [("", _l("Choose an organisation"))] + [
            (o.id, f"{o.name} ({o.kind.label})") for o in organisations
        ]


class NewUserForm(_ProfileForm):
    username = StringField(
        _l("Username"),
        validators=[
            InputRequired(_l("Enter a username.")),
            Length(max=64),
            Regexp(
                r"^[A-Za-z0-9_.\-]+$",
                message=_l("Use only letters a-z, digits, dots, dashes and underscores."),
            ),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    name = _name_field()
    role = _role_field()
    organisation = _organisation_field()
    phone = _phone_field()
    password, confirm = _password_fields()


class EditUserForm(_ProfileForm):
    name = _name_field()
    role = _role_field()
    organisation = _organisation_field()
    phone = _phone_field()
    # Check boxes rather than a multi-select: no Ctrl-click, and usable on a phone.
    specialties = SelectMultipleField(
        _l("Specialties (mediators)"),
        choices=lambda: enum_choices(DisputeType),
        validate_choice=True,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    full_time = BooleanField(_l("Full-time mediator"))


class ResetPasswordForm(TrimmedForm):
    password, confirm = _password_fields()
