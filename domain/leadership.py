"""Leadership work (DOMAIN.md §5.4): leader responsibility for a major case (领导包案), supervision
orders (督办单), meetings and their decisions, and leader reception days (领导接访日). The rules
and the only writers of models/leadership.py; the pages are blueprints/leadership/.

Scope: a 包案 belongs to its case, so it is seen by whoever sees the case (case_scope), and by
its responsible leader and team. Supervision orders, meetings and reception schedules belong
to organisations and follow org_scope_of; an order is also seen by its issuing organisation's
staff, a meeting by its participants and the owners of its decisions.

Deadlines are dates on China's calendar: typed as a date, or as a number of working days from
today (holidays and make-up workdays counted, domain.calendar). A matter is overdue the day
after its deadline while it is still open.

Every change is one domain.matters.record entry in the same transaction and, where it concerns
a case, one entry on that case's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified

from domain import matters, timeline
from domain.calendar import add_days, local_today
from domain.errors import DomainError, NotPermitted, ValidationFailed
from domain.permissions import case_scope, get_case_for, org_scope_of
from domain.states import Action
from extensions import db
from models import Case, Organisation, User
from models.enums import OrgKind, RegionLevel, RiskLevel, Role
from models.leadership import (
    Bao,
    BookingStatus,
    LeadAssignment,
    Meeting,
    MeetingDecision,
    MeetingKind,
    ReceptionBooking,
    ReceptionSlot,
    ReportOutcome,
    SupervisionOrder,
    SupervisionReport,
    SupervisionStatus,
    lead_team,
    meeting_participant,
)

TEXT_MAX = 4000
TITLE_MAX = 200
NOTE_MAX = 2000
MAX_CASES = 30  # cases one order or meeting may name
MAX_TEAM = 20

# The matter kinds on the matter record (models.matter.MatterEvent.matter_kind).
LEAD = "lead_assignment"
SUPERVISION = "supervision_order"
MEETING = "meeting"
RECEPTION = "reception_slot"


# What each entry of a leadership matter's record says (domain.matters: MatterEvent.action).
RECORD_LABELS = {
    "assign": _l("Responsible leader assigned"),
    "update": _l("Changed"),
    "bao_demand": _l("Demand solved"),
    "bao_education": _l("Education and guidance done"),
    "bao_control": _l("Control kept"),
    "close": _l("Closed"),
    "issue": _l("Order issued"),
    "report": _l("Report submitted"),
    "accept": _l("Report accepted, order closed"),
    "return": _l("Report returned for more"),
    "record": _l("Meeting recorded"),
    "decision": _l("Decision added"),
    "decision_done": _l("Decision carried out"),
    "publish": _l("Reception published"),
    "book": _l("Visitor booked"),
    "registered": _l("Visit registered as a new case"),
    "attached": _l("Visit attached to a case"),
}


class StaleMatter(DomainError):
    """Someone else changed the matter after this user loaded it."""

    message = _l(
        "Someone else changed this while you were working on it. "
        "The page now shows the current state; please check it and try again."
    )


def check_version(row, version: int | None) -> None:
    if version is not None and version != row.version:
        raise StaleMatter()


def _now() -> datetime:
    return datetime.now(UTC)


def deadline(on: date | None, working_days: int | None, *, field: str = "due_on") -> date:
    """The deadline typed as a date, or as working days from today (holidays counted)."""
    if on is None and working_days is None:
        raise ValidationFailed(_l("Give a deadline: a date or a number of working days."), field)
    if on is None:
        if not 1 <= working_days <= 365:
            raise ValidationFailed(_l("Give between 1 and 365 working days."), "working_days")
        return add_days(local_today(), working_days, True)
    if on < local_today():
        raise ValidationFailed(_l("The deadline cannot be in the past."), field)
    return on


def is_overdue(due_on: date, still_open: bool, today: date | None = None) -> bool:
    return still_open and (today or local_today()) > due_on


def _in_scope(user: User, org_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Organisation.id).where(Organisation.id == org_id, org_scope_of(user))
        )
        is not None
    )


def staff_in_scope(user: User, roles: set[Role] | None = None) -> list[User]:
    """The active staff of the organisations `user` oversees (team members, participants,
    decision owners), by organisation then name."""
    stmt = (
        sa.select(User)
        .join(Organisation, User.organisation_id == Organisation.id)
        .where(User.active.is_(True), org_scope_of(user), User.role != Role.ADMIN)
        .order_by(Organisation.name, User.name)
        .limit(500)
    )
    if roles:
        stmt = stmt.where(User.role.in_(list(roles)))
    return list(db.session.scalars(stmt))


def _staff(user: User, ids: list[int], roles: set[Role] | None = None, *, field: str):
    ids = list(dict.fromkeys(i for i in ids if i is not None))
    if not ids:
        return []
    allowed = {u.id: u for u in staff_in_scope(user, roles)}
    if any(i not in allowed for i in ids):
        raise ValidationFailed(_l("Choose people from the list."), field)
    return [allowed[i] for i in ids]


def cases_by_number(user: User, numbers: list[str], *, field: str = "cases") -> list[Case]:
    """The cases named by number, each one the user may see (else refused beside the field)."""
    numbers = list(dict.fromkeys(n for n in numbers if n))
    if len(numbers) > MAX_CASES:
        raise ValidationFailed(_l("Name at most %(num)d cases.", num=MAX_CASES), field)
    out = []
    for number in numbers:
        case = get_case_for(user, number)
        if case is None:
            raise ValidationFailed(
                _l("No case %(number)s in your area.", number=number[:40]), field
            )
        out.append(case)
    return out


# ---- 包案 ------------------------------------------------------------------------------------

BAO_ACTIONS = {
    Bao.DEMAND: Action.LEAD_DEMAND_DONE,
    Bao.EDUCATION: Action.LEAD_EDUCATION_DONE,
    Bao.CONTROL: Action.LEAD_CONTROL_DONE,
}


def suggested(case: Case) -> bool:
    """Whether the case looks major: red or orange risk, or any risk flag (models/risk.py)."""
    return case.risk_level in (RiskLevel.RED, RiskLevel.ORANGE) or bool(case.risk_flag_rows)


def may_assign(user: User, case: Case) -> bool:
    return user.role == Role.LEADER and open_assignment(case) is None


def open_assignment(case: Case) -> LeadAssignment | None:
    return db.session.scalars(
        sa.select(LeadAssignment).where(
            LeadAssignment.case_id == case.id, LeadAssignment.closed_at.is_(None)
        )
    ).first()


def assignments_of(case: Case) -> list[LeadAssignment]:
    return list(
        db.session.scalars(
            sa.select(LeadAssignment)
            .where(LeadAssignment.case_id == case.id)
            .order_by(LeadAssignment.id.desc())
        )
    )


def assignment_scope(user: User) -> sa.ColumnElement[bool]:
    """The 包案 `user` may see: those of the cases they see, and those they lead or work in."""
    return sa.or_(
        LeadAssignment.case_id.in_(sa.select(Case.id).where(case_scope(user))),
        LeadAssignment.leader_id == user.id,
        LeadAssignment.id.in_(
            sa.select(lead_team.c.assignment_id).where(lead_team.c.user_id == user.id)
        ),
    )


def get_assignment_for(user: User, assignment_id: int) -> LeadAssignment | None:
    return db.session.scalars(
        sa.select(LeadAssignment).where(LeadAssignment.id == assignment_id, assignment_scope(user))
    ).first()


def may_work_assignment(user: User, a: LeadAssignment) -> bool:
    """Tick the three 包 and close: the responsible leader, the team, a leader of the area."""
    if not a.is_open:
        return False
    if user.id == a.leader_id or any(m.id == user.id for m in a.team):
        return True
    return user.role == Role.LEADER and get_case_for(user, a.case.number) is not None


def may_edit_assignment(user: User, a: LeadAssignment) -> bool:
    """Change the leader, team, plan and deadline: the responsible leader or a leader of the
    case's area."""
    if not a.is_open or user.role != Role.LEADER:
        return False
    return user.id == a.leader_id or get_case_for(user, a.case.number) is not None


@dataclass
class LeadData:
    leader_id: int | None
    team_ids: list[int]
    plan: str
    due_on: date | None
    working_days: int | None = None


def _lead_people(user: User, data: LeadData) -> tuple[User, list[User]]:
    if data.leader_id is None:
        raise ValidationFailed(_l("Choose the responsible leader."), "leader")
    leader = _staff(user, [data.leader_id], {Role.LEADER}, field="leader")[0]
    if len(data.team_ids) > MAX_TEAM:
        raise ValidationFailed(_l("At most %(num)d team members.", num=MAX_TEAM), "team")
    team = _staff(user, data.team_ids, field="team")
    if not team:
        raise ValidationFailed(_l("Choose at least one member of the team."), "team")
    if not data.plan:
        raise ValidationFailed(_l("Write the plan."), "plan")
    return leader, team


def assign_leader(case: Case, user: User, data: LeadData) -> LeadAssignment:
    """一个问题、一名领导、一个班子、一套方案: the case gets a responsible leader, a team, a plan
    and a deadline (a leader of the case's area; one open assignment per case)."""
    if user.role != Role.LEADER or get_case_for(user, case.number) is None:
        raise NotPermitted()
    if open_assignment(case) is not None:
        raise ValidationFailed(_l("This case already has a responsible leader."))
    leader, team = _lead_people(user, data)
    due = deadline(data.due_on, data.working_days)
    a = LeadAssignment(
        case=case,
        org_id=case.handling_org_id or case.intake_org_id or user.organisation_id,
        leader=leader,
        assigned_by=user,
        plan=data.plan,
        due_on=due,
        team=team,
    )
    db.session.add(a)
    db.session.flush()
    names = "、".join(m.name for m in team)
    info = {"assignment": a.id, "leader": leader.name, "team": names, "due_on": due.isoformat()}
    matters.record(LEAD, a.id, "assign", user, org=a.org_id, note=data.plan, data=info)
    timeline.record(case, Action.LEAD_ASSIGN, user, note=data.plan, data=info)
    return a


def update_assignment(a: LeadAssignment, user: User, data: LeadData, *, version: int | None):
    if not may_edit_assignment(user, a):
        raise NotPermitted()
    check_version(a, version)
    leader, team = _lead_people(user, data)
    due = a.due_on if data.due_on == a.due_on else deadline(data.due_on, data.working_days)
    a.leader, a.team, a.plan, a.due_on = leader, team, data.plan, due
    info = {
        "assignment": a.id,
        "leader": leader.name,
        "team": "、".join(m.name for m in team),
        "due_on": due.isoformat(),
    }
    matters.record(LEAD, a.id, "update", user, org=a.org_id, note=data.plan, data=info)
    timeline.record(a.case, Action.LEAD_UPDATE, user, note=data.plan, data=info)


def tick_bao(a: LeadAssignment, user: User, bao: Bao, note: str, *, version: int | None):
    """One of the three 包 done, with what was done."""
    if not may_work_assignment(user, a):
        raise NotPermitted()
    check_version(a, version)
    if a.done_at(bao) is not None:
        raise ValidationFailed(_l("This duty is already marked done."))
    if not note:
        raise ValidationFailed(_l("Say what was done."), "note")
    setattr(a, f"{bao.value}_done_at", _now())
    setattr(a, f"{bao.value}_note", note)
    info = {"assignment": a.id, "bao": bao.value}
    matters.record(LEAD, a.id, f"bao_{bao.value}", user, org=a.org_id, note=note, data=info)
    timeline.record(a.case, BAO_ACTIONS[bao], user, note=note, data=info)


def close_assignment(a: LeadAssignment, user: User, note: str, *, version: int | None):
    """一包到底: closed only when the demand is solved, the education done and control kept."""
    if not may_work_assignment(user, a):
        raise NotPermitted()
    check_version(a, version)
    missing = [b for b in Bao if a.done_at(b) is None]
    if missing:
        raise ValidationFailed(
            _l(
                "Not all three duties are done yet: %(missing)s.",
                missing="; ".join(str(b.label) for b in missing),
            )
        )
    a.closed_at = _now()
    a.closing_note = note or None
    matters.record(LEAD, a.id, "close", user, org=a.org_id, note=note or None)
    timeline.record(a.case, Action.LEAD_CLOSE, user, note=note or None, data={"assignment": a.id})


# ---- 督办单 ----------------------------------------------------------------------------------


def may_issue(user: User) -> bool:
    """A county or city body's leader or administrator issues supervision orders."""
    return user.role in (Role.LEADER, Role.ADMIN) and user.organisation.region.level in (
        RegionLevel.CITY,
        RegionLevel.COUNTY,
    )


def order_scope(user: User) -> sa.ColumnElement[bool]:
    """Orders addressed to an organisation the user oversees, or issued by their own."""
    return sa.or_(
        SupervisionOrder.to_org_id.in_(sa.select(Organisation.id).where(org_scope_of(user))),
        SupervisionOrder.issuer_org_id == user.organisation_id,
    )


def get_order_for(user: User, order_id: int) -> SupervisionOrder | None:
    return db.session.scalars(
        sa.select(SupervisionOrder).where(SupervisionOrder.id == order_id, order_scope(user))
    ).first()


def order_open(order: SupervisionOrder) -> bool:
    return order.status != SupervisionStatus.CLOSED


def order_overdue(order: SupervisionOrder, today: date | None = None) -> bool:
    """Past its deadline with no report waiting for a decision (issued, or returned)."""
    return order.status in (
        SupervisionStatus.ISSUED,
        SupervisionStatus.RETURNED,
    ) and is_overdue(order.due_on, True, today)


def overdue_orders_condition(today: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        SupervisionOrder.status.in_([SupervisionStatus.ISSUED, SupervisionStatus.RETURNED]),
        SupervisionOrder.due_on < today,
    )


def may_report(user: User, order: SupervisionOrder) -> bool:
    """The addressed organisation's staff report (not while a report waits for a decision)."""
    return user.organisation_id == order.to_org_id and order.status in (
        SupervisionStatus.ISSUED,
        SupervisionStatus.RETURNED,
    )


def may_review(user: User, order: SupervisionOrder) -> bool:
    return (
        order.status == SupervisionStatus.REPORTED
        and user.role in (Role.LEADER, Role.ADMIN)
        and user.organisation_id == order.issuer_org_id
    )


@dataclass
class OrderData:
    to_org_id: int | None
    title: str
    matter: str
    required_report: str
    due_on: date | None
    working_days: int | None = None
    case_numbers: list[str] | None = None


def issue_order(user: User, data: OrderData) -> SupervisionOrder:
    if not may_issue(user):
        raise NotPermitted()
    if data.to_org_id is None or not _in_scope(user, data.to_org_id):
        raise ValidationFailed(_l("Choose an organisation of your area."), "to_org")
    if data.to_org_id == user.organisation_id:
        raise ValidationFailed(_l("An order goes to another organisation."), "to_org")
    cases = cases_by_number(user, data.case_numbers or [])
    due = deadline(data.due_on, data.working_days)
    order = SupervisionOrder(
        title=data.title,
        matter=data.matter,
        required_report=data.required_report,
        issuer_org_id=user.organisation_id,
        issued_by=user,
        to_org_id=data.to_org_id,
        due_on=due,
        cases=cases,
    )
    db.session.add(order)
    db.session.flush()
    info = {"order": order.id, "due_on": due.isoformat(), "cases": [c.number for c in cases]}
    matters.record(
        SUPERVISION, order.id, "issue", user, org=order.to_org_id, note=data.title, data=info
    )
    for case in cases:
        timeline.record(
            case,
            Action.SUPERVISION,
            user,
            note=data.title,
            data={"order": order.id},
        )
    return order


def submit_report(order: SupervisionOrder, user: User, text: str, *, version: int | None):
    if not may_report(user, order):
        raise NotPermitted()
    check_version(order, version)
    if not text:
        raise ValidationFailed(_l("Write the report."), "text")
    report = SupervisionReport(order=order, author=user, text=text)
    db.session.add(report)
    order.status = SupervisionStatus.REPORTED
    matters.record(SUPERVISION, order.id, "report", user, org=order.to_org_id, note=text)
    return report


def review_report(
    order: SupervisionOrder,
    user: User,
    *,
    accept: bool,
    note: str,
    version: int | None,
):
    """Accept the report (the order is closed with the decision) or return it for more."""
    if not may_review(user, order):
        raise NotPermitted()
    check_version(order, version)
    if not note:
        raise ValidationFailed(
            _l("Write the decision.") if accept else _l("Say what more is needed."), "note"
        )
    report = order.reports[-1]
    report.outcome = ReportOutcome.ACCEPTED if accept else ReportOutcome.RETURNED
    report.review_note, report.reviewed_by, report.reviewed_at = note, user, _now()
    if accept:
        order.status, order.decision, order.closed_at = SupervisionStatus.CLOSED, note, _now()
    else:
        order.status = SupervisionStatus.RETURNED
    action = "accept" if accept else "return"
    matters.record(SUPERVISION, order.id, action, user, org=order.to_org_id, note=note)
    if accept:
        for case in order.cases:
            timeline.record(
                case,
                Action.SUPERVISION_CLOSED,
                user,
                note=f"{order.title}: {note}",
                data={"order": order.id},
            )


# ---- meetings ------------------------------------------------------------------------------


def may_record_meeting(user: User) -> bool:
    return user.role in (Role.LEADER, Role.DIRECTOR, Role.CLERK)


def meeting_scope(user: User) -> sa.ColumnElement[bool]:
    return sa.or_(
        Meeting.org_id.in_(sa.select(Organisation.id).where(org_scope_of(user))),
        Meeting.id.in_(
            sa.select(meeting_participant.c.meeting_id).where(
                meeting_participant.c.user_id == user.id
            )
        ),
        Meeting.id.in_(
            sa.select(MeetingDecision.meeting_id).where(MeetingDecision.owner_id == user.id)
        ),
    )


def get_meeting_for(user: User, meeting_id: int) -> Meeting | None:
    return db.session.scalars(
        sa.select(Meeting).where(Meeting.id == meeting_id, meeting_scope(user))
    ).first()


def may_edit_meeting(user: User, meeting: Meeting) -> bool:
    return may_record_meeting(user) and _in_scope(user, meeting.org_id)


@dataclass
class MeetingData:
    kind: MeetingKind
    title: str
    held_at: datetime
    place: str
    participant_ids: list[int]
    outside: str | None
    minutes: str | None
    case_numbers: list[str]


def record_meeting(user: User, data: MeetingData) -> Meeting:
    if not may_record_meeting(user):
        raise NotPermitted()
    participants = _staff(user, data.participant_ids, field="participants")
    if not participants and not data.outside:
        raise ValidationFailed(_l("Name who took part."), "participants")
    cases = cases_by_number(user, data.case_numbers)
    meeting = Meeting(
        org_id=user.organisation_id,
        kind=data.kind,
        title=data.title,
        held_at=data.held_at,
        place=data.place,
        outside=data.outside or None,
        minutes=data.minutes or None,
        recorded_by=user,
        participants=participants,
        cases=cases,
    )
    db.session.add(meeting)
    db.session.flush()
    info = {"kind": data.kind.value, "cases": [c.number for c in cases]}
    matters.record(
        MEETING, meeting.id, "record", user, org=meeting.org_id, note=data.title, data=info
    )
    return meeting


def update_meeting(meeting: Meeting, user: User, data: MeetingData, *, version: int | None):
    if not may_edit_meeting(user, meeting):
        raise NotPermitted()
    check_version(meeting, version)
    participants = _staff(user, data.participant_ids, field="participants")
    if not participants and not data.outside:
        raise ValidationFailed(_l("Name who took part."), "participants")
    cases = cases_by_number(user, data.case_numbers)
    meeting.kind, meeting.title, meeting.held_at = data.kind, data.title, data.held_at
    meeting.place, meeting.outside, meeting.minutes = data.place, data.outside, data.minutes
    meeting.participants, meeting.cases = participants, cases
    matters.record(MEETING, meeting.id, "update", user, org=meeting.org_id, note=data.title)


@dataclass
class DecisionData:
    text: str
    owner_id: int | None
    due_on: date | None
    working_days: int | None = None
    case_number: str | None = None


def add_decision(meeting: Meeting, user: User, data: DecisionData, *, version: int | None):
    """A decision with its owner and deadline; with a case, it shows on that case."""
    if not may_edit_meeting(user, meeting):
        raise NotPermitted()
    check_version(meeting, version)
    if data.owner_id is None:
        raise ValidationFailed(_l("Choose who carries out the decision."), "owner")
    owner = _staff(user, [data.owner_id], field="owner")[0]
    case = None
    if data.case_number:
        case = cases_by_number(user, [data.case_number], field="case")[0]
    due = deadline(data.due_on, data.working_days)
    decision = MeetingDecision(meeting=meeting, text=data.text, owner=owner, due_on=due, case=case)
    db.session.add(decision)
    # The meeting's version moves with each decision added: the same form sent again (the
    # browser's back button, a second tab) carries the old version and is told, not added twice.
    flag_modified(meeting, "title")
    db.session.flush()
    info = {"meeting": meeting.id, "decision": decision.id, "owner": owner.name}
    info["due_on"] = due.isoformat()
    matters.record(
        MEETING, meeting.id, "decision", user, org=meeting.org_id, note=data.text, data=info
    )
    if case is not None:
        timeline.record(case, Action.MEETING_DECISION, user, note=data.text, data=info)
    return decision


def may_complete(user: User, decision: MeetingDecision) -> bool:
    return decision.done_at is None and decision.owner_id == user.id


def complete_decision(decision: MeetingDecision, user: User, note: str, *, version: int | None):
    """The decision's owner marks it carried out."""
    if not may_complete(user, decision):
        raise NotPermitted()
    check_version(decision, version)
    decision.done_at, decision.done_note = _now(), note or None
    meeting = decision.meeting
    info = {"meeting": meeting.id, "decision": decision.id}
    matters.record(
        MEETING, meeting.id, "decision_done", user, org=meeting.org_id, note=note or None, data=info
    )
    if decision.case is not None:
        timeline.record(
            decision.case,
            Action.MEETING_DECISION_DONE,
            user,
            note=f"{decision.text} — {note}" if note else decision.text,
            data=info,
        )


def decisions_on(case: Case) -> list[MeetingDecision]:
    return list(
        db.session.scalars(
            sa.select(MeetingDecision)
            .where(MeetingDecision.case_id == case.id)
            .order_by(MeetingDecision.id)
        )
    )


def decisions_owed_by(user: User) -> list[MeetingDecision]:
    return list(
        db.session.scalars(
            sa.select(MeetingDecision)
            .where(MeetingDecision.owner_id == user.id, MeetingDecision.done_at.is_(None))
            .order_by(MeetingDecision.due_on)
        )
    )


# ---- reception days ---------------------------------------------------------------------------


def may_schedule(user: User) -> bool:
    """A centre's leader or clerk publishes its reception schedule."""
    return user.role in (Role.LEADER, Role.CLERK) and user.organisation.kind == OrgKind.CENTRE


def may_book(user: User) -> bool:
    """The desk books visitors in."""
    return user.role in (Role.CLERK, Role.LEADER)


def slot_scope(user: User) -> sa.ColumnElement[bool]:
    return ReceptionSlot.org_id.in_(sa.select(Organisation.id).where(org_scope_of(user)))


def get_slot_for(user: User, slot_id: int) -> ReceptionSlot | None:
    return db.session.scalars(
        sa.select(ReceptionSlot).where(ReceptionSlot.id == slot_id, slot_scope(user))
    ).first()


def get_booking_for(user: User, booking_id: int) -> ReceptionBooking | None:
    return db.session.scalars(
        sa.select(ReceptionBooking)
        .join(ReceptionSlot)
        .where(ReceptionBooking.id == booking_id, slot_scope(user))
    ).first()


@dataclass
class SlotData:
    leader_id: int | None
    day: date
    hours: str
    place: str
    topics: str | None = None


def publish_slot(user: User, data: SlotData) -> ReceptionSlot:
    if not may_schedule(user):
        raise NotPermitted()
    if data.leader_id is None:
        raise ValidationFailed(_l("Choose the leader who receives visitors."), "leader")
    leader = _staff(user, [data.leader_id], {Role.LEADER}, field="leader")[0]
    if data.day < local_today():
        raise ValidationFailed(_l("The day cannot be in the past."), "day")
    slot = ReceptionSlot(
        org_id=user.organisation_id,
        leader=leader,
        day=data.day,
        hours=data.hours,
        place=data.place,
        topics=data.topics or None,
        created_by_id=user.id,
    )
    db.session.add(slot)
    db.session.flush()
    info = {"leader": leader.name, "day": data.day.isoformat(), "hours": data.hours}
    matters.record(RECEPTION, slot.id, "publish", user, org=slot.org_id, note=data.place, data=info)
    return slot


def upcoming_slots(org_condition=None, *, today: date | None = None) -> list[ReceptionSlot]:
    stmt = (
        sa.select(ReceptionSlot)
        .where(ReceptionSlot.day >= (today or local_today()), ReceptionSlot.cancelled.is_(False))
        .order_by(ReceptionSlot.day, ReceptionSlot.hours, ReceptionSlot.id)
        .limit(200)
    )
    if org_condition is not None:
        stmt = stmt.where(org_condition)
    return list(db.session.scalars(stmt))


@dataclass
class BookingData:
    visitor_name: str
    phone: str | None
    matter: str


def book_visitor(slot: ReceptionSlot, user: User, data: BookingData) -> ReceptionBooking:
    if not may_book(user):
        raise NotPermitted()
    if slot.cancelled or slot.day < local_today():
        raise ValidationFailed(_l("This reception is over or cancelled."))
    booking = ReceptionBooking(
        slot=slot,
        visitor_name=data.visitor_name,
        phone=data.phone or None,
        matter=data.matter,
        booked_by=user,
    )
    db.session.add(booking)
    db.session.flush()
    # No phone in the record: it is personal data (shown masked on the pages).
    matters.record(
        RECEPTION,
        slot.id,
        "book",
        user,
        org=slot.org_id,
        note=data.matter,
        data={"booking": booking.id, "visitor": data.visitor_name},
    )
    return booking


def _settle(booking: ReceptionBooking, case: Case, status: BookingStatus, user: User):
    booking.case, booking.status = case, status
    slot = booking.slot
    info = {"booking": booking.id, "case": case.number}
    matters.record(RECEPTION, slot.id, status.value, user, org=slot.org_id, data=info)
    timeline.record(
        case,
        Action.RECEPTION_VISIT,
        user,
        note=f"{slot.day.isoformat()} {slot.hours} {slot.leader.name}: {booking.matter}",
        data=info,
    )


def attach_visit(booking: ReceptionBooking, user: User, number: str, *, version: int | None):
    """The visit concerns a case already registered: it goes on that case's timeline."""
    if not may_book(user):
        raise NotPermitted()
    check_version(booking, version)
    if booking.status != BookingStatus.BOOKED:
        raise ValidationFailed(_l("This visit is already registered."))
    case = cases_by_number(user, [number], field="number")[0]
    _settle(booking, case, BookingStatus.ATTACHED, user)


def visit_registered(booking: ReceptionBooking, case: Case, user: User) -> None:
    """The desk registered the visit as a new case (blueprints/desk, prefilled from it)."""
    if booking.status != BookingStatus.BOOKED:
        raise ValidationFailed(_l("This visit is already registered."))
    _settle(booking, case, BookingStatus.REGISTERED, user)
