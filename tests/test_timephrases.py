"""Due phrases of directives and the dates they fix relative to the date of the document."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.extract.timephrases import Due, best_due, find_due, resolve

REF = date(2023, 12, 29)  # a Friday


@pytest.mark.parametrize("phrase, expected", [
    ("年底前", date(2023, 12, 31)),
    ("年内", date(2023, 12, 31)),
    ("今年底前", date(2023, 12, 31)),
    ("明年上半年", date(2024, 6, 30)),
    ("6月底前", date(2024, 6, 30)),  # already past this year: next year's June
    ("六月底前", date(2024, 6, 30)),
    ("6月30日前", date(2024, 6, 30)),
    ("上半年", date(2024, 6, 30)),
    ("三季度末", date(2024, 9, 30)),
    ("一季度", date(2024, 3, 31)),
    ("春节前", date(2024, 2, 9)),
    ("国庆节前", date(2024, 9, 30)),
    ("下月", date(2024, 1, 31)),
    ("下月中旬", date(2024, 1, 20)),
    ("月底前", date(2023, 12, 31)),
    ("本周", date(2023, 12, 31)),
    ("下周", date(2024, 1, 7)),
    ("10个工作日内", date(2024, 1, 12)),
    ("十个工作日内", date(2024, 1, 12)),
    ("15日内", date(2024, 1, 13)),
    ("3个月内", date(2024, 3, 29)),
    ("2024年", date(2024, 12, 31)),
    ("2024年6月", date(2024, 6, 30)),
    ("2024年6月底前", date(2024, 6, 30)),
    ("二〇二四年三月底前", date(2024, 3, 31)),
    ("2025年底前", date(2025, 12, 31)),
    ("尽快", None),
    ("及时", None),
    ("抓紧", None),
    ("市“两会”期间", None),
])
def test_resolve(phrase, expected):
    assert resolve(phrase, REF) == expected


def test_phrases_in_running_text():
    text = "县农业农村局要会同各乡镇于2024年3月底前完成村庄清洁行动，10个工作日内报送方案"
    assert find_due(text, REF) == [
        Due(13, 22, "2024年3月底前", date(2024, 3, 31), "month", 3),
        Due(31, 38, "10个工作日内", date(2024, 1, 12), "workdays", 3),
    ]


def test_a_year_in_a_noun_phrase_is_no_due():
    assert find_due("对2024年政府工作意见建议进行梳理", REF) == []
    assert find_due("听取2024年度民生实事项目安排情况", REF) == []
    assert [d.text for d in find_due("力争2024年全面建成", REF)] == ["2024年"]


def test_a_date_just_past_is_a_reference_not_a_due():
    # 传达了7月30日…全会精神, in a minute of 2 August: the date is of the past meeting.
    assert find_due("传达了7月30日中共苏州市委全会精神", date(2023, 8, 2)) == []


def test_without_a_reference_only_stated_years_are_dated():
    assert resolve("2024年6月底前", None) == date(2024, 6, 30)
    assert resolve("年底前", None) is None
    assert resolve("10个工作日内", None) is None
    assert [d.text for d in find_due("年底前完成", None)] == ["年底前"]


def test_the_most_definite_phrase_dates_a_directive():
    assert best_due("要抓紧督促全市医疗机构配齐人员，尽快整改到位", REF).text == "尽快"
    assert best_due("抓紧组织实施，确保年底前全面完工", REF).text == "年底前"
    assert best_due("在市“两会”期间，要做好对2024年政府工作意见建议的记录工作", REF).text == "市“两会”期间"
    assert best_due("要进一步完善工作机制", REF) is None


def test_words_that_only_look_like_dues():
    assert find_due("去年底已完成", REF) == []
    assert find_due("每月底前报送进度", REF) == []
    assert find_due("进入下周期", REF) == []


def test_a_month_just_past_is_not_read_as_this_month():
    assert [(d.text, d.date) for d in find_due("完成时限：4月底前", date(2024, 5, 8))] == []
    assert [(d.text, d.date) for d in find_due("本月底前报送", date(2024, 5, 8))] == [("本月底前", date(2024, 5, 31))]
