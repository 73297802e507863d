"""The typical-case library on the case page: a closed case's mediator (or its committee's
director) proposes it for the library (典型案例库) with a short anonymised text; the panel shows
the entries the case has had and where each stands. The review is the director's page
(blueprints.library); the rules are in domain/library.py."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm
from blueprints.panels import Panel, panel
from domain import library
from models import Case, User

LIBRARY = "library"  # the panel's name; its region is #panel-library


def _part(label, required: bool = True, rows: int = 4):
    validators = [Length(max=library.PART_MAX)]
    if required:
        validators.insert(0, InputRequired(_l("Write this part.")))
    else:
        validators.insert(0, Optional())
    return TextAreaField(label, validators=validators, render_kw={"rows": rows})


class LibraryTextMixin:
    title = StringField(
        _l("Title"),
        validators=[InputRequired(_l("Give the case a title.")), Length(max=library.TITLE_MAX)],
    )
    facts = _part(library.PART_LABELS["facts"])
    mediation = _part(library.PART_LABELS["mediation"])
    outcome = _part(library.PART_LABELS["outcome"], rows=3)
    lesson = _part(library.PART_LABELS["lesson"], required=False, rows=3)

    def text(self) -> library.Text:
        return library.Text(
            title=self.title.data,
            facts=self.facts.data,
            mediation=self.mediation.data,
            outcome=self.outcome.data,
            lesson=self.lesson.data,
        )


class ProposeForm(LibraryTextMixin, CaseActionForm):
    pass


def _propose_form(case: Case):
    def build(failed):
        if failed is not None:
            return failed
        draft = library.draft_for(case)
        return ProposeForm(
            formdata=None,
            prefix="library",
            version=case.version,
            facts=draft.facts,
            mediation=draft.mediation,
            outcome=draft.outcome,
            lesson=draft.lesson,
        )

    return build


@panel(LIBRARY)
def library_panel(case: Case, user: User) -> Panel | None:
    """Shown to whoever may propose the case, and wherever the case has entries."""
    entries = library.entries_of(case)
    forms = {}
    if library.may_propose(user, case) and not any(e.status in library.LIVE for e in entries):
        forms["library"] = _propose_form(case)
    if not forms and not entries:
        return None
    return Panel(LIBRARY, "cases/partials/library_panel.html", {"entries": entries}, forms=forms)


@bp.route("/<number>/library", methods=["POST"])
def propose_for_library(number: str):
    """Propose the closed case for the typical-case library (its mediators, its director)."""
    case, user = load_case(number), current_user._get_current_object()
    if not library.may_propose(user, case):
        abort(403)
    form = ProposeForm(prefix="library")
    return panel_action(
        case,
        LIBRARY,
        form,
        _("Proposed for the case library. The director reviews the anonymised text."),
        lambda: library.propose(case, user, form.text(), version=form.version.data),
    )
