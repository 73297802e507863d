import re

import pytest

from domain.codes import (
    QUERY_ALPHABET,
    check_query_code,
    format_query_code,
    hash_query_code,
    new_query_code,
    next_case_number,
    normalise_case_number,
    normalise_query_code,
)


def test_case_numbers_are_sequential_per_year_and_county(db):
    assert next_case_number(2026, "421022") == "2026-421022-000001"
    assert next_case_number(2026, "421022") == "2026-421022-000002"
    assert next_case_number(2026, "421087") == "2026-421087-000001"
    assert next_case_number(2027, "421022") == "2027-421022-000001"


def test_numbers_never_reused_after_rollback_of_later_work(db):
    first = next_case_number(2026, "421022")
    db.session.commit()
    second = next_case_number(2026, "421022")
    assert first != second


def test_query_code_alphabet_has_no_lookalikes():
    assert not set("01OIL") & set(QUERY_ALPHABET)
    codes = {new_query_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(f"[{QUERY_ALPHABET}]{{8}}", c) for c in codes)


@pytest.mark.parametrize("typed", ["abcd-efgh", " ABCD EFGH ", "ＡＢＣＤ－ＥＦＧＨ", "abcdefgh\n"])
def test_query_code_normalisation(typed):
    assert normalise_query_code(typed) == "ABCDEFGH"


def test_query_code_hash_checks(db):
    code = new_query_code()
    stored = hash_query_code(code)
    assert code not in stored
    assert check_query_code(stored, format_query_code(code).lower())
    assert not check_query_code(stored, "22222222")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-421022-000123", "2026-421022-000123"),
        ("2026421022000123", "2026-421022-000123"),
        (" 2026 421022 000123 ", "2026-421022-000123"),
        ("２０２６－４２１０２２－０００１２３", "2026-421022-000123"),
        ("2026-421022-12", None),
        ("hello", None),
        ("", None),
    ],
)
def test_case_number_normalisation(typed, expected):
    assert normalise_case_number(typed) == expected


def test_case_number_year_is_china_year(world, db):
    from datetime import UTC, datetime

    from domain.intake import submit_application

    new_year_morning = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 07:30 on 1 Jan in China
    case, _ = submit_application(world.case_data(), now=new_year_morning)
    assert case.number.startswith("2027-421022-")
