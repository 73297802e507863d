"""The ledger's columns and the words its vocabulary columns accept.

A ledger is a file format: bureaus keep it in spreadsheets for years, and the import reads back
what the export wrote, in either language. So the column headers are fixed words in Chinese and
English, kept as data (data/ledger/ledger.json), not translations that could change under a
file already written; the import recognises both. A vocabulary cell (source, type, state,
outcome...) is written as the label in the exporting user's language and read back from the
stored value, the English label, the Chinese label or a word old ledgers commonly use for it
(the same file's synonyms: "dispute mediated successfully", "entrusted by the court"...).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask_babel import force_locale, get_locale

from models.enums import (
    AgreementKind,
    Channel,
    ClosureReason,
    DisputeType,
    Performance,
    Ruling,
    Source,
)
from models.states import CaseState


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: int  # in characters, for the XLSX sheet
    kind: str = "text"  # text, date, amount

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


FORMAT = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "ledger" / "ledger.json").read_text("utf-8")
)
COLUMNS: tuple[Column, ...] = tuple(Column(**c) for c in FORMAT["columns"])
BY_KEY = {c.key: c for c in COLUMNS}

# The columns holding personal identifiers: masked unless the viewer may reveal them.
PII_COLUMNS = frozenset(
    {"applicant_ids", "applicant_phones", "respondent_ids", "respondent_phones"}
)
# Several parties in one cell: names, and their ID numbers and phones in the same order.
LIST_SEPARATOR = "、"
_SPLIT = re.compile(r"[、，;；\n]")


def split_list(value: str) -> list[str]:
    """The items of a list cell, in order, blanks kept in place (a party without a phone)."""
    if not value.strip():
        return []
    return [item.strip() for item in _SPLIT.split(value)]


def join_list(items: Iterable[str | None]) -> str:
    """A list cell: the items in order, an empty place for a missing one, or nothing at all."""
    items = [i or "" for i in items]
    return LIST_SEPARATOR.join(items) if any(items) else ""


def _norm(text: str) -> str:
    """Compared without spaces, case or full-width forms."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or "")).lower()


HEADERS = {_norm(h): c.key for c in COLUMNS for h in (c.zh, c.en)}


def column_for(header: str) -> str | None:
    """The column key a header cell names, in either language (None: not a ledger column)."""
    return HEADERS.get(_norm(header))


# ---- vocabularies ----------------------------------------------------------------------------

# Words old ledgers use (the national tables' own words, and the common short forms), by the
# vocabulary column they are read in.
SYNONYMS: dict[str, dict[str, str]] = FORMAT["synonyms"]
# An outcome cell that says "agreement" without saying which: the agreement form decides.
AGREEMENT_WORDS = frozenset(_norm(w) for w in FORMAT["agreement_words"])
# A dispute type's name may end in the word for "dispute" (邻里 or 邻里纠纷).
TYPE_SUFFIX = FORMAT["type_suffix"]


class Vocabulary:
    """Reads a vocabulary cell: the stored value, either language's label, or a synonym.
    Built once per import (the labels come from the message catalogue)."""

    def __init__(self, enum_cls, column: str, members: Iterable | None = None):
        self.enum_cls = enum_cls
        self.members = list(members if members is not None else enum_cls)
        self.words: dict[str, object] = {}
        for lang in ("en", "zh_Hans"):
            with force_locale(lang):
                for m in self.members:
                    self.words.setdefault(_norm(str(m.label)), m)
        for m in self.members:
            self.words.setdefault(_norm(m.value), m)
        for word, value in SYNONYMS.get(column, {}).items():
            member = enum_cls(value)
            if member in self.members:
                self.words.setdefault(_norm(word), member)

    def read(self, text: str):
        """The member `text` names, or None."""
        return self.words.get(_norm(text))

    def labels(self) -> str:
        """The labels in the current language, for a message listing what is accepted."""
        locale = get_locale()
        separator = "、" if locale is not None and locale.language == "zh" else ", "
        return separator.join(str(m.label) for m in self.members)


class TypeVocabulary(Vocabulary):
    """Dispute types: the national code, or the name with or without the word for dispute."""

    def __init__(self):
        super().__init__(DisputeType, "type")
        for word, m in list(self.words.items()):
            self.words.setdefault(word + TYPE_SUFFIX, m)


def vocabularies() -> dict[str, Vocabulary]:
    """The vocabulary of each vocabulary column."""
    return {
        "channel": Vocabulary(Channel, "channel"),
        "source": Vocabulary(Source, "source"),
        "type": TypeVocabulary(),
        "state": Vocabulary(CaseState, "state"),
        "outcome": Vocabulary(ClosureReason, "outcome"),
        "agreement_form": Vocabulary(AgreementKind, "agreement_form"),
        "confirmation": Vocabulary(Ruling, "confirmation"),
        "performance": Vocabulary(Performance, "performance"),
    }
