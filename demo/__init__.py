"""The demo world that `flask seed` loads (development only; running it again adds nothing
that is already there).

Around 荆州市: the city, 公安县 and 松滋市 with all their townships (real codes and names), invented
villages and communities; the centres, the village and industry committees, and each county's
court, police station and petition office; staff for every role, all with the password
DEMO_PASSWORD; the time-limit and routing rules and the subsidy rates; and about 200 cases in
every state, from every source and of every dispute type, with the referrers' papers and the
return legs, signatures, visits, judicial confirmations, archived files, and one online
duplicate merged into an earlier case. Cases are made only through the domain functions, so
their numbers, timelines and deadlines are the real thing; only the clock is moved back
(clock.py). The same seed and day give the same world. Before them comes the past (history.py):
some 800 closed cases from January of last year on, written as ledger lines, so the leaders'
dashboard has a year's shapes to show.

The stages, in the order they run: places.py, organisations.py (with the staff), rules.py;
then plans.py draws every case and cases.py makes them (intake, screening, dispatch), with
lifecycle.py (consent, sessions, outcomes), aftercare.py (signatures, visits, confirmation,
archiving), docking.py (referrals, return legs, the merged duplicate), recusals.py (a recusal
granted, one refused) and risk.py (a case reported to the police, one not yet); then
exclusions.py (a case screened out, a suspended case past its old deadline, two agreements a
court would not confirm as they stand) and notices.py (termination notices served, one case
archived), prevention.py (screening rounds, a watch item, warnings answered or not) and
staffing.py (the organisation registry: norms, people, training, the expert pool with one expert
invited to a case; 埠河镇 scored by seed 004's rubric), and last leadership.py (a 包案 on the red
case, two 督办单, a joint meeting whose decisions show on cases, a reception day with a visitor
booked), respondents.py (a respondent invited to answer online, with the code `flask seed`
prints), library.py (the typical-case library: two entries published, one waiting for
review), sessions.py (a video session scheduled on the invited respondent's case, with
each party's session notice), satisfaction.py (a closed case both parties answered, a report
of non-performance, the county centre's visiting slots with two citizens booked) and
notifications.py (the staff inboxes); committees.py gives each centre the committee it
mediates under; texts.py and people.py write what the cases say. The texts and the regions
are in data/.

small.py is another world, small and fixed, for benchmarks and tests.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from demo.cases import make_cases
from demo.committees import load_committees
from demo.exclusions import load_exclusion_cases
from demo.history import make_history
from demo.leadership import load_leadership
from demo.library import load_library
from demo.notices import served_notices
from demo.notifications import load_notifications
from demo.organisations import load_organisations, load_users
from demo.party_messages import load_party_messages
from demo.places import load_regions
from demo.prevention import load_prevention
from demo.respondents import load_invitations
from demo.rules import load_routing_rules, load_subsidy_rates, load_time_limits
from demo.satisfaction import load_satisfaction
from demo.sessions import load_sessions
from demo.staffing import load_staffing
from demo.world import CITY_CODE, DEMO_PASSWORD, SEED, DemoWorld, SeedResult
from extensions import db
from models import Case, code_range

__all__ = [
    "CITY_CODE",
    "DEMO_PASSWORD",
    "SEED",
    "DemoConflict",
    "DemoWorld",
    "SeedResult",
    "load_demo",
]


class DemoConflict(Exception):
    """Demo accounts exist with another role or organisation: cases would land elsewhere."""


def load_demo(now: datetime | None = None, seed: int = SEED) -> DemoWorld:
    """Build the demo world in the database session and commit it (roll back on any error).
    Returns the world: `result` counts what was created (no cases when the city already has
    some) and holds sample query codes; `login_users()` lists the demo logins.

    Raises DemoConflict when a demo username belongs to a different account."""
    world = DemoWorld(seed, now or datetime.now(UTC))
    try:
        _build(world)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return world


def _build(world: DemoWorld) -> None:
    load_regions(world)
    load_organisations(world)
    load_committees(world)
    load_users(world)
    load_time_limits(world)
    load_routing_rules(world)
    load_subsidy_rates(world)
    low, high = code_range(CITY_CODE)
    has_cases = db.session.scalar(
        sa.select(sa.func.count(Case.id)).where(Case.region_code >= low, Case.region_code < high)
    )
    if has_cases:
        world.result.created["cases"] = 0
        return
    if world.conflicts:
        raise DemoConflict(
            "Cannot add the demo cases: these accounts exist but differ from the demo world: "
            + ", ".join(world.conflicts)
        )
    make_history(world)  # the past first: its numbers come before the seed's cases
    with world.clock.installed():
        make_cases(world)
        load_exclusion_cases(world)
        served_notices(world)
        load_prevention(world)  # screening rounds and warnings (prevention.py)
        load_staffing(world)  # the registry, training, experts and a scored township
    load_leadership(world)  # 包案, 督办单, a joint meeting, a reception day: at the real time
    load_invitations(world)  # a respondent invited to answer online (respondents.py)
    load_library(world)  # the typical-case library: two published, one waiting for review
    load_sessions(world)  # a video session scheduled on the invited respondent's case
    load_satisfaction(world)  # parties' answers, a report, visiting slots and bookings
    load_party_messages(world)  # the invited respondent's thread with the mediator
    load_notifications(world)  # the staff inboxes: today's reminders (notifications.py)
