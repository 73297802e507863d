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


def _children(parent_id: int | None, level: RegionLevel) -> list[Region]:
    stmt = sa.select(Region).where(Region.level == level).order_by(Region.code)
    if parent_id is not None:
        stmt = stmt.where(Region.parent_id == parent_id)
    return list(db.session.scalars(stmt))


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def place_choices(form) -> None:
    """Fill the three selects; drop a lower choice that no longer fits the one above."""
    counties = _children(None, RegionLevel.COUNTY)
    form.county.choices = [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(str(r.id), r.name) for r in counties
    ]
    county_id = _as_int(form.county.data)
    if county_id not in {r.id for r in counties}:
        county_id = None
        form.county.data = ""
    townships = _children(county_id, RegionLevel.TOWNSHIP) if county_id else []
    form.township.choices = [
        SelectChoice("", _l("Choose…") if county_id else _l("Choose the county first"))
    ] + [SelectChoice(str(r.id), r.name) for r in townships]
    township_id = _as_int(form.township.data)
    if township_id not in {r.id for r in townships}:
        township_id = None
        form.township.data = ""
    villages = _children(township_id, RegionLevel.VILLAGE) if township_id else []
    form.village.choices = [SelectChoice("", _l("Not sure / not in a village"))] + [
        SelectChoice(str(r.id), r.name) for r in villages
    ]
    if _as_int(form.village.data) not in {r.id for r in villages}:
        form.village.data = ""


def selected_region(form) -> Region:
    """The deepest region chosen (village if given, else township)."""
    for value in (form.village.data, form.township.data, form.county.data):
        region_id = _as_int(value)
        if region_id:
            region = db.session.get(Region, region_id)
            if region is not None:
                return region
    raise ValueError("no place chosen")  # prevented by the form's InputRequired
