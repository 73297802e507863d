import pytest

from domain.identity import (
    IdentifierError,
    mask_address,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    normalise_phone,
)
from tests.factories import valid_id


def test_valid_id_numbers():
    number = valid_id()
    assert normalise_id_number(number) == number
    assert normalise_id_number(" " + number.lower() + " ") == number
    with_x = "11010519491231002X"
    assert normalise_id_number(with_x.lower()) == with_x
    # Copied in groups from the card, or typed on a full-width keyboard.
    assert normalise_id_number(f"{number[:6]} {number[6:14]} {number[14:]}") == number
    assert normalise_id_number(f"{number[:6]}-{number[6:14]}-{number[14:]}") == number
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert normalise_id_number(full_width) == number


@pytest.mark.parametrize(
    "bad",
    ["123", "421022199001011230", "421022199013011234", "99102219900101123X", "abcdefghijklmnopqr"],
)
def test_invalid_id_numbers(bad):
    with pytest.raises(IdentifierError):
        normalise_id_number(bad)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("0716-8123456", "+867168123456"),
    ],
)
def test_phones(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize("bad", ["12345", "phone", "1381234567890123"])
def test_bad_phones(bad):
    with pytest.raises(IdentifierError):
        normalise_phone(bad)


def test_masks():
    assert mask_id_number("421022199001011237") == "4210**********1237"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert "3组" not in mask_address("公安县埠河镇新民村3组")
    assert mask_id_number(None) == "" and mask_phone("") == ""
