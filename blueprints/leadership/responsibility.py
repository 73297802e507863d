"""Leader responsibility for a major case (领导包案): assign, change, tick the three 包, close;
the list of the 包案 in scope with the overdue ones flagged."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.leadership import bp
from blueprints.leadership.forms import BaoForm, CloseForm, LeadEditForm, LeadForm
from blueprints.leadership.views import found, run
from domain import leadership as lead
from domain import matters
from domain.calendar import local_today
from domain.permissions import get_case_for
from extensions import db
from models.enums import Role
from models.leadership import Bao, LeadAssignment


def _people(form, user) -> None:
    leaders = lead.staff_in_scope(user, {Role.LEADER})
    form.leader.choices = [("", _("Choose…"))] + [
        (u.id, f"{u.name} · {u.organisation.name}") for u in leaders
    ]
    form.team.choices = [
        (u.id, f"{u.name} · {u.role.label} · {u.organisation.name}")
        for u in lead.staff_in_scope(user)
    ]


@bp.route("/responsibility")
def responsibility():
    """The 包案 in the user's scope, open first by deadline; overdue ones flagged."""
    user = current_user._get_current_object()
    show = request.args.get("show", "open")
    stmt = sa.select(LeadAssignment).where(lead.assignment_scope(user))
    if show != "all":
        stmt = stmt.where(LeadAssignment.closed_at.is_(None))
    rows = list(
        db.session.scalars(
            stmt.order_by(LeadAssignment.closed_at.is_not(None), LeadAssignment.due_on).limit(500)
        )
    )
    return render_template(
        "leadership/responsibility.html", rows=rows, today=local_today(), show=show, lead=lead
    )


@bp.route("/responsibility/new/<number>", methods=["GET", "POST"])
def assign(number: str):
    """Assign a responsible leader, team, plan and deadline to a case of the user's area."""
    user = current_user._get_current_object()
    case = found(get_case_for(user, number))
    if user.role != Role.LEADER:
        abort(403)
    existing = lead.open_assignment(case)
    if existing is not None:
        return render_template("leadership/assign.html", case=case, existing=existing, form=None)
    form = LeadForm()
    _people(form, user)
    made = {}

    def call():
        made["a"] = lead.assign_leader(case, user, form.data_())

    answer = run(
        form,
        call,
        _("Responsible leader assigned."),
        lambda: url_for("leadership.assignment", assignment_id=made["a"].id),
    )
    suggested = lead.suggested(case)
    return answer or render_template(
        "leadership/assign.html", case=case, form=form, existing=None, suggested=suggested
    )


def _page(a: LeadAssignment, *, edit=None, bao_forms=None, close=None):
    user = current_user._get_current_object()
    may_work = lead.may_work_assignment(user, a)
    may_edit = lead.may_edit_assignment(user, a)
    if may_edit and edit is None:
        edit = LeadEditForm(
            formdata=None,
            version=a.version,
            leader=a.leader_id,
            team=[m.id for m in a.team],
            plan=a.plan,
            due_on=a.due_on,
        )
    if edit is not None:
        _people(edit, user)
    bao_forms = bao_forms or {}
    for b in Bao:
        if b.value not in bao_forms:
            bao_forms[b.value] = BaoForm(formdata=None, prefix=b.value, version=a.version)
    return render_template(
        "leadership/assignment.html",
        a=a,
        bao=list(Bao),
        may_work=may_work,
        may_edit=may_edit,
        edit=edit,
        bao_forms=bao_forms,
        close=close or CloseForm(formdata=None, prefix="close", version=a.version),
        overdue=lead.is_overdue(a.due_on, a.is_open),
        history=matters.history(lead.LEAD, a.id),
        edit_open=request.args.get("edit") == "1" or (edit is not None and edit.errors),
    )


def _load(assignment_id: int) -> LeadAssignment:
    return found(lead.get_assignment_for(current_user._get_current_object(), assignment_id))


@bp.route("/responsibility/<int:assignment_id>")
def assignment(assignment_id: int):
    return _page(_load(assignment_id))


def _back(a):
    return lambda: url_for("leadership.assignment", assignment_id=a.id)


@bp.route("/responsibility/<int:assignment_id>/edit", methods=["POST"])
def edit_assignment(assignment_id: int):
    a = _load(assignment_id)
    user = current_user._get_current_object()
    if not lead.may_edit_assignment(user, a):
        abort(403)
    form = LeadEditForm()
    _people(form, user)
    answer = run(
        form,
        lambda: lead.update_assignment(a, user, form.data_(), version=form.version.data),
        _("Leader responsibility updated."),
        _back(a),
    )
    return answer or _page(a, edit=form)


@bp.route("/responsibility/<int:assignment_id>/bao/<which>", methods=["POST"])
def tick(assignment_id: int, which: str):
    a = _load(assignment_id)
    user = current_user._get_current_object()
    try:
        bao = Bao(which)
    except ValueError:
        abort(404)
    if not lead.may_work_assignment(user, a):
        abort(403)
    form = BaoForm(prefix=bao.value)
    answer = run(
        form,
        lambda: lead.tick_bao(a, user, bao, form.note.data, version=form.version.data),
        _("Marked done: %(duty)s.", duty=bao.label),
        _back(a),
    )
    return answer or _page(a, bao_forms={bao.value: form})


@bp.route("/responsibility/<int:assignment_id>/close", methods=["POST"])
def close(assignment_id: int):
    a = _load(assignment_id)
    user = current_user._get_current_object()
    if not lead.may_work_assignment(user, a):
        abort(403)
    form = CloseForm(prefix="close")
    answer = run(
        form,
        lambda: lead.close_assignment(a, user, form.note.data, version=form.version.data),
        _("Leader responsibility closed."),
        _back(a),
    )
    return answer or _page(a, close=form)
