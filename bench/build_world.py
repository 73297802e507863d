"""Build a benchmark database: the small world of demo.small plus N cases, bulk-inserted.

    .venv/bin/python bench/build_world.py /tmp/bench.sqlite3 --cases 100000
    .venv/bin/python bench/build_world.py --url postgresql+psycopg://... --cases 100000

The schema comes from the migrations (flask_migrate.upgrade), the regions, organisations and
staff from demo.small.SmallWorld plus a few dozen more villages, committees and mediators, and the
cases, parties, events, mediator links, sessions and agreements from SQLAlchemy Core executemany
inserts in batches (no ORM, no domain functions), so 100 000 cases take well under two minutes.

Every case has the same query code, BENCH_QUERY_CODE, hashed once with a cheap method: the
public lookup is then timed for its database work, not for the deliberately slow hash.

The small world's `mediator` presides ~0.2% of all cases as open (mediating) cases (200 at
100 000, at least 30) at its `village_committee`, which also has ~0.05% (at least 30) dispatched
cases waiting for a mediator, so every staff queue of the small world's users has more than one page
at every scale and the query counts can be compared across scales.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

BENCH_QUERY_CODE = "BENCH234"
CHEAP_HASH = "pbkdf2:sha256:1"
BATCH = 5000
CHINA = ZoneInfo("Asia/Shanghai")

# State mix of the whole case table (fractions add up to 1).
STATE_MIX = [
    ("registered", 0.09),
    ("not_accepted", 0.03),
    ("accepted", 0.05),
    ("dispatched", 0.05),
    ("mediating", 0.30),
    ("agreed", 0.40),
    ("failed", 0.08),
]
# How far back cases in each state were created (days): open cases are recent.
STATE_AGE_DAYS = {
    "registered": 20,
    "accepted": 30,
    "dispatched": 45,
    "mediating": 120,
    "not_accepted": 3 * 365,
    "agreed": 3 * 365,
    "failed": 3 * 365,
}
# Where cases happen: the small world's two counties and one more.
COUNTY_MIX = [("421022", 0.6), ("421087", 0.3), ("421002", 0.1)]
DISPUTE_MIX = [
    ("LL", 25), ("HYJT", 15), ("FWZJD", 10), ("HT", 8), ("SHPC", 7), ("SLTD", 6),
    ("ZDCQ", 4), ("HJWR", 3), ("LDZY", 5), ("XF", 2), ("YL", 3), ("DLJT", 6),
    ("WY", 2), ("SCJY", 2), ("QT", 2),
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰红春梅建国志文斌"
SUMMARIES = [
    "双方因排水沟堵塞发生争执，申请人要求疏通并赔偿损失。",
    "双方因宅基地边界发生争议，多次协商未果。",
    "申请人称被申请人拖欠劳务费，要求支付。",
    "双方因婚姻家庭琐事发生纠纷，申请人要求调解。",
    "双方因交通事故赔偿问题发生争议。",
    "双方因土地承包经营权流转发生纠纷。",
]


def bench_config(url: str) -> dict:
    """Production defaults (not Testing, not Development) with what a benchmark needs: a fixed
    secret, plain-HTTP cookies for the test client, no CSRF, no rate limits, cheap hashes."""
    from config import Config

    return {
        **{k: getattr(Config, k) for k in dir(Config) if k.isupper()},
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-not-secret",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "JIEFEN_LIMIT_APPLICATION": "100000 per minute",
        "JIEFEN_LIMIT_LOOKUP": "100000 per minute",
        "JIEFEN_LIMIT_LOGIN": "100000 per minute",
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
        "QUERY_CODE_HASH_METHOD": CHEAP_HASH,
        "SEED_ALLOWED": False,
    }


def make_app(url: str):
    from app import create_app

    return create_app(bench_config(url))


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


# ---- small world ---------------------------------------------------------------------------
def build_staff_world(rng: random.Random):
    """demo.small.SmallWorld plus more townships, villages, committees and ~50 mediators.
    Returns (world, places) where places maps a county code to its villages' rows."""
    from demo.small import SmallWorld, org, region, user
    from extensions import db
    from models import Organisation, Region, User
    from models.enums import OrgKind, RegionLevel, Role

    w = SmallWorld()
    w.county3 = region("421002", "沙市区", RegionLevel.COUNTY, w.city)
    w.county3_centre = org("沙市区矛盾纠纷调处中心", OrgKind.CENTRE, w.county3)
    counties = {"421022": w.county, "421087": w.county2, "421002": w.county3}
    first_township = {"421022": 100, "421087": 1, "421002": 1}
    existing = {r.code: r for r in db.session.scalars(sa.select(Region))}
    n_med = 0
    for ccode, county in counties.items():
        for t in range(6):
            tcode = f"{ccode}{first_township[ccode] + t:03d}"
            township = existing.get(tcode) or region(
                tcode, f"{county.name[:2]}第{t + 1}镇", RegionLevel.TOWNSHIP, county
            )
            tcommittee = org(
                f"{township.name}人民调解委员会{tcode}", OrgKind.TOWNSHIP_COMMITTEE, township
            )
            orgs = [tcommittee]
            for v in range(8):
                vcode = f"{tcode}{201 + v:03d}" if ccode == "421022" else f"{tcode}{1 + v:03d}"
                village = existing.get(vcode) or region(
                    vcode, f"{township.name}{v + 1}村", RegionLevel.VILLAGE, township
                )
                existing[vcode] = village
                if v < 1 and vcode not in (w.village.code, w.village3.code):
                    orgs.append(
                        org(
                            f"{village.name}人民调解委员会{vcode}",
                            OrgKind.VILLAGE_COMMITTEE,
                            village,
                        )
                    )
            for o in orgs:
                for _ in range(2 if o.kind == OrgKind.TOWNSHIP_COMMITTEE else 1):
                    n_med += 1
                    user(f"m{n_med:03d}", Role.MEDIATOR, o, _name(rng))
    db.session.flush()
    villages = defaultdict(list)
    for r in db.session.scalars(
        sa.select(Region).where(Region.level == RegionLevel.VILLAGE).order_by(Region.code)
    ):
        villages[r.code[:6]].append(r)
    mediators = defaultdict(list)
    for u in db.session.scalars(
        sa.select(User).where(User.role == Role.MEDIATOR).order_by(User.id)
    ):
        mediators[u.organisation_id].append(u)
    committees = {  # the village or township committee (with mediators) of a region
        o.region.code: o
        for o in db.session.scalars(sa.select(Organisation).order_by(Organisation.id))
        if o.kind in (OrgKind.VILLAGE_COMMITTEE, OrgKind.TOWNSHIP_COMMITTEE) and mediators[o.id]
    }
    return w, villages, committees, mediators


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _pick(rng: random.Random, mix: list[tuple[str, float]], n: int) -> list[str]:
    names, weights = zip(*mix, strict=True)
    return rng.choices(names, weights=weights, k=n)


# ---- cases ---------------------------------------------------------------------------------
def build_cases(
    conn, n: int, rng: random.Random, w, villages, committees, mediators, now: datetime
) -> dict:
    """Bulk-insert `n` cases with their parties, events, mediators, sessions and agreements."""
    from models import Agreement, Case, CaseMediator, CaseSequence, Event, MediationSession, Party

    code_hash = generate_password_hash(BENCH_QUERY_CODE, method=CHEAP_HASH)
    states = _pick(rng, STATE_MIX, n)
    # The small world's village_committee gets a fixed share of the mediating cases, all presided
    # by its mediator, and of the dispatched ones (its director's waiting list).
    mine = set()
    for state, share in (("mediating", 500), ("dispatched", 2000)):
        ix = [i for i, s in enumerate(states) if s == state]
        mine |= set(rng.sample(ix, min(len(ix), max(30, n // share))))
    plans = []
    for i, state in enumerate(states):
        created = now - timedelta(seconds=rng.uniform(3600, STATE_AGE_DAYS[state] * 86400))
        plans.append((created, state, i in mine))
    plans.sort(key=lambda p: p[0])  # ids grow with time, as in real life

    county_of = _pick(rng, COUNTY_MIX, n)
    dtypes = _pick(rng, DISPUTE_MIX, n)
    seq: dict[tuple[int, str], int] = defaultdict(int)
    centres = {"421022": w.county_centre, "421087": w.county2_centre, "421002": w.county3_centre}
    clerks = {"421022": w.clerk, "421087": w.clerk2, "421002": w.leader}
    counts = defaultdict(int)

    cases, parties, events, links, sessions, agreements = [], [], [], [], [], []
    tables = [
        (Case.__table__, cases),
        (Party.__table__, parties),
        (Event.__table__, events),
        (CaseMediator.__table__, links),
        (MediationSession.__table__, sessions),
        (Agreement.__table__, agreements),
    ]

    def flush(force: bool = False) -> None:
        if not force and len(cases) < BATCH:
            return
        for table, rows in tables:  # parents first, for the foreign keys
            if rows:
                conn.execute(table.insert(), rows)
                counts[table.name] += len(rows)
                rows.clear()

    for case_id, (created, state, is_mine) in enumerate(plans, start=1):
        county = county_of[case_id - 1]
        dtype = dtypes[case_id - 1]
        if is_mine:
            county, village = "421022", w.village
        else:
            village = rng.choice(villages[county])
        year = created.astimezone(CHINA).year
        seq[(year, county)] += 1
        online = rng.random() < 0.4
        clerk = clerks[county]
        rank = [s for s, _ in STATE_MIX].index(state)
        accepted = state not in ("registered", "not_accepted")
        accepted_at = created + timedelta(hours=rng.uniform(2, 72)) if accepted else None
        due_on = (accepted_at.astimezone(CHINA).date() + timedelta(days=30)) if accepted else None
        handling = None
        if accepted and state != "accepted":
            if is_mine:
                handling = w.village_committee
            elif dtype == "DLJT" and county == "421022":
                handling = w.traffic
            else:
                handling = (
                    committees.get(village.code)
                    or committees.get(village.code[:9])
                    or centres[county]
                )
            if not mediators.get(handling.id):
                handling = committees.get(village.code[:9]) or centres[county]
        closed = state in ("agreed", "failed", "not_accepted")
        closed_at = None
        if closed:
            base = accepted_at or created
            closed_at = min(base + timedelta(days=rng.uniform(1, 40)), now)
        cases.append(
            {
                "id": case_id,
                "number": f"{year}-{county}-{seq[(year, county)]:06d}",
                "query_code_hash": code_hash,
                "state": state,
                "source": "application"
                if online
                else rng.choice(["application", "court", "police"]),
                "channel": "online" if online else rng.choice(["walk_in", "phone", "referral"]),
                "dispute_type": dtype,
                "summary": rng.choice(SUMMARIES),
                "requests": ["请求调解", f"赔偿损失{rng.randint(1, 90) * 100}元"],
                "amount": None,
                "risk_level": "none" if rng.random() < 0.8 else rng.choice(["blue", "yellow"]),
                "region_id": village.id,
                "region_code": village.code,
                "intake_org_id": centres[county].id,
                "handling_org_id": handling.id if handling else None,
                "registered_by_id": None if online else clerk.id,
                "created_at": created,
                "accepted_at": accepted_at,
                "due_on": due_on,
                "closed_at": closed_at,
                "not_accepted_reason": "不属于人民调解范围" if state == "not_accepted" else None,
                "redirect_advice": "请向人民法院起诉" if state == "not_accepted" else None,
                "failure_reason": "双方分歧过大" if state == "failed" else None,
                "version": 1 + rank,
            }
        )
        for pos, role in enumerate(("applicant", "respondent")):
            phone = f"13{rng.randint(100000000, 999999999)}"
            idn = f"{county}19{rng.randint(50, 99)}0101{rng.randint(1000, 9999)}"
            parties.append(
                {
                    "case_id": case_id,
                    "position": pos,
                    "role": role,
                    "kind": "person",
                    "name": _name(rng),
                    "sex": rng.choice(["male", "female"]),
                    "ethnicity": "汉族",
                    "age": rng.randint(20, 80),
                    "occupation": "农民",
                    "legal_rep": None,
                    "legal_rep_post": None,
                    "id_number": idn,
                    "phone": phone,
                    "address": f"{village.name}{rng.randint(1, 12)}组",
                    "id_number_norm": idn,
                    "phone_norm": phone,
                }
            )

        def event(at, action, actor, frm, to, public=True, data=None, case_id=case_id):
            events.append(
                {
                    "case_id": case_id,
                    "at": at,
                    "actor_id": actor.id if actor else None,
                    "action": action,
                    "from_state": frm,
                    "to_state": to,
                    "note": None,
                    "public": public,
                    "data": data or {},
                }
            )

        event(
            created,
            "register",
            None if online else clerk,
            None,
            None,
            data={"channel": "online" if online else "walk_in"},
        )
        if state == "not_accepted":
            event(closed_at, "not_accept", clerk, "registered", "not_accepted")
        if not accepted:
            continue
        event(accepted_at, "accept", clerk, "registered", "accepted")
        if state == "accepted":
            continue
        dispatched_at = accepted_at + timedelta(hours=rng.uniform(1, 48))
        event(
            dispatched_at,
            "dispatch",
            clerk,
            "accepted",
            "dispatched",
            data={"organisation": handling.name},
        )
        if state == "dispatched":
            continue
        pool = mediators[handling.id]
        if is_mine:
            mediator = w.mediator
        elif handling.id == w.village_committee.id:
            mediator = w.mediator_b
        else:
            mediator = rng.choice(pool)
        assigned_at = dispatched_at + timedelta(hours=rng.uniform(1, 48))
        if len(pool) > 1 and rng.random() < 0.05:  # reassigned once: an inactive earlier link
            other = next(m for m in pool if m.id != mediator.id)
            links.append(
                {
                    "case_id": case_id,
                    "user_id": other.id,
                    "presiding": True,
                    "active": False,
                    "assigned_at": assigned_at - timedelta(hours=1),
                }
            )
        links.append(
            {
                "case_id": case_id,
                "user_id": mediator.id,
                "presiding": True,
                "active": True,
                "assigned_at": assigned_at,
            }
        )
        event(
            assigned_at,
            "assign",
            clerk,
            "dispatched",
            "mediating",
            data={"mediator": mediator.name},
        )
        if state == "mediating" and rng.random() < 0.5:
            continue
        held = min(assigned_at + timedelta(days=rng.uniform(0.5, 10)), now)
        sessions.append(
            {
                "case_id": case_id,
                "held_at": held,
                "place": "村委会调解室",
                "mode": "in_person",
                "notes": "双方陈述事实，调解员释法说理。",
                "recorded_by_id": mediator.id,
                "created_at": held,
            }
        )
        event(held, "record_session", mediator, "mediating", "mediating", public=False)
        if state == "agreed":
            agreements.append(
                {
                    "case_id": case_id,
                    "kind": "written",
                    "terms": ["被申请人于十日内疏通排水沟"],
                    "performance_manner": "自行履行",
                    "performance_place": None,
                    "performance_deadline": closed_at.date() + timedelta(days=10),
                    "agreed_on": closed_at.astimezone(CHINA).date(),
                    "recorded_by_id": mediator.id,
                    "created_at": closed_at,
                }
            )
            event(closed_at, "record_agreement", mediator, "mediating", "agreed")
        elif state == "failed":
            event(closed_at, "record_failure", mediator, "mediating", "failed")
        flush()
    flush(force=True)
    conn.execute(
        CaseSequence.__table__.insert(),
        [{"year": y, "county_code": c, "last": last} for (y, c), last in seq.items()],
    )
    counts["world_committee_open"] = len(mine)
    return dict(counts)


def build(
    target: str, cases: int, seed: int = 20261122, analyze: bool | None = None, quiet: bool = False
) -> dict:
    """Create the schema in an EMPTY database at `target` (a URL), then fill it. Returns the
    row counts. `analyze`: run ANALYZE afterwards (default: on PostgreSQL only, as autovacuum
    would; a fresh SQLite file has no statistics unless someone runs ANALYZE)."""
    from flask_migrate import upgrade

    from extensions import db

    rng = random.Random(seed)
    app = make_app(target)
    started = time.perf_counter()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        w, villages, committees, mediators = build_staff_world(rng)
        db.session.commit()
        t_world = time.perf_counter() - started
        now = datetime.now(UTC)
        engine = db.engine
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
            counts = build_cases(conn, cases, rng, w, villages, committees, mediators, now)
        if analyze is None:
            analyze = engine.dialect.name == "postgresql"
        if analyze:
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        db.session.remove()
        engine.dispose()
    elapsed = time.perf_counter() - started
    if not quiet:
        rows = ", ".join(f"{k} {v}" for k, v in counts.items() if isinstance(v, int))
        print(
            f"built {cases} cases in {elapsed:.1f} s (schema+world {t_world:.1f} s; "
            f"analyze={'yes' if analyze else 'no'}): {rows}"
        )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="SQLite file to create")
    parser.add_argument("--url", help="database URL instead of a SQLite file (must be empty)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--force", action="store_true", help="overwrite an existing SQLite file")
    parser.add_argument(
        "--analyze",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run ANALYZE afterwards (default: PostgreSQL yes, SQLite no)",
    )
    args = parser.parse_args(argv)
    if not args.path and not args.url:
        parser.error("give a SQLite file path or --url")
    target = args.url
    if args.path:
        path = Path(args.path)
        if path.exists():
            if not args.force:
                parser.error(f"{path} exists (use --force to overwrite)")
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
        target = sqlite_url(path)
    build(target, args.cases, args.seed, args.analyze)
    return 0


if __name__ == "__main__":
    sys.exit(main())
