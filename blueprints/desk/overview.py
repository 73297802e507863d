"""The desk overview: what came in today, what waits and for how long, referrals
whose return leg is still owed, and transfers sent to the desk's area to acknowledge.

Every figure is read within `case_scope(current_user)` and the page sends the same number of
statements whatever the size of the tables (bench/pages.py measures it at 1k and 100k cases).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased, contains_eager, selectinload

from blueprints.desk import bp
from domain import transfers
from domain.clocks import CHINA, local_today
from domain.permissions import case_scope
from domain.referrals import feedback_urgency
from extensions import db
from models import Case, Organisation
from models.docking import Referral, Transfer
from models.enums import Channel
from models.states import CaseState

LATEST = 10  # today's registrations listed
REFERRALS_PER_PAGE = 10
MAX_PAGE = 10_000  # a page number in the URL is clamped to 1..MAX_PAGE (no huge OFFSET)
TRANSFERS_SHOWN = 5
# Age buckets of the waiting cases: (key, lower bound in days, upper bound in days or None).
BUCKETS = (("under_1", 0, 1), ("1_3", 1, 3), ("3_7", 3, 7), ("over_7", 7, None))
WAITING = (CaseState.REGISTERED, CaseState.ACCEPTED)


@dataclass
class Waiting:
    state: CaseState
    tab: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def today_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the current day in China."""
    start = datetime.combine(local_today(now), time(0), tzinfo=CHINA).astimezone(UTC)
    return start, start + timedelta(days=1)


def registered_today(scope, now: datetime) -> tuple[dict[Channel, int], list[Case]]:
    """Today's registrations in scope: counts by channel (one GROUP BY) and the latest ones."""
    start, end = today_bounds(now)
    today = sa.and_(Case.created_at >= start, Case.created_at < end)
    counts = {
        Channel(c): n
        for c, n in db.session.execute(
            sa.select(Case.channel, sa.func.count(Case.id))
            .where(today, scope)
            .group_by(Case.channel)
        ).all()
    }
    latest = list(
        db.session.scalars(
            sa.select(Case)
            .where(today, scope)
            .order_by(Case.created_at.desc(), Case.id.desc())
            .limit(LATEST)
            .options(selectinload(Case.parties))
        )
    )
    return counts, latest


def waiting_by_age(scope, now: datetime) -> list[Waiting]:
    """Cases to screen and to dispatch, counted by how long ago they were registered (the
    age the intake queue shows), in one statement over the (state, created_at) index."""
    columns = []
    for key, low, high in BUCKETS:
        cond = Case.created_at <= now - timedelta(days=low)
        if high is not None:
            cond = sa.and_(cond, Case.created_at > now - timedelta(days=high))
        columns.append(sa.func.count(sa.case((cond, 1))).label(key))
    rows = {
        row.state: row
        for row in db.session.execute(
            sa.select(Case.state, *columns)
            .where(Case.state.in_(WAITING), scope)
            .group_by(Case.state)
        ).all()
    }
    out = []
    for state, tab in zip(WAITING, ("registered", "accepted"), strict=True):
        row = rows.get(state)
        out.append(Waiting(state, tab, {k: (getattr(row, k) if row else 0) for k, *_ in BUCKETS}))
    return out


_ENDED = {
    CaseState.AGREED,
    CaseState.FAILED,
    CaseState.REFUSED,
    CaseState.TERMINATED,
    CaseState.NOT_ACCEPTED,
}


def referrals_awaiting(scope, page: int) -> tuple[list[tuple[Referral, str]], int]:
    """Referrals in scope whose feedback is not yet given, soonest due first (no due date
    last): one page of (referral, case number) and the total. A police referral answered with
    a progress report comes back once mediation has ended: the final result is still owed."""
    # No final result yet (read through ix_referral_feedback_result_due_at), and either no
    # feedback at all or only a progress report on a case that has now ended.
    awaiting = sa.and_(
        Referral.feedback_result.is_(None),
        sa.or_(Referral.feedback_at.is_(None), Case.state.in_(sorted(_ENDED))),
        scope,
    )
    rows = db.session.execute(
        sa.select(Referral, Case.number)
        .join(Case, Case.id == Referral.case_id)
        # The badge asks whether the case is suspended (a court's report waits with it).
        .options(contains_eager(Referral.case))
        .where(awaiting)
        .order_by(Referral.feedback_due_at.asc().nulls_last(), Referral.id)
        .limit(REFERRALS_PER_PAGE)
        .offset((page - 1) * REFERRALS_PER_PAGE)
    ).all()
    total = db.session.scalar(
        sa.select(sa.func.count(Referral.id))
        .join(Case, Case.id == Referral.case_id)
        .where(awaiting)
    )
    return [(r, n) for r, n in rows], total or 0


def transfers_to_acknowledge(user) -> tuple[list, int]:
    """Pending transfers the desk may acknowledge (domain.transfers.awaiting_answer_from):
    the first few (oldest first) with the case number and both organisations' names, and
    the total. The organisations of the region come first (a handful), then each one's
    pending transfers through the (to_org_id, status) index; only those are sorted."""
    sender, receiver = aliased(Organisation), aliased(Organisation)
    pending = transfers.awaiting_answer_from(user)
    rows = db.session.execute(
        sa.select(
            Transfer, Case.number, sender.name.label("from_name"), receiver.name.label("to_name")
        )
        .join(receiver, receiver.id == Transfer.to_org_id)
        .join(Case, Case.id == Transfer.case_id)
        .outerjoin(sender, sender.id == Transfer.from_org_id)
        .where(pending)
        .order_by(Transfer.sent_at, Transfer.id)
        .limit(TRANSFERS_SHOWN)
    ).all()
    total = db.session.scalar(sa.select(sa.func.count(Transfer.id)).where(pending))
    return rows, total or 0


@bp.route("/overview")
def overview():
    """The desk's start page: today's intake, the waiting queues by age, referrals awaiting
    feedback and transfers to acknowledge (clerk, leader)."""
    now = datetime.now(UTC)
    scope = case_scope(current_user)
    try:
        page = min(max(1, int(request.args.get("referrals", 1))), MAX_PAGE)
    except ValueError:
        page = 1
    by_channel, latest = registered_today(scope, now)
    referrals, referral_total = referrals_awaiting(scope, page)
    incoming, transfer_total = transfers_to_acknowledge(current_user)
    return render_template(
        "desk/overview.html",
        now=now,
        today=local_today(now),
        channels=[c for c in Channel if c != Channel.SCREENING or by_channel.get(c)],
        by_channel=by_channel,
        today_total=sum(by_channel.values()),
        latest=latest,
        waiting=waiting_by_age(scope, now),
        buckets=BUCKETS,
        referrals=referrals,
        referral_total=referral_total,
        referral_page=page,
        referral_pages=max(1, -(-referral_total // REFERRALS_PER_PAGE)),
        referral_urgency=lambda r: feedback_urgency(r, now),
        transfers=incoming,
        transfer_total=transfer_total,
        # The full list, where transfers are acknowledged (blueprints/desk/transfers.py).
        transfers_url=url_for("desk.transfers")
        if "desk.transfers" in current_app.view_functions
        else None,
        due_soon_days=current_app.config["DUE_SOON_DAYS"],
    )
