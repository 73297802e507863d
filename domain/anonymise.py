"""The automatic first pass that makes a closed case's text fit for the typical-case library
(典型案例库, seed 002): what a director then reads, corrects and publishes.

What it does to a text, in this order:
- case numbers (the case's own number and file number, any number of our form 2026-421022-000001,
  and court numbers such as （2024）鄂1022民初123号) are removed;
- resident ID numbers (18 digits, recognised by their check digit with python-stdnum's cn.ric,
  and the parties' own numbers whatever their form) are removed;
- phone numbers (Chinese mobiles 1[3-9]xxxxxxxxx, landlines with their area code 0xxx-xxxxxxx, the
  parties' own numbers) are removed;
- the parties' addresses, and places below the township: the village and group names of the
  case's county (from the region tree) become 某村 / 某社区 / 某组, and street addresses (路 …号,
  …栋…单元…室) are cut;
- the parties' names: a person's Chinese name becomes the surname and 某 (张伟 → 张某; two parties
  of one surname → 张某甲, 张某乙), an organisation's becomes 某 and its kind (某公司, 某厂…).
  Longer names go first, and a name inside a kept place name (the township 金山镇 when a party is
  called 金山) is left alone.
Amounts of money and dates are kept: they are what makes a typical case useful.

The pass is deliberately conservative about what it removes and never claims to be complete:
`leaks()` lists what of the source case is still in a text, and publishing refuses while it
lists anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from stdnum.cn import ric

# The words of the pass are data (data/anonymise.json): what stands for a removed number or
# address, the compound surnames, the kinds of organisations and places, the characters that
# follow a name, and the words that make up a street address.
WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "anonymise.json"
W = json.loads(WORDS_FILE.read_text(encoding="utf-8"))

REMOVED = W["removed"]  # what stands where a number was
ADDRESS = W["address"]  # what stands where an address was
SOME = W["anonymous"]  # 某
LABELS = W["labels"]  # 甲乙丙…: parties of one surname or kind told apart
COMPOUND_SURNAMES = frozenset(W["compound_surnames"])  # 复姓: two characters
ORG_KINDS = tuple(W["org_kinds"])  # an organisation's kind, by the end of its name
PLACE_KINDS = tuple(W["place_kinds"])  # a place's kind, by the end of its name
# A two-character name is common enough to occur inside other words (高峰 in 高峰期, 王明 in
# 王明亮). It is taken for the party's name only where what follows it is not a character
# (end, punctuation, a digit) or one of these, which follow a name in a case's account; inside
# any other word it is left alone, and `leaks()` reads it the same way.
NAME_FOLLOWERS = frozenset(W["name_followers"])

_HAN = r"\u4e00-\u9fff"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _chars(text: str) -> str:
    return "".join(re.escape(c) for c in text)


# 18-digit resident IDs, not part of a longer run of digits.
_ID18 = re.compile(r"(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
# Chinese mobiles (optionally +86 / 86, optionally split 3-4-4 by a space or a dash).
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])")
_OPEN, _CLOSE = _chars(W["open_brackets"]), _chars(W["close_brackets"])
# Landlines with their area code: 0716-1234567, (0716)1234567, 010-12345678, ext. optional.
_LANDLINE = re.compile(
    rf"(?<![0-9])(?:0\d{{2,3}}-|[{_OPEN}]0\d{{2,3}}[{_CLOSE}] ?)\d{{7,8}}(?:-\d{{1,5}})?(?![0-9])"
)
# Our case numbers (2026-421022-000001) and court case numbers ((2024)E1022MC123H).
_OUR_NUMBER = re.compile(r"(?<![0-9])\d{4}-\d{6}-\d{6}(?![0-9])")
_COURT_NUMBER = re.compile(
    rf"[{_OPEN}]\d{{4}}[{_CLOSE}][{_HAN}0-9]{{1,16}}?\d+{re.escape(W['court_number_end'])}"
)
# Street addresses below the township (a road, its number, the building, unit and room). The
# road's name starts after a word that leads to a place (live at, lie at, a kept town...).
_ROOMS = rf"(?:\d+(?:{_alt(W['building_units'] + W['room_units'])}))*"
_STREET = re.compile(
    rf"(?:(?<=[{_chars(W['place_leads'])}\s(])|(?<![\s\S]))"
    rf"(?![{_chars(W['not_a_road_start'])}])[{_HAN}]{{1,6}}?(?:{_alt(W['road_suffixes'])})"
    rf"(?:\d+(?:{_alt(W['street_number_units'])})?){_ROOMS}"
)
_HOUSE = re.compile(
    rf"\d+(?:{_alt(W['building_units'])}){_ROOMS}"
    rf"|\d+{re.escape(W['room_units'][0])}\d+{re.escape(W['room_units'][2])}"
)


@dataclass
class Source:
    """What the pass must remove, taken from the case (see `source_of`)."""

    persons: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # names below the township
    kept_places: list[str] = field(default_factory=list)  # the township and up
    case_numbers: list[str] = field(default_factory=list)


def surname(name: str) -> str:
    """The surname of a Chinese name (复姓 included); '' for a name that is not Chinese."""
    if not name or not re.fullmatch(f"[{_HAN}·]+", name):
        return ""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[0]


def org_kind(name: str) -> str:
    for kind in ORG_KINDS:
        if name.endswith(kind) and len(name) > len(kind):
            return kind
    return W["other_org_kind"]


def place_kind(name: str) -> str:
    for kind in PLACE_KINDS:
        if name.endswith(kind):
            return kind
    return W["other_place_kind"]


def _aliases(source: Source) -> list[tuple[str, str]]:
    """(name, replacement) for every party and place, longest name first."""
    out: dict[str, str] = {}
    by_surname: dict[str, list[str]] = {}
    for name in dict.fromkeys(n.strip() for n in source.persons if n and n.strip()):
        by_surname.setdefault(surname(name), []).append(name)
    for family, names in by_surname.items():
        stem = family + SOME
        if len(names) == 1:
            out[names[0]] = stem
        else:
            for i, name in enumerate(names):
                out[name] = stem + LABELS[i % len(LABELS)]
    by_kind: dict[str, list[str]] = {}
    for name in dict.fromkeys(n.strip() for n in source.organisations if n and n.strip()):
        by_kind.setdefault(org_kind(name), []).append(name)
    for kind, names in by_kind.items():
        for i, name in enumerate(names):
            label = LABELS[i % len(LABELS)] if len(names) > 1 else ""
            out.setdefault(name, SOME + kind + label)
    for name in source.places:
        if name and len(name) >= 2:
            out.setdefault(name, SOME + place_kind(name))
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


def _protect(text: str, kept: Iterable[str]) -> tuple[str, list[str]]:
    """Hide kept names (the township and up) behind placeholders a name cannot match."""
    saved: list[str] = []
    for name in sorted({k for k in kept if k}, key=len, reverse=True):
        if name in text:
            saved.append(name)
            text = text.replace(name, f"\x00{len(saved) - 1}\x00")
    return text, saved


def _restore(text: str, saved: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: saved[int(m.group(1))], text)


def _digits(value: str | None) -> str:
    return re.sub(r"\D", "", value or "")


def _remove_literal(text: str, values: Iterable[str | None], by: str) -> str:
    for value in sorted({(v or "").strip() for v in values}, key=len, reverse=True):
        if len(value) >= 5:
            text = text.replace(value, by)
    return text


def anonymise(text: str | None, source: Source) -> str:
    """The text with the source's names, numbers and places taken out (see the module)."""
    if not text:
        return ""
    text = text.replace("\x00", "")
    # Numbers first: a name pass must not see digits half replaced.
    text = _remove_literal(text, source.case_numbers, REMOVED)
    text = _OUR_NUMBER.sub(REMOVED, text)
    text = _COURT_NUMBER.sub(REMOVED, text)
    text = _remove_literal(text, source.id_numbers, REMOVED)
    text = _ID18.sub(lambda m: REMOVED if ric.is_valid(m.group(0)) else m.group(0), text)
    text = _remove_literal(text, source.phones, REMOVED)
    text = _MOBILE.sub(REMOVED, text)
    text = _LANDLINE.sub(REMOVED, text)
    text = _remove_literal(text, source.addresses, ADDRESS)
    text = _STREET.sub(ADDRESS, text)
    text = _HOUSE.sub("", text)
    aliases = _aliases(source)
    # A name that holds a kept place (荆州市恒达建筑有限公司) goes before the places are hidden.
    holds = [(n, r) for n, r in aliases if any(k and k in n for k in source.kept_places)]
    for name, replacement in holds:
        text = _name_pattern(name).sub(replacement, text)
    text, saved = _protect(text, source.kept_places)
    for name, replacement in aliases:
        text = _name_pattern(name).sub(replacement, text)
    return _restore(text, saved)


def _name_pattern(name: str) -> re.Pattern:
    """Where `name` stands as a name (see NAME_FOLLOWERS)."""
    escaped = re.escape(name)
    if len(name) != 2 or not re.fullmatch(f"[{_HAN}]+", name):
        return re.compile(escaped)
    followers = "".join(sorted(NAME_FOLLOWERS))
    return re.compile(f"{escaped}(?![{_HAN}])|{escaped}(?=[{followers}])")


def leaks(text: str | None, source: Source) -> list[str]:
    """What of the source is still in `text`: names, ID numbers, phones, case numbers (as
    short labels for the reviewer; the values themselves are not repeated)."""
    if not text:
        return []
    found = []
    plain, _saved = _protect(text, source.kept_places)
    names = [n for n in (*source.persons, *source.organisations) if n and len(n.strip()) >= 2]
    if any(
        _name_pattern(n.strip()).search(
            text if any(k and k in n for k in source.kept_places) else plain
        )
        for n in names
    ):
        found.append("name")
    digits = _digits(text)
    if any(len(d) >= 7 and d in digits for d in map(_digits, source.id_numbers)) or any(
        ric.is_valid(m.group(0)) for m in _ID18.finditer(text)
    ):
        found.append("id_number")
    if any(len(d) >= 7 and d in digits for d in map(_digits, source.phones)) or _MOBILE.search(
        text
    ):
        found.append("phone")
    if any(n and n in text for n in source.case_numbers) or _OUR_NUMBER.search(text):
        found.append("case_number")
    return found
