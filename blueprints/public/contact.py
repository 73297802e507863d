"""A party changes their opt-in to messages about their case: the applicant on /status, the
respondent on /respond/case. Works without JavaScript (a plain POST and a redirect); a mistake
shows the page again with the error beside the field and what was typed."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, request, session, url_for
from flask_babel import gettext as _

from blueprints.htmx import redirect_303
from blueprints.notify_forms import ContactPreferenceForm
from blueprints.public import bp, respond, views
from domain import notifications
from extensions import db
from models import Case, Party

PREFIX = "notify"


def form_for(party: Party | None) -> ContactPreferenceForm:
    """The form shown on the party's page: the one just sent with its errors, else the
    party's current choice."""
    held = g.get("contact_form")
    if held is not None:
        return held
    form = ContactPreferenceForm(formdata=None, prefix=PREFIX)
    form.fill(notifications.preference_of(party) if party is not None else None)
    return form


@bp.app_context_processor
def _contact_helpers():
    return {"contact_form_for": form_for}


def _applicant() -> Party | None:
    number = session.get("case_access")
    case = db.session.scalar(sa.select(Case).where(Case.number == number)) if number else None
    if case is None or not case.applicants:
        return None
    return case.applicants[0]


def _save(party: Party, page):
    form = ContactPreferenceForm(request.form, prefix=PREFIX)
    if not form.validate():
        g.contact_form = form
        body, _status = _as_pair(page())
        return body, 400
    form.save(party)
    db.session.commit()
    flash(_("Your choice of messages was saved."), "success")
    return None


def _as_pair(response):
    if isinstance(response, tuple):
        return response[0], response[1]
    return response, 200


@bp.route("/status/messages", methods=["POST"])
def status_messages():
    party = _applicant()
    if party is None:
        return redirect(url_for("public.lookup"))
    failed = _save(party, views.status)
    return failed or redirect_303(url_for("public.status") + "#contact-prefs")


@bp.route("/respond/messages", methods=["POST"])
def respond_messages():
    party = respond._party()
    if party is None:
        return redirect_303(url_for("public.respond"))
    failed = _save(party, respond.respond_case)
    return failed or redirect_303(url_for("public.respond_case") + "#contact-prefs")
