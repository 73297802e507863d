"""Base classes for every form: text is trimmed, and a required text field holding only spaces
(including full-width ones typed on Chinese keyboards) counts as empty.

WTForms' InputRequired checks the raw input, so "   " would pass it and be saved as a blank
name. Binding each text field through this Meta adds a strip filter and turns InputRequired
into DataRequired (which checks the trimmed value) with the same message.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.fields import (
    DecimalField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, StopValidation
from wtforms.widgets import HiddenInput

from domain.ids import is_row_id, row_id


def enum_choices(enum_cls, members=None, *, blank=None) -> list[SelectChoice]:
    """Options for a select or radio field from a LabelledEnum: each member's value with its
    translated label (lazy, so it follows the language of the request that renders it), in the
    enum's order, or only `members` in the order given; `blank` puts an empty "choose…"
    option first."""
    out = [SelectChoice("", blank)] if blank is not None else []
    out += [SelectChoice(m.value, m.label) for m in (enum_cls if members is None else members)]
    return out


def optional_int(value):
    """Coerce a select's value (the one coercer for ids chosen in a form): '' (none chosen)
    stays None; text that is not a whole number, or a number no row can have, becomes -1,
    which names no row and no choice, so the field's choice check or the domain reports it
    (a forged value never reaches the database as an overflowing integer, never a 500)."""
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if is_row_id(value) else -1
    number = row_id(str(value))
    return -1 if number is None else number


def optional_str(value):
    """A select's value, '' (none chosen) as None."""
    return value or None


class ChoiceField(SelectField):
    """A select whose empty option means "not chosen yet": InputRequired reports that with its
    own message instead of a second, generic "Not a valid choice"."""

    def pre_validate(self, form) -> None:
        if self.data in (None, ""):
            return
        super().pre_validate(form)


def _strip(value):
    """Trimmed, without NUL characters: no one types them, and PostgreSQL text cannot hold
    them (a forged one would otherwise fail the insert)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _trim(unbound_field) -> None:
    cls = unbound_field.field_class
    if not issubclass(cls, StringField | TextAreaField) or issubclass(cls, PasswordField):
        return
    kwargs = unbound_field.kwargs
    filters = list(kwargs.get("filters") or ())
    if _strip not in filters:
        kwargs["filters"] = [_strip, *filters]
    validators = kwargs.get("validators")
    if validators:
        kwargs["validators"] = [
            DataRequired(v.message) if type(v) is InputRequired else v for v in validators
        ]


def _finite(form, field) -> None:  # noqa: ARG001
    """A DecimalField takes "NaN", "sNaN" and "Infinity" as numbers; no amount is one of those
    (and comparing a NaN raises), so they are refused first, beside the field."""
    if isinstance(field.data, Decimal) and not field.data.is_finite():
        raise StopValidation(_l("Enter a number, such as 1200 or 1200.50."))


def _finite_only(unbound_field) -> None:
    if not issubclass(unbound_field.field_class, DecimalField):
        return
    validators = list(unbound_field.kwargs.get("validators") or ())
    if _finite not in validators:
        unbound_field.kwargs["validators"] = [_finite, *validators]


class _TrimMeta:
    def bind_field(self, form, unbound_field, options):
        _trim(unbound_field)
        _finite_only(unbound_field)
        return super().bind_field(form, unbound_field, options)


class TrimmedForm(FlaskForm):
    """A top-level form (with CSRF)."""

    class Meta(_TrimMeta, FlaskForm.Meta):
        pass


class TrimmedSubForm(Form):
    """A form nested in another (FormField), without a CSRF token of its own."""

    class Meta(_TrimMeta, Form.Meta):
        pass


class CaseActionForm(TrimmedForm):
    """The base of every case-page action form: the hidden case version the user saw, so the
    domain refuses a write against a case that changed meanwhile (optimistic lock)."""

    version = IntegerField(
        _l("Case version"),
        widget=HiddenInput(),
        validators=[InputRequired(_l("The form is incomplete. Reload the page and try again."))],
    )
