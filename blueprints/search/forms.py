"""The search box of the staff search page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SearchField, SelectField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.forms import TrimmedForm, enum_choices
from domain.search import MAX_QUERY_LENGTH, SearchKind


class SearchForm(TrimmedForm):
    q = SearchField(
        _l("Case number, name, phone or ID number"),
        validators=[
            InputRequired(_l("Type a case number, a name, a phone or an ID number.")),
            Length(
                max=MAX_QUERY_LENGTH,
                message=_l("Type at most %(num)s characters.", num=MAX_QUERY_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": MAX_QUERY_LENGTH},
    )
    kind = SelectField(
        _l("Look for"),
        choices=enum_choices(SearchKind, blank=_l("Whatever it looks like")),
        validators=[Optional()],
    )
    # The cursor of the next page of a phone or ID-number search (posted, never in a URL).
    after = HiddenField()

    def chosen_kind(self) -> SearchKind | None:
        return SearchKind(self.kind.data) if self.kind.data else None
