"""The director's review of the typical-case library (典型案例库): the entries proposed by the
organisation's mediators, each with its anonymised text to correct, then publish or return
with a reason; a published entry can be withdrawn. Rules in domain/library.py.

Directors only (a mediator proposes from the case page); an entry of another organisation is
a 404, as every scoped load is."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from blueprints.cases.library import LibraryTextMixin
from blueprints.forms import TrimmedForm
from blueprints.leadership.views import found, run
from blueprints.library import bp
from domain import library, matters
from extensions import db
from models import LibraryEntry, LibraryStatus
from models.enums import Role

_INCOMPLETE = _l("The form is incomplete. Reload the page and try again.")


class VersionedForm(TrimmedForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(_INCOMPLETE)])


class ReviewForm(LibraryTextMixin, VersionedForm):
    pass


class ReturnForm(VersionedForm):
    reason = TextAreaField(
        _l("Why it is returned"),
        validators=[
            InputRequired(_l("Say why it is returned.")),
            Length(max=library.REASON_MAX),
        ],
        render_kw={"rows": 3},
    )


@bp.before_request
def _directors_only():
    if current_user.role != Role.DIRECTOR:
        abort(403)


@bp.context_processor
def _labels():
    return {"record_label": lambda action: library.RECORD_LABELS.get(action, action)}


@bp.route("/")
def queue():
    """The organisation's entries: waiting for review first, then the rest, newest first."""
    user = current_user._get_current_object()
    status = request.args.get("status", LibraryStatus.PROPOSED.value)
    if status not in {s.value for s in LibraryStatus}:
        status = LibraryStatus.PROPOSED.value
    rows = list(
        db.session.scalars(
            library.queue_query(user)
            .where(LibraryEntry.status == status)
            .order_by(LibraryEntry.proposed_at.desc(), LibraryEntry.id.desc())
            .limit(200)
        )
    )
    counts = _counts(user)
    return render_template(
        "library/queue.html", rows=rows, status=status, statuses=list(LibraryStatus), counts=counts
    )


def _counts(user) -> dict[str, int]:
    q = library.queue_query(user).with_only_columns(LibraryEntry.status, sa.func.count())
    return {str(s): n for s, n in db.session.execute(q.group_by(LibraryEntry.status))}


def _load(entry_id: int) -> LibraryEntry:
    return found(library.entry_for(current_user._get_current_object(), entry_id))


def _page(entry: LibraryEntry, *, review=None, give_back=None, status: int = 200):
    if entry.status == LibraryStatus.PROPOSED:
        if review is None:
            review = ReviewForm(formdata=None, obj=entry)
        if give_back is None:
            give_back = ReturnForm(formdata=None, version=entry.version)
    else:
        review = give_back = None
    return render_template(
        "library/review.html",
        e=entry,
        review=review,
        give_back=give_back,
        parts=library.PARTS,
        history=matters.history(library.KIND, entry.id),
    ), status


@bp.route("/<int:entry_id>")
def review(entry_id: int):
    return _page(_load(entry_id))


@bp.route("/<int:entry_id>/text", methods=["POST"])
def save_text(entry_id: int):
    """Save the corrected text, or save it and publish (the button pressed)."""
    entry, user = _load(entry_id), current_user._get_current_object()
    form = ReviewForm()
    publishing = request.form.get("decision") == "publish"
    if publishing:
        call, done = library.publish, _("Published in the case library.")
    else:
        call, done = library.save, _("Text saved.")
    answer = run(
        form,
        lambda: call(entry, user, form.text(), version=form.version.data),
        done,
        lambda: url_for("library.review", entry_id=entry.id),
    )
    return answer or _page(_load(entry_id), review=form, status=422)


@bp.route("/<int:entry_id>/return", methods=["POST"])
def give_back(entry_id: int):
    entry, user = _load(entry_id), current_user._get_current_object()
    form = ReturnForm()
    answer = run(
        form,
        lambda: library.return_entry(entry, user, form.reason.data, version=form.version.data),
        _("Returned to the mediator."),
        lambda: url_for("library.review", entry_id=entry.id),
    )
    return answer or _page(_load(entry_id), give_back=form, status=422)


@bp.route("/<int:entry_id>/withdraw", methods=["POST"])
def withdraw(entry_id: int):
    entry, user = _load(entry_id), current_user._get_current_object()
    form = VersionedForm()
    answer = run(
        form,
        lambda: library.withdraw(entry, user, version=form.version.data),
        _("Withdrawn from the case library."),
        lambda: url_for("library.review", entry_id=entry.id),
    )
    if answer is None:
        for message in [*form.form_errors, *(m for ms in form.errors.values() for m in ms)]:
            flash(message, "error")
        return _page(_load(entry_id), status=422)
    return answer
