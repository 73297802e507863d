"""The people's mediation committees the centres mediate under: a committee in every township
(乡镇人民调解委员会, under which the township's centre mediates) and a joint committee for each
county and for the city (联合人民调解委员会, under which their centres mediate). Agreements
mediated at a centre bear its committee's seal and their files its committee's numbers (PML
Arts. 7, 29, 34). Committees already present are kept; a centre keeps a committee already
recorded for it."""

from __future__ import annotations

from demo.world import CITY_CODE, DemoWorld
from extensions import db
from models import Organisation
from models.enums import OrgKind


def load_committees(world: DemoWorld) -> None:
    pairs: list[tuple[str, str, OrgKind, str]] = [
        (
            f"{world.city_name}社会矛盾纠纷调处中心",
            f"{world.city_name}联合人民调解委员会",
            OrgKind.JOINT_COMMITTEE,
            CITY_CODE,
        )
    ]
    for county in sorted(world.counties(), key=lambda r: r.code):
        pairs.append(
            (
                world.county_centre[county.code],
                f"{county.name}联合人民调解委员会",
                OrgKind.JOINT_COMMITTEE,
                county.code,
            )
        )
        for township in world.townships(county.code):
            pairs.append(
                (
                    world.township_centre[township.code],
                    f"{township.name}人民调解委员会",
                    OrgKind.TOWNSHIP_COMMITTEE,
                    township.code,
                )
            )
    created = 0
    for centre_name, name, kind, region in pairs:
        committee = world.orgs.get(name)
        if committee is None:
            committee = Organisation(
                name=name, kind=kind, region=world.regions[region], dispute_types=[], active=True
            )
            db.session.add(committee)
            world.orgs[name] = committee
            created += 1
        centre = world.orgs.get(centre_name)
        if centre is not None and centre.committee_id is None and centre.committee is None:
            centre.committee = committee
    db.session.flush()
    world.result.created["committees"] = created
