"""Targets: units and bounds, status against plan with the rule shown, and the import of actual values."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from luoshi import glossary
from luoshi.ledger.errors import InvalidValue
from luoshi.ledger.items import SourceRef
from luoshi.ledger.targets import (Accumulation, Actual, Bound, Direction, Entry, Period, Policy, RowError, Status,
                                   Target, TargetKind, TargetStatus, convert, from_report, goal_text, meets, plain,
                                   scale, status, template_header, template_rows, validate_actuals)

CST = timezone(timedelta(hours=8))
AT = datetime(2024, 10, 8, 9, tzinfo=CST)
GDP = Target(id="t-gdp", indicator="地区生产总值", measure="增长", value=5, unit="%", bound="以上", year=2024)
STATIONS = Target(id="c-ev", indicator="新能源充电站", value=40, unit="座", year=2024, kind="commitment",
                  lead_units=("县发改委",))


def actual(target: Target, period: str, value, at: datetime = AT) -> Actual:
    return Actual(target_id=target.id, period=period, value=value, entered_by="u-fgw", at=at)


@pytest.mark.parametrize("unit, expected", [
    ("万人", (D(10000), "人")), ("亿美元", (D(10) ** 8, "美元")), ("万亿斤", (D(10) ** 12, "斤")),
    ("%", (D(1), "%")), ("个百分点", (D(1), "百分点")), ("百分点", (D(1), "百分点")), ("公里", (D(1000), "米")),
    ("座", (D(1), "座")), (None, (D(1), "")), ("万千瓦", (D(10) ** 7, "瓦")), ("千瓦时", (D(1000), "瓦时")),
])
def test_scale_reads_the_magnitude_prefix(unit, expected):
    assert scale(unit) == expected


def test_convert_between_scaled_units():
    assert [convert(D("1.7"), "万人", "人"), convert(D(17000), "人", "万人"), convert(D("7260"), "万美元", "亿美元"),
            convert(D(5), "%", "亿元")] == [D(17000), D("1.7"), D("0.726"), None]


@pytest.mark.parametrize("word, bound", [("以上", Bound.AT_LEAST), ("以下", Bound.AT_MOST), ("以内", Bound.WITHIN),
                                         ("左右", Bound.ABOUT), ("区间", Bound.RANGE), ("about", Bound.ABOUT),
                                         (None, None), ("", None)])
def test_bound_reads_the_record_word_or_the_identifier(word, bound):
    assert Bound.parse(word) is bound


def test_an_unknown_bound_names_the_valid_ones():
    with pytest.raises(InvalidValue, match="界限“大约”无法识别：可选以上（at_least）、以下（at_most）、以内（within）、"
                                           "左右（about）、区间（range）"):
        Bound.parse("大约")


def test_glossary_has_every_term_of_targets():
    assert (set(glossary.terms("bound")), set(glossary.terms("target_status")), set(glossary.terms("target_kind"))) == (
        {b.value for b in Bound}, {s.value for s in Status}, {k.value for k in TargetKind})


def target(bound, value=5, value_max=None, indicator="地区生产总值", measure="增长", unit="%") -> Target:
    return Target(id="t", indicator=indicator, measure=measure, value=value, value_max=value_max, unit=unit,
                  bound=bound, year=2024)


@pytest.mark.parametrize("goal, actual, met", [
    (target("以上"), "5", True), (target("以上"), "4.99", False),
    (target("以内", indicator="城镇调查失业率", measure=None), "5", True),
    (target("以内", indicator="城镇调查失业率", measure=None), "5.1", False),
    (target("左右"), "4.5", True), (target("左右"), "4.4", False), (target("左右"), "6.2", True),  # beyond, better side
    (target("左右", 3, indicator="居民消费价格", measure="涨幅"), "0.2", True),  # a ceiling: lower is better
    (target("左右", 3, indicator="居民消费价格", measure="涨幅"), "3.6", False),
    (target("区间", "4.5", "5"), "4.7", True), (target("区间", "4.5", "5"), "4.4", False),
    (target(None, 40, measure=None, unit="座", indicator="新能源充电站"), "40", True),
    (target(None, 40, measure=None, unit="座", indicator="新能源充电站"), "39", False),
    (target(None, 30, measure=None, unit="微克/立方米", indicator="PM2.5年均浓度"), "31", False),
    (target("左右", "2.5", indicator="单位国内生产总值能耗", measure="降低"), "3", True),  # a bigger fall is better
])
def test_meets_by_bound_and_direction(goal, actual, met):
    assert meets(D(actual), goal) is met


def test_about_tolerance_and_overshoot_are_configurable():
    strict = Policy(about_points=D("0.2"), overshoot_counts=False)
    assert [meets(D(x), target("左右"), strict) for x in ("4.8", "4.7", "5.2", "5.3")] == [True, False, True, False]
    assert meets(D("38"), target("左右", 40, measure=None, unit="座", indicator="充电站")) is True  # 5 % of 40 is 2


def test_goal_text():
    assert [goal_text(GDP), goal_text(STATIONS), goal_text(target("左右")), goal_text(target("区间", "4.5", "5"))] == [
        "增长≥5%", "40座", "增长5%左右（±0.5个百分点）", "增长4.5%～5%"]


def test_accumulation_and_direction_are_inferred():
    assert [(t.how, t.better()) for t in (GDP, STATIONS, target(None, 30, measure=None, unit="微克/立方米",
                                                                   indicator="PM2.5年均浓度"))] == [
        (Accumulation.RATE, Direction.HIGHER), (Accumulation.CUMULATIVE, Direction.HIGHER),
        (Accumulation.RATE, Direction.LOWER)]


def test_a_rate_is_judged_by_its_latest_value():
    actuals = [actual(GDP, "2024-Q2", "5.2"), actual(GDP, "2024-Q3", "4.8")]
    assert status(GDP, actuals, date(2024, 10, 10)) == TargetStatus(
        Status.BEHIND, "目标增长≥5%，截至2024年三季度实际4.8%，未达目标", D("4.8"), None, Period(2024, 9, True))


def test_a_rate_on_track_then_achieved_or_missed_after_the_year():
    q3 = [actual(GDP, "2024-Q3", "5.1")]
    assert [status(GDP, q3, date(2024, 10, 10)).status, status(GDP, q3, date(2025, 1, 20)).rule,
            status(GDP, [actual(GDP, "2024-12", "4.9")], date(2025, 1, 20)).rule] == [
        Status.ON_TRACK, "目标增长≥5%，2024年实际5.1%（2024年三季度），已完成",
        "目标增长≥5%，2024年实际4.9%（2024年12月），未完成"]


def test_a_cumulative_target_is_compared_with_a_pro_rata_plan():
    assert status(STATIONS, [actual(STATIONS, "2024-Q3", 28)], date(2024, 10, 10)) == TargetStatus(
        Status.BEHIND, "目标40座，截至2024年三季度累计28座，按进度应达30座，进度滞后", D(28), D(30), Period(2024, 9, True))
    assert status(STATIONS, [actual(STATIONS, "2024-06", 21)], date(2024, 7, 10)).rule == (
        "目标40座，截至2024年6月累计21座，按进度应达20座，进度正常")


def test_a_floor_reached_early_is_achieved():
    assert status(STATIONS, [actual(STATIONS, "2024-10", 41)], date(2024, 11, 1)) == TargetStatus(
        Status.ACHIEVED, "目标40座，截至2024年10月累计41座，已达到全年目标", D(41), D(40), Period(2024, 10))


def test_per_period_values_are_summed():
    monthly = Target(id="c-jobs", indicator="城镇新增就业", value="1.7", unit="万人", year=2024, entry=Entry.PER_PERIOD)
    actuals = [actual(monthly, f"2024-{m:02d}", "0.15") for m in range(1, 7)]
    assert status(monthly, actuals, date(2024, 7, 5)) == TargetStatus(
        Status.ON_TRACK, "目标1.7万人，截至2024年6月累计0.9万人，按进度应达0.85万人，进度正常", D("0.90"), D("0.85"),
        Period(2024, 6))


def test_per_period_months_and_quarters_are_not_counted_twice():
    monthly = Target(id="c-jobs", indicator="城镇新增就业", value=6500, unit="人", year=2024, entry="per_period")
    actuals = [actual(monthly, "2024-Q1", 1500), actual(monthly, "2024-Q2", 1600), actual(monthly, "2024-04", 500),
               actual(monthly, "2024-05", 600)]
    assert status(monthly, actuals, date(2024, 6, 10)).actual == D(2600)  # Q1, then April and May over Q2


def test_a_later_entry_corrects_an_earlier_one_for_the_same_period():
    first, fixed = actual(GDP, "2024-Q3", "4.6"), actual(GDP, "2024-Q3", "5.0", AT + timedelta(days=2))
    assert status(GDP, [fixed, first], date(2024, 10, 20)).actual == D("5.0")


def test_no_data():
    none = Target(id="t-inc", indicator="居民收入", value=None, year=2024)
    assert [status(none, [], date(2024, 5, 1)).rule, status(GDP, [], date(2024, 5, 1)).rule,
            status(GDP, [], date(2025, 2, 1)).rule, status(GDP, [], date(2023, 12, 1)).rule,
            status(GDP, [actual(GDP, "2023-12", 6)], date(2024, 5, 1)).status] == [
        "居民收入（无量化目标），不作数值判断", "目标增长≥5%，截至目前尚无实际值", "目标增长≥5%，2024年已结束尚无实际值",
        "目标增长≥5%，2024年尚未开始", Status.NO_DATA]


def test_lower_is_better_note_is_shown():
    cpi = target("左右", 3, indicator="居民消费价格", measure="涨幅")
    assert status(cpi, [Actual(target_id="t", period="2024-12", value="0.2", entered_by="u", at=AT)],
                  date(2025, 1, 10)).rule == "目标涨幅3%左右（±0.5个百分点），2024年实际0.2%（2024年12月），已完成（低于目标，该指标越低越好）"


def test_from_record():
    rec = {"text": "新建新能源充电站40座", "span": [10, 21], "indicator": "新能源充电站", "value": 40, "unit": "座",
           "bound": None}
    t = Target.from_record(rec, id="c-1", year=2024, kind="commitment", document="qingxi_2024.txt",
                           path="commitments[13]", lead_units=("县发改委",))
    assert (t.id, t.indicator, t.value, t.unit, t.bound, t.year, t.kind, t.text, t.source.span, t.lead_units) == (
        "c-1", "新能源充电站", D(40), "座", None, 2024, TargetKind.COMMITMENT, "新建新能源充电站40座", (10, 21),
        ("县发改委",))


def test_from_report():
    report = {"source": "qingxi_2024.txt", "plan_year": 2024, "targets": [
        {"text": "地区生产总值增长6%左右", "span": [900, 911], "indicator": "地区生产总值", "measure": "增长", "value": 6,
         "unit": "%", "bound": "左右", "year": 2024}],
        "commitments": [{"text": "新建新能源充电站40座", "span": [1888, 1899], "indicator": "新能源充电站", "value": 40,
                         "unit": "座", "bound": None}]}
    assert [(t.id, t.kind, t.year, t.bound, t.source) for t in from_report(report)] == [
        ("qingxi_2024.txt-t1", TargetKind.TARGET, 2024, Bound.ABOUT,
         SourceRef("qingxi_2024.txt", (900, 911), "targets[0]")),
        ("qingxi_2024.txt-c1", TargetKind.COMMITMENT, 2024, None,
         SourceRef("qingxi_2024.txt", (1888, 1899), "commitments[0]"))]


@pytest.mark.parametrize("text, period", [
    ("2024-03", Period(2024, 3)), ("2024-3", Period(2024, 3)), ("2024/11", Period(2024, 11)),
    ("2024年3月", Period(2024, 3)), ("2024-Q3", Period(2024, 9, True)), ("2024q1", Period(2024, 3, True)),
    ("2024年三季度", Period(2024, 9, True)), ("2024年第4季度", Period(2024, 12, True)),
])
def test_period_forms(text, period):
    assert Period.parse(text) == period


def test_spreadsheet_cells_read_as_dates_and_floats():
    rows = [{"指标编号": 12.0, "期间": datetime(2024, 3, 1), "实际值": 4.8}]
    twelve = Target(id="12", indicator="地区生产总值", value=5, unit="%", year=2024)
    assert validate_actuals(rows, [twelve], entered_by="dc1", at=AT) == (
        [Actual(target_id="12", period=Period(2024, 3), value=D("4.8"), entered_by="dc1", at=AT)], [])


def test_period_labels_and_a_bad_period():
    assert [Period(2024, 9, True).key, Period(2024, 9, True).label, Period(2024, 3).key, Period(2024, 3).label] == [
        "2024-Q3", "2024年三季度", "2024-03", "2024年3月"]
    with pytest.raises(InvalidValue, match="期间“2024-13”不是月份或季度：请写成 2024-03 或 2024-Q3"):
        Period.parse("2024-13")


# -- import ------------------------------------------------------------------------------------------------

JOBS = Target(id="c-jobs", indicator="城镇新增就业", value=6500, unit="人", year=2024)
TARGETS = [GDP, STATIONS, JOBS]


def test_template():
    assert template_header() == ["指标编号", "指标名称", "期间", "实际值", "单位", "备注"]
    assert template_rows([GDP, STATIONS]) == [["t-gdp", "地区生产总值", "", "", "%", ""],
                                              ["c-ev", "新能源充电站", "", "", "座", ""]]


def test_valid_rows_become_actuals_in_the_target_unit():
    rows = [{"指标编号": "t-gdp", "指标名称": "地区生产总值", "期间": "2024-Q3", "实际值": "4.8%", "单位": "", "备注": ""},
            {"指标编号": "c-jobs", "期间": "2024年9月", "实际值": 0.52, "单位": "万人"},
            {"target_id": "c-ev", "period": "2024-09", "value": "28", "note": "含专用站"},
            {"指标编号": "", "期间": None, "实际值": ""}]
    actuals, errors = validate_actuals(rows, TARGETS, entered_by="dc1", at=AT)
    assert (actuals, errors) == ([
        Actual(target_id="t-gdp", period=Period(2024, 9, True), value=D("4.8"), entered_by="dc1", at=AT),
        Actual(target_id="c-jobs", period=Period(2024, 9), value=D(5200), entered_by="dc1", at=AT),
        Actual(target_id="c-ev", period=Period(2024, 9), value=D(28), entered_by="dc1", at=AT, note="含专用站"),
    ], [])


def test_each_bad_cell_is_named_by_row_and_column_and_nothing_is_imported():
    rows = [{"指标编号": "t-gdp", "期间": "2024-Q3", "实际值": "4.8"},
            {"指标编号": "t-gpd", "期间": "2024-Q3", "实际值": "4.8"},
            {"指标编号": "c-ev", "期间": "2024-13", "实际值": "二十"},
            {"指标编号": "c-jobs", "期间": "2023-12", "实际值": "6000", "单位": "座"},
            {"指标编号": "t-gdp", "指标名称": "国内生产总值", "期间": "2024Q3", "实际值": "5"},
            {"指标编号": "c-ev", "期间": "", "实际值": "3"}]
    actuals, errors = validate_actuals(rows, TARGETS, entered_by="dc1", at=AT)
    assert actuals == []
    assert errors == [
        RowError(3, "指标编号", "t-gpd", "no target 't-gpd'; known targets: c-ev, c-jobs, t-gdp"),
        RowError(4, "期间", "2024-13", "期间“2024-13”不是月份或季度：请写成 2024-03 或 2024-Q3"),
        RowError(4, "实际值", "二十", "'二十' is not a number; write e.g. 4.8 (in 座)"),
        RowError(5, "期间", "2023-12", "c-jobs is a target for 2024; write a period of 2024, e.g. 2024-03 or 2024-Q3"),
        RowError(5, "单位", "座", "'座' cannot be converted to 城镇新增就业's unit '人'; leave it empty or write '人'"),
        RowError(6, "指标名称", "国内生产总值", "t-gdp is '地区生产总值', not '国内生产总值'; check the target id"),
        RowError(6, "期间", "2024Q3", "t-gdp 2024-Q3 is already given in row 2; give each target one value per period"),
        RowError(7, "期间", "", "期间 is empty; write e.g. 2024-03 / 2024-Q3"),
    ]


def test_a_missing_column_is_reported_on_the_header_row():
    actuals, errors = validate_actuals([{"指标编号": "t-gdp", "实际值": "4.8"}], TARGETS, entered_by="dc1", at=AT)
    assert (actuals, errors) == ([], [RowError(1, "期间", None, "the header has no column 期间 (period); the template's "
                                                                "columns are 指标编号, 指标名称, 期间, 实际值, 单位, 备注")])


def test_plain_json_of_a_status_and_an_actual():
    st = status(STATIONS, [actual(STATIONS, "2024-Q3", 28)], date(2024, 10, 10))
    assert (plain(st), plain(actual(GDP, "2024-03", "5.10"))) == (
        {"status": "behind", "rule": "目标40座，截至2024年三季度累计28座，按进度应达30座，进度滞后", "actual": "28", "plan": "30",
         "period": "2024-Q3"},
        {"target_id": "t-gdp", "period": "2024-03", "value": "5.1", "entered_by": "u-fgw",
         "at": "2024-10-08T01:00:00+00:00", "note": None})


def test_accumulation_can_be_set_for_a_percentage_built_up_over_the_year():
    share = Target(id="t-rd", indicator="研发投入完成率", value=5, unit="%", bound="以上", year=2024,
                   accumulation=Accumulation.CUMULATIVE)
    assert status(share, [Actual(target_id="t-rd", period="2024-Q3", value="4.8", entered_by="u", at=AT)],
                  date(2024, 10, 10)) == TargetStatus(
        Status.ON_TRACK, "目标≥5%，截至2024年三季度累计4.8%，按进度应达3.75%，进度正常", D("4.8"), D("3.75"),
        Period(2024, 9, True))
