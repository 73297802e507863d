"""Mediation, from the parties' consent to the outcome: each party's answer and the notice of
rights and obligations, the sessions, and then what the plan's state asks for: an agreement
(with its aftercare), failed attempts and joint mediation, an ending (terminated) or a pause
(suspended)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from demo.aftercare import sign_and_follow_up
from demo.plans import CasePlan
from demo.texts import agreement_data
from demo.world import DemoWorld
from domain.closing import may_end_as_failed, suspend, terminate
from domain.consent import acknowledge_notice, record_consent
from domain.mediation import record_agreement, record_failure, record_session
from domain.states import CaseState
from models import Case, User
from models.enums import (
    TERMINATION_REASONS,
    ClosureReason,
    ConsentStatus,
    ContactMethod,
    NoticeAck,
    PartyRole,
    SessionMode,
)

# States reached through a mediation that has ended (or paused) at some moment in the past.
ENDED_STATES = (
    CaseState.AGREED,
    CaseState.FAILED,
    CaseState.TERMINATED,
    CaseState.ARCHIVED,
    CaseState.JOINT_MEDIATION,
    CaseState.SUSPENDED,
)
SUSPEND_REASONS = [
    "当事人住院治疗，暂无法参加调解",
    "被申请人外出务工，约定返乡后继续调解",
    "需等待伤残等级鉴定结果",
]
TERMINATE_NOTES = {
    ClosureReason.PARTY_WITHDREW: "申请人表示已与对方私下和解，申请撤回调解",
    ClosureReason.UNREACHABLE: "多次电话联系被申请人均未接通，上门亦未见到本人",
    ClosureReason.PERIOD_EXPIRED: "调解期限届满，被申请人不同意延长调解期限",
    ClosureReason.REFUSED_TO_SIGN: "被申请人当场反悔，拒绝在调解协议上签字",
    ClosureReason.FAILED: "双方分歧过大，经多次调解仍无法达成一致",
    ClosureReason.TRANSFERRED_OUT: "纠纷涉及行政处理事项，已告知当事人向主管部门申请处理",
}
JOINT_DEPARTMENTS = ["司法所", "派出所", "综治中心"]


def mediate(
    world: DemoWorld,
    case: Case,
    plan: CasePlan,
    names: dict[str, Any],
    mediator: User,
    assigned: datetime,
) -> None:
    """The sessions after the assignment, then the outcome the plan's state asks for. An ended
    mediation closed 3 to ~30 days after the assignment and at least a day ago, its outcome
    reached in its last session; an open one has had up to two sessions so far."""
    rng = world.rng
    closing = plan.state in ENDED_STATES
    kind = plan.state
    if kind == CaseState.ARCHIVED:  # archived after an oral agreement, or after an ending
        kind = CaseState.AGREED if rng.random() < 0.6 else CaseState.TERMINATED
    if closing:
        room = (world.now - timedelta(days=1) - assigned).total_seconds() / 3600
        hi = max(1.0, min(24 * rng.choice([8, 12, 18, 26, 33]), room))
        end = world.clock.after(assigned, min(72, hi / 2), hi)
        sessions = rng.choice([1, 2, 2, 3])
    else:
        end = world.now - timedelta(minutes=30)
        sessions = rng.choice([0, 1, 1, 2])
        if assigned > end - timedelta(minutes=30):
            # Assigned moments ago (a case of today just after midnight in China, squeezed up
            # to now): no session held yet, none in the future.
            sessions = 0
    span = (end - assigned).total_seconds()
    held_times = []
    for i in range(sessions):
        if closing and i == sessions - 1:  # the outcome is reached in the last session
            held = end - timedelta(minutes=rng.randrange(40, 100))
        else:
            middle = assigned + timedelta(seconds=span * (i + 1) / (sessions + 1))
            held = world.clock.after(middle, 0, 1)
        held_times.append(max(held, assigned + timedelta(minutes=20)))
    held_times.sort()
    fmt = {"a": names["a"], "r": names["r"]}
    last_notes = None
    if closing and kind != CaseState.SUSPENDED:
        last_notes = "agreement_notes" if kind == CaseState.AGREED else "failure_notes"
    _sessions(world, case, mediator, held_times, end, fmt, last_notes)

    if kind == CaseState.AGREED:
        oral = plan.state == CaseState.ARCHIVED
        written = plan.aftercare is not None and not oral
        data = agreement_data(world, plan, names, end, oral=oral, written=written)
        world.clock.step(end, record_agreement, case, mediator, version=None, data=data, now=end)
        sign_and_follow_up(world, case, mediator, end, plan)
    elif kind in (CaseState.FAILED, CaseState.JOINT_MEDIATION):
        _failures(world, case, mediator, end, fmt, final=kind == CaseState.FAILED)
    elif kind == CaseState.TERMINATED:
        reason = rng.choice(TERMINATION_REASONS)
        if reason == ClosureReason.FAILED and not may_end_as_failed(case):
            # "Failed" ends only a joint mediation or a court's case; the same draw keeps
            # the demo world as it was, ending for the time limit instead.
            reason = ClosureReason.PERIOD_EXPIRED
        world.clock.step(
            end,
            terminate,
            case,
            mediator,
            version=None,
            reason=reason,
            note=TERMINATE_NOTES[reason],
            now=end,
        )
    elif kind == CaseState.SUSPENDED:
        world.clock.step(
            end,
            suspend,
            case,
            mediator,
            version=None,
            reason=rng.choice(SUSPEND_REASONS),
            now=end,
        )


def _sessions(
    world: DemoWorld,
    case: Case,
    mediator: User,
    held_times: list[datetime],
    end: datetime,
    fmt: dict,
    last_notes: str | None,
) -> None:
    """Record a session held at each of `held_times`, written up an hour or two later; the
    last one's notes tell the outcome (`last_notes`, a key of the texts) when there is one."""
    rng = world.rng
    for i, held in enumerate(held_times):
        if last_notes and i == len(held_times) - 1:
            notes = world.texts[last_notes]
        else:
            notes = rng.choice(world.texts["session_notes"])
        mode = rng.choices([SessionMode.IN_PERSON, SessionMode.VIDEO], weights=[9, 1])[0]
        if notes.startswith("电话"):
            mode = SessionMode.PHONE
        place = {SessionMode.PHONE: "电话", SessionMode.VIDEO: "视频调解"}.get(
            mode, case.handling_org.name
        )
        next_at = held_times[i + 1] if i + 1 < len(held_times) else end
        recorded = held + timedelta(minutes=rng.randrange(50, 150))
        recorded = max(held, min(recorded, next_at - timedelta(minutes=5)))
        world.clock.step(
            recorded,
            record_session,
            case,
            mediator,
            version=None,
            held_at=held,
            place=place,
            mode=mode,
            notes=notes.format(**fmt),
        )


def consent(world: DemoWorld, case: Case, mediator: User, when: datetime, refuse: bool) -> None:
    """Each party's answer and the notice of rights and obligations, soon after assignment
    (PML Art. 17, MOJ-2002 Art. 30). With `refuse`, the respondent declines."""
    method = world.rng.choice([ContactMethod.PHONE, ContactMethod.IN_PERSON])
    at = when
    for party in case.parties:
        at = world.clock.soon(at, world.rng.randrange(1, 5))
        declines = refuse and party.role == PartyRole.RESPONDENT
        status = ConsentStatus.REFUSED if declines else ConsentStatus.AGREED
        note = "被申请人明确表示不同意调解" if declines else None
        world.clock.step(
            at,
            record_consent,
            case,
            party,
            mediator,
            version=None,
            status=status,
            method=method,
            note=note,
            now=at,
        )
        if declines:
            return
        world.clock.step(
            at,
            acknowledge_notice,
            case,
            party,
            mediator,
            version=None,
            how=NoticeAck.WRITTEN if method == ContactMethod.IN_PERSON else NoticeAck.ORAL,
            now=at,
        )


def _failures(
    world: DemoWorld, case: Case, mediator: User, end: datetime, fmt: dict, final: bool
) -> None:
    """Two failed attempts (the second escalates to joint mediation one level up; a
    court's case goes back to the court instead), and with `final` the failed joint
    mediation that ends the case."""
    rng = world.rng
    reasons = rng.sample(world.texts["failure_reasons"], 2)
    world.clock.step(
        end,
        record_failure,
        case,
        mediator,
        version=None,
        reason=reasons[0].format(**fmt),
        now=end,
    )
    second = world.clock.after(end, 24, 96)
    town = world.township(case.region).name
    departments = [town + d for d in rng.sample(JOINT_DEPARTMENTS, 2)]
    world.clock.step(
        second,
        record_failure,
        case,
        mediator,
        version=None,
        reason=reasons[1].format(**fmt),
        departments=departments,
        now=second,
    )
    # A court's case is back at the court after the second failure (SPC-TY Art. 21).
    if final and case.state != CaseState.FAILED:
        third = world.clock.after(second, 48, 200)
        world.clock.step(
            third,
            record_failure,
            case,
            mediator,
            version=None,
            reason="联动调解仍未能达成一致，建议当事人通过司法途径解决",
            now=third,
        )
