"""Whether a court can confirm the agreement (CPL Arts. 205-206): what is checked before the
parties' joint application for judicial confirmation is recorded.

- A party disputes a term (recorded on the term's performance, PML Art. 32): the application
  is joint, so it is refused until the dispute is settled.
- Matters a court does not accept for confirmation (SPC-2011 Art. 4; CPL Interpretation
  Art. 355) or refuses to confirm (SPC-2011 Art. 7; CPL Interpretation Art. 358): status
  relations (marriage, adoption, parent and child, guardianship); ownership of property or
  intellectual property (确权); bankruptcy, public summons and other special procedures; the
  interests of the state, the public or people who are not parties.

They are found from the case's national dispute type, its third parties and words in the
agreement's terms. Words are a heuristic: a term that *mentions* a marriage or a house may
well be confirmable (support money, a repair), so such a finding is a warning that whoever
records the application must clear by confirming that the terms do not concern the matter.
A term that itself settles a status relation ("双方同意离婚", "解除收养关系", "确认亲子关系")
cannot be confirmed by any court and is refused, unless the same clause says it has already
happened ("双方已于…协议离婚，现就…"), which makes it a statement of fact and a warning.
No national dispute type is by itself excluded: 婚姻家庭 covers support and inheritance,
which courts confirm, so the type raises a warning, never a refusal.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from domain.states import Action
from models import Case
from models.enums import DisputeType, PartyRole, Performance


class Bar(enum.StrEnum):
    """A matter a court will not confirm an agreement on."""

    STATUS = "status"
    OWNERSHIP = "ownership"
    SPECIAL_PROCEDURE = "special_procedure"
    OTHERS = "others"

    @property
    def label(self):  # noqa: ANN201 - a LazyString
        return BAR_LABELS[self]

    @property
    def why(self):  # noqa: ANN201
        return BAR_WHY[self]


BAR_LABELS = {
    Bar.STATUS: _l("Status relations: marriage, adoption, parent and child, guardianship"),
    Bar.OWNERSHIP: _l("Ownership of property or intellectual property"),
    Bar.SPECIAL_PROCEDURE: _l("Bankruptcy, public summons or another special procedure"),
    Bar.OTHERS: _l("The interests of the state, the public or people who are not parties"),
}
BAR_WHY = {
    Bar.STATUS: _l(
        "A court does not confirm an agreement that confirms, changes or ends a marriage, an "
        "adoption, a parent-child relation or a guardianship (SPC-2011 Art. 4; CPL "
        "Interpretation Art. 355): such a status is settled by registration or by a "
        "judgment. Support, care and money between family members can be confirmed."
    ),
    Bar.OWNERSHIP: _l(
        "A court does not confirm an agreement whose content decides who owns a thing or a "
        "right: title to a house, land use or contract rights, forest rights, a patent, a "
        "trade mark or a copyright (CPL Interpretation Art. 355). An agreement to pay, hand "
        "over, repair or stop doing something can be confirmed."
    ),
    Bar.SPECIAL_PROCEDURE: _l(
        "Bankruptcy, public summons and the other special procedures (declaring a person "
        "missing or dead, incapacity, ownerless property) decide these matters themselves; "
        "a court does not confirm an agreement on them (CPL Interpretation Art. 355)."
    ),
    Bar.OTHERS: _l(
        "A court refuses to confirm an agreement that harms the interests of the state, the "
        "public or someone who is not a party, for example one that disposes of collective "
        "or state land or of another person's property (SPC-2011 Art. 7; CPL Interpretation "
        "Art. 358)."
    ),
}

# The national dispute types whose agreements often touch a bar: a warning to check the terms.
TYPE_BARS = {
    DisputeType.HYJT: (Bar.STATUS,),
    DisputeType.FWZJD: (Bar.OWNERSHIP,),
    DisputeType.SLTD: (Bar.OWNERSHIP,),
    DisputeType.ZDCQ: (Bar.OWNERSHIP, Bar.OTHERS),
    DisputeType.HJWR: (Bar.OTHERS,),
}

# The words and phrases are data (data/judicial_confirmation.json): a bar's words in a term are
# a warning; a phrase that itself settles a status relation is a refusal.
WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "judicial_confirmation.json"


@functools.cache
def _vocabulary() -> dict:
    raw = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    return {
        "words": {Bar(k): re.compile(v) for k, v in raw["words"].items()},
        "settles_status": re.compile("|".join(raw["settles_status"])),
        "already": raw["already"],
        "clause_break": re.compile(raw["clause_break"]),
    }


@dataclass(frozen=True)
class Finding:
    """One reason a bar may apply: the dispute type, the case's third parties, or a term
    (numbered from 1) with the words found in it."""

    bar: Bar
    source: str  # "type", "parties" or "term"
    term: int | None = None
    words: tuple[str, ...] = ()
    hard: bool = False


@dataclass
class Check:
    """What stands in the way of a judicial confirmation of the case's agreement."""

    disputed: list[tuple[int, str, str | None]] = field(default_factory=list)  # n, term, note
    findings: list[Finding] = field(default_factory=list)

    @property
    def refusals(self) -> list[Finding]:
        return [f for f in self.findings if f.hard]

    @property
    def refused(self) -> bool:
        """Refused outright: a disputed term, or a term that settles a status relation."""
        return bool(self.disputed or self.refusals)

    @property
    def to_confirm(self) -> list[Bar]:
        """The bars the recorder must clear (in Bar order): found, but only as a warning."""
        found = {f.bar for f in self.findings if not f.hard}
        return [b for b in Bar if b in found]

    def by_bar(self) -> list[tuple[Bar, list[Finding]]]:
        return [(b, [f for f in self.findings if f.bar == b]) for b in Bar if self._has(b)]

    def _has(self, bar: Bar) -> bool:
        return any(f.bar == bar for f in self.findings)


def _already(text: str, start: int) -> bool:
    """Whether the clause before `start` says it has already happened (已, 已经, 已于…)."""
    vocabulary = _vocabulary()
    clause = vocabulary["clause_break"].split(text[:start])[-1]
    return vocabulary["already"] in clause


def _term_findings(number: int, text: str) -> list[Finding]:
    out = []
    vocabulary = _vocabulary()
    for match in vocabulary["settles_status"].finditer(text):
        hard = not _already(text, match.start())
        out.append(Finding(Bar.STATUS, "term", number, (match.group(0),), hard=hard))
    for bar, pattern in vocabulary["words"].items():
        words = tuple(dict.fromkeys(m.group(0) for m in pattern.finditer(text)))
        if words:
            out.append(Finding(bar, "term", number, words))
    return out


def _disputed(case: Case) -> list[tuple[int, str, str | None]]:
    """Terms whose performance a party disputes, with the latest note recorded about it."""
    agreement = case.agreement
    out = []
    for i, status in enumerate(agreement.performance or []):
        if status != Performance.DISPUTED.value or i >= len(agreement.terms):
            continue
        note = next(
            (
                e.note
                for e in reversed(case.events)
                if e.action == Action.RECORD_PERFORMANCE
                and (e.data or {}).get("term") == i + 1
                and (e.data or {}).get("status") == Performance.DISPUTED.value
            ),
            None,
        )
        out.append((i + 1, agreement.terms[i], note))
    return out


def check(case: Case) -> Check:
    """What a court's confirmation of the case's agreement would meet (an empty check when
    the case has no agreement)."""
    result = Check()
    agreement = case.agreement
    if agreement is None:
        return result
    result.disputed = _disputed(case)
    result.findings += [Finding(bar, "type") for bar in TYPE_BARS.get(case.dispute_type, ())]
    if case.parties_in(PartyRole.THIRD_PARTY):
        result.findings.append(Finding(Bar.OTHERS, "parties"))
    for number, text in enumerate(agreement.terms or [], start=1):
        result.findings += _term_findings(number, text)
    return result


def marked(text: str, words: tuple[str, ...]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, found) so that a page can mark the words found without
    trusting any markup."""
    if not words:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    out, at = [], 0
    for match in pattern.finditer(text):
        if match.start() > at:
            out.append((text[at : match.start()], False))
        out.append((match.group(0), True))
        at = match.end()
    if at < len(text):
        out.append((text[at:], False))
    return out
