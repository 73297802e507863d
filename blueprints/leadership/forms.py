"""The forms of the leadership pages. Each editable matter's form carries the version the
user saw (optimistic lock: a colleague's change meanwhile is reported, nothing is lost)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from blueprints.forms import ChoiceField, TrimmedForm, enum_choices, optional_int
from blueprints.parties import valid_phone
from domain import leadership as lead
from models.leadership import MeetingKind

NUMBERS = re.compile(r"[\s,，;；、]+")


def case_numbers(text: str | None) -> list[str]:
    """Case numbers typed one per line or separated by commas (full-width ones too)."""
    return [n for n in NUMBERS.split(text or "") if n][: lead.MAX_CASES + 1]


def _ids(values) -> list[int]:
    out = []
    for v in values or []:
        n = optional_int(v)
        out.append(-1 if n is None else n)
    return out


class IdsField(SelectMultipleField):
    """A multiple choice of ids: forged values become -1 (refused by the domain beside the
    field), never a 500."""

    def pre_validate(self, form) -> None:
        pass

    def process_formdata(self, valuelist):
        self.data = _ids(valuelist)


class VersionedForm(TrimmedForm):
    version = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(_l("The form is incomplete. Reload the page and try again."))],
    )


class DeadlineMixin:
    due_on = DateField(_l("Deadline"), validators=[Optional()])
    working_days = IntegerField(
        _l("Or within working days"),
        validators=[Optional(), NumberRange(1, 365, _l("Give between 1 and 365 working days."))],
        render_kw={"inputmode": "numeric", "class": "short"},
    )


class LeadForm(DeadlineMixin, TrimmedForm):
    leader = ChoiceField(_l("Responsible leader"), coerce=optional_int)
    team = IdsField(_l("Team"), coerce=optional_int)
    plan = TextAreaField(
        _l("Plan"),
        validators=[InputRequired(_l("Write the plan.")), Length(max=lead.TEXT_MAX)],
        render_kw={"rows": 6},
    )

    def data_(self) -> lead.LeadData:
        return lead.LeadData(
            leader_id=self.leader.data,
            team_ids=self.team.data or [],
            plan=self.plan.data,
            due_on=self.due_on.data,
            working_days=self.working_days.data,
        )


class LeadEditForm(LeadForm, VersionedForm):
    pass


class BaoForm(VersionedForm):
    note = TextAreaField(
        _l("What was done"),
        validators=[InputRequired(_l("Say what was done.")), Length(max=lead.NOTE_MAX)],
        render_kw={"rows": 2},
    )


class CloseForm(VersionedForm):
    note = TextAreaField(
        _l("Closing note (optional)"),
        validators=[Optional(), Length(max=lead.NOTE_MAX)],
        render_kw={"rows": 2},
    )


class OrderForm(DeadlineMixin, TrimmedForm):
    to_org = ChoiceField(
        _l("To organisation"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose the organisation."))],
    )
    title = StringField(
        _l("Title"),
        validators=[InputRequired(_l("Give the order a title.")), Length(max=lead.TITLE_MAX)],
    )
    matter = TextAreaField(
        _l("The matter"),
        validators=[InputRequired(_l("Describe the matter.")), Length(max=lead.TEXT_MAX)],
        render_kw={"rows": 5},
    )
    required_report = TextAreaField(
        _l("The report required"),
        validators=[InputRequired(_l("Say what must be reported.")), Length(max=lead.TEXT_MAX)],
        render_kw={"rows": 3},
    )
    cases = TextAreaField(
        _l("Cases concerned (optional)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )

    def data_(self) -> lead.OrderData:
        return lead.OrderData(
            to_org_id=self.to_org.data,
            title=self.title.data,
            matter=self.matter.data,
            required_report=self.required_report.data,
            due_on=self.due_on.data,
            working_days=self.working_days.data,
            case_numbers=case_numbers(self.cases.data),
        )


class ReportForm(VersionedForm):
    text = TextAreaField(
        _l("Report"),
        validators=[InputRequired(_l("Write the report.")), Length(max=lead.TEXT_MAX)],
        render_kw={"rows": 6},
    )


class ReviewForm(VersionedForm):
    note = TextAreaField(
        _l("Decision, or what more is needed"),
        validators=[InputRequired(_l("Write the decision.")), Length(max=lead.TEXT_MAX)],
        render_kw={"rows": 3},
    )


class MeetingForm(TrimmedForm):
    kind = ChoiceField(
        _l("Kind of meeting"),
        choices=lambda: enum_choices(MeetingKind, blank=_l("Choose…")),
        validators=[InputRequired(_l("Choose the kind of meeting."))],
    )
    title = StringField(
        _l("Subject"),
        validators=[InputRequired(_l("Give the subject.")), Length(max=lead.TITLE_MAX)],
    )
    held_at = DateTimeLocalField(
        _l("Date and time"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(_l("Enter the date and time."))],
    )
    place = StringField(
        _l("Place"), validators=[InputRequired(_l("Enter the place.")), Length(max=200)]
    )
    participants = IdsField(_l("Staff taking part"), coerce=optional_int)
    outside = TextAreaField(
        _l("Outside bodies and people taking part"),
        validators=[Optional(), Length(max=lead.NOTE_MAX)],
        render_kw={"rows": 2},
    )
    cases = TextAreaField(
        _l("Cases discussed (numbers)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    minutes = TextAreaField(
        _l("Minutes"), validators=[Optional(), Length(max=lead.TEXT_MAX * 4)], render_kw={"rows": 8}
    )

    def data_(self) -> lead.MeetingData:
        from domain.clocks import CHINA

        return lead.MeetingData(
            kind=MeetingKind(self.kind.data),
            title=self.title.data,
            held_at=self.held_at.data.replace(tzinfo=CHINA),
            place=self.place.data,
            participant_ids=self.participants.data or [],
            outside=self.outside.data or None,
            minutes=self.minutes.data or None,
            case_numbers=case_numbers(self.cases.data),
        )


class MeetingEditForm(MeetingForm, VersionedForm):
    pass


class DecisionForm(DeadlineMixin, VersionedForm):
    text = TextAreaField(
        _l("Decision"),
        validators=[InputRequired(_l("Write the decision.")), Length(max=lead.NOTE_MAX)],
        render_kw={"rows": 2},
    )
    owner = ChoiceField(
        _l("Who carries it out"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose who carries out the decision."))],
    )
    case = StringField(_l("On case (number, optional)"), validators=[Optional(), Length(max=40)])

    def data_(self) -> lead.DecisionData:
        return lead.DecisionData(
            text=self.text.data,
            owner_id=self.owner.data,
            due_on=self.due_on.data,
            working_days=self.working_days.data,
            case_number=self.case.data or None,
        )


class DoneForm(VersionedForm):
    note = TextAreaField(
        _l("What was done (optional)"),
        validators=[Optional(), Length(max=lead.NOTE_MAX)],
        render_kw={"rows": 2},
    )


class SlotForm(TrimmedForm):
    leader = ChoiceField(
        _l("Leader"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose the leader who receives visitors."))],
    )
    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter the day."))])
    hours = StringField(
        _l("Hours"),
        default="09:00-11:30",
        validators=[InputRequired(_l("Enter the hours.")), Length(max=32)],
        render_kw={"class": "short"},
    )
    place = StringField(
        _l("Place"), validators=[InputRequired(_l("Enter the place.")), Length(max=200)]
    )
    topics = StringField(_l("Topics (optional)"), validators=[Optional(), Length(max=200)])

    def data_(self) -> lead.SlotData:
        return lead.SlotData(
            leader_id=self.leader.data,
            day=self.day.data,
            hours=self.hours.data,
            place=self.place.data,
            topics=self.topics.data or None,
        )


class BookingForm(TrimmedForm):
    visitor_name = StringField(
        _l("Visitor's name"),
        validators=[InputRequired(_l("Enter the visitor's name.")), Length(max=64)],
    )
    phone = StringField(
        _l("Phone (optional)"),
        validators=[Optional(), Length(max=32), valid_phone],
        render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off"},
    )
    matter = TextAreaField(
        _l("The matter"),
        validators=[InputRequired(_l("Say what the visit is about.")), Length(max=lead.NOTE_MAX)],
        render_kw={"rows": 2},
    )

    def data_(self) -> lead.BookingData:
        return lead.BookingData(
            visitor_name=self.visitor_name.data,
            phone=self.phone.data or None,
            matter=self.matter.data,
        )


class AttachForm(VersionedForm):
    number = StringField(
        _l("Case number"),
        validators=[InputRequired(_l("Enter the case number.")), Length(max=40)],
    )
