"""The cascading place selects (county → township → village) of the application form.

Choices are computed from the submitted values, so the same code serves the first page, the
"show townships" button without JavaScript, and the htmx refresh."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from extensions import db
from models import Region
from models.enums import RegionLevel

# The places last listed, (parent id, level) -> [(id, name)]: when the database cannot be
# reached, the form is shown again with the places chosen from these. Region names change
# rarely, the tree is small (a city's few thousand villages at most), and only that page reads
# them.
_LISTED: dict[tuple[int | None, RegionLevel], list[tuple[int, str]]] = {}


def _children(parent_id: int | None, level: RegionLevel) -> list[tuple[int, str]]:
    stmt = sa.select(Region.id, Region.name).where(Region.level == level).order_by(Region.code)
    if parent_id is not None:
        stmt = stmt.where(Region.parent_id == parent_id)
    listed = [(row.id, row.name) for row in db.session.execute(stmt)]
    _LISTED[(parent_id, level)] = listed
    return listed


def _listed_before(parent_id: int | None, level: RegionLevel) -> list[tuple[int, str]]:
    return _LISTED.get((parent_id, level), [])


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def place_choices(form, *, offline: bool = False) -> None:
    """Fill the three selects; drop a lower choice that no longer fits the one above.

    `offline`: without the database (it cannot be reached), from the places listed before;
    every choice is kept, one not listed before as "chosen earlier", so nothing typed is lost.
    """
    children = _listed_before if offline else _children

    def options(listed: list[tuple[int, str]], field) -> tuple[list[SelectChoice], int | None]:
        chosen = _as_int(field.data)
        out = [SelectChoice(str(i), name) for i, name in listed]
        if chosen not in {i for i, _name in listed}:
            if offline and chosen is not None:
                out.append(SelectChoice(str(chosen), _l("(chosen earlier)")))
            else:
                chosen = None
                field.data = ""
        return out, chosen

    counties, county_id = options(children(None, RegionLevel.COUNTY), form.county)
    form.county.choices = [SelectChoice("", _l("Choose…"))] + counties
    townships, township_id = options(
        children(county_id, RegionLevel.TOWNSHIP) if county_id else [], form.township
    )
    form.township.choices = [
        SelectChoice("", _l("Choose…") if county_id else _l("Choose the county first"))
    ] + townships
    villages, _village_id = options(
        children(township_id, RegionLevel.VILLAGE) if township_id else [], form.village
    )
    form.village.choices = [SelectChoice("", _l("Not sure / not in a village"))] + villages


def selected_region(form) -> Region:
    """The deepest region chosen (village if given, else township)."""
    for value in (form.village.data, form.township.data, form.county.data):
        region_id = _as_int(value)
        if region_id:
            region = db.session.get(Region, region_id)
            if region is not None:
                return region
    raise ValueError("no place chosen")  # prevented by the form's InputRequired
