"""The demo world while it is built: its random generator and seed clock, what each stage has
made so far (regions, organisations and users by their natural keys), and lookups over them.
Every stage is a function of this one object."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from demo.clock import SeedClock
from demo.data import texts
from domain.states import CaseState
from models import Organisation, Region, User
from models.enums import RegionLevel, Role

SEED = 2026
CITY_CODE = "4210"
# Every demo account uses this password; `flask seed` prints it with the logins.
DEMO_PASSWORD = "jiefen-demo-2026"  # noqa: S105 - documented demo password, development only


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)  # rows made, by kind, in stage order
    state_counts: Counter = field(default_factory=Counter)
    sample_codes: list[tuple[CaseState, str, str]] = field(default_factory=list)
    # The respondents' own codes (demo/respondents.py): (case number, respondent, code).
    invitation_codes: list[tuple[str, str, str]] = field(default_factory=list)


class DemoWorld:
    def __init__(self, seed: int, now: datetime) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now
        self.clock = SeedClock(self.rng, now)
        self.today = self.clock.today
        self.texts = texts()
        self.city_name = "荆州市"
        self.result = SeedResult()
        # places.py
        self.regions: dict[str, Region] = {}  # by code
        self.township_slugs: dict[str, str] = {}  # township code -> latin slug (usernames)
        # organisations.py: every organisation by name, and the names of the ones cases need
        self.orgs: dict[str, Organisation] = {}
        self.county_centre: dict[str, str] = {}  # by county code
        self.township_centre: dict[str, str] = {}  # by township code
        self.village_committee: dict[str, str] = {}  # by village code
        self.industry: dict[tuple[str, str], str] = {}  # by (county code, slug)
        self.mediator2_org = ""  # the village committee of user `mediator2`
        self.users: dict[str, User] = {}  # by username
        self.user_order: list[str] = []  # the order in which `flask seed` lists the logins
        self.conflicts: list[str] = []  # demo usernames taken by a different account

    def login_users(self) -> list[User]:
        return [self.users[u] for u in self.user_order if u in self.users]

    # ---- places -------------------------------------------------------------------------

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

    def township(self, region: Region) -> Region:
        """The township of a place (itself when it is one)."""
        return self.regions[region.code[:9]] if len(region.code) >= 9 else region

    def place_name(self, region: Region) -> str:
        """埠河镇, or 埠河镇新民村 for a village: how the case texts name a place."""
        township = self.township(region)
        if region.code == township.code:
            return township.name
        return township.name + self.regions[region.code[:12]].name

    # ---- staff --------------------------------------------------------------------------

    def has_mediators(self, org: Organisation) -> bool:
        return any(
            u.organisation_id == org.id and u.role in (Role.MEDIATOR, Role.DIRECTOR)
            for u in self.users.values()
        )
