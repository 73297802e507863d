"""What a case says: its parties (names, ages, ID numbers, phones, addresses), its summary and
requests, the settlement and the terms of its agreement, filled in from the templates of its
dispute type in data/demo_cases.json."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from demo.people import credit_code, landline, mobile, person_name, resident_id, short_name
from demo.plans import CasePlan
from demo.world import DemoWorld
from domain.clocks import CHINA
from domain.intake import CaseData, PartyData
from domain.mediation import AgreementData
from models import Region
from models.enums import AgreementKind, DisputeType, PartyKind, PartyRole, RegionLevel, Sex


def _party_name(world: DemoWorld, sex: Sex | None = None) -> tuple[str, Sex]:
    """A party's name, never one of the demo staff's (a mediator would have to recuse)."""
    staff = {u.name for u in world.users.values()}
    while True:
        name, sex_ = person_name(world.rng, sex)
        if name not in staff:
            return name, sex_


def party_names(world: DemoWorld, plan: CasePlan) -> dict[str, Any]:
    """The applicant and the respondent (a person, the village committee or an organisation of
    the kind the template names), and `n`, a small count some texts use."""
    rng = world.rng
    t = plan.template
    a_sex = Sex(t["a_sex"]) if t.get("a_sex") else rng.choice(list(Sex))
    a_name, _ = _party_name(world, a_sex)
    a_age = rng.randrange(*t.get("a_age", [24, 72]))
    r_kind = t.get("r_kind")
    township = world.township(plan.region)
    if r_kind is None:
        r_sex = Sex(t["r_sex"]) if t.get("r_sex") else rng.choice(list(Sex))
        r_name, _ = _party_name(world, r_sex)
        r_age = max(22, a_age - rng.randrange(25, 36)) if t.get("a_age") else rng.randrange(24, 72)
    elif r_kind == "village":
        village = world.regions[plan.region.code[:12]]
        suffix = "居民委员会" if village.name.endswith("社区") else "村民委员会"
        r_name, r_sex, r_age = village.name + suffix, None, None
    else:
        pattern = rng.choice(t.get("r_names") or world.texts["organisations"][r_kind])
        r_name = pattern.format(county=world.regions[plan.county].name, town=township.name)
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


def settlement(world: DemoWorld, plan: CasePlan) -> int | None:
    """What the parties settle for: a fixed sum, or a part of the amount in dispute."""
    if plan.template.get("pay"):
        return int(round(world.rng.uniform(*plan.template["pay"]), -2))
    if plan.amount is not None:
        return int(round(float(plan.amount) * world.rng.uniform(0.55, 0.95), -2))
    return None


def _fmt(
    world: DemoWorld, plan: CasePlan, names: dict[str, Any], deadline: date | None = None
) -> dict:
    return {
        "a": names["a"],
        "r": names["r"],
        "n": names["n"],
        "age": names["a_age"],
        "place": world.place_name(plan.region),
        "amount": int(plan.amount) if plan.amount is not None else "",
        "pay": plan.pay if plan.pay is not None else "",
        "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日" if deadline else "",
    }


def case_data(world: DemoWorld, plan: CasePlan, names: dict[str, Any]) -> CaseData:
    rng = world.rng
    fmt = _fmt(world, plan, names)
    county = world.regions[plan.county]
    address = _address(world, plan.region)
    parties = [
        _person(
            world,
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
                _person(
                    world,
                    PartyRole.APPLICANT,
                    _party_name(world, sex)[0],
                    sex,
                    rng.randrange(25, 60),
                    _address(world, plan.region),
                    plan.county,
                )
            )
    if names["r_kind"] is None:
        parties.append(
            _person(
                world,
                PartyRole.RESPONDENT,
                names["r"],
                names["r_sex"],
                names["r_age"],
                _address(world, plan.region),
                plan.county,
            )
        )
    else:
        post = world.texts["legal_rep_posts"][names["r_kind"]]
        parties.append(
            PartyData(
                role=PartyRole.RESPONDENT,
                kind=PartyKind.ORGANISATION,
                name=names["r"],
                credit_code=credit_code(names["r"], plan.county),
                legal_rep=_party_name(world)[0],
                legal_rep_post=post,
                phone=landline(rng, plan.county),
                address=f"{county.name}{world.place_name(plan.region)}",
            )
        )
    if plan.template.get("insurer"):
        parties.append(
            PartyData(
                role=PartyRole.THIRD_PARTY,
                kind=PartyKind.ORGANISATION,
                name=f"中国人民财产保险股份有限公司{short_name(county.name)}支公司",
                credit_code=credit_code(f"中国人民财产保险{county.name}", plan.county),
                legal_rep=_party_name(world)[0],
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
    world: DemoWorld, role: PartyRole, name: str, sex: Sex, age: int, address: str, county: str
) -> PartyData:
    rng = world.rng
    birth_year = world.today.year - age
    return PartyData(
        role=role,
        name=name,
        sex=sex,
        age=age,
        ethnicity="土家族" if county == "421087" and rng.random() < 0.08 else "汉族",
        occupation="退休"
        if age >= 62 and rng.random() < 0.5
        else rng.choice(world.texts["occupations"]),
        id_number=resident_id(rng, county, birth_year, sex) if rng.random() < 0.65 else None,
        phone=mobile(rng) if rng.random() < 0.9 else None,
        address=address,
    )


def _address(world: DemoWorld, region: Region) -> str:
    rng = world.rng
    county = world.regions[region.code[:6]].name
    place = world.place_name(region)
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


def agreement_data(
    world: DemoWorld,
    plan: CasePlan,
    names: dict[str, Any],
    end: datetime,
    oral: bool = False,
    written: bool = False,
) -> AgreementData:
    rng = world.rng
    agreed_on = end.astimezone(CHINA).date()
    deadline = agreed_on + timedelta(days=rng.choice([7, 10, 15, 20, 30]))
    fmt = _fmt(world, plan, names, deadline)
    terms = [t.format(**fmt) for t in plan.template["terms"]]
    small = plan.amount is None or plan.amount < 5000
    if oral or (small and rng.random() < 0.35 and not written):
        # PML Art. 28: the mediator records the oral agreement's content and its manner.
        return AgreementData(
            kind=AgreementKind.ORAL,
            terms=terms,
            agreed_on=agreed_on,
            performance_manner="按口头约定当场或自行履行",
        )
    has_money = fmt["pay"] != ""
    # PML Art. 29: the facts, the disputed issues and each party's responsibility, written
    # from the case's own story (no random draw: the demo world stays the same).
    requests = "；".join(r.format(**fmt) for r in plan.template["requests"])
    return AgreementData(
        kind=AgreementKind.WRITTEN,
        terms=terms,
        agreed_on=agreed_on,
        facts=plan.template["summary"].format(**fmt),
        issues=f"{names['a']}请求：{requests}。{names['r']}对上述请求有异议。",
        responsibilities=(
            f"{names['r']}对纠纷的发生负有责任，愿意按本协议履行；"
            f"{names['a']}对{names['r']}予以谅解。"
        ),
        performance_manner=rng.choice(world.texts["performance_manners"])
        if has_money
        else "按协议约定自行履行",
        performance_place=plan.target.name if plan.target else None,
        performance_deadline=deadline,
    )
