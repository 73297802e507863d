"""The filters of the oversight case list (a GET form: bookmarkable, no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SearchField, SelectField
from wtforms.validators import Length, Optional

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = _with_any([(s.value, s.label) for s in CaseState], _l("Any state"))
        self.dispute_type.choices = _with_any(enum_choices(DisputeType), _l("Any type"))
        self.source.choices = _with_any(enum_choices(Source), _l("Any source"))
        self.risk.choices = _with_any(enum_choices(RiskLevel), _l("Any risk"))
        self.flag.choices = _with_any(enum_choices(RiskFlag), _l("Any flag"))
