"""The bounds every form gets from blueprints.forms (TrimmedForm and TrimmedSubForm), without
its author asking: a whole number the database's integers can hold, a date between 1900 and
2100, a choice of spaces that is no choice. Checked on a form made for the test, so that they
hold for forms added later too."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DateTimeLocalField, FormField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from blueprints.forms import TrimmedForm, TrimmedSubForm


class Inner(TrimmedSubForm):
    count = IntegerField(validators=[Optional()])


class Sample(TrimmedForm):
    class Meta:
        csrf = False

    number = IntegerField(validators=[InputRequired("Enter a number.")])
    day = DateField(validators=[InputRequired("Enter the date.")])
    later = DateField(validators=[Optional()])
    moment = DateTimeLocalField(format="%Y-%m-%dT%H:%M", validators=[Optional()])
    kind = SelectField(
        choices=[SelectChoice("", "any"), SelectChoice("a", "A")], validators=[Optional()]
    )
    inner = FormField(Inner)

    def validate_later(self, field):
        # An inline check comparing two fields: it must never see a day out of bounds.
        if field.data and self.day.data and (field.data - self.day.data).days > 75:
            raise ValueError("too late")


GOOD = {"number": "7", "day": "2026-06-01", "kind": "a", "inner-count": "3"}


def sample(**changes) -> Sample:
    return Sample(formdata=MultiDict({**GOOD, **changes}))


def test_a_good_form_passes(app):
    form = sample()
    assert form.validate(), form.errors
    assert (form.number.data, form.day.data, form.kind.data) == (7, date(2026, 6, 1), "a")


@pytest.mark.parametrize("value", [str(2**31), str(-(2**31) - 1), str(2**63), "9" * 30])
def test_a_number_beyond_the_database_is_none_from_the_start(app, value):
    form = sample(number=value, **{"inner-count": value})
    # A view reading the field before validating (to look a row up) never gets it.
    assert form.number.data is None and form.inner.count.data is None
    assert not form.validate()
    assert form.number.errors == ["This number is too large."]
    assert form.inner.count.errors == ["This number is too large."]
    assert form.number._value() == value  # shown again as typed


def test_the_largest_key_is_a_number(app):
    form = sample(number=str(2**31 - 1))
    assert form.validate() and form.number.data == 2**31 - 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("day", "0001-01-01"),
        ("day", "1899-12-31"),
        ("day", "2101-01-01"),
        ("day", "9999-12-31"),
        ("moment", "0001-01-01T00:00"),
        ("moment", "9999-12-31T23:59"),
    ],
)
def test_a_date_out_of_bounds_is_refused_beside_it(app, field, value):
    form = sample(**{field: value, "later": "9999-12-31"})
    assert form[field].data is None
    assert not form.validate()  # and validate_later never compares with year 9999
    assert form[field].errors == ["Enter a date between 1900 and 2100."]
    assert form[field]._value() == value


def test_the_bounds_themselves_are_dates(app):
    form = sample(day="1900-01-01", later="1900-01-02", moment="2100-12-31T23:59")
    assert form.validate(), form.errors


def test_an_empty_required_number_keeps_its_own_message(app):
    form = sample(number="")
    assert not form.validate()
    assert form.number.errors == ["Enter a number."]


@pytest.mark.parametrize("value", [" ", "\u3000", " \t"])
def test_a_choice_of_spaces_is_no_choice(app, value):
    """WTForms' Optional() takes spaces for "not chosen" and clears "Not a valid choice",
    which let the spaces through as the value."""
    form = sample(kind=value)
    assert not form.validate()
    assert form.kind.errors == ["Not a valid choice."]


def test_an_empty_optional_choice_is_fine(app):
    form = sample(kind="")
    assert form.validate(), form.errors
    assert form.kind.data == ""
