"""Checking the rows of a ledger file before anything is imported: each cell read (dates,
words of the vocabularies, identifiers, amounts), looked up in the database (places,
organisations, numbers already taken) and the row checked as a whole (the dates in order, the
state and the outcome agreeing). Every problem is collected with its row and column; masked
identifiers are warnings. Nothing is written here (domain.ledger.importing writes)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain.calendar import FIRST_DAY, local_today
from domain.codes import normalise_case_number
from domain.identity import (
    IdentifierError,
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
)
from domain.ledger.columns import (
    AGREEMENT_WORDS,
    BY_KEY,
    FORMAT,
    Vocabulary,
    split_list,
    vocabularies,
)
from domain.ledger.export import FORMULA_STARTS, language
from domain.ledger.reading import LineError, Sheet
from extensions import db
from models import Case, Organisation, Region, User, code_range
from models.enums import AgreementKind, Channel, ClosureReason, Performance, Ruling, Source
from models.states import CLOSED_STATES, CaseState

NUMBER_LENGTH = 24
# A case number: letters and digits of any script, and the brackets and marks numbers use.
_NUMBER = re.compile(r"^[\w\-.()\[\]〔〕【】·]+$")
MAX_PARTIES_PER_SIDE = 20
MAX_AMOUNT = Decimal("999999999999.99")
MAX_SUMMARY = 5_000
# A masked identifier as the export (and many ledgers) write it.
_MASKED = re.compile(r"[*＊×]")
_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(FORMAT["date_pattern"]),  # 2026年3月1日
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# The channel a source usually comes by, when the ledger does not say.
DEFAULT_CHANNEL = {
    Source.APPLICATION: Channel.WALK_IN,
    Source.INITIATIVE: Channel.SCREENING,
}
# The states each outcome may leave a case in (an archived case keeps its outcome).
OUTCOME_STATES: dict[ClosureReason, set[CaseState]] = {
    ClosureReason.AGREEMENT_WRITTEN: {CaseState.AGREED, CaseState.ARCHIVED},
    ClosureReason.AGREEMENT_ORAL: {CaseState.AGREED, CaseState.ARCHIVED},
    ClosureReason.FAILED: {CaseState.FAILED, CaseState.TERMINATED, CaseState.ARCHIVED},
    ClosureReason.PARTY_REFUSED: {CaseState.REFUSED, CaseState.ARCHIVED},
    ClosureReason.NOT_ACCEPTED: {CaseState.NOT_ACCEPTED, CaseState.ARCHIVED},
    ClosureReason.MERGED: {CaseState.MERGED},
}
_TERMINATED = {CaseState.TERMINATED, CaseState.ARCHIVED}
# The state an outcome gives when the ledger has no state column.
OUTCOME_STATE = {
    ClosureReason.AGREEMENT_WRITTEN: CaseState.AGREED,
    ClosureReason.AGREEMENT_ORAL: CaseState.AGREED,
    ClosureReason.FAILED: CaseState.FAILED,
    ClosureReason.PARTY_REFUSED: CaseState.REFUSED,
    ClosureReason.NOT_ACCEPTED: CaseState.NOT_ACCEPTED,
    ClosureReason.MERGED: CaseState.MERGED,
}
# Open states that a committee holds: they need the handling organisation.
_AT_COMMITTEE = {
    CaseState.DISPATCHED,
    CaseState.MEDIATING,
    CaseState.SUSPENDED,
    CaseState.JOINT_MEDIATION,
}


@dataclass
class PartyRow:
    name: str
    id_number: str | None = None
    credit_code: str | None = None
    phone: str | None = None


@dataclass
class CaseRow:
    """One row, read and checked."""

    row: int
    number: str = ""
    registered_on: date | None = None
    accepted_on: date | None = None
    channel: Channel | None = None
    source: Source | None = None
    dispute_type: object = None
    summary: str = ""
    applicants: list[PartyRow] = field(default_factory=list)
    respondents: list[PartyRow] = field(default_factory=list)
    region: Region | None = None
    intake_organisation: Organisation | None = None
    organisation: Organisation | None = None
    mediator: str = ""
    state: CaseState | None = None
    outcome: ClosureReason | None = None
    outcome_on: date | None = None
    agreement_form: AgreementKind | None = None
    amount: Decimal | None = None
    confirmation: Ruling | None = None
    confirmed_on: date | None = None
    follow_up_due: date | None = None
    follow_up_on: date | None = None
    performance: Performance | None = None


class _Reader:
    """Reads the rows of one file against the database, collecting every problem."""

    def __init__(self, admin: User | None):
        self.admin = admin
        self.area = code_range(admin.organisation.region.code) if admin else None
        self.words = vocabularies()
        self.lang = language()
        self.problems: list[LineError] = []
        self.regions: dict[str, Region | None] = {}
        self.region_names: dict[str, list[Region]] | None = None
        self.organisations: dict[str, Organisation] | None = None
        self.today = local_today()

    # ---- reporting -----------------------------------------------------------------------
    def problem(self, row: int, column: str | None, message, *, warning: bool = False) -> None:
        self.problems.append(LineError(row, column, str(message), warning))

    def column_name(self, key: str | None) -> str:
        return BY_KEY[key].header(self.lang) if key else ""

    # ---- cells ---------------------------------------------------------------------------
    @staticmethod
    def text(cell) -> str:
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        text = str(cell).strip()
        # The export writes a text a spreadsheet would take for a formula after an apostrophe.
        if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
            text = text[1:]
        return text

    def date(self, r: CaseRow, key: str, cell, *, future: bool = False) -> date | None:
        if isinstance(cell, datetime):
            day = cell.date()
        elif isinstance(cell, date):
            day = cell
        else:
            text = unicodedata.normalize("NFKC", self.text(cell)).replace(" ", "")
            if not text:
                return None
            day = None
            for form in _DATE_FORMS:
                match = form.match(text)
                if match:
                    try:
                        day = date(*(int(g) for g in match.groups()))
                    except ValueError:
                        day = None
                    break
            if day is None:
                self.problem(
                    r.row, key, _l("Not a date: %(text)s. Write it as 2026-03-01.", text=text)
                )
                return None
        if day < FIRST_DAY or (not future and day > self.today):
            self.problem(
                r.row,
                key,
                _l("The date %(date)s is in the future or too long ago.", date=day.isoformat()),
            )
            return None
        if future and day.year > self.today.year + 1:
            self.problem(
                r.row, key, _l("The date %(date)s is too far ahead.", date=day.isoformat())
            )
            return None
        return day

    def word(self, r: CaseRow, key: str, cell, vocabulary: Vocabulary):
        text = self.text(cell)
        if not text:
            return None
        member = vocabulary.read(text)
        if member is None:
            self.problem(
                r.row,
                key,
                _l(
                    "“%(text)s” is not known here. Write one of: %(words)s.",
                    text=text,
                    words=vocabulary.labels(),
                ),
            )
        return member

    # ---- lookups -------------------------------------------------------------------------
    def in_area(self, code: str) -> bool:
        return self.area is None or self.area[0] <= code < self.area[1]

    def region(self, r: CaseRow, code_cell, name_cell) -> Region | None:
        code = self.text(code_cell)
        name = re.sub(r"\s", "", self.text(name_cell))
        if code:
            if code not in self.regions:
                self.regions[code] = db.session.scalar(sa.select(Region).where(Region.code == code))
            region = self.regions[code]
            if region is None:
                self.problem(
                    r.row, "region_code", _l("No region has the code %(code)s.", code=code)
                )
                return None
        elif name:
            matches = self._regions_named(name)
            if len(matches) != 1:
                message = (
                    _l("No region is called %(name)s: write its code.", name=name)
                    if not matches
                    else _l("Several regions are called %(name)s: write its code.", name=name)
                )
                self.problem(r.row, "place", message)
                return None
            region = matches[0]
        else:
            self.problem(r.row, "region_code", _l("Give the place: its code or its name."))
            return None
        if region.county_code is None:
            self.problem(
                r.row, "region_code", _l("The place must be a county or a region inside one.")
            )
            return None
        if not self.in_area(region.code):
            self.problem(r.row, "region_code", _l("This place is outside your area."))
            return None
        return region

    def _regions_named(self, name: str) -> list[Region]:
        """Regions by their name from the county down (公安县埠河镇新民村) or their own name,
        read once for the whole file."""
        if self.region_names is None:
            stmt = sa.select(Region)
            if self.area is not None:
                stmt = stmt.where(Region.code >= self.area[0], Region.code < self.area[1])
            everything = {r.id: r for r in db.session.scalars(stmt)}
            names: dict[str, list[Region]] = {}
            for region in everything.values():
                parts, node = [], region
                while node is not None:
                    parts.append(node.name)
                    if len(node.code) <= 6:
                        break
                    node = everything.get(node.parent_id) or node.parent
                for key in {"".join(reversed(parts)), region.name}:
                    names.setdefault(key, []).append(region)
            self.region_names = names
        return self.region_names.get(name, [])

    def organisation(
        self, r: CaseRow, cell, *, key: str = "organisation", mediating: bool = True
    ) -> Organisation | None:
        """The organisation named exactly, inside the area (the handling one must mediate;
        the one a case was registered at may be any: a centre's desk)."""
        name = self.text(cell)
        if not name:
            return None
        if self.organisations is None:
            self.organisations = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
        found = self.organisations.get(name)
        if found is None:
            self.problem(r.row, key, _l("No organisation is called %(name)s.", name=name))
        elif mediating and not found.mediates:
            self.problem(r.row, key, _l("%(name)s does not mediate cases.", name=name))
        elif not self.in_area(found.region.code):
            self.problem(r.row, key, _l("%(name)s is outside your area.", name=name))
        else:
            return found
        return None

    # ---- parties -------------------------------------------------------------------------
    def parties(self, r: CaseRow, role: str, names_cell, ids_cell, phones_cell) -> list[PartyRow]:
        names = [n for n in split_list(self.text(names_cell))]
        ids = split_list(self.text(ids_cell))
        phones = split_list(self.text(phones_cell))
        if any(not n for n in names):
            self.problem(r.row, role + "s", _l("A name in this list is empty."))
        if len(names) > MAX_PARTIES_PER_SIDE:
            self.problem(r.row, role + "s", _l("At most %(n)s names.", n=MAX_PARTIES_PER_SIDE))
        if any(len(n) > 128 for n in names):
            self.problem(r.row, role + "s", _l("A name is longer than 128 characters."))
        for key, values in ((role + "_ids", ids), (role + "_phones", phones)):
            if len(values) > len(names):
                self.problem(
                    r.row,
                    key,
                    _l("More values than names: give them in the order of the names."),
                )
        out = [PartyRow(name=n) for n in names if n]
        for party, value in zip(out, ids, strict=False):
            self._identifier(r, role + "_ids", party, value)
        for party, value in zip(out, phones, strict=False):
            self._phone(r, role + "_phones", party, value)
        return out

    def _masked(self, r: CaseRow, key: str, value: str) -> bool:
        if _MASKED.search(value):
            self.problem(
                r.row,
                key,
                _l("%(value)s is masked: imported without it.", value=value),
                warning=True,
            )
            return True
        return False

    def _identifier(self, r: CaseRow, key: str, party: PartyRow, value: str) -> None:
        if not value or self._masked(r, key, value):
            return
        try:
            party.id_number = normalise_id_number(value)
            return
        except IdentifierError:
            pass
        try:
            party.credit_code = normalise_credit_code(value)
        except IdentifierError:
            self.problem(
                r.row,
                key,
                _l(
                    "%(value)s is neither a resident ID number nor a unified social credit code.",
                    value=value,
                ),
            )

    def _phone(self, r: CaseRow, key: str, party: PartyRow, value: str) -> None:
        if not value or self._masked(r, key, value):
            return
        try:
            normalise_phone(value)
        except IdentifierError:
            self.problem(r.row, key, _l("%(value)s is not a phone number.", value=value))
            return
        if len(value) > 32:
            self.problem(r.row, key, _l("%(value)s is not a phone number.", value=value))
            return
        party.phone = value

    # ---- one row -------------------------------------------------------------------------
    def read(self, number: int, cells: dict[str, object]) -> CaseRow:
        r = CaseRow(row=number)
        cell = cells.get
        r.number = self._number(r, cell("number"))
        r.registered_on = self.date(r, "registered_on", cell("registered_on"))
        if r.registered_on is None and not self.text(cell("registered_on")):
            self.problem(r.row, "registered_on", _l("Give the date of registration."))
        r.accepted_on = self.date(r, "accepted_on", cell("accepted_on"))
        r.source = self.word(r, "source", cell("source"), self.words["source"])
        if r.source is None and not self.text(cell("source")):
            self.problem(r.row, "source", _l("Give the source of the case."))
        r.channel = self.word(r, "channel", cell("channel"), self.words["channel"])
        if r.channel is None and r.source is not None:
            r.channel = DEFAULT_CHANNEL.get(r.source, Channel.REFERRAL)
        r.dispute_type = self._type(r, cell("type_code"), cell("type_name"))
        r.summary = self.text(cell("summary"))
        if len(r.summary) > MAX_SUMMARY:
            self.problem(r.row, "summary", _l("At most %(n)s characters.", n=MAX_SUMMARY))
        r.applicants = self.parties(
            r, "applicant", cell("applicants"), cell("applicant_ids"), cell("applicant_phones")
        )
        r.respondents = self.parties(
            r, "respondent", cell("respondents"), cell("respondent_ids"), cell("respondent_phones")
        )
        if not r.applicants and not r.respondents:
            self.problem(r.row, "respondents", _l("Name at least one party."))
        r.region = self.region(r, cell("region_code"), cell("place"))
        r.organisation = self.organisation(r, cell("organisation"))
        r.intake_organisation = self.organisation(
            r, cell("intake_organisation"), key="intake_organisation", mediating=False
        )
        r.mediator = self.text(cell("mediator"))
        if len(r.mediator) > 64:
            self.problem(r.row, "mediator", _l("A name is longer than 64 characters."))
        r.state = self.word(r, "state", cell("state"), self.words["state"])
        r.outcome = self._outcome(r, cell("outcome"), cell("agreement_form"))
        r.outcome_on = self.date(r, "outcome_on", cell("outcome_on"))
        r.amount = self._amount(r, cell("amount"))
        r.confirmation = self.word(
            r, "confirmation", cell("confirmation"), self.words["confirmation"]
        )
        r.confirmed_on = self.date(r, "confirmed_on", cell("confirmed_on"))
        r.follow_up_due = self.date(r, "follow_up_due", cell("follow_up_due"), future=True)
        r.follow_up_on = self.date(r, "follow_up_on", cell("follow_up_on"))
        r.performance = self.word(r, "performance", cell("performance"), self.words["performance"])
        self._consistent(r, cells)
        return r

    def _number(self, r: CaseRow, cell) -> str:
        typed = self.text(cell)
        number = re.sub(r"\s", "", unicodedata.normalize("NFKC", typed))
        if not number:
            self.problem(r.row, "number", _l("Give the case number."))
        elif (
            len(number) > NUMBER_LENGTH
            or not _NUMBER.match(number)
            or not any(ch.isdigit() for ch in number)
        ):
            self.problem(
                r.row,
                "number",
                _l(
                    "%(number)s is not a case number: at most %(n)s letters, digits and "
                    "brackets, with at least one digit.",
                    number=typed[:40],
                    n=NUMBER_LENGTH,
                ),
            )
        else:
            return normalise_case_number(number) or number
        return ""

    def _type(self, r: CaseRow, code_cell, name_cell):
        vocabulary = self.words["type"]
        code, name = self.text(code_cell), self.text(name_cell)
        by_code = vocabulary.read(code) if code else None
        by_name = vocabulary.read(name) if name else None
        if code and by_code is None:
            self.problem(
                r.row, "type_code", _l("%(code)s is not a national dispute type code.", code=code)
            )
        if name and by_name is None:
            self.problem(
                r.row,
                "type_name",
                _l(
                    "“%(text)s” is not known here. Write one of: %(words)s.",
                    text=name,
                    words=vocabulary.labels(),
                ),
            )
        if by_code and by_name and by_code != by_name:
            self.problem(r.row, "type_name", _l("The type's code and name do not agree."))
        if not code and not name:
            self.problem(r.row, "type_code", _l("Give the dispute type (its code or name)."))
        return by_code or by_name

    def _outcome(self, r: CaseRow, outcome_cell, form_cell) -> ClosureReason | None:
        form = self.word(r, "agreement_form", form_cell, self.words["agreement_form"])
        r.agreement_form = form
        text = self.text(outcome_cell)
        if not text:
            if form is not None:
                self.problem(r.row, "agreement_form", _l("An agreement form without an agreement."))
            return None
        if re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).lower() in AGREEMENT_WORDS:
            if form is None:
                self.problem(
                    r.row, "agreement_form", _l("Say whether the agreement is written or oral.")
                )
                return None
            outcome = (
                ClosureReason.AGREEMENT_WRITTEN
                if form == AgreementKind.WRITTEN
                else ClosureReason.AGREEMENT_ORAL
            )
        else:
            outcome = self.word(r, "outcome", outcome_cell, self.words["outcome"])
            if outcome is None:
                return None
        kind = {
            ClosureReason.AGREEMENT_WRITTEN: AgreementKind.WRITTEN,
            ClosureReason.AGREEMENT_ORAL: AgreementKind.ORAL,
        }.get(outcome)
        if form is not None and kind != form:
            self.problem(
                r.row, "agreement_form", _l("The agreement form does not match the outcome.")
            )
        r.agreement_form = kind
        return outcome

    def _amount(self, r: CaseRow, cell) -> Decimal | None:
        if cell is None or cell == "":
            return None
        if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
            text = str(cell)
        else:
            text = unicodedata.normalize("NFKC", self.text(cell))
            text = text.replace(",", "").replace(" ", "").removesuffix(FORMAT["yuan"])
        if not text:
            return None
        scale = Decimal(1)
        if text.endswith(FORMAT["ten_thousand"]):  # 2.5万: 25 000 yuan
            text, scale = text[:-1], Decimal(10_000)
        try:
            amount = (Decimal(text) * scale).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            self.problem(r.row, "amount", _l("Not an amount in yuan: %(text)s.", text=text[:40]))
            return None
        return amount

    def _consistent(self, r: CaseRow, cells: dict[str, object]) -> None:
        """The dates in order, and the state, outcome and aftercare agreeing."""
        given = {k for k, v in cells.items() if self.text(v)}
        # The state: as written, or what the outcome gives.
        if r.state is None and "state" not in given:
            if r.outcome is not None:
                r.state = OUTCOME_STATE.get(r.outcome, CaseState.TERMINATED)
            elif r.organisation is not None:
                r.state = CaseState.MEDIATING if r.mediator else CaseState.DISPATCHED
            else:
                r.state = CaseState.ACCEPTED if r.accepted_on else CaseState.REGISTERED
        state = r.state
        if state is None:
            return
        closed = state in CLOSED_STATES
        if closed and r.outcome is None and "outcome" not in given:
            self.problem(r.row, "outcome", _l("An ended case needs its outcome."))
        if not closed and "outcome" in given:
            self.problem(r.row, "outcome", _l("An open case has no outcome yet."))
        if r.outcome is not None and state not in OUTCOME_STATES.get(r.outcome, _TERMINATED):
            self.problem(r.row, "state", _l("The state does not match the outcome."))
        if closed and r.outcome_on is None and "outcome_on" not in given:
            self.problem(r.row, "outcome_on", _l("Give the date the case ended."))
        if not closed and "outcome_on" in given:
            self.problem(r.row, "outcome_on", _l("An open case has no outcome date."))
        not_accepted = r.outcome == ClosureReason.NOT_ACCEPTED or state in (
            CaseState.REGISTERED,
            CaseState.NOT_ACCEPTED,
        )
        if not_accepted and "accepted_on" in given:
            self.problem(r.row, "accepted_on", _l("A case not accepted has no acceptance date."))
        needs_acceptance = not not_accepted and state != CaseState.MERGED
        if needs_acceptance and r.accepted_on is None and "accepted_on" not in given:
            self.problem(r.row, "accepted_on", _l("Give the date the case was accepted."))
        if state in _AT_COMMITTEE and r.organisation is None and "organisation" not in given:
            self.problem(r.row, "organisation", _l("Give the organisation handling the case."))
        if r.mediator and r.organisation is None and "organisation" not in given:
            self.problem(r.row, "mediator", _l("A mediator belongs to a handling organisation."))
        self._order(r)
        self._aftercare(r, closed, given)

    def _order(self, r: CaseRow) -> None:
        if r.registered_on and r.accepted_on and r.accepted_on < r.registered_on:
            self.problem(r.row, "accepted_on", _l("Accepted before it was registered."))
        start = r.accepted_on or r.registered_on
        if start and r.outcome_on and r.outcome_on < start:
            self.problem(r.row, "outcome_on", _l("Ended before it was accepted or registered."))
        if r.outcome_on:
            for key in ("confirmed_on", "follow_up_on", "follow_up_due"):
                value = getattr(r, key)
                if value and value < r.outcome_on:
                    self.problem(r.row, key, _l("This date is before the case ended."))

    def _aftercare(self, r: CaseRow, closed: bool, given: set[str]) -> None:
        agreement = r.agreement_form is not None
        if not agreement:
            for key in ("confirmation", "confirmed_on", "performance"):
                if key in given:
                    self.problem(r.row, key, _l("Only an agreement has this."))
        ruled = r.confirmation in (Ruling.CONFIRMED, Ruling.REJECTED)
        if ruled and r.confirmed_on is None and "confirmed_on" not in given:
            self.problem(r.row, "confirmed_on", _l("Give the date of the court's ruling."))
        unread = "confirmation" in given and r.confirmation is None  # reported already
        if r.confirmed_on and r.confirmation in (None, Ruling.PENDING) and not unread:
            self.problem(r.row, "confirmation", _l("A ruling date needs the court's ruling."))
        if (r.follow_up_on or r.follow_up_due) and not closed:
            self.problem(r.row, "follow_up_on", _l("Only an ended case is visited."))


def _cells(sheet: Sheet, cells: list) -> dict[str, object]:
    return {key: cells[i] for i, key in sheet.columns.items() if i < len(cells)}


def read_rows(sheet: Sheet, admin: User | None) -> tuple[list[CaseRow], list[LineError]]:
    """Every row of `sheet` read and checked (no write): the rows, and every problem."""
    reader = _Reader(admin)
    rows = [reader.read(number, _cells(sheet, cells)) for number, cells in sheet.rows]
    _duplicates(reader, rows)
    return rows, reader.problems


def _duplicates(reader: _Reader, rows: list[CaseRow]) -> None:
    """A number twice in the file, or already in the portal."""
    first: dict[str, int] = {}
    for r in rows:
        if not r.number:
            continue
        if r.number in first:
            reader.problem(
                r.row,
                "number",
                _l("%(number)s is also in row %(row)s.", number=r.number, row=first[r.number]),
            )
        else:
            first[r.number] = r.row
    numbers = sorted(first)
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for taken in db.session.scalars(sa.select(Case.number).where(Case.number.in_(chunk))):
            reader.problem(
                first[taken],
                "number",
                _l("A case numbered %(number)s is already in the portal.", number=taken),
            )
