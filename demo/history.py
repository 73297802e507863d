"""The demo world's past: the cases of last year and of this year up to the seed's own recent
cases, all closed, so the dashboard has real shapes (a seasonal trend, the mix of sources and
types, outcomes, confirmations and visits) and this year can be set against last year.

Written as ledger lines in one flush (no workflow, no documents), with its own random
generator so the rest of the demo world stays as it was: about 800 cases in a second or two.
Their numbers come first in each year and county (the seed's cases follow them), and their
timelines hold the main steps (registered, accepted, dispatched, mediator named, the
outcome, the visit, the ruling).

Shapes (invented, plausible for a rural county in Hubei): more cases before the Spring
Festival and at year end (wages and debts), fewer in the Festival's month and in October's
holiday; land disputes at planting and harvest, neighbours' quarrels in summer; this year
about 12% busier than last, with more parties applying online themselves.
"""

from __future__ import annotations

import random
import string
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from demo.people import mobile, person_name, resident_id
from demo.world import DemoWorld
from domain import stat_summary
from domain.calendar import CHINA
from domain.codes import hash_query_code, new_query_code
from domain.identity import normalise_id_number, normalise_phone
from domain.states import Action
from extensions import db
from models import (
    Agreement,
    Case,
    CaseMediator,
    CaseSequence,
    Event,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Organisation,
    Party,
    Region,
    User,
)
from models.enums import (
    AgreementKind,
    Channel,
    ClosureReason,
    ConsentStatus,
    ContactMethod,
    DisputeType,
    NoticeAck,
    PartyRole,
    Performance,
    RegionLevel,
    Role,
    Ruling,
    Satisfaction,
    SessionMode,
    Sex,
    Source,
)
from models.states import CaseState

# The history ends this many days before today: the seed's own cases fill the months since.
HISTORY_ENDS_DAYS_AGO = 92
# Cases accepted in an average month of last year.
MONTHLY_CASES = 36
GROWTH = 1.12  # this year against last

SEASON = {1: 1.35, 2: 0.75, 3: 1.0, 4: 1.05, 5: 0.95, 6: 1.05, 7: 1.1, 8: 1.0, 9: 0.95, 10: 0.85,
          11: 1.0, 12: 1.3}  # fmt: skip
TYPE_WEIGHT = {"LL": 22, "HYJT": 14, "FWZJD": 9, "HT": 9, "SCJY": 4, "SHPC": 8, "SLTD": 7,
               "ZDCQ": 2, "HJWR": 2, "LDZY": 6, "XF": 3, "YL": 2, "DLJT": 7, "WY": 3,
               "QT": 2}  # fmt: skip
# Types that come in their seasons (month -> factor).
TYPE_SEASON = {
    "LDZY": {12: 3.0, 1: 3.0, 2: 1.5},
    "HT": {12: 1.6, 1: 1.6},
    "HYJT": {1: 1.5, 2: 1.8},
    "SLTD": {3: 2.0, 4: 2.0, 9: 1.6, 10: 1.8},
    "LL": {6: 1.3, 7: 1.4, 8: 1.3},
}
SOURCE_WEIGHT = [
    (Source.APPLICATION, 55),
    (Source.INITIATIVE, 14),
    (Source.COURT, 15),
    (Source.POLICE, 8),
    (Source.PETITION, 5),
    (Source.GOVERNMENT, 3),
]
# How each case ended (the rest: an agreement).
ENDINGS = [
    (ClosureReason.FAILED, 6),
    (ClosureReason.PARTY_WITHDREW, 2),
    (ClosureReason.UNREACHABLE, 1),
    (ClosureReason.PARTY_REFUSED, 1.5),
    (ClosureReason.NOT_ACCEPTED, 1.5),
    (None, 88),  # an agreement
]
STATE_OF = {
    ClosureReason.FAILED: CaseState.FAILED,
    ClosureReason.PARTY_WITHDREW: CaseState.TERMINATED,
    ClosureReason.UNREACHABLE: CaseState.TERMINATED,
    ClosureReason.PARTY_REFUSED: CaseState.REFUSED,
    ClosureReason.NOT_ACCEPTED: CaseState.NOT_ACCEPTED,
    ClosureReason.AGREEMENT_WRITTEN: CaseState.AGREED,
    ClosureReason.AGREEMENT_ORAL: CaseState.AGREED,
}
AMOUNT_TYPES = {"HT", "SHPC", "LDZY", "DLJT", "YL", "XF", "WY", "SCJY", "FWZJD", "ZDCQ"}


class _Blank(dict):
    """Template fields the history does not fill read as nothing."""

    def __missing__(self, key):
        return ""


def make_history(world: DemoWorld) -> int:
    """Add the past cases; returns how many."""
    rng = random.Random(world.seed * 31 + 15)
    end = world.today - timedelta(days=HISTORY_ENDS_DAYS_AGO)
    start = date(world.today.year - 1, 1, 1)
    if end <= start:
        return 0
    places = _places(world)
    handlers = _handlers(world)
    code_hash = hash_query_code(new_query_code())  # nobody knows it: old cases are not looked up
    staff_names = {u.name for u in world.users.values()}
    sequence: dict[tuple[int, str], int] = {}
    made = _months(world, rng, start, end, places, handlers, code_hash, staff_names, sequence)
    for (year, county), last in sequence.items():
        db.session.add(CaseSequence(year=year, county_code=county, last=last))
    db.session.flush()
    world.result.created["past cases"] = made
    return made


def _months(world, rng, day, end, places, handlers, code_hash, staff_names, sequence) -> int:
    lines: list[_Line] = []
    while day <= end:
        # The days of this month in the history, [day, stop).
        stop = min(date(day.year + day.month // 12, day.month % 12 + 1, 1), end + timedelta(1))
        share = (stop - day).days / 30.4
        growth = GROWTH if day.year == world.today.year else 1.0
        count = round(MONTHLY_CASES * SEASON[day.month] * growth * share * rng.uniform(0.9, 1.1))
        drawn = sorted(
            _office_moment(rng, day + timedelta(days=rng.randrange((stop - day).days)))
            for _ in range(count)
        )
        for created in drawn:  # numbers follow time
            line = _case(world, rng, created, places, handlers, code_hash, staff_names)
            key = (created.astimezone(CHINA).year, line.case["region_code"][:6])
            sequence[key] = sequence.get(key, 0) + 1
            line.case["number"] = f"{key[0]}-{key[1]}-{sequence[key]:06d}"
            lines.append(line)
        day = stop
    _write(lines)
    return len(lines)


class _Line:
    """One past case as rows of each table, before its id is known."""

    def __init__(self, case: dict):
        self.case = case
        self.parties: list[dict] = []
        self.events: list[dict] = []
        self.mediators: list[dict] = []
        self.sessions: list[dict] = []
        self.agreement: dict | None = None
        self.visits: list[dict] = []
        self.confirmations: list[dict] = []


def _write(lines: list[_Line]) -> None:
    """Insert every line: the cases first (their ids come back in order), then the rows that
    point to them. A few executemany statements, no unit of work."""
    ids = db.session.scalars(
        sa.insert(Case).returning(Case.id, sort_by_parameter_order=True),
        [line.case for line in lines],
    ).all()
    for line in lines:  # ids follow time, as on a real timeline
        line.events.sort(key=lambda e: e["at"])
    children = [
        (Party, "parties"),
        (Event, "events"),
        (CaseMediator, "mediators"),
        (MediationSession, "sessions"),
        (FollowUp, "visits"),
        (JudicialConfirmation, "confirmations"),
    ]
    for model, name in children:
        rows = [{**row, "case_id": i} for i, line in zip(ids, lines, strict=True)
                for row in getattr(line, name)]  # fmt: skip
        if rows:
            db.session.execute(sa.insert(model), rows)
    agreements = [{**line.agreement, "case_id": i} for i, line in zip(ids, lines, strict=True)
                  if line.agreement]  # fmt: skip
    if agreements:
        db.session.execute(sa.insert(Agreement), agreements)
    stat_summary.add_cases(ids)  # written around the unit of work: summed in here


def _places(world: DemoWorld) -> list[Region]:
    """The villages and communities where disputes happen."""
    return sorted(
        (r for r in world.regions.values() if r.level == RegionLevel.VILLAGE),
        key=lambda r: r.code,
    )


def _handlers(world: DemoWorld) -> dict:
    """The organisations with mediators, and their mediators."""
    staff: dict[int, list[User]] = {}
    for user in world.users.values():
        if user.role in (Role.MEDIATOR, Role.DIRECTOR):
            staff.setdefault(user.organisation_id, []).append(user)
    for people in staff.values():
        people.sort(key=lambda u: (u.role != Role.MEDIATOR, u.username))
    return {
        "staff": staff,
        "orgs": {o.id: o for o in world.orgs.values()},
        "clerks": {"421022": world.users["clerk"], "421087": world.users["clerk2"]},
    }


def _office_moment(rng: random.Random, day: date) -> datetime:
    minutes = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=CHINA)
    return local.astimezone(UTC)


def _later(rng: random.Random, moment: datetime, lo_days: float, hi_days: float) -> datetime:
    """A later moment, moved into office hours (the next morning after closing time): never
    before `moment`, so a timeline reads in order."""
    later = (moment + timedelta(days=rng.uniform(lo_days, hi_days))).astimezone(CHINA)
    if later.hour < 8 or (later.hour, later.minute) < (8, 30):
        later = later.replace(hour=8, minute=30 + rng.randrange(30))
    elif later.hour >= 18:
        later = (later + timedelta(days=1)).replace(hour=8, minute=30 + rng.randrange(30))
    return max(later.astimezone(UTC), moment + timedelta(minutes=5))


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def _handler(world: DemoWorld, handlers: dict, place: Region, dtype: str) -> Organisation:
    """The county's industry committee for its types, the village's committee when it has
    mediators, else the township's centre (else any staffed organisation of the county)."""
    county = place.code[:6]
    staffed = handlers["staff"]
    for (c, _slug), name in world.industry.items():
        org = world.orgs.get(name)
        if c == county and org is not None and dtype in org.dispute_types and org.id in staffed:
            return org
    village = world.orgs.get(world.village_committee.get(place.code, ""))
    if village is not None and village.id in staffed:
        return village
    centre = world.orgs[world.township_centre[place.code[:9]]]
    if centre.id in staffed:
        return centre
    return next(
        o for o in handlers["orgs"].values() if o.id in staffed and o.region.code[:6] == county
    )


def _case(world, rng, created, places, handlers, code_hash, staff_names) -> _Line:
    month = created.astimezone(CHINA).month
    this_year = created.astimezone(CHINA).year == world.today.year
    dtype = _pick(
        rng, [(t, w * TYPE_SEASON.get(t, {}).get(month, 1.0)) for t, w in TYPE_WEIGHT.items()]
    )
    source = _pick(rng, SOURCE_WEIGHT)
    online_share = 0.3 if this_year else 0.18
    if source == Source.APPLICATION:
        channel = _pick(
            rng, [(Channel.ONLINE, online_share), (Channel.WALK_IN, 0.6), (Channel.PHONE, 0.12)]
        )
    elif source == Source.INITIATIVE:
        channel = Channel.SCREENING
    else:
        channel = Channel.REFERRAL
    place = rng.choice(places)
    county = place.code[:6]
    clerk = handlers["clerks"][county]
    ending = _pick(rng, ENDINGS)
    if ending is None:
        oral = dtype in ("LL", "HYJT") and rng.random() < 0.5
        ending = ClosureReason.AGREEMENT_ORAL if oral else ClosureReason.AGREEMENT_WRITTEN
    amount = None
    if dtype in AMOUNT_TYPES or rng.random() < 0.15:
        amount = Decimal(int(rng.lognormvariate(9.3, 1.0) // 100 * 100 + 500))
    names = [_name(rng, staff_names) for _ in range(2)]
    summary, requests = _texts(world, rng, dtype, names, place)
    case = dict(
        query_code_hash=code_hash,
        state=STATE_OF[ending],
        source=source,
        channel=channel,
        dispute_type=DisputeType(dtype),
        summary=summary,
        requests=requests,
        amount=amount,
        region_id=place.id,
        region_code=place.code,
        intake_org_id=world.orgs[world.county_centre[county]].id,
        registered_by_id=None if channel == Channel.ONLINE else clerk.id,
        created_at=created,
    )
    line = _Line(case)
    for position, ((name, sex), role) in enumerate(
        zip(names, (PartyRole.APPLICANT, PartyRole.RESPONDENT), strict=True)
    ):
        born = rng.randrange(1950, 2002)
        phone = mobile(rng)
        id_number = None
        if role == PartyRole.APPLICANT:  # stored compact, as the desk stores it
            id_number = normalise_id_number(resident_id(rng, county, born, sex))
        line.parties.append(
            dict(
                position=position,
                role=role,
                name=name,
                sex=sex,
                age=created.year - born,
                address=f"{world.place_name(place)}{rng.randrange(1, 12)}组",
                phone=phone,
                phone_norm=normalise_phone(phone),  # the copies the lookups read
                id_number=id_number,
                id_number_norm=id_number,
            )
        )
    events = [
        _event(
            line,
            Action.REGISTER,
            created,
            None if channel == Channel.ONLINE else clerk,
            None,
            CaseState.REGISTERED,
        )
    ]
    if ending == ClosureReason.NOT_ACCEPTED:
        closed = _later(rng, created, 0.2, 3 if rng.random() < 0.9 else 9)
        case.update(closed_at=closed, closure_reason=ending)
        case["not_accepted_reason"] = "不属于人民调解受理范围"
        case["redirect_advice"] = "请向人民法院起诉或向有关行政机关申请处理"
        events.append(
            _event(
                line, Action.NOT_ACCEPT, closed, clerk, CaseState.REGISTERED, CaseState.NOT_ACCEPTED
            )
        )
        return line
    # Most applications are screened within the 3 working days promised; some wait longer.
    accepted = _later(rng, created, 0.05, 2.5 if rng.random() < 0.9 else 9)
    start = accepted.astimezone(CHINA).date()
    case.update(accepted_at=accepted, clock_start=start, time_limit_days=30)
    case["due_on"] = start + timedelta(days=30)
    events.append(
        _event(line, Action.ACCEPT, accepted, clerk, CaseState.REGISTERED, CaseState.ACCEPTED)
    )
    # At the committee every party agreed to mediate and acknowledged the notice of rights
    # and obligations (PML Art. 17; MOJ-2002 Art. 30) before any session; one refuses in a
    # refused case.
    for party in line.parties:
        refused = ending == ClosureReason.PARTY_REFUSED and party["role"] == PartyRole.RESPONDENT
        party.update(
            consent=ConsentStatus.REFUSED if refused else ConsentStatus.AGREED,
            consent_method=ContactMethod.PHONE,
            consent_at=accepted + timedelta(hours=2),
            notice_ack=NoticeAck.NONE if refused else NoticeAck.ORAL,
            notice_ack_at=None if refused else accepted + timedelta(hours=2),
        )
    org = _handler(world, handlers, place, dtype)
    mediator = rng.choice(handlers["staff"][org.id])
    case["handling_org_id"] = org.id
    dispatched = accepted + timedelta(minutes=rng.randrange(20, 240))
    assigned = dispatched + timedelta(hours=rng.uniform(1, 30))
    events += [
        _event(line, Action.DISPATCH, dispatched, clerk, CaseState.ACCEPTED, CaseState.DISPATCHED),
        _event(line, Action.ASSIGN, assigned, clerk, CaseState.DISPATCHED, CaseState.MEDIATING),
    ]
    line.mediators.append(
        dict(user_id=mediator.id, presiding=True, active=True, assigned_at=assigned,
             declared_no_conflict_at=assigned)
    )  # fmt: skip
    closed = _later(rng, assigned, 1, 28 if ending != ClosureReason.FAILED else 40)
    case.update(closed_at=closed, closure_reason=ending)
    if ending == ClosureReason.PARTY_REFUSED:
        case["closure_notice"] = "一方当事人拒绝调解，可通过仲裁、行政或诉讼途径解决。"
        events.append(
            _event(line, Action.REFUSE, closed, mediator, CaseState.MEDIATING, CaseState.REFUSED)
        )
        return line
    session_at = _later(rng, assigned, 0.5, max(0.6, (closed - assigned).days))
    session_at = min(session_at, closed)
    line.sessions.append(
        dict(held_at=session_at, place="调解室", mode=SessionMode.IN_PERSON,
             notes="双方陈述事实，调解员释法说理。", recorded_by_id=mediator.id,
             created_at=session_at)
    )  # fmt: skip
    events.append(
        _event(
            line,
            Action.RECORD_SESSION,
            session_at,
            mediator,
            CaseState.MEDIATING,
            CaseState.MEDIATING,
        )
    )
    if ending in (ClosureReason.FAILED, ClosureReason.PARTY_WITHDREW, ClosureReason.UNREACHABLE):
        action = Action.RECORD_FAILURE if ending == ClosureReason.FAILED else Action.TERMINATE
        if ending == ClosureReason.FAILED:
            # Failed twice, then in joint mediation one level up (the seed's rule).
            case.update(failure_reason="双方分歧过大，未能达成协议", failure_count=2)
        case["closure_notice"] = "可通过仲裁、行政或诉讼途径解决。"
        events.append(_event(line, action, closed, mediator, CaseState.MEDIATING, STATE_OF[ending]))
        if source == Source.PETITION:
            _visit(line, rng, closed, mediator, events, performance=None)
        return line
    agreed_on = closed.astimezone(CHINA).date()
    written = ending == ClosureReason.AGREEMENT_WRITTEN
    performance = _pick(
        rng,
        [(Performance.PERFORMED, 88), (Performance.PARTLY, 6), (Performance.NOT_PERFORMED, 2),
         (Performance.PENDING, 4)],
    )  # fmt: skip
    line.agreement = dict(
        kind=AgreementKind.WRITTEN if written else AgreementKind.ORAL,
        terms=["双方按本协议约定履行"],
        performance_manner="自行履行" if written else None,
        performance_deadline=agreed_on + timedelta(days=rng.randrange(5, 30)),
        agreed_on=agreed_on,
        effective_on=agreed_on,
        recorded_by_id=mediator.id,
        created_at=closed,
        performance=[performance.value],
        performance_status=performance,
    )
    events.append(
        _event(
            line, Action.RECORD_AGREEMENT, closed, mediator, CaseState.MEDIATING, CaseState.AGREED
        )
    )
    _visit(line, rng, closed, mediator, events, performance=performance)
    court_share = 0.45 if source == Source.COURT else 0.08
    if written and rng.random() < court_share:
        applied = agreed_on + timedelta(days=rng.randrange(2, 25))
        ruled = applied + timedelta(days=rng.randrange(3, 15))
        if ruled < world.today - timedelta(days=HISTORY_ENDS_DAYS_AGO // 2):
            line.confirmations.append(
                dict(
                    court=f"{world.regions[county].name}人民法院",
                    applied_on=applied,
                    all_parties_joined=True,
                    ruling=Ruling.CONFIRMED,
                    ruling_number=f"（{ruled.year}）鄂{county[2:]}民特{rng.randrange(1, 999)}号",
                    ruled_on=ruled,
                    recorded_by_id=mediator.id,
                )
            )
            events.append(
                _event(
                    line,
                    Action.RECORD_RULING,
                    _office_moment(rng, ruled),
                    mediator,
                    CaseState.AGREED,
                    CaseState.AGREED,
                )
            )
    return line


def _visit(line, rng, closed, mediator, events, performance) -> None:
    """The follow-up visit due within a month; nearly always made (a few forgotten)."""
    due = closed.astimezone(CHINA).date() + timedelta(days=30)
    visit = dict(due_on=due, reason="agreement" if line.agreement else "petition")
    if rng.random() < 0.97:
        when = _later(rng, closed, 7, 34)
        visit.update(done_at=when, visited_on=when.astimezone(CHINA).date(), visitor_id=mediator.id)
        visit["performance"] = performance
        visit["satisfaction"] = _pick(
            rng,
            [
                (Satisfaction.SATISFIED, 80),
                (Satisfaction.BASICALLY, 17),
                (Satisfaction.DISSATISFIED, 3),
            ],
        )
        state = line.case["state"]
        events.append(_event(line, Action.RECORD_FOLLOW_UP, when, mediator, state, state))
    line.visits.append(visit)


def _event(line, action: Action, at: datetime, actor, before, after) -> dict:
    event = dict(
        at=at,
        actor_id=actor.id if actor is not None else None,
        action=action.value,
        from_state=before.value if before else None,
        to_state=after.value if after else None,
        public=action in (Action.REGISTER, Action.ACCEPT, Action.RECORD_AGREEMENT),
        data={},
    )
    line.events.append(event)
    return event


def _name(rng: random.Random, staff_names: set[str]) -> tuple[str, Sex]:
    while True:
        name, sex = person_name(rng)
        if name not in staff_names:
            return name, sex


def _texts(world, rng, dtype, names, place) -> tuple[str, list[str]]:
    """The summary and requests of one of the type's templates (data/demo_cases.json)."""
    template = rng.choice(world.texts["types"][dtype])
    fields = _Blank(
        a=names[0][0],
        r=names[1][0],
        place=world.place_name(place),
        age=rng.randrange(60, 86),
        pay=rng.randrange(5, 90) * 100,
        n=rng.randrange(2, 9),
        town=world.township(place).name,
        county=world.regions[place.code[:6]].name,
    )
    fmt = string.Formatter()

    def fill(text: str) -> str:
        return fmt.vformat(text, (), fields)

    return fill(template["summary"]), [fill(r) for r in template.get("requests", [])]
