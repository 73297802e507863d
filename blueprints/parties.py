"""Party sub-forms shared by the citizen's application and the desk's registration forms: one
party (a person or an organisation), an agent, a bounded list of either, and the "add another"
/ "remove the last" buttons that edit the lists without JavaScript.

A party's kind decides which fields count: a person's sex, age, ID number, ethnicity and
occupation; an organisation's unified social credit code and legal representative. The other
kind's fields stay in the page (hidden by CSS, so nothing typed is lost when the kind is
changed back) but are neither checked nor stored.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from blueprints.forms import ChoiceField, TrimmedSubForm, enum_choices
from domain.identity import (
    IdentifierError,
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
)
from domain.intake import PartyData
from models.enums import AgentAuthority, PartyKind, PartyRole, Sex

# Index of a list entry in a field name ("respondents-12-name"): plain digits, a few of them.
_MAX_INDEX_DIGITS = 4


def _checked(normalise):
    def check(form, field) -> None:  # noqa: ARG001
        if field.data and field.data.strip():
            try:
                normalise(field.data)
            except IdentifierError as error:
                raise ValidationError(str(error.message)) from None

    return check


valid_id_number = _checked(normalise_id_number)
valid_phone = _checked(normalise_phone)
valid_credit_code = _checked(normalise_credit_code)


def only_for(kind: PartyKind):
    """First validator of a field that belongs to one kind of party: for the other kind the
    field is not checked at all (not even its "not a number" from processing)."""

    def check(form, field) -> None:
        if form.kind.data != kind.value:
            field.errors[:] = []
            raise StopValidation()

    return check


PERSON = only_for(PartyKind.PERSON)
ORGANISATION = only_for(PartyKind.ORGANISATION)


class PartyList(FieldList):
    """A list of party sub-forms, bounded. More entries than `max_entries` in a (forged)
    request are refused with `too_many` beside the list, instead of being dropped silently;
    only plain digits count as an entry's index (FieldList would take "²" for one and fail)."""

    def __init__(self, *args, too_many=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_many = too_many
        self.overflow = False

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.overflow = bool(
            formdata
            and self.max_entries
            and len(set(self._extract_indices(self.name, formdata))) > self.max_entries
        )
        super().process(formdata, data, extra_filters)

    def _extract_indices(self, prefix, formdata):
        start = prefix + self._separator
        for key in formdata:
            if key.startswith(start):
                index = key[len(start) :].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit() and len(index) <= _MAX_INDEX_DIGITS:
                    yield int(index)

    def validate(self, form, extra_validators=()):
        ok = super().validate(form, extra_validators)
        if self.overflow:
            self.errors.append(self.too_many)
            return False
        return ok

    @property
    def list_errors(self) -> list:
        """The errors of the list itself (not of one entry)."""
        return [e for e in self.errors if not isinstance(e, list | dict)]


class PartyForm(TrimmedSubForm):
    """One party, a person or an organisation; nested in a form, so without a CSRF token."""

    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Enter the name.")), Length(max=128)],
        render_kw={"autocomplete": "off"},
    )
    kind = SelectField(
        _l("Person or organisation"),
        choices=lambda: enum_choices(PartyKind),
        default=PartyKind.PERSON.value,
        render_kw={"class": "party-kind"},
    )
    sex = SelectField(
        _l("Sex"),
        choices=lambda: enum_choices(Sex, blank=_l("Not stated")),
        default="",
        validators=[PERSON],
    )
    age = IntegerField(
        _l("Age"),
        validators=[PERSON, Optional(), NumberRange(0, 130, _l("Enter an age between 0 and 130."))],
        render_kw={"inputmode": "numeric", "class": "short"},
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=32), valid_phone],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off"},
    )
    id_number = StringField(
        _l("Resident ID number (optional)"),
        validators=[PERSON, Optional(), Length(max=32), valid_id_number],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    credit_code = StringField(
        _l("Unified social credit code (optional)"),
        validators=[ORGANISATION, Optional(), Length(max=32), valid_credit_code],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    legal_rep = StringField(
        _l("Legal representative"), validators=[ORGANISATION, Optional(), Length(max=64)]
    )
    legal_rep_post = StringField(
        _l("Their position"), validators=[ORGANISATION, Optional(), Length(max=64)]
    )
    address = StringField(_l("Address or workplace"), validators=[Optional(), Length(max=256)])
    ethnicity = StringField(_l("Ethnicity"), validators=[PERSON, Optional(), Length(max=32)])
    occupation = StringField(
        _l("Occupation or post"), validators=[PERSON, Optional(), Length(max=64)]
    )

    def party_data(self, role: PartyRole) -> PartyData:
        """The party as the domain's PartyData, with the fields of its kind only (after
        validate())."""
        person = self.kind.data != PartyKind.ORGANISATION.value
        return PartyData(
            role=role,
            kind=PartyKind.PERSON if person else PartyKind.ORGANISATION,
            name=self.name.data,
            phone=self.phone.data,
            address=self.address.data,
            sex=Sex(self.sex.data) if person and self.sex.data else None,
            age=self.age.data if person else None,
            id_number=self.id_number.data if person else None,
            ethnicity=self.ethnicity.data if person else None,
            occupation=self.occupation.data if person else None,
            credit_code=None if person else self.credit_code.data,
            legal_rep=None if person else self.legal_rep.data,
            legal_rep_post=None if person else self.legal_rep_post.data,
        )


class AgentForm(TrimmedSubForm):
    """An agent (委托代理人): a person acting for one of the parties with the authority the
    power of attorney gives (general, or special: may settle and sign)."""

    name = StringField(
        _l("Agent's name"),
        validators=[InputRequired(_l("Enter the agent's name.")), Length(max=128)],
        render_kw={"autocomplete": "off"},
    )
    acts_for = ChoiceField(
        _l("Acts for"),
        validators=[InputRequired(_l("Choose the party this agent acts for."))],
    )
    authority = ChoiceField(
        _l("Authority"),
        choices=lambda: enum_choices(AgentAuthority, blank=_l("Choose…")),
        validators=[InputRequired(_l("Choose the authority the power of attorney gives."))],
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=32), valid_phone],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off"},
    )
    id_number = StringField(
        _l("Resident ID number (optional)"),
        validators=[Optional(), Length(max=32), valid_id_number],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    occupation = StringField(
        _l("Occupation or workplace (e.g. law firm)"), validators=[Optional(), Length(max=64)]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=256)])

    def agent_data(self, acts_for: int | None) -> PartyData:
        return PartyData(
            role=PartyRole.AGENT,
            name=self.name.data,
            acts_for=acts_for,
            authority=AgentAuthority(self.authority.data) if self.authority.data else None,
            phone=self.phone.data,
            id_number=self.id_number.data,
            occupation=self.occupation.data,
            address=self.address.data,
        )


def principal_choices(lists) -> list[SelectChoice]:
    """The parties an agent may act for, as options: "Respondent 2 · 钱小川", valued by the
    entry's name in the form ("respondents-1"). `lists` are the form's PartyLists."""
    out = [SelectChoice("", _l("Choose…"))]
    for entries in lists:
        for number, entry in enumerate(entries, start=1):
            label = f"{entries.label.text} {number}"
            name = (entry.form.name.data or "").strip()
            out.append(SelectChoice(entry.name, f"{label} · {name}" if name else label))
    return out


def edit_lists(form, action: str, lists: dict[str, str]) -> str | None:
    """Apply an "add another" / "remove the last" button, whose value is "add_<one>" or
    "remove_<one>"; `lists` maps each <one> to the name of its list in `form`. Returns the
    name of the list (changed or not: at its bound nothing happens), or None when `action`
    is not such a button."""
    verb, _sep, one = (action or "").partition("_")
    name = lists.get(one)
    if name is None or verb not in ("add", "remove"):
        return None
    entries = form[name]
    if verb == "add" and len(entries) < entries.max_entries:
        entries.append_entry()
    elif verb == "remove" and len(entries) > entries.min_entries:
        entries.pop_entry()
    return name
