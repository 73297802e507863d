"""Related cases on the shared case page: links both ways (related, repeat petition, merged),
the link form, unlinking, merging this case into another, and the timelines of the cases
merged into this one. Whoever holds the case links it and removes its links while its file is
open (the desk before dispatch, the handling committee after: domain.permissions); merging is
for the desk before dispatch, or the director of the committee handling both cases."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.actions import panel_action
from blueprints.case_page import load_case
from blueprints.cases import bp
from blueprints.forms import CaseActionForm
from blueprints.panels import Panel, fresh, panel
from domain import links
from domain.ids import row_id
from domain.permissions import Work, may
from domain.states import Action, allowed
from models import Case, User
from models.enums import LinkKind
from models.states import CaseState

LINKS = "links"
MERGED_TIMELINES = "merged_timelines"


class LinkForm(CaseActionForm):
    number = StringField(
        _l("Number of the other case"),
        validators=[InputRequired(_l("Enter the number of the other case.")), Length(max=40)],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    kind = SelectField(
        _l("How they are related"),
        choices=[SelectChoice(k.value, k.label) for k in links.LINK_KINDS],
        default=LinkKind.RELATED.value,
        validators=[InputRequired(_l("Choose how the cases are related."))],
    )
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class UnlinkForm(CaseActionForm):
    link = HiddenField()


class MergeForm(CaseActionForm):
    number = StringField(
        _l("Merge into case number"),
        validators=[
            InputRequired(_l("Enter the number of the case to merge into.")),
            Length(max=40),
        ],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    reason = TextAreaField(
        _l("Why these are the same dispute"),
        validators=[InputRequired(_l("Say why these are the same dispute.")), Length(max=2000)],
        render_kw={"rows": 2},
    )


@panel(LINKS)
def links_panel(case: Case, user: User) -> Panel:
    """Related cases, both ways; the link and merge forms, and removing a link (opens as
    "unlink-<link id>")."""
    rows = links.links_of(case)
    forms = {}
    linking = links.can_link(user, case)
    if linking:
        forms["link"] = fresh(LinkForm, case, "link")
    if allowed(case.state, Action.MERGE_INTO) and links.can_merge(user, case):
        forms["merge"] = fresh(MergeForm, case, "merge")
    if linking:
        for r in rows:
            if r.kind != LinkKind.MERGED:
                forms[f"unlink-{r.link.id}"] = fresh(UnlinkForm, case, "unlink", link=r.link.id)
    return Panel(
        LINKS,
        "cases/partials/links_panel.html",
        {
            "rows": rows,
            "repeat": links.is_repeat(case, rows),
            "merged_into": links.merged_into(case) if case.state == CaseState.MERGED else None,
        },
        forms=forms,
    )


@panel(MERGED_TIMELINES)
def merged_timelines_panel(case: Case, user: User) -> Panel | None:  # noqa: ARG001
    """The timelines of the cases merged into this one (they stay with their own case)."""
    merged = links.merged_timelines(case)
    if not merged:
        return None
    return Panel(MERGED_TIMELINES, "cases/partials/merged_timelines.html", {"merged": merged})


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/<number>/links", methods=["POST"])
def link(number: str):
    """Link this case to another case in the user's scope (whoever holds this case)."""
    case, user = load_case(number), _me()
    if not may(user, Work.LINK, case):
        abort(403)
    form = LinkForm(prefix="link")
    return panel_action(
        case,
        LINKS,
        form,
        _("Cases linked."),
        lambda: links.link_cases(
            case,
            form.number.data,
            user,
            version=form.version.data,
            kind=form.kind.data,
            note=form.note.data,
        ),
    )


@bp.route("/<number>/links/remove", methods=["POST"])
def unlink(number: str):
    """Remove a related-case or repeat-petition link (whoever holds this case, if they see the
    other one too)."""
    case, user = load_case(number), _me()
    if not may(user, Work.LINK, case):
        abort(403)
    form = UnlinkForm(prefix="unlink")
    link_id = row_id(form.link.data)
    if link_id is None:
        abort(404)  # a forged or out-of-range id names no link
    return panel_action(
        case,
        LINKS,
        form,
        _("Link removed."),
        lambda: links.unlink_cases(case, link_id, user, version=form.version.data),
        key=f"unlink-{link_id}",
    )


@bp.route("/<number>/merge", methods=["POST"])
def merge(number: str):
    """Merge this case into another open case of the same dispute (the desk before dispatch,
    or the director of the committee handling both)."""
    case, user = load_case(number), _me()
    if not links.can_merge(user, case):
        abort(403)
    form = MergeForm(prefix="merge")
    return panel_action(
        case,
        LINKS,
        form,
        _("Case merged. Work goes on in the other case."),
        lambda: links.merge_cases(
            case, form.number.data, user, version=form.version.data, reason=form.reason.data
        ),
    )
