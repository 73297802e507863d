"""Documents as seen by staff who may not reveal personal details.

A leader overseeing an area, who sees a party's ID number, phone and address masked on the case
page, gets every document of the case (print view, PDF, the whole 卷宗) masked the same way,
with the same masking helpers (domain/identity.py): the rule of the case page
(domain.permissions.can_reveal_pii) holds whichever way the data leaves the screen (PML Art. 15:
keep the parties' personal information confidential; PIPL Art. 6: no more than the purpose
needs).

The document templates stay as they are: they receive the parties through `MaskedParty`, which
answers the three fields masked, and a case through `MaskedCase`, whose party lists are masked.
As a last net, `scrub` replaces any full ID number, phone or address of a party that still
reaches the rendered page some other way (a record's free text quoting a phone, a template
reaching a party through another object).
"""

from __future__ import annotations

import re

from markupsafe import escape

from domain.identity import mask_address, mask_id_number, mask_phone
from models import Case, Party
from models.enums import PartyRole

MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}
# The scrub replaces an address in free text only when it names a house (a number in it, at
# least 6 characters): a bare place ("公安县埠河镇") is also part of committees' names and
# places that documents print for other reasons. The fields are masked whatever they hold.
MIN_SCRUBBED_ADDRESS = 6


class MaskedParty:
    """A party whose ID number, phone and address read masked; everything else as stored.
    Read-only: it never reaches the session, so nothing masked can be saved."""

    __slots__ = ("_party",)

    def __init__(self, party: Party):
        object.__setattr__(self, "_party", party)

    def __getattr__(self, name: str):
        value = getattr(self._party, name)
        if name in MASKS:
            return MASKS[name](value) or None
        if name == "agents":
            return [MaskedParty(a) for a in value]
        if name == "principal":
            return MaskedParty(value) if value is not None else None
        if name == "case":
            return MaskedCase(value)
        return value

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError("a masked party is read-only")

    def __eq__(self, other) -> bool:
        return self._party == getattr(other, "_party", other)

    def __hash__(self) -> int:
        return hash(self._party)


class MaskedCase:
    """A case whose party lists hold masked parties; everything else as stored."""

    __slots__ = ("_case",)

    def __init__(self, case: Case):
        object.__setattr__(self, "_case", case)

    def __getattr__(self, name: str):
        value = getattr(self._case, name)
        if name in ("parties", "active_parties", "applicants", "respondents", "principals"):
            return [MaskedParty(p) for p in value]
        return value

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError("a masked case is read-only")

    def parties_in(self, role: PartyRole) -> list[MaskedParty]:
        return [MaskedParty(p) for p in self._case.parties_in(role)]


PARTY_LISTS = ("applicants", "respondents", "third_parties", "parties", "all_parties")


def mask_context(context: dict) -> dict:
    """A document's template values with the case and every party list masked."""
    out = dict(context)
    out["case"] = MaskedCase(context["case"])
    for name in PARTY_LISTS:
        if name in out:
            out[name] = [MaskedParty(p) for p in out[name]]
    return out


def _full_values(case: Case) -> list[tuple[str, str]]:
    """(full value, its masked form) of every party's ID number, phone and address, longest
    first so that a phone inside a longer value is replaced as part of it."""
    pairs: dict[str, str] = {}
    for party in case.parties:
        if party.id_number:
            pairs[party.id_number] = mask_id_number(party.id_number)
            pairs[party.id_number.lower()] = mask_id_number(party.id_number)
        if party.phone:
            pairs[party.phone] = mask_phone(party.phone)
            for digits in _phone_digits(party):
                pairs[digits] = mask_phone(digits)
        if _names_a_house(party.address):
            pairs[party.address] = mask_address(party.address)
    out = []
    for full, masked in pairs.items():
        out.append((full, masked))
        escaped = str(escape(full))
        if escaped != full:
            out.append((escaped, str(escape(masked))))
    return sorted(out, key=lambda pair: len(pair[0]), reverse=True)


def _names_a_house(address: str | None) -> bool:
    return (
        bool(address)
        and len(address) >= MIN_SCRUBBED_ADDRESS
        and any(ch.isdigit() for ch in address)
    )


def _phone_digits(party: Party) -> set[str]:
    """A phone's digits as they may be written: as typed without separators, and the national
    number from its E.164 copy, with and without the trunk 0 of a landline (0716…)."""
    forms = {re.sub(r"\D", "", party.phone or "")}
    norm = party.phone_norm or ""
    if norm.startswith("+86"):
        national = norm[3:]
        forms |= {national, "0" + national} if not national.startswith("1") else {national}
    return {f for f in forms if len(f) >= 7}


def scrub(html: str, case: Case) -> str:
    """`html` with every full ID number, phone and address of the case's parties masked."""
    for full, masked in _full_values(case):
        html = html.replace(full, masked)
    return html
