"""The record of matters that are not cases, and the organisation scope rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain import matters
from domain.permissions import org_scope_of
from extensions import db
from models import ImmutableMatterEventError, MatterEvent, Organisation


def test_a_matter_record_is_appended_and_never_changed(world, db):
    org = world.admin.organisation
    first = matters.record("meeting", 7, "created", world.admin, org=org, note="联席会议")
    matters.record("meeting", 7, "minutes", world.admin, org=org.id, data={"items": 2})
    matters.record("meeting", 8, "created", world.admin, org=org)
    db.session.commit()
    entries = matters.history("meeting", 7)
    assert [e.action for e in entries] == ["created", "minutes"]
    assert entries[0].actor == world.admin and entries[1].data == {"items": 2}
    first.note = "changed"
    with pytest.raises(ImmutableMatterEventError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(MatterEvent, first.id))
    with pytest.raises(ImmutableMatterEventError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(ValueError):
        matters.record("meeting", None, "created", world.admin)


def _names(user) -> set[str]:
    return set(db.session.scalars(sa.select(Organisation.name).where(org_scope_of(user))))


def test_the_organisations_each_role_oversees(world, db):
    # A county's leader: every organisation of the county and none of the next county's; the
    # city's administrator: the city's; a director or a mediator: their own.
    county = _names(world.leader)
    assert {world.county_centre.name, world.township_centre.name, world.court.name} <= county
    assert world.village_committee.name in county
    assert world.county2_centre.name not in county
    assert world.county2_centre.name in _names(world.admin)
    assert _names(world.director) == {world.director.organisation.name}
    assert _names(world.mediator) == {world.mediator.organisation.name}
