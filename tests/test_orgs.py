"""Units (单位): their 公文 forms, the alias table, keys that compare a unit's forms, mentions in running text,
and a user's alias file."""

from __future__ import annotations

import json
import re
import time

import pytest

from luoshi.errors import LuoshiError
from luoshi.extract import orgs
from luoshi.extract.orgs import (canonical, default_table, find_units, is_unit, load_aliases, split_units,
                                 suffix_strength, trie_pattern, unit_id, unit_key, use_table)


def test_is_unit_by_form():
    names = ["市商务局", "卫健委", "各地各部门", "各县（市、区）", "全市上下", "相关部门", "团市委", "海关", "港区",
             "科教新城", "人行青山支行", "消防救援大队", "娄江街道", "市纪委监委", "青山镇人民政府"]
    assert [n for n in names if not is_unit(n)] == []
    assert [is_unit(n) for n in ["会议", "加快推进", "张三", "市", "市商务局要加快。", ""]] == [False] * 6


def test_suffix_strength():
    assert [suffix_strength(n) for n in ["市发改委", "海关", "市红十字会", "市重点处", "李明"]] == [2, 2, 2, 1, 0]


def test_split_units_keeps_the_first_draft_behaviour():
    assert split_units("市商务局、卫健委和市财政局以及各镇") == ["市商务局", "卫健委", "市财政局", "各镇"]


def test_canonical_writes_aliases_in_full():
    names = ["市卫健委", "发改委", "县政府办", "市综指中心", "区人社局", "市委统战部", "市城发集团", "团市委"]
    assert [canonical(n) for n in names] == [
        "市卫生健康委员会", "发展和改革委员会", "县人民政府办公室", "市综合指挥中心", "区人力资源和社会保障局",
        "市委统一战线工作部", "市城发集团", "共青团委员会"]


def test_unit_key_compares_a_units_forms_at_any_level_and_place():
    groups = [
        ["市卫健委", "卫健委", "青山市卫生健康委员会", "县卫生健康委", "江南省青山市卫健委"],
        ["市市场监管局", "青山市市场监督管理局", "市场监管局"],
        ["市委宣传部", "中共青山市委宣传部", "县委宣传部"],
        ["青山生态环境局", "市生态环境局"],
        ["青山高新区", "高新区", "高新技术产业开发区"],
        ["市城发集团", "青山市城发集团"],
    ]
    assert [sorted({unit_key(n) for n in g}) for g in groups] == [
        ["卫生健康委员会"], ["市场监督管理局"], ["宣传部"], ["生态环境局"], ["高新技术产业开发区"], ["城发集团"]]
    # A zone's or a town's unit is its own, not the city's.
    assert [unit_key(n) for n in ["港区公安局", "城厢镇人民政府"]] == ["港区公安局", "城厢镇人民政府"]


def test_unit_id():
    assert [unit_id(n) for n in ["市发改委", "县委组织部", "海关", "市城发集团"]] == [
        "ndrc", "organisation_dept", "customs", None]


def test_alias_table_ids_are_unique():
    ids = [u.id for u in default_table().units]
    assert len(ids) == len(set(ids))


def test_find_units_in_running_text():
    text = ("会后由市发改委牵头，市财政局、卫健委配合，各地各部门要抓紧落实；城厢镇、沙溪镇要在年底前完成。"
            "通过平台办理业务，形成良好局面，全市上下要坚定信心，推进城镇化，市场主体增加。")
    assert find_units(text) == [(3, 7, "市发改委"), (10, 14, "市财政局"), (15, 18, "卫健委"),
                                (21, 26, "各地各部门"), (32, 35, "城厢镇"), (36, 39, "沙溪镇"),
                                (63, 67, "全市上下")]
    assert find_units(text, 10, 30) == [(10, 14, "市财政局"), (15, 18, "卫健委"), (21, 26, "各地各部门")]


def test_find_units_structural_and_known_forms():
    text = "市委宣传部、团市委负责宣传，市城发集团负责实施，青山市人民政府办公室印发；高新区、港区、科教新城要加强协调。"
    assert [name for _, _, name in find_units(text)] == [
        "市委宣传部", "团市委", "市城发集团", "市人民政府办公室", "高新区", "港区", "科教新城"]


def test_find_units_is_linear():
    text = "会后由市发改委牵头，市财政局、卫健委配合，各地各部门要抓紧落实，推进城镇化，形成良好局面。" * 5000
    start = time.perf_counter()
    found = find_units(text)
    assert len(found) == 4 * 5000
    assert time.perf_counter() - start < 2.0  # ~230 K chars; about 0.2 s on a laptop


def test_trie_pattern_prefers_the_longest_word():
    rx = re.compile(trie_pattern(["委", "委员会", "委办", "局"]))
    assert [m.group() for m in rx.finditer("委员会委办局委")] == ["委员会", "委办", "局", "委"]


def test_load_aliases_extends_the_table(tmp_path):
    path = tmp_path / "aliases.json"
    path.write_text(json.dumps({"units": [
        {"id": "big_data", "name": "大数据管理中心", "aliases": ["大数据中心", "数管中心"]},
        {"id": "ndrc", "name": "发展和改革委员会", "aliases": ["发改委", "发展改革委", "发改"]},
    ]}, ensure_ascii=False), encoding="utf-8")
    table = load_aliases(path)
    assert [table.canonical("市数管中心"), table.unit_key("县大数据中心"), table.unit_id("市发改")] == [
        "市大数据管理中心", "大数据管理中心", "ndrc"]
    assert canonical("市数管中心") == "市数管中心"  # the default table is left alone
    previous = default_table()
    use_table(table)
    try:
        assert [canonical("市数管中心"), [n for _, _, n in find_units("由市数管中心牵头")]] == [
            "市大数据管理中心", ["市数管中心"]]
    finally:
        use_table(previous)
    assert canonical("市数管中心") == "市数管中心"


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"units": {"id": "x"}}', "expected"),
    ('{"units": [{"name": "大数据中心"}]}', "needs a string `id` and `name`"),
    ('{"units": [{"id": "x", "name": "大数据中心", "aliases": "数管中心"}]}', "`aliases` must be a list"),
])
def test_load_aliases_names_the_file_and_the_fault(tmp_path, content, message):
    path = tmp_path / "aliases.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LuoshiError, match=re.escape(message)) as info:
        load_aliases(path)
    assert str(path) in str(info.value)


def test_load_aliases_missing_file(tmp_path):
    with pytest.raises(LuoshiError, match="cannot read the alias file"):
        load_aliases(tmp_path / "absent.json")


def test_module_functions_use_the_default_table():
    assert orgs.default_table() is orgs._DEFAULT


def test_only_units_can_be_handed_an_item():
    from luoshi.extract.orgs import assignable, owner_kind

    kinds = {name: owner_kind(name) for name in [
        "市商务局", "卫健委", "区市场监督管理局", "城东镇", "高新区", "创卫指挥部",
        "全市上下", "各地各部门", "各街道(镇)",
        "财政部门", "相关职能部门", "县级有关部门", "乡镇", "住建",
        "市领导", "区政府班子成员", "各分管区长",
        "报告起草组", "安全生产各专委会"]}
    assert kinds == {
        "市商务局": "unit", "卫健委": "unit", "区市场监督管理局": "unit", "城东镇": "unit", "高新区": "unit",
        "创卫指挥部": "unit",
        "全市上下": "collective", "各地各部门": "collective", "各街道(镇)": "collective",
        "财政部门": "generic", "相关职能部门": "generic", "县级有关部门": "generic", "乡镇": "generic", "住建": "generic",
        "市领导": "leader", "区政府班子成员": "leader", "各分管区长": "leader",
        "报告起草组": "group", "安全生产各专委会": "group"}
    assert [n for n in kinds if assignable(n)] == ["市商务局", "卫健委", "区市场监督管理局", "城东镇", "高新区", "创卫指挥部"]
