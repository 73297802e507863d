"""domain.links: related cases and repeat petitions (both timelines, scope, no duplicates, no
self-links, archived files untouched) and merging (B closes as merged, A records it, B's
parties copied without duplicates, nothing deleted, numbers kept, stale versions)."""

from __future__ import annotations

import pytest

from domain.errors import InvalidTransition, NotPermitted, StaleCase, ValidationFailed
from domain.links import (
    link_cases,
    links_of,
    merge_cases,
    merged_into,
    merged_timelines,
    unlink_cases,
)
from domain.states import Action
from models import Case, Event, Party
from models.docking import CaseLink
from models.enums import ClosureReason, LinkKind
from models.states import CaseState
from tests.factories import count_rows, events_of


def test_link_records_on_both_cases_and_lists_both_ways(world, db):
    a, b = world.case(CaseState.ACCEPTED), world.case(CaseState.MEDIATING)
    va, vb = a.version, b.version
    link_cases(a, b.number, world.clerk, version=va, kind=LinkKind.REPEAT, note="同一人再次申请")
    db.session.flush()
    assert (a.version, b.version) == (va + 1, vb + 1)
    [ea] = events_of(a, Action.LINK_CASE)
    [eb] = events_of(b, Action.LINK_CASE)
    assert ea.data["other"] == b.number and eb.data["other"] == a.number
    assert ea.data["kind"] == "repeat" and not ea.public
    assert ea.note == "同一人再次申请"
    [row_a] = links_of(a)
    [row_b] = links_of(b)
    assert (row_a.other, row_a.outgoing, row_a.kind) == (b, True, LinkKind.REPEAT)
    assert (row_b.other, row_b.outgoing) == (a, False)


def test_number_as_typed_is_normalised(world, db):
    a, b = world.case(), world.case()
    typed = " " + b.number.replace("-", "") + " "
    link_cases(a, typed, world.clerk, version=None, kind="related")
    assert links_of(a)[0].other == b


def test_no_self_links_no_duplicates_and_kind_checked(world, db):
    a, b = world.case(), world.case()
    with pytest.raises(ValidationFailed) as err:
        link_cases(a, a.number, world.clerk, version=None, kind="related")
    assert err.value.field == "number"
    link_cases(a, b.number, world.clerk, version=None, kind="related")
    db.session.flush()
    for first, second in ((a, b), (b, a)):  # either direction counts
        with pytest.raises(ValidationFailed) as err:
            link_cases(first, second.number, world.clerk, version=None, kind="repeat")
        assert "already linked" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        link_cases(a, world.case().number, world.clerk, version=None, kind="merged")
    assert err.value.field == "kind"
    assert count_rows(CaseLink) == 1


def test_out_of_scope_case_is_answered_like_a_missing_one(world, db):
    mine = world.case()
    theirs = world.case(village=world.village3)  # 松滋市: outside clerk's county
    with pytest.raises(ValidationFailed) as out:
        link_cases(mine, theirs.number, world.clerk, version=None, kind="related")
    with pytest.raises(ValidationFailed) as missing:
        link_cases(mine, "2026-421022-999999", world.clerk, version=None, kind="related")
    assert out.value.message == missing.value.message
    assert out.value.field == "number"
    with pytest.raises(NotPermitted):  # the acting case itself must be in scope
        link_cases(theirs, mine.number, world.clerk, version=None, kind="related")


def test_mediator_links_only_cases_they_see(world, db):
    a = world.case(CaseState.MEDIATING)
    other = world.case(CaseState.ACCEPTED)  # not theirs
    with pytest.raises(ValidationFailed):
        link_cases(a, other.number, world.mediator, version=None, kind="related")
    b = world.case(CaseState.MEDIATING)
    link_cases(a, b.number, world.mediator, version=None, kind="related")


def test_archived_file_gets_no_event(world, db):
    archived = world.case(CaseState.ARCHIVED)
    open_case = world.case(CaseState.ACCEPTED)
    before = len(archived.events)
    version = archived.version
    link_cases(open_case, archived.number, world.clerk, version=None, kind="repeat")
    db.session.flush()
    assert len(events_of(archived, Action.LINK_CASE)) == 0
    assert len(archived.events) == before and archived.version == version
    assert len(events_of(open_case, Action.LINK_CASE)) == 1
    # No link is made from the archived file itself: not by its mediator (the file is
    # final), not by the desk or an administrator (not theirs).
    third = world.case()
    with pytest.raises(InvalidTransition):
        link_cases(archived, third.number, world.mediator, version=None, kind="related")
    for outsider in (world.clerk, world.admin, world.leader):
        with pytest.raises(NotPermitted):
            link_cases(archived, third.number, outsider, version=None, kind="related")
    assert events_of(third, Action.LINK_CASE) == []
    assert len(events_of(archived, Action.LINK_CASE)) == 0


def test_stale_version_refused(world, db):
    a, b = world.case(), world.case()
    with pytest.raises(StaleCase):
        link_cases(a, b.number, world.clerk, version=a.version - 1, kind="related")


def test_unlink_records_on_both_and_keeps_events(world, db):
    a, b = world.case(), world.case()
    link = link_cases(a, b.number, world.clerk, version=None, kind="related")
    db.session.flush()
    unlink_cases(b, link.id, world.clerk, version=b.version)
    db.session.flush()
    assert count_rows(CaseLink) == 0
    assert len(events_of(a, Action.UNLINK_CASE)) == 1
    assert len(events_of(b, Action.UNLINK_CASE)) == 1
    assert len(events_of(a, Action.LINK_CASE)) == 1  # the history stays
    with pytest.raises(ValidationFailed):
        unlink_cases(a, link.id, world.clerk, version=None)


# ---- merging --------------------------------------------------------------------------------


def _party_names(case: Case) -> list[str]:
    return [p.name for p in case.parties]


def test_merge_closes_b_keeps_both_timelines_and_numbers(world, db):
    a = world.case(CaseState.MEDIATING)
    b = world.case(CaseState.ACCEPTED)
    a_events, b_events = len(a.events), len(b.events)
    into = merge_cases(b, a.number, world.clerk, version=b.version, reason="同一排水沟纠纷")
    db.session.flush()
    assert into is a
    assert b.state == CaseState.MERGED and b.closure_reason == ClosureReason.MERGED
    assert b.closed_at is not None
    assert a.state == CaseState.MEDIATING
    [into_event] = events_of(b, Action.MERGE_INTO)
    [in_event] = events_of(a, Action.MERGE_IN)
    assert into_event.public and into_event.data["other"] == a.number
    assert in_event.data["other"] == b.number and not in_event.public
    assert len(b.events) == b_events + 1 and len(a.events) == a_events + 1
    assert merged_into(b) == a
    [(merged, timeline)] = merged_timelines(a)
    assert merged == b and [e.id for e in timeline] == [e.id for e in b.events]
    link = db.session.query(CaseLink).one()
    assert (link.case_id, link.other_id, link.kind) == (b.id, a.id, "merged")
    # Both numbers still open their case.
    assert db.session.query(Case).filter_by(number=b.number).one() is b


def test_merge_copies_new_parties_only(world, db):
    a = world.case(CaseState.ACCEPTED)
    b = world.case(CaseState.ACCEPTED)
    # B's applicant is A's applicant (same ID number, another spelling of the name), B's
    # respondent is new.
    b.applicants[0].name = a.applicants[0].name + "（曾用名）"
    b.applicants[0].id_number_norm = a.applicants[0].id_number_norm
    # A third party on B with the same name and phone as A's respondent: the same person.
    twin = Party(
        role=a.respondents[0].role,
        name=a.respondents[0].name,
        phone=a.respondents[0].phone,
        phone_norm=a.respondents[0].phone_norm,
        position=9,
    )
    b.parties.append(twin)
    db.session.flush()
    before_b = _party_names(b)
    parties_before = count_rows(Party)
    merge_cases(b, a.number, world.clerk, version=None, reason="同一纠纷")
    db.session.flush()
    db.session.expire_all()
    a, b = db.session.get(Case, a.id), db.session.get(Case, b.id)
    assert _party_names(b) == before_b  # nothing taken from B
    added = [p for p in a.parties if p.name == b.respondents[0].name]
    assert len(added) == 1 and added[0].phone == b.respondents[0].phone
    assert len(a.parties) == 3
    assert count_rows(Party) == parties_before + 1
    [event] = events_of(a, Action.MERGE_IN)
    assert event.data["parties_added"] == [added[0].id]


def test_merge_refusals(world, db):
    a = world.case(CaseState.MEDIATING)
    b = world.case(CaseState.ACCEPTED)
    with pytest.raises(ValidationFailed) as err:
        merge_cases(b, b.number, world.clerk, version=None, reason="x")
    assert err.value.field == "number"
    closed = world.case(CaseState.TERMINATED)
    with pytest.raises(ValidationFailed) as err:
        merge_cases(b, closed.number, world.clerk, version=None, reason="x")
    assert "open case" in err.value.message
    far = world.case(CaseState.ACCEPTED, village=world.village3)
    with pytest.raises(ValidationFailed) as err:  # across scopes: "no such case"
        merge_cases(b, far.number, world.clerk, version=None, reason="x")
    assert err.value.field == "number"
    with pytest.raises(ValidationFailed) as err:
        merge_cases(b, a.number, world.clerk, version=None, reason="  ")
    assert err.value.field == "reason"
    with pytest.raises(StaleCase):
        merge_cases(b, a.number, world.clerk, version=b.version - 1, reason="x")
    with pytest.raises(NotPermitted):
        merge_cases(b, a.number, world.mediator, version=None, reason="x")
    merge_cases(b, a.number, world.clerk, version=None, reason="x")
    db.session.flush()
    with pytest.raises(InvalidTransition):  # already merged
        merge_cases(b, a.number, world.clerk, version=None, reason="x")
    other = world.case(CaseState.ACCEPTED)
    with pytest.raises(ValidationFailed):  # into a merged (closed) case
        merge_cases(other, b.number, world.clerk, version=None, reason="x")


def test_director_merges_only_within_their_committee(world, db):
    a = world.case(CaseState.DISPATCHED)
    b = world.case(CaseState.MEDIATING)
    assert a.handling_org == b.handling_org == world.village_committee
    elsewhere = world.case(CaseState.ACCEPTED)  # not handled by the committee yet
    with pytest.raises(ValidationFailed):
        merge_cases(b, elsewhere.number, world.director, version=None, reason="x")
    merge_cases(b, a.number, world.director, version=None, reason="同一纠纷")
    assert b.state == CaseState.MERGED


def test_merge_converts_an_existing_link(world, db):
    a, b = world.case(CaseState.ACCEPTED), world.case(CaseState.ACCEPTED)
    link_cases(b, a.number, world.clerk, version=None, kind="repeat")
    db.session.flush()
    merge_cases(b, a.number, world.clerk, version=None, reason="同一纠纷")
    db.session.flush()
    [link] = db.session.query(CaseLink).all()
    assert link.kind == "merged"


def test_merged_case_from_factory_and_nothing_deleted(world, db):
    a = world.case(CaseState.ACCEPTED)
    b = world.case(CaseState.MERGED, into=a)
    events_before = count_rows(Event)
    assert b.state == CaseState.MERGED and merged_into(b) == a
    db.session.flush()
    assert count_rows(Event) == events_before


def test_merge_carries_the_referral_and_its_return_leg(world, db):
    """A court referral merged into a walk-in: the report back to the court is now owed by
    the surviving case (archive refuses without it), and the risk, amount and reach come
    along."""
    from decimal import Decimal

    from domain.closing import archive_gaps
    from models.enums import ReferralKind, RiskLevel

    a = world.case(CaseState.MEDIATING)
    b = world.referral_case(ReferralKind.COURT, CaseState.ACCEPTED)
    b.risk_level, b.amount, b.cross_region = RiskLevel.ORANGE, Decimal("250000"), True
    court = b.referrals[0]
    merge_cases(b, a.number, world.clerk, version=None, reason="同一纠纷")
    db.session.flush()
    assert court.case_id == a.id and a.referrals == [court] and b.referrals == []
    assert (a.risk_level, a.amount, a.cross_region) == (RiskLevel.ORANGE, Decimal("250000"), True)
    [event] = events_of(a, Action.MERGE_IN)
    assert event.data["referrals_moved"] == [court.id]
    assert any("reported back" in str(g) for g in archive_gaps(a))


def test_no_merge_while_a_transfer_waits(world, db):
    from domain.transfers import send_transfer

    a = world.case(CaseState.MEDIATING)
    b = world.case(CaseState.MEDIATING)
    send_transfer(b, world.director, version=None, to_org=world.township_centre, reason="移交")
    with pytest.raises(ValidationFailed):
        merge_cases(b, a.number, world.director, version=None, reason="同一纠纷")
    assert b.state == CaseState.MEDIATING


def test_a_merged_petition_transfer_still_gets_its_follow_up(world, db):
    from domain.aftercare import needs_follow_up
    from models.enums import ReferralKind

    a = world.case(CaseState.MEDIATING)
    assert not needs_follow_up(a)
    b = world.referral_case(ReferralKind.PETITION, CaseState.ACCEPTED)
    merge_cases(b, a.number, world.clerk, version=None, reason="同一纠纷")
    db.session.flush()
    assert needs_follow_up(a)
