"""The ledger's columns and the words its vocabulary columns accept.

A ledger is a file format: bureaus keep it in spreadsheets for years, and the import reads back
what the export wrote, in either language. So the column headers are fixed words in Chinese and
English, written here, not translations that could change under a file already written; the
import recognises both. A vocabulary cell (source, type, state, outcome...) is written as the
label in the exporting user's language and read back from the stored value, the English label,
the Chinese label or a word old ledgers commonly use for it (调解成功, 法院委托...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import force_locale

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


COLUMNS: tuple[Column, ...] = (
    Column("number", "案件编号", "Case number", 22),
    Column("registered_on", "登记日期", "Registered on", 12, "date"),
    Column("accepted_on", "受理日期", "Accepted on", 12, "date"),
    Column("channel", "登记方式", "Channel", 12),
    Column("source", "案件来源", "Source", 18),
    Column("type_code", "纠纷类型代码", "Dispute type code", 10),
    Column("type_name", "纠纷类型", "Dispute type", 16),
    Column("summary", "简要案情", "Summary", 40),
    Column("applicants", "申请人", "Applicants", 18),
    Column("applicant_ids", "申请人身份证号码", "Applicants' ID numbers", 22),
    Column("applicant_phones", "申请人联系电话", "Applicants' phones", 16),
    Column("respondents", "被申请人", "Respondents", 18),
    Column("respondent_ids", "被申请人身份证号码", "Respondents' ID numbers", 22),
    Column("respondent_phones", "被申请人联系电话", "Respondents' phones", 16),
    Column("region_code", "纠纷发生地代码", "Place code", 15),
    Column("place", "纠纷发生地", "Place", 24),
    Column("intake_organisation", "登记单位", "Registered at", 24),
    Column("organisation", "承办组织", "Handling organisation", 28),
    Column("mediator", "调解员", "Mediator", 10),
    Column("state", "案件状态", "State", 16),
    Column("outcome", "调解结果", "Outcome", 18),
    Column("outcome_on", "结案日期", "Outcome date", 12, "date"),
    Column("agreement_form", "协议形式", "Agreement form", 14),
    Column("amount", "涉及金额（元）", "Amount (yuan)", 14, "amount"),
    Column("confirmation", "司法确认", "Judicial confirmation", 14),
    Column("confirmed_on", "司法确认日期", "Confirmation date", 12, "date"),
    Column("follow_up_due", "回访期限", "Follow-up due", 12, "date"),
    Column("follow_up_on", "回访日期", "Follow-up visited on", 12, "date"),
    Column("performance", "履行情况", "Performance", 14),
)
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

# Words old ledgers use (the national tables' own words, and the common short forms).
SYNONYMS: dict[type, dict[str, object]] = {
    Source: {
        "申请调解": Source.APPLICATION,
        "当事人申请": Source.APPLICATION,
        "主动调解": Source.INITIATIVE,
        "法院委托": Source.COURT,
        "法院委派": Source.COURT,
        "诉调对接": Source.COURT,
        "公安移交": Source.POLICE,
        "警调对接": Source.POLICE,
        "信访调处": Source.PETITION,
        "信访移交": Source.PETITION,
        "访调对接": Source.PETITION,
        "部门移送": Source.GOVERNMENT,
    },
    Channel: {"来电": Channel.PHONE, "电话": Channel.PHONE, "网上": Channel.ONLINE},
    CaseState: {
        "中止": CaseState.SUSPENDED,
        "中止调解": CaseState.SUSPENDED,
        "归档": CaseState.ARCHIVED,
        "终止": CaseState.TERMINATED,
        "终止调解": CaseState.TERMINATED,
    },
    ClosureReason: {
        "书面协议": ClosureReason.AGREEMENT_WRITTEN,
        "口头协议": ClosureReason.AGREEMENT_ORAL,
        "调解不成功": ClosureReason.FAILED,
        "调解失败": ClosureReason.FAILED,
        "撤回申请": ClosureReason.PARTY_WITHDREW,
    },
    AgreementKind: {"书面": AgreementKind.WRITTEN, "口头": AgreementKind.ORAL},
    Ruling: {"已确认": Ruling.CONFIRMED, "确认": Ruling.CONFIRMED, "驳回": Ruling.REJECTED},
    Performance: {"履行完毕": Performance.PERFORMED, "已履行完毕": Performance.PERFORMED},
}
# An outcome cell that says "agreement" without saying which: the agreement form decides.
AGREEMENT_WORDS = frozenset({_norm(w) for w in ("调解成功", "成功", "达成协议", "agreement")})


class Vocabulary:
    """Reads a vocabulary cell: the stored value, either language's label, or a synonym.
    Built once per import (the labels come from the message catalogue)."""

    def __init__(self, enum_cls, members: Iterable | None = None):
        self.enum_cls = enum_cls
        self.members = list(members if members is not None else enum_cls)
        self.words: dict[str, object] = {}
        for lang in ("en", "zh_Hans"):
            with force_locale(lang):
                for m in self.members:
                    self.words.setdefault(_norm(str(m.label)), m)
        for m in self.members:
            self.words.setdefault(_norm(m.value), m)
        for word, m in SYNONYMS.get(enum_cls, {}).items():
            if m in self.members:
                self.words.setdefault(_norm(word), m)

    def read(self, text: str):
        """The member `text` names, or None."""
        return self.words.get(_norm(text))

    def labels(self) -> str:
        """The labels in the current language, for a message listing what is accepted."""
        words = [str(m.label) for m in self.members]
        return ("、" if any("\u4e00" <= ch <= "\u9fff" for ch in words[0]) else ", ").join(words)


class TypeVocabulary(Vocabulary):
    """Dispute types: the national code, or the name with or without the word 纠纷."""

    def __init__(self):
        super().__init__(DisputeType)
        for word, m in list(self.words.items()):
            self.words.setdefault(word + "纠纷", m)


def vocabularies() -> dict[str, Vocabulary]:
    """The vocabulary of each vocabulary column."""
    return {
        "channel": Vocabulary(Channel),
        "source": Vocabulary(Source),
        "type": TypeVocabulary(),
        "state": Vocabulary(CaseState),
        "outcome": Vocabulary(ClosureReason),
        "agreement_form": Vocabulary(AgreementKind),
        "confirmation": Vocabulary(Ruling),
        "performance": Vocabulary(Performance),
    }
