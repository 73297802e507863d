"""The filters of the oversight case list (a GET form: bookmarkable, no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SearchField, SelectField
from wtforms.validators import Length, Optional, ValidationError

from blueprints.forms import TrimmedForm, enum_choices
from models.enums import DisputeType, RiskLevel, Source
from models.risk import RiskFlag
from models.states import CaseState


def _with_any(choices, label):
    return [("", label), *choices]


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
    # in it when any of its counting dates is. ?from=…&to=… as the dashboard's links write it.
    date_from = DateField(_l("Period from"), name="from", validators=[Optional()])
    date_to = DateField(_l("Period to"), name="to", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = _with_any([(s.value, s.label) for s in CaseState], _l("Any state"))
        self.dispute_type.choices = _with_any(enum_choices(DisputeType), _l("Any type"))
        self.source.choices = _with_any(enum_choices(Source), _l("Any source"))
        self.risk.choices = _with_any(enum_choices(RiskLevel), _l("Any risk"))
        self.flag.choices = _with_any(enum_choices(RiskFlag), _l("Any flag"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the period is before its start."))

    @property
    def period(self):
        """(start, end) of the period as validated; an invalid end is ignored."""
        start = self.date_from.data if not self.date_from.errors else None
        end = self.date_to.data if not self.date_to.errors else None
        return start, end
