"""Workbench: after agreement. The agreement itself (PML Arts. 28-29), its signatures and
effect, performance of each term, going back on it (re-mediate or advise the court), follow-up
visits, and judicial confirmation (PML Art. 33). Forms, case-page panels (order 50-59) and the
POST actions of this area.

Each panel offers its forms by key (built only when opened); a refused action comes back
with its form open and what was typed (blueprints/actions.py).
"""

from __future__ import annotations

import re

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.forms import CaseActionForm, enum_choices
from blueprints.panels import Panel, fresh, panel
from blueprints.workbench import bp
from domain import aftercare, agreements, confirmability, mediation
from domain.clocks import local_today
from domain.confirmability import Bar
from domain.permissions import Work, may
from domain.states import Action, allowed
from extensions import db
from models import Case, FollowUp, JudicialConfirmation, Party, User
from models.enums import AgreementKind, Performance, Ruling, Satisfaction, SignerKind
from models.states import CaseState

OUTCOME = "outcome"
AGREEMENT = "agreement"
PERFORMANCE = "performance"
FOLLOW_UP = "follow_up"
CONFIRMATION = "confirmation"

# ---- Forms --------------------------------------------------------------------------------

# "1. ", "1) ", "(1) ", a digit plus an ideographic comma, full-width dots and brackets: the
# numbering people type in front of each term. The agreement stores the bare terms and numbers
# them when it is shown.
_NUMBERING = re.compile(r"^\s*(?:[(\uff08]\s*\d+\s*[)\uff09]|\d+\s*[.)\u3001\uff0e:\uff1a])\s*")


def parse_terms(text: str | None) -> list[str]:
    """One term per non-empty line, without the numbering the user typed."""
    terms = []
    for line in (text or "").splitlines():
        term = _NUMBERING.sub("", line).strip()
        if term:
            terms.append(term)
    return terms


def _not_future(message):
    def check(form, field):  # noqa: ARG001
        if field.data and field.data > local_today():
            raise ValidationError(message)

    return check


def _row_of(case: Case, model, row_id: int | None):
    """The row of this case a hidden id names; 404 for any id that names none (0 and
    negative ones included: they are ids too, not "none given"). None when the field is
    missing or unreadable: the form's own check then refuses it."""
    if row_id is None:
        return None
    row = db.session.get(model, row_id)
    if row is None or row.case_id != case.id:
        abort(404)
    return row


def _hidden_id(label):
    return IntegerField(
        label,
        widget=HiddenInput(),
        validators=[InputRequired(_l("The form is incomplete. Reload the page and try again."))],
    )


class AgreementForm(CaseActionForm):
    kind = RadioField(
        _l("Kind of agreement"),
        choices=lambda: enum_choices(AgreementKind),
        default=AgreementKind.WRITTEN.value,
        validators=[InputRequired(_l("Choose written or oral."))],
    )
    facts = TextAreaField(
        _l("Main facts of the dispute"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 4},
    )
    issues = TextAreaField(
        _l("Disputed issues"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 3},
    )
    responsibilities = TextAreaField(
        _l("Each party's responsibility"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 3},
    )
    terms = TextAreaField(
        _l("Terms of the agreement"),
        validators=[
            InputRequired(_l("Write at least one term of the agreement.")),
            Length(max=20000),
        ],
        render_kw={"rows": 6},
    )
    agreed_on = DateField(
        _l("Agreed on"),
        default=local_today,
        validators=[
            InputRequired(_l("Enter the date of the agreement.")),
            _not_future(_l("The agreement date cannot be in the future.")),
        ],
    )
    performance_manner = StringField(
        _l("Manner of performance"), validators=[Optional(), Length(max=256)]
    )
    performance_place = StringField(
        _l("Place of performance"), validators=[Optional(), Length(max=256)]
    )
    performance_deadline = DateField(_l("Deadline for performance"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required whatever the kind (PML Arts. 28-29): marked like the other required fields;
        # the check is the domain's list, in validate().
        self.performance_manner.flags.required = True

    def validate_terms(self, field):
        if not parse_terms(field.data):
            raise ValidationError(_l("Write at least one term of the agreement."))

    def validate_performance_deadline(self, field):
        if field.data and self.agreed_on.data and field.data < self.agreed_on.data:
            raise ValidationError(_l("The deadline cannot be before the agreement date."))

    def validate(self, extra_validators=None) -> bool:
        """The field rules, then what the agreement of the chosen kind must state (the
        domain's list, so form and domain say the same), each beside its field."""
        valid = super().validate(extra_validators)
        if self.kind.data not in {k.value for k in AgreementKind}:
            return valid
        for name, message in mediation.missing_content(self.data_for_domain()):
            if not self[name].errors:
                self[name].errors = [*self[name].errors, message]
                valid = False
        return valid

    def data_for_domain(self) -> mediation.AgreementData:
        return mediation.AgreementData(
            kind=AgreementKind(self.kind.data),
            terms=parse_terms(self.terms.data),
            agreed_on=self.agreed_on.data,
            facts=self.facts.data,
            issues=self.issues.data,
            responsibilities=self.responsibilities.data,
            performance_manner=self.performance_manner.data,
            performance_place=self.performance_place.data,
            performance_deadline=self.performance_deadline.data,
        )


class SignatureForm(CaseActionForm):
    signer = SelectField(
        _l("Who signed"),
        validate_choice=False,  # the domain checks
        validators=[InputRequired(_l("Choose who signed."))],
    )
    signed_on = DateField(
        _l("Signed on"),
        default=local_today,
        validators=[InputRequired(_l("Enter the date of the signature."))],
    )


class PerformanceForm(CaseActionForm):
    status = SelectField(
        _l("Performance"),
        choices=lambda: enum_choices(Performance),
        validators=[InputRequired(_l("Choose how the term is performed."))],
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )


class CourtAdviceForm(CaseActionForm):
    note = TextAreaField(
        _l("What the parties were told"),
        validators=[InputRequired(_l("Write what the parties were told.")), Length(max=5000)],
        render_kw={"rows": 3},
    )


class ReopenForm(CaseActionForm):
    both_parties_consent = BooleanField(_l("Both parties agree to mediate again"))
    note = TextAreaField(
        _l("Why the agreement is mediated again"),
        validators=[
            InputRequired(_l("Say why the agreement is mediated again.")),
            Length(max=5000),
        ],
        render_kw={"rows": 3},
    )

    def validate_both_parties_consent(self, field):
        if not field.data:
            raise ValidationError(_l("Mediating again needs both parties' consent."))


class FollowUpForm(CaseActionForm):
    visit = _hidden_id(_l("Visit"))
    visited_on = DateField(
        _l("Visited on"),
        default=local_today,
        validators=[
            InputRequired(_l("Enter the date of the visit.")),
            _not_future(_l("The visit date cannot be in the future.")),
        ],
    )
    performance = SelectField(
        _l("Performance of the agreement"),
        choices=lambda: enum_choices(Performance),
        validators=[InputRequired(_l("Choose how the agreement is performed."))],
    )
    satisfaction = RadioField(
        _l("Satisfaction with the outcome"),
        choices=lambda: enum_choices(Satisfaction),
        validators=[InputRequired(_l("Choose how satisfied the parties are."))],
    )
    remaining_risk = TextAreaField(
        _l("Remaining risk"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )
    measures = TextAreaField(
        _l("Measures taken"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )
    notes = TextAreaField(
        _l("Other notes"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 2}
    )


class ConfirmationForm(CaseActionForm):
    court = StringField(
        _l("Court"), validators=[InputRequired(_l("Name the court.")), Length(max=128)]
    )
    applied_on = DateField(
        _l("Applied on"),
        default=local_today,
        validators=[InputRequired(_l("Enter the date of the application."))],
    )
    all_parties_join = BooleanField(_l("All parties join the application"))
    # One per matter a court does not confirm (domain.confirmability.Bar), shown only when the
    # check suspects it: whoever records confirms the terms do not concern it.
    not_status = BooleanField(
        _l(
            "I have read the terms: they do not confirm, change or end a marriage, an adoption, "
            "a parent-child relation or a guardianship"
        )
    )
    not_ownership = BooleanField(
        _l(
            "I have read the terms: they do not decide who owns property or an intellectual "
            "property right"
        )
    )
    not_special_procedure = BooleanField(
        _l(
            "I have read the terms: they do not concern a bankruptcy, a public summons or "
            "another special procedure"
        )
    )
    not_others = BooleanField(
        _l(
            "I have read the terms: they bind only the parties and harm no interest of the "
            "state, the public or anyone else"
        )
    )

    def confirmed_not(self) -> list[Bar]:
        return [bar for bar in Bar if self[f"not_{bar.value}"].data]

    def validate_all_parties_join(self, field):
        if not field.data:
            raise ValidationError(_l("The application is made jointly: every party must join it."))


class RulingForm(CaseActionForm):
    application = _hidden_id(_l("Application"))
    ruling = RadioField(
        _l("Ruling"),
        choices=lambda: [
            SelectChoice(r.value, r.label) for r in (Ruling.CONFIRMED, Ruling.REJECTED)
        ],
        validators=[InputRequired(_l("Choose the court's ruling."))],
    )
    ruling_number = StringField(
        _l("Ruling number"),
        validators=[InputRequired(_l("Enter the number of the ruling.")), Length(max=64)],
    )
    ruled_on = DateField(
        _l("Ruled on"),
        default=local_today,
        validators=[
            InputRequired(_l("Enter the date of the ruling.")),
            _not_future(_l("The ruling date cannot be in the future.")),
        ],
    )


# ---- Panels -------------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


# Where each missing step of the procedure is done: the panel of the case page.
GAP_PANELS = {
    mediation.Step.CONSENT: "consent",
    mediation.Step.DECLARATION: "mediators",
    mediation.Step.RECUSAL: "recusal",
    mediation.Step.SESSION: "session",
}


@panel(OUTCOME)
def outcome_panel(case: Case, user: User) -> Panel | None:
    """Record the agreement: while mediating (or in joint mediation), for whoever records."""
    if case.state not in (CaseState.MEDIATING, CaseState.JOINT_MEDIATION):
        return None
    if not may(user, Work.MEDIATE, case):
        return None
    signing = [p for p in case.active_parties if p.role in agreements.SIGNING_ROLES]
    gaps = [(gap, GAP_PANELS[gap.step]) for gap in mediation.agreement_gaps(case)]
    return Panel(
        OUTCOME,
        "workbench/partials/outcome_panel.html",
        {
            "signing": signing,
            "copies": len(case.principals) + 1,
            "gaps": gaps,
        },
        forms={"agreement": fresh(AgreementForm, case, "agreement")},
    )


@panel(AGREEMENT)
def agreement_panel(case: Case, user: User) -> Panel | None:
    """The agreement's signatures and effect: after agreement, for anyone who sees the case;
    the signature form for whoever records, until the agreement takes effect."""
    if case.agreement is None or case.state not in (CaseState.AGREED, CaseState.ARCHIVED):
        return None
    agreement = case.agreement
    written = agreement.kind == AgreementKind.WRITTEN
    rows = agreements.signers(case) if written else []
    forms = {}
    if (
        written
        and agreement.effective_on is None
        and case.state == CaseState.AGREED
        and agreements.may_record_outcome(user, case)
    ):

        def sign_form(failed):
            form = fresh(SignatureForm, case, "sign")(failed)
            form.signer.choices = [SelectChoice("", _("Choose who signed"))] + [
                SelectChoice(r.key, r.label) for r in rows if r.signature is None
            ]
            return form

        forms["sign"] = sign_form
    return Panel(
        AGREEMENT,
        "workbench/partials/agreement_signatures.html",
        {"agreement": agreement, "rows": rows},
        forms=forms,
    )


@panel(PERFORMANCE)
def performance_panel(case: Case, user: User) -> Panel | None:
    """Performance of each term of an agreement in effect, and what to do when a party goes
    back on it: for whoever records, while the case is agreed."""
    agreement = case.agreement
    if case.state != CaseState.AGREED or not agreements.is_effective(agreement):
        return None
    if not agreements.may_record_outcome(user, case):
        return None
    statuses = list(agreement.performance or [])
    statuses += [Performance.PENDING.value] * (len(agreement.terms) - len(statuses))
    terms, forms = [], {}
    for n, (text, status) in enumerate(zip(agreement.terms, statuses, strict=True), start=1):
        terms.append((n, text, Performance(status)))
        forms[f"term{n}"] = fresh(PerformanceForm, case, f"term{n}", status=status)
    if agreement.performance_status == Performance.DISPUTED:
        forms["court"] = fresh(CourtAdviceForm, case, "court")
        forms["reopen"] = fresh(ReopenForm, case, "reopen")
    return Panel(
        PERFORMANCE,
        "workbench/partials/agreement_performance.html",
        {"agreement": agreement, "terms": terms},
        forms=forms,
    )


@panel(FOLLOW_UP)
def follow_up_panel(case: Case, user: User) -> Panel | None:
    """Follow-up visits: the list for anyone who sees the case; the visit form for the
    earliest open visit, for whoever may visit, once mediation has ended."""
    if not case.follow_ups:
        return None
    open_visit = next((v for v in case.follow_ups if v.done_at is None), None)
    forms = {}
    if (
        open_visit is not None
        and allowed(case.state, Action.RECORD_FOLLOW_UP)
        and aftercare.may_visit(user, case)
    ):
        forms["visit"] = fresh(FollowUpForm, case, "visit", visit=open_visit.id)
    return Panel(
        FOLLOW_UP,
        "workbench/partials/followup_panel.html",
        {"visits": case.follow_ups, "open_visit": open_visit, "today": local_today()},
        forms=forms,
    )


@panel(CONFIRMATION)
def confirmation_panel(case: Case, user: User) -> Panel | None:
    """Judicial confirmation (PML Art. 33): the 30-day window of an agreement in effect, the
    joint application and the court's ruling; forms for whoever records, while agreed."""
    agreement = case.agreement
    if not agreements.is_effective(agreement) and not case.confirmations:
        return None
    if case.state not in (CaseState.AGREED, CaseState.ARCHIVED):
        return None
    may = case.state == CaseState.AGREED and agreements.may_record_outcome(user, case)
    pending = aftercare.confirmation_open(case)
    blocked = any(c.ruling in (Ruling.PENDING, Ruling.CONFIRMED) for c in case.confirmations)
    deadline = aftercare.confirmation_deadline(agreement.effective_on) if agreement else None
    found = confirmability.check(case) if agreement is not None and not blocked else None
    forms = {}
    if may and not blocked and deadline is not None and not found.refused:
        forms["confirm"] = fresh(ConfirmationForm, case, "confirm")
    if may and pending is not None:
        forms["ruling"] = fresh(RulingForm, case, "ruling", application=pending.id)
    days_left = (deadline - local_today()).days if deadline else None
    return Panel(
        CONFIRMATION,
        "workbench/partials/confirmation_panel.html",
        {
            "deadline": deadline,
            "days_left": days_left,
            "applications": case.confirmations,
            "pending": pending,
            # What a court would meet: refusals, and warnings to clear (while an application
            # can be recorded).
            "check": found if case.state == CaseState.AGREED else None,
            "terms": agreement.terms if agreement else [],
            "marked": confirmability.marked,
        },
        forms=forms,
    )


# ---- Actions ------------------------------------------------------------------------------


def _recording_case(number: str) -> tuple[Case, User]:
    """The case (404 outside the user's scope) if the user records its outcome (else 403)."""
    case, user = load_case(number), _me()
    if not agreements.may_record_outcome(user, case):
        abort(403)
    return case, user


@bp.route("/case/<number>/agreement", methods=["POST"])
def record_agreement(number: str):
    """Record the agreement that ends mediation (the case's mediator, the committee director,
    the joint-mediation centre's staff)."""
    case, user = load_case(number), _me()
    if not may(user, Work.MEDIATE, case):
        abort(403)
    form = AgreementForm(prefix="agreement")
    return panel_action(
        case,
        OUTCOME,
        form,
        _("Agreement recorded. The case is closed."),
        lambda: mediation.record_agreement(
            case,
            user,
            version=form.version.data,
            data=form.data_for_domain(),
        ),
    )


def _signer(case: Case, key: str | None) -> tuple[SignerKind, Party | None]:
    """("party:<id>" | "mediator" | "seal") → the signer; an unknown party gives None."""
    if key in (SignerKind.MEDIATOR.value, SignerKind.SEAL.value):
        return SignerKind(key), None
    _kind, _sep, raw = (key or "").partition(":")
    party = next((p for p in case.parties if str(p.id) == raw), None)
    return SignerKind.PARTY, party


@bp.route("/case/<number>/agreement/sign", methods=["POST"])
def sign_agreement(number: str):
    """Record a signature or the seal on the written agreement (whoever records the case)."""
    case, user = _recording_case(number)
    form = SignatureForm(prefix="sign")
    kind, party = _signer(case, form.signer.data)
    return panel_action(
        case,
        AGREEMENT,
        form,
        _("Signature recorded."),
        lambda: agreements.sign_agreement(
            case,
            user,
            version=form.version.data,
            signer=kind,
            party=party,
            signed_on=form.signed_on.data,
        ),
    )


@bp.route("/case/<number>/agreement/terms/<int:term>", methods=["POST"])
def record_performance(number: str, term: int):
    """Record how one term is performed (whoever records the case)."""
    case, user = _recording_case(number)
    form = PerformanceForm(prefix=f"term{term}")
    return panel_action(
        case,
        PERFORMANCE,
        form,
        _("Performance recorded."),
        lambda: agreements.record_performance(
            case,
            user,
            version=form.version.data,
            term=term,
            status=Performance(form.status.data),
            note=form.note.data,
        ),
    )


@bp.route("/case/<number>/agreement/court", methods=["POST"])
def advise_court(number: str):
    """Record that the parties were told they may sue over a disputed agreement (whoever
    records the case)."""
    case, user = _recording_case(number)
    form = CourtAdviceForm(prefix="court")
    return panel_action(
        case,
        PERFORMANCE,
        form,
        _("Advice recorded."),
        lambda: agreements.advise_court(case, user, version=form.version.data, note=form.note.data),
    )


@bp.route("/case/<number>/agreement/reopen", methods=["POST"])
def reopen(number: str):
    """Mediate a disputed agreement again with both parties' consent (whoever records)."""
    case, user = _recording_case(number)
    form = ReopenForm(prefix="reopen")
    done = _("Mediation reopened. Record a new outcome when it ends.")
    return panel_action(
        case,
        PERFORMANCE,
        form,
        done,
        lambda: agreements.reopen(
            case,
            user,
            version=form.version.data,
            note=form.note.data,
            both_parties_consent=form.both_parties_consent.data,
        ),
    )


@bp.route("/case/<number>/follow-up", methods=["POST"])
def record_follow_up(number: str):
    """Record a follow-up visit (the case's mediator, the committee's mediators and director)."""
    case, user = load_case(number), _me()
    if not aftercare.may_visit(user, case):
        abort(403)
    form = FollowUpForm(prefix="visit")
    visit = _row_of(case, FollowUp, form.visit.data)
    return panel_action(
        case,
        FOLLOW_UP,
        form,
        _("Follow-up visit recorded."),
        lambda: aftercare.record_follow_up(
            case,
            visit,
            user,
            version=form.version.data,
            visited_on=form.visited_on.data,
            performance=Performance(form.performance.data),
            satisfaction=Satisfaction(form.satisfaction.data),
            remaining_risk=form.remaining_risk.data,
            measures=form.measures.data,
            notes=form.notes.data,
        ),
    )


@bp.route("/case/<number>/confirmation", methods=["POST"])
def apply_confirmation(number: str):
    """Record the parties' joint application for judicial confirmation (whoever records)."""
    case, user = _recording_case(number)
    form = ConfirmationForm(prefix="confirm")
    return panel_action(
        case,
        CONFIRMATION,
        form,
        _("Application for judicial confirmation recorded."),
        lambda: aftercare.apply_confirmation(
            case,
            user,
            version=form.version.data,
            court=form.court.data,
            applied_on=form.applied_on.data,
            all_parties_join=form.all_parties_join.data,
            confirmed_not=form.confirmed_not(),
        ),
    )


@bp.route("/case/<number>/confirmation/ruling", methods=["POST"])
def record_ruling(number: str):
    """Record the court's ruling on the application (whoever records the case)."""
    case, user = _recording_case(number)
    form = RulingForm(prefix="ruling")
    application = _row_of(case, JudicialConfirmation, form.application.data)
    return panel_action(
        case,
        CONFIRMATION,
        form,
        _("Court ruling recorded."),
        lambda: aftercare.record_ruling(
            case,
            application,
            user,
            version=form.version.data,
            ruling=Ruling(form.ruling.data),
            ruling_number=form.ruling_number.data,
            ruled_on=form.ruled_on.data,
        ),
    )
