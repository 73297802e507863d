"""Operator commands: `flask seed`, `flask create-user` and `flask translate ...`.

`flask seed` loads a demo world around 荆州市 (seed 001): the city, 公安县 and 松滋市 with all
their townships (real codes, data/regions_demo.csv), invented villages, the centres and committees,
staff for every role and about 200 cases in every state. Cases are made only through the domain
functions, so their numbers, timelines and deadlines are the real thing; only the clock is moved
back (see `_SeedClock`). The texts of the cases are in data/demo_cases.json.
"""

from __future__ import annotations

import csv
import functools
import json
import random
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from domain import documents
from domain.aftercare import apply_confirmation, record_follow_up, record_ruling
from domain.agreements import sign_agreement
from domain.clocks import CHINA, Urgency, local_today
from domain.closing import archive_case, suspend, terminate
from domain.consent import acknowledge_notice, record_consent
from domain.dispatch import assign_mediator, dispatch_to_organisation, eligible_mediators
from domain.intake import CaseData, PartyData, register_case, submit_application
from domain.mediation import AgreementData, record_agreement, record_failure, record_session
from domain.records import sign_record
from domain.recusal import declare_no_conflict
from domain.referrals import ReferralData, record_feedback, register_referral
from domain.routing import LARGE_AMOUNT, suggest_organisation
from domain.screening import accept_case, not_accept_case
from domain.states import CaseState
from extensions import db
from models import (
    Agreement,
    Case,
    CaseMediator,
    Event,
    MediationSession,
    Organisation,
    Region,
    TimeLimitRule,
    User,
    code_range,
)
from models.enums import (
    TERMINATION_REASONS,
    AgreementKind,
    Channel,
    ClosureReason,
    ConsentStatus,
    ContactMethod,
    CourtMode,
    CourtProcedure,
    DisputeType,
    DocumentKind,
    NoticeAck,
    OrgKind,
    PartyKind,
    PartyRole,
    Performance,
    PetitionForm,
    PoliceCategory,
    ReferralKind,
    RegionLevel,
    Role,
    Ruling,
    Satisfaction,
    SessionMode,
    Sex,
    SignerKind,
    Source,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = BASE_DIR / "data"
REGIONS_FILE = DATA_DIR / "regions_demo.csv"
TEXTS_FILE = DATA_DIR / "demo_cases.json"

# Every demo account uses this password; it is printed at the end of `flask seed`.
DEMO_PASSWORD = "jiefen-demo-2026"  # noqa: S105 - documented demo password, development only
MIN_PASSWORD_LENGTH = 10
# The scan of the parties' ID documents in an archived demo file: a 1×1 grey PNG.
DEMO_SCAN = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154"
    "789c63f80f0001010100b138f6140000000049454e44ae426082"
)
SEED = 2026
CITY_CODE = "4210"

# Industry committees of each county: (slug, name part, dispute types).
INDUSTRY = [
    ("traffic", "道路交通事故纠纷", ["DLJT"]),
    ("labour", "劳动争议", ["LDZY"]),
    ("property", "物业纠纷", ["WY"]),
    ("family", "婚姻家庭纠纷", ["HYJT"]),
    ("medical", "医疗纠纷", ["YL"]),
]
INDUSTRY_TYPES = {t for _slug, _name, types in INDUSTRY for t in types}
# Relative frequency of the 15 types in the demo (roughly like a county's monthly report).
TYPE_WEIGHTS = {
    "HYJT": 15,
    "LL": 15,
    "FWZJD": 8,
    "HT": 10,
    "SCJY": 4,
    "SHPC": 8,
    "SLTD": 6,
    "ZDCQ": 3,
    "HJWR": 3,
    "LDZY": 8,
    "XF": 4,
    "YL": 3,
    "DLJT": 9,
    "WY": 4,
    "QT": 3,
}
SOURCE_WEIGHTS = {
    Source.APPLICATION: 50,
    Source.INITIATIVE: 10,
    Source.COURT: 14,
    Source.POLICE: 10,
    Source.PETITION: 6,
    Source.GOVERNMENT: 5,
}
# Which dispute types each referring body plausibly sends.
SOURCE_TYPES = {
    Source.COURT: {"HT", "HYJT", "DLJT", "LDZY", "SHPC", "FWZJD", "XF", "WY"},
    Source.POLICE: {"LL", "SHPC", "DLJT", "HYJT", "XF"},
    Source.PETITION: {"ZDCQ", "FWZJD", "SLTD", "HJWR", "LDZY", "WY", "QT"},
    Source.GOVERNMENT: {"HJWR", "ZDCQ", "SLTD", "WY", "SCJY", "XF"},
    Source.INITIATIVE: {"LL", "HYJT", "FWZJD", "SLTD", "SCJY", "QT", "HJWR"},
}
# Old county codes still on the ID cards of people registered before the 1994/95 renaming.
OLD_ID_PREFIX = {"421022": ("422423", 1994), "421087": ("422422", 1995)}
MOBILE_PREFIXES = [*(f"13{d}" for d in range(10)), "150", "151", "152", "158", "159", "186", "189"]

# The general mix of states; the groups below come on top (200 cases in all, plus one online
# duplicate that the desk merged into a case in mediation).
GENERIC_STATES = {
    CaseState.NOT_ACCEPTED: 12,
    CaseState.ACCEPTED: 12,
    CaseState.DISPATCHED: 13,
    CaseState.MEDIATING: 26,
    CaseState.SUSPENDED: 4,
    CaseState.JOINT_MEDIATION: 4,
    CaseState.AGREED: 50,
    CaseState.FAILED: 12,
    CaseState.REFUSED: 5,
    CaseState.TERMINATED: 6,
    CaseState.ARCHIVED: 8,
}
# Cases for the 埠河镇 centre (user `mediator`): MEDIATING split by urgency, plus a few others.
BUHE_MEDIATING = [Urgency.OVERDUE] * 3 + [Urgency.DUE_SOON] * 3 + [Urgency.ON_TIME] * 6
BUHE_OTHER = {
    CaseState.AGREED: 5,
    CaseState.FAILED: 1,
    CaseState.SUSPENDED: 1,
    CaseState.TERMINATED: 1,
    CaseState.DISPATCHED: 1,
}
# What happens after the agreement in the 埠河镇 centre's agreed cases, one each, so that
# `mediator` sees every step of aftercare.
BUHE_AFTERCARE = ["unsigned", "confirmation_ruled", "confirmation_pending", "visited", "signed"]
# Cases for the village committee of user `mediator2`; its joint mediation is organised by
# the 埠河镇 centre (user `director`).
VILLAGE_STATES = {
    CaseState.MEDIATING: 1,
    CaseState.JOINT_MEDIATION: 1,
    CaseState.AGREED: 2,
    CaseState.DISPATCHED: 1,
}
# States reached through a mediation that has ended (or paused) at some moment in the past.
ENDED_STATES = (
    CaseState.AGREED,
    CaseState.FAILED,
    CaseState.TERMINATED,
    CaseState.ARCHIVED,
    CaseState.JOINT_MEDIATION,
    CaseState.SUSPENDED,
)
# Time-limit rules (DOMAIN §1.10): court referrals 30 days (委派; entrusted cases get 15/7
# days per referral), petition cases 60 days; one township centre counts working days.
TIME_LIMIT_RULES = [(None, Source.COURT, 30, False), (None, Source.PETITION, 60, False)]
WORKING_DAYS_TOWNSHIP = ("421087", 1)  # 松滋市, its second township
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
# Desk queues.
REGISTERED_PER_COUNTY = {"421022": 16, "421087": 6}


def register(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(translate)


# --------------------------------------------------------------------------------------------
# flask seed
# --------------------------------------------------------------------------------------------


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the demo world (development only; safe to run again)."""
    if not current_app.config.get("SEED_ALLOWED"):
        raise click.ClickException(
            "Seeding is disabled in this configuration (SEED_ALLOWED is false). The demo world "
            "is for development only: run with JIEFEN_ENV=development."
        )
    started = time.perf_counter()
    world = DemoWorld(random.Random(SEED), datetime.now(UTC))
    try:
        result = world.build()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    elapsed = time.perf_counter() - started

    if not any(result.created.values()):
        click.echo(
            f"The demo world is already present (region {CITY_CODE} {world.city_name} exists "
            "with its organisations, staff and cases): nothing to do."
        )
        return
    click.echo(f"Demo world loaded in {elapsed:.1f} s.")
    for what, count in result.created.items():
        click.echo(f"  {what:<14} {count:>5} created")
    if result.state_counts:
        click.echo("Cases by state:")
        for state in CaseState:
            click.echo(f"  {state.value:<14} {result.state_counts.get(state, 0):>5}")
    if result.sample_codes:
        click.echo("Sample citizen query codes (shown once, stored hashed):")
        for state, number, code in result.sample_codes:
            click.echo(f"  {state.value:<14} {number}  {code}")
    click.echo("")
    click.echo(f"Demo logins (password for every account: {DEMO_PASSWORD}):")
    rows = [(u.username, u.role.value, u.organisation.name) for u in world.login_users()]
    width = max(len(r[0]) for r in rows)
    click.echo(f"  {'username':<{width}}  {'role':<8}  {'password':<16}  organisation")
    for username, role, org in rows:
        click.echo(f"  {username:<{width}}  {role:<8}  {DEMO_PASSWORD:<16}  {org}")


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    state_counts: Counter = field(default_factory=Counter)
    sample_codes: list[tuple[CaseState, str, str]] = field(default_factory=list)


class _SeedClock:
    """Moves the clock back while seeding.

    Domain functions take `now=` for the case's own dates, but timeline events, mediator links,
    session and agreement rows get `utcnow()` as their insert default. While installed, this
    fills those timestamps with `at` instead, on insert only (events stay immutable).
    """

    STAMPS: tuple[tuple[type, str], ...] = (
        (Event, "at"),
        (CaseMediator, "assigned_at"),
        (MediationSession, "created_at"),
        (Agreement, "created_at"),
    )

    def __init__(self) -> None:
        self.at: datetime | None = None
        self._listeners: list[tuple[type, Callable]] = []

    def install(self) -> None:
        for model, attr in self.STAMPS:

            def stamp(mapper, connection, target, attr=attr):  # noqa: ARG001
                if self.at is not None and getattr(target, attr) is None:
                    setattr(target, attr, self.at)

            sa.event.listen(model, "before_insert", stamp)
            self._listeners.append((model, stamp))

    def remove(self) -> None:
        for model, stamp in self._listeners:
            sa.event.remove(model, "before_insert", stamp)
        self._listeners.clear()

    @contextmanager
    def installed(self):
        self.install()
        try:
            yield self
        finally:
            self.remove()
            self.at = None


@dataclass
class CasePlan:
    state: CaseState
    county: str
    region: Region
    dtype: str
    template: dict
    source: Source
    channel: Channel
    accept_at: datetime | None
    created_at: datetime
    target: Organisation | None = None  # where to dispatch; None: follow the suggestion
    amount: Decimal | None = None
    pay: int | None = None  # the settlement, for the texts
    aftercare: str | None = None  # one of BUHE_AFTERCARE, for agreed cases


class DemoWorld:
    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.today = local_today(now)
        self.texts = _texts()
        self.city_name = "荆州市"
        self.regions: dict[str, Region] = {}
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.user_order: list[str] = []
        self.result = SeedResult()
        self.clock = _SeedClock()
        self.conflicts: list[str] = []

    # ---- orchestration ------------------------------------------------------------------

    def build(self) -> SeedResult:
        self._load_regions()
        self._load_organisations()
        self._load_users()
        self._load_time_limits()
        self._load_routing_rules()
        low, high = code_range(CITY_CODE)
        has_cases = db.session.scalar(
            sa.select(sa.func.count(Case.id)).where(
                Case.region_code >= low, Case.region_code < high
            )
        )
        if has_cases:
            self.result.created["cases"] = 0
            return self.result
        if self.conflicts:
            raise click.ClickException(
                "Cannot add the demo cases: these accounts exist but differ from the demo world: "
                + ", ".join(self.conflicts)
            )
        with self.clock.installed():
            self._make_cases()
        return self.result

    def login_users(self) -> list[User]:
        return [self.users[u] for u in self.user_order if u in self.users]

    # ---- regions ------------------------------------------------------------------------

    def _load_regions(self) -> None:
        low, high = code_range(CITY_CODE)
        existing = db.session.scalars(
            sa.select(Region).where(Region.code >= low, Region.code < high)
        )
        self.regions = {r.code: r for r in existing}
        created = 0
        self.township_slugs: dict[str, str] = {}
        with REGIONS_FILE.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            if row["level"] == "city":
                self.city_name = row["name"]
            if row["level"] == "township":
                self.township_slugs[row["code"]] = row["slug"]
            created += self._region(
                row["code"], row["name"], RegionLevel(row["level"]), row["parent_code"] or None
            )
        # Villages and communities (invented names, codes as the NBS allots them: 0xx for
        # residents' committees, 2xx for villagers' committees), three per township.
        names = random.Random(f"{SEED}-villages")
        stems = list(self.texts["village_stems"])
        names.shuffle(stems)
        communities = list(self.texts["community_stems"])
        for code in sorted(self.township_slugs):
            township = self.regions[code]
            if township.name.endswith("街道"):
                places = [(f"{code}{i:03d}", communities.pop(0) + "社区") for i in (1, 2, 3)]
            else:
                places = [
                    (f"{code}001", short_name(township.name) + "社区"),
                    (f"{code}201", stems.pop() + "村"),
                    (f"{code}202", stems.pop() + "村"),
                ]
            for vcode, vname in places:
                created += self._region(vcode, vname, RegionLevel.VILLAGE, code)
        # Two villagers' groups in the first village of the first township.
        first_village = f"{min(self.township_slugs)}201"
        for i, gname in ((1, "一组"), (2, "二组")):
            created += self._region(
                f"{first_village}{i:03d}", gname, RegionLevel.GROUP, first_village
            )
        db.session.flush()
        self.result.created["regions"] = created

    def _region(self, code: str, name: str, level: RegionLevel, parent: str | None) -> int:
        if code in self.regions:
            return 0
        region = Region(
            code=code, name=name, level=level, parent=self.regions[parent] if parent else None
        )
        db.session.add(region)
        self.regions[code] = region
        return 1

    def counties(self) -> list[Region]:
        return [r for r in self.regions.values() if r.level == RegionLevel.COUNTY]

    def townships(self, county: str | None = None) -> list[Region]:
        return sorted(
            (
                r
                for r in self.regions.values()
                if r.level == RegionLevel.TOWNSHIP and (county is None or r.code[:6] == county)
            ),
            key=lambda r: r.code,
        )

    def villages(self, township: str) -> list[Region]:
        return sorted(
            (
                r
                for r in self.regions.values()
                if r.level == RegionLevel.VILLAGE and r.code[:9] == township
            ),
            key=lambda r: r.code,
        )

    # ---- organisations -------------------------------------------------------------------

    def _load_organisations(self) -> None:
        self.orgs = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
        specs: list[dict[str, Any]] = [
            dict(
                name=f"{self.city_name}社会矛盾纠纷调处中心",
                kind=OrgKind.CENTRE,
                region=CITY_CODE,
                phone="0716-8451234",
                address="荆州市沙市区北京中路",
            ),
        ]
        self.county_centre: dict[str, str] = {}
        self.township_centre: dict[str, str] = {}
        self.village_committee: dict[str, str] = {}
        self.industry: dict[tuple[str, str], str] = {}
        for county in sorted(self.counties(), key=lambda r: r.code):
            c = county.code
            area = "52" if c == "421022" else "62"
            centre = f"{county.name}矛盾纠纷调处中心"
            self.county_centre[c] = centre
            specs.append(
                dict(
                    name=centre,
                    kind=OrgKind.CENTRE,
                    region=c,
                    phone=f"0716-{area}12348",
                    address=f"{county.name}人民政府政务服务中心",
                )
            )
            for i, township in enumerate(self.townships(c)):
                name = f"{township.name}矛盾纠纷调处中心"
                self.township_centre[township.code] = name
                specs.append(
                    dict(
                        name=name,
                        kind=OrgKind.CENTRE,
                        region=township.code,
                        phone=f"0716-{area}3{i:02d}{48 + i % 50:02d}",
                        address=f"{county.name}{township.name}综治中心",
                    )
                )
                for village in self.villages(township.code):
                    name = f"{village.name}人民调解委员会"
                    self.village_committee[village.code] = name
                    specs.append(
                        dict(
                            name=name,
                            kind=OrgKind.VILLAGE_COMMITTEE,
                            region=village.code,
                            address=f"{township.name}{village.name}党群服务中心",
                        )
                    )
            for slug, part, types in INDUSTRY:
                name = f"{county.name}{part}人民调解委员会"
                self.industry[(c, slug)] = name
                specs.append(
                    dict(
                        name=name,
                        kind=OrgKind.INDUSTRY_COMMITTEE,
                        region=c,
                        dispute_types=types,
                        address=f"{centre}内",
                    )
                )
            seat = self.townships(c)[1] if c == "421022" else self.townships(c)[0]
            specs += [
                dict(name=f"{county.name}人民法院", kind=OrgKind.COURT, region=c),
                dict(
                    name=f"{county.name}公安局{short_name(seat.name)}派出所",
                    kind=OrgKind.POLICE_STATION,
                    region=seat.code,
                ),
                dict(name=f"{county.name}信访局", kind=OrgKind.PETITION_OFFICE, region=c),
            ]
        created = 0
        for spec in specs:
            if spec["name"] in self.orgs:
                continue
            org = Organisation(
                name=spec["name"],
                kind=spec["kind"],
                region=self.regions[spec["region"]],
                dispute_types=spec.get("dispute_types", []),
                phone=spec.get("phone"),
                address=spec.get("address"),
                active=True,
            )
            db.session.add(org)
            self.orgs[org.name] = org
            created += 1
        db.session.flush()
        self.result.created["organisations"] = created

    # ---- users --------------------------------------------------------------------------

    def _user_specs(self) -> list[dict[str, Any]]:
        gongan, songzi = "421022", "421087"
        buhe = self.townships(gongan)[0]
        first_village = self.villages(buhe.code)[1]  # a 村 (2xx), not the community
        self.mediator2_org = self.village_committee[first_village.code]
        city = f"{self.city_name}社会矛盾纠纷调处中心"
        specs = [
            dict(username="admin", name="赵磊", role=Role.ADMIN, org=city),
            dict(username="cityleader", name="黄国华", role=Role.LEADER, org=city),
            dict(
                username="leader", name="周志强", role=Role.LEADER, org=self.county_centre[gongan]
            ),
            dict(username="clerk", name="刘晓燕", role=Role.CLERK, org=self.county_centre[gongan]),
            dict(username="clerk2", name="陈静", role=Role.CLERK, org=self.county_centre[songzi]),
            dict(
                username="director",
                name="张德明",
                role=Role.DIRECTOR,
                org=self.township_centre[buhe.code],
            ),
            dict(
                username="mediator",
                name="王建国",
                role=Role.MEDIATOR,
                org=self.township_centre[buhe.code],
                specialties=["LL", "FWZJD", "HT", "SHPC"],
                full_time=True,
            ),
            dict(
                username="mediator2",
                name="李秀英",
                role=Role.MEDIATOR,
                org=self.mediator2_org,
                specialties=["HYJT", "LL"],
                full_time=False,
            ),
        ]
        names = random.Random(f"{SEED}-staff")
        used = {s["name"] for s in specs}

        def fresh_name() -> str:
            while True:
                name = person_name(names)[0]
                if name not in used:
                    used.add(name)
                    return name

        industry_names = {
            "traffic": "杨永刚",
            "labour": "吴春生",
            "property": "孙丽娟",
            "family": "胡桂英",
            "medical": "郑海涛",
        }
        used.update(industry_names.values())
        for county, prefix in ((gongan, "med-"), (songzi, "med-sz-")):
            for slug, _part, types in INDUSTRY:
                specs.append(
                    dict(
                        username=f"{prefix}{slug}",
                        name=industry_names[slug] if county == gongan else fresh_name(),
                        role=Role.MEDIATOR,
                        org=self.industry[(county, slug)],
                        specialties=types + (["SHPC"] if slug in ("traffic", "medical") else []),
                        full_time=True,
                    )
                )
        general = ["LL", "FWZJD", "HT", "SCJY", "SHPC", "SLTD", "ZDCQ", "HJWR", "XF", "QT"]
        for township in self.townships():
            if township.code == buhe.code:
                continue  # `mediator` works there
            specs.append(
                dict(
                    username=f"med-{self.township_slugs[township.code]}",
                    name=fresh_name(),
                    role=Role.MEDIATOR,
                    org=self.township_centre[township.code],
                    specialties=sorted(names.sample(general, 3)),
                    full_time=names.random() < 0.6,
                )
            )
        return specs

    def _load_users(self) -> None:
        specs = self._user_specs()
        usernames = [s["username"] for s in specs]
        self.users = {
            u.username: u
            for u in db.session.scalars(sa.select(User).where(User.username.in_(usernames)))
        }
        self.user_order = usernames
        password_hash: str | None = None  # one hash for all: hashing is slow on purpose
        phones = random.Random(f"{SEED}-phones")
        created = 0
        for spec in specs:
            org = self.orgs[spec["org"]]
            existing = self.users.get(spec["username"])
            if existing is not None:
                if existing.role != spec["role"] or existing.organisation_id != org.id:
                    self.conflicts.append(spec["username"])
                continue
            user = User(
                username=spec["username"],
                name=spec["name"],
                role=spec["role"],
                organisation=org,
                active=True,
                phone=mobile(phones),
                specialties=spec.get("specialties", []),
                full_time=spec.get("full_time", spec["role"] != Role.MEDIATOR),
                languages="普通话、荆州话" if spec["role"] == Role.MEDIATOR else None,
                created_at=self.now - timedelta(days=120),
            )
            if password_hash is None:
                user.set_password(DEMO_PASSWORD)
                password_hash = user.password_hash
            user.password_hash = password_hash
            db.session.add(user)
            self.users[user.username] = user
            created += 1
        db.session.flush()
        self.result.created["users"] = created

    # ---- time limits -------------------------------------------------------------------

    def _load_time_limits(self) -> None:
        county, index = WORKING_DAYS_TOWNSHIP
        township = self.townships(county)[index]
        centre = self.orgs[self.township_centre[township.code]]
        wanted = [*TIME_LIMIT_RULES, (centre, None, 20, True)]
        existing = {
            (r.organisation_id, r.source) for r in db.session.scalars(sa.select(TimeLimitRule))
        }
        created = 0
        for org, source, days, working in wanted:
            if (org.id if org else None, source) in existing:
                continue
            db.session.add(
                TimeLimitRule(organisation=org, source=source, days=days, working_days=working)
            )
            created += 1
        db.session.flush()
        self.result.created["time limits"] = created

    # ---- routing rules -----------------------------------------------------------------

    def _load_routing_rules(self) -> None:
        """Per county, rules that reproduce the built-in routing as data (DOMAIN §4.5): the
        industry committee per type it takes, then escalation (collective and cross-region to
        the county centre, high risk and large amounts to the township). A county that
        already has rules is left alone."""
        from decimal import Decimal

        from models import RoutingRule
        from models.enums import RiskLevel, RoutingLevel

        have = set(db.session.scalars(sa.select(RoutingRule.scope_code).distinct()))
        created = 0
        for county in sorted(self.counties(), key=lambda r: r.code):
            c = county.code
            if c in have:
                continue
            specs: list[dict[str, Any]] = [
                dict(
                    name=f"{part}归口调处",
                    dispute_types=types,
                    target_org=self.orgs[self.industry[(c, slug)]],
                )
                for slug, part, types in INDUSTRY
            ]
            specs += [
                dict(
                    name="群体性纠纷（10人以上）上交县中心",
                    min_parties=10,
                    target_level=RoutingLevel.COUNTY,
                ),
                dict(
                    name="跨地区纠纷上交县中心", cross_region=True, target_level=RoutingLevel.COUNTY
                ),
                dict(
                    name="高风险纠纷（橙色、红色）上交镇中心",
                    risk_levels=[RiskLevel.ORANGE.value, RiskLevel.RED.value],
                    target_level=RoutingLevel.TOWNSHIP,
                ),
                dict(
                    name="大额纠纷（10万元以上）上交镇中心",
                    min_amount=Decimal("100000"),
                    target_level=RoutingLevel.TOWNSHIP,
                ),
            ]
            for position, spec in enumerate(specs, start=1):
                db.session.add(RoutingRule(scope_code=c, position=position, **spec))
                created += 1
        db.session.flush()
        self.result.created["routing rules"] = created

    # ---- cases: planning ----------------------------------------------------------------

    def _make_cases(self) -> None:
        plans = self._plan_cases()
        plans.sort(key=lambda p: p.created_at)  # numbers are handed out in time order
        samples: dict[CaseState, tuple[str, str]] = {}
        made: list[Case] = []
        for plan in plans:
            case, code = self._run(plan)
            made.append(case)
            self.result.state_counts[case.state] += 1
            if case.region_code.startswith("421022"):
                samples.setdefault(case.state, (case.number, code))
        duplicate = self._duplicate_application(made)
        if duplicate is not None:
            case, code = duplicate
            self.result.state_counts[case.state] += 1
            samples.setdefault(case.state, (case.number, code))
            made.append(case)
        self.result.created["cases"] = len(made)
        self.result.sample_codes = [
            (state, *samples[state]) for state in CaseState if state in samples
        ]

    def _duplicate_application(self, made: list[Case]) -> tuple[Case, str] | None:
        """The applicant of a case in mediation also applied online about the same dispute;
        the desk merged the duplicate into the earlier case (both numbers stay findable)."""
        from domain.links import merge_cases

        earlier = next(
            (
                c
                for c in made
                if c.state == CaseState.MEDIATING
                and c.region_code.startswith("421022")
                and c.source == Source.APPLICATION
                and not c.referrals
            ),
            None,
        )
        if earlier is None:
            return None
        when = self._after(self._last_event(earlier), 2, 30)
        data = CaseData(
            region=earlier.region,
            dispute_type=earlier.dispute_type,
            summary=earlier.summary,
            requests=list(earlier.requests),
            amount=earlier.amount,
            parties=[
                PartyData(
                    role=p.role,
                    name=p.name,
                    kind=p.kind,
                    sex=p.sex,
                    age=p.age,
                    id_number=p.id_number,
                    phone=p.phone,
                    address=p.address,
                )
                for p in earlier.parties
            ],
        )
        case, code = self._at(when, submit_application, data, now=when)
        reason = "同一申请人就同一纠纷在线重复申请，与已在调解的案件合并办理。"
        merged_at = self._soon(when, 40)
        self._at(
            merged_at,
            merge_cases,
            case,
            earlier.number,
            self.users["clerk"],
            version=None,
            reason=reason,
            now=merged_at,
        )
        return case, code

    def _plan_cases(self) -> list[CasePlan]:
        rng = self.rng
        plans: list[CasePlan] = []
        gongan = "421022"
        buhe = self.townships(gongan)[0]
        buhe_centre = self.orgs[self.township_centre[buhe.code]]
        general_types = [t for t in TYPE_WEIGHTS if t not in INDUSTRY_TYPES]

        # 1. The 埠河镇 centre: user `mediator`'s workbench and `director`'s committee.
        buhe_states = [(CaseState.MEDIATING, u) for u in BUHE_MEDIATING]
        buhe_states += [(s, None) for s, n in BUHE_OTHER.items() for _ in range(n)]
        aftercare = list(BUHE_AFTERCARE)
        for state, urg in buhe_states:
            dtype = rng.choice(general_types)
            template = rng.choice(self.texts["types"][dtype])
            if template.get("where"):
                region = self._pick_place(buhe.code, template["where"])
            else:
                region = buhe if rng.random() < 0.7 else self._pick_place(buhe.code, None)
            plan = self._plan(state, region, dtype, template, urg, target=buhe_centre)
            if state == CaseState.AGREED:
                plan.aftercare = aftercare.pop(0)
            plans.append(plan)

        # 2. The village committee of user `mediator2`.
        committee = self.orgs[self.mediator2_org]
        for state, n in VILLAGE_STATES.items():
            for _ in range(n):
                dtype = rng.choice(general_types)
                choices = [
                    t for t in self.texts["types"][dtype] if t.get("where") in (None, "village")
                ]
                template = rng.choice(choices or self.texts["types"]["LL"])
                plan = self._plan(state, committee.region, dtype, template, None, target=committee)
                if plan.amount is not None and plan.amount > LARGE_AMOUNT:
                    plan.amount = Decimal(rng.randrange(20, 90) * 1000)
                plans.append(plan)

        # 3. The desks' queues of new cases.
        for county, n in REGISTERED_PER_COUNTY.items():
            for _ in range(n):
                dtype = self._pick_type()
                plans.append(self._generic(CaseState.REGISTERED, county, dtype))

        # 4. Everything else, every type at least once.
        states = [s for s, n in GENERIC_STATES.items() for _ in range(n)]
        rng.shuffle(states)
        types = list(TYPE_WEIGHTS)
        rng.shuffle(types)
        for i, state in enumerate(states):
            dtype = types[i] if i < len(types) else self._pick_type()
            county = gongan if rng.random() < 0.62 else "421087"
            plans.append(self._generic(state, county, dtype))
        return plans

    def _pick_type(self) -> str:
        types = list(TYPE_WEIGHTS)
        return self.rng.choices(types, weights=[TYPE_WEIGHTS[t] for t in types])[0]

    def _pick_place(self, township: str, where: str | None) -> Region:
        villages = self.villages(township)
        if where == "village":
            villages = [v for v in villages if v.code[-3] == "2"] or villages
        elif where == "community":
            villages = [v for v in villages if v.code[-3] == "0"] or villages
        return self.rng.choice(villages)

    def _generic(self, state: CaseState, county: str, dtype: str) -> CasePlan:
        rng = self.rng
        template = rng.choice(self.texts["types"][dtype])
        township = rng.choice(self.townships(county))
        where = template.get("where")
        # Staff exist at township centres and industry committees, not in most villages: a
        # case that goes beyond the desk is more often recorded at township level, which
        # routes it to the township centre without overriding the suggestion.
        progressed = state not in (CaseState.REGISTERED, CaseState.NOT_ACCEPTED, CaseState.ACCEPTED)
        if where is None and rng.random() < (0.5 if progressed else 0.15):
            region = township  # somewhere in the township, no village given
        else:
            region = self._pick_place(township.code, where)
        urg = None
        if state == CaseState.MEDIATING:
            urg = rng.choices(
                [Urgency.OVERDUE, Urgency.DUE_SOON, Urgency.ON_TIME], weights=[15, 15, 70]
            )[0]
        return self._plan(state, region, dtype, template, urg)

    def _plan(
        self,
        state: CaseState,
        region: Region,
        dtype: str,
        template: dict,
        urg: Urgency | None,
        target: Organisation | None = None,
    ) -> CasePlan:
        rng = self.rng
        candidates = [
            s for s in SOURCE_WEIGHTS if s == Source.APPLICATION or dtype in SOURCE_TYPES[s]
        ]
        source = rng.choices(candidates, weights=[SOURCE_WEIGHTS[s] for s in candidates])[0]
        if source == Source.APPLICATION:
            channel = rng.choices(
                [Channel.ONLINE, Channel.WALK_IN, Channel.PHONE], weights=[45, 40, 15]
            )[0]
        elif source == Source.INITIATIVE:
            channel = Channel.SCREENING
        else:
            channel = Channel.REFERRAL

        accept_at: datetime | None
        if state == CaseState.REGISTERED:
            accept_at = None
            days = rng.choices(range(7), weights=[4, 4, 3, 3, 2, 1, 1])[0]
            created = (
                self._office_time(days)
                if days
                else self.now - timedelta(minutes=rng.randrange(20, 300))
            )
        else:
            if state == CaseState.NOT_ACCEPTED:
                days = rng.randrange(3, 86)
            elif state == CaseState.ACCEPTED:
                days = rng.randrange(0, 6)
            elif state == CaseState.DISPATCHED:
                days = rng.randrange(1, 12)
            elif state == CaseState.MEDIATING:
                days = {
                    Urgency.OVERDUE: lambda: rng.randrange(31, 48),
                    Urgency.DUE_SOON: lambda: rng.randrange(25, 31),
                    Urgency.ON_TIME: lambda: rng.randrange(2, 25),
                }[urg or Urgency.ON_TIME]()
                if source == Source.PETITION:  # a 60-day limit (TIME_LIMIT_RULES)
                    days += 30
            else:
                days = rng.randrange(14, 88)
            accept_at = self._office_time(days)
            created = self._office_time(days + rng.choice([0, 0, 1, 1, 2, 3]))
            if created > accept_at - timedelta(minutes=20):
                created = accept_at - timedelta(minutes=rng.randrange(20, 120))
        evening = timedelta(hours=rng.randrange(0, 10))
        if channel == Channel.ONLINE and created.astimezone(CHINA).hour < 20:
            created -= evening  # citizens apply in the evening too

        amount = None
        if template.get("amount"):
            lo, hi = template["amount"]
            amount = Decimal(round(rng.uniform(lo, hi), -2))
            large = rng.random() < 0.3
            if target is not None and target.kind == OrgKind.CENTRE and large and hi > LARGE_AMOUNT:
                amount = Decimal(round(rng.uniform(float(LARGE_AMOUNT) + 1000, hi), -2))
        return CasePlan(
            state=state,
            county=region.code[:6],
            region=region,
            dtype=dtype,
            template=template,
            source=source,
            channel=channel,
            accept_at=accept_at,
            created_at=created,
            target=target,
            amount=amount,
        )

    def _office_time(self, days_ago: int) -> datetime:
        """A moment in office hours `days_ago` days ago (China time), never in the future."""
        day = self.today - timedelta(days=days_ago)
        minutes = self.rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=CHINA)
        moment = local.astimezone(UTC)
        if moment >= self.now:
            moment = self.now - timedelta(minutes=15 + minutes % 60)
        return moment

    def _after(self, start: datetime, lo_hours: float, hi_hours: float) -> datetime:
        """A later moment, moved into office hours, and before now."""
        # Always draw the same numbers, so the demo does not depend on the time of day.
        moment = start + timedelta(hours=self.rng.uniform(lo_hours, hi_hours))
        minute = self.rng.randrange(0, 60)
        local = moment.astimezone(CHINA)
        if local.hour < 8:
            local = local.replace(hour=8, minute=30 + minute // 2)
        elif local.hour >= 18:
            local = (local + timedelta(days=1)).replace(hour=9, minute=minute)
        moment = local.astimezone(UTC)
        latest = self.now - timedelta(minutes=5)
        if moment > latest:
            moment = max(start + timedelta(minutes=2), latest)
        return moment

    # ---- cases: running the workflow ---------------------------------------------------

    def _at(self, when: datetime, fn: Callable, *args, **kwargs):
        """Run one domain step with the clock at `when`, and write it out at that time."""
        self.clock.at = when
        result = fn(*args, **kwargs)
        db.session.flush()
        return result

    def _run(self, plan: CasePlan) -> tuple[Case, str]:
        rng = self.rng
        county = plan.county
        clerk = self.users["clerk" if county == "421022" else "clerk2"]
        desk = clerk
        if county == "421022" and rng.random() < 0.15:
            desk = self.users["leader"]
        names = self._names(plan)
        plan.pay = self._pay(plan)
        data = self._case_data(plan, names)

        created = plan.created_at
        if plan.channel == Channel.ONLINE:
            case, code = self._at(created, submit_application, data, now=created)
        else:
            note = None
            if plan.source != Source.APPLICATION:
                note = self.texts["referral_notes"][plan.source.value].format(
                    county=self.regions[county].name, town=self._township(plan.region).name
                )
            referral = self._referral_data(plan, created)
            if referral is not None:  # 诉调 / 访调 / 警调对接: the referrer's papers too
                case, code = self._at(
                    created, register_referral, data, referral, clerk, note=note, now=created
                )
            else:
                case, code = self._at(
                    created,
                    register_case,
                    data,
                    clerk,
                    source=plan.source,
                    channel=plan.channel,
                    note=note,
                    now=created,
                )
        if plan.state == CaseState.REGISTERED:
            return case, code

        if plan.state == CaseState.NOT_ACCEPTED:
            when = self._after(created, 2, 60)
            choice = rng.choice(
                [
                    n
                    for n in self.texts["not_accepted"]
                    if plan.dtype in n.get("types", [plan.dtype])
                ]
            )
            self._at(
                when,
                not_accept_case,
                case,
                desk,
                version=None,
                reason=choice["reason"],
                redirect_advice=choice["advice"],
                now=when,
            )
            return case, code

        accept_at = max(plan.accept_at, created + timedelta(minutes=10))
        self._at(accept_at, accept_case, case, desk, version=None, now=accept_at)
        if plan.state == CaseState.ACCEPTED:
            return case, code

        when = self._after(accept_at, 0.5, 20)
        target, reason = self._dispatch_target(case, plan)
        self._at(when, dispatch_to_organisation, case, target, desk, version=None, reason=reason)
        if plan.state == CaseState.DISPATCHED:
            return case, code

        when = self._after(when, 1, 30)
        mediators = eligible_mediators(case)
        mediator = next((m for m in mediators if m.role == Role.MEDIATOR), mediators[0])
        assigner = self._assigner(target, desk)
        self._at(when, assign_mediator, case, mediator, assigner, version=None)
        db.session.flush()
        self._at(when, declare_no_conflict, case, mediator, version=None)

        self._consent(case, mediator, when, refuse=plan.state == CaseState.REFUSED)
        if plan.state == CaseState.REFUSED:
            return case, code

        closing = plan.state in ENDED_STATES
        kind = plan.state
        if kind == CaseState.ARCHIVED:  # archived after an oral agreement, or after an ending
            kind = CaseState.AGREED if rng.random() < 0.6 else CaseState.TERMINATED
        if closing:
            # Closed 3 to ~30 days after assignment, and at least a day ago.
            room = (self.now - timedelta(days=1) - when).total_seconds() / 3600
            hi = max(1.0, min(24 * rng.choice([8, 12, 18, 26, 33]), room))
            end = self._after(when, min(72, hi / 2), hi)
            sessions = rng.choice([1, 2, 2, 3])
        else:
            end = self.now - timedelta(minutes=30)
            sessions = rng.choice([0, 1, 1, 2])
        span = (end - when).total_seconds()
        held_times = []
        for i in range(sessions):
            if closing and i == sessions - 1:  # the outcome is reached in the last session
                held = end - timedelta(minutes=rng.randrange(40, 100))
            else:
                held = self._after(when + timedelta(seconds=span * (i + 1) / (sessions + 1)), 0, 1)
            held_times.append(max(held, when + timedelta(minutes=20)))
        held_times.sort()
        fmt = {"a": names["a"], "r": names["r"]}
        for i, held in enumerate(held_times):
            if closing and i == len(held_times) - 1 and kind != CaseState.SUSPENDED:
                key = "agreement_notes" if kind == CaseState.AGREED else "failure_notes"
                notes = self.texts[key]
            else:
                notes = rng.choice(self.texts["session_notes"])
            mode = rng.choices([SessionMode.IN_PERSON, SessionMode.VIDEO], weights=[9, 1])[0]
            if notes.startswith("电话"):
                mode = SessionMode.PHONE
            place = {SessionMode.PHONE: "电话", SessionMode.VIDEO: "视频调解"}.get(
                mode, case.handling_org.name
            )
            next_at = held_times[i + 1] if i + 1 < len(held_times) else end
            recorded = held + timedelta(minutes=rng.randrange(50, 150))
            recorded = max(held, min(recorded, next_at - timedelta(minutes=5)))
            self._at(
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

        if kind == CaseState.AGREED:
            oral = plan.state == CaseState.ARCHIVED
            data = self._agreement(
                plan, names, end, oral=oral, written=plan.aftercare is not None and not oral
            )
            self._at(end, record_agreement, case, mediator, version=None, data=data, now=end)
            self._aftercare(case, mediator, end, plan)
        elif kind in (CaseState.FAILED, CaseState.JOINT_MEDIATION):
            self._failures(case, mediator, end, fmt, final=kind == CaseState.FAILED)
        elif kind == CaseState.TERMINATED:
            reason = rng.choice(TERMINATION_REASONS)
            self._at(
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
            self._at(
                end,
                suspend,
                case,
                mediator,
                version=None,
                reason=rng.choice(SUSPEND_REASONS),
                now=end,
            )
        self._report_back(case, mediator, plan)
        if plan.state == CaseState.ARCHIVED:
            later = self._after(self._last_event(case), 24, 240)
            self._visit_all(case, mediator, later)
            filed = self._after(later, 1, 48)
            for record in (*case.sessions, *case.investigations):  # signed paper records
                self._at(filed, sign_record, case, record, mediator, version=None, now=filed)
            self._file_documents(case, mediator, filed)
            self._at(filed, archive_case, case, mediator, version=None, now=filed)
        return case, code

    def _referral_data(self, plan: CasePlan, created: datetime) -> ReferralData | None:
        """The court's, petition office's or police station's papers for a referred case.
        Drawn from a generator of its own, so the rest of the demo stays as it was."""
        kinds = {
            Source.COURT: ReferralKind.COURT,
            Source.PETITION: ReferralKind.PETITION,
            Source.POLICE: ReferralKind.POLICE,
        }
        if plan.source not in kinds:
            return None
        rng = random.Random(f"referral-{plan.created_at.isoformat()}-{plan.dtype}")
        county = self.regions[plan.county].name
        year = local_today(created).year
        body_kind = {
            ReferralKind.COURT: OrgKind.COURT,
            ReferralKind.PETITION: OrgKind.PETITION_OFFICE,
            ReferralKind.POLICE: OrgKind.POLICE_STATION,
        }[kinds[plan.source]]
        body = next(
            (
                o
                for o in self.orgs.values()
                if o.kind == body_kind and o.region.code.startswith(plan.county)
            ),
            None,
        )
        data = ReferralData(
            kind=kinds[plan.source],
            body_org=body,
            body_name=None if body else county,
            external_no="",
            received_at=created - timedelta(minutes=rng.randrange(5, 90)),
            contact_name=person_name(rng)[0],
        )
        if data.kind == ReferralKind.COURT:
            code = "1022" if plan.county == "421022" else "1087"
            data.court_mode = rng.choice(
                [CourtMode.DELEGATED, CourtMode.DELEGATED, CourtMode.ENTRUSTED]
            )
            if data.court_mode == CourtMode.ENTRUSTED:
                data.court_procedure = rng.choice(list(CourtProcedure))
                data.external_no = f"（{year}）鄂{code}民初{rng.randrange(100, 3000)}号"
            else:
                data.external_no = f"（{year}）鄂{code}民诉前调{rng.randrange(100, 3000)}号"
        elif data.kind == ReferralKind.PETITION:
            data.external_no = f"XF{year}{rng.randrange(10000, 99999)}"
            data.transfer_no = f"访调移字〔{year}〕{rng.randrange(1, 200)}号"
            data.petition_form = rng.choice(list(PetitionForm))
            data.collective = rng.random() < 0.25
            data.petitioner_count = rng.randrange(5, 30) if data.collective else None
            data.repeat_petition = rng.random() < 0.3
            data.both_consent = True
            data.petition_received_on = local_today(created) - timedelta(days=rng.randrange(1, 10))
            data.transfer_reason = "属申诉求决类信访事项，双方同意人民调解，建议依法调解"
            data.attachments = ["信访事项登记表", "信访人身份证复印件", "相关证据材料"]
            data.contact_phone = landline(rng, plan.county)
        else:
            day = local_today(created).strftime("%Y%m%d")
            data.external_no = f"J{plan.county}{day}{rng.randrange(1000, 9999)}"
            data.police_category = rng.choice(list(PoliceCategory))
            data.complex_case = rng.random() < 0.3
        return data

    def _report_back(self, case: Case, mediator: User, plan: CasePlan) -> None:
        """The return leg of a referred case that has ended: always before archiving, for most
        others, so some still await it; a police referral in mediation gets its progress
        report most of the time."""
        rng = random.Random(f"feedback-{case.number}")
        for referral in case.referrals:
            ended = case.state in (CaseState.AGREED, CaseState.FAILED, CaseState.TERMINATED)
            if case.agreement is not None and case.agreement.effective_on is None:
                ended = False  # the agreement is reported once every signature is in
            archiving = plan.state == CaseState.ARCHIVED
            progress = referral.kind == ReferralKind.POLICE and case.state == CaseState.MEDIATING
            draw = rng.random()
            if not (archiving or (ended and draw < 0.6) or (progress and draw < 0.7)):
                continue
            when = self._soon(self._last_event(case), rng.randrange(60, 60 * 30))
            self._at(
                when,
                record_feedback,
                case,
                referral,
                mediator,
                version=None,
                result=None,
                sent_on=local_today(when),
                recipient=referral.contact_name,
                note="已电话告知调解进展，正在调解" if progress else "调解结果已书面反馈",
                now=when,
            )

    def _file_documents(self, case: Case, keeper: User, when: datetime) -> None:
        """The file's mandatory documents before archiving, as a committee puts them in:
        generated, printed, signed and marked signed; the parties' ID documents (and a
        mediation record when mediation ended before any session) uploaded as scans."""
        generated = {(s.kind, s.subject_id) for s in documents.applicable(case)}
        for subject in documents.mandatory(case):
            if documents.is_done(case, subject):
                continue
            if (
                subject.kind == DocumentKind.ID_PROOF
                or (subject.kind, subject.subject_id) not in generated
            ):
                self._at(
                    when,
                    documents.upload,
                    case,
                    subject.kind,
                    DEMO_SCAN,
                    keeper,
                    subject.subject_id,
                )
            else:
                doc = self._at(
                    when, documents.generate, case, subject.kind, keeper, subject.subject_id
                )
                self._at(when, documents.mark_signed, case, doc, keeper, now=when)

    # ---- cases: consent, failures, aftercare ------------------------------------------

    def _soon(self, at: datetime, minutes: int) -> datetime:
        """A few minutes later, but not after now (the timeline never runs backwards)."""
        return max(at, min(at + timedelta(minutes=minutes), self.now - timedelta(minutes=1)))

    def _last_event(self, case: Case) -> datetime:
        return self.clock.at or case.created_at

    def _consent(self, case: Case, mediator: User, when: datetime, refuse: bool) -> None:
        """Each party's answer and the notice of rights and obligations, soon after assignment
        (PML Art. 17, MOJ-2002 Art. 30). With `refuse`, the respondent declines."""
        method = self.rng.choice([ContactMethod.PHONE, ContactMethod.IN_PERSON])
        at = when
        for party in case.parties:
            at = self._soon(at, self.rng.randrange(1, 5))
            declines = refuse and party.role == PartyRole.RESPONDENT
            status = ConsentStatus.REFUSED if declines else ConsentStatus.AGREED
            note = "被申请人明确表示不同意调解" if declines else None
            self._at(
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
            self._at(
                at,
                acknowledge_notice,
                case,
                party,
                mediator,
                version=None,
                how=NoticeAck.WRITTEN if method == ContactMethod.IN_PERSON else NoticeAck.ORAL,
                now=at,
            )

    def _failures(self, case: Case, mediator: User, end: datetime, fmt: dict, final: bool) -> None:
        """Two failed attempts (the second escalates to joint mediation one level up; a
        court's case goes back to the court instead), and with `final` the failed joint
        mediation that ends the case."""
        rng = self.rng
        reasons = rng.sample(self.texts["failure_reasons"], 2)
        self._at(
            end,
            record_failure,
            case,
            mediator,
            version=None,
            reason=reasons[0].format(**fmt),
            now=end,
        )
        second = self._after(end, 24, 96)
        town = self._township(case.region).name
        departments = [town + d for d in rng.sample(JOINT_DEPARTMENTS, 2)]
        self._at(
            second,
            record_failure,
            case,
            mediator,
            version=None,
            reason=reasons[1].format(**fmt),
            departments=departments,
            now=second,
        )
        if final and case.state != CaseState.FAILED:  # a court's case is back at the court
            third = self._after(second, 48, 200)
            self._at(
                third,
                record_failure,
                case,
                mediator,
                version=None,
                reason="联动调解仍未能达成一致，建议当事人通过司法途径解决",
                now=third,
            )

    def _visit_all(self, case: Case, mediator: User, at: datetime) -> None:
        for visit in [v for v in case.follow_ups if v.done_at is None]:
            self._at(
                at,
                record_follow_up,
                case,
                visit,
                mediator,
                version=None,
                visited_on=local_today(at),
                performance=Performance.PERFORMED,
                satisfaction=Satisfaction.SATISFIED,
                now=at,
            )

    def _aftercare(self, case: Case, mediator: User, end: datetime, plan: CasePlan) -> None:
        """Signatures of a written agreement, then (by plan) a follow-up visit and the joint
        application for judicial confirmation with the court's ruling."""
        rng = self.rng
        agreement = case.agreement
        step = (
            plan.aftercare
            or rng.choices(["unsigned", "signed", "visited"], weights=[15, 50, 35])[0]
        )
        at = end
        if agreement.kind == AgreementKind.WRITTEN:
            signers = [("party", p) for p in case.parties if p.role != PartyRole.AGENT]
            signers += [("mediator", None), ("seal", None)]
            if step == "unsigned":  # some have signed, the rest are still to come
                signers = signers[: rng.randrange(1, len(signers) - 1)]
            for who, party in signers:
                at = self._soon(at, rng.randrange(2, 20))
                kind = SignerKind.PARTY if who == "party" else SignerKind(who)
                self._at(
                    at,
                    sign_agreement,
                    case,
                    mediator,
                    version=None,
                    signer=kind,
                    party=party,
                    signed_on=local_today(at),
                    now=at,
                )
        if step == "unsigned":
            return
        if step.startswith("confirmation"):
            at = self._after(at, 24, 120)
            county = self.regions[case.region_code[:6]].name
            application = self._at(
                at,
                apply_confirmation,
                case,
                mediator,
                version=None,
                court=f"{county}人民法院",
                applied_on=local_today(at),
                all_parties_join=True,
                now=at,
            )
            if step == "confirmation_ruled":
                at = self._after(at, 72, 240)
                year, court_code = local_today(at).year, case.region_code[2:6]
                number = f"（{year}）鄂{court_code}民特{rng.randrange(10, 400)}号"
                self._at(
                    at,
                    record_ruling,
                    case,
                    application,
                    mediator,
                    version=None,
                    ruling=Ruling.CONFIRMED,
                    ruling_number=number,
                    ruled_on=local_today(at),
                    now=at,
                )
        if step == "visited" or step == "confirmation_ruled":
            visit_at = self._after(at, 48, 24 * 20)
            self._visit_all(case, mediator, visit_at)

    def _dispatch_target(self, case: Case, plan: CasePlan) -> tuple[Organisation, str | None]:
        suggestion = suggest_organisation(case)
        suggested = suggestion.organisation if suggestion else None
        target = plan.target
        if target is None:
            if suggested is not None and self._has_mediators(suggested):
                target = suggested
            else:
                target = self.orgs[self.township_centre[self._township(plan.region).code]]
        if suggested is not None and suggested.id != target.id:
            return target, self.rng.choice(self.texts["override_reasons"])
        return target, None

    def _has_mediators(self, org: Organisation) -> bool:
        return any(
            u.organisation_id == org.id and u.role in (Role.MEDIATOR, Role.DIRECTOR)
            for u in self.users.values()
        )

    def _assigner(self, org: Organisation, desk: User) -> User:
        director = self.users.get("director")
        if director is not None and director.organisation_id == org.id:
            return director
        return desk

    def _township(self, region: Region) -> Region:
        return self.regions[region.code[:9]] if len(region.code) >= 9 else region

    # ---- cases: texts and parties ------------------------------------------------------

    def _place_name(self, region: Region) -> str:
        township = self._township(region)
        if region.code == township.code:
            return township.name
        return township.name + self.regions[region.code[:12]].name

    def _person_name(self, sex: Sex | None = None) -> tuple[str, Sex]:
        """A party's name, never one of the demo staff's (a mediator would have to recuse)."""
        staff = {u.name for u in self.users.values()}
        while True:
            name, sex_ = person_name(self.rng, sex)
            if name not in staff:
                return name, sex_

    def _names(self, plan: CasePlan) -> dict[str, Any]:
        rng = self.rng
        t = plan.template
        a_sex = Sex(t["a_sex"]) if t.get("a_sex") else rng.choice(list(Sex))
        a_name, _ = self._person_name(a_sex)
        a_age = rng.randrange(*t.get("a_age", [24, 72]))
        r_kind = t.get("r_kind")
        township = self._township(plan.region)
        if r_kind is None:
            r_sex = Sex(t["r_sex"]) if t.get("r_sex") else rng.choice(list(Sex))
            r_name, _ = self._person_name(r_sex)
            r_age = (
                max(22, a_age - rng.randrange(25, 36)) if t.get("a_age") else rng.randrange(24, 72)
            )
        elif r_kind == "village":
            village = self.regions[plan.region.code[:12]]
            suffix = "居民委员会" if village.name.endswith("社区") else "村民委员会"
            r_name, r_sex, r_age = village.name + suffix, None, None
        else:
            pattern = rng.choice(t.get("r_names") or self.texts["organisations"][r_kind])
            r_name = pattern.format(county=self.regions[plan.county].name, town=township.name)
            r_sex = r_age = None
        return {
            "a": a_name,
            "a_sex": a_sex,
            "a_age": a_age,
            "r": r_name,
            "r_sex": r_sex,
            "r_age": r_age,
            "r_kind": r_kind,
            "n": rng.randrange(2, 9),
        }

    def _pay(self, plan: CasePlan) -> int | None:
        """What the parties settle for: a fixed sum, or a part of the amount in dispute."""
        if plan.template.get("pay"):
            return int(round(self.rng.uniform(*plan.template["pay"]), -2))
        if plan.amount is not None:
            return int(round(float(plan.amount) * self.rng.uniform(0.55, 0.95), -2))
        return None

    def _fmt(self, plan: CasePlan, names: dict[str, Any], deadline: date | None = None) -> dict:
        return {
            "a": names["a"],
            "r": names["r"],
            "n": names["n"],
            "age": names["a_age"],
            "place": self._place_name(plan.region),
            "amount": int(plan.amount) if plan.amount is not None else "",
            "pay": plan.pay if plan.pay is not None else "",
            "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日" if deadline else "",
        }

    def _case_data(self, plan: CasePlan, names: dict[str, Any]) -> CaseData:
        rng = self.rng
        fmt = self._fmt(plan, names)
        county = self.regions[plan.county]
        address = self._address(plan.region)
        parties = [
            self._person(
                PartyRole.APPLICANT,
                names["a"],
                names["a_sex"],
                names["a_age"],
                address,
                plan.county,
            )
        ]
        if plan.dtype in ("LDZY", "HJWR") and rng.random() < 0.6:
            for _ in range(rng.randrange(1, 3)):  # "X等人": co-applicants
                sex = rng.choice(list(Sex))
                parties.append(
                    self._person(
                        PartyRole.APPLICANT,
                        self._person_name(sex)[0],
                        sex,
                        rng.randrange(25, 60),
                        self._address(plan.region),
                        plan.county,
                    )
                )
        if names["r_kind"] is None:
            parties.append(
                self._person(
                    PartyRole.RESPONDENT,
                    names["r"],
                    names["r_sex"],
                    names["r_age"],
                    self._address(plan.region),
                    plan.county,
                )
            )
        else:
            post = self.texts["legal_rep_posts"][names["r_kind"]]
            parties.append(
                PartyData(
                    role=PartyRole.RESPONDENT,
                    kind=PartyKind.ORGANISATION,
                    name=names["r"],
                    legal_rep=self._person_name()[0],
                    legal_rep_post=post,
                    phone=landline(rng, plan.county),
                    address=f"{county.name}{self._place_name(plan.region)}",
                )
            )
        if plan.template.get("insurer"):
            parties.append(
                PartyData(
                    role=PartyRole.THIRD_PARTY,
                    kind=PartyKind.ORGANISATION,
                    name=f"中国人民财产保险股份有限公司{short_name(county.name)}支公司",
                    legal_rep=self._person_name()[0],
                    legal_rep_post="经理",
                    phone=landline(rng, plan.county),
                )
            )
        return CaseData(
            region=plan.region,
            dispute_type=DisputeType(plan.dtype),
            summary=plan.template["summary"].format(**fmt),
            requests=[r.format(**fmt) for r in plan.template["requests"]],
            amount=plan.amount,
            parties=parties,
        )

    def _person(
        self, role: PartyRole, name: str, sex: Sex, age: int, address: str, county: str
    ) -> PartyData:
        rng = self.rng
        birth_year = self.today.year - age
        return PartyData(
            role=role,
            name=name,
            sex=sex,
            age=age,
            ethnicity="土家族" if county == "421087" and rng.random() < 0.08 else "汉族",
            occupation="退休"
            if age >= 62 and rng.random() < 0.5
            else rng.choice(self.texts["occupations"]),
            id_number=resident_id(rng, county, birth_year, sex) if rng.random() < 0.65 else None,
            phone=mobile(rng) if rng.random() < 0.9 else None,
            address=address,
        )

    def _address(self, region: Region) -> str:
        rng = self.rng
        county = self.regions[region.code[:6]].name
        place = self._place_name(region)
        if region.level == RegionLevel.TOWNSHIP:
            street = rng.choice(["新街", "老街", "解放路", "建设路"])
            return f"{county}{place}{street}{rng.randrange(1, 120)}号"
        if region.name.endswith("社区"):
            return (
                f"{county}{place}{rng.choice(['锦绣花园', '滨江小区', '阳光新城', '富民小区'])}"
                f"{rng.randrange(1, 12)}栋{rng.randrange(1, 4)}单元{rng.randrange(1, 7)}0"
                f"{rng.randrange(1, 4)}室"
            )
        return f"{county}{place}{rng.randrange(1, 9)}组{rng.randrange(1, 60)}号"

    def _agreement(
        self,
        plan: CasePlan,
        names: dict[str, Any],
        end: datetime,
        oral: bool = False,
        written: bool = False,
    ) -> AgreementData:
        rng = self.rng
        agreed_on = end.astimezone(CHINA).date()
        deadline = agreed_on + timedelta(days=rng.choice([7, 10, 15, 20, 30]))
        fmt = self._fmt(plan, names, deadline)
        terms = [t.format(**fmt) for t in plan.template["terms"]]
        small = plan.amount is None or plan.amount < 5000
        if oral or (small and rng.random() < 0.35 and not written):
            return AgreementData(kind=AgreementKind.ORAL, terms=terms, agreed_on=agreed_on)
        has_money = fmt["pay"] != ""
        return AgreementData(
            kind=AgreementKind.WRITTEN,
            terms=terms,
            agreed_on=agreed_on,
            performance_manner=rng.choice(self.texts["performance_manners"])
            if has_money
            else "按协议约定自行履行",
            performance_place=plan.target.name if plan.target else None,
            performance_deadline=deadline,
        )


# ---- small generators (pure functions of the random generator) ----------------------------


def short_name(name: str) -> str:
    """埠河镇 -> 埠河, 新江口街道 -> 新江口, 卸甲坪土家族乡 -> 卸甲坪, 公安县 -> 公安."""
    return re.sub(r"(土家族乡|街道|镇|乡|县|市)$", "", name)


@functools.cache
def _texts() -> dict:
    return json.loads(TEXTS_FILE.read_text(encoding="utf-8"))


def person_name(rng: random.Random, sex: Sex | None = None) -> tuple[str, Sex]:
    texts = _texts()
    sex = sex or rng.choice(list(Sex))
    given = texts["given_male"] if sex == Sex.MALE else texts["given_female"]
    return rng.choice(texts["surnames"]) + rng.choice(given), sex


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random, county: str) -> str:
    return f"0716-{'5' if county == '421022' else '6'}{rng.randrange(10**6):06d}"


def resident_id(rng: random.Random, county: str, birth_year: int, sex: Sex) -> str:
    """A resident ID number with a valid checksum, birth date and (then valid) county code."""
    from stdnum.cn import ric

    prefix = county
    old = OLD_ID_PREFIX.get(county)
    if old and birth_year < old[1]:
        prefix = old[0]
    birth = date(birth_year, rng.randrange(1, 13), rng.randrange(1, 29))
    seq = rng.randrange(0, 100) * 10 + rng.randrange(0, 10)
    if (seq % 2 == 1) != (sex == Sex.MALE):  # odd for men, even for women
        seq = seq + 1 if seq < 999 else seq - 1
    body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    return ric.validate(number)


# --------------------------------------------------------------------------------------------
# flask create-user
# --------------------------------------------------------------------------------------------

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_name", required=True, help="Exact name of the organisation.")
@click.option("--name", required=True, help="Full name shown in the portal.")
@click.option("--phone", default=None, help="Contact phone.")
@click.option(
    "--specialty",
    "specialties",
    multiple=True,
    type=click.Choice([d.value for d in DisputeType]),
    help="Dispute-type code a mediator specialises in (repeatable).",
)
@click.option("--full-time/--part-time", default=False, help="Mediators: full- or part-time.")
@click.password_option("--password", help="Prompted for (hidden, twice) when not given.")
@with_appcontext
def create_user_command(
    username: str,
    role: str,
    org_name: str,
    name: str,
    phone: str | None,
    specialties: tuple[str, ...],
    full_time: bool,
    password: str,
) -> None:
    """Create a staff account USERNAME at an organisation."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise click.BadParameter(
            "2-64 characters: lower-case letters, digits, dot, dash, underscore.",
            param_hint="USERNAME",
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"use at least {MIN_PASSWORD_LENGTH} characters.", param_hint="'--password'"
        )
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise click.ClickException(f"A user named {username!r} already exists.")
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == org_name.strip()))
    if org is None:
        similar = db.session.scalars(
            sa.select(Organisation.name)
            .where(Organisation.name.contains(org_name.strip()[:4]))
            .order_by(Organisation.name)
            .limit(5)
        ).all()
        hint = ("; did you mean: " + ", ".join(similar)) if similar else ""
        raise click.ClickException(f"No organisation named {org_name!r}{hint}.")
    user = User(
        username=username,
        name=name.strip(),
        role=Role(role),
        organisation=org,
        active=True,
        phone=(phone or "").strip() or None,
        specialties=list(specialties),
        full_time=full_time,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {username!r} ({user.name}) at {org.name}.")


# --------------------------------------------------------------------------------------------
# flask translate
# --------------------------------------------------------------------------------------------

translate = AppGroup("translate", help="Extract, update, compile and add translations (pybabel).")

POT = "translations/messages.pot"
LANG_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]{2,8})*$")


def _pybabel(*args: str) -> None:
    """Run pybabel from this interpreter's environment in the project directory."""
    script = Path(sys.executable).with_name("pybabel")
    command = (
        [str(script)] if script.exists() else [sys.executable, "-m", "babel.messages.frontend"]
    )
    completed = subprocess.run([*command, *args], cwd=BASE_DIR, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed (exit {completed.returncode}).")


@translate.command("extract", with_appcontext=False)
def translate_extract() -> None:
    """Extract messages into translations/messages.pot."""
    _pybabel(
        "extract",
        "-F",
        "translations/babel.cfg",
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--add-comments=Translators:",
        "-o",
        POT,
        ".",
    )


@translate.command("update", with_appcontext=False)
def translate_update() -> None:
    """Merge messages.pot into every language's messages.po."""
    _pybabel("update", "-i", POT, "-d", "translations")


@translate.command("compile", with_appcontext=False)
def translate_compile() -> None:
    """Compile every messages.po into messages.mo."""
    _pybabel("compile", "-d", "translations")


@translate.command("init", with_appcontext=False)
@click.argument("lang")
def translate_init(lang: str) -> None:
    """Start a new language LANG (e.g. en) from messages.pot."""
    if not LANG_RE.match(lang):
        raise click.BadParameter("a locale such as en or zh_Hans.", param_hint="LANG")
    _pybabel("init", "-i", POT, "-d", "translations", "-l", lang)
