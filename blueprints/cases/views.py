"""The shared staff case page: facts, parties (masked), timeline, and the action panels that
the user's role allows, each opened on demand. Rendering is in page.py; the panels' actions
are POST endpoints of the modules that own them (cases/, desk/, workbench/)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from blueprints.auth.forms import EmptyForm
from blueprints.case_page import load_case, parse_open, render_detail, render_panel
from blueprints.cases import bp
from blueprints.htmx import is_htmx
from blueprints.panels import Opening, build
from domain.errors import NotPermitted
from domain.privacy import reveal_party_details
from extensions import db
from models import Party


@bp.route("/<number>")
def detail(number: str):
    """Case page (any staff role, within their scope); `?open=<panel>:<form>` opens a form."""
    return render_detail(load_case(number), parse_open(request.args.get("open")))


@bp.route("/<number>/panels/<name>")
def panel(number: str, name: str):
    """One panel of the case page, with the form `?open=<key>` open: the htmx fragment, or
    the panel on its own page without JS (any staff role the panel applies to)."""
    case = load_case(number)
    key = request.args.get("open", "")[:64]
    p = build(name, case, current_user, Opening(key) if key else None)
    if p is None:
        abort(404)
    return render_panel(case, p)


@bp.route("/<number>/parties/<int:party_id>/reveal", methods=["POST"])
def reveal_party(number: str, party_id: int):
    """Show one party's full ID number, phone and address; recorded on the timeline
    (clerk, director, the case's mediator)."""
    case = load_case(number)
    party = db.session.get(Party, party_id)
    if party is None or party.case_id != case.id:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        reveal_party_details(case, party, current_user)
    except NotPermitted:
        abort(403)
    db.session.commit()
    if is_htmx():
        # The party in full, and the timeline again (out of band) with the party's
        # corrections in full too.
        context = {"case": case, "revealed": {party.id}, "may_reveal": True}
        return render_template(
            "cases/partials/party.html", party=party, reveal_form=form, **context
        ) + render_template("cases/partials/timeline.html", timeline_oob=True, **context)
    return render_detail(case, revealed={party.id})
