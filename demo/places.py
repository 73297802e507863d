"""Regions: 荆州市, 公安县 and 松滋市 with all their townships (real codes and names, from
data/regions_demo.csv), three invented villages or communities per township, and two villagers'
groups. Regions already present are kept."""

from __future__ import annotations

import csv
import random

import sqlalchemy as sa

from demo.data import REGIONS_FILE
from demo.people import short_name
from demo.world import CITY_CODE, DemoWorld
from extensions import db
from models import Region, code_range
from models.enums import RegionLevel


def load_regions(world: DemoWorld) -> None:
    low, high = code_range(CITY_CODE)
    existing = db.session.scalars(sa.select(Region).where(Region.code >= low, Region.code < high))
    world.regions = {r.code: r for r in existing}
    created = 0
    world.township_slugs = {}
    with REGIONS_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["level"] == "city":
            world.city_name = row["name"]
        if row["level"] == "township":
            world.township_slugs[row["code"]] = row["slug"]
        created += _region(
            world, row["code"], row["name"], RegionLevel(row["level"]), row["parent_code"] or None
        )
    # Villages and communities (invented names, codes as the NBS allots them: 0xx for
    # residents' committees, 2xx for villagers' committees), three per township.
    names = random.Random(f"{world.seed}-villages")
    stems = list(world.texts["village_stems"])
    names.shuffle(stems)
    communities = list(world.texts["community_stems"])
    for code in sorted(world.township_slugs):
        township = world.regions[code]
        if township.name.endswith("街道"):
            places = [(f"{code}{i:03d}", communities.pop(0) + "社区") for i in (1, 2, 3)]
        else:
            places = [
                (f"{code}001", short_name(township.name) + "社区"),
                (f"{code}201", stems.pop() + "村"),
                (f"{code}202", stems.pop() + "村"),
            ]
        for vcode, vname in places:
            created += _region(world, vcode, vname, RegionLevel.VILLAGE, code)
    # Two villagers' groups in the first village of the first township.
    first_village = f"{min(world.township_slugs)}201"
    for i, gname in ((1, "一组"), (2, "二组")):
        created += _region(
            world, f"{first_village}{i:03d}", gname, RegionLevel.GROUP, first_village
        )
    db.session.flush()
    world.result.created["regions"] = created


def _region(world: DemoWorld, code: str, name: str, level: RegionLevel, parent: str | None) -> int:
    if code in world.regions:
        return 0
    region = Region(
        code=code, name=name, level=level, parent=world.regions[parent] if parent else None
    )
    db.session.add(region)
    world.regions[code] = region
    return 1
