"""After mediation ended: each party's own answer and their reports to the mediator.

- The answer: "is the dispute resolved?" (resolved / partly / not) and how satisfied the
  party is (Satisfaction), with an optional comment. Asked on the party's own page (the
  applicant's /status, the respondent's /respond/case) once the case closed after mediation
  took place (the closure reasons that count into 调解数, domain.statistics.MEDIATED_REASONS).
  One answer per party: a second is refused (the first is what the statistics counted on its
  day; a party who changes their mind says so in a report or at the follow-up visit).
- A report: the other side does not perform the agreement (after an agreement only), or the
  party contests the closing, with a reason. It is a task for whoever works the case's
  aftercare (Work.FOLLOW_UP: the presiding mediator, the director): a banner on the case
  page, a list on the workbench, handled with a note. One open report of each kind per party.

Every step goes on the case timeline (the party's id in the event's data), internal: the
notifications derive their messages from these events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import Work, case_scope, may
from domain.states import Action
from domain.statistics import MEDIATED_REASONS, SUCCESS_REASONS
from domain.timeline import record
from domain.versioning import check_version
from extensions import db
from models import Case, Party, PartyFeedback, PartyReport, User
from models.aftercase import ReportKind, Resolved
from models.enums import Satisfaction
from models.states import CaseState

COMMENT_MAX = 500
REASON_MAX = 1000
NOTE_MAX = 1000


def asks_feedback(case: Case) -> bool:
    """Mediation took place and ended: the parties are asked for their answer."""
    return (
        case.state != CaseState.MERGED
        and case.closed_at is not None
        and case.closure_reason in MEDIATED_REASONS
    )


def report_kinds(case: Case) -> list[ReportKind]:
    """What a party may report on this case: non-performance after an agreement, a contest
    of any closing after mediation."""
    if not asks_feedback(case):
        return []
    kinds = []
    if case.closure_reason in SUCCESS_REASONS:
        kinds.append(ReportKind.NON_PERFORMANCE)
    kinds.append(ReportKind.CONTEST)
    return kinds


def _own_party(case: Case, party: Party) -> None:
    if party is None or party.case_id != case.id:
        raise NotPermitted()


def feedback_of(party: Party) -> PartyFeedback | None:
    return db.session.scalar(sa.select(PartyFeedback).where(PartyFeedback.party_id == party.id))


def feedback_of_case(case: Case) -> list[PartyFeedback]:
    return list(
        db.session.scalars(
            sa.select(PartyFeedback)
            .where(PartyFeedback.case_id == case.id)
            .order_by(PartyFeedback.id)
        )
    )


@dataclass
class FeedbackData:
    resolved: Resolved
    satisfaction: Satisfaction
    comment: str | None = None


def give_feedback(case: Case, party: Party, data: FeedbackData) -> PartyFeedback:
    """The party's one answer (a second is refused, also when two arrive at once)."""
    _own_party(case, party)
    if not asks_feedback(case):
        raise ValidationFailed(_l("The question is asked once mediation has ended."))
    if feedback_of(party) is not None:
        raise ValidationFailed(_l("You have already answered. Thank you."))
    comment = (data.comment or "").strip() or None
    if comment and len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            _l("Keep the comment under %(max)d characters.", max=COMMENT_MAX), "comment"
        )
    row = PartyFeedback(
        case_id=case.id,
        party_id=party.id,
        resolved=data.resolved,
        satisfaction=data.satisfaction,
        comment=comment,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # the same party's answer sent twice at the same moment
        raise ValidationFailed(_l("You have already answered. Thank you.")) from None
    record(
        case,
        Action.PARTY_FEEDBACK,
        None,
        note=comment,
        data={
            "party_id": party.id,
            "party": party.name,
            "resolved": data.resolved.value,
            "satisfaction": data.satisfaction.value,
            "via": "party_online",
        },
    )
    return row


def open_report(party: Party, kind: ReportKind) -> PartyReport | None:
    return db.session.scalar(
        sa.select(PartyReport).where(
            PartyReport.party_id == party.id,
            PartyReport.kind == kind,
            PartyReport.handled_at.is_(None),
        )
    )


def send_report(case: Case, party: Party, kind: ReportKind, reason: str) -> PartyReport:
    """A party's report to the mediator: a task until handled."""
    _own_party(case, party)
    if kind not in report_kinds(case):
        raise ValidationFailed(_l("This cannot be reported on this case."), "kind")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Say what happened."), "reason")
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _l("Keep the reason under %(max)d characters.", max=REASON_MAX), "reason"
        )
    if open_report(party, kind) is not None:
        raise ValidationFailed(
            _l("Your earlier report is still with the mediator: they will contact you."), "kind"
        )
    row = PartyReport(case_id=case.id, party_id=party.id, kind=kind, reason=reason)
    db.session.add(row)
    db.session.flush()
    record(
        case,
        Action.PARTY_REPORT,
        None,
        note=reason,
        data={
            "party_id": party.id,
            "party": party.name,
            "kind": kind.value,
            "report_id": row.id,
            "via": "party_online",
        },
    )
    return row


def reports_of_case(case: Case, *, open_only: bool = False) -> list[PartyReport]:
    stmt = sa.select(PartyReport).where(PartyReport.case_id == case.id)
    if open_only:
        stmt = stmt.where(PartyReport.handled_at.is_(None))
    return list(db.session.scalars(stmt.order_by(PartyReport.id)))


def reports_of_party(party: Party) -> list[PartyReport]:
    return list(
        db.session.scalars(
            sa.select(PartyReport).where(PartyReport.party_id == party.id).order_by(PartyReport.id)
        )
    )


def may_handle(user: User, case: Case) -> bool:
    return may(user, Work.FOLLOW_UP, case)


def handle_report(
    report: PartyReport, user: User, note: str, *, version: int | None = None
) -> PartyReport:
    """The mediator handled the report (called the party, visited, sent the case on…)."""
    case = report.case
    if not may_handle(user, case):
        raise NotPermitted()
    check_version(report, version)
    if report.handled_at is not None:
        raise ValidationFailed(_l("This report was already handled."))
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_l("Say how the report was handled."), "note")
    if len(note) > NOTE_MAX:
        raise ValidationFailed(_l("Keep the note under %(max)d characters.", max=NOTE_MAX), "note")
    report.handled_at = datetime.now(UTC)
    report.handled_by = user
    report.handled_note = note
    record(
        case,
        Action.HANDLE_PARTY_REPORT,
        user,
        note=note,
        data={"party_id": report.party_id, "kind": report.kind.value, "report_id": report.id},
    )
    return report


def open_reports(user: User, limit: int = 100) -> list[PartyReport]:
    """The reports waiting in `user`'s scope, oldest first (the workbench's list)."""
    return list(
        db.session.scalars(
            sa.select(PartyReport)
            .join(Case, PartyReport.case_id == Case.id)
            .where(PartyReport.handled_at.is_(None), case_scope(user))
            .options(joinedload(PartyReport.case), joinedload(PartyReport.party))
            .order_by(PartyReport.id)
            .limit(limit)
        )
    )


def get_report_for(user: User, report_id: int) -> PartyReport | None:
    return db.session.scalar(
        sa.select(PartyReport)
        .join(Case, PartyReport.case_id == Case.id)
        .where(PartyReport.id == report_id, case_scope(user))
    )
