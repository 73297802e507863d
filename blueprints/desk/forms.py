"""Desk forms: the registration form (the acceptance register) and the screening, dispatch and
assignment forms of the case-page panels. Field rules live here; workflow rules in domain/."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from blueprints.forms import ChoiceField, TrimmedForm, enum_choices, optional_int
from blueprints.parties import (
    AgentForm,
    PartyForm,
    PartyList,
    edit_lists,
    principal_choices,
    valid_phone,
)
from domain.clocks import CHINA
from domain.intake import CaseData, PartyData
from domain.referrals import (
    EARLIEST,
    PETITION_DUE_DAYS,
    PETITION_DUE_MAX,
    ReferralData,
    petition_due_too_late,
    too_early,
)
from models import Organisation, Region
from models.enums import (
    Channel,
    CourtMode,
    CourtProcedure,
    DisputeType,
    PartyRole,
    PetitionForm,
    PoliceCategory,
    ReferralKind,
    Source,
)

DESK_CHANNELS = (Channel.WALK_IN, Channel.PHONE)


class DeskApplicantForm(PartyForm):
    """An applicant at the desk: a phone number to reach them is required."""

    phone = StringField(
        _l("Phone"),
        validators=[
            InputRequired(_l("Enter the applicant's phone number.")),
            Length(max=32),
            valid_phone,
        ],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off"},
    )


# The party lists of the registration forms, by the name their buttons use.
PARTY_LISTS = {
    "applicant": "applicants",
    "respondent": "respondents",
    "third_party": "third_parties",
    "agent": "agents",
}
# Bounds on one registration (the domain's own bound on the total is MAX_PARTIES): a dispute
# with more people on one side is registered with their representatives.
MAX_APPLICANTS = 10
MAX_RESPONDENTS = 10
MAX_THIRD_PARTIES = 5
MAX_AGENTS = 10


class RegisterForm(TrimmedForm):
    """A walk-in or phone case registered by the desk (the acceptance register, 受理登记表:
    an oral application is registered, MOJ-2002 Art. 23)."""

    # Keyboard order follows the paper form: how it came, where, what, who.
    channel = SelectField(
        _l("How did the case come in?"),
        default=Channel.WALK_IN.value,
    )
    source = SelectField(_l("Case source"), default=Source.APPLICATION.value)
    region = ChoiceField(
        _l("Where the dispute happened"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose the township or village where it happened."))],
    )
    dispute_type = ChoiceField(
        _l("Type of dispute"),
        validators=[InputRequired(_l("Choose the type of dispute."))],
    )
    summary = TextAreaField(
        _l("Brief account of the dispute"),
        validators=[
            InputRequired(_l("Write down briefly what happened.")),
            Length(max=4000, message=_l("Keep the account under %(max)d characters.")),
        ],
        render_kw={"rows": 5},
    )
    requests = TextAreaField(
        _l("What the applicant asks for"),
        validators=[Length(max=4000, message=_l("Keep this under %(max)d characters."))],
        render_kw={"rows": 3},
    )
    cross_region = BooleanField(
        _l("The dispute spans several villages, townships or counties"),
    )
    amount = DecimalField(
        _l("Amount in dispute, yuan (optional)"),
        places=2,
        validators=[
            Optional(),
            NumberRange(
                min=Decimal("0"),
                max=Decimal("999999999999"),
                message=_l("Enter an amount of 0 or more yuan."),
            ),
        ],
        render_kw={"inputmode": "decimal", "class": "short"},
    )

    applicants = PartyList(
        FormField(DeskApplicantForm),
        label=_l("Applicant"),
        min_entries=1,
        max_entries=MAX_APPLICANTS,
        too_many=_l("At most %(num)d applicants.", num=MAX_APPLICANTS),
    )
    respondents = PartyList(
        FormField(PartyForm),
        label=_l("Respondent"),
        min_entries=1,
        max_entries=MAX_RESPONDENTS,
        too_many=_l("At most %(num)d respondents.", num=MAX_RESPONDENTS),
    )
    third_parties = PartyList(
        FormField(PartyForm),
        label=_l("Third party"),
        max_entries=MAX_THIRD_PARTIES,
        too_many=_l("At most %(num)d third parties.", num=MAX_THIRD_PARTIES),
    )
    agents = PartyList(
        FormField(AgentForm),
        label=_l("Agent"),
        max_entries=MAX_AGENTS,
        too_many=_l("At most %(num)d agents.", num=MAX_AGENTS),
    )

    consent = BooleanField(
        _l("The parties agree that this committee mediates their dispute"),
        validators=[
            InputRequired(
                _l("Mediation needs the parties' consent. Confirm it before registering.")
            )
        ],
    )
    note = TextAreaField(
        _l("Internal note (optional)"),
        validators=[Length(max=2000, message=_l("Keep the note under %(max)d characters."))],
        render_kw={"rows": 2},
    )

    def __init__(self, regions: list[Region], *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.channel is not None:  # the referral forms have neither
            self.channel.choices = enum_choices(Channel, DESK_CHANNELS)
        if self.source is not None:
            self.source.choices = enum_choices(Source)
        self.region.choices = region_choices(regions)
        self.dispute_type.choices = enum_choices(DisputeType, blank=_l("Choose…"))
        self.refresh_agents()

    def party_lists(self) -> tuple[PartyList, PartyList, PartyList]:
        """The lists an agent may act for a party of, in the order of the case's parties."""
        return (self.applicants, self.respondents, self.third_parties)

    def refresh_agents(self) -> None:
        """The "acts for" options of every agent, from the parties now on the form (again
        after a party was added or removed)."""
        choices = principal_choices(self.party_lists())
        for entry in self.agents:
            entry.form.acts_for.choices = choices

    def edit_parties(self, action: str) -> str | None:
        """Apply an "add another" / "remove the last" button (see blueprints.parties)."""
        changed = edit_lists(self, action, PARTY_LISTS)
        if changed is not None:
            self.refresh_agents()
        return changed

    def case_data(self, region: Region) -> CaseData:
        """The form's values as the domain's CaseData (only after validate())."""
        requests = [line.strip() for line in (self.requests.data or "").splitlines()]
        return CaseData(
            region=region,
            dispute_type=DisputeType(self.dispute_type.data),
            summary=self.summary.data,
            requests=[r for r in requests if r],
            amount=self.amount.data,
            cross_region=bool(self.cross_region.data),
            parties=self.parties_data(),
        )

    def parties_data(self) -> list[PartyData]:
        """Applicants, respondents and third parties, then the agents, each pointing at the
        position of the party they act for."""
        parties: list[PartyData] = []
        position: dict[str, int] = {}
        for entries, role in zip(
            self.party_lists(),
            (PartyRole.APPLICANT, PartyRole.RESPONDENT, PartyRole.THIRD_PARTY),
            strict=True,
        ):
            for entry in entries:
                position[entry.name] = len(parties)
                parties.append(entry.form.party_data(role))
        for entry in self.agents:
            parties.append(entry.form.agent_data(position.get(entry.form.acts_for.data)))
        return parties


# ---- referrals (诉调对接 / 访调对接 / 警调对接) --------------------------------------------------


def _now_local() -> datetime:
    """Now in China, to the minute, as the naive value a datetime-local input shows."""
    return datetime.now(CHINA).replace(second=0, microsecond=0, tzinfo=None)


def _aware(value: datetime | None) -> datetime | None:
    """A datetime-local value is China time."""
    return value.replace(tzinfo=CHINA) if value is not None else None


class _ReferralForm(RegisterForm):
    """The registration form plus the referring body's papers. The source is the referrer and
    the channel is "referral": both fields are dropped."""

    kind: ReferralKind
    channel = None
    source = None

    body_org = ChoiceField(_l("Referring body"), coerce=optional_int)
    body_name = StringField(
        _l("Or type its name"),
        validators=[Length(max=128)],
    )
    external_no = StringField(validators=[Length(max=64)])
    contact_name = StringField(_l("Contact person (optional)"), validators=[Length(max=64)])
    contact_phone = StringField(
        _l("Contact phone (optional)"),
        validators=[Length(max=32), valid_phone],
        render_kw={"type": "tel", "autocomplete": "off"},
    )
    received_at = DateTimeLocalField(
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        default=_now_local,
        validators=[InputRequired(_l("Enter the date and time."))],
    )

    def __init__(self, regions: list[Region], bodies: list[Organisation], *args, **kwargs):
        super().__init__(regions, *args, **kwargs)
        self.body_org.choices = [SelectChoice("", _l("Not in the list: type the name"))] + [
            SelectChoice(o.id, o.name) for o in bodies
        ]
        self._bodies = {o.id: o for o in bodies}
        if len(bodies) == 1 and not self.is_submitted():
            self.body_org.data = bodies[0].id  # the county's one court / office / station

    def validate_received_at(self, field) -> None:
        if field.data is None:
            return
        if field.data.date() < EARLIEST:
            raise ValidationError(too_early())
        if field.data > _now_local() + timedelta(minutes=5):
            raise ValidationError(_l("This cannot be in the future."))

    def source_value(self) -> Source:
        return Source(self.kind.value)

    def referral_data(self) -> ReferralData:
        """The referral fieldset as the domain's ReferralData (only after validate())."""
        return ReferralData(
            kind=self.kind,
            body_org=self._bodies.get(self.body_org.data),
            body_name=self.body_name.data,
            external_no=self.external_no.data or "",
            contact_name=self.contact_name.data,
            contact_phone=self.contact_phone.data,
            received_at=_aware(self.received_at.data),
        )


class CourtRegisterForm(_ReferralForm):
    kind = ReferralKind.COURT
    body_org = ChoiceField(_l("Court"), coerce=optional_int)
    external_no = StringField(
        _l("Court case number or pre-filing number"),
        validators=[
            InputRequired(_l("Enter the court case number or pre-filing number.")),
            Length(max=64),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    court_mode = RadioField(
        _l("Mode"),
        choices=enum_choices(CourtMode),
        validators=[InputRequired(_l("Choose delegated or entrusted."))],
    )
    court_procedure = RadioField(
        _l("Court procedure (entrusted cases)"),
        choices=enum_choices(CourtProcedure),
        validate_choice=False,  # checked below: required for entrusted cases only
    )
    received_at = DateTimeLocalField(
        _l("Materials signed for"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        default=_now_local,
        validators=[InputRequired(_l("Enter when the materials were signed for."))],
    )
    contact_name = StringField(
        _l("Court contact (judge or clerk, optional)"), validators=[Length(max=64)]
    )

    def validate_court_procedure(self, field) -> None:
        if field.data and field.data not in {p.value for p in CourtProcedure}:
            raise ValidationError(_l("Choose ordinary or summary procedure."))
        if self.court_mode.data == CourtMode.DELEGATED.value and field.data:
            raise ValidationError(
                _l("A delegated case has not been filed: it has no court procedure yet.")
            )
        if self.court_mode.data == CourtMode.ENTRUSTED.value and not field.data:
            raise ValidationError(
                _l("An entrusted case needs the court's procedure: ordinary or summary.")
            )

    def referral_data(self) -> ReferralData:
        data = super().referral_data()
        data.court_mode = CourtMode(self.court_mode.data)
        data.court_procedure = (
            CourtProcedure(self.court_procedure.data)
            if self.court_mode.data == CourtMode.ENTRUSTED.value and self.court_procedure.data
            else None
        )
        return data


class PetitionRegisterForm(_ReferralForm):
    """The 工作移交单 of the petition office (访调对接; no published format)."""

    kind = ReferralKind.PETITION
    transfer_no = StringField(_l("Transfer number (optional)"), validators=[Length(max=64)])
    body_org = ChoiceField(_l("Petition office"), coerce=optional_int)
    contact_name = StringField(_l("Handler at the office (optional)"), validators=[Length(max=64)])
    contact_phone = StringField(
        _l("Handler's phone (optional)"),
        validators=[Length(max=32), valid_phone],
        render_kw={"type": "tel", "autocomplete": "off"},
    )
    external_no = StringField(
        _l("Petition number"),
        validators=[InputRequired(_l("Enter the petition number.")), Length(max=64)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    petition_received_on = DateField(
        _l("Date the office received the petition"),
        validators=[InputRequired(_l("Enter the date the office received the petition."))],
    )
    petition_form = RadioField(
        _l("Form of the petition"),
        choices=enum_choices(PetitionForm),
        validators=[InputRequired(_l("Choose how the petition came in."))],
    )
    collective = BooleanField(_l("Collective petition"))
    petitioner_count = IntegerField(
        _l("Number of petitioners"),
        validators=[
            Optional(),
            NumberRange(min=2, max=10000, message=_l("Enter 2 or more petitioners.")),
        ],
        render_kw={"inputmode": "numeric", "class": "short"},
    )
    repeat_petition = BooleanField(_l("Repeat petition"))
    over_level = BooleanField(_l("Petition over the level"))
    both_consent = BooleanField(
        _l("Both parties agree to people's mediation"),
        validators=[
            InputRequired(_l("A petition comes to mediation only with both parties' consent."))
        ],
    )
    transfer_reason = TextAreaField(
        _l("Reason for the transfer / suggestion for mediation (optional)"),
        validators=[Length(max=4000)],
        render_kw={"rows": 3},
    )
    attachments = TextAreaField(
        _l("Attached materials (optional)"),
        validators=[Length(max=4000)],
        render_kw={"rows": 3},
    )
    petition_due_on = DateField(
        _l("Remaining petition deadline (optional)"),
        validators=[Optional()],
    )
    received_at = DateTimeLocalField(
        _l("Transfer form received"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        default=_now_local,
        validators=[InputRequired(_l("Enter the date and time."))],
    )

    def validate_petition_received_on(self, field) -> None:
        if field.data is None:
            return
        if field.data < EARLIEST:
            raise ValidationError(too_early())
        if field.data > _now_local().date():
            raise ValidationError(_l("This cannot be in the future."))

    def validate_petition_due_on(self, field) -> None:
        received = self.petition_received_on.data
        if field.data is None or received is None:
            return
        if field.data < received:
            raise ValidationError(_l("The deadline cannot be before the petition was received."))
        if field.data > received + PETITION_DUE_MAX:
            raise ValidationError(petition_due_too_late())

    def validate_petitioner_count(self, field) -> None:
        if self.collective.data and not field.data:
            raise ValidationError(_l("A collective petition has at least 2 petitioners."))

    def referral_data(self) -> ReferralData:
        data = super().referral_data()
        data.transfer_no = self.transfer_no.data
        data.petition_form = PetitionForm(self.petition_form.data)
        data.collective = bool(self.collective.data)
        data.petitioner_count = self.petitioner_count.data
        data.repeat_petition = bool(self.repeat_petition.data)
        data.over_level = bool(self.over_level.data)
        data.both_consent = bool(self.both_consent.data)
        data.transfer_reason = self.transfer_reason.data
        data.attachments = [
            line.strip() for line in (self.attachments.data or "").splitlines() if line.strip()
        ]
        data.petition_received_on = self.petition_received_on.data
        data.petition_due_on = self.petition_due_on.data
        return data


class PoliceRegisterForm(_ReferralForm):
    kind = ReferralKind.POLICE
    body_org = ChoiceField(_l("Police station"), coerce=optional_int)
    external_no = StringField(
        _l("Incident number"),
        validators=[InputRequired(_l("Enter the incident number.")), Length(max=64)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    police_category = RadioField(
        _l("Kind of dispute"),
        choices=enum_choices(PoliceCategory),
        validators=[InputRequired(_l("Choose the kind of dispute."))],
    )
    complex_case = BooleanField(_l("Complex dispute: feedback within 5 days, not 24 hours"))
    contact_name = StringField(_l("Police officer (optional)"), validators=[Length(max=64)])
    received_at = DateTimeLocalField(
        _l("Referral received"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        default=_now_local,
        validators=[InputRequired(_l("Enter when the referral was received."))],
    )

    def referral_data(self) -> ReferralData:
        data = super().referral_data()
        data.police_category = PoliceCategory(self.police_category.data)
        data.complex_case = bool(self.complex_case.data)
        return data


REFERRAL_FORMS: dict[str, type[_ReferralForm]] = {
    "court": CourtRegisterForm,
    "petition": PetitionRegisterForm,
    "police": PoliceRegisterForm,
}
PETITION_DEFAULT_DAYS = PETITION_DUE_DAYS


def region_choices(regions: list[Region]) -> list[SelectChoice]:
    """An empty option, then each township with its villages as an <optgroup> (a bare county
    first). `regions` is ordered by code, so every township precedes its villages."""
    by_code = {r.code: r for r in regions}
    out = [SelectChoice("", _l("Choose…"))]
    for r in regions:
        county = by_code.get(r.code[:6])
        if len(r.code) == 6:
            out.append(
                SelectChoice(
                    r.id,
                    _l("%(county)s (township not known)", county=r.name),
                    optgroup=str(_l("Counties")),
                )
            )
        elif len(r.code) == 9:
            group = f"{county.name} · {r.name}" if county else r.name
            out.append(
                SelectChoice(
                    r.id, _l("%(township)s (village not known)", township=r.name), optgroup=group
                )
            )
        elif len(r.code) == 12 and r.code[:9] in by_code:
            township = by_code[r.code[:9]]
            group = f"{county.name} · {township.name}" if county else township.name
            out.append(SelectChoice(r.id, r.name, optgroup=group))
    return out
