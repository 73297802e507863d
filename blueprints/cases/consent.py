"""Consent to mediate and the rights-and-obligations notice, on the shared case page.

On the `cases` blueprint because the desk records consent before dispatch and the committee's
mediators afterwards: every staff role reaches these routes and domain.consent decides who may
act (PML Art. 17: mediation needs the parties' consent; PML Arts. 23-24: their rights and
obligations are told before mediation).
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm, enum_choices
from blueprints.panels import Panel, panel
from domain import consent, respondents
from domain.errors import ValidationFailed
from models import Case, Party, User
from models.enums import ConsentStatus, ContactMethod, NoticeAck
from models.states import CaseState

CONSENT = "consent"  # the panel's name; its region is #panel-consent
CONSENT_STATES = consent.CONSENT_STATES


# ---- forms ------------------------------------------------------------------------------------


class PartyActionForm(CaseActionForm):
    party = IntegerField(
        _l("Party"),
        widget=HiddenInput(),
        validators=[InputRequired(_l("Choose a party of this case."))],
    )


class ConsentForm(PartyActionForm):
    status = RadioField(
        _l("The party's answer"),
        choices=enum_choices(
            ConsentStatus, [s for s in ConsentStatus if s != ConsentStatus.PENDING]
        ),
        validators=[InputRequired(_l("Choose the party's answer."))],
    )
    method = SelectField(
        _l("How the answer was given"),
        # "Online" is the party's own answer through their invitation, never typed by staff.
        choices=enum_choices(
            ContactMethod,
            [m for m in ContactMethod if m != ContactMethod.ONLINE],
            blank=_l("Choose…"),
        ),
        validators=[InputRequired(_l("Choose how the answer was given."))],
    )
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class NoticeForm(PartyActionForm):
    how = RadioField(
        _l("How the notice was acknowledged"),
        choices=enum_choices(NoticeAck, [a for a in NoticeAck if a != NoticeAck.NONE]),
        validators=[InputRequired(_l("Choose how the notice was acknowledged."))],
    )


class InviteForm(PartyActionForm):
    """Issue a respondent their invitation: a code of their own for the online door."""


def per_party(form, key: int | str):
    """Give the fields of one of several copies of a form on the page their own ids (the
    names stay the same, so the route reads any copy)."""
    for f in form:
        f.id = f"{form._prefix}{key}-{f.short_name}"
        f.label.field_id = f.id
    return form


# ---- the panel --------------------------------------------------------------------------------


def me() -> User:
    return current_user._get_current_object()


def party_of(case: Case, party_id: int | None) -> Party:
    """The party of this case with this id; a field error otherwise (domain.consent refuses
    a party marked withdrawn)."""
    for party in case.parties:
        if party.id == party_id:
            return party
    raise ValidationFailed(_l("Choose a party of this case."), field="party")


@panel(CONSENT)
def consent_panel(case: Case, user: User) -> Panel | None:
    """Each party's consent and notice acknowledgement: the desk before dispatch, the case's
    mediators and the committee director afterwards (domain.consent decides). Each party's
    answer opens as "consent-<party id>", the acknowledgement as "notice-<party id>"."""
    if case.state not in CONSENT_STATES or not consent.can_record_consent(user, case):
        return None
    forms = {}
    for party in case.active_parties:
        for kind, cls in (("consent", ConsentForm), ("notice", NoticeForm)):
            forms[f"{kind}-{party.id}"] = _party_form(case, cls, kind, party)
    invited = respondents.invitations(case)
    for party in respondents.invitable(case):
        forms[f"invite-{party.id}"] = _party_form(case, InviteForm, "invite", party)
    return Panel(
        CONSENT,
        "workbench/partials/consent_panel.html",
        context={
            "invitable": respondents.invitable(case),
            "invited": invited,
            "sent": respondents.submissions(case),
        },
        forms=forms,
    )


def _party_form(case: Case, cls, kind: str, party: Party):
    def build(failed):
        form = failed or cls(formdata=None, prefix=kind, version=case.version, party=party.id)
        return per_party(form, party.id)

    return build


# ---- routes -----------------------------------------------------------------------------------


def _authorised(number: str) -> Case:
    case = load_case(number)
    if not consent.can_record_consent(me(), case):
        abort(403)
    return case


@bp.route("/<number>/consent", methods=["POST"])
def record_consent(number: str):
    """Record a party's answer to mediation; a refusal closes the case (desk before dispatch,
    the case's mediators, the committee director)."""
    case, user = _authorised(number), me()
    form = ConsentForm(prefix="consent")

    def done() -> str:
        if case.state == CaseState.REFUSED:
            return _(
                "Refusal recorded. Mediation cannot take place: the case is closed as "
                "refused. Tell the parties which other channels are open to them."
            )
        return _("Answer recorded.")

    return panel_action(
        case,
        CONSENT,
        form,
        done,
        lambda: consent.record_consent(
            case,
            party_of(case, form.party.data),
            user,
            version=form.version.data,
            status=ConsentStatus(form.status.data),
            method=ContactMethod(form.method.data),
            note=form.note.data or None,
        ),
        key=f"consent-{form.party.data}",
    )


@bp.route("/<number>/notice", methods=["POST"])
def acknowledge_notice(number: str):
    """Record that a party acknowledged the rights-and-obligations notice (desk before
    dispatch, the case's mediators, the committee director)."""
    case, user = _authorised(number), me()
    form = NoticeForm(prefix="notice")
    return panel_action(
        case,
        CONSENT,
        form,
        _("Notice acknowledgement recorded."),
        lambda: consent.acknowledge_notice(
            case,
            party_of(case, form.party.data),
            user,
            version=form.version.data,
            how=NoticeAck(form.how.data),
        ),
        key=f"notice-{form.party.data}",
    )
