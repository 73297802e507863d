"""Names, phone numbers and resident ID numbers: pure functions of the random generator they
are given (and of the name lists in data/demo_cases.json)."""

from __future__ import annotations

import hashlib
import random
import re
from datetime import date

from demo.data import texts
from models.enums import Sex

# Old county codes still on the ID cards of people registered before the 1994/95 renaming.
OLD_ID_PREFIX = {"421022": ("422423", 1994), "421087": ("422422", 1995)}
MOBILE_PREFIXES = [*(f"13{d}" for d in range(10)), "150", "151", "152", "158", "159", "186", "189"]


def short_name(name: str) -> str:
    """埠河镇 -> 埠河, 新江口街道 -> 新江口, 卸甲坪土家族乡 -> 卸甲坪, 公安县 -> 公安."""
    return re.sub(r"(土家族乡|街道|镇|乡|县|市)$", "", name)


def person_name(rng: random.Random, sex: Sex | None = None) -> tuple[str, Sex]:
    names = texts()
    sex = sex or rng.choice(list(Sex))
    given = names["given_male"] if sex == Sex.MALE else names["given_female"]
    return rng.choice(names["surnames"]) + rng.choice(given), sex


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random, county: str) -> str:
    return f"0716-{'5' if county == '421022' else '6'}{rng.randrange(10**6):06d}"


def resident_id(rng: random.Random, county: str, birth_year: int, sex: Sex) -> str:
    """A resident ID number with a valid checksum, birth date and (then valid) county code."""
    from stdnum.cn import ric

    prefix = county
    old = OLD_ID_PREFIX.get(county)
    if old and birth_year < old[1]:
        prefix = old[0]
    birth = date(birth_year, rng.randrange(1, 13), rng.randrange(1, 29))
    seq = rng.randrange(0, 100) * 10 + rng.randrange(0, 10)
    if (seq % 2 == 1) != (sex == Sex.MALE):  # odd for men, even for women
        seq = seq + 1 if seq < 999 else seq - 1
    body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    return ric.validate(number)


def credit_code(name: str, county: str) -> str:
    """A unified social credit code with a valid check character: 9 (registered by the market
    regulator), 1 (a company), the county and a made-up organisation code. Derived from the
    name rather than drawn from the generator, so the rest of the demo stays as it was."""
    from stdnum.cn import uscc

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digest = int(hashlib.sha256(name.encode()).hexdigest(), 16)
    body = "91" + county + "".join(alphabet[(digest >> (5 * i)) % 31] for i in range(9))
    return uscc.validate(body + uscc.calc_check_digit(body))
