"""Quantities in Chinese official text: numbers, magnitudes, units, bounds, ranges, and what is not one."""

from __future__ import annotations

import pytest

from luoshi.extract.quantities import chinese_value, find_quantities, number_value


def found(text: str) -> list[tuple]:
    return [(text[q.start:q.end], q.value, q.value_max, q.unit, q.bound, q.rule) for q in find_quantities(text)]


@pytest.mark.parametrize("text, expected", [
    ("地区生产总值增长5%以上", [("5%以上", 5, None, "%", "以上", "unit.percent")]),
    ("增长4.5%—5%", [("4.5%—5%", 4.5, 5, "%", "区间", "unit.percent")]),
    ("增长4.5—5%", [("4.5—5%", 4.5, 5, "%", "区间", "unit.percent")]),
    ("新建新能源充电站40座", [("40座", 40, None, "座", None, "unit.count")]),
    ("力争城镇新增就业1.7万人", [("1.7万人", 1.7, None, "万人", None, "unit.people")]),
    ("研发经费投入超92亿元", [("超92亿元", 92, None, "亿元", "以上", "unit.money")]),
    ("国内生产总值超过126万亿元", [("超过126万亿元", 126, None, "万亿元", "以上", "unit.money")]),
    ("城镇调查失业率控制在5.5%以内", [("5.5%以内", 5.5, None, "%", "以内", "unit.percent")]),
    ("提高0.4个百分点", [("0.4个百分点", 0.4, None, "个百分点", None, "unit.percent")]),
    ("受理诉求166万余件", [("166万余件", 166, None, "万件", "以上", "unit.count")]),
    ("减少约1500亿元", [("约1500亿元", 1500, None, "亿元", "左右", "unit.money")]),
    ("家庭医生签约1.5万人", [("1.5万人", 1.5, None, "万人", None, "unit.people")]),
    ("粮食产量1.3万亿斤以上", [("1.3万亿斤以上", 1.3, None, "万亿斤", "以上", "unit.mass")]),
    ("一千二百万吨钢", [("一千二百万吨", 1200, None, "万吨", None, "unit.mass")]),
    ("物价上涨百分之十五左右", [("百分之十五左右", 15, None, "%", "左右", "unit.percent")]),
    ("增长百分之三点五", [("百分之三点五", 3.5, None, "%", None, "unit.percent")]),
    ("投资10亿—20亿元", [("10亿—20亿元", 10, 20, "亿元", "区间", "unit.money")]),
    ("全年增长５％", [("５％", 5, None, "％", None, "unit.percent")]),
    ("增长4.5％—5％", [("4.5％—5％", 4.5, 5, "％", "区间", "unit.percent")]),
    ("补助3万元—5万元", [("3万元—5万元", 3, 5, "万元", "区间", "unit.money")]),
    ("增长5%、6%", [("5%", 5, None, "%", None, "unit.percent"), ("6%", 6, None, "%", None, "unit.percent")]),
])
def test_quantities_are_read_with_unit_and_bound(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "PM2.5年均浓度",  # a name with digits
    "G60科创走廊", "国产大飞机C919", "建成5G", "“十四五”规划", "十五五时期",
    "2024年1月9日", "2021—2023年", "新中国成立75周年",  # years, dates, anniversaries
    "位列全国第22位", "第三代社保卡", "行业前5名",  # ordinals and ranks
    "三大工程", "五个方面", "两所大学", "一个半小时",  # set phrases with a single Chinese digit
    "世界500强", "推动10亿、50亿级项目", "604省道", "110千伏变电站", "港城广场1号楼",
    "深化“十个百万”拥军实事项目",  # a quoted name
    "千万不能松懈", "一二三产业",
])
def test_names_years_ordinals_and_set_phrases_are_not_quantities(text):
    assert found(text) == []


def test_several_quantities_in_one_sentence_keep_their_order():
    text = "完成一般公共预算收入189.4亿元、其中税收收入160.3亿元，同比分别增长6.5%和9.8%。"
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(189.4, "亿元"), (160.3, "亿元"), (6.5, "%"), (9.8, "%")]


def test_search_stays_inside_the_given_range():
    text = "甲增长5%，乙增长6%，丙增长7%"
    assert [q.value for q in find_quantities(text, 5, 11)] == [6]


def test_numerals():
    assert [number_value(s) for s in ("5", "4.05", "１２", "四百", "三点五", "百分之十五")] == [5, 4.05, 12, 400, 3.5, 15]
    assert [chinese_value(s) for s in ("十五", "两万", "一千零五", "一万亿", "二〇二三", "一二三", "千万")] == \
        [15, 20000, 1005, 10 ** 12, None, None, None]


def test_long_texts_without_quantities_are_scanned_quickly():
    import time

    text = "一二三四五六七八九十百千万亿点" * 20000 + "增长5%"
    start = time.perf_counter()
    assert [q.value for q in find_quantities(text)] == [5]
    assert time.perf_counter() - start < 2.0
