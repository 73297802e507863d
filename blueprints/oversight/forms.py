"""The filters of the oversight case list (a GET form: bookmarkable, no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import Length, NumberRange, Optional, Regexp

from blueprints.forms import TrimmedForm, enum_choices, optional_int
from domain.statistics import MAX_PERIOD_YEARS, Level, Measure
from models.enums import DisputeType, RiskLevel, Source
from models.risk import RiskFlag
from models.states import CaseState


def _with_any(choices, label):
    return [("", label), *choices]


def _period_check(form, field) -> None:  # noqa: ARG001
    """The end on or after the start, and at most MAX_PERIOD_YEARS long."""
    start, end = form.date_from.data, form.date_to.data
    if start is None or end is None:
        return
    if end < start:
        raise ValidationError(_l("The end of the period is before its start."))
    if (end - start).days > MAX_PERIOD_YEARS * 366:
        raise ValidationError(
            _l("A period is at most %(years)s years long.", years=MAX_PERIOD_YEARS)
        )


class CaseFilterForm(TrimmedForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Case number"),
        validators=[
            Optional(),
            Length(max=24, message=_l("A case number is at most 24 characters.")),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "2026-421022-000123",
        },
    )
    state = SelectField(_l("State"), validators=[Optional()])
    dispute_type = SelectField(_l("Type of dispute"), validators=[Optional()])
    source = SelectField(_l("Source"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
    risk = SelectField(_l("Risk level"), validators=[Optional()])
    flag = SelectField(_l("Risk flag"), validators=[Optional()])
    report_owed = BooleanField(_l("Police report owed only"))
    # The period of the list and its ledger (domain.ledger.rows.period_condition): a case is
    # in it when any of its counting dates is. ?from=…&to=… as the dashboard's links write it;
    # with a figure chosen, the period the figure was counted in (by its own date).
    date_from = DateField(_l("Period from"), name="from", validators=[Optional()])
    date_to = DateField(_l("Period to"), name="to", validators=[Optional(), _period_check])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = _with_any([(s.value, s.label) for s in CaseState], _l("Any state"))
        self.dispute_type.choices = _with_any(enum_choices(DisputeType), _l("Any type"))
        self.source.choices = _with_any(enum_choices(Source), _l("Any source"))
        self.risk.choices = _with_any(enum_choices(RiskLevel), _l("Any risk"))
        self.flag.choices = _with_any(enum_choices(RiskFlag), _l("Any flag"))

    @property
    def period(self):
        """(start, end) of the period as validated; an invalid end is ignored."""
        start = self.date_from.data if not self.date_from.errors else None
        end = self.date_to.data if not self.date_to.errors else None
        return start, end


# ---- statistics: the breakdown a figure was counted in ------------------------------------


class FigureFields:
    """The fields that select the cases behind a figure (with the period of CaseFilterForm):
    the figure and the breakdown value (a place, an organisation, a level, a presiding
    mediator). Mixed into the case list's filters; the dashboard's links fill them."""

    indicator = SelectField(_l("Figure"), validators=[Optional()])
    region = StringField(
        _l("Place (region code)"),
        validators=[
            Optional(),
            Regexp(r"^\d{4,15}$", message=_l("A region code is 4 to 15 digits.")),
        ],
    )
    org = IntegerField(_l("Organisation"), validators=[Optional(), NumberRange(min=1)])
    level = SelectField(_l("Level"), validators=[Optional()])
    mediator = IntegerField(_l("Mediator"), validators=[Optional(), NumberRange(min=0)])
    due_week = BooleanField(_l("Due within 7 days only"))
    # The cases of the area only (as the figures count them), without the transfers on their
    # way in from elsewhere.
    area = BooleanField(_l("Cases of the area only"))

    def figure_choices(self) -> None:
        self.indicator.choices = _with_any([(m.value, m.label) for m in Measure], _l("Any"))
        self.level.choices = _with_any(enum_choices(Level), _l("Any level"))


class FigureCaseFilterForm(FigureFields, CaseFilterForm):
    """The case list's filters with the figure fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_choices()


class DashboardForm(TrimmedForm):
    """The dashboard's filters (a GET form: bookmarkable, no CSRF). The choices of places and
    organisations are those of the viewer's area (set by the view)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("First day"), name="from", validators=[Optional()])
    date_to = DateField(_l("Last day"), name="to", validators=[Optional(), _period_check])
    county = SelectField(_l("County / district"), validators=[Optional()])
    township = SelectField(_l("Township / street"), validators=[Optional()])
    org = SelectField(_l("Organisation"), coerce=optional_int, validators=[Optional()])
    dispute_type = SelectField(_l("Type of dispute"), validators=[Optional()])
    source = SelectField(_l("Source"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dispute_type.choices = _with_any(enum_choices(DisputeType), _l("Any type"))
        self.source.choices = _with_any(enum_choices(Source), _l("Any source"))


class MediatorsForm(TrimmedForm):
    """The period of the mediator evaluation, and the page (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("First day"), name="from", validators=[Optional()])
    date_to = DateField(_l("Last day"), name="to", validators=[Optional(), _period_check])
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=100_000)])
