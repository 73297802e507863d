"""Importing a ledger: every row checked first, then all of them imported as cases, or none.

What a row must be (each problem is reported with its row, its column and why):
- the case number: any text of 1 to 24 letters, digits and the brackets and marks case numbers
  use (（2021）公埠人调字第12号), unique in the file and in the portal; stored as written, with
  full-width digits, letters and brackets made ordinary so the number search finds it;
- dates: registration ≤ acceptance ≤ outcome, none in the future, a ruling and a visit after
  the outcome; written 2026-03-01, 2026/3/1, 2026年3月1日 or 20260301, or as a date cell;
- the national dispute type by code or name, the source, the place (its code, or its name
  from the county down) and the handling organisation (its exact name), all of which must
  exist, inside the importing administrator's area;
- the state and the outcome agree: an ended case has its outcome and date, an open one has
  neither; an agreement has its form; a ruling, a performance or a visit follow an agreement;
- ID numbers and phones are checked as at the desk. A masked value (4210**********1234,
  138****5678, as a leader's export writes them) is no value: the field is left empty and the
  row gets a warning, so a masked ledger can still be imported (its figures need no phone).

An imported case keeps its number and its dates where the statistics read them (created_at,
accepted_at, closed_at, the agreement, the ruling, the visit), is marked with the import
that brought it in (Case.ledger_import_id), and gets one timeline event, "imported from a
case ledger" — never made-up steps. It has no query code: the desk issues one if the citizen
asks. An open case goes on from its state; its deadline is counted from its acceptance by the
rules that apply now, and a suspended one is suspended from the day of the import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain.calendar import CHINA
from domain.clocks import start_clock
from domain.codes import normalise_case_number
from domain.errors import NotPermitted
from domain.identity import normalise_phone
from domain.intake import county_centre
from domain.ledger.checking import CaseRow, read_rows
from domain.ledger.reading import LedgerRefused, LineError, Sheet
from domain.states import Action
from domain.timeline import record
from extensions import db
from models import (
    Agreement,
    Case,
    CaseMediator,
    CaseSequence,
    FollowUp,
    JudicialConfirmation,
    LedgerDirection,
    LedgerLog,
    Organisation,
    Party,
    Region,
    User,
)
from models.enums import PartyKind, PartyRole, Performance, Role
from models.states import CLOSED_STATES, CaseState
from models.types import utcnow

# Rows an upload may hold (the page answers within a minute); the command takes any number.
MAX_WEB_ROWS = 5_000
MAX_CLI_ROWS = 1_000_000
# Problems listed at most (the rest are counted).
MAX_REPORTED = 200
FLUSH_EVERY = 500


def noon(day: date) -> datetime:
    """The moment an imported date is stored at: noon in China, the same calendar day
    whichever zone reads it."""
    return datetime.combine(day, time(12), tzinfo=CHINA)


@dataclass
class ImportResult:
    imported: int
    warnings: list[LineError]
    more_warnings: int
    record: LedgerLog


class _Writer:
    def __init__(self, actor: User, record: LedgerLog):
        self.actor = actor
        self.record = record
        self.centres: dict[str, Organisation | None] = {}
        self.staff: dict[int, dict[str, list[User]]] = {}
        self.now = utcnow()

    def intake_org(self, region: Region) -> Organisation | None:
        county = region.county_code
        if county not in self.centres:
            self.centres[county] = county_centre(region)
        return self.centres[county]

    def mediator(self, organisation: Organisation, name: str) -> User | None:
        """The account of `organisation` bearing `name`, if exactly one does."""
        if organisation.id not in self.staff:
            accounts: dict[str, list[User]] = {}
            for user in db.session.scalars(
                sa.select(User).where(
                    User.organisation_id == organisation.id,
                    User.role.in_([Role.MEDIATOR, Role.DIRECTOR]),
                )
            ):
                accounts.setdefault(user.name, []).append(user)
            self.staff[organisation.id] = accounts
        found = self.staff[organisation.id].get(name, [])
        return found[0] if len(found) == 1 else None

    def case(self, r: CaseRow) -> Case:
        case = Case(
            number=r.number,
            # No query code: nothing typed can match "!" (the desk issues a code on request).
            query_code_hash="!",
            state=r.state,
            source=r.source,
            channel=r.channel,
            dispute_type=r.dispute_type,
            summary=r.summary,
            requests=[],
            amount=r.amount,
            region=r.region,
            region_code=r.region.code,
            intake_org=r.intake_organisation or self.intake_org(r.region),
            handling_org=r.organisation,
            created_at=noon(r.registered_on),
            accepted_at=noon(r.accepted_on) if r.accepted_on else None,
            closed_at=noon(r.outcome_on) if r.outcome_on else None,
            closure_reason=r.outcome,
            ledger_import_id=self.record.id,
        )
        position = 0
        for role, people in (
            (PartyRole.APPLICANT, r.applicants),
            (PartyRole.RESPONDENT, r.respondents),
        ):
            for p in people:
                party = Party(
                    role=role,
                    kind=PartyKind.ORGANISATION if p.credit_code else PartyKind.PERSON,
                    position=position,
                    name=p.name,
                    credit_code=p.credit_code,
                    id_number=p.id_number,
                    id_number_norm=p.id_number,
                )
                if p.phone:
                    party.phone = p.phone
                    party.phone_norm = normalise_phone(p.phone)
                case.parties.append(party)
                position += 1
        if r.mediator and r.organisation is not None:
            user = self.mediator(r.organisation, r.mediator)
            if user is not None:
                case.mediators.append(CaseMediator(user=user, presiding=True, active=True))
            else:
                case.ledger_mediator = r.mediator
        if r.agreement_form is not None:
            case.agreement = Agreement(
                kind=r.agreement_form,
                terms=[],
                performance=[],
                agreed_on=r.outcome_on,
                effective_on=r.outcome_on,
                recorded_by_id=self.actor.id,
                performance_status=r.performance or Performance.PENDING,
            )
        if r.confirmation is not None:
            case.confirmations.append(
                JudicialConfirmation(
                    court="",
                    applied_on=r.confirmed_on or r.outcome_on,
                    all_parties_joined=True,
                    ruling=r.confirmation,
                    ruled_on=r.confirmed_on,
                    recorded_by_id=self.actor.id,
                )
            )
        if r.follow_up_due or r.follow_up_on:
            case.follow_ups.append(
                FollowUp(
                    due_on=r.follow_up_due or r.follow_up_on,
                    reason="agreement" if r.agreement_form else "petition",
                    done_at=noon(r.follow_up_on) if r.follow_up_on else None,
                    visited_on=r.follow_up_on,
                    performance=r.performance if r.follow_up_on else None,
                )
            )
        if r.state == CaseState.SUSPENDED:
            case.suspended_since = self.now
        elif r.state not in CLOSED_STATES and r.accepted_on:
            start_clock(case, noon(r.accepted_on))
        db.session.add(case)
        record(
            case,
            Action.IMPORT_LEDGER,
            self.actor,
            public=False,
            to_state=r.state,
            data={"import": self.record.id, "row": r.row},
        )
        return case


def _advance_sequences(rows: list[CaseRow]) -> None:
    """Numbers of the portal's own form (2026-421022-000123) reserve their sequence number, so
    a case registered later never gets the number of an imported one."""
    highest: dict[tuple[int, str], int] = {}
    for r in rows:
        native = normalise_case_number(r.number)
        if native:
            year, county, seq = native.split("-")
            key = (int(year), county)
            highest[key] = max(highest.get(key, 0), int(seq))
    for (year, county), seq in highest.items():
        counter = db.session.get(CaseSequence, (year, county))
        if counter is None:
            db.session.add(CaseSequence(year=year, county_code=county, last=seq))
        elif counter.last < seq:
            counter.last = seq


def import_ledger(
    sheet: Sheet, actor: User, *, via: str, file_format: str, raw: bytes
) -> ImportResult:
    """Import the rows of `sheet` as cases: all of them, or none when any row has a problem.
    Flushes; the caller commits.

    `actor` is the administrator importing: the cases must lie in their area (a city
    administrator's city, a county administrator's county).

    Raises NotPermitted (not an administrator), LedgerRefused (the rejected rows and why).
    """
    if actor.role != Role.ADMIN or not actor.active:
        raise NotPermitted(_l("Only an administrator imports a ledger."))
    rows, problems = read_rows(sheet, actor)
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    if not rows:
        raise LedgerRefused([LineError(sheet.header_row, None, str(_l("The file has no cases.")))])
    if errors:
        errors.sort(key=lambda e: e.row)
        raise LedgerRefused(errors[:MAX_REPORTED], more=max(0, len(errors) - MAX_REPORTED))
    entry = LedgerLog(
        at=utcnow(),
        direction=LedgerDirection.IMPORT,
        via=via,
        user=actor,
        file_format=file_format,
        filters={"scope": actor.organisation.region.code},
        rows=len(rows),
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    db.session.add(entry)
    db.session.flush()
    writer = _Writer(actor, entry)
    try:
        with db.session.begin_nested():
            for n, r in enumerate(rows, start=1):
                writer.case(r)
                if n % FLUSH_EVERY == 0:
                    db.session.flush()
            _advance_sequences(rows)
            db.session.flush()
    except sa.exc.IntegrityError as error:  # a case with one of these numbers added meanwhile
        raise LedgerRefused(
            [
                LineError(
                    0,
                    None,
                    str(
                        _l(
                            "Some of these case numbers were taken meanwhile. "
                            "Upload the file again."
                        )
                    ),
                )
            ]
        ) from error
    warnings.sort(key=lambda w: w.row)
    return ImportResult(
        imported=len(rows),
        warnings=warnings[:MAX_REPORTED],
        more_warnings=max(0, len(warnings) - MAX_REPORTED),
        record=entry,
    )
