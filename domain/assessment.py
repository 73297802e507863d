"""Assessment by a rubric (考核细则, seed 004).

An administrator configures a rubric: sections (工作内容) with their points (分值), and items
(评分标准) each with a rule. Seed 004's rubric ships as the example (data/assessment/), loaded
by the seed and by the administrator's "load the example".

An assessment scores one organisation over a period. Its subject is a township (乡镇/街道) when
the organisation is a township-level centre, committee or justice office: then every
organisation in the township counts (its committees, villages, rooms) and its cases are the
cases of the township's place; otherwise a department (部门/单位): the organisation alone and
the cases it handles. Every item becomes one line:

- computed items (ItemRule) are worked out from the data, with the facts behind them kept on
  the line (`details`) and shown as the evidence;
- the others are entered by an administrator or leader with evidence text;
- a computed item whose data the portal does not have (the screening rounds of another
  module not installed) becomes an item to enter by hand, and says why.

The rules (numbers from the item's `params`):

- MISSING_FULL_TIME: `per_unit` for each full-time mediator missing against the staffing norm
  (domain.staffing.compliance) at the subject's organisations of the `kinds` named (the
  township committee), or at the subject itself when it has none of them.
- SCREENING_MISSED: `per_unit` for each screening round due and not filed by the subject's
  organisations (domain.screening_rounds.missed_rounds).
- DATA_COMPLETENESS (录入率): the share of records complete among the subject's mediating
  organisations (phone and address recorded, and at least one person in the registry), its
  mediators' and directors' accounts (each in the registry) and its cases registered in the
  period (every party named and reachable by phone or address; a handling organisation once
  dispatched; an active presiding mediator once mediation began; the closure reason once
  closed). `per_unit` for each whole percentage point below `threshold` (a shortfall of less
  than one point is not yet "one point less").
- VIDEO_NOT_USED: `points` when none of the subject's cases had a video session in the period.
- ODR_SELF_FILING: for each calendar month of the period, the self-application rate of
  domain.statistics (filed online by the parties ÷ registered, Figures.self_filing_rate: the
  one definition) of the subject's cases; `per_unit` for each whole percentage point below
  `threshold`; a month with no case registered deducts nothing (there is no rate). Capped by
  the item's `max_deduction`.
- CIVIL_TO_CRIMINAL (民转刑): the portal records no criminal conversion, so the best signal is
  the risk machinery: a case of the subject registered by the period's end, flagged "may turn
  from a civil dispute into a crime" and still owing its report to the police (PML Art. 25) has
  not been worked as the rubric asks; `points` once if there is any. A homicide that followed
  (5 points each in seed 004) is a manual item.

A section's score is its points less its items' deductions, never below zero, plus the
bonuses; each item's deduction and bonus are capped by its `max_deduction` and `max_bonus`.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain import matters, staffing, statistics
from domain.calendar import FIRST_DAY, LAST_DAY, local_today
from domain.errors import NotPermitted, ValidationFailed
from domain.permissions import org_scope_of
from domain.staffing import StaleRecord
from extensions import db
from models import (
    Assessment,
    AssessmentLine,
    Case,
    CaseRiskFlag,
    ItemRule,
    MediationSession,
    Organisation,
    Region,
    Rubric,
    RubricItem,
    RubricSection,
    StaffMember,
    User,
    code_range,
)
from models.enums import MEDIATING_KINDS, OrgKind, RegionLevel, Role, SessionMode
from models.risk import RiskFlag
from models.states import CaseState
from models.types import utcnow

EXAMPLE_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "assessment" / "tongxiang_2020.json"
)
TEXT_MAX = 2000
NAME_MAX = 200
MAX_POINTS = Decimal("1000")
MAX_PERIOD_DAYS = 366
TWO = Decimal("0.01")

TOWNSHIP_KINDS = (OrgKind.CENTRE, OrgKind.TOWNSHIP_COMMITTEE, OrgKind.JUSTICE_OFFICE)
COMPUTED_RULES = frozenset(ItemRule) - {ItemRule.MANUAL}


# ---- who may --------------------------------------------------------------------------------


def may_configure(user: User) -> bool:
    return user.role == Role.ADMIN


def may_score(user: User, org: Organisation) -> bool:
    """Score an organisation and enter manual items: administrators and leaders, within
    their area."""
    return user.role in (Role.ADMIN, Role.LEADER) and staffing.in_scope(user, org.id)


def get_assessment_for(user: User, assessment_id: int) -> Assessment | None:
    return db.session.scalars(
        sa.select(Assessment)
        .join(Organisation, Assessment.org_id == Organisation.id)
        .where(Assessment.id == assessment_id, org_scope_of(user))
    ).first()


def assessments_for(user: User) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .join(Organisation, Assessment.org_id == Organisation.id)
            .where(org_scope_of(user))
            .order_by(Assessment.period_end.desc(), Assessment.id.desc())
            .limit(200)
        )
    )


def rubrics() -> list[Rubric]:
    return list(db.session.scalars(sa.select(Rubric).order_by(Rubric.id.desc())))


def _number(value, field: str, *, allow_none: bool = False) -> Decimal | None:
    if value in (None, "") and allow_none:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_l("Enter a number, such as 0.5 or 2."), field=field) from None
    if not number.is_finite() or number < 0 or number > MAX_POINTS:
        raise ValidationFailed(_l("Enter a number from 0 to %(max)s.", max=MAX_POINTS), field)
    if number != number.quantize(TWO):
        raise ValidationFailed(_l("Enter at most two decimal places."), field=field)
    return number


def _text(value, limit: int, field: str, *, required: bool = False) -> str | None:
    text = (value or "").replace("\x00", "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationFailed(_l("This field is required."), field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("Keep this under %(max)d characters.", max=limit), field=field)
    return text or None


# ---- configuring rubrics ------------------------------------------------------------------


def load_example(actor: User | None) -> Rubric:
    """Load seed 004's rubric from data/assessment/ as a new rubric (refused when a rubric of
    that name exists already)."""
    if actor is not None and not may_configure(actor):
        raise NotPermitted()
    data = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    exists = db.session.scalar(
        sa.select(sa.func.count(Rubric.id)).where(Rubric.name == data["name"])
    )
    if exists:
        raise ValidationFailed(_l("The example rubric is loaded already."))
    rubric = Rubric(name=data["name"], note=data.get("note"))
    for s_pos, s in enumerate(data["sections"]):
        section = RubricSection(
            position=s_pos,
            title=s["title"],
            max_points=Decimal(s["max_points"]),
            scorer=s.get("scorer"),
        )
        for i_pos, it in enumerate(s["items"]):
            section.items.append(
                RubricItem(
                    position=i_pos,
                    number=it["number"],
                    text=it["text"],
                    rule=ItemRule(it.get("rule", "manual")),
                    max_deduction=Decimal(it["max_deduction"]) if "max_deduction" in it else None,
                    max_bonus=Decimal(it.get("max_bonus", "0")),
                    params=it.get("params", {}),
                )
            )
        rubric.sections.append(section)
    db.session.add(rubric)
    db.session.flush()
    matters.record("rubric", rubric.id, "loaded_example", actor, data={"file": EXAMPLE_FILE.name})
    return rubric


def create_rubric(actor: User | None, name: str | None, note: str | None = None) -> Rubric:
    if actor is not None and not may_configure(actor):
        raise NotPermitted()
    rubric = Rubric(
        name=_text(name, NAME_MAX, "name", required=True), note=_text(note, TEXT_MAX, "note")
    )
    db.session.add(rubric)
    db.session.flush()
    matters.record("rubric", rubric.id, "created", actor)
    return rubric


def add_section(
    actor: User | None, rubric: Rubric, *, title, max_points, scorer=None, version=None
) -> RubricSection:
    if actor is not None and not may_configure(actor):
        raise NotPermitted()
    if version is not None and version != rubric.version:
        raise StaleRecord()
    section = RubricSection(
        position=len(rubric.sections),
        title=_text(title, NAME_MAX, "title", required=True),
        max_points=_number(max_points, "max_points"),
        scorer=_text(scorer, 64, "scorer"),
    )
    rubric.sections.append(section)
    _touch(rubric)
    db.session.flush()
    matters.record(
        "rubric",
        rubric.id,
        "section_added",
        actor,
        data={"title": section.title, "max_points": str(section.max_points)},
    )
    return section


@dataclass
class ItemData:
    number: str | None
    text: str | None
    rule: ItemRule
    per_unit: object = None
    points: object = None
    threshold: object = None
    max_deduction: object = None
    max_bonus: object = None


def _item_values(data: ItemData) -> dict:
    if not isinstance(data.rule, ItemRule):
        raise ValidationFailed(_l("Choose a rule from the list."), field="rule")
    params = {}
    for key in ("per_unit", "points", "threshold"):
        value = _number(getattr(data, key), key, allow_none=True)
        if value is not None:
            params[key] = str(value)
    needs = {
        ItemRule.MISSING_FULL_TIME: ("per_unit",),
        ItemRule.SCREENING_MISSED: ("per_unit",),
        ItemRule.DATA_COMPLETENESS: ("per_unit", "threshold"),
        ItemRule.ODR_SELF_FILING: ("per_unit", "threshold"),
        ItemRule.VIDEO_NOT_USED: ("points",),
        ItemRule.CIVIL_TO_CRIMINAL: ("points",),
    }.get(data.rule, ())
    for key in needs:
        if key not in params:
            raise ValidationFailed(_l("This rule needs this number."), field=key)
    if data.rule == ItemRule.MISSING_FULL_TIME:
        params["kinds"] = [OrgKind.TOWNSHIP_COMMITTEE.value]
    return {
        "number": _text(data.number, 8, "number", required=True),
        "text": _text(data.text, TEXT_MAX, "text", required=True),
        "rule": data.rule,
        "params": params,
        "max_deduction": _number(data.max_deduction, "max_deduction", allow_none=True),
        "max_bonus": _number(data.max_bonus, "max_bonus", allow_none=True) or Decimal(0),
    }


def add_item(
    actor: User | None, section: RubricSection, data: ItemData, *, version=None
) -> RubricItem:
    if actor is not None and not may_configure(actor):
        raise NotPermitted()
    rubric = section.rubric
    if version is not None and version != rubric.version:
        raise StaleRecord()
    item = RubricItem(position=len(section.items), **_item_values(data))
    section.items.append(item)
    _touch(rubric)
    db.session.flush()
    matters.record(
        "rubric",
        rubric.id,
        "item_added",
        actor,
        data={"number": item.number, "rule": item.rule.value},
    )
    return item


def update_item(
    actor: User | None, item: RubricItem, data: ItemData, *, version=None
) -> RubricItem:
    if actor is not None and not may_configure(actor):
        raise NotPermitted()
    rubric = item.section.rubric
    if version is not None and version != rubric.version:
        raise StaleRecord()
    values = _item_values(data)
    if item.rule == ItemRule.MISSING_FULL_TIME and values["rule"] == item.rule:
        values["params"]["kinds"] = item.params.get("kinds", values["params"]["kinds"])
    changes = [
        {"field": k, "before": _plain(getattr(item, k)), "after": _plain(v)}
        for k, v in values.items()
        if getattr(item, k) != v
    ]
    if not changes:
        raise ValidationFailed(_l("Nothing was changed."))
    for k, v in values.items():
        setattr(item, k, v)
    _touch(rubric)
    db.session.flush()
    matters.record(
        "rubric", rubric.id, "item_changed", actor, data={"number": item.number, "changes": changes}
    )
    return item


def _touch(row) -> None:
    """Make the row's UPDATE happen so its version counter moves (a change to what hangs on
    it: a rubric's items, an assessment's lines)."""
    sa.orm.attributes.flag_modified(row, "name" if isinstance(row, Rubric) else "period_end")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return getattr(value, "value", value)


# ---- the subject of an assessment -------------------------------------------------------------


@dataclass
class Subject:
    org: Organisation
    orgs: list[Organisation]  # whose work counts
    region_code: str | None  # a township: the cases of its place

    @property
    def township(self) -> bool:
        return self.region_code is not None

    @property
    def org_ids(self) -> list[int]:
        return [o.id for o in self.orgs]

    def case_condition(self) -> sa.ColumnElement[bool]:
        if self.region_code:
            low, high = code_range(self.region_code)
            return sa.and_(Case.region_code >= low, Case.region_code < high)
        return statistics.case_organisation == self.org.id

    def filters(self) -> statistics.Filters:
        if self.region_code:
            return statistics.Filters(region=self.region_code)
        return statistics.Filters(organisation_id=self.org.id)


def subject_of(org: Organisation) -> Subject:
    if org.region.level == RegionLevel.TOWNSHIP and org.kind in TOWNSHIP_KINDS:
        low, high = code_range(org.region.code)
        orgs = list(
            db.session.scalars(
                sa.select(Organisation)
                .join(Region, Organisation.region_id == Region.id)
                .where(Region.code >= low, Region.code < high, Organisation.active.is_(True))
                .order_by(Organisation.name)
            )
        )
        return Subject(org, orgs, org.region.code)
    return Subject(org, [org], None)


# ---- computing the items -------------------------------------------------------------------


@dataclass
class Outcome:
    deduction: Decimal
    details: list = field(default_factory=list)
    computed: bool = True


def _param(item: RubricItem, key: str, default: str = "0") -> Decimal:
    try:
        return Decimal(str(item.params.get(key, default)))
    except (InvalidOperation, ValueError):
        return Decimal(default)


def _missing_full_time(item, subject: Subject, start, end, today) -> Outcome:
    kinds = {OrgKind(k) for k in item.params.get("kinds", []) if k in OrgKind._value2member_map_}
    targets = [o for o in subject.orgs if o.kind in kinds] or [subject.org]
    details, missing = [], 0
    for c in staffing.compliance(targets):
        details.append(
            {
                "org": c.org.name,
                "required": c.required,
                "actual": c.actual,
                "names": [m.name for m in c.full_time],
                "short": c.shortfall,
            }
        )
        missing += c.shortfall
    return Outcome(_param(item, "per_unit") * missing, details)


def _screening_missed(item, subject: Subject, start, end, today) -> Outcome:
    try:
        # Optional, not a cycle: another part of the portal supplies it; absent, the item is
        # entered by hand.
        from domain.screening_rounds import missed_rounds
    except ImportError:
        return Outcome(Decimal(0), [{"unavailable": "screening_rounds"}], computed=False)
    counts = missed_rounds(subject.org_ids, start, end, today=today)
    names = {o.id: o.name for o in subject.orgs}
    details = [
        {"org": names.get(org_id, str(org_id)), "missed": int(n)}
        for org_id, n in sorted(counts.items(), key=lambda kv: names.get(kv[0], ""))
        if n
    ]
    total = sum(int(n) for n in counts.values())
    return Outcome(_param(item, "per_unit") * total, details)


def _case_period(start: date, end: date) -> sa.ColumnElement[bool]:
    period = statistics.Period(start, end)
    return sa.and_(Case.created_at >= period.since, Case.created_at < period.until)


def case_gaps(case: Case) -> list[str]:
    """The required ledger fields a case lacks (codes, explained in the evidence)."""
    gaps = []
    if not (case.summary or "").strip():
        gaps.append("summary")
    parties = [p for p in case.parties if not getattr(p, "withdrawn", False)]
    if not parties:
        gaps.append("parties")
    elif any(not (p.name or "").strip() or not (p.phone or p.address) for p in parties):
        gaps.append("party_contact")
    dispatched = case.state not in (
        CaseState.REGISTERED,
        CaseState.ACCEPTED,
        CaseState.NOT_ACCEPTED,
        CaseState.MERGED,
    )
    if dispatched and case.handling_org_id is None and case.state != CaseState.REFUSED:
        gaps.append("handling_org")
    mediated = case.state in (
        CaseState.MEDIATING,
        CaseState.SUSPENDED,
        CaseState.JOINT_MEDIATION,
        CaseState.AGREED,
        CaseState.FAILED,
    )
    if mediated and not any(m.active and m.presiding for m in case.mediators):
        gaps.append("mediator")
    if case.closed_at is not None and case.closure_reason is None:
        gaps.append("closure_reason")
    return gaps


def completeness(subject: Subject, start: date, end: date) -> dict:
    """The parts of the 录入率 (organisations, staff, cases): complete and total of each, and
    what is missing (the first few of each)."""
    orgs = [o for o in subject.orgs if o.kind in MEDIATING_KINDS]
    # An organisation's people: its own, or (a committee) those of the centres and rooms that
    # mediate under it, as the staffing compliance counts them.
    staffed = set(
        db.session.scalars(
            sa.select(StaffMember.org_id).where(StaffMember.active.is_(True)).distinct()
        )
    )
    under = {
        o.committee_id
        for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(staffed)))
        if o.committee_id is not None
    }
    with_people = staffed | under
    org_gaps = []
    for o in orgs:
        missing = [
            name
            for name, ok in (
                ("phone", o.phone),
                ("address", o.address),
                ("registry", o.id in with_people),
            )
            if not ok
        ]
        if missing:
            org_gaps.append({"org": o.name, "missing": missing})
    accounts = list(
        db.session.scalars(
            sa.select(User).where(
                User.organisation_id.in_([o.id for o in orgs]),
                User.active.is_(True),
                User.role.in_([Role.MEDIATOR, Role.DIRECTOR]),
            )
        )
    )
    registered = set(
        db.session.scalars(
            sa.select(StaffMember.user_id).where(
                StaffMember.user_id.in_([u.id for u in accounts]), StaffMember.active.is_(True)
            )
        )
    )
    staff_gaps = [u.name for u in accounts if u.id not in registered]
    cases = list(
        db.session.scalars(
            sa.select(Case)
            .where(
                subject.case_condition(), _case_period(start, end), Case.state != CaseState.MERGED
            )
            .options(sa.orm.selectinload(Case.parties), sa.orm.selectinload(Case.mediators))
            .order_by(Case.id)
        )
    )
    case_gaps_found = [{"case": c.number, "missing": g} for c in cases if (g := case_gaps(c))]
    total = len(orgs) + len(accounts) + len(cases)
    incomplete = len(org_gaps) + len(staff_gaps) + len(case_gaps_found)
    return {
        "organisations": [len(orgs) - len(org_gaps), len(orgs)],
        "staff": [len(accounts) - len(staff_gaps), len(accounts)],
        "cases": [len(cases) - len(case_gaps_found), len(cases)],
        "complete": total - incomplete,
        "total": total,
        "org_gaps": org_gaps[:20],
        "staff_gaps": staff_gaps[:20],
        "case_gaps": case_gaps_found[:20],
    }


def _points_below(rate: Decimal, threshold: Decimal) -> int:
    """Whole percentage points below the threshold (0 at or above it)."""
    if rate >= threshold:
        return 0
    return math.floor(threshold - rate)


def _data_completeness(item, subject: Subject, start, end, today) -> Outcome:
    facts = completeness(subject, start, end)
    if not facts["total"]:
        facts["rate"] = None
        return Outcome(Decimal(0), [facts])
    rate = statistics.percent(facts["complete"], facts["total"])
    facts["rate"] = str(rate)
    points = _points_below(rate, _param(item, "threshold", "100"))
    facts["points_below"] = points
    return Outcome(_param(item, "per_unit") * points, [facts])


def _video_not_used(item, subject: Subject, start, end, today) -> Outcome:
    period = statistics.Period(start, end)
    count = db.session.scalar(
        sa.select(sa.func.count(MediationSession.id))
        .join(Case, MediationSession.case_id == Case.id)
        .where(
            subject.case_condition(),
            MediationSession.mode == SessionMode.VIDEO,
            MediationSession.held_at >= period.since,
            MediationSession.held_at < period.until,
        )
    )
    details = [{"video_sessions": int(count or 0)}]
    return Outcome(Decimal(0) if count else _param(item, "points"), details)


def _odr_self_filing(item, subject: Subject, start, end, today) -> Outcome:
    threshold, per_unit = _param(item, "threshold", "10"), _param(item, "per_unit")
    details, total = [], Decimal(0)
    for month in statistics.months_of(statistics.Period(start, end)):
        figures = statistics.compute(
            None, month, subject.filters(), families=("registered",), today=today
        ).total
        rate = figures.self_filing_rate
        value = rate.value()
        points = 0 if value is None else _points_below(value, threshold)
        deduction = per_unit * points
        total += deduction
        details.append(
            {
                "month": month.start.strftime("%Y-%m"),
                "self_filed": rate.numerator,
                "registered": rate.denominator,
                "rate": None if value is None else str(value),
                "points_below": points,
                "deduction": str(deduction),
            }
        )
    return Outcome(total, details)


def _civil_to_criminal(item, subject: Subject, start, end, today) -> Outcome:
    period = statistics.Period(start, end)
    numbers = list(
        db.session.scalars(
            sa.select(Case.number)
            .join(CaseRiskFlag, CaseRiskFlag.case_id == Case.id)
            .where(
                subject.case_condition(),
                CaseRiskFlag.flag == RiskFlag.CIVIL_TO_CRIMINAL,
                Case.police_report_owed.is_(True),
                Case.created_at < period.until,
                Case.state != CaseState.MERGED,
            )
            .order_by(Case.number)
        )
    )
    details = [{"cases": numbers}]
    return Outcome(_param(item, "points") if numbers else Decimal(0), details)


COMPUTERS = {
    ItemRule.MISSING_FULL_TIME: _missing_full_time,
    ItemRule.SCREENING_MISSED: _screening_missed,
    ItemRule.DATA_COMPLETENESS: _data_completeness,
    ItemRule.VIDEO_NOT_USED: _video_not_used,
    ItemRule.ODR_SELF_FILING: _odr_self_filing,
    ItemRule.CIVIL_TO_CRIMINAL: _civil_to_criminal,
}


def _capped(value: Decimal, cap: Decimal | None) -> Decimal:
    return min(value, cap) if cap is not None else value


# ---- assessments ---------------------------------------------------------------------------


def _check_period(start: date | None, end: date | None) -> None:
    if not isinstance(start, date) or not FIRST_DAY <= start <= LAST_DAY:
        raise ValidationFailed(_l("Enter the first day of the period."), field="start")
    if not isinstance(end, date) or not FIRST_DAY <= end <= LAST_DAY:
        raise ValidationFailed(_l("Enter the last day of the period."), field="end")
    if end < start:
        raise ValidationFailed(_l("The period ends on or after its first day."), field="end")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(_l("Assess at most a year at a time."), field="end")


def _compute_lines(assessment: Assessment, today: date) -> None:
    subject = subject_of(assessment.organisation)
    existing = {line.item_id: line for line in assessment.lines}
    for item in assessment.rubric.items:
        line = existing.get(item.id)
        if line is None:
            line = AssessmentLine(item=item, deduction=Decimal(0), bonus=Decimal(0), details=[])
            assessment.lines.append(line)
        if item.rule == ItemRule.MANUAL:
            continue
        outcome = COMPUTERS[item.rule](
            item, subject, assessment.period_start, assessment.period_end, today
        )
        if outcome.computed:
            line.computed = True
            line.deduction = _capped(outcome.deduction, item.max_deduction).quantize(TWO)
            line.bonus = Decimal(0)
            line.details = outcome.details
        else:  # the data is not in the portal: enter it by hand, keeping what was entered
            line.computed = False
            line.details = outcome.details
            if not line.entered:
                line.deduction = Decimal(0)


def create_assessment(
    actor: User | None,
    rubric: Rubric,
    org: Organisation,
    start: date | None,
    end: date | None,
    *,
    today: date | None = None,
) -> Assessment:
    """Score `org` by `rubric` over the period: the computed items worked out now, the manual
    ones waiting to be entered."""
    if actor is not None and not may_score(actor, org):
        raise NotPermitted()
    _check_period(start, end)
    if not rubric.sections:
        raise ValidationFailed(_l("This rubric has no items yet."), field="rubric_id")
    assessment = Assessment(
        rubric=rubric,
        organisation=org,
        org_id=org.id,
        period_start=start,
        period_end=end,
        created_by=actor,
    )
    db.session.add(assessment)
    _compute_lines(assessment, today or local_today())
    assessment.computed_at = utcnow()
    db.session.flush()
    matters.record(
        "assessment",
        assessment.id,
        "scored",
        actor,
        org=org.id,
        data={
            "rubric": rubric.id,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "total": str(result(assessment).total),
        },
    )
    return assessment


def recompute(
    actor: User | None, assessment: Assessment, *, version: int | None, today: date | None = None
) -> Assessment:
    if actor is not None and not may_score(actor, assessment.organisation):
        raise NotPermitted()
    if version is not None and version != assessment.version:
        raise StaleRecord()
    before = result(assessment).total
    _compute_lines(assessment, today or local_today())
    assessment.computed_at = utcnow()
    db.session.flush()
    matters.record(
        "assessment",
        assessment.id,
        "recomputed",
        actor,
        org=assessment.org_id,
        data={"before": str(before), "after": str(result(assessment).total)},
    )
    return assessment


def enter_line(
    actor: User | None,
    assessment: Assessment,
    line_id: int | None,
    *,
    deduction,
    bonus,
    evidence: str | None,
    version: int | None,
) -> AssessmentLine:
    """Enter a manual item: the points deducted and added, with the evidence (required
    whenever a point is deducted or added)."""
    if actor is not None and not may_score(actor, assessment.organisation):
        raise NotPermitted()
    if version is not None and version != assessment.version:
        raise StaleRecord()
    line = next((x for x in assessment.lines if x.id == line_id), None)
    if line is None:
        raise ValidationFailed(_l("Choose an item of this assessment."), field="line_id")
    if line.computed:
        raise ValidationFailed(_l("This item is computed from the data; recompute it instead."))
    item = line.item
    deduction = _number(deduction, "deduction", allow_none=True) or Decimal(0)
    bonus = _number(bonus, "bonus", allow_none=True) or Decimal(0)
    if item.max_deduction is not None and deduction > item.max_deduction:
        raise ValidationFailed(
            _l("This item deducts at most %(max)s points.", max=item.max_deduction), "deduction"
        )
    if deduction > item.section.max_points:
        raise ValidationFailed(
            _l("This item deducts at most %(max)s points.", max=item.section.max_points),
            "deduction",
        )
    if bonus > item.max_bonus:
        raise ValidationFailed(
            _l("This item adds at most %(max)s points.", max=item.max_bonus), "bonus"
        )
    evidence = _text(evidence, TEXT_MAX, "evidence")
    if (deduction or bonus) and not evidence:
        raise ValidationFailed(_l("Give the evidence behind the points."), field="evidence")
    before = {"deduction": str(line.deduction), "bonus": str(line.bonus), "evidence": line.evidence}
    line.deduction, line.bonus, line.evidence = deduction, bonus, evidence
    line.entered, line.entered_by_id = True, actor.id if actor else None
    # The assessment's version moves with every entry (two people scoring the same sheet).
    _touch(assessment)
    db.session.flush()
    matters.record(
        "assessment",
        assessment.id,
        "entered",
        actor,
        org=assessment.org_id,
        note=evidence,
        data={
            "item": item.number,
            "before": before,
            "after": {"deduction": str(deduction), "bonus": str(bonus)},
        },
    )
    return line


# ---- the result ----------------------------------------------------------------------------


@dataclass
class SectionResult:
    section: RubricSection
    lines: list[AssessmentLine]

    @property
    def deductions(self) -> Decimal:
        return sum((x.deduction for x in self.lines), Decimal(0))

    @property
    def bonuses(self) -> Decimal:
        return sum((x.bonus for x in self.lines), Decimal(0))

    @property
    def score(self) -> Decimal:
        base = max(Decimal(0), self.section.max_points - self.deductions)
        return (base + self.bonuses).quantize(TWO)


@dataclass
class Result:
    assessment: Assessment
    sections: list[SectionResult]

    @property
    def total(self) -> Decimal:
        return sum((s.score for s in self.sections), Decimal(0)).quantize(TWO)

    @property
    def max_total(self) -> Decimal:
        return sum((s.section.max_points for s in self.sections), Decimal(0)).quantize(TWO)

    @property
    def waiting(self) -> list[AssessmentLine]:
        """Manual lines not entered yet."""
        return [x for s in self.sections for x in s.lines if not x.computed and not x.entered]


def result(assessment: Assessment) -> Result:
    by_item = {line.item_id or line.item.id: line for line in assessment.lines}
    sections = []
    for section in assessment.rubric.sections:
        lines = [by_item[i.id] for i in section.items if i.id in by_item]
        sections.append(SectionResult(section, lines))
    return Result(assessment, sections)


def period_default(today: date) -> tuple[date, date]:
    """The last whole month before today."""
    first = today.replace(day=1)
    last = first - timedelta(days=1)
    return last.replace(day=1), last


def screening_module_present() -> bool:
    if "domain.screening_rounds" in sys.modules:
        return True
    try:
        # Optional, not a cycle: the screening rounds may not be installed.
        import domain.screening_rounds  # noqa: F401
    except ImportError:
        return False
    return True
