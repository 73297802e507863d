"""The cases of a filter as ledger rows, read in batches so an export of any size holds one
batch of cases at a time, and the period a ledger covers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from domain.calendar import CHINA, local_today
from domain.identity import mask_id_number, mask_phone
from domain.ledger.columns import join_list
from extensions import db
from models import Case, FollowUp, JudicialConfirmation, Party, Region
from models.enums import PartyKind, PartyRole, RegionLevel

# Cases read per round trip to the database (their parties, mediators, agreement, rulings and
# visits come in one query each per batch).
BATCH = 500

Row = dict[str, str | date | Decimal | None]


def day_start(day: date) -> datetime:
    """The first moment of a China calendar day, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=CHINA)


def period_condition(start: date | None, end: date | None) -> sa.ColumnElement[bool]:
    """The cases of a period: those with any of their counting dates in it — registration,
    acceptance, outcome, the court's ruling on the agreement, a follow-up visit due or made.
    Every figure of the period counts its cases by one of these dates, so the ledger of a
    period holds every case its figures count, and importing it elsewhere gives the same
    figures. Either end may be open."""
    if start is None and end is None:
        return sa.true()

    def moment(column) -> sa.ColumnElement[bool]:
        parts = []
        if start is not None:
            parts.append(column >= day_start(start))
        if end is not None:
            parts.append(column < day_start(end + timedelta(days=1)))
        return sa.and_(*parts)

    def day(column) -> sa.ColumnElement[bool]:
        parts = []
        if start is not None:
            parts.append(column >= start)
        if end is not None:
            parts.append(column <= end)
        return sa.and_(*parts)

    ruled = sa.select(JudicialConfirmation.case_id).where(day(JudicialConfirmation.ruled_on))
    visited = sa.select(FollowUp.case_id).where(
        sa.or_(day(FollowUp.visited_on), day(FollowUp.due_on))
    )
    return sa.or_(
        moment(Case.created_at),
        moment(Case.accepted_at),
        moment(Case.closed_at),
        Case.id.in_(ruled),
        Case.id.in_(visited),
    )


def ledger_query(
    condition: sa.ColumnElement[bool], reveal: sa.ColumnElement[bool] | None = None
) -> sa.Select:
    """The cases matching `condition` and, for each, whether `reveal` holds (its ID numbers
    and phones go out in full), oldest registration first (the (created_at, id) index),
    fetched BATCH at a time with what each row needs."""
    shown_in_full = reveal if reveal is not None else sa.false()
    return (
        sa.select(Case, shown_in_full.label("full"))
        .where(condition)
        .order_by(Case.created_at, Case.id)
        .options(
            joinedload(Case.handling_org),
            joinedload(Case.intake_org),
            selectinload(Case.parties),
            selectinload(Case.mediators),
            selectinload(Case.agreement),
            selectinload(Case.confirmations),
            selectinload(Case.follow_ups),
        )
        .execution_options(yield_per=BATCH)
    )


class Places:
    """Each region's name from the county down (公安县埠河镇新民村), worked out once per region:
    the regions met are kept, so walking up the tree never queries the same region twice."""

    def __init__(self) -> None:
        self._regions: dict[int, Region] = {}
        self._names: dict[int, str] = {}

    def _region(self, region_id: int) -> Region:
        if region_id not in self._regions:
            self._regions[region_id] = db.session.get(Region, region_id)
        return self._regions[region_id]

    def name(self, region_id: int) -> str:
        if region_id not in self._names:
            names, node = [], self._region(region_id)
            while node is not None:
                names.append(node.name)
                if node.level in (RegionLevel.COUNTY, RegionLevel.CITY):
                    break
                node = self._region(node.parent_id) if node.parent_id else None
            self._names[region_id] = "".join(reversed(names))
        return self._names[region_id]

    def code(self, region_id: int) -> str:
        return self._region(region_id).code


def _identifier(party: Party, full: bool) -> str:
    """An organisation's credit code (public, never masked), or a person's ID number."""
    if party.kind == PartyKind.ORGANISATION:
        return party.credit_code or ""
    return (party.id_number or "") if full else mask_id_number(party.id_number)


def _phone(party: Party, full: bool) -> str:
    return (party.phone or "") if full else mask_phone(party.phone)


def _local_day(moment: datetime | None) -> date | None:
    return local_today(moment) if moment is not None else None


def ledger_row(case: Case, places: Places, full: bool) -> Row:
    """One case as a ledger row: dates as dates, the amount as a number, words in the current
    language, ID numbers and phones in full only when `full`."""
    row: Row = {
        "number": case.number,
        "registered_on": _local_day(case.created_at),
        "accepted_on": _local_day(case.accepted_at),
        "channel": str(case.channel.label),
        "source": str(case.source.label),
        "type_code": case.dispute_type.value,
        "type_name": str(case.dispute_type.label),
        "summary": case.summary,
        "region_code": places.code(case.region_id),
        "place": places.name(case.region_id),
        "intake_organisation": case.intake_org.name if case.intake_org else "",
        "organisation": case.handling_org.name if case.handling_org else "",
        "state": str(case.state.label),
        "outcome": str(case.closure_reason.label) if case.closure_reason else "",
        "outcome_on": _local_day(case.closed_at),
        "amount": case.amount,
    }
    mediator = case.presiding_mediator
    row["mediator"] = mediator.name if mediator is not None else (case.ledger_mediator or "")
    for role, key in ((PartyRole.APPLICANT, "applicant"), (PartyRole.RESPONDENT, "respondent")):
        parties = case.parties_in(role)
        row[key + "s"] = join_list(p.name for p in parties)
        row[key + "_ids"] = join_list(_identifier(p, full) for p in parties)
        row[key + "_phones"] = join_list(_phone(p, full) for p in parties)
    agreement = case.agreement
    row["agreement_form"] = str(agreement.kind.label) if agreement else ""
    row["performance"] = str(agreement.performance_status.label) if agreement else ""
    ruling = case.confirmations[-1] if case.confirmations else None
    row["confirmation"] = str(ruling.ruling.label) if ruling else ""
    row["confirmed_on"] = ruling.ruled_on if ruling else None
    visit = case.follow_ups[-1] if case.follow_ups else None
    row["follow_up_due"] = visit.due_on if visit else None
    row["follow_up_on"] = visit.visited_on if visit else None
    return row


def iter_rows(
    condition: sa.ColumnElement[bool], reveal: sa.ColumnElement[bool] | None = None
) -> Iterator[tuple[Row, bool]]:
    """Each case of `condition` as (row, shown in full), in ledger order; `reveal` is the
    rule, as SQL, of the cases shown in full (domain.permissions.reveal_condition). The cases
    are fetched BATCH at a time and dropped once written: only the regions' names are kept."""
    places = Places()
    for case, full in db.session.execute(ledger_query(condition, reveal)):
        yield ledger_row(case, places, bool(full)), bool(full)
