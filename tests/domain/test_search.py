"""Finding people and cases (domain.search): reading what was typed, each kind of search,
partial names on the trigram index, the scoping rule, and hostile input."""

import pytest
import sqlalchemy as sa

from domain.errors import DomainError
from domain.intake import PartyData
from domain.search import (
    SearchKind,
    SearchRefused,
    cases_found,
    clean,
    count_found,
    detect_kind,
    fits_in_url,
    matching_party,
    ordering,
    parse_query,
)
from extensions import db
from models.enums import PartyKind, PartyRole
from models.states import CaseState
from tests.factories import valid_id

ID = valid_id("19800101", "777")
ID_X = valid_id(serial="109")  # ends in X


def numbers(user, text, kind=None) -> list[str]:
    """Case numbers found by `user` for `text`, in result order."""
    query = parse_query(text, kind)
    columns, _kinds, _key = ordering(query)
    stmt = cases_found(user, query).order_by(*[c.desc() for c in columns])
    return [case.number for case in db.session.scalars(stmt)]


def with_parties(world, *parties, **kw):
    """A case whose parties are (role, name, phone, id_number) tuples."""
    return world.case(
        parties=[
            PartyData(
                role=role,
                name=name,
                phone=phone,
                id_number=idn,
                kind=PartyKind.PERSON,
            )
            for role, name, phone, idn in parties
        ],
        **kw,
    )


APPLICANT, RESPONDENT = PartyRole.APPLICANT, PartyRole.RESPONDENT


# ---- reading what was typed -----------------------------------------------------------------


@pytest.mark.no_db
@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("2026-421022-000123", SearchKind.NUMBER),
        ("2026421022000123", SearchKind.NUMBER),
        ("2026-4210", SearchKind.NUMBER),
        ("２０２６－４２１０２２", SearchKind.NUMBER),  # full-width
        ("2026", SearchKind.NUMBER),
        ("13812345678", SearchKind.PHONE),
        ("138 1234 5678", SearchKind.PHONE),
        ("１３８１２３４５６７８", SearchKind.PHONE),
        ("0716-1234567", SearchKind.PHONE),
        ("+86 138 1234 5678", SearchKind.PHONE),
        ("421022199501011233", SearchKind.ID_NUMBER),
        ("421022 19950101 109x", SearchKind.ID_NUMBER),
        ("王建国", SearchKind.NAME),
        ("王", SearchKind.NAME),
        ("荆州市第1建筑公司", SearchKind.NAME),
        ("' OR 1=1 --", SearchKind.NAME),
        ("%", SearchKind.NAME),
    ],
)
def test_detect_kind(typed, kind):
    assert detect_kind(typed) == kind
    assert fits_in_url(typed) == (kind not in (SearchKind.PHONE, SearchKind.ID_NUMBER))


@pytest.mark.no_db
@pytest.mark.parametrize(
    "typed",
    [
        "138.1234.5678",  # read as a name, still a phone
        "王 13812345678",
        "1381234567",  # a digit short: a case number prefix, still (almost) a phone
        "４２１０２２１９９５０１０１",  # the beginning of an ID number
        "+8613812345678",
        "421022-1995-0101-1233",
    ],
)
def test_text_that_might_be_a_phone_or_id_number_never_fits_in_a_url(typed):
    assert not fits_in_url(typed)


@pytest.mark.no_db
@pytest.mark.parametrize(
    "typed", ["2026-421022-000123", "2026421022000123", "2026-421022", "荆州第12345建筑公司", "王"]
)
def test_names_and_case_numbers_fit_in_a_url(typed):
    assert fits_in_url(typed)


@pytest.mark.no_db
def test_clean_folds_full_width_and_drops_control_characters():
    assert clean("　王\x00建\u200b国\t\n ") == "王建国"
    assert clean("ＡＢＣ  贸易") == "ABC 贸易"
    assert clean(None) == ""


def test_parse_normalises_like_the_repeat_visitor_lookup():
    from domain.identity import normalise_id_number, normalise_phone

    phone = parse_query("１３８ １２３４ ５６７８")
    assert (phone.kind, phone.text) == (SearchKind.PHONE, normalise_phone("13812345678"))
    typed = f" {ID_X[:6]} {ID_X[6:14]} {ID_X[14:].lower()} "
    idn = parse_query(typed)
    assert (idn.kind, idn.text) == (SearchKind.ID_NUMBER, normalise_id_number(ID_X))
    assert phone.private and idn.private
    exact = parse_query("2026 421022 000123")
    assert (exact.text, exact.exact) == ("2026-421022-000123", True)
    prefix = parse_query("2026421022")
    assert (prefix.text, prefix.exact) == ("2026-421022-", False)


@pytest.mark.parametrize(
    ("typed", "kind", "message"),
    [
        ("", None, "Type a case number"),
        ("   \u3000 ", None, "Type a case number"),
        ("王" * 65, None, "at most 64 characters"),
        ("13812345", SearchKind.PHONE, "not a valid phone number"),
        ("421022199501011234", None, "not a valid resident ID number"),  # bad check digit
        ("王建国", SearchKind.ID_NUMBER, "not a valid resident ID number"),
        ("王建国", SearchKind.NUMBER, "only digits and dashes"),
    ],
)
def test_parse_refuses_with_the_reason(typed, kind, message):
    with pytest.raises(SearchRefused) as refused:
        parse_query(typed, kind)
    assert message in str(refused.value.message)
    assert refused.value.field == "q"
    assert isinstance(refused.value, DomainError)


# ---- each kind --------------------------------------------------------------------------------


def test_by_case_number_whole_or_beginning(world):
    a, b = world.case(), world.case()
    other_county = world.case(village=world.village3)
    db.session.commit()
    assert numbers(world.leader, a.number) == [a.number]
    assert numbers(world.leader, a.number.replace("-", "")) == [a.number]
    assert numbers(world.leader, a.number[:11]) == [b.number, a.number]  # number order
    assert numbers(world.leader, a.number[:4]) == [b.number, a.number]
    assert numbers(world.admin, a.number[:4]) == sorted(
        [a.number, b.number, other_county.number], reverse=True
    )
    assert numbers(world.leader, "2026-421022-999999") == []


def test_by_phone_and_id_number_any_party(world):
    mine = with_parties(
        world,
        (APPLICANT, "甲某", "13812345678", ID),
        (RESPONDENT, "乙某", "0716-1234567", None),
    )
    other = with_parties(
        world, (APPLICANT, "丙某", "13900000000", None), (RESPONDENT, "丁某", None, None)
    )
    db.session.commit()
    assert numbers(world.clerk, "138-1234-5678") == [mine.number]
    assert numbers(world.clerk, "07161234567") == [mine.number]  # the respondent's landline
    assert numbers(world.clerk, ID) == [mine.number]
    assert numbers(world.clerk, "13700000000") == []
    assert other.number not in numbers(world.clerk, ID)
    query = parse_query("07161234567")
    assert matching_party(mine, query).name == "乙某"
    assert count_found(world.clerk, query) == 1


def test_partial_names_three_or_more_characters_anywhere(world):
    whole = with_parties(
        world, (APPLICANT, "欧阳建国华", None, None), (RESPONDENT, "李明", None, None)
    )
    end = with_parties(world, (APPLICANT, "张三", None, None), (RESPONDENT, "王建国华", None, None))
    firm = with_parties(
        world, (APPLICANT, "ABC Trading贸易有限公司", None, None), (RESPONDENT, "刘五", None, None)
    )
    db.session.commit()
    assert numbers(world.clerk, "建国华") == [end.number, whole.number]
    assert numbers(world.clerk, "欧阳建国华") == [whole.number]
    assert numbers(world.clerk, "trading") == [firm.number]  # any case
    assert numbers(world.clerk, "ｔｒａｄｉｎｇ贸易") == [firm.number]  # full-width
    assert numbers(world.clerk, "贸易有限") == [firm.number]
    assert numbers(world.clerk, "建国华丽") == []
    query = parse_query("建国华")
    assert matching_party(end, query).name == "王建国华"  # the respondent, not the first party
    assert count_found(world.clerk, query) is None  # names are not counted


def test_full_width_and_ordinary_letters_and_digits_find_each_other(world):
    wide = with_parties(
        world, (APPLICANT, "ＡＢＣ贸易有限公司", None, None), (RESPONDENT, "甲", None, None)
    )
    digit = with_parties(
        world, (APPLICANT, "荆州第１建筑公司", None, None), (RESPONDENT, "乙", None, None)
    )
    narrow = with_parties(world, (APPLICANT, "XY建材", None, None), (RESPONDENT, "丙", None, None))
    db.session.commit()
    for typed in ("abc贸易", "ＡＢＣ贸易", "ａｂｃ", "ABC"):
        assert numbers(world.clerk, typed) == [wide.number], typed
    for typed in ("第1建", "第１建筑"):
        assert numbers(world.clerk, typed) == [digit.number], typed
    assert numbers(world.clerk, "ａｂ") == [wide.number]  # the beginning, either width
    assert numbers(world.clerk, "ｘｙ") == [narrow.number]
    assert numbers(world.clerk, "Ｘｙ建材") == [narrow.number]
    assert matching_party(wide, parse_query("abc")).name == "ＡＢＣ贸易有限公司"


def test_one_or_two_characters_match_the_beginning(world):
    wang = with_parties(world, (APPLICANT, "王建国", None, None), (RESPONDENT, "赵六", None, None))
    inside = with_parties(
        world, (APPLICANT, "李王芳", None, None), (RESPONDENT, "钱七", None, None)
    )
    ouyang = with_parties(
        world, (APPLICANT, "孙八", None, None), (RESPONDENT, "欧阳修", None, None)
    )
    firm = with_parties(world, (APPLICANT, "AB公司", None, None), (RESPONDENT, "周九", None, None))
    db.session.commit()
    assert numbers(world.clerk, "王") == [wang.number]  # not 李王芳
    assert numbers(world.clerk, "王建") == [wang.number]
    assert numbers(world.clerk, "建国") == []  # inside a name: three characters are needed
    assert numbers(world.clerk, "欧阳") == [ouyang.number]
    assert numbers(world.clerk, "ab") == [firm.number]
    assert numbers(world.clerk, "Ab") == [firm.number]
    assert numbers(world.clerk, "李王") == [inside.number]
    assert matching_party(ouyang, parse_query("欧阳")).name == "欧阳修"


def test_wildcards_and_query_syntax_are_plain_text(world):
    pct = with_parties(
        world, (APPLICANT, "百分百100%公司", None, None), (RESPONDENT, "甲", None, None)
    )
    under = with_parties(
        world, (APPLICANT, "A_B工作室", None, None), (RESPONDENT, "乙", None, None)
    )
    plain = with_parties(
        world, (APPLICANT, "AXB工作室", None, None), (RESPONDENT, "丙", None, None)
    )
    db.session.commit()
    assert numbers(world.clerk, "00%") == [pct.number]
    assert numbers(world.clerk, "%") == []  # no name begins with %
    assert numbers(world.clerk, "_") == []
    assert numbers(world.clerk, "A_B") == [under.number]  # not AXB
    assert numbers(world.clerk, "A_") == [under.number]
    assert plain.number in numbers(world.clerk, "AXB")
    for hostile in (
        "' OR 1=1 --",
        "'; DROP TABLE party; --",
        '"王" OR "李"',
        "name:王 NEAR(a b) *",
        "王*",
        "^王",
        "\\%",
        '"',
        "''",
        "％％％",
    ):
        assert numbers(world.clerk, hostile) == [], hostile
    assert db.session.scalar(sa.text("SELECT count(*) FROM party")) == 6  # nothing dropped


def test_long_queries_are_refused_before_searching(world):
    with pytest.raises(SearchRefused):
        parse_query("王" * 5000)
    assert numbers(world.clerk, "王" * 64) == []


# ---- scope ----------------------------------------------------------------------------------


def test_another_countys_case_never_appears(world):
    same = with_parties(
        world, (APPLICANT, "同名人", "13811112222", ID), (RESPONDENT, "甲", None, None)
    )
    far = with_parties(
        world,
        (APPLICANT, "同名人", "13811112222", ID),
        (RESPONDENT, "乙", None, None),
        village=world.village3,
    )
    db.session.commit()
    for typed in ("同名人", "同名", "13811112222", ID, far.number, far.number[:11]):
        assert far.number not in numbers(world.clerk, typed), typed
        assert far.number not in numbers(world.leader, typed), typed
        assert same.number not in numbers(world.clerk2, typed), typed
    assert numbers(world.clerk2, "同名人") == [far.number]
    assert numbers(world.admin, "同名人") == [far.number, same.number]  # the city


def test_a_mediator_finds_only_the_cases_case_scope_gives_them(world):
    theirs = with_parties(
        world,
        (APPLICANT, "调解中人", "13833334444", None),
        (RESPONDENT, "甲", None, None),
        state=CaseState.MEDIATING,
    )
    waiting = with_parties(
        world, (APPLICANT, "调解中人", "13833334444", None), (RESPONDENT, "乙", None, None)
    )
    db.session.commit()
    assert world.mediator in [m.user for m in theirs.mediators if m.active]
    for typed in ("调解中人", "调解", "13833334444", theirs.number[:11]):
        found = numbers(world.mediator, typed)
        assert theirs.number in found and waiting.number not in found, typed
    assert numbers(world.mediator_b, "调解中人") == []  # same committee, not on the case
    # The director sees the committee's cases, not the one still at the desk.
    assert numbers(world.director, "调解中人") == [theirs.number]
