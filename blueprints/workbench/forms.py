"""Forms of the mediator's workbench: assignment (the session and investigation forms live in
records.py, the agreement's in outcomes.py).

Every form carries the case version the user saw (hidden) so the domain can refuse a stale
write. Field rules live here; workflow rules (a written agreement states its performance
manner, the mediator must be eligible) live in domain/.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
)
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from blueprints.forms import TrimmedForm


def _int_or_none(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CaseActionForm(TrimmedForm):
    """Base: the hidden case version (optimistic lock)."""

    version = IntegerField(
        _l("Case version"),
        widget=HiddenInput(),
        validators=[InputRequired(_l("The form is incomplete. Reload the page and try again."))],
    )


class AssignForm(CaseActionForm):
    mediator = SelectField(
        _l("Presiding mediator"),
        coerce=_int_or_none,
        validate_choice=False,  # eligibility is a workflow rule: domain.dispatch checks it
        validators=[InputRequired(_l("Choose a mediator."))],
    )
    chosen_by_parties = BooleanField(_l("The parties chose this mediator (PML Art. 19)"))
