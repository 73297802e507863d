"""Statistics by the justice bureaus' definitions: the figures a centre reports, each counted by
its own date, for any period, broken down by source, dispute type, level, organisation, region
or mediator, within the viewer's scope.

What counts a case into a period (the counting date) differs by indicator:

| family | counting date | indicators |
|---|---|---|
| accepted | `Case.accepted_at` (受理) | 受理数 and its split by source |
| closed | `Case.closed_at` (mediation ended) | 调解数, 调解成功数, 协议涉及金额, 协议履行 |
| confirmed | the first confirming `JudicialConfirmation.ruled_on` | 司法确认数 |
| visits | the case's latest `FollowUp.due_on` | 应回访, 已回访 |
| registered | `Case.created_at` (登记) | 登记数, 自主申请 (online), 排查发现, 合格响应 |
| satisfaction | `PartyFeedback.answered_at` (the party's answer) | 满意率 |

So a case accepted in December and settled in January counts into December's 受理数 and
January's 调解数: a period's 调解率 can exceed 100%. A case merged into another (the same
dispute registered twice) counts once, as the case that goes on: merged cases count nowhere.

- 调解数: mediation ended in the period with an outcome of mediation: an agreement, a failure,
  or an ending while mediating (a party withdrew or could not be reached, the period expired,
  a party refused to sign). Not counted: not accepted, a party refused mediation (it never
  began, PML Art. 17), transferred to another body, merged.
- 调解成功数: of those, ended by an agreement, written or oral (PML Arts. 28-30).
- 调解成功率 has two denominators (the bulletins do not say which they divide by; when every
  accepted case was mediated they agree): 成功数 ÷ 调解数 and 成功数 ÷ 受理数. Every rate carries
  its formula, and the screen shows it.
- 司法确认数: cases whose agreement a court confirmed (PML Art. 33), on the first confirming
  ruling's date.
- 回访率: cases whose latest follow-up visit (the one the case owes now: a re-mediated
  agreement's visit replaces the earlier) is due in the period (and already due, or made
  early), and of those the visited.
- 协议履行率: agreements of the period (调解成功数) whose terms are all performed.
- 协议涉及金额: the amounts in dispute of the cases settled by agreement in the period.
- 自主申请率: applications the parties filed themselves online ÷ all cases registered, per month.
- 案件合格响应率: online applications answered (accepted, or closed: not accepted, refused,
  transferred) within RESPONSE_WORKING_DAYS working days after the day they were filed (the
  promise on the citizen's status page), of those answered or whose time has run out.
- 满意率: the parties who answered, on their own page after mediation ended, that they are
  satisfied or basically satisfied ÷ the parties who answered (one answer per party), counted
  on the day of the answer. A count of parties, not of cases: the list behind it shows the
  cases those parties belong to. The satisfaction a mediator records at the follow-up visit
  (FollowUp.satisfaction) does not count: it is the mediator's note of what a party said, and
  counting both would count a party twice; the formula says so. Read from the answers
  themselves (the monthly summary does not keep them), whatever the period.
- 排查次数: screening rounds held in the period (by the day held) by the organisations of the
  area, nil returns (零报告) among them, and the disputes put on a watch list
  (prevention_counts()). What a mediation prevented (防止民间纠纷转化为刑事案件, 防止群体性
  上访…) is not recorded by the portal: the reports say so instead of a number. Disputes found
  in screening (排查发现纠纷数) are the cases registered from screening.

Every case counts once per figure, on one date, so days and months add up. Every figure is one
aggregate query on indexed columns (migration "statistics indexes"), no case is loaded into
Python; the settled whole months come from the monthly summary that every change of a case
keeps current (domain.stat_summary). The cases behind a figure are selected by the same
conditions (case_condition), so a figure and its list of cases always agree (满意率's two
counts are of parties: their list has the cases those parties belong to, one row each).
"""

from __future__ import annotations

import bisect
import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
import sqlalchemy.ext.compiler
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp

from domain import stat_summary
from domain.calendar import CHINA, add_days, is_workday, local_today
from domain.permissions import case_scope
from extensions import db
from models import (
    Agreement,
    Case,
    CaseMediator,
    FollowUp,
    JudicialConfirmation,
    Organisation,
    PartyFeedback,
    Region,
    ScreeningRound,
    User,
    WatchItem,
    code_range,
)
from models.enums import (
    Channel,
    ClosureReason,
    DisputeType,
    LabelledEnum,
    OrgKind,
    Performance,
    RegionLevel,
    Role,
    Ruling,
    Satisfaction,
    Source,
)
from models.states import CaseState

# An online application is answered within this many working days after the day it was filed
# (the citizen's status page promises it: "usually within 3 working days").
RESPONSE_WORKING_DAYS = 3

# The longest period a page or command counts (a bound on the work of one request).
MAX_PERIOD_YEARS = 10

SUCCESS_REASONS = (ClosureReason.AGREEMENT_WRITTEN, ClosureReason.AGREEMENT_ORAL)
# Mediation took place and ended (see the module's docstring).
MEDIATED_REASONS = (
    *SUCCESS_REASONS,
    ClosureReason.FAILED,
    ClosureReason.PARTY_WITHDREW,
    ClosureReason.UNREACHABLE,
    ClosureReason.PERIOD_EXPIRED,
    ClosureReason.REFUSED_TO_SIGN,
)


# ---- periods ------------------------------------------------------------------------------


def start_of_day(day: date) -> datetime:
    """The first moment of a China calendar day."""
    return datetime.combine(day, time(0), tzinfo=CHINA)


@dataclass(frozen=True)
class Period:
    """China calendar days from `start` to `end`, both included."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def since(self) -> datetime:
        return start_of_day(self.start)

    @property
    def until(self) -> datetime:
        """The first moment after the period (a half-open bound)."""
        return start_of_day(self.end + timedelta(days=1))

    def days(self) -> Iterable[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)

    def year_earlier(self) -> Period:
        """The same days a year before (29 February becomes 28 February)."""
        return Period(_year_back(self.start), _year_back(self.end))

    @classmethod
    def month_to_date(cls, today: date) -> Period:
        return cls(today.replace(day=1), today)

    @classmethod
    def year_to_date(cls, today: date) -> Period:
        return cls(date(today.year, 1, 1), today)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def months_of(period: Period) -> list[Period]:
    """The calendar months the period touches, each cut to the period."""
    out = []
    year, month = period.start.year, period.start.month
    while date(year, month, 1) <= period.end:
        whole = Period.month(year, month)
        out.append(Period(max(whole.start, period.start), min(whole.end, period.end)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# ---- rates and amounts --------------------------------------------------------------------


def percent(numerator: int, denominator: int, places: int = 2) -> Decimal | None:
    """numerator ÷ denominator as a percentage rounded half up to `places` decimals (the
    bulletins: 666 ÷ 802 → 83.04), None when the denominator is 0."""
    if not denominator:
        return None
    step = Decimal(1).scaleb(-places)
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(step, ROUND_HALF_UP)


def format_percent(value: Decimal | None) -> str:
    """83.04%, 100%, 96.9%: as the bulletins print them (no trailing zeros); — for no value."""
    if value is None:
        return "—"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


@dataclass(frozen=True)
class Rate:
    """A rate with its parts and its formula (shown with every rate: the definitions are
    inferred, so a reader sees what was divided by what)."""

    numerator: int
    denominator: int
    formula: object  # a lazy string, e.g. "successful ÷ mediated"

    def value(self, places: int = 2) -> Decimal | None:
        return percent(self.numerator, self.denominator, places)

    def text(self, places: int = 2) -> str:
        return format_percent(self.value(places))

    def __str__(self) -> str:
        return self.text()


# ---- what is counted ----------------------------------------------------------------------


@dataclass
class Figures:
    """The counts of one period (and one breakdown value); rates are computed from them."""

    accepted: int = 0
    accepted_by_source: dict[Source, int] = field(default_factory=dict)
    mediated: int = 0
    successful: int = 0
    amount_cents: int = 0
    performed: int = 0
    confirmed: int = 0
    visits_due: int = 0
    visited: int = 0
    registered: int = 0
    self_filed: int = 0
    screening_found: int = 0
    response_due: int = 0
    responded_in_time: int = 0
    answered: int = 0  # parties who answered the satisfaction question
    satisfied: int = 0  # of them, satisfied or basically satisfied

    def __add__(self, other: Figures) -> Figures:
        out = Figures(accepted_by_source=dict(self.accepted_by_source))
        for name in _COUNTS:
            setattr(out, name, getattr(self, name))
        return out.add(other)

    def add(self, other: Figures) -> Figures:
        """Add `other` into these figures (in place; returns them)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for source, n in other.accepted_by_source.items():
            self.accepted_by_source[source] = self.accepted_by_source.get(source, 0) + n
        return self

    @property
    def amount(self) -> Decimal:
        """协议涉及金额 in yuan, exact (summed in cents)."""
        return Decimal(self.amount_cents) / 100

    def by_source(self, source: Source) -> int:
        return self.accepted_by_source.get(source, 0)

    @property
    def empty(self) -> bool:
        """Nothing counted (a breakdown value whose cases moved elsewhere leaves zeros)."""
        return not any(getattr(self, name) for name in _COUNTS) and not any(
            self.accepted_by_source.values()
        )

    @property
    def self_accepted(self) -> int:
        """自行受理: the party's application and the committee's own initiative (Jingzhou's
        grouping of sources)."""
        return self.by_source(Source.APPLICATION) + self.by_source(Source.INITIATIVE)

    # The rates, each with its formula.
    @property
    def mediation_rate(self) -> Rate:
        return Rate(self.mediated, self.accepted, _l("mediated ÷ accepted"))

    @property
    def success_rate(self) -> Rate:
        return Rate(self.successful, self.mediated, _l("successful ÷ mediated"))

    @property
    def success_rate_of_accepted(self) -> Rate:
        return Rate(self.successful, self.accepted, _l("successful ÷ accepted"))

    @property
    def confirmation_rate(self) -> Rate:
        return Rate(self.confirmed, self.successful, _l("judicially confirmed ÷ successful"))

    @property
    def follow_up_rate(self) -> Rate:
        return Rate(self.visited, self.visits_due, _l("visited ÷ due for a visit"))

    @property
    def performance_rate(self) -> Rate:
        return Rate(self.performed, self.successful, _l("fully performed ÷ successful"))

    @property
    def self_filing_rate(self) -> Rate:
        return Rate(
            self.self_filed, self.registered, _l("filed online by the parties ÷ registered")
        )

    @property
    def response_rate(self) -> Rate:
        return Rate(
            self.responded_in_time,
            self.response_due,
            _l("answered in time ÷ online applications due an answer"),
        )

    @property
    def satisfaction_rate(self) -> Rate:
        return Rate(
            self.satisfied,
            self.answered,
            _l(
                "parties satisfied or basically satisfied ÷ parties who answered (their own "
                "answers; follow-up visit notes not counted)"
            ),
        )

    def source_share(self, source: Source) -> Rate:
        return Rate(self.by_source(source), self.accepted, _l("of this source ÷ accepted"))


_COUNTS = tuple(f.name for f in fields(Figures) if f.name != "accepted_by_source")


class Measure(enum.StrEnum):
    """A count whose cases can be listed: the `indicator` of the case list."""

    ACCEPTED = "accepted"
    MEDIATED = "mediated"
    SUCCESSFUL = "successful"
    PERFORMED = "performed"
    CONFIRMED = "confirmed"
    VISITS_DUE = "visits_due"
    VISITED = "visited"
    REGISTERED = "registered"
    SELF_FILED = "self_filed"
    SCREENING_FOUND = "screening_found"
    RESPONSE_DUE = "response_due"
    RESPONDED_IN_TIME = "responded_in_time"
    ANSWERED = "answered"
    SATISFIED = "satisfied"

    @property
    def label(self):  # noqa: ANN201 - a LazyString
        return MEASURE_LABELS[self]


MEASURE_LABELS = {
    # "figure": the count (受理数, 登记数), not the state of a case (已受理, 已登记).
    Measure.ACCEPTED: _lp("figure", "Accepted"),
    Measure.MEDIATED: _l("Mediated"),
    Measure.SUCCESSFUL: _l("Mediated successfully"),
    Measure.PERFORMED: _l("Agreements fully performed"),
    Measure.CONFIRMED: _l("Judicially confirmed"),
    Measure.VISITS_DUE: _l("Due for a follow-up visit"),
    Measure.VISITED: _l("Visited"),
    Measure.REGISTERED: _lp("figure", "Registered"),
    Measure.SELF_FILED: _l("Filed online by the parties"),
    Measure.SCREENING_FOUND: _l("Found in screening"),
    Measure.RESPONSE_DUE: _l("Online applications due an answer"),
    Measure.RESPONDED_IN_TIME: _l("Answered in time"),
    Measure.ANSWERED: _l("Parties who answered the satisfaction question"),
    Measure.SATISFIED: _l("Parties satisfied or basically satisfied"),
}


@dataclass(frozen=True)
class Indicator:
    """One line of a statistics table: a count, a rate or an amount, with its label, its
    formula (rates) and the counts whose cases can be listed."""

    key: str
    label: object
    kind: str  # "count", "rate", "amount"
    measure: Measure | None = None  # the cases behind a count (or an amount)
    parts: tuple[Measure, Measure] | None = None  # a rate's numerator and denominator


def _rate_of(figures: Figures, key: str) -> Rate:
    return getattr(figures, key)


# The indicators in report order (DOMAIN §3.3). Source shares follow 受理数 in the tables.
# In Chinese they are the bulletins' own terms: 受理数, 调解数, 调解率, 调解成功数,
# 调解成功率 (÷ 调解数, and ÷ 受理数), 司法确认数, 司法确认率, 回访率, 协议履行率,
# 协议涉及金额（元）, 登记数, 自主申请率, 案件合格响应率, 排查发现纠纷数.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("accepted", _lp("figure", "Accepted"), "count", Measure.ACCEPTED),
    Indicator("mediated", _l("Mediated"), "count", Measure.MEDIATED),
    Indicator(
        "mediation_rate",
        _l("Mediation rate"),
        "rate",
        parts=(Measure.MEDIATED, Measure.ACCEPTED),
    ),
    Indicator("successful", _l("Mediated successfully"), "count", Measure.SUCCESSFUL),
    Indicator(
        "success_rate",
        _l("Success rate"),
        "rate",
        parts=(Measure.SUCCESSFUL, Measure.MEDIATED),
    ),
    Indicator(
        "success_rate_of_accepted",
        _l("Success rate of accepted cases"),
        "rate",
        parts=(Measure.SUCCESSFUL, Measure.ACCEPTED),
    ),
    Indicator("confirmed", _l("Judicially confirmed"), "count", Measure.CONFIRMED),
    Indicator(
        "confirmation_rate",
        _l("Judicial confirmation rate"),
        "rate",
        parts=(Measure.CONFIRMED, Measure.SUCCESSFUL),
    ),
    Indicator(
        "follow_up_rate",
        _l("Follow-up rate"),
        "rate",
        parts=(Measure.VISITED, Measure.VISITS_DUE),
    ),
    Indicator(
        "performance_rate",
        _l("Performance rate"),
        "rate",
        parts=(Measure.PERFORMED, Measure.SUCCESSFUL),
    ),
    Indicator("amount", _l("Amount in agreements, yuan"), "amount", Measure.SUCCESSFUL),
    Indicator("registered", _lp("figure", "Registered"), "count", Measure.REGISTERED),
    Indicator(
        "self_filing_rate",
        _l("Self-filing rate"),
        "rate",
        parts=(Measure.SELF_FILED, Measure.REGISTERED),
    ),
    Indicator(
        "response_rate",
        _l("Timely response rate"),
        "rate",
        parts=(Measure.RESPONDED_IN_TIME, Measure.RESPONSE_DUE),
    ),
    Indicator(
        "screening_found",
        _l("Disputes found in screening"),
        "count",
        Measure.SCREENING_FOUND,
    ),
    Indicator(
        "satisfaction_rate",
        _l("Satisfaction rate"),
        "rate",
        parts=(Measure.SATISFIED, Measure.ANSWERED),
    ),
)
INDICATOR_BY_KEY = {i.key: i for i in INDICATORS}


def value_of(figures: Figures, indicator: Indicator):
    """The indicator's value in `figures`: an int, a Rate or a Decimal amount."""
    if indicator.kind == "rate":
        return _rate_of(figures, indicator.key)
    if indicator.kind == "amount":
        return figures.amount
    return getattr(figures, indicator.key)


MEASURE_FIELD = {
    Measure.ACCEPTED: "accepted",
    Measure.MEDIATED: "mediated",
    Measure.SUCCESSFUL: "successful",
    Measure.PERFORMED: "performed",
    Measure.CONFIRMED: "confirmed",
    Measure.VISITS_DUE: "visits_due",
    Measure.VISITED: "visited",
    Measure.REGISTERED: "registered",
    Measure.SELF_FILED: "self_filed",
    Measure.SCREENING_FOUND: "screening_found",
    Measure.RESPONSE_DUE: "response_due",
    Measure.RESPONDED_IN_TIME: "responded_in_time",
    Measure.ANSWERED: "answered",
    Measure.SATISFIED: "satisfied",
}


def count_of(figures: Figures, measure: Measure) -> int:
    return getattr(figures, MEASURE_FIELD[measure])


# ---- breakdowns ---------------------------------------------------------------------------


class Level(LabelledEnum):
    """The level of the organisation handling a case (the desk's centre while the case waits
    for dispatch): city, county, township, village, or an industry or enterprise committee
    (行业性专业性, PML Art. 34)."""

    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    INDUSTRY = "industry"
    NONE = "none"

    @classmethod
    def _labels(cls):
        return {
            cls.CITY: _l("City level"),
            cls.COUNTY: _l("County level"),
            cls.TOWNSHIP: _l("Township level"),
            cls.VILLAGE: _l("Village level"),
            cls.INDUSTRY: _l("Industry and enterprise committees"),
            cls.NONE: _l("No organisation"),
        }


_LEVEL_OF_REGION = {
    RegionLevel.CITY: Level.CITY,
    RegionLevel.COUNTY: Level.COUNTY,
    RegionLevel.TOWNSHIP: Level.TOWNSHIP,
    RegionLevel.VILLAGE: Level.VILLAGE,
    RegionLevel.GROUP: Level.VILLAGE,
}


def level_of(kind: OrgKind, region_level: RegionLevel) -> Level:
    if kind in (OrgKind.INDUSTRY_COMMITTEE, OrgKind.ENTERPRISE_COMMITTEE):
        return Level.INDUSTRY
    return _LEVEL_OF_REGION[region_level]


class Dimension(LabelledEnum):
    SOURCE = "source"
    TYPE = "type"
    LEVEL = "level"
    ORGANISATION = "organisation"
    REGION = "region"
    MEDIATOR = "mediator"

    @classmethod
    def _labels(cls):
        return {
            cls.SOURCE: _l("Source"),
            cls.TYPE: _l("Type of dispute"),
            cls.LEVEL: _l("Level"),
            cls.ORGANISATION: _l("Organisation"),
            cls.REGION: _l("Place"),
            cls.MEDIATOR: _l("Mediator"),
        }


# The organisation a case is counted at: the one handling it, or the centre where it was
# registered while it waits for dispatch.
case_organisation = sa.func.coalesce(Case.handling_org_id, Case.intake_org_id)


@dataclass(frozen=True)
class Filters:
    """Narrow the cases counted (and listed): a place (a region code and everything inside
    it), an organisation, a level, a dispute type, a source, a (presiding) mediator. None:
    any."""

    region: str | None = None
    organisation_id: int | None = None
    level: Level | None = None
    dispute_type: DisputeType | None = None
    source: Source | None = None
    mediator_id: int | None = None

    def narrowed(self, dimension: Dimension, key) -> Filters:
        """These filters and one breakdown value (a row of a breakdown table)."""
        name = {
            Dimension.SOURCE: "source",
            Dimension.TYPE: "dispute_type",
            Dimension.LEVEL: "level",
            Dimension.ORGANISATION: "organisation_id",
            Dimension.REGION: "region",
            Dimension.MEDIATOR: "mediator_id",
        }[dimension]
        if dimension == Dimension.ORGANISATION and key is None:
            return replace(self, level=Level.NONE)  # the row of cases at no organisation
        return replace(self, **{name: key})


def organisations_of_level(level: Level) -> list[int]:
    """The ids of the organisations at `level` (one query over the organisations, a few
    hundred rows; the case table is not read)."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.kind, Region.level).join(
            Region, Organisation.region_id == Region.id
        )
    ).all()
    return sorted(i for i, kind, region_level in rows if level_of(kind, region_level) == level)


def presiding_mediator_cases(user_id: int | None) -> sa.Select:
    """The cases `user_id` presides (None: cases without a presiding mediator are handled by
    the caller)."""
    return sa.select(CaseMediator.case_id).where(
        CaseMediator.user_id == user_id,
        CaseMediator.presiding.is_(True),
        CaseMediator.active.is_(True),
    )


def _any_presiding() -> sa.Select:
    return sa.select(CaseMediator.case_id).where(
        CaseMediator.presiding.is_(True), CaseMediator.active.is_(True)
    )


def filter_conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    conditions = []
    if filters.region:
        low, high = code_range(filters.region)
        conditions += [Case.region_code >= low, Case.region_code < high]
    if filters.organisation_id is not None:
        conditions.append(case_organisation == filters.organisation_id)
    if filters.level is not None:
        if filters.level == Level.NONE:
            conditions.append(case_organisation.is_(None))
        else:
            conditions.append(case_organisation.in_(organisations_of_level(filters.level)))
    if filters.dispute_type is not None:
        conditions.append(Case.dispute_type == filters.dispute_type)
    if filters.source is not None:
        conditions.append(Case.source == filters.source)
    if filters.mediator_id is not None:
        if filters.mediator_id == 0:  # the row "no presiding mediator"
            conditions.append(Case.id.not_in(_any_presiding()))
        else:
            conditions.append(Case.id.in_(presiding_mediator_cases(filters.mediator_id)))
    return conditions


@dataclass(frozen=True)
class Scope:
    """The cases a viewer's figures count: a condition on Case, and the viewer's area as a
    region code when the condition is exactly "the cases inside it" (leaders and
    administrators), which the monthly summary can answer for."""

    condition: sa.ColumnElement[bool]
    region: str | None = None
    # A director's or a mediator's own organisation: what their screening counts are of.
    organisation_id: int | None = None


def scope_of(user: User) -> Scope:
    """The cases a user's statistics count: their area's cases by THE scoping rule
    (domain.permissions.case_scope), without the transfers merely on their way in."""
    condition = case_scope(user, incoming=False)
    if user.role in (Role.LEADER, Role.ADMIN):
        return Scope(condition, user.organisation.region.code)
    return Scope(condition, organisation_id=user.organisation_id)


def condition_of(scope) -> sa.ColumnElement[bool] | None:
    return scope.condition if isinstance(scope, Scope) else scope


def _summary_area(scope) -> tuple[bool, str | None]:
    """Whether the summary can count for `scope` (the whole database, or a region down to a
    township), and the region."""
    if scope is None:
        return True, None
    if isinstance(scope, Scope) and scope.region and len(scope.region) <= 9:
        return True, scope.region
    return False, None


# ---- the SQL of the counting dates --------------------------------------------------------


class local_date(sa.sql.expression.FunctionElement):  # noqa: N801 - reads like SQL
    """The China calendar date of a UTC timestamp, plus `days`. China keeps UTC+8 all year
    (no daylight saving since 1991), so a fixed offset is exact. The days are a literal, part
    of the statement (and of its cache key)."""

    type = sa.Date()
    name = "local_date"
    inherit_cache = True

    def __init__(self, expr, days: int = 0):
        super().__init__(expr, sa.literal_column(str(int(days))))


@sa.ext.compiler.compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    expr, days = list(element.clauses)
    shift = f", '+{days.name} days'" if days.name != "0" else ""
    return f"date({compiler.process(expr, **kw)}, '+8 hours'{shift})"


@sa.ext.compiler.compiles(local_date)
def _local_date_default(element, compiler, **kw):
    expr, days = list(element.clauses)
    day = f"CAST(({compiler.process(expr, **kw)} AT TIME ZONE 'Asia/Shanghai') AS DATE)"
    return f"({day} + {days.name})" if days.name != "0" else day


NOT_MERGED = Case.state != CaseState.MERGED
# When an online application was answered: accepted, or closed without acceptance (not
# accepted, refused at the desk, transferred out).
ANSWERED_AT = sa.func.coalesce(Case.accepted_at, Case.closed_at)


def response_deadline(filed_on: date) -> date:
    """The last day to answer an online application filed on `filed_on`."""
    return add_days(filed_on, RESPONSE_WORKING_DAYS, working=True)


def _answered_in_time(period: Period) -> sa.ColumnElement[bool]:
    """Answered by the deadline of its filing day. The deadline is the filing day plus a few
    calendar days (3 to ~10 around weekends and holidays): the filing days of the period are
    grouped by that offset, so the condition is a handful of IN lists, evaluated per row
    without a calendar table."""
    by_offset: dict[int, list[date]] = defaultdict(list)
    for day, deadline in _deadlines(period).items():
        by_offset[(deadline - day).days].append(day)
    filed = local_date(Case.created_at)
    return sa.and_(
        ANSWERED_AT.is_not(None),
        sa.or_(
            *(
                sa.and_(
                    filed.in_(_days_literal(k, days)),
                    local_date(ANSWERED_AT) <= local_date(Case.created_at, k),
                )
                for k, days in sorted(by_offset.items())
            )
        ),
    )


def _deadlines(period: Period) -> dict[date, date]:
    """response_deadline() of every day of the period, reading each calendar day once (the
    working days after the period's first day, then the N-th of them after each day)."""
    workdays: list[date] = []
    day = period.start
    # Far enough for the last day's deadline: no break in China lasts a month.
    while day < period.end + timedelta(days=RESPONSE_WORKING_DAYS * 3 + 30):
        day += timedelta(days=1)
        if is_workday(day):
            workdays.append(day)
    out = {}
    for filed in period.days():
        after = bisect.bisect_right(workdays, filed)
        out[filed] = workdays[after + RESPONSE_WORKING_DAYS - 1]
    return out


def _days_literal(k: int, days: list[date]) -> sa.BindParameter:
    """The days as literals in the statement: a long period has more days than a statement
    may have parameters (SQLite allows 32 766)."""
    return sa.bindparam(
        f"filed_on_{k}", days, type_=sa.Date(), expanding=True, literal_execute=True, unique=True
    )


def _response_due(today: date) -> sa.ColumnElement[bool]:
    """Answered, or its time to answer has run out by today (the deadline grows with the
    filing day, so "run out" is "filed before a cut-off")."""
    last = today - timedelta(days=1)
    while response_deadline(last) >= today:
        last -= timedelta(days=1)
    return sa.or_(ANSWERED_AT.is_not(None), Case.created_at < start_of_day(last + timedelta(1)))


def _between(column, period: Period, is_date: bool = False) -> sa.ColumnElement[bool]:
    if is_date:
        return sa.and_(column >= period.start, column <= period.end)
    return sa.and_(column >= period.since, column < period.until)


def case_condition(measure: Measure, period: Period, today: date) -> sa.ColumnElement[bool]:
    """The cases counted by `measure` in `period`, as a condition on Case: the case list
    selects with it, the figures count with the same parts."""
    accepted = sa.and_(_between(Case.accepted_at, period), NOT_MERGED)
    closed = sa.and_(_between(Case.closed_at, period), Case.closure_reason.in_(MEDIATED_REASONS))
    success = Case.closure_reason.in_(SUCCESS_REASONS)
    registered = sa.and_(_between(Case.created_at, period), NOT_MERGED)
    online = Case.channel == Channel.ONLINE
    if measure == Measure.ACCEPTED:
        return accepted
    if measure == Measure.MEDIATED:
        return closed
    if measure == Measure.SUCCESSFUL:
        return sa.and_(closed, success)
    if measure == Measure.PERFORMED:
        performed = sa.select(Agreement.case_id).where(
            Agreement.performance_status == Performance.PERFORMED
        )
        return sa.and_(closed, success, Case.id.in_(performed))
    if measure == Measure.CONFIRMED:
        return sa.and_(NOT_MERGED, Case.id.in_(sa.select(_confirmed(period).c.case_id)))
    if measure in (Measure.VISITS_DUE, Measure.VISITED):
        visits = _visits(period, today, done=measure == Measure.VISITED)
        return sa.and_(NOT_MERGED, Case.id.in_(sa.select(visits.c.case_id)))
    if measure == Measure.REGISTERED:
        return registered
    if measure == Measure.SELF_FILED:
        return sa.and_(registered, online)
    if measure == Measure.SCREENING_FOUND:
        return sa.and_(registered, Case.channel == Channel.SCREENING)
    if measure == Measure.RESPONSE_DUE:
        return sa.and_(registered, online, _response_due(today))
    if measure == Measure.RESPONDED_IN_TIME:
        return sa.and_(registered, online, _response_due(today), _answered_in_time(period))
    if measure in (Measure.ANSWERED, Measure.SATISFIED):
        answers = sa.select(PartyFeedback.case_id).where(_answered(period))
        if measure == Measure.SATISFIED:
            answers = answers.where(PartyFeedback.satisfaction.in_(SATISFIED))
        return sa.and_(NOT_MERGED, Case.id.in_(answers))
    raise ValueError(measure)


# 满意率's numerator: satisfied or basically satisfied.
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)


def _answered(period: Period) -> sa.ColumnElement[bool]:
    return _between(PartyFeedback.answered_at, period)


# One counting date per case, so days and months add up and a figure's list has one row per
# case counted: the first ruling that confirmed the case's agreement, and the case's latest
# follow-up visit (the one it owes now: a re-mediated agreement's visit replaces the earlier).
_later_visit = sa.orm.aliased(FollowUp)
_earlier_ruling = sa.orm.aliased(JudicialConfirmation)

LATEST_VISIT = ~sa.exists().where(
    _later_visit.case_id == FollowUp.case_id, _later_visit.id > FollowUp.id
)
FIRST_CONFIRMATION = sa.and_(
    JudicialConfirmation.ruling == Ruling.CONFIRMED,
    ~sa.exists().where(
        _earlier_ruling.case_id == JudicialConfirmation.case_id,
        _earlier_ruling.ruling == Ruling.CONFIRMED,
        sa.or_(
            _earlier_ruling.ruled_on < JudicialConfirmation.ruled_on,
            sa.and_(
                _earlier_ruling.ruled_on == JudicialConfirmation.ruled_on,
                _earlier_ruling.id < JudicialConfirmation.id,
            ),
        ),
    ),
)


def _confirmed(period: Period) -> sa.Subquery:
    """The cases first confirmed in the period, with the ruling's day."""
    return (
        sa.select(JudicialConfirmation.case_id, JudicialConfirmation.ruled_on.label("day"))
        .where(FIRST_CONFIRMATION, _between(JudicialConfirmation.ruled_on, period, is_date=True))
        .subquery()
    )


def _visits(period: Period, today: date, done: bool = False) -> sa.Subquery:
    """The cases whose latest visit is due in the period and already due (or made early);
    `done`: made. With the due day and when it was made."""
    conditions = [
        LATEST_VISIT,
        _between(FollowUp.due_on, period, is_date=True),
        sa.or_(FollowUp.due_on <= today, FollowUp.done_at.is_not(None)),
    ]
    if done:
        conditions.append(FollowUp.done_at.is_not(None))
    return (
        sa.select(FollowUp.case_id, FollowUp.due_on.label("day"), FollowUp.done_at)
        .where(*conditions)
        .subquery()
    )


# ---- counting -----------------------------------------------------------------------------


def _sum_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class _Group:
    """What a query groups by: dimensions (none: the total) and, for the series, the day."""

    dimensions: tuple[Dimension, ...] = ()
    region_depth: int = 9
    by_day: bool = False


def _dimension_key(dimension: Dimension, group: _Group):
    if dimension == Dimension.SOURCE:
        return Case.source
    if dimension == Dimension.TYPE:
        return Case.dispute_type
    if dimension in (Dimension.ORGANISATION, Dimension.LEVEL):
        return case_organisation
    if dimension == Dimension.REGION:
        # Literals, not parameters: PostgreSQL matches the grouped expression by its text.
        depth = sa.literal_column(str(int(group.region_depth)))
        return sa.func.substr(Case.region_code, sa.literal_column("1"), depth)
    if dimension == Dimension.MEDIATOR:
        return sa.func.coalesce(CaseMediator.user_id, sa.literal_column("0"))
    raise ValueError(dimension)


def _grouped(stmt: sa.Select, group: _Group, keys: list) -> sa.Select:
    if Dimension.MEDIATOR in group.dimensions:
        stmt = stmt.outerjoin(
            CaseMediator,
            sa.and_(
                CaseMediator.case_id == Case.id,
                CaseMediator.presiding.is_(True),
                CaseMediator.active.is_(True),
            ),
        )
    return stmt.group_by(*keys) if keys else stmt


def _run(
    family: str,
    scope: sa.ColumnElement[bool] | None,
    period: Period,
    filters: Filters,
    today: date,
    group: _Group,
) -> list[tuple[tuple, dict]]:
    """One aggregate query of a family: rows of (group key, {field: value})."""
    where = [*filter_conditions(filters)]
    if scope is not None:
        where.append(condition_of(scope))
    keys = [_dimension_key(d, group) for d in group.dimensions]

    if family == "accepted":
        if group.by_day:
            keys.append(local_date(Case.accepted_at))
        keys.append(Case.source)
        measures = {"accepted": sa.func.count()}
        stmt = sa.select(*keys, *measures.values()).where(
            case_condition(Measure.ACCEPTED, period, today), *where
        )
    elif family == "closed":
        if group.by_day:
            keys.append(local_date(Case.closed_at))
        success = Case.closure_reason.in_(SUCCESS_REASONS)
        cents = sa.cast(sa.func.round(Case.amount * 100), sa.BigInteger)
        measures = {
            "mediated": sa.func.count(),
            "successful": _sum_if(success),
            "amount_cents": sa.func.coalesce(
                sa.func.sum(sa.case((sa.and_(success, Case.amount.is_not(None)), cents))), 0
            ),
        }
        stmt = sa.select(*keys, *measures.values()).where(
            case_condition(Measure.MEDIATED, period, today), *where
        )
    elif family == "performed":
        if group.by_day:
            keys.append(local_date(Case.closed_at))
        measures = {"performed": sa.func.count()}
        stmt = (
            sa.select(*keys, *measures.values())
            .select_from(Case)
            .join(Agreement, Agreement.case_id == Case.id)
            .where(
                case_condition(Measure.SUCCESSFUL, period, today),
                Agreement.performance_status == Performance.PERFORMED,
                *where,
            )
        )
    elif family == "confirmed":
        confirmed = _confirmed(period)
        if group.by_day:
            keys.append(confirmed.c.day)
        measures = {"confirmed": sa.func.count()}
        stmt = (
            sa.select(*keys, *measures.values())
            .select_from(Case)
            .join(confirmed, confirmed.c.case_id == Case.id)
            .where(NOT_MERGED, *where)
        )
    elif family == "visits":
        due = _visits(period, today)
        if group.by_day:
            keys.append(due.c.day)
        measures = {"visits_due": sa.func.count(), "visited": _sum_if(due.c.done_at.is_not(None))}
        stmt = (
            sa.select(*keys, *measures.values())
            .select_from(Case)
            .join(due, due.c.case_id == Case.id)
            .where(NOT_MERGED, *where)
        )
    elif family == "registered":
        if group.by_day:
            keys.append(local_date(Case.created_at))
        online = Case.channel == Channel.ONLINE
        due = sa.and_(online, _response_due(today))
        measures = {
            "registered": sa.func.count(),
            "self_filed": _sum_if(online),
            "screening_found": _sum_if(Case.channel == Channel.SCREENING),
            "response_due": _sum_if(due),
            "responded_in_time": _sum_if(sa.and_(due, _answered_in_time(period))),
        }
        stmt = sa.select(*keys, *measures.values()).where(
            case_condition(Measure.REGISTERED, period, today), *where
        )
    elif family == "satisfaction":
        if group.by_day:
            keys.append(local_date(PartyFeedback.answered_at))
        measures = {
            "answered": sa.func.count(),
            "satisfied": _sum_if(PartyFeedback.satisfaction.in_(SATISFIED)),
        }
        stmt = (
            sa.select(*keys, *measures.values())
            .select_from(PartyFeedback)
            .join(Case, PartyFeedback.case_id == Case.id)
            .where(_answered(period), NOT_MERGED, *where)
        )
    else:
        raise ValueError(family)
    stmt = _grouped(stmt, group, keys)
    names = list(measures)
    out = []
    for row in db.session.execute(stmt):
        key, values = tuple(row[: len(keys)]), row[len(keys) :]
        out.append((key, {n: int(v or 0) for n, v in zip(names, values, strict=True)}))
    return out


FAMILIES = (
    "accepted",
    "closed",
    "performed",
    "confirmed",
    "visits",
    "registered",
    "satisfaction",
)


def _add(figures: Figures, values: dict, source: Source | None = None) -> None:
    for name, value in values.items():
        setattr(figures, name, getattr(figures, name) + value)
    if source is not None and "accepted" in values:
        figures.accepted_by_source[source] = (
            figures.accepted_by_source.get(source, 0) + values["accepted"]
        )


def _source_of(value) -> Source:
    return value if isinstance(value, Source) else Source(value)


def compute(
    scope: sa.ColumnElement[bool] | None,
    period: Period,
    filters: Filters = Filters(),  # noqa: B008 - frozen, never mutated
    *,
    by: Dimension | None = None,
    today: date | None = None,
    families: Iterable[str] = FAMILIES,
    region_depth: int = 9,
) -> Breakdown:
    """Every indicator of `period` within `scope` (a condition on Case: scope_of(user), or
    None for the whole database), narrowed by `filters`, in total and (with `by`) per value
    of a dimension. One aggregate query per family."""
    if by is None:
        return compute_many(scope, period, filters, (), today=today, families=families, total=True)[
            None
        ]
    return compute_many(
        scope, period, filters, (by,), today=today, families=families, region_depth=region_depth
    )[by]


def compute_many(
    scope,
    period: Period,
    filters: Filters,
    dimensions: tuple[Dimension, ...],
    *,
    today: date | None = None,
    families: Iterable[str] = FAMILIES,
    region_depth: int = 9,
    total: bool = False,
) -> dict[Dimension | None, Breakdown]:
    """The breakdowns of `period` by several dimensions at once: one aggregate query per
    family grouped by all of them together, each breakdown summed from those groups (a few
    thousand at most, however many cases). With `total`, the total too (key None). The
    level comes from the organisations (no column of its own).

    The settled whole months of the period are read from the monthly summary when it can
    answer (domain.stat_summary); the days around them, and everything it cannot answer
    (a village, a mediator, a committee's own cases), from the cases."""
    today = today or local_today()
    families = list(families)
    queried = tuple(dict.fromkeys(Dimension.ORGANISATION if d == Dimension.LEVEL else d
                                  for d in dimensions))  # fmt: skip
    group = _Group(dimensions=queried, region_depth=region_depth)
    rows: dict[Dimension, dict] = {d: defaultdict(Figures) for d in queried}
    whole = Figures()

    def collect(family: str, key: tuple, values: dict) -> None:
        source = _source_of(key[-1]) if family == "accepted" else None
        for d, value in zip(queried, key, strict=False):
            _add(rows[d][_normal_key(d, value)], values, source)
        _add(whole, values, source)

    use, area = _summary_plan(scope, filters, queried, region_depth)
    months, rest = _split(period, today) if use else ([], [period])
    for family in families:
        # A family the summary does not keep is counted from its rows over the whole period.
        for piece in rest if family in _SUMMARY_FIELDS else [period]:
            for key, values in _run(family, scope, piece, filters, today, group):
                collect(family, key, values)
    if months and len(queried) > 1 and db.engine.dialect.name == "postgresql":
        # One pass, each breakdown's sums apart (grouping sets): a few hundred rows rather
        # than every combination of the breakdowns.
        names = list(dict.fromkeys(_SUMMARY_GROUP[d] for d in queried))
        sets = [["source"], *([n, "source"] for n in names if n != "source")]
        columns = list(dict.fromkeys(g for one in sets for g in one))
        for family, key, values in _from_summary(
            months[0].start, months[-1].start, area, filters, columns, region_depth, families,
            sets=sets,
        ):  # fmt: skip
            present = dict(zip(columns, key, strict=True))
            source = _source_of(present["source"]) if family == "accepted" else None
            others = [n for n in names if n != "source" and present[n] is not None]
            if not others:  # the (source) set: the total, and the breakdown by source
                _add(whole, values, source)
                if Dimension.SOURCE in queried:
                    _add(rows[Dimension.SOURCE][_source_of(present["source"])], values, source)
                continue
            (name,) = others
            d = next(d for d in queried if _SUMMARY_GROUP[d] == name)
            _add(rows[d][_normal_key(d, present[name])], values, source)
    elif months:
        names = [_SUMMARY_GROUP[d] for d in queried]
        for family, key, values in _from_summary(
            months[0].start, months[-1].start, area, filters, [*names, "source"],
            region_depth, families,
        ):  # fmt: skip
            collect(family, key, values)
    out: dict[Dimension | None, Breakdown] = {}
    for d in queried:
        out[d] = Breakdown.build(period, filters, d, dict(rows[d]), whole)
    if Dimension.LEVEL in dimensions:
        out[Dimension.LEVEL] = levels_of(out[Dimension.ORGANISATION])
    if total or not dimensions:
        out[None] = Breakdown(period, filters, None, whole, [])
    return out


# ---- the monthly summary (domain.stat_summary) ---------------------------------------------

_SUMMARY_GROUP = {
    Dimension.TYPE: "dispute_type",
    Dimension.SOURCE: "source",
    Dimension.ORGANISATION: "org_id",
    Dimension.REGION: "region",
    Dimension.MEDIATOR: "mediator_id",
}
# Each family's figures in the summary's families and columns (n1, n2, n3, n4, cents). In a
# settled month every online application is due an answer, every visit due.
_SUMMARY_FIELDS = {
    "accepted": ("accepted", {"accepted": 0}),
    "closed": ("closed", {"mediated": 0, "successful": 1, "amount_cents": 4}),
    "performed": ("closed", {"performed": 2}),
    "confirmed": ("confirmed", {"confirmed": 0}),
    "visits": ("visits", {"visits_due": 0, "visited": 1}),
    "registered": (
        "registered",
        {
            "registered": 0,
            "self_filed": 1,
            "screening_found": 2,
            "responded_in_time": 3,
            "response_due": 1,
        },
    ),
}


def _normal_key(dimension: Dimension, value):
    """A breakdown value as the cases give it (the summary stores plain text and 0)."""
    if dimension == Dimension.SOURCE:
        return _source_of(value)
    if dimension == Dimension.TYPE:
        return value if isinstance(value, DisputeType) else DisputeType(value)
    if dimension == Dimension.ORGANISATION:
        return value or None
    if dimension == Dimension.MEDIATOR:
        return int(value or 0)
    return value


def _summary_plan(scope, filters: Filters, dimensions, region_depth: int):
    """Whether the summary can count for this scope, these filters and breakdowns, and the
    scope's region."""
    use, area = _summary_area(scope)
    if (
        not use
        or (filters.region and len(filters.region) > 9)
        or (Dimension.REGION in dimensions and region_depth > 9)
    ):
        return False, None
    return stat_summary.ready(), area


def settled(month: Period, today: date) -> bool:
    """Every online application of the month is past its answer deadline."""
    return response_deadline(month.end) < today


def _whole_month(month: Period) -> bool:
    return month == Period.month(month.start.year, month.start.month)


def _split(period: Period, today: date, keep=None) -> tuple[list[Period], list[Period]]:
    """The period's settled whole months (those `keep` accepts too), and the runs of days
    around them."""
    months, rest = [], []
    for month in months_of(period):
        if _whole_month(month) and settled(month, today) and (keep is None or keep(month)):
            months.append(month)
        elif rest and rest[-1].end + timedelta(days=1) == month.start:
            rest[-1] = Period(rest[-1].start, month.end)
        else:
            rest.append(month)
    return months, rest


def _from_summary(first: date, last: date, area, filters: Filters, group, depth, families,
                  sets=None):  # fmt: skip
    """(family, key, values) rows of the summary for the months `first` to `last`."""
    organisations = None
    if filters.organisation_id is not None:
        organisations = [filters.organisation_id]
    if filters.level is not None:
        ids = [0] if filters.level == Level.NONE else organisations_of_level(filters.level)
        organisations = ids if organisations is None else [i for i in organisations if i in ids]
    region = filters.region or area
    if filters.region and area and not filters.region.startswith(area):
        if not area.startswith(filters.region):
            return  # a place outside the area: nothing
        region = area
    sums = stat_summary.read(
        first,
        last,
        region=region,
        organisations=organisations,
        dispute_type=filters.dispute_type.value if filters.dispute_type else None,
        source=filters.source.value if filters.source else None,
        mediator=filters.mediator_id,
        group=group,
        region_depth=depth,
        sets=sets,
    )
    for family in families:
        if family not in _SUMMARY_FIELDS:
            continue
        stored, fields_ = _SUMMARY_FIELDS[family]
        for key, values in sums.get(stored, []):
            yield family, key, {name: values[i] for name, i in fields_.items()}


@dataclass
class Row:
    key: object  # the breakdown value (a Source, a DisputeType, an org id, a code...)
    label: str
    figures: Figures
    filters: Filters  # the filters that select this row's cases


@dataclass
class Breakdown:
    """The figures of a period: the total and, for a dimension, one row per value."""

    period: Period
    filters: Filters
    dimension: Dimension | None
    total: Figures
    rows: list[Row]

    @classmethod
    def build(cls, period, filters, by, rows: dict, total: Figures | None = None) -> Breakdown:
        if total is None:
            total = Figures()
            for figures in rows.values():
                total.add(figures)
        # A value with nothing counted is no row: the summary keeps a zero where a case moved
        # from one organisation to another, the cases themselves give no such row.
        rows = {key: figures for key, figures in rows.items() if not figures.empty}
        if by == Dimension.LEVEL:
            rows = _levels(rows)
        labelled = _labels(by, list(rows))
        out = [
            Row(key, labelled[key], figures, filters.narrowed(by, key))
            for key, figures in rows.items()
        ]
        out.sort(key=_row_order(by))
        return cls(period, filters, by, total, out)


def levels_of(organisations: Breakdown) -> Breakdown:
    """The breakdown by level, from the breakdown by organisation (no second pass)."""
    rows = {("org", row.key): row.figures for row in organisations.rows}
    return Breakdown.build(
        organisations.period, organisations.filters, Dimension.LEVEL, rows, organisations.total
    )


def _levels(rows: dict) -> dict:
    ids = [org_id for (_tag, org_id) in rows if org_id is not None]
    level_by_org = {}
    if ids:
        for org_id, kind, region_level in db.session.execute(
            sa.select(Organisation.id, Organisation.kind, Region.level)
            .join(Region, Organisation.region_id == Region.id)
            .where(Organisation.id.in_(ids))
        ):
            level_by_org[org_id] = level_of(kind, region_level)
    out: dict[Level, Figures] = {}
    for (_tag, org_id), figures in rows.items():
        level = level_by_org.get(org_id, Level.NONE)
        out[level] = out[level] + figures if level in out else figures
    return out


def _labels(by: Dimension, keys: list) -> dict:
    if by == Dimension.SOURCE:
        return {k: str(_source_of(k).label) for k in keys}
    if by == Dimension.TYPE:
        return {k: str(DisputeType(k).label) for k in keys}
    if by == Dimension.LEVEL:
        return {k: str(k.label) for k in keys}
    if by == Dimension.ORGANISATION:
        ids = [k for k in keys if k is not None]
        names = dict(
            db.session.execute(
                sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
            ).all()
        )
        return {k: names.get(k) or str(_l("No organisation")) for k in keys}
    if by == Dimension.REGION:
        names = dict(
            db.session.execute(
                sa.select(Region.code, Region.name).where(Region.code.in_(keys))
            ).all()
        )
        return {k: names.get(k, k) for k in keys}
    if by == Dimension.MEDIATOR:
        ids = [k for k in keys if k]
        names = dict(
            db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all()
        )
        return {k: names.get(k) or str(_l("No presiding mediator")) for k in keys}
    raise ValueError(by)


def _row_order(by: Dimension):
    if by == Dimension.SOURCE:
        order = {s: i for i, s in enumerate(Source)}
        return lambda r: order.get(_source_of(r.key), 99)
    if by == Dimension.TYPE:
        order = {t: i for i, t in enumerate(DisputeType)}
        return lambda r: order.get(DisputeType(r.key), 99)
    if by == Dimension.LEVEL:
        order = {level: i for i, level in enumerate(Level)}
        return lambda r: order[r.key]
    if by == Dimension.REGION:
        return lambda r: r.key or ""
    # organisations and mediators: the busiest first, then by name
    return lambda r: (-(r.figures.accepted + r.figures.mediated), r.label)


# ---- series: many periods from one pass ---------------------------------------------------


@dataclass
class Series:
    """The counts within one span, day by day and for whole months read from the summary:
    any period inside the span made of those days and months is summed from it without
    querying again."""

    span: Period
    days: dict[date, Figures]
    months: dict[Period, Figures] = field(default_factory=dict)

    def figures(self, period: Period) -> Figures:
        total = Figures()
        for day, figures in self.days.items():
            if period.start <= day <= period.end:
                total.add(figures)
        for month, figures in self.months.items():
            if period.start <= month.start and month.end <= period.end:
                total.add(figures)
        return total


def series(
    scope,
    span: Period,
    filters: Filters = Filters(),  # noqa: B008 - frozen, never mutated
    *,
    today: date | None = None,
    periods: Iterable[Period] = (),
) -> Series:
    """Every count per day over `span`: one aggregate query per family, grouped by the China
    date of its counting date (each case has one per family) and by source. Responses are
    judged against the deadline of each filing day, so summing days is exact. The settled
    whole months that none of `periods` cuts are read from the monthly summary instead,
    when it can answer."""
    today = today or local_today()
    periods = list(periods)

    def uncut(month: Period) -> bool:
        return all(
            (p.start <= month.start and month.end <= p.end)
            or p.end < month.start
            or month.end < p.start
            for p in periods
        )

    use, area = _summary_plan(scope, filters, (), 9)
    months, rest = _split(span, today, uncut) if use else ([], [span])
    group = _Group(by_day=True)
    days: dict[date, Figures] = defaultdict(Figures)
    for family in FAMILIES:
        # A family the summary does not keep is counted from its rows over the whole span.
        for piece in rest if family in _SUMMARY_FIELDS else [span]:
            for key, values in _run(family, scope, piece, filters, today, group):
                day = key[0]
                if isinstance(day, str):
                    day = date.fromisoformat(day)
                source = _source_of(key[1]) if family == "accepted" else None
                _add(days[day], values, source)
    by_month: dict[Period, Figures] = {}
    if months:
        wanted = {m.start: m for m in months}
        for family, key, values in _from_summary(
            months[0].start, months[-1].start, area, filters, ["month", "source"], 9,
            FAMILIES,
        ):  # fmt: skip
            first = date.fromisoformat(key[0]) if isinstance(key[0], str) else key[0]
            if first not in wanted:  # a month between them that a period cuts: days above
                continue
            figures = by_month.setdefault(wanted[first], Figures())
            _add(figures, values, _source_of(key[1]) if family == "accepted" else None)
    return Series(span, dict(days), by_month)


def figures_for(
    scope,
    periods: list[Period],
    filters: Filters = Filters(),  # noqa: B008 - frozen, never mutated
    *,
    today: date | None = None,
    also: Iterable[Period] = (),
) -> tuple[list[Figures], Series]:
    """Every indicator of each period: one series over the span of all of them (and of the
    periods `also` that will be summed from it: a trend's months). Returns the figures and
    the series."""
    today = today or local_today()
    also = list(also)
    every = [*periods, *also]
    span = Period(min(p.start for p in every), max(p.end for p in every))
    days = series(scope, span, filters, today=today, periods=every)
    return [days.figures(p) for p in periods], days


# ---- prevention and screening -------------------------------------------------------------


@dataclass(frozen=True)
class PreventionCounts:
    """The screening rounds of the period (排查次数: rounds held, of which nil returns) and the
    disputes put on a watch list (纳入重点关注). What a mediation prevented (防止民间纠纷转化为
    刑事案件, 防止群体性上访, 防止引起自杀, 制止群体性械斗) is not recorded by the portal: the
    reports say so rather than print a number. The disputes found in screening and registered
    as cases are a figure of their own (screening_found)."""

    screening_rounds: int
    nil_returns: int
    watch_items: int


def prevention_counts(
    scope: sa.ColumnElement[bool] | Scope | None,
    period: Period,
    filters: Filters = Filters(),  # noqa: B008 - frozen, never mutated
) -> PreventionCounts | None:
    """The screening counts of `period` (rounds by the day they were held, watch items by the
    day they were raised) of the organisations in `scope` (a leader's area, a director's own
    organisation, or everything for None), narrowed by the place and organisation of
    `filters`. None when the filters are of cases only (a dispute type, a source, a level, a
    mediator): rounds have none of them, and a number would not be what was asked."""
    if filters.dispute_type or filters.source or filters.level or filters.mediator_id is not None:
        return None
    orgs = sa.select(Organisation.id)
    region = filters.region or (scope.region if isinstance(scope, Scope) else None)
    if isinstance(scope, Scope) and scope.region and region and not region.startswith(scope.region):
        region = scope.region  # a place outside the area: the area
    if region:
        low, high = code_range(region)
        orgs = orgs.join(Region, Organisation.region_id == Region.id).where(
            Region.code >= low, Region.code < high
        )
    if isinstance(scope, Scope) and scope.organisation_id is not None:
        orgs = orgs.where(Organisation.id == scope.organisation_id)
    elif scope is not None and not (isinstance(scope, Scope) and scope.region):
        return None  # a bare condition on cases names no organisations
    if filters.organisation_id is not None:
        orgs = orgs.where(Organisation.id == filters.organisation_id)
    held = sa.and_(ScreeningRound.held_on >= period.start, ScreeningRound.held_on <= period.end)
    rounds, nil = db.session.execute(
        sa.select(
            sa.func.count(ScreeningRound.id),
            sa.func.coalesce(
                sa.func.sum(sa.case((ScreeningRound.nil_return.is_(True), 1), else_=0)), 0
            ),
        ).where(held, ScreeningRound.organisation_id.in_(orgs))
    ).one()
    watched = db.session.scalar(
        sa.select(sa.func.count(WatchItem.id)).where(
            WatchItem.organisation_id.in_(orgs),
            WatchItem.created_at >= period.since,
            WatchItem.created_at < period.until,
        )
    )
    return PreventionCounts(int(rounds), int(nil), int(watched or 0))


# ---- flat tables (the command line, exports) ----------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a flat statistics table: a stable key (for scripts), its label and, for
    a rate, its formula."""

    key: str
    label: object
    kind: str  # "count", "rate", "amount"
    formula: object | None = None


def columns() -> list[Column]:
    """Every indicator, with 受理数 followed by its split by source."""
    sample = Figures()
    out = []
    for indicator in INDICATORS:
        formula = value_of(sample, indicator).formula if indicator.kind == "rate" else None
        out.append(Column(indicator.key, indicator.label, indicator.kind, formula))
        if indicator.key == "accepted":
            out += [
                Column(f"accepted_{s.value}", _l("of which: %(source)s", source=s.label), "count")
                for s in Source
            ]
    return out


def values(figures: Figures) -> list:
    """The row of `figures` in the order of columns(): ints, rates as Decimal percentages
    (None when undefined), the amount as Decimal yuan."""
    out = []
    for column in columns():
        if column.key.startswith("accepted_"):
            out.append(figures.by_source(Source(column.key.removeprefix("accepted_"))))
            continue
        value = value_of(figures, INDICATOR_BY_KEY[column.key])
        out.append(value.value() if isinstance(value, Rate) else value)
    return out
