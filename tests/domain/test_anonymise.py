"""The automatic first pass of the typical-case library (domain/anonymise.py): Chinese names by
surname, organisations by kind, resident IDs (by check digit), phones, addresses and places
below the township, case numbers; amounts kept; names inside other words left alone."""

from __future__ import annotations

from domain.anonymise import Source, anonymise, leaks, surname
from tests.factories import valid_id

ID = valid_id("19800101", "031")


def source(**kw) -> Source:
    base = {
        "persons": ["张伟", "王明", "欧阳娜娜"],
        "organisations": ["荆州市恒达建筑有限公司"],
        "id_numbers": [ID],
        "phones": ["13912345678", "0716-5123456"],
        "addresses": ["公安县埠河镇新民村3组17号"],
        "places": ["新民村", "天心眼村"],
        "kept_places": ["埠河镇", "公安县", "荆州市"],
        "case_numbers": ["2026-421022-000123"],
    }
    base.update(kw)
    return Source(**base)


def test_names_by_surname_and_organisations_by_kind():
    out = anonymise(
        "申请人张伟与被申请人欧阳娜娜、荆州市恒达建筑有限公司发生纠纷，王明称不知情。", source()
    )
    assert out == "申请人张某与被申请人欧阳某、某有限公司发生纠纷，王某称不知情。"
    assert leaks(out, source()) == []


def test_two_parties_of_one_surname_are_told_apart():
    out = anonymise("张伟与张强是兄弟，张强欠张伟3000元。", source(persons=["张伟", "张强"]))
    assert out == "张某甲与张某乙是兄弟，张某乙欠张某甲3000元。"


def test_ids_phones_and_case_numbers_removed_amounts_kept():
    text = (
        f"张伟（身份证号{ID}，电话139-1234-5678）借款12000元，另一号码0716-5123456，"
        "证人电话13800001111，身份证110101199003074477，"
        "案号2026-421022-000123，法院（2024）鄂1022民初123号，赔偿金额13500.50元。"
    )
    out = anonymise(text, source())
    assert ID not in out and "110101199003074477" not in out
    assert "1234-5678" not in out and "13800001111" not in out and "5123456" not in out
    assert "2026-421022-000123" not in out and "民初123号" not in out
    assert "12000元" in out and "13500.50元" in out
    assert leaks(out, source()) == []
    assert set(leaks(text, source())) == {"name", "id_number", "phone", "case_number"}


def test_an_18_digit_number_that_is_not_an_id_is_kept():
    # A bank transfer serial of 18 digits whose check digit does not fit.
    serial = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    assert serial in anonymise(f"转账流水号{serial}", source(id_numbers=[]))


def test_places_below_the_township_and_addresses():
    text = (
        "双方均住埠河镇新民村，张伟住公安县埠河镇新民村3组17号，王明住在幸福路18号3栋2单元501室。"
    )
    out = anonymise(text, source())
    assert "新民村" not in out and "幸福路" not in out and "501室" not in out
    assert "埠河镇某村" in out
    assert "某地" in out


def test_a_name_inside_another_word_is_left_alone():
    src = source(persons=["王明", "高峰", "金山"], kept_places=["金山镇", "公安县"])
    out = anonymise("王明亮作证，高峰期车多，高峰说愿意赔偿。金山镇的金山到场。", src)
    assert "王明亮作证" in out  # another person: not 王某亮
    assert "高峰期" in out  # a word, not the party
    assert "高某说" in out
    assert "金山镇的金某到场" in out
    assert leaks(out, src) == []


def test_empty_and_odd_texts():
    assert anonymise("", source()) == ""
    assert anonymise(None, source()) == ""
    assert leaks("", source()) == []
    assert anonymise("\x00张伟", source()) == "张某"
    assert anonymise("no names here 123", Source()) == "no names here 123"


def test_surnames():
    assert surname("欧阳娜娜") == "欧阳"
    assert surname("欧阳") == "欧"  # a two-character name is surname + given name
    assert surname("张伟") == "张"
    assert surname("John Smith") == ""
    assert anonymise("John Smith signed", Source(persons=["John Smith"])) == "某 signed"
