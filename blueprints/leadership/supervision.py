"""Supervision orders (督办单): issued by a county or city body to an organisation of its area,
reported on by that organisation's staff, accepted or returned; one file per matter (一事一档),
printable."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.leadership import bp
from blueprints.leadership.forms import OrderForm, ReportForm, ReviewForm
from blueprints.leadership.views import found, printed, run
from domain import leadership as lead
from domain import matters
from domain.calendar import local_today
from domain.permissions import org_scope_of
from extensions import db
from models import Organisation
from models.leadership import SupervisionOrder, SupervisionStatus


@bp.route("/supervision")
def supervision():
    """Orders issued by the user's organisation, and orders addressed to it (or, for a leader,
    to any organisation of their area); overdue ones flagged."""
    user = current_user._get_current_object()
    tab = request.args.get("tab", "addressed")
    if tab == "issued":
        where = SupervisionOrder.issuer_org_id == user.organisation_id
    else:
        tab = "addressed"
        where = SupervisionOrder.to_org_id.in_(sa.select(Organisation.id).where(org_scope_of(user)))
    today = local_today()
    rows = list(
        db.session.scalars(
            sa.select(SupervisionOrder)
            .where(where)
            .order_by(
                SupervisionOrder.status == SupervisionStatus.CLOSED,
                SupervisionOrder.due_on,
                SupervisionOrder.id,
            )
            .limit(500)
        )
    )
    return render_template(
        "leadership/supervision.html",
        rows=rows,
        tab=tab,
        today=today,
        lead=lead,
        may_issue=lead.may_issue(user),
    )


def _orgs(form, user) -> None:
    orgs = db.session.scalars(
        sa.select(Organisation)
        .where(org_scope_of(user), Organisation.id != user.organisation_id)
        .order_by(Organisation.name)
        .limit(1000)
    )
    form.to_org.choices = [("", _("Choose…"))] + [(o.id, o.name) for o in orgs]


@bp.route("/supervision/new", methods=["GET", "POST"])
def issue():
    user = current_user._get_current_object()
    if not lead.may_issue(user):
        abort(403)
    form = OrderForm()
    _orgs(form, user)
    if request.method == "GET" and request.args.get("case"):
        form.cases.data = request.args.get("case", "")[:40]
    made = {}

    def call():
        made["o"] = lead.issue_order(user, form.data_())

    answer = run(
        form,
        call,
        _("Supervision order issued."),
        lambda: url_for("leadership.order", order_id=made["o"].id),
    )
    return answer or render_template("leadership/order_new.html", form=form)


def _load(order_id: int) -> SupervisionOrder:
    return found(lead.get_order_for(current_user._get_current_object(), order_id))


def _page(order: SupervisionOrder, *, report=None, review=None):
    user = current_user._get_current_object()
    if report is None and lead.may_report(user, order):
        report = ReportForm(formdata=None, version=order.version)
    if review is None and lead.may_review(user, order):
        review = ReviewForm(formdata=None, version=order.version)
    return render_template(
        "leadership/order.html",
        o=order,
        overdue=lead.order_overdue(order),
        history=matters.history(lead.SUPERVISION, order.id),
        report=report,
        review=review,
    )


@bp.route("/supervision/<int:order_id>")
def order(order_id: int):
    return _page(_load(order_id))


@bp.route("/supervision/<int:order_id>/report", methods=["POST"])
def report(order_id: int):
    o = _load(order_id)
    user = current_user._get_current_object()
    if not lead.may_report(user, o):
        abort(403)
    form = ReportForm()
    answer = run(
        form,
        lambda: lead.submit_report(o, user, form.text.data, version=form.version.data),
        _("Report submitted."),
        lambda: url_for("leadership.order", order_id=o.id),
    )
    return answer or _page(o, report=form)


@bp.route("/supervision/<int:order_id>/review", methods=["POST"])
def review(order_id: int):
    o = _load(order_id)
    user = current_user._get_current_object()
    if not lead.may_review(user, o):
        abort(403)
    form = ReviewForm()
    accept = request.form.get("decision") == "accept"
    answer = run(
        form,
        lambda: lead.review_report(
            o, user, accept=accept, note=form.note.data, version=form.version.data
        ),
        _("Report accepted: the order is closed.") if accept else _("Report returned for more."),
        lambda: url_for("leadership.order", order_id=o.id),
    )
    return answer or _page(o, review=form)


@bp.route("/supervision/<int:order_id>/print")
def order_print(order_id: int):
    """The whole file of the matter on one printable page (一事一档)."""
    o = _load(order_id)
    return printed(
        render_template(
            "leadership/order_print.html", o=o, history=matters.history(lead.SUPERVISION, o.id)
        )
    )


@bp.route("/supervision/<int:order_id>/pdf")
def order_pdf(order_id: int):
    o = _load(order_id)
    from weasyprint import HTML  # slow to import: only to make a PDF

    html = render_template(
        "leadership/order_print.html", o=o, history=matters.history(lead.SUPERVISION, o.id)
    )
    response = make_response(HTML(string=html).write_pdf())
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="supervision-{o.id}.pdf"'
    return response
