"""The service of the notice of termination on the shared case page: when mediation ended
without agreement, which version of the notice each party was served, how, when and by whom
(PML Art. 26), and the form that records it, beside the notice itself.

On the `cases` blueprint because whoever keeps the file records it: the desk for a case it
never dispatched, else the handling committee (domain.permissions.may_keep_document). Leaders
read the panel without the forms.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.cases.consent import per_party
from blueprints.forms import CaseActionForm, ChoiceField, enum_choices, optional_int
from blueprints.panels import Panel, panel
from domain import document_access, documents, serving
from domain.clocks import local_today
from domain.permissions import may_keep_document
from models import Case, ServiceMethod, User
from models.states import CaseState

SERVICE = "service"  # the panel's name; its region is #panel-service


# ---- forms ------------------------------------------------------------------------------------


class ServiceForm(CaseActionForm):
    party = IntegerField(
        _l("Party"),
        widget=HiddenInput(),
        validators=[InputRequired(_l("Choose the party who was served."))],
    )
    document = SelectField(
        _l("Version served"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose the version of the notice that was served."))],
    )
    method = ChoiceField(
        _l("How it was served"),
        choices=enum_choices(ServiceMethod, blank=_l("Choose…")),
        validators=[InputRequired(_l("Choose how the notice was served."))],
    )
    served_on = DateField(
        _l("Served on"),
        default=local_today,
        validators=[InputRequired(_l("Enter the date it was served."))],
    )
    served_by = StringField(
        _l("Served by"),
        validators=[InputRequired(_l("Enter who served it.")), Length(max=serving.MAX_NAME)],
    )
    recipient = StringField(
        _l("Received by (when not the party in person)"),
        validators=[Optional(), Length(max=serving.MAX_NAME)],
    )
    refused_to_sign = BooleanField(_l("The party refused to sign for it (left with them)"))
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=serving.MAX_NOTE)],
        render_kw={"rows": 2},
    )

    def data_for_domain(self) -> serving.ServiceData:
        method = self.method.data
        return serving.ServiceData(
            document_id=self.document.data,
            party_id=self.party.data,
            method=ServiceMethod(method) if method in ServiceMethod._value2member_map_ else None,
            served_on=self.served_on.data,
            served_by=self.served_by.data,
            recipient=self.recipient.data,
            refused_to_sign=bool(self.refused_to_sign.data),
            note=self.note.data,
        )


def _versions(case: Case):
    """The notice's versions, newest first."""
    return sorted(
        (d for d in case.documents if d.kind == serving.NOTICE),
        key=lambda d: d.version,
        reverse=True,
    )


def _version_choices(case: Case) -> list[SelectChoice]:
    return [
        SelectChoice(
            d.id,
            _("Version %(n)s of %(date)s", n=d.version, date=local_today(d.created_at).isoformat()),
        )
        for d in _versions(case)
    ]


# ---- the panel --------------------------------------------------------------------------------


def _may_serve(user: User, case: Case) -> bool:
    return case.state != CaseState.ARCHIVED and may_keep_document(user, case, serving.NOTICE)


@panel(SERVICE)
def service_panel(case: Case, user: User) -> Panel | None:
    """Once mediation ended without agreement: the notice of termination and its service on
    each party, for whoever keeps or reads the file; the forms ("serve-<party id>") for
    whoever keeps it, while a version exists to serve."""
    if not serving.owes_notice(case) or not documents.can_manage_documents(user, case):
        return None
    versions = _versions(case)
    forms = {}
    if versions and _may_serve(user, case):
        choices = _version_choices(case)
        for party in serving.to_serve(case):
            forms[f"serve-{party.id}"] = _party_form(case, user, party.id, choices)
    rows = [(party, serving.service_of(case, party)) for party in serving.to_serve(case)]
    latest = versions[0] if versions else None
    return Panel(
        SERVICE,
        "cases/partials/service_panel.html",
        {
            "rows": rows,
            "served": sum(1 for _p, s in rows if s is not None),
            "latest": latest,
            "latest_access": document_access.access_to(user, case, latest).value
            if latest
            else "none",
            "keeps_file": _may_serve(user, case),
            "doc_key": f"{serving.NOTICE.value}-0",
        },
        forms=forms,
    )


def _party_form(case: Case, user: User, party_id: int, choices):
    def build(failed):
        form = failed or ServiceForm(
            formdata=None,
            prefix="serve",
            version=case.version,
            party=party_id,
            document=choices[0].value if choices else None,
            served_by=user.name,
        )
        form.document.choices = choices
        return per_party(form, party_id)

    return build


# ---- routes -----------------------------------------------------------------------------------


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/<number>/service", methods=["POST"])
def record_service(number: str):
    """Record how and when a party was served the notice of termination (whoever keeps the
    case's file: the handling committee's director and mediators, the desk before dispatch)."""
    case, user = load_case(number), _me()
    if not _may_serve(user, case):
        abort(403)
    form = ServiceForm(prefix="serve")
    form.document.choices = _version_choices(case)
    return panel_action(
        case,
        SERVICE,
        form,
        _("Service recorded."),
        lambda: serving.record_service(
            case, user, form.data_for_domain(), version=form.version.data
        ),
        key=f"serve-{form.party.data}",
    )
