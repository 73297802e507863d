"""The inbox: one's own notifications only, newest first, 25 a page (keyset on the id), mark
one or all read. The outbox: citizens' messages pending or failed in the organisations one
oversees (administrators and leaders), recipients masked, with a retry button."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.htmx import redirect_303
from blueprints.inbox import bp
from domain import notifications
from domain.ids import MAX_ID
from domain.permissions import org_scope_of
from extensions import db
from models import Case, Organisation
from models.enums import Role
from models.notify import OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENDING, Notification, Outbox
from models.types import utcnow

OUTBOX_ROLES = {Role.ADMIN, Role.LEADER}


def _before() -> int | None:
    raw = request.args.get("before", "")
    if raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None


@bp.app_context_processor
def _unread():
    def inbox_unread() -> int:
        if not current_user.is_authenticated:
            return 0
        return notifications.unread_count(current_user)

    return {"inbox_unread": inbox_unread}


@bp.route("/")
def inbox():
    size = current_app.config["PAGE_SIZE"]
    stmt = sa.select(Notification).where(Notification.user_id == current_user.id)
    before = _before()
    if before is not None:
        stmt = stmt.where(Notification.id < before)
    rows = list(db.session.scalars(stmt.order_by(Notification.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return render_template(
        "inbox/inbox.html",
        rows=rows,
        text_of=notifications.text_of,
        next_before=rows[-1].id if more else None,
        unread=notifications.unread_count(current_user),
    )


@bp.route("/<int:notification_id>/read", methods=["POST"])
def mark_read(notification_id: int):
    row = db.session.get(Notification, notification_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    if row.read_at is None:
        row.read_at = utcnow()
        db.session.commit()
    if request.form.get("open") and row.case is not None:
        return redirect_303(url_for("cases.detail", number=row.case.number))
    return redirect_303(url_for("inbox.inbox"))


@bp.route("/read-all", methods=["POST"])
def mark_all_read():
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect_303(url_for("inbox.inbox"))


def _outbox_scope():
    """Messages of cases handled (or registered) in the organisations the user oversees."""
    orgs = sa.select(Organisation.id).where(org_scope_of(current_user))
    cases = sa.select(Case.id).where(
        sa.or_(Case.handling_org_id.in_(orgs), Case.intake_org_id.in_(orgs))
    )
    return Outbox.case_id.in_(cases)


def _outbox_guard() -> None:
    if current_user.role not in OUTBOX_ROLES:
        abort(403)


@bp.route("/outbox")
def outbox():
    _outbox_guard()
    rows = list(
        db.session.scalars(
            sa.select(Outbox)
            .where(
                _outbox_scope(),
                Outbox.status.in_([OUTBOX_PENDING, OUTBOX_SENDING, OUTBOX_FAILED]),
            )
            .order_by(Outbox.id.desc())
            .limit(200)
        )
    )
    return render_template(
        "inbox/outbox.html", rows=rows, mask=notifications.mask, label=notifications.label
    )


@bp.route("/outbox/<int:outbox_id>/retry", methods=["POST"])
def retry(outbox_id: int):
    _outbox_guard()
    row = db.session.scalar(sa.select(Outbox).where(Outbox.id == outbox_id, _outbox_scope()))
    if row is None:
        abort(404)
    if row.status == OUTBOX_FAILED:
        notifications.retry(row)
        db.session.commit()
        flash(_("The message will be sent again."), "success")
    return redirect_303(url_for("inbox.outbox"))
