"""Screening rounds (排查, DOMAIN.md §5.1): each village, township and county files a round on
the cadence of its level, with what it found or as a nil return (零报告).

Cadence (seed 002: "村（社区）每周开展一次排查，乡镇（街道）每月开展一次排查，
县（市、区）每季度开展一次排查"): configured per organisation level by an administrator
(ScreeningCadence rows), with the defaults below when none is configured; an organisation may
have its own (a centre screening twice a month, as in 黄岩, seed 003). Periods are calendar
ones: weeks Monday to Sunday, halves of a month (1st-15th, 16th-end), months, quarters. The
organisations that screen are the centres and the village/residents' and township committees of
a village, township or county (an industry committee's disputes are found by the committees of
the places).

Deadline of a period: its last day plus a grace in working days (domain.calendar: holidays and
make-up working days count as the State Council publishes them). Defaults: one working day for
a weekly round (the week's round is in by Monday's end, or the first working day after a
holiday), two for the others. A round is late (overdue) once the day after its deadline has
begun with no round filed for the period; a nil return counts as filed.

A finding becomes an initiative case through the intake (domain.intake.register_found: source
主动调解, channel "found in screening", counted as 排查发现纠纷数) or a watch-list item that can be
turned into a case later. Every change is on the matter record (domain.matters) of the round or
the item.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain import matters
from domain.calendar import FIRST_DAY, LAST_DAY, add_days, local_today
from domain.errors import NotPermitted, StaleCase, ValidationFailed
from domain.intake import CaseData, PartyData, register_found
from extensions import db
from models import Organisation, Region, User
from models.enums import DisputeType, OrgKind, PartyRole, RegionLevel, RiskLevel, Role
from models.prevention import (
    Cadence,
    RiskWarning,
    RoundKind,
    ScreeningCadence,
    ScreeningFinding,
    ScreeningRound,
    WatchItem,
    WatchStatus,
)
from models.risk import RiskFlag
from models.types import utcnow

ROUND = "screening_round"
WATCH = "watch_item"

# The defaults of seed 002, with the grace chosen here (module docstring).
DEFAULTS: dict[RegionLevel, tuple[Cadence, int]] = {
    RegionLevel.VILLAGE: (Cadence.WEEKLY, 1),
    RegionLevel.TOWNSHIP: (Cadence.MONTHLY, 2),
    RegionLevel.COUNTY: (Cadence.QUARTERLY, 2),
}
LEVELS = tuple(DEFAULTS)
SCREENING_KINDS = frozenset({OrgKind.CENTRE, OrgKind.VILLAGE_COMMITTEE, OrgKind.TOWNSHIP_COMMITTEE})
MAX_GRACE = 20
# The longest period a board or a count reads at once (a year and a day).
MAX_SPAN_DAYS = 366
TEXT_MAX = 5000
SHORT_MAX = 200
PARTIES_MAX = 500
NAME_MAX = 64


@dataclass(frozen=True)
class Rule:
    cadence: Cadence
    grace_days: int


@dataclass(frozen=True)
class Slot:
    """One period of a cadence and the last day its round is on time."""

    start: date
    end: date
    deadline: date


# ---- periods ---------------------------------------------------------------------------------


def _month_end(day: date) -> date:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def period_of(cadence: Cadence, day: date) -> tuple[date, date]:
    """The period of `cadence` holding `day`: (first day, last day)."""
    if cadence == Cadence.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if cadence == Cadence.HALF_MONTHLY:
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), _month_end(day)
    if cadence == Cadence.MONTHLY:
        return day.replace(day=1), _month_end(day)
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    return start, _month_end(date(day.year, first_month + 2, 1))


def deadline_of(end: date, grace_days: int) -> date:
    """The last day a round for a period ending on `end` is on time."""
    return add_days(end, grace_days, working=True)


def slots(rule: Rule, first: date, last: date) -> list[Slot]:
    """The periods of `rule` that end within [first, last], oldest first."""
    out = []
    start, end = period_of(rule.cadence, first)
    while end <= last:
        out.append(Slot(start, end, deadline_of(end, rule.grace_days)))
        start, end = period_of(rule.cadence, end + timedelta(days=1))
    return out


def recent_slots(rule: Rule, today: date, count: int = 8) -> list[Slot]:
    """The period holding `today` and the `count - 1` before it, newest first (the periods a
    round may be filed for)."""
    out = []
    start, end = period_of(rule.cadence, today)
    for _ in range(count):
        out.append(Slot(start, end, deadline_of(end, rule.grace_days)))
        start, end = period_of(rule.cadence, start - timedelta(days=1))
    return out


# ---- who screens, on which cadence -----------------------------------------------------------


def _staffed_by_a_centre() -> sa.Select:
    """The committees under which an active centre mediates (Organisation.committee_id, PML
    Art. 7): the centre's staff screen the place, and file the rounds as the centre."""
    centre = sa.orm.aliased(Organisation)
    return sa.select(centre.committee_id).where(
        centre.committee_id.is_not(None), centre.active.is_(True)
    )


def screening_condition() -> sa.ColumnElement[bool]:
    """SQL on Organisation: an active centre or village/township committee (whether its level
    screens is the cadence's question), not a committee a centre mediates under."""
    return sa.and_(
        Organisation.active.is_(True),
        Organisation.kind.in_([k.value for k in SCREENING_KINDS]),
        Organisation.id.not_in(_staffed_by_a_centre()),
    )


def level_rules() -> dict[RegionLevel, Rule]:
    """The cadence of each level: configured, else the default (one query)."""
    rules = {level: Rule(*DEFAULTS[level]) for level in LEVELS}
    for row in db.session.scalars(
        sa.select(ScreeningCadence).where(ScreeningCadence.level.is_not(None))
    ):
        rules[row.level] = Rule(row.cadence, row.grace_days)
    return rules


def rules_for(orgs: list[Organisation]) -> dict[int, Rule | None]:
    """Each organisation's cadence (its own, else its level's), None when it does not screen
    (not a centre or committee, inactive, or a level without a cadence). Two queries."""
    by_level = level_rules()
    ids = [o.id for o in orgs]
    own: dict[int, Rule] = {}
    under_centre = set(db.session.scalars(_staffed_by_a_centre()))
    for chunk in _chunks(ids):
        for row in db.session.scalars(
            sa.select(ScreeningCadence).where(ScreeningCadence.organisation_id.in_(chunk))
        ):
            own[row.organisation_id] = Rule(row.cadence, row.grace_days)
    out: dict[int, Rule | None] = {}
    for org in orgs:
        if not org.active or org.kind not in SCREENING_KINDS or org.id in under_centre:
            out[org.id] = None
        else:
            out[org.id] = own.get(org.id) or by_level.get(org.region.level)
    return out


def rule_for(org: Organisation) -> Rule | None:
    return rules_for([org])[org.id]


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# ---- compliance ------------------------------------------------------------------------------


@dataclass
class Compliance:
    """One organisation's rounds in a period: slots that ended in it, of which filed, overdue
    (deadline passed, none filed) and pending (deadline not passed yet, none filed)."""

    organisation: Organisation
    rule: Rule | None
    slots: list[Slot]
    filed: list[Slot]
    overdue: list[Slot]
    pending: list[Slot]
    nil_returns: int = 0

    @property
    def due(self) -> int:
        return len(self.slots)


def _check_span(start: date, end: date) -> None:
    if not (FIRST_DAY <= start <= LAST_DAY and FIRST_DAY <= end <= LAST_DAY):
        raise ValidationFailed(_l("Choose dates between 1900 and 2100."), field="start")
    if end < start:
        raise ValidationFailed(_l("The period ends before it starts."), field="end")
    if (end - start).days > MAX_SPAN_DAYS:
        raise ValidationFailed(_l("Choose a period of at most a year."), field="end")


def compliance(
    orgs: list[Organisation], start: date, end: date, today: date | None = None
) -> list[Compliance]:
    """The rounds of `orgs` for the periods ending within [start, end], as of `today`. Three
    queries (level cadences, own cadences, the rounds), whatever the number of organisations.
    Raises ValidationFailed for a period out of range or longer than a year."""
    _check_span(start, end)
    today = today or local_today()
    rules = rules_for(orgs)
    wanted = {o.id: slots(rules[o.id], start, end) if rules[o.id] else [] for o in orgs}
    earliest = min((s[0].start for s in wanted.values() if s), default=None)
    filed_ends: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    ids = [i for i, s in wanted.items() if s]
    if earliest is not None:
        for chunk in _chunks(ids):
            rows = db.session.execute(
                sa.select(
                    ScreeningRound.organisation_id,
                    ScreeningRound.period_end,
                    ScreeningRound.nil_return,
                ).where(
                    ScreeningRound.organisation_id.in_(chunk),
                    ScreeningRound.period_end >= earliest,
                    ScreeningRound.period_end <= end,
                )
            )
            for org_id, period_end, nil in rows:
                filed_ends[org_id].append((period_end, nil))
    out = []
    for org in orgs:
        row = Compliance(org, rules[org.id], wanted[org.id], [], [], [])
        ends = filed_ends.get(org.id, [])
        for slot in row.slots:
            # A round counts for the period its own period ends in (a cadence changed since
            # still finds its rounds).
            inside = [nil for e, nil in ends if slot.start <= e <= slot.end]
            if inside:
                row.filed.append(slot)
                row.nil_returns += all(inside)
            elif slot.deadline < today:
                row.overdue.append(slot)
            else:
                row.pending.append(slot)
        out.append(row)
    return out


def missed_rounds(
    org_ids: list[int], start: date, end: date, today: date | None = None
) -> dict[int, int]:
    """Per organisation, the number of cadence slots ending within [start, end] whose deadline
    has passed (by `today`, default today in China) with no round filed (nil returns count as
    filed). Organisations that do not screen (or unknown ids) count 0. For the assessment."""
    ids = list(dict.fromkeys(org_ids))
    orgs: list[Organisation] = []
    for chunk in _chunks(ids):
        orgs += db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(chunk)))
    counts = {i: 0 for i in ids}
    for row in compliance(orgs, start, end, today):
        counts[row.organisation.id] = len(row.overdue)
    return counts


def below(org: Organisation) -> sa.Select:
    """The screening organisations one level below `org` (of the regions directly under its
    region): those whose late rounds are flagged to it."""
    return (
        sa.select(Organisation)
        .join(Region, Organisation.region_id == Region.id)
        .where(Region.parent_id == org.region_id, screening_condition())
        .order_by(Region.code, Organisation.id)
    )


# ---- who files -------------------------------------------------------------------------------


def may_file(user: User, org: Organisation) -> bool:
    """Committee staff file their organisation's rounds and work its findings: the director
    and mediators of a committee, and the clerks, leaders, directors and mediators of a
    centre for that centre (its own rounds)."""
    return (
        user.role in {Role.DIRECTOR, Role.MEDIATOR, Role.CLERK, Role.LEADER}
        and user.organisation_id == org.id
        and org.active
        and org.kind in SCREENING_KINDS
    )


def _text(value, limit, field, *, required=None) -> str | None:
    text = (value or "").strip()
    if required is not None and not text:
        raise ValidationFailed(required, field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("Keep this under %(max)d characters.", max=limit), field=field)
    return text or None


def file_round(
    org: Organisation,
    actor: User,
    *,
    period_start: date,
    kind: RoundKind,
    held_on: date,
    nil_return: bool,
    summary: str | None,
    today: date | None = None,
) -> ScreeningRound:
    """File a round of `org` for the period of its cadence starting on `period_start`.

    Raises NotPermitted (not staff of the organisation, or it does not screen) or
    ValidationFailed (a day that starts no period, a period not begun yet, held before the
    period began or in the future, a round with findings but no summary)."""
    if not may_file(actor, org):
        raise NotPermitted()
    rule = rule_for(org)
    if rule is None:
        raise NotPermitted()
    today = today or local_today()
    if not isinstance(kind, RoundKind):
        raise ValidationFailed(_l("Choose the kind of round."), field="kind")
    if period_start is None or period_of(rule.cadence, period_start)[0] != period_start:
        raise ValidationFailed(_l("Choose the period the round covers."), field="period")
    if period_start > today:
        raise ValidationFailed(_l("That period has not begun yet."), field="period")
    if held_on is None or held_on > today:
        raise ValidationFailed(_l("The round cannot be held in the future."), field="held_on")
    if held_on < period_start:
        raise ValidationFailed(_l("The round was held before its period began."), field="held_on")
    summary = _text(
        summary,
        TEXT_MAX,
        "summary",
        required=None if nil_return else _l("Say what the round found, or file a nil return."),
    )
    start, end = period_of(rule.cadence, period_start)
    # One regular round per period (the cadence's); key and special rounds come on top of it
    # as often as they are held. A second regular round is a form sent twice.
    if kind == RoundKind.REGULAR and db.session.scalar(
        sa.select(ScreeningRound.id).where(
            ScreeningRound.organisation_id == org.id,
            ScreeningRound.period_end == end,
            ScreeningRound.kind == RoundKind.REGULAR,
        )
    ):
        raise ValidationFailed(
            _l("The regular round of this period is already filed: add what it found to it."),
            field="period",
        )
    round_ = ScreeningRound(
        organisation=org,
        cadence=rule.cadence,
        period_start=start,
        period_end=end,
        kind=kind,
        held_on=held_on,
        nil_return=bool(nil_return),
        summary=summary,
        filed_by=actor,
    )
    db.session.add(round_)
    db.session.flush()
    matters.record(
        ROUND,
        round_.id,
        "filed",
        actor,
        org=org,
        note=summary,
        data={
            "period": [start.isoformat(), end.isoformat()],
            "kind": kind.value,
            "nil_return": bool(nil_return),
            "late": today > deadline_of(end, rule.grace_days),
        },
    )
    return round_


# ---- findings --------------------------------------------------------------------------------


@dataclass
class FoundCase:
    """A finding registered as a case: what the dispute is and who is in it (names only; the
    desk completes the parties when it screens the case)."""

    dispute_type: DisputeType
    summary: str
    respondent: str
    applicant: str | None = None
    risk_level: RiskLevel = RiskLevel.NONE


@dataclass
class Watched:
    """A finding put on the watch list."""

    description: str
    risk_level: RiskLevel
    place: str | None = None
    parties: str | None = None
    dispute_type: DisputeType | None = None
    flags: tuple[RiskFlag, ...] = ()


def _open_round(round_: ScreeningRound, actor: User) -> None:
    if not may_file(actor, round_.organisation):
        raise NotPermitted()
    if round_.nil_return:
        raise ValidationFailed(_l("This round was filed as a nil return: it found nothing to add."))


def _case_data(org: Organisation, found: FoundCase) -> CaseData:
    if not isinstance(found.dispute_type, DisputeType):
        raise ValidationFailed(_l("Choose the dispute type."), field="dispute_type")
    if not isinstance(found.risk_level, RiskLevel):
        raise ValidationFailed(_l("Choose a risk level from the list."), field="risk_level")
    summary = _text(found.summary, TEXT_MAX, "summary", required=_l("Describe the dispute."))
    respondent = _text(
        found.respondent, NAME_MAX, "respondent", required=_l("Name the other party.")
    )
    applicant = _text(found.applicant, NAME_MAX, "applicant")
    parties = [PartyData(role=PartyRole.RESPONDENT, name=respondent)]
    if applicant:
        parties.insert(0, PartyData(role=PartyRole.APPLICANT, name=applicant))
    return CaseData(
        region=org.region,
        dispute_type=found.dispute_type,
        summary=summary,
        parties=parties,
        risk_level=found.risk_level,
    )


def add_case_finding(
    round_: ScreeningRound, actor: User, found: FoundCase, *, now: datetime | None = None
):
    """Register what the round found as an initiative case (主动调解) at the organisation.
    Returns the case. Raises NotPermitted, ValidationFailed."""
    _open_round(round_, actor)
    data = _case_data(round_.organisation, found)
    case, _code = register_found(
        data,
        actor,
        round_.organisation,
        now=now,
        event_data={"screening_round": round_.id},
    )
    db.session.add(ScreeningFinding(round=round_, case=case))
    db.session.flush()
    matters.record(
        ROUND,
        round_.id,
        "finding_case",
        actor,
        org=round_.organisation,
        data={"case": case.number},
    )
    return case


def _watch_fields(watched: Watched) -> dict:
    if not isinstance(watched.risk_level, RiskLevel):
        raise ValidationFailed(_l("Choose a risk level from the list."), field="risk_level")
    if watched.dispute_type is not None and not isinstance(watched.dispute_type, DisputeType):
        raise ValidationFailed(_l("Choose the dispute type."), field="dispute_type")
    if any(not isinstance(f, RiskFlag) for f in watched.flags):
        raise ValidationFailed(_l("Choose risk flags from the list."), field="flags")
    return dict(
        description=_text(
            watched.description, TEXT_MAX, "description", required=_l("Describe what is watched.")
        ),
        place=_text(watched.place, SHORT_MAX, "place"),
        parties=_text(watched.parties, PARTIES_MAX, "parties"),
        dispute_type=watched.dispute_type,
        risk_level=watched.risk_level,
        flags=[f.value for f in RiskFlag if f in set(watched.flags)],
    )


def add_watch_finding(round_: ScreeningRound, actor: User, watched: Watched) -> WatchItem:
    """Put what the round found on the watch list. Raises NotPermitted, ValidationFailed."""
    _open_round(round_, actor)
    item = WatchItem(
        organisation=round_.organisation,
        round=round_,
        created_by=actor,
        status=WatchStatus.OPEN,
        **_watch_fields(watched),
    )
    db.session.add(item)
    db.session.add(ScreeningFinding(round=round_, watch_item=item))
    db.session.flush()
    matters.record(
        WATCH,
        item.id,
        "created",
        actor,
        org=item.organisation,
        note=item.description,
        data={"round": round_.id, "level": item.risk_level.value, "flags": item.flags},
    )
    matters.record(
        ROUND, round_.id, "finding_watch", actor, org=round_.organisation, data={"watch": item.id}
    )
    _raise_watch_warning(item)
    return item


def _raise_watch_warning(item: WatchItem) -> None:
    for warning in db.session.scalars(
        sa.select(RiskWarning).where(
            RiskWarning.watch_item_id == item.id, RiskWarning.closed_at.is_(None)
        )
    ):
        warning.closed_at = utcnow()
    if item.status == WatchStatus.OPEN and item.risk_level != RiskLevel.NONE:
        db.session.add(
            RiskWarning(watch_item=item, level=item.risk_level, organisation=item.organisation)
        )
    db.session.flush()


def _open_item(item: WatchItem, actor: User, version: int | None) -> None:
    if not may_file(actor, item.organisation):
        raise NotPermitted()
    if version is not None and version != item.version:
        raise StaleCase()
    if item.status != WatchStatus.OPEN:
        raise ValidationFailed(_l("This item is no longer on the watch list."))


def set_watch_risk(
    item: WatchItem,
    actor: User,
    *,
    version: int | None,
    level: RiskLevel,
    flags: tuple[RiskFlag, ...],
    reason: str | None,
) -> None:
    """Change a watched item's colour and flags, with the reason: a new colour raises a new
    warning. Raises NotPermitted, StaleCase, ValidationFailed."""
    _open_item(item, actor, version)
    reason = _text(reason, TEXT_MAX, "reason", required=_l("Say why the risk changed."))
    fields = _watch_fields(
        Watched(item.description, level, item.place, item.parties, item.dispute_type, flags)
    )
    if fields["risk_level"] == item.risk_level and fields["flags"] == item.flags:
        raise ValidationFailed(_l("Nothing was changed: change the level or a flag."))
    before = {"level": item.risk_level.value, "flags": item.flags}
    colour_changed = fields["risk_level"] != item.risk_level
    item.risk_level, item.flags = fields["risk_level"], fields["flags"]
    matters.record(
        WATCH,
        item.id,
        "risk",
        actor,
        org=item.organisation,
        note=reason,
        data={"before": before, "after": {"level": item.risk_level.value, "flags": item.flags}},
    )
    if colour_changed:
        _raise_watch_warning(item)
    db.session.flush()


def resolve_watch(item: WatchItem, actor: User, *, version: int | None, note: str | None):
    """The watched dispute settled without a case. Raises NotPermitted, StaleCase,
    ValidationFailed."""
    _open_item(item, actor, version)
    note = _text(note, TEXT_MAX, "note", required=_l("Say how it was resolved."))
    item.status = WatchStatus.RESOLVED
    matters.record(WATCH, item.id, "resolved", actor, org=item.organisation, note=note)
    _raise_watch_warning(item)


def watch_to_case(
    item: WatchItem,
    actor: User,
    *,
    version: int | None,
    found: FoundCase,
    now: datetime | None = None,
):
    """Register a watched dispute as an initiative case (it is then off the watch list; its
    warning goes over to the case's own, which the colour raises). Returns the case."""
    _open_item(item, actor, version)
    if found.risk_level in (None, RiskLevel.NONE):
        found.risk_level = item.risk_level
    data = _case_data(item.organisation, found)
    case, _code = register_found(
        data,
        actor,
        item.organisation,
        now=now,
        event_data={"watch_item": item.id, "screening_round": item.round_id},
    )
    item.status = WatchStatus.BECAME_CASE
    item.case = case
    db.session.flush()
    matters.record(
        WATCH, item.id, "became_case", actor, org=item.organisation, data={"case": case.number}
    )
    _raise_watch_warning(item)
    return case


# ---- cadence configuration (administrators) -------------------------------------------------


def set_level_cadence(actor: User, level: RegionLevel, cadence: Cadence, grace_days: int):
    if actor.role != Role.ADMIN:
        raise NotPermitted()
    if level not in LEVELS:
        raise ValidationFailed(_l("Choose a level."), field="level")
    _check_rule(cadence, grace_days)
    row = db.session.scalar(sa.select(ScreeningCadence).where(ScreeningCadence.level == level))
    if row is None:
        row = ScreeningCadence(level=level, cadence=cadence, grace_days=grace_days)
        db.session.add(row)
    row.cadence, row.grace_days = cadence, grace_days
    db.session.flush()
    matters.record(
        "screening_cadence",
        row.id,
        "set",
        actor,
        data={"level": level.value, "cadence": cadence.value, "grace_days": grace_days},
    )
    return row


def set_org_cadence(actor: User, org: Organisation, cadence: Cadence, grace_days: int):
    """An organisation's own cadence (an override of its level's)."""
    if actor.role != Role.ADMIN:
        raise NotPermitted()
    if org.kind not in SCREENING_KINDS:
        raise ValidationFailed(
            _l("Only centres and village or township committees screen."), field="organisation"
        )
    _check_rule(cadence, grace_days)
    row = db.session.scalar(
        sa.select(ScreeningCadence).where(ScreeningCadence.organisation_id == org.id)
    )
    if row is None:
        row = ScreeningCadence(organisation=org, cadence=cadence, grace_days=grace_days)
        db.session.add(row)
    row.cadence, row.grace_days = cadence, grace_days
    db.session.flush()
    matters.record(
        "screening_cadence",
        row.id,
        "set",
        actor,
        org=org,
        data={"cadence": cadence.value, "grace_days": grace_days},
    )
    return row


def remove_org_cadence(actor: User, row: ScreeningCadence) -> None:
    if actor.role != Role.ADMIN or row.organisation_id is None:
        raise NotPermitted()
    matters.record("screening_cadence", row.id, "removed", actor, org=row.organisation_id)
    db.session.delete(row)
    db.session.flush()


def _check_rule(cadence: Cadence, grace_days: int) -> None:
    if not isinstance(cadence, Cadence):
        raise ValidationFailed(_l("Choose a cadence."), field="cadence")
    if grace_days is None or not 0 <= grace_days <= MAX_GRACE:
        raise ValidationFailed(
            _l("Enter 0 to %(max)d working days.", max=MAX_GRACE), field="grace_days"
        )
