"""Finding people and cases: staff search their area by case number, party name, phone or ID
number, with results inside the one scoping rule (domain.permissions.case_scope).

How each kind is looked up, so that a search costs the same at 1 000 and at 100 000 cases:

- case number: the whole number (the unique index), or its beginning as a half-open range on
  the same index, exactly as the oversight list does;
- phone and ID number: normalised with the very functions the desk's repeat-visitor lookup
  uses (domain.identity, domain.people) and compared with the indexed normalised copies
  party.phone_norm / party.id_number_norm: equality only, never a partial number;
- name: three or more characters are found anywhere in the name through a trigram index
  (models/search.py: pg_trgm's GIN index on PostgreSQL, the FTS5 trigram table on SQLite).
  One or two characters match the BEGINNING of the name (a surname, or a surname and the first
  given character): a trigram index cannot find text shorter than three characters inside a
  name (SQLite's trigram tokenizer finds nothing at all, and pg_trgm would read its whole
  index), while a beginning is an index range on SQLite and anchored trigrams on PostgreSQL.
  Latin letters match whatever their case, and full-width letters and digits (ＡＢＣ, 第１)
  and ordinary ones find each other, in the query and in the stored name.

Results are cases, newest first (by number for a number search), one row per case with the
party that matched; the view pages them by keyset (blueprints/pagination.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import product

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from domain.codes import normalise_case_number, normalise_number_prefix
from domain.errors import DomainError
from domain.identity import IdentifierError, normalise_id_number, normalise_phone
from domain.permissions import case_scope
from extensions import db
from models import Case, Party, User, code_range
from models.enums import LabelledEnum, PartyRole
from models.search import name_fts

MAX_QUERY_LENGTH = 64  # longer than any name, number or identifier anyone types
TRIGRAM = 3  # the shortest text a trigram index finds inside a name
_TOP = "\U0010ffff"  # above every character: the end of a "begins with" range


class SearchKind(LabelledEnum):
    NUMBER = "number"
    NAME = "name"
    PHONE = "phone"
    ID_NUMBER = "id_number"

    @classmethod
    def _labels(cls):
        return {
            cls.NUMBER: _l("Case number"),
            cls.NAME: _l("Name"),
            cls.PHONE: _l("Phone"),
            cls.ID_NUMBER: _l("ID number"),
        }


# What must never appear in a URL or a log line (access logs keep URLs).
PRIVATE_KINDS = frozenset({SearchKind.PHONE, SearchKind.ID_NUMBER})


class SearchRefused(DomainError):
    """What was typed cannot be searched as the kind asked for (the message says why)."""

    message = _l("Type a case number, a name, a phone or an ID number.")


@dataclass(frozen=True)
class SearchQuery:
    """A search ready to run. `text` is what is compared: the whole case number or its
    beginning, the name as cleaned, the phone in E.164, the ID number in its compact form."""

    kind: SearchKind
    text: str
    exact: bool = False  # a whole case number

    @property
    def private(self) -> bool:
        return self.kind in PRIVATE_KINDS


# ---- reading what was typed ---------------------------------------------------------------


def clean(text: str | None) -> str:
    """Full-width forms folded (NFKC), control and invisible format characters dropped (a NUL
    byte would be refused by PostgreSQL), runs of spaces made one, ends trimmed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


_ID_RE = re.compile(r"\d{17}[\dXx]")
# Mobile (11 digits from 1), a landline with its area code (from 0), or international (+).
_PHONE_RE = re.compile(r"(?:\+|00)\d{7,15}|0\d{9,11}|1\d{10}")
_NUMBERISH_RE = re.compile(r"[\d\-_—–]+")


def detect_kind(text: str) -> SearchKind:
    """The kind of what was typed, when the user left it to us: an ID number (18 characters),
    a phone (a mobile, or a landline with its area code), anything else made of digits and
    dashes is a case number or its beginning, and the rest a name."""
    compact = re.sub(r"[\s\-()（）]", "", clean(text))
    if _ID_RE.fullmatch(compact):
        return SearchKind.ID_NUMBER
    if _PHONE_RE.fullmatch(compact):
        return SearchKind.PHONE
    if _NUMBERISH_RE.fullmatch(clean(text).replace(" ", "")):
        return SearchKind.NUMBER
    return SearchKind.NAME


# A case number or its beginning: 2026, 2026-4210, 2026-421022-0001 (after normalising).
_CASE_NUMBER_SHAPE = re.compile(r"20\d\d(?:-\d{0,6}(?:-\d{0,6})?)?")
URL_DIGITS = 6  # more digits than this in a text that is not a case number may be a phone


def fits_in_url(text: str | None) -> bool:
    """Whether `text` may be put into a URL (and so into access logs). Never a phone or an ID
    number, however typed ("138.1234.5678", "王 13812345678", a number one digit short): a text
    with more than six digits goes into a URL only in the shape of a case number or its
    beginning (no phone in China starts with 20; an ID number is longer)."""
    cleaned = clean(text)
    if len(re.sub(r"\D", "", cleaned)) <= URL_DIGITS:
        return True
    return bool(_CASE_NUMBER_SHAPE.fullmatch(normalise_number_prefix(cleaned)))


def parse_query(text: str | None, kind: SearchKind | None = None) -> SearchQuery:
    """Read what was typed as a search of `kind` (detected when None). Raises SearchRefused
    (field "q") when it is empty, too long, or not a valid phone or ID number."""
    cleaned = clean(text)
    if not cleaned:
        raise SearchRefused(field="q")
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise SearchRefused(_l("Type at most %(num)s characters.", num=MAX_QUERY_LENGTH), field="q")
    kind = kind or detect_kind(cleaned)
    if kind == SearchKind.NUMBER:
        exact = normalise_case_number(cleaned)
        if exact:
            return SearchQuery(kind, exact, exact=True)
        prefix = normalise_number_prefix(cleaned)
        if not _NUMBERISH_RE.fullmatch(prefix):
            raise SearchRefused(
                _l("A case number has only digits and dashes, e.g. 2026-421022-000123."),
                field="q",
            )
        return SearchQuery(kind, prefix)
    if kind in PRIVATE_KINDS:
        normalise = normalise_phone if kind == SearchKind.PHONE else normalise_id_number
        try:
            return SearchQuery(kind, normalise(cleaned))
        except IdentifierError as error:
            raise SearchRefused(error.message, field="q") from None
    return SearchQuery(SearchKind.NAME, cleaned)


# ---- the search itself ---------------------------------------------------------------------


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(text: str) -> str:
    """An FTS5 string: inside double quotes every character is literal (a double quote is
    written twice), so operators, wildcards and column filters typed by the user mean nothing."""
    return '"' + text.replace('"', '""') + '"'


def _widths(text: str) -> list[str]:
    """`text` (already folded to ordinary forms) and, when it holds ASCII letters, digits or
    signs, the same with those in their full-width forms: names are stored as typed, and a
    Chinese keyboard may have typed ＡＢＣ or 第１. Both are looked up."""
    wide = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)
    return [text] if wide == text else [text, wide]


def _case_variants(text: str) -> list[str]:
    """Each way of writing the (at most two) letters of `text` in upper or lower case."""
    options = [
        sorted({ch.lower(), ch.upper()}) if len(ch.lower()) == len(ch.upper()) == 1 else [ch]
        for ch in text
    ]
    return ["".join(chars) for chars in product(*options)]


def name_condition(name: str) -> sa.ColumnElement[bool]:
    """Parties whose name contains `name` (three or more characters) or begins with it (one or
    two), in ordinary or full-width forms, read through the trigram index of each database
    (see the module docstring)."""
    dialect = db.session.get_bind().dialect.name
    forms = _widths(name)
    if dialect == "sqlite":
        if len(name) >= TRIGRAM:
            phrases = " OR ".join(_fts_phrase(form) for form in forms)
            return Party.id.in_(sa.select(name_fts.c.rowid).where(name_fts.c.name.match(phrases)))
        return sa.or_(
            *[
                sa.and_(Party.name >= v, Party.name < v + _TOP)
                for form in forms
                for v in _case_variants(form)
            ]
        )
    anywhere = "%" if len(name) >= TRIGRAM else ""
    return sa.or_(
        *[Party.name.ilike(anywhere + _escape_like(form) + "%", escape="\\") for form in forms]
    )


def party_condition(query: SearchQuery) -> sa.ColumnElement[bool]:
    if query.kind == SearchKind.PHONE:
        return Party.phone_norm == query.text
    if query.kind == SearchKind.ID_NUMBER:
        return Party.id_number_norm == query.text
    return name_condition(query.text)


def found_condition(query: SearchQuery) -> sa.ColumnElement[bool]:
    """Cases matching `query` (not yet scoped)."""
    if query.kind == SearchKind.NUMBER:
        if query.exact:
            return Case.number == query.text
        low, high = code_range(query.text)
        return sa.and_(Case.number >= low, Case.number < high)
    return Case.id.in_(sa.select(Party.case_id).where(party_condition(query)))


def cases_found(user: User, query: SearchQuery) -> sa.Select:
    """The cases `user` may see that match `query`, unordered (the caller pages them)."""
    return sa.select(Case).where(case_scope(user), found_condition(query))


def count_found(user: User, query: SearchQuery) -> int | None:
    """How many cases match, where that is cheap: a person's cases by phone or ID number (an
    equality on an indexed column, a handful of rows). None for names and number prefixes,
    which can match thousands of cases: counting them would read them all."""
    if not query.private:
        return None
    stmt = sa.select(sa.func.count(Case.id)).where(case_scope(user), found_condition(query))
    return db.session.scalar(stmt)


def matching_party(case: Case, query: SearchQuery) -> Party | None:
    """The party of `case` to show on its result row: the first whose name, phone or ID number
    matched (by the same rules as the index), else the first applicant (a number search)."""
    parties = case.parties
    if query.kind == SearchKind.PHONE:
        hits = [p for p in parties if p.phone_norm == query.text]
    elif query.kind == SearchKind.ID_NUMBER:
        hits = [p for p in parties if p.id_number_norm == query.text]
    elif query.kind == SearchKind.NAME:
        wanted = query.text.casefold()
        names = {p.id: unicodedata.normalize("NFKC", p.name).casefold() for p in parties}
        if len(wanted) >= TRIGRAM:
            hits = [p for p in parties if wanted in names[p.id]]
        else:
            hits = [p for p in parties if names[p.id].startswith(wanted)]
    else:
        hits = []
    if hits:
        return hits[0]
    applicants = [p for p in parties if p.role == PartyRole.APPLICANT]
    return (applicants or parties or [None])[0]


def ordering(query: SearchQuery) -> tuple[list, list[type], Callable[[Case], list]]:
    """How results are ordered and paged (columns, their types, a row's key): by number for a
    number search (numbers grow with time within a year and county, and the unique index
    gives them in order), otherwise newest first."""
    if query.kind == SearchKind.NUMBER:
        return [Case.number], [str], lambda c: [c.number]
    return [Case.created_at, Case.id], [datetime, int], lambda c: [c.created_at, c.id]
