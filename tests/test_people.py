"""Person names in 公文 lists: the surname table, names by their form, a unit or a title written before a name."""

from __future__ import annotations

from luoshi.extract.people import SURNAMES, is_person_name, split_org_person, strip_honorific, surname_of


def test_surname_table_has_single_and_compound_surnames():
    assert [SURNAMES.get(s) for s in ["王", "覃", "欧阳", "司马", "公"]] == [
        "common", "common", "compound", "compound", "rare"]
    assert [surname_of(s) for s in ["欧阳文", "欧阳", "王晨清", "荚恒星"]] == ["欧阳", "欧", "王", None]


def test_is_person_name():
    names = ["王晨清", "张翼", "欧阳文", "司马相如", "阿不都·热合曼", "覃涛"]
    assert [is_person_name(n) for n in names] == [True] * len(names)
    not_names = ["代表", "有关", "市政府办", "高新区", "王晨清市", "李四王五", "张", "市长", "王局", "Smith"]
    assert [is_person_name(n) for n in not_names] == [False] * len(not_names)


def test_an_unknown_surname_passes_only_when_lenient():
    assert [is_person_name("荚恒星"), is_person_name("荚恒星", lenient=True), is_person_name("局严枫", lenient=True)] == [
        False, True, False]


def test_split_org_person_reads_the_unit_before_a_name():
    cases = ["市政府办王晨清", "市人大顾建康", "港区李峰", "科教新城朱琼", "青山生态环境局沈玉其", "人行青山支行林立彬",
             "团市委尹彦青", "海关沈建培", "市检验检测中心荚恒星", "市发改委欧阳文", "县民宗局买买提·艾力"]
    assert [split_org_person(c) for c in cases] == [
        ("市政府办", "王晨清"), ("市人大", "顾建康"), ("港区", "李峰"), ("科教新城", "朱琼"),
        ("青山生态环境局", "沈玉其"), ("人行青山支行", "林立彬"), ("团市委", "尹彦青"), ("海关", "沈建培"),
        ("市检验检测中心", "荚恒星"), ("市发改委", "欧阳文"), ("县民宗局", "买买提·艾力")]


def test_split_org_person_drops_titles_and_honorifics():
    cases = ["副市长张三", "张三副市长", "张三同志", "市政府秘书长王某", "县发改委主任孙立", "县财政局局长周平同志", "王晨清"]
    assert [split_org_person(c) for c in cases] == [
        (None, "张三"), (None, "张三"), (None, "张三"), ("市政府", "王某"), ("县发改委", "孙立"), ("县财政局", "周平"),
        (None, "王晨清")]


def test_split_org_person_without_a_name():
    assert [split_org_person(c) for c in ["市委宣传部", "市人大顾建康市政协", "会议", ""]] == [(None, None)] * 4


def test_strip_honorific():
    assert [strip_honorific(s) for s in ["张三同志", "同志", "李四"]] == ["张三", "同志", "李四"]
