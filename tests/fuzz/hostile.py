"""Hostile values, as an attacker (or a confused browser) would send them: ids beyond the
database's integers, numbers that are not finite, dates at the ends of the calendar, blank
and control characters, rare CJK, very long text, forged paging cursors."""

from __future__ import annotations

import base64
import json

from hypothesis import strategies as st

INTS = [
    "0",
    "-1",
    "1",
    "-0",
    "+1",
    "00000000001",
    str(2**31 - 1),
    str(2**31),
    str(-(2**31) - 1),
    str(2**32),
    str(2**53 + 1),
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    str(2**64),
    "9" * 40,
    "-" + "9" * 40,
    "9" * 5000,
    "1.5",
    "1e3",
    "0x1f",
    "１２",  # full-width digits
    "٣",  # an Arabic-Indic digit: str.isdigit() says yes
    "²",  # a superscript: isdigit() yes, int() no
]
NUMBERS = [
    "NaN",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "-1e309",
    "1e-400",
    "1E+999999999",
    "0.000000001",
    "1e20",
    "-0.0",
    "12345678901234567890.12",
]
DAYS = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "1899-12-31",
    "1900-01-01",
    "2100-12-31",
    "2101-01-01",
    "1970-01-01",
    "2000-01-01",
    "2026-02-29",
    "2024-02-29",
    "2026-12-31",
    "2027-01-01",
    "10000-01-01",
    "-2026-01-01",
    "2026-13-01",
    "2026-1-1",
    "2026/01/01",
    "20260101",
]
MOMENTS = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "0001-01-01T00:00:00",
    "1899-12-31T23:59",
    "2100-12-31T23:59",
    "9999-12-31T23:59:59.999999+14:00",
    "0001-01-01T00:00:00-14:00",
    "2026-01-01T24:00",
    "2026-01-01T23:59:60",
    "2026-01-01 12:00",
    "2026-01-01T12",
]
DATES = DAYS + MOMENTS
TEXT = [
    "",
    " ",
    "\u3000",  # the full-width space of Chinese keyboards
    " \t\r\n ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b\x7f",
    "\u200b",
    "\ufeff",
    "\u202e",
    "𠀀",  # CJK Extension B: four bytes in UTF-8
    "𠀀" * 64,
    "'\"<>&;--",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "%s%n%x",
    "../../etc/passwd",
    "y",
    "on",
    "true",
    "None",
    "null",
    "[]",
    "A" * 100_000,
    "𠀀" * 100_000,
]


def cursor(values) -> str:
    raw = json.dumps(values, allow_nan=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_EXTREMES = [
    float("inf"),
    float("-inf"),
    float("nan"),
    "Infinity",
    "NaN",
    "0001-01-01",
    "0001-01-01T00:00:00",
    "9999-12-31",
    "9999-12-31T23:59:59.999999+14:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    2**31,
    2**63,
    -(2**63) - 1,
    10**400,
    0,
    -1,
    None,
    True,
    "",
    "𠀀",
    [1],
    {"a": 1},
]

CURSORS = [
    "!!!!",
    "====",
    "%",
    "\x00",
    "a" * 10_000,
    base64.urlsafe_b64encode(b"\xff\xfe\x00garbage").decode(),
    cursor([]),
    cursor({"a": 1}),
    cursor("x"),
    *[cursor([v]) for v in _EXTREMES],
    *[cursor([v, 1]) for v in _EXTREMES],
    *[cursor([v, v]) for v in _EXTREMES],
    *[cursor([1, v]) for v in _EXTREMES],
    *[cursor(["2026-01-01", "2026-01-01T00:00:00", v]) for v in _EXTREMES],
]

UPLOADS = [
    b"",
    b"\x00" * 16,
    b"%PDF-1.4\n<html><script>alert(1)</script>",
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    b"\xff\xd8\xff\xe0" + b"\x00" * 64,
    b"<html><body>hello</body></html>",
]

_small_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
)
_general = st.one_of(st.sampled_from(TEXT), st.sampled_from(INTS), _small_text)


def decoded_cursor(value: str) -> list | None:
    """The values inside a paging cursor (base64 of a JSON list), or None if `value` is not
    one: a cursor found on a page is forged by replacing some of them."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except ValueError:
        return None
    return raw if isinstance(raw, list) and raw else None


@st.composite
def forged_cursor(draw, real: list):
    """A cursor of the same shape as `real`, one or more of its values extreme."""
    values = list(real)
    for i in draw(st.lists(st.integers(0, len(values) - 1), min_size=1, unique=True)):
        values[i] = draw(st.sampled_from(_EXTREMES))
    return cursor(values)


def value_for(kind: str, options: list[str] | None = None, sample: str = ""):
    """A strategy of one hostile value for a field of `kind` (an <input> type, "select",
    "textarea", "query"…) whose value on the page was `sample`, mixing in its valid options
    so the other fields' checks are reached."""
    if (real := decoded_cursor(sample)) is not None:
        return st.one_of(forged_cursor(real), st.sampled_from(CURSORS), _general)
    specific: list[str] = []
    if kind in ("select", "checkbox", "radio"):
        specific = list(options or []) + ["", " ", "\u3000", "0", "-1", str(2**31), str(2**63)]
    elif kind == "date":
        specific = DAYS
    elif kind in ("datetime-local", "datetime", "month", "time", "week"):
        specific = MOMENTS + DAYS[:2]
    elif kind in ("number", "hidden", "range"):
        specific = INTS + NUMBERS
    choices = [st.sampled_from(specific)] if specific else []
    choices += [_general, st.sampled_from(DATES + NUMBERS)]
    if kind == "query":
        choices.append(st.sampled_from(CURSORS))
    return st.one_of(*choices)


path_value = st.one_of(
    st.sampled_from(INTS[:20]),
    st.sampled_from(["𠀀", " ", "\x00", "%", "..", "a" * 5000, "NaN", "0001-01-01"]),
    _small_text.filter(lambda s: s not in ("", ".", "..")),
)
int_path_value = st.sampled_from(
    ["0", str(2**31 - 1), str(2**31), str(2**32), str(2**63), str(2**64), "9" * 30, "9" * 5000]
)
upload = st.sampled_from(UPLOADS)


def plausible(name: str, kind: str, options: list[str], today: str) -> str:
    """A value a careful user would type into an empty field, so that a hostile value in
    another field reaches the checks behind the form's own (the domain, the database)."""
    base = name.rsplit("-", 1)[-1]
    if kind in ("select", "radio", "checkbox"):
        return next((o for o in options if o.strip()), "")
    if kind == "date":
        return today
    if kind == "datetime-local":
        return today + "T09:00"
    if kind == "number" or base in ("age", "days", "amount", "petitioner_count"):
        return "12"
    return {
        "phone": "13812345678",
        "contact_phone": "0716-1234567",
        "id_number": VALID_ID,
        "credit_code": VALID_CREDIT_CODE,
        "password": "correct horse battery staple 2026",
    }.get(base, "王小明" if "name" in base else "双方因排水沟堵塞发生争执")


VALID_ID = "421022199501011233"
VALID_CREDIT_CODE = "91420000MA4K0000XD"
