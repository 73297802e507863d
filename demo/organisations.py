"""Organisations and their staff: the city centre; per county its centre, a centre in every
township, a people's mediation committee in every village and community, five industry
committees, the court, a police station and the petition office; and the staff, one account for
every role (the logins `flask seed` prints) plus a mediator at every township centre and
industry committee. Organisations and accounts already present are kept; an account that exists
with another role or organisation is noted as a conflict (no cases are then added)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from demo.people import mobile, person_name, short_name
from demo.world import CITY_CODE, DEMO_PASSWORD, DemoWorld
from extensions import db
from models import Organisation, User
from models.enums import OrgKind, Role

# Industry committees of each county: (slug, name part, dispute types).
INDUSTRY = [
    ("traffic", "道路交通事故纠纷", ["DLJT"]),
    ("labour", "劳动争议", ["LDZY"]),
    ("property", "物业纠纷", ["WY"]),
    ("family", "婚姻家庭纠纷", ["HYJT"]),
    ("medical", "医疗纠纷", ["YL"]),
]
INDUSTRY_TYPES = {t for _slug, _name, types in INDUSTRY for t in types}


def load_organisations(world: DemoWorld) -> None:
    world.orgs = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    specs: list[dict[str, Any]] = [
        dict(
            name=f"{world.city_name}社会矛盾纠纷调处中心",
            kind=OrgKind.CENTRE,
            region=CITY_CODE,
            phone="0716-8451234",
            address="荆州市沙市区北京中路",
        ),
    ]
    for county in sorted(world.counties(), key=lambda r: r.code):
        c = county.code
        area = "52" if c == "421022" else "62"
        centre = f"{county.name}矛盾纠纷调处中心"
        world.county_centre[c] = centre
        specs.append(
            dict(
                name=centre,
                kind=OrgKind.CENTRE,
                region=c,
                phone=f"0716-{area}12348",
                address=f"{county.name}人民政府政务服务中心",
            )
        )
        for i, township in enumerate(world.townships(c)):
            name = f"{township.name}矛盾纠纷调处中心"
            world.township_centre[township.code] = name
            specs.append(
                dict(
                    name=name,
                    kind=OrgKind.CENTRE,
                    region=township.code,
                    phone=f"0716-{area}3{i:02d}{48 + i % 50:02d}",
                    address=f"{county.name}{township.name}综治中心",
                )
            )
            for village in world.villages(township.code):
                name = f"{village.name}人民调解委员会"
                world.village_committee[village.code] = name
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
            world.industry[(c, slug)] = name
            specs.append(
                dict(
                    name=name,
                    kind=OrgKind.INDUSTRY_COMMITTEE,
                    region=c,
                    dispute_types=types,
                    address=f"{centre}内",
                )
            )
        seat = world.townships(c)[1] if c == "421022" else world.townships(c)[0]
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
        if spec["name"] in world.orgs:
            continue
        org = Organisation(
            name=spec["name"],
            kind=spec["kind"],
            region=world.regions[spec["region"]],
            dispute_types=spec.get("dispute_types", []),
            phone=spec.get("phone"),
            address=spec.get("address"),
            active=True,
        )
        db.session.add(org)
        world.orgs[org.name] = org
        created += 1
    db.session.flush()
    world.result.created["organisations"] = created


# ---- users --------------------------------------------------------------------------


def _user_specs(world: DemoWorld) -> list[dict[str, Any]]:
    """The demo accounts: one for each role (the logins), then a mediator at every industry
    committee and at every township centre but 埠河镇's (where `mediator` works)."""
    gongan, songzi = "421022", "421087"
    buhe = world.townships(gongan)[0]
    first_village = world.villages(buhe.code)[1]  # a 村 (2xx), not the community
    world.mediator2_org = world.village_committee[first_village.code]
    city = f"{world.city_name}社会矛盾纠纷调处中心"
    specs = [
        dict(username="admin", name="赵磊", role=Role.ADMIN, org=city),
        dict(username="cityleader", name="黄国华", role=Role.LEADER, org=city),
        dict(username="leader", name="周志强", role=Role.LEADER, org=world.county_centre[gongan]),
        dict(
            username="leader-buhe",
            name="陈卫东",
            role=Role.LEADER,
            org=world.township_centre[buhe.code],
        ),
        dict(username="clerk", name="刘晓燕", role=Role.CLERK, org=world.county_centre[gongan]),
        dict(username="clerk2", name="陈静", role=Role.CLERK, org=world.county_centre[songzi]),
        dict(
            username="director",
            name="张德明",
            role=Role.DIRECTOR,
            org=world.township_centre[buhe.code],
        ),
        dict(
            username="mediator",
            name="王建国",
            role=Role.MEDIATOR,
            org=world.township_centre[buhe.code],
            specialties=["LL", "FWZJD", "HT", "SHPC"],
            full_time=True,
        ),
        dict(
            username="mediator2",
            name="李秀英",
            role=Role.MEDIATOR,
            org=world.mediator2_org,
            specialties=["HYJT", "LL"],
            full_time=False,
        ),
    ]
    names = random.Random(f"{world.seed}-staff")
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
                    org=world.industry[(county, slug)],
                    specialties=types + (["SHPC"] if slug in ("traffic", "medical") else []),
                    full_time=True,
                )
            )
    general = ["LL", "FWZJD", "HT", "SCJY", "SHPC", "SLTD", "ZDCQ", "HJWR", "XF", "QT"]
    for township in world.townships():
        if township.code == buhe.code:
            continue  # `mediator` works there
        specs.append(
            dict(
                username=f"med-{world.township_slugs[township.code]}",
                name=fresh_name(),
                role=Role.MEDIATOR,
                org=world.township_centre[township.code],
                specialties=sorted(names.sample(general, 3)),
                full_time=names.random() < 0.6,
            )
        )
    return specs


def load_users(world: DemoWorld) -> None:
    specs = _user_specs(world)
    usernames = [s["username"] for s in specs]
    world.users = {
        u.username: u
        for u in db.session.scalars(sa.select(User).where(User.username.in_(usernames)))
    }
    world.user_order = usernames
    password_hash: str | None = None  # one hash for all: hashing is slow on purpose
    phones = random.Random(f"{world.seed}-phones")
    created = 0
    for spec in specs:
        org = world.orgs[spec["org"]]
        existing = world.users.get(spec["username"])
        if existing is not None:
            if existing.role != spec["role"] or existing.organisation_id != org.id:
                world.conflicts.append(spec["username"])
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
            created_at=world.now - timedelta(days=120),
        )
        if password_hash is None:
            user.set_password(DEMO_PASSWORD)
            password_hash = user.password_hash
        user.password_hash = password_hash
        db.session.add(user)
        world.users[user.username] = user
        created += 1
    db.session.flush()
    world.result.created["users"] = created
