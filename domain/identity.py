"""Personal identifiers: validation, normalisation for matching, and masking for display.

Resident ID numbers and organisations' unified social credit codes are checked with
python-stdnum (checksums, birth date, region format); phone numbers with phonenumbers (China
by default). Masked forms are what every page shows unless a permitted user expands them,
which is recorded on the timeline. A credit code is public (printed on the business licence)
and never masked.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from flask_babel import lazy_gettext as _l
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError


class IdentifierError(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def normalise_id_number(value: str) -> str:
    """Validate a mainland resident ID number and return its compact form (18 chars, X upper).

    Length, digits, check digit and birth date must be right, and the first six digits must be
    a county code that has existed. stdnum also insists the code existed in the birth year; we
    do not, because people keep numbers issued under later codes (公安县 became 421022 in 1994,
    yet residents born before then hold 421022 numbers). Full-width characters and the spaces
    or hyphens of a number copied in groups from the card ("421022 19700315 4566") are ignored.
    """
    value = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or ""))
    try:
        return ric.validate(value)
    except StdnumError as error:
        compacted = ric.compact(value or "")
        if isinstance(error, InvalidComponent) and _known_county_any_year(compacted):
            return compacted
        raise IdentifierError(
            _l("This is not a valid resident ID number. Please check the 18 characters.")
        ) from None


def _known_county_any_year(number: str) -> bool:
    try:
        ric.get_birth_date(number)
    except StdnumError:
        return False
    results = numdb.get("cn/loc").info(number[:6])
    return any("county" in props for _part, props in results)


def normalise_credit_code(value: str) -> str:
    """Validate an organisation's unified social credit code (统一社会信用代码, GB 32100-2015:
    registration authority, organisation type, region, organisation code, check character)
    and return its 18 characters, letters upper case. Full-width characters, spaces and
    hyphens (as copied from a business licence) are ignored."""
    value = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or "")).upper()
    try:
        return uscc.validate(value)
    except StdnumError:
        raise IdentifierError(
            _l("This is not a valid unified social credit code. Please check the 18 characters.")
        ) from None


def normalise_phone(value: str) -> str:
    """Validate a phone number (mobile or landline, China by default) and return E.164."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise IdentifierError(
            _l("This is not a valid phone number. Example: 13812345678 or 0716-1234567.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_id_number(value: str | None) -> str:
    """4210********1234: keep the region prefix and the last four, hide the birth date."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678: keep the first three and the last four digits."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)  # as typed: "138 1234 5678", "+86 138-…"
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_address(value: str | None) -> str:
    """Keep roughly the first third (the area), hide the rest (house numbers)."""
    if not value:
        return ""
    keep = max(2, len(value) // 3)
    return value[:keep] + "*" * min(6, len(value) - keep)
