"""Screening rounds: the compliance board (per organisation in scope: periods due, filed,
overdue, with the late rounds of the level below flagged), filing a round, a round's page with
its findings, and the watch list."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from blueprints.actions import attach_error, run_action
from blueprints.htmx import redirect_303
from blueprints.prevention import bp
from blueprints.prevention.forms import (
    FoundCaseForm,
    PeriodForm,
    ResolveForm,
    RoundForm,
    WatchCaseForm,
    WatchForm,
    WatchRiskForm,
)
from domain import matters
from domain import screening_rounds as sr
from domain.calendar import local_today
from domain.errors import ValidationFailed
from domain.permissions import case_scope, org_scope_of
from extensions import db
from models import Case, Organisation, Region
from models.enums import DisputeType, RiskLevel
from models.prevention import RoundKind, ScreeningFinding, ScreeningRound, WatchItem, WatchStatus
from models.risk import RiskFlag

PAGE = 50


def _default_period(today: date) -> tuple[date, date]:
    """The current quarter up to today: every cadence has periods ending in it."""
    start, _end = sr.period_of(sr.Cadence.QUARTERLY, today)
    return start, today


@bp.route("/rounds")
def rounds():
    """The compliance board for the organisations in the viewer's scope."""
    today = local_today()
    form = PeriodForm(request.args)
    form.validate()
    start, end = _default_period(today)
    if form.start.data and not form.start.errors:
        start = form.start.data
    if form.end.data and not form.end.errors:
        end = form.end.data
    orgs = list(
        db.session.scalars(
            sa.select(Organisation)
            .join(Region, Organisation.region_id == Region.id)
            .where(org_scope_of(current_user), sr.screening_condition())
            .order_by(Region.code, Organisation.id)
        )
    )
    mine = current_user.organisation
    below_ids = {o.id for o in db.session.scalars(sr.below(mine).where(org_scope_of(current_user)))}
    try:
        rows = sr.compliance(orgs, start, end, today)
    except ValidationFailed as error:
        (form.end if error.field == "end" else form.start).errors = [str(error.message)]
        start, end = _default_period(today)
        rows = sr.compliance(orgs, start, end, today)
    rows = [r for r in rows if r.rule is not None]
    flagged = [r for r in rows if r.organisation.id in below_ids and r.overdue]
    if form.late.data:
        rows = [r for r in rows if r.overdue]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    shown = rows[(page - 1) * PAGE : page * PAGE]
    totals = {
        "due": sum(r.due for r in rows),
        "filed": sum(len(r.filed) for r in rows),
        "overdue": sum(len(r.overdue) for r in rows),
    }
    return render_template(
        "prevention/rounds.html",
        form=form,
        start=start,
        end=end,
        rows=shown,
        flagged=flagged,
        totals=totals,
        page=page,
        has_next=len(rows) > page * PAGE,
        may_file_here=sr.may_file(current_user, mine) and sr.rule_for(mine) is not None,
        recent=_recent_rounds(),
    )


def _recent_rounds() -> list[ScreeningRound]:
    """The latest rounds filed in the viewer's scope (the board's foot): the latest periods
    first, across organisations (not the order they were typed in)."""
    return list(
        db.session.scalars(
            sa.select(ScreeningRound)
            .where(
                ScreeningRound.organisation_id.in_(
                    sa.select(Organisation.id).where(org_scope_of(current_user))
                )
            )
            .options(joinedload(ScreeningRound.filed_by))
            .order_by(ScreeningRound.period_end.desc(), ScreeningRound.id.desc())
            .limit(15)
        )
    )


def _round_form(org: Organisation, today: date) -> RoundForm:
    form = RoundForm(data={"held_on": today})
    rule = sr.rule_for(org)
    form.period.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(s.start.isoformat(), f"{s.start.isoformat()} – {s.end.isoformat()}")
        for s in sr.recent_slots(rule, today)
    ]
    return form


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round():
    """File a round of the user's own organisation."""
    org = current_user.organisation
    if not sr.may_file(current_user, org) or sr.rule_for(org) is None:
        abort(403)
    today = local_today()
    form = _round_form(org, today)
    if form.validate_on_submit():
        made = {}

        def file():
            made["round"] = sr.file_round(
                org,
                current_user,
                period_start=date.fromisoformat(form.period.data),
                kind=RoundKind(form.kind.data),
                held_on=form.held_on.data,
                nil_return=form.nil_return.data,
                summary=form.summary.data,
            )

        error = run_action(file)
        if error is None:
            flash(_("Screening round filed."), "success")
            return redirect_303(url_for("prevention.round_page", round_id=made["round"].id))
        attach_error(form, error)
    return render_template("prevention/round_new.html", form=form, org=org)


def _load_round(round_id: int) -> ScreeningRound:
    round_ = db.session.scalars(
        sa.select(ScreeningRound)
        .join(Organisation, ScreeningRound.organisation_id == Organisation.id)
        .where(ScreeningRound.id == round_id, org_scope_of(current_user))
        .options(
            selectinload(ScreeningRound.findings).joinedload(ScreeningFinding.case),
            selectinload(ScreeningRound.findings).joinedload(ScreeningFinding.watch_item),
        )
    ).first()
    if round_ is None:
        abort(404)
    return round_


def _visible_cases(cases: list[Case]) -> set[int]:
    ids = [c.id for c in cases if c is not None]
    if not ids:
        return set()
    return set(
        db.session.scalars(sa.select(Case.id).where(Case.id.in_(ids), case_scope(current_user)))
    )


def _grace(round_: ScreeningRound) -> int:
    rule = sr.rule_for(round_.organisation)
    return rule.grace_days if rule else 0


def _round_context(round_: ScreeningRound, case_form=None, watch_form=None) -> dict:
    cases = [f.case for f in round_.findings] + [
        f.watch_item.case for f in round_.findings if f.watch_item is not None
    ]
    return dict(
        round=round_,
        may_add=sr.may_file(current_user, round_.organisation) and not round_.nil_return,
        case_form=case_form or FoundCaseForm(formdata=None),
        watch_form=watch_form or WatchForm(formdata=None),
        visible=_visible_cases(cases),
        record=matters.history(sr.ROUND, round_.id),
        deadline=sr.deadline_of(
            round_.period_end,
            (sr.rule_for(round_.organisation) or sr.Rule(round_.cadence, 0)).grace_days,
        ),
    )


@bp.route("/rounds/<int:round_id>")
def round_page(round_id: int):
    round_ = _load_round(round_id)
    return render_template("prevention/round.html", **_round_context(round_))


def _found_case(form) -> sr.FoundCase:
    return sr.FoundCase(
        dispute_type=DisputeType(form.dispute_type.data),
        summary=form.summary.data,
        respondent=form.respondent.data,
        applicant=form.applicant.data,
        risk_level=RiskLevel(form.risk_level.data or RiskLevel.NONE.value),
    )


@bp.route("/rounds/<int:round_id>/case", methods=["POST"])
def add_case(round_id: int):
    """A finding registered as an initiative case."""
    round_ = _load_round(round_id)
    if not sr.may_file(current_user, round_.organisation):
        abort(403)
    form = FoundCaseForm()
    if form.validate_on_submit():
        error = run_action(lambda: sr.add_case_finding(round_, current_user, _found_case(form)))
        if error is None:
            flash(_("The finding was registered as a case; the desk will screen it."), "success")
            return redirect_303(url_for("prevention.round_page", round_id=round_id))
        attach_error(form, error)
        round_ = _load_round(round_id)
    return render_template("prevention/round.html", **_round_context(round_, case_form=form)), 422


@bp.route("/rounds/<int:round_id>/watch", methods=["POST"])
def add_watch(round_id: int):
    """A finding put on the watch list."""
    round_ = _load_round(round_id)
    if not sr.may_file(current_user, round_.organisation):
        abort(403)
    form = WatchForm()
    if form.validate_on_submit():
        watched = sr.Watched(
            description=form.description.data,
            risk_level=RiskLevel(form.risk_level.data),
            place=form.place.data,
            parties=form.parties.data,
            dispute_type=DisputeType(form.dispute_type.data) if form.dispute_type.data else None,
            flags=tuple(RiskFlag(v) for v in form.flags.data or []),
        )
        error = run_action(lambda: sr.add_watch_finding(round_, current_user, watched))
        if error is None:
            flash(_("The finding was put on the watch list."), "success")
            return redirect_303(url_for("prevention.round_page", round_id=round_id))
        attach_error(form, error)
        round_ = _load_round(round_id)
    return render_template("prevention/round.html", **_round_context(round_, watch_form=form)), 422


# ---- the watch list ----------------------------------------------------------------------------


@bp.route("/watch")
def watch_list():
    """Open watch items in scope, most severe first (one page)."""
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    severity = sa.case(
        {"red": 0, "orange": 1, "yellow": 2, "blue": 3}, value=WatchItem.risk_level, else_=9
    )
    items = list(
        db.session.scalars(
            sa.select(WatchItem)
            .join(Organisation, WatchItem.organisation_id == Organisation.id)
            .where(org_scope_of(current_user), WatchItem.status == WatchStatus.OPEN)
            .order_by(severity, WatchItem.id.desc())
            .limit(PAGE + 1)
            .offset((page - 1) * PAGE)
        )
    )
    return render_template(
        "prevention/watch_list.html", items=items[:PAGE], page=page, has_next=len(items) > PAGE
    )


def _load_item(item_id: int) -> WatchItem:
    item = db.session.scalars(
        sa.select(WatchItem)
        .join(Organisation, WatchItem.organisation_id == Organisation.id)
        .where(WatchItem.id == item_id, org_scope_of(current_user))
    ).first()
    if item is None:
        abort(404)
    return item


def _item_page(item: WatchItem, status: int = 200, **forms):
    v = {"version": item.version}
    context = dict(
        item=item,
        may_work=sr.may_file(current_user, item.organisation) and item.status == WatchStatus.OPEN,
        risk_form=forms.get("risk_form")
        or WatchRiskForm(
            formdata=None,
            data={**v, "risk_level": item.risk_level.value, "flags": item.flags},
        ),
        resolve_form=forms.get("resolve_form") or ResolveForm(formdata=None, data=v),
        case_form=forms.get("case_form")
        or WatchCaseForm(
            formdata=None,
            data={
                **v,
                "summary": item.description,
                "risk_level": item.risk_level.value,
                "dispute_type": item.dispute_type.value if item.dispute_type else "",
            },
        ),
        record=matters.history(sr.WATCH, item.id),
        case_visible=bool(item.case_id and _visible_cases([item.case])),
        flags=[RiskFlag(f) for f in item.flags if f in RiskFlag._value2member_map_],
    )
    return render_template("prevention/watch_item.html", **context), status


@bp.route("/watch/<int:item_id>")
def watch_item(item_id: int):
    return _item_page(_load_item(item_id))


def _item_action(item_id: int, form_cls, key: str, fn, done: str):
    item = _load_item(item_id)
    if not sr.may_file(current_user, item.organisation):
        abort(403)
    form = form_cls()
    if form.validate_on_submit():
        error = run_action(lambda: fn(item, form))
        if error is None:
            flash(done, "success")
            return redirect_303(url_for("prevention.watch_item", item_id=item_id))
        attach_error(form, error)
        item = _load_item(item_id)
    return _item_page(item, 422, **{key: form})


@bp.route("/watch/<int:item_id>/risk", methods=["POST"])
def watch_risk(item_id: int):
    return _item_action(
        item_id,
        WatchRiskForm,
        "risk_form",
        lambda item, form: sr.set_watch_risk(
            item,
            current_user,
            version=form.version.data,
            level=RiskLevel(form.risk_level.data),
            flags=tuple(RiskFlag(v) for v in form.flags.data or []),
            reason=form.reason.data,
        ),
        _("Risk changed."),
    )


@bp.route("/watch/<int:item_id>/resolve", methods=["POST"])
def watch_resolve(item_id: int):
    return _item_action(
        item_id,
        ResolveForm,
        "resolve_form",
        lambda item, form: sr.resolve_watch(
            item, current_user, version=form.version.data, note=form.note.data
        ),
        _("Marked resolved; it is off the watch list."),
    )


@bp.route("/watch/<int:item_id>/case", methods=["POST"])
def watch_case(item_id: int):
    return _item_action(
        item_id,
        WatchCaseForm,
        "case_form",
        lambda item, form: sr.watch_to_case(
            item, current_user, version=form.version.data, found=_found_case(form)
        ),
        _("Registered as a case; the desk will screen it."),
    )
