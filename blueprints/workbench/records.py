"""Workbench: session and investigation records (调解记录, 调查记录), the national formats of
the case file. Panels on the case page: record a session, record an investigation, and the list
of every record of the case, where an unsigned record can be corrected and marked as signed,
after which it is frozen. Who: the case's mediators, the committee director, and the
staff of the centre organising a joint mediation (domain.records.may_keep_records).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import (
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.forms import CaseActionForm, enum_choices
from blueprints.panels import Panel, panel
from blueprints.workbench import bp
from domain import mediation, records
from domain.clocks import CHINA
from domain.consent import DECIDING_ROLES
from domain.states import Action, allowed
from extensions import db
from models import Case, Investigation, MediationSession, User
from models.enums import SessionMode
from models.states import WORKING_STATES

SESSION = "session"
INVESTIGATION = "investigation"
RECORDS = "records"
KINDS = {"session": MediationSession, "investigation": Investigation}


# ---- Forms ----------------------------------------------------------------------------------


def _now_local() -> datetime:
    return datetime.now(UTC).astimezone(CHINA).replace(second=0, microsecond=0, tzinfo=None)


class _HeldAtForm(CaseActionForm):
    """When the session or interview took place, typed in Beijing time."""

    held_at = DateTimeLocalField(
        _l("Held at"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        default=_now_local,
        validators=[InputRequired(_l("Enter the date and time."))],
    )
    future_message = _l("The time cannot be in the future.")

    def validate_held_at(self, field):
        # A record is written afterwards; a little slack for clock differences.
        if field.data and field.data > _now_local() + timedelta(minutes=10):
            raise ValidationError(self.future_message)

    def held_at_utc(self) -> datetime:
        """The local (China) wall-clock time the user typed, as an aware UTC datetime."""
        return self.held_at.data.replace(tzinfo=CHINA).astimezone(UTC)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(CHINA).replace(tzinfo=None)


class SessionForm(_HeldAtForm):
    """The session record: header (time, place, mode, present parties, invited helpers) and body."""

    future_message = _l("The session time cannot be in the future.")
    place = StringField(_l("Place"), validators=[Optional(), Length(max=128)])
    mode = RadioField(
        _l("How the session was held"),
        choices=lambda: enum_choices(SessionMode),
        default=SessionMode.IN_PERSON.value,
        validators=[InputRequired(_l("Choose how the session was held."))],
    )
    present = SelectMultipleField(
        _l("Parties present"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    participants = TextAreaField(
        _l("Others taking part"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    accounts = TextAreaField(
        _l("Each party's account"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 5},
    )
    notes = TextAreaField(
        _l("What happened"),
        validators=[
            InputRequired(_l("Write what happened in the session.")),
            Length(max=20000),
        ],
        render_kw={"rows": 6},
    )
    result = TextAreaField(
        _l("Result of the session"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"rows": 3},
    )

    def validate_present(self, field):
        if not field.data:
            raise ValidationError(_l("Tick the parties present at the session."))


class InvestigationForm(_HeldAtForm):
    """The investigation record: time, place, investigators, the person interviewed, the record."""

    future_message = _l("The investigation time cannot be in the future.")
    place = StringField(_l("Place"), validators=[Optional(), Length(max=128)])
    investigators = StringField(
        _l("Investigators"),
        validators=[InputRequired(_l("Name who carried out the investigation.")), Length(max=256)],
    )
    interviewee = StringField(
        _l("Person interviewed"),
        validators=[InputRequired(_l("Name the person interviewed.")), Length(max=256)],
    )
    record = TextAreaField(
        _l("Record"),
        validators=[InputRequired(_l("Write down what was said or found.")), Length(max=20000)],
        render_kw={"rows": 6},
    )


class SignForm(CaseActionForm):
    """Mark a record as signed: only the case version."""


def _party_choices(case: Case, record: MediationSession | None = None) -> list[SelectChoice]:
    """The parties still in the dispute, and any the record being corrected names (a party
    present before being marked withdrawn)."""
    named = set(record.present_party_ids or []) if record is not None else set()
    return [
        SelectChoice(p.id, _("%(name)s (%(role)s)", name=p.name, role=p.role.label))
        for p in case.parties
        if not p.withdrawn or p.id in named
    ]


def session_form(
    case: Case,
    record: MediationSession | None = None,
    *,
    prefix: str = SESSION,
    formdata: Any = None,
) -> SessionForm:
    """A session form: blank with every applicant and respondent ticked, or filled from
    `record`; with `formdata`, the posted values."""
    if formdata is not None:
        form = SessionForm(prefix=prefix)
    elif record is None:
        form = SessionForm(
            formdata=None,
            prefix=prefix,
            version=case.version,
            present=[p.id for p in case.active_parties if p.role in DECIDING_ROLES],
        )
    else:
        form = SessionForm(
            formdata=None,
            prefix=prefix,
            version=case.version,
            held_at=_local(record.held_at),
            place=record.place,
            mode=record.mode.value,
            notes=record.notes,
            present=list(record.present_party_ids or []),
            participants=record.participants,
            accounts=record.accounts,
            result=record.result,
        )
    form.present.choices = _party_choices(case, record)
    return form


def investigation_form(
    case: Case,
    record: Investigation | None = None,
    *,
    prefix: str = INVESTIGATION,
    formdata: Any = None,
) -> InvestigationForm:
    if formdata is not None:
        return InvestigationForm(prefix=prefix)
    if record is None:
        return InvestigationForm(formdata=None, prefix=prefix, version=case.version)
    return InvestigationForm(
        formdata=None,
        prefix=prefix,
        version=case.version,
        held_at=_local(record.held_at),
        place=record.place,
        investigators=record.investigators,
        interviewee=record.interviewee,
        record=record.record,
    )


# ---- Panels ---------------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


def _working(case: Case, user: User) -> bool:
    return case.state in WORKING_STATES and records.may_keep_records(user, case)


@panel(SESSION)
def session_panel(case: Case, user: User) -> Panel | None:
    """Record a mediation session: while mediating or in joint mediation."""
    if not _working(case, user):
        return None
    return Panel(
        SESSION,
        "workbench/partials/session_panel.html",
        forms={"session": lambda failed: failed or session_form(case)},
    )


@panel(INVESTIGATION)
def investigation_panel(case: Case, user: User) -> Panel | None:
    """Record an investigation: while mediating or in joint mediation."""
    if not _working(case, user):
        return None
    return Panel(
        INVESTIGATION,
        "workbench/partials/investigation_panel.html",
        forms={"investigation": lambda failed: failed or investigation_form(case)},
    )


def _key(record) -> str:
    return f"{records.kind_of(record)}-{record.id}"


def _case_records(case: Case) -> list:
    """Sessions and investigations of the case, oldest first (two queries)."""
    out = []
    for model in (MediationSession, Investigation):
        out += db.session.scalars(
            sa.select(model).where(model.case_id == case.id).options(joinedload(model.recorded_by))
        ).all()
    return sorted(out, key=lambda r: (r.held_at, r.created_at, r.id))


@panel(RECORDS)
def records_panel(case: Case, user: User) -> Panel | None:
    """Every record of the case, one line each; a record opens (key "<kind>-<id>") to show
    it in full, with the correction form while it is unsigned and mediation goes on, and the
    button that marks it signed."""
    if not records.may_keep_records(user, case):
        return None
    items = _case_records(case)
    if not items:
        return None
    editable = case.state in WORKING_STATES

    def opened(record):
        def build(failed):
            edit = None
            if editable and record.signed_at is None:
                if isinstance(failed, SessionForm | InvestigationForm):
                    edit = failed
                elif isinstance(record, MediationSession):
                    edit = session_form(case, record, prefix=_key(record))
                else:
                    edit = investigation_form(case, record, prefix=_key(record))
            return {"edit": edit, "sign": failed if isinstance(failed, SignForm) else None}

        return build

    return Panel(
        RECORDS,
        "workbench/partials/records_panel.html",
        {
            "items": items,
            "parties": {p.id: p for p in case.parties},
            "signable": allowed(case.state, Action.SIGN_RECORD),
        },
        forms={_key(r): opened(r) for r in items},
    )


# ---- Actions --------------------------------------------------------------------------------


def _allowed_case(number: str) -> Case:
    case = load_case(number)
    if not records.may_keep_records(_me(), case):
        abort(403)
    return case


def _record(case: Case, kind: str, record_id: int):
    model = KINDS.get(kind)
    found = db.session.get(model, record_id) if model else None
    if found is None or found.case_id != case.id:
        abort(404)
    return found


def _present(case: Case, form: SessionForm) -> list:
    return [p for p in case.parties if p.id in (form.present.data or [])]


def _session_values(case: Case, form: SessionForm) -> dict:
    """What a session form says, as the keyword arguments of recording or correcting it."""
    return {
        "version": form.version.data,
        "held_at": form.held_at_utc(),
        "place": form.place.data or "",
        "mode": SessionMode(form.mode.data),
        "notes": form.notes.data,
        "present": _present(case, form),
        "participants": form.participants.data,
        "accounts": form.accounts.data,
        "result": form.result.data,
    }


def _investigation_values(form: InvestigationForm) -> dict:
    """What an investigation form says, as the keyword arguments of recording or correcting it."""
    return {
        "version": form.version.data,
        "held_at": form.held_at_utc(),
        "place": form.place.data,
        "investigators": form.investigators.data,
        "interviewee": form.interviewee.data,
        "record": form.record.data,
    }


@bp.route("/case/<number>/session", methods=["POST"])
def record_session(number: str):
    """Record a mediation session (the case's mediators, the committee director)."""
    case, user = _allowed_case(number), _me()
    form = session_form(case, formdata=request.form)
    return panel_action(
        case,
        SESSION,
        form,
        _("Session recorded."),
        lambda: mediation.record_session(
            case,
            user,
            **_session_values(case, form),
        ),
    )


@bp.route("/case/<number>/investigation", methods=["POST"])
def record_investigation(number: str):
    """Record an investigation (the case's mediators, the committee director)."""
    case, user = _allowed_case(number), _me()
    form = investigation_form(case, formdata=request.form)
    return panel_action(
        case,
        INVESTIGATION,
        form,
        _("Investigation recorded."),
        lambda: records.record_investigation(
            case,
            user,
            **_investigation_values(form),
        ),
    )


@bp.route("/case/<number>/records/<kind>/<int:record_id>", methods=["POST"])
def edit_record(number: str, kind: str, record_id: int):
    """Correct an unsigned session or investigation record (the case's mediators, the
    committee director)."""
    case, user = _allowed_case(number), _me()
    record = _record(case, kind, record_id)
    key = _key(record)
    if isinstance(record, MediationSession):
        form = session_form(case, record, prefix=key, formdata=request.form)
        call = lambda: records.edit_session(  # noqa: E731
            case,
            record,
            user,
            **_session_values(case, form),
        )
    else:
        form = investigation_form(case, prefix=key, formdata=request.form)
        call = lambda: records.edit_investigation(  # noqa: E731
            case,
            record,
            user,
            **_investigation_values(form),
        )
    return panel_action(case, RECORDS, form, _("Record saved."), call, key=key, keep_open=True)


@bp.route("/case/<number>/records/<kind>/<int:record_id>/sign", methods=["POST"])
def sign_record(number: str, kind: str, record_id: int):
    """Mark a record as signed on paper; it cannot change afterwards (the case's mediators,
    the committee director)."""
    case, user = _allowed_case(number), _me()
    record = _record(case, kind, record_id)
    form = SignForm(prefix=f"sign-{_key(record)}")
    return panel_action(
        case,
        RECORDS,
        form,
        _("Record marked as signed."),
        lambda: records.sign_record(case, record, user, version=form.version.data),
        key=_key(record),
        keep_open=True,
    )
