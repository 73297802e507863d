"""Correcting a case on the shared case page: a party's details, a party added or marked
withdrawn, and the dispute (account, requests, type, place, amount). Forms, the panel and
its POST actions; the rules are in domain/corrections.py.

On the `cases` blueprint because whoever holds the case corrects it: the desk before
dispatch, the committee afterwards, leaders throughout (domain.permissions.can_correct).
ID numbers, phones and addresses are never put into a form: staff who see them masked can
still replace or remove them, and nobody sees them in full without asking (PML Art. 15).
"""

from __future__ import annotations

from decimal import Decimal

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.desk.forms import region_choices
from blueprints.forms import CaseActionForm, ChoiceField, enum_choices, optional_int
from blueprints.panels import Panel, fresh, panel
from blueprints.parties import valid_credit_code, valid_id_number, valid_phone
from domain import corrections
from domain.ids import row_id
from domain.intake import PartyData
from domain.permissions import can_correct
from models import Case, Party, User
from models.enums import DisputeType, PartyKind, PartyRole, Sex

CORRECTIONS = "corrections"  # the panel's name; its region is #panel-corrections

# ---- forms ------------------------------------------------------------------------------------


def _reason(label=None):
    return TextAreaField(
        label or _l("Reason for the correction"),
        validators=[
            InputRequired(_l("Give a short reason for the correction.")),
            Length(
                max=corrections.REASON_MAX,
                message=_l("Keep the reason under %(max)d characters."),
            ),
        ],
        render_kw={"rows": 2},
    )


class _PartyFields(CaseActionForm):
    """A party's details as the acceptance register records them."""

    kind = RadioField(
        _l("Person or organisation"),
        choices=lambda: enum_choices(PartyKind),
        default=PartyKind.PERSON.value,
        validators=[InputRequired(_l("Choose person or organisation."))],
    )
    name = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Every party needs a name.")), Length(max=128)],
        render_kw={"autocomplete": "off"},
    )
    sex = ChoiceField(_l("Sex"), choices=lambda: enum_choices(Sex, blank=_l("Not given")))
    age = IntegerField(
        _l("Age"),
        validators=[
            Optional(),
            NumberRange(min=0, max=130, message=_l("Enter the age in years (0 to 130).")),
        ],
        render_kw={"inputmode": "numeric", "class": "short"},
    )
    ethnicity = StringField(_l("Ethnicity"), validators=[Length(max=32)])
    occupation = StringField(_l("Occupation"), validators=[Length(max=64)])
    legal_rep = StringField(_l("Legal representative"), validators=[Length(max=64)])
    legal_rep_post = StringField(
        _l("Post of the legal representative"), validators=[Length(max=64)]
    )

    def values(self) -> dict:
        return {
            "kind": PartyKind(self.kind.data),
            "name": self.name.data,
            "sex": Sex(self.sex.data) if self.sex.data else None,
            "age": self.age.data,
            "ethnicity": self.ethnicity.data,
            "occupation": self.occupation.data,
            "legal_rep": self.legal_rep.data,
            "legal_rep_post": self.legal_rep_post.data,
        }


_ID = _l("Resident ID number")
_PHONE = _l("Phone")
_ADDRESS = _l("Address")


class PartyForm(_PartyFields):
    """Correct one party. The ID number, phone and address start empty (they are shown
    masked beside the field): typed, they replace what is stored; "remove" clears it."""

    party = HiddenField()
    id_number = StringField(
        _ID,
        validators=[Length(max=32), valid_id_number],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    remove_id_number = BooleanField(_l("Remove the ID number"))
    phone = StringField(
        _PHONE,
        validators=[Length(max=32), valid_phone],
        render_kw={"type": "tel", "autocomplete": "off"},
    )
    remove_phone = BooleanField(_l("Remove the phone"))
    address = StringField(_ADDRESS, validators=[Length(max=256)])
    remove_address = BooleanField(_l("Remove the address"))
    credit_code = StringField(
        _l("Unified social credit code (organisations)"),
        validators=[Length(max=32), valid_credit_code],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    reason = _reason()

    def _one_of(self, field, typed) -> None:
        if field.data and typed.data:
            raise ValidationError(_l("Type a new value or remove it, not both."))

    def validate_remove_id_number(self, field):
        self._one_of(field, self.id_number)

    def validate_remove_phone(self, field):
        self._one_of(field, self.phone)

    def validate_remove_address(self, field):
        self._one_of(field, self.address)

    def correction(self) -> corrections.PartyCorrection:
        def typed(value, remove):  # None keeps, "" removes
            return "" if remove.data else (value.data or None)

        return corrections.PartyCorrection(
            **self.values(),
            id_number=typed(self.id_number, self.remove_id_number),
            phone=typed(self.phone, self.remove_phone),
            address=typed(self.address, self.remove_address),
            # An organisation's code is not personal data: shown filled in; emptied removes it.
            credit_code=self.credit_code.data or "",
        )


class AddPartyForm(_PartyFields):
    role = RadioField(
        _l("Role"),
        choices=lambda: enum_choices(PartyRole, corrections.ADDABLE_ROLES),
        validators=[InputRequired(_l("Choose the party's role."))],
    )
    id_number = StringField(
        _ID,
        validators=[Length(max=32), valid_id_number],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    phone = StringField(
        _PHONE,
        validators=[Length(max=32), valid_phone],
        render_kw={"type": "tel", "autocomplete": "off"},
    )
    address = StringField(_ADDRESS, validators=[Length(max=256)])
    reason = _reason()

    def party_data(self) -> PartyData:
        return PartyData(
            role=PartyRole(self.role.data),
            **self.values(),
            id_number=self.id_number.data,
            phone=self.phone.data,
            address=self.address.data,
        )


class WithdrawForm(CaseActionForm):
    party = HiddenField()
    reason = _reason(_l("Why they no longer take part"))


class DisputeForm(CaseActionForm):
    dispute_type = ChoiceField(
        _l("Type of dispute"),
        choices=lambda: enum_choices(DisputeType, blank=_l("Choose…")),
        validators=[InputRequired(_l("Choose the type of dispute."))],
    )
    region = ChoiceField(
        _l("Where the dispute happened"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose the township or village where it happened."))],
    )
    summary = TextAreaField(
        _l("Brief account of the dispute"),
        validators=[
            InputRequired(_l("Describe the dispute briefly.")),
            Length(max=4000, message=_l("Keep the account under %(max)d characters.")),
        ],
        render_kw={"rows": 5},
    )
    requests = TextAreaField(
        _l("Requests, one per line"),
        validators=[Length(max=4000, message=_l("Keep this under %(max)d characters."))],
        render_kw={"rows": 3},
    )
    amount = DecimalField(
        _l("Amount in dispute, yuan (optional)"),
        places=2,
        validators=[
            Optional(),
            NumberRange(
                min=Decimal("0"),
                max=corrections.AMOUNT_MAX,
                message=_l("Enter an amount of 0 or more yuan."),
            ),
        ],
        render_kw={"inputmode": "decimal", "class": "short"},
    )
    reason = _reason()

    def requests_list(self) -> list[str]:
        return [line.strip() for line in (self.requests.data or "").splitlines() if line.strip()]


def per_party(form, party_id: int):
    """Give one party's copy of a form its own field ids (the names stay the same)."""
    for f in form:
        f.id = f"{form._prefix}{party_id}-{f.short_name}"
        f.label.field_id = f.id
    return form


# ---- the panel --------------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


@panel(CORRECTIONS)
def corrections_panel(case: Case, user: User) -> Panel | None:
    """Correct the dispute and the parties: whoever holds the case, until it is archived or
    merged. Each party's correction opens as "party-<id>", its withdrawal as
    "withdraw-<id>"; "add" adds a party, "dispute" corrects the dispute."""
    if not corrections.may_correct(user, case):
        return None
    forms = {"dispute": _dispute_form(case, user)}
    rows = []
    for party in case.parties:
        forms[f"party-{party.id}"] = _party_form(case, party)
        withdrawable = corrections.may_withdraw(case, party)
        if withdrawable:
            forms[f"withdraw-{party.id}"] = _withdraw_form(case, party)
        rows.append(party)
    if corrections.may_add(case):
        forms["add"] = fresh(AddPartyForm, case, "add")
    return Panel(CORRECTIONS, "cases/partials/corrections_panel.html", {"rows": rows}, forms=forms)


def _party_form(case: Case, party: Party):
    def build(failed):
        form = failed or PartyForm(
            formdata=None,
            prefix="party",
            version=case.version,
            party=str(party.id),
            kind=party.kind.value,
            name=party.name,
            sex=party.sex.value if party.sex else "",
            age=party.age,
            ethnicity=party.ethnicity,
            occupation=party.occupation,
            legal_rep=party.legal_rep,
            legal_rep_post=party.legal_rep_post,
            credit_code=party.credit_code,
        )
        return per_party(form, party.id)

    return build


def _withdraw_form(case: Case, party: Party):
    def build(failed):
        form = failed or WithdrawForm(
            formdata=None, prefix="withdraw", version=case.version, party=str(party.id)
        )
        return per_party(form, party.id)

    return build


def _dispute_form(case: Case, user: User):
    def build(failed):
        form = failed or DisputeForm(
            formdata=None,
            prefix="dispute",
            version=case.version,
            dispute_type=case.dispute_type.value,
            region=case.region_id,
            summary=case.summary,
            requests="\n".join(case.requests or []),
            amount=case.amount,
        )
        form.region.choices = place_options(case, user)
        return form

    return build


def place_options(case: Case, user: User) -> list[SelectChoice]:
    """The places of the case's county the user may choose, grouped by township as at the
    desk; the current place always among them."""
    options = region_choices(corrections.place_choices(case, user))
    if not any(o.value == case.region_id for o in options):
        options.insert(1, SelectChoice(case.region_id, case.region.full_name()))
    return options


# ---- actions ----------------------------------------------------------------------------------


def _holding(number: str) -> tuple[Case, User]:
    """The case (404 outside the user's scope) if the user holds it (else 403)."""
    case, user = load_case(number), _me()
    if not can_correct(user, case):
        abort(403)
    return case, user


def _party(case: Case, raw: str | None) -> Party | None:
    """The party of this case named by a hidden field; None for anything else (a forged,
    huge or other case's id: the domain says "choose a party of this case")."""
    party_id = row_id(raw or "")
    return next((p for p in case.parties if p.id == party_id), None)


@bp.route("/<number>/corrections/party", methods=["POST"])
def correct_party(number: str):
    """Correct a party's details (whoever holds the case: the desk before dispatch, the
    committee's director and mediators after, leaders of the area)."""
    case, user = _holding(number)
    form = PartyForm(prefix="party")
    party = _party(case, form.party.data)
    if party is not None:
        per_party(form, party.id)
    return panel_action(
        case,
        CORRECTIONS,
        form,
        _(
            "Party corrected. Documents generated from now on show the corrected details; "
            "signed versions stay as they were."
        ),
        lambda: corrections.correct_party(
            case,
            party,
            user,
            version=form.version.data,
            data=form.correction(),
            reason=form.reason.data,
        ),
        key=f"party-{party.id if party else ''}",
    )


@bp.route("/<number>/corrections/add", methods=["POST"])
def add_party(number: str):
    """Add an applicant, respondent or third party (whoever holds the case)."""
    case, user = _holding(number)
    form = AddPartyForm(prefix="add")
    return panel_action(
        case,
        CORRECTIONS,
        form,
        _("Party added. Record their consent to mediation before the next session."),
        lambda: corrections.add_party(
            case, user, version=form.version.data, data=form.party_data(), reason=form.reason.data
        ),
    )


@bp.route("/<number>/corrections/withdraw", methods=["POST"])
def withdraw_party(number: str):
    """Mark a party withdrawn from the dispute (whoever holds the case)."""
    case, user = _holding(number)
    form = WithdrawForm(prefix="withdraw")
    party = _party(case, form.party.data)
    if party is not None:
        per_party(form, party.id)
    return panel_action(
        case,
        CORRECTIONS,
        form,
        _("Party marked withdrawn. They stay in the file but no longer take part."),
        lambda: corrections.withdraw_party(
            case, party, user, version=form.version.data, reason=form.reason.data
        ),
        key=f"withdraw-{party.id if party else ''}",
    )


@bp.route("/<number>/corrections/dispute", methods=["POST"])
def correct_dispute(number: str):
    """Correct the account, requests, type, place and amount (whoever holds the case)."""
    case, user = _holding(number)
    form = DisputeForm(prefix="dispute")
    form.region.choices = place_options(case, user)
    return panel_action(
        case,
        CORRECTIONS,
        form,
        _("Dispute details corrected."),
        lambda: corrections.correct_dispute(
            case,
            user,
            version=form.version.data,
            data=corrections.DisputeCorrection(
                summary=form.summary.data,
                dispute_type=DisputeType(form.dispute_type.data),
                region=corrections.place_target(case, user, form.region.data),
                requests=form.requests_list(),
                amount=form.amount.data,
            ),
            reason=form.reason.data,
        ),
    )
