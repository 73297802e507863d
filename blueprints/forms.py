"""Base classes for every form: text is trimmed, and a required text field holding only spaces
(including full-width ones typed on Chinese keyboards) counts as empty.

WTForms' InputRequired checks the raw input, so "   " would pass it and be saved as a blank
name. Binding each text field through this Meta adds a strip filter and turns InputRequired
into DataRequired (which checks the trimmed value) with the same message.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.fields import (
    DateTimeField,
    DecimalField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice, SelectFieldBase
from wtforms.validators import DataRequired, InputRequired, Optional, StopValidation
from wtforms.widgets import HiddenInput

from domain.calendar import FIRST_DAY, LAST_DAY
from domain.ids import MAX_ID, is_row_id, row_id


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


def _int_problem(value) -> str | None:
    """A whole number the database's integer columns cannot hold (2**31, 2**63): it would
    fail in the database (PostgreSQL refuses it, SQLite overflows beyond 2**63) instead of
    being refused beside the field. Ids, versions, ages and days are all far below."""
    if isinstance(value, int) and not -MAX_ID - 1 <= value <= MAX_ID:
        return _l("This number is too large.")
    return None


def _date_problem(value) -> str | None:
    """A date (or date and time) outside FIRST_DAY..LAST_DAY: year 1 or 9999 is no date of a
    mediation, and counting days from it (a deadline, working days, a shift to UTC) would
    leave Python's calendar."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(day, date) and not FIRST_DAY <= day <= LAST_DAY:
        return _l(
            "Enter a date between %(first)s and %(last)s.", first=FIRST_DAY.year, last=LAST_DAY.year
        )
    return None


_BOUNDS = ((IntegerField, _int_problem), (DateTimeField, _date_problem))  # DateField too
_BOUNDED: dict[type, type] = {}


def _bounded(field_class: type, problem) -> type:
    """`field_class` whose value, as soon as it is read from the request, is checked: out of
    bounds it is None (a view that looks at it before validating never gets it) and the
    message stands beside the field, with what was typed."""
    if field_class not in _BOUNDED:

        class Bounded(field_class):
            out_of_bounds = False

            def process_formdata(self, valuelist):
                super().process_formdata(valuelist)
                message = problem(self.data)
                if message is not None:
                    self.data, self.out_of_bounds = None, True
                    raise ValueError(message)

        Bounded.__name__ = Bounded.__qualname__ = field_class.__name__
        _BOUNDED[field_class] = _BOUNDED[Bounded] = Bounded
    return _BOUNDED[field_class]


def _stop_out_of_bounds(form, field) -> None:  # noqa: ARG001
    """The field's own checks (and inline ones comparing it with another) never see it."""
    if getattr(field, "out_of_bounds", False):
        raise StopValidation()


def _bounds(unbound_field) -> None:
    cls = unbound_field.field_class
    for base, problem in _BOUNDS:
        if issubclass(cls, base):
            unbound_field.field_class = _bounded(cls, problem)
            validators = list(unbound_field.kwargs.get("validators") or ())
            if _stop_out_of_bounds not in validators:
                unbound_field.kwargs["validators"] = [_stop_out_of_bounds, *validators]


def _blank_is_a_value(unbound_field) -> None:
    """A choice left empty is optional; one holding only spaces is no choice at all. WTForms'
    Optional() takes "   " for empty and clears the field's "Not a valid choice", so the spaces
    would reach the code as the chosen value (an enum that has no such member: a 500)."""
    if not issubclass(unbound_field.field_class, SelectFieldBase):
        return
    validators = unbound_field.kwargs.get("validators")
    if validators:
        unbound_field.kwargs["validators"] = [
            Optional(strip_whitespace=False) if type(v) is Optional else v for v in validators
        ]


class _TrimMeta:
    def bind_field(self, form, unbound_field, options):
        _trim(unbound_field)
        _finite_only(unbound_field)
        _bounds(unbound_field)
        _blank_is_a_value(unbound_field)
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
