"""Work reports (政府工作报告): head, years, targets, commitments, results of the year and the glossary."""

from __future__ import annotations

import pytest

from conftest import ROOT, SHARED, gold, needs_shared, seed_text
from luoshi.extract import extract
from luoshi.extract.document import squash
from luoshi.extract.reports import split_indicator

REPORTS = SHARED / "corpus" / "reports"

# A fictional city's report, in the layout of a county's printed report.
QINGSHAN = """政府工作报告
——2024年1月9日在青山市第十七届人民代表大会第四次会议上
青山市人民政府市长  李明
各位代表：
现在，我代表市人民政府，向大会报告工作，请予审议。
一、2023年工作回顾
过去一年，全市地区生产总值增长6.1%，一般公共预算收入189.4亿元。建成“一城两带”示范区3个。
二、2024年工作安排
今年经济社会发展的主要预期目标是：地区生产总值增长5%以上；城镇调查失业率控制在5%以内；规上工业增加值增长4.5%—5%；居民收入增长和经济增长同步；完成上级下达的约束性指标任务。
新建新能源充电站40座，力争城镇新增就业1.7万人，推动研发投入超92亿元。打造15分钟便民生活圈。今年是新中国成立75周年，重点抓好以下5个方面工作。
名词解释：
1.“五大行动”：指科技创新、产业升级、城市更新、乡村振兴、民生改善五个方面的专项行动。
"""


def brief(records: list[dict]) -> list[tuple]:
    return [(r["text"], r["indicator"], r["measure"], r["value"], r.get("value_max"), r["unit"], r["bound"], r["year"])
            for r in records]


def test_fictional_report_head_and_years():
    r = extract(QINGSHAN, "qingshan.txt")
    assert {k: r[k] for k in ("doc_type", "title", "issued", "speaker", "occasion", "review_year", "plan_year")} == {
        "doc_type": "work_report", "title": "政府工作报告", "issued": "2024-01-09", "speaker": "李明",
        "occasion": "青山市第十七届人民代表大会第四次会议", "review_year": 2023, "plan_year": 2024}


def test_fictional_report_targets():
    r = extract(QINGSHAN, "qingshan.txt")
    assert brief(r["targets"]) == [
        ("地区生产总值增长5%以上", "地区生产总值", "增长", 5, None, "%", "以上", 2024),
        ("城镇调查失业率控制在5%以内", "城镇调查失业率", "控制在", 5, None, "%", "以内", 2024),
        ("规上工业增加值增长4.5%—5%", "规上工业增加值", "增长", 4.5, 5, "%", "区间", 2024),
        ("居民收入增长和经济增长同步", "居民收入", None, None, None, None, None, 2024),
    ]
    assert [t["rule"] for t in r["targets"]] == ["target.cue/unit.percent"] * 3 + ["target.in_step"]


def test_fictional_report_commitments_and_achievements():
    r = extract(QINGSHAN, "qingshan.txt")
    assert brief(r["commitments"]) == [
        ("新建新能源充电站40座", "新能源充电站", "新建", 40, None, "座", None, 2024),
        ("力争城镇新增就业1.7万人", "城镇新增就业", None, 1.7, None, "万人", None, 2024),
        ("推动研发投入超92亿元", "研发投入", None, 92, None, "亿元", "以上", 2024),
    ]
    assert brief(r["achievements"]) == [
        ("全市地区生产总值增长6.1%", "地区生产总值", "增长", 6.1, None, "%", None, 2023),
        ("一般公共预算收入189.4亿元", "一般公共预算收入", None, 189.4, None, "亿元", None, 2023),
        ("建成“一城两带”示范区3个", "“一城两带”示范区", "建成", 3, None, "个", None, 2023),
    ]


def test_fictional_report_glossary_and_spans():
    r = extract(QINGSHAN, "qingshan.txt")
    assert [(g["term"], g["definition"]) for g in r["glossary"]] == [
        ("五大行动", "指科技创新、产业升级、城市更新、乡村振兴、民生改善五个方面的专项行动。")]
    for rec in r["targets"] + r["commitments"] + r["achievements"]:
        start, end = rec["span"]
        assert squash(QINGSHAN[start:end]) == rec["text"]


def test_a_report_without_targets_or_plan_yields_empty_lists():
    r = extract("各位代表：\n现在，我代表市人民政府向大会报告工作。\n一、工作回顾\n过去一年，我们做了很多工作。\n", "x.txt",
                doc_type="work_report")
    assert (r["targets"], r["commitments"], r["glossary"]) == ([], [], [])


@needs_shared
def test_seed_report_matches_gold_targets_and_glossary():
    g, r = gold("002"), extract(seed_text("002"), "002.txt")
    assert [(t["text"], t["value"], t["unit"], t["bound"]) for t in r["targets"]] == \
        [(t["quote"], t["value"], t["unit"], t["bound"]) for t in g["targets"]]
    assert [x["term"] for x in r["glossary"]] == [x["term"] for x in g["glossary"]]
    assert (r["speaker"], r["occasion"], r["review_year"], r["plan_year"]) == \
        (g["speaker"], g["occasion"], g["review_year"], g["plan_year"])


def state_council(year: int) -> dict:
    [path] = (REPORTS / "state_council").glob(f"{year}年*政府工作报告.txt")
    return extract(path.read_text(encoding="utf-8"), path.name)


@needs_shared
def test_state_council_2024_targets():
    r = state_council(2024)
    assert (r["review_year"], r["plan_year"], r["speaker"], r["issued"]) == (2023, 2024, "李强", "2024-03-05")
    assert [(t["text"], t["value"], t["unit"], t["bound"], t["year"]) for t in r["targets"]] == [
        ("国内生产总值增长5%左右", 5, "%", "左右", 2024),
        ("城镇新增就业1200万人以上", 1200, "万人", "以上", 2024),
        ("城镇调查失业率5.5%左右", 5.5, "%", "左右", 2024),
        ("居民消费价格涨幅3%左右", 3, "%", "左右", 2024),
        ("居民收入增长和经济增长同步", None, None, None, 2024),
        ("国际收支保持基本平衡", None, None, None, 2024),
        ("粮食产量1.3万亿斤以上", 1.3, "万亿斤", "以上", 2024),
        ("单位国内生产总值能耗降低2.5%左右", 2.5, "%", "左右", 2024),
        ("生态环境质量持续改善", None, None, None, 2024),
    ]


@needs_shared
def test_state_council_2025_states_the_2024_results():
    r = state_council(2025)
    assert (r["review_year"], r["plan_year"]) == (2024, 2025)
    results = {(a["indicator"], a["value"], a["unit"]) for a in r["achievements"]}
    assert {("国内生产总值", 134.9, "万亿元"), ("国内生产总值", 5, "%"), ("城镇新增就业", 1256, "万人"),
            ("居民消费价格", 0.2, "%")} <= results
    assert {a["year"] for a in r["achievements"]} == {2024}
    assert [t["text"] for t in r["targets"]][:3] == ["国内生产总值增长5%左右", "城镇调查失业率5.5%左右", "城镇新增就业1200万人以上"]


@needs_shared
def test_provincial_report_behind_web_page_leftovers():
    [path] = (REPORTS / "provincial_2026").glob("2026_北京市_*.txt")
    r = extract(path.read_text(encoding="utf-8"), path.name)
    assert {k: r[k] for k in ("title", "issued", "speaker", "occasion", "review_year", "plan_year")} == {
        "title": "2026年北京市政府工作报告", "issued": "2026-01-25", "speaker": "殷勇",
        "occasion": "北京市第十六届人民代表大会第四次会议", "review_year": 2025, "plan_year": 2026}
    assert [(t["indicator"], t["value"], t["bound"]) for t in r["targets"]] == [
        ("地区生产总值", 5, "左右"), ("一般公共预算收入", 4, "左右"), ("城镇调查失业率", 5, "以内"),
        ("居民消费价格", 2, "左右"), ("居民收入", None, None), ("细颗粒物年均浓度", 29, "左右"),
        ("能源、水资源、碳排放", None, None)]


def test_the_documented_example_is_what_extraction_gives():
    import json
    import re

    from conftest import ROOT

    doc = (ROOT / "docs" / "record-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Work reports"):doc.index("## Congress review")]
    source = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    record = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    assert extract(source, "report.txt") == record


def test_another_layout_of_the_head_targets_and_glossary():
    text = """政府工作报告
（2024年1月16日）
——在青山县第十八届人民代表大会第三次会议上
县长：张三
各位代表：
现在，我代表县人民政府，向大会报告工作，请予审议。
一、过去一年工作回顾
2023年，全县地区生产总值增长6.1%。
二、2024年工作安排
今年全县经济社会发展的主要预期目标建议为：
——地区生产总值增长5%以上；
——城镇调查失业率控制在5%以内。
新建新能源充电站40座。
附件
名词解释
五大行动：指科技创新、产业升级五个方面的专项行动。
牵头单位：县发改委
"""
    r = extract(text, "x.txt")
    assert {k: r[k] for k in ("title", "issued", "speaker", "occasion", "review_year", "plan_year")} == {
        "title": "政府工作报告", "issued": "2024-01-16", "speaker": "张三",
        "occasion": "青山县第十八届人民代表大会第三次会议", "review_year": 2023, "plan_year": 2024}
    assert [t["text"] for t in r["targets"]] == ["地区生产总值增长5%以上", "城镇调查失业率控制在5%以内"]
    assert [c["text"] for c in r["commitments"]] == ["新建新能源充电站40座"]
    assert [a["text"] for a in r["achievements"]] == ["全县地区生产总值增长6.1%"]
    assert [(g["term"], g["definition"]) for g in r["glossary"]] == [("五大行动", "指科技创新、产业升级五个方面的专项行动。")]


def test_long_sentences_without_punctuation_are_read_in_linear_time():
    import time

    text = "各位代表：\n一、2023年工作回顾\n" + "产值增长5%" * 5000 + "\n二、2024年工作安排\n" + "新建充电站40座" * 5000
    start = time.perf_counter()
    r = extract(text, "long.txt", doc_type="work_report")
    assert (len(r["achievements"]), len(r["commitments"])) == (5000, 5000)
    assert time.perf_counter() - start < 3  # quadratic, it took minutes


def test_five_year_goals_stay_out_and_appendix_pledges_count():
    text = """2026年青山省政府工作报告
——2026年1月20日在青山省第十四届人民代表大会第四次会议上
省长 王五
各位代表：
现在，我代表省人民政府向大会报告工作，请予审议。
一、2025年和“十四五”时期工作回顾
地区生产总值年均增长5.5%。2025年，全省城镇新增就业50万人。
二、“十五五”时期目标任务和2026年工作安排
经济发展方面，提出6项指标，其中地区生产总值增长5%左右。
今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。
新建5G基站1万个。
附件
2026年省民生实事
1.新增托育服务机构100家（牵头单位：省卫健委）。
名词解释
1.“两新”：是指大规模设备更新和消费品以旧换新。
"""
    r = extract(text, "x.txt")
    assert (r["review_year"], r["plan_year"], r["speaker"]) == (2025, 2026, "王五")
    assert [a["text"] for a in r["achievements"]] == ["全省城镇新增就业50万人"]
    assert [t["text"] for t in r["targets"]] == ["地区生产总值增长5%左右"]
    assert [(c["text"], c["indicator"], c["value"], c["unit"]) for c in r["commitments"]] == [
        ("新建5G基站1万个", "5G基站", 1, "万个"), ("新增托育服务机构100家", "托育服务机构", 100, "家")]
    assert [g["term"] for g in r["glossary"]] == ["两新"]


def test_qualifying_amounts_and_respective_figures():
    report = """政府工作报告
——2024年1月10日在安平县第十八届人民代表大会第三次会议上
县长  周立新
一、2023年工作回顾
    城乡居民人均可支配收入分别达到45620元和23180元，分别增长5.1%和7.3%。PM2.5平均浓度下降到31微克/立方米。
二、2024年工作安排
    新签约亿元以上项目40个，其中10亿元以上项目5个。改扩建中小学5所。
"""
    record = extract(report)
    assert [(r["text"], r["indicator"], r["measure"], r["value"], r["unit"], r["bound"])
            for r in record["commitments"]] == [
        ("新签约亿元以上项目40个", "亿元以上项目", "新签约", 40, "个", None),
        ("其中10亿元以上项目5个", "10亿元以上项目", None, 5, "个", None),
        ("改扩建中小学5所", "中小学", "改扩建", 5, "所", None),
    ]
    assert [(r["indicator"], r["measure"], r["value"], r["unit"]) for r in record["achievements"]] == [
        ("城镇居民人均可支配收入", "达到", 45620, "元"),
        ("农村居民人均可支配收入", "达到", 23180, "元"),
        ("城镇居民人均可支配收入", "增长", 5.1, "%"),
        ("农村居民人均可支配收入", "增长", 7.3, "%"),
        ("PM2.5平均浓度", "下降到", 31, "微克/立方米"),
    ]


# --- other layouts: a news account, a web excerpt of the plan, a task breakdown ---------------------

FIXTURES = ROOT / "tests" / "fixtures" / "reports"


def fixture(name: str) -> tuple[str, dict]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return text, extract(text, name, doc_type="work_report")


def quantities(records: list[dict]) -> list[tuple]:
    return [(r["text"], r["indicator"], r["value"], r["unit"], r["bound"]) for r in records]


def test_every_record_of_the_layouts_is_grounded_in_its_source():
    for path in sorted(FIXTURES.glob("*.txt")):
        text, r = fixture(path.name)
        for rec in r["targets"] + r["commitments"] + r["achievements"]:
            start, end = rec["span"]
            assert squash(text[start:end]) == rec["text"], (path.name, rec)


def test_news_account_head_and_years_from_its_words():
    _, r = fixture("news_account.txt")
    assert {k: r[k] for k in ("speaker", "occasion", "review_year", "plan_year")} == {
        "speaker": "陈建国", "occasion": "青河县第十九届人民代表大会第四次会议", "review_year": 2024, "plan_year": 2025}


def test_news_account_targets_go_on_into_the_next_paragraph():
    _, r = fixture("news_account.txt")
    assert quantities(r["targets"]) == [
        ("地区生产总值增长6%左右", "地区生产总值", 6, "%", "左右"),
        ("一般公共预算收入增长5%", "一般公共预算收入", 5, "%", None),
        ("城乡居民人均可支配收入分别增长6%、7.5%", "城镇居民人均可支配收入", 6, "%", None),
        ("城乡居民人均可支配收入分别增长6%、7.5%", "农村居民人均可支配收入", 7.5, "%", None),
        ("力争规上工业增加值增长8%以上", "规上工业增加值", 8, "%", "以上"),
        ("固定资产投资合理增长", "固定资产投资", None, None, None),
        ("居民消费价格保持合理水平", "居民消费价格", None, None, None),
        ("粮食产量保持稳定", "粮食产量", None, None, None),
    ]
    assert {t["year"] for t in r["targets"]} == {2025}


def test_news_account_commitments_without_a_plan_heading_and_results_of_the_year():
    _, r = fixture("news_account.txt")
    assert quantities(r["commitments"]) == [
        ("全县将计划招引20个以上过亿项目", "过亿项目", 20, "个", "以上"),
        ("新增城区绿化面积28万平方米", "城区绿化面积", 28, "万平方米", None),
        ("新建改建农村公路120公里", "农村公路", 120, "公里", None),
    ]
    assert quantities(r["achievements"]) == [
        ("全县地区生产总值完成186.5亿元", "地区生产总值", 186.5, "亿元", None),
        ("增长6.3%", "地区生产总值", 6.3, "%", None),
        ("城乡居民人均可支配收入分别达到41260元和19850元", "城镇居民人均可支配收入", 41260, "元", None),
        ("城乡居民人均可支配收入分别达到41260元和19850元", "农村居民人均可支配收入", 19850, "元", None),
    ]


def test_plan_excerpt_items_set_off_by_semicolons_are_one_target_each():
    _, r = fixture("plan_excerpt.txt")
    assert quantities(r["targets"]) == [
        ("地区生产总值增长6.5%左右", "地区生产总值", 6.5, "%", "左右"),
        ("一般公共预算收入增长4%", "一般公共预算收入", 4, "%", None),
        ("城镇和农村常住居民人均可支配收入分别增长5.5%左右和6%左右", "城镇常住居民人均可支配收入", 5.5, "%", "左右"),
        ("城镇和农村常住居民人均可支配收入分别增长5.5%左右和6%左右", "农村常住居民人均可支配收入", 6, "%", "左右"),
        ("进出口总额稳中提质", "进出口总额", None, None, None),
        ("主要污染物减排、单位地区生产总值能耗下降，水环境质量改善完成市下达任务", "主要污染物减排、单位地区生产总值能耗",
         None, None, None),
        ("安全生产形势平稳向好", "安全生产形势", None, None, None),
    ]
    assert (r["review_year"], r["plan_year"]) == (None, None)  # 今年, and no year anywhere


def test_plan_excerpt_amounts_that_qualify_what_is_counted():
    _, r = fixture("plan_excerpt.txt")
    assert quantities(r["commitments"]) == [
        ("全年招引总投资超20亿元或2亿美元产业项目3个", "总投资超20亿元或2亿美元产业项目", 3, "个", None),
        ("数字经济项目40个", "数字经济项目", 40, "个", None),
        ("力争实现30%的村集体年收入超20万元", "村集体年收入超20万元", 30, "%", None),
        ("新增规上工业企业25家以上", "规上工业企业", 25, "家", "以上"),
    ]


def test_task_breakdown_targets_under_their_own_heading():
    _, r = fixture("task_breakdown.txt")
    assert quantities(r["targets"]) == [
        ("地区生产总值增长7%以上", "地区生产总值", 7, "%", "以上"),
        ("一般公共预算收入增长6%以上", "一般公共预算收入", 6, "%", "以上"),
        ("城乡居民收入增长与经济增长基本同步", "城乡居民收入", None, None, None),
        ("粮食产量稳定在18万吨", "粮食产量", 18, "万吨", None),
        ("完成省、市下达的节能减排考核目标任务", "节能减排", None, None, None),
    ]  # 完成上级下达的各项目标任务 names no indicator
    assert [t["rule"] for t in r["targets"]] == ["target.heading/unit.percent"] * 2 + [
        "target.in_step", "target.heading/unit.mass", "target.assigned_named"]
    assert (r["plan_year"], quantities(r["commitments"])) == (
        2024, [("新建标准化厂房20万平方米", "标准化厂房", 20, "万平方米", None)])


# --- one rule at a time ----------------------------------------------------------------------------

def targets_of(text: str) -> list[tuple]:
    return quantities(extract(text, "x.txt", doc_type="work_report")["targets"])


def test_respective_figures_are_one_target_per_indicator_each_grounded():
    text = "今年主要预期目标是：城乡居民人均可支配收入分别增长8%、9%。"
    assert targets_of(text) == [
        ("城乡居民人均可支配收入分别增长8%、9%", "城镇居民人均可支配收入", 8, "%", None),
        ("城乡居民人均可支配收入分别增长8%、9%", "农村居民人均可支配收入", 9, "%", None),
    ]


def test_figures_of_one_indicator_without_respectively_keep_it():
    text = "今年主要预期目标是：进出口总额接连突破8万亿元、9万亿元。"
    assert [t[1] for t in targets_of(text)] == ["进出口总额接连", "进出口总额接连"]


def test_targets_without_a_number_have_value_null():
    text = "今年主要预期目标是：地区生产总值增长5%左右，固定资产投资合理增长，居民消费价格保持合理水平，粮食产量保持稳定。"
    assert targets_of(text)[1:] == [
        ("固定资产投资合理增长", "固定资产投资", None, None, None),
        ("居民消费价格保持合理水平", "居民消费价格", None, None, None),
        ("粮食产量保持稳定", "粮食产量", None, None, None),
    ]


def test_no_target_from_words_that_name_no_indicator():
    text = "今年主要预期目标是：地区生产总值增长5%左右，全面完成省市下达的各项目标任务，努力争取更好结果。"
    assert targets_of(text) == [("地区生产总值增长5%左右", "地区生产总值", 5, "%", "左右")]


def test_a_target_list_continues_into_the_next_paragraph():
    text = "2025年主要预期目标是：地区生产总值增长6%左右，\n力争一般公共预算收入增长5%以上、固定资产投资增长8%以上。\n新建学校3所。"
    r = extract(text, "x.txt", doc_type="work_report")
    assert [t["text"] for t in r["targets"]] == [
        "地区生产总值增长6%左右", "力争一般公共预算收入增长5%以上", "固定资产投资增长8%以上"]
    assert [c["text"] for c in r["commitments"]] == ["新建学校3所"]
    assert r["plan_year"] == 2025


def test_commitments_in_the_plan_part_of_a_report_without_headings():
    text = ("各位代表：\n过去一年，全县地区生产总值增长6%。\n"
            "新的一年，我们将计划招引20个以上过亿项目，新增城区绿化面积28万平方米。\n")
    r = extract(text, "x.txt", doc_type="work_report")
    assert quantities(r["commitments"]) == [
        ("我们将计划招引20个以上过亿项目", "过亿项目", 20, "个", "以上"),
        ("新增城区绿化面积28万平方米", "城区绿化面积", 28, "万平方米", None),
    ]
    assert [a["text"] for a in r["achievements"]] == ["全县地区生产总值增长6%"]


@pytest.mark.parametrize("text, years", [
    ("各位代表：\n回顾2015年，全县生产总值增长8%。\n", (2015, 2016)),
    ("各位代表：\n2024年，面对复杂形势，全市生产总值增长5%。\n今年经济社会发展的主要预期目标是：生产总值增长5%。\n", (2024, 2025)),
    ("报告提出，2025年的主要预期目标是：地区生产总值增长6%。", (2024, 2025)),
    ("过去一年，全区生产总值增长5%。2026年，全区将新建学校3所。", (2025, 2026)),
])
def test_years_from_the_words_of_a_report_without_dated_headings(text, years):
    r = extract(text, "x.txt", doc_type="work_report")
    assert (r["review_year"], r["plan_year"]) == years


def test_targets_one_per_line_without_markers():
    text = ("2024年工作安排\n今年经济社会发展的主要预期目标是：\n地区生产总值增长6%左右；\n粮食产量保持稳定；\n"
            "居民收入增长和经济增长同步。\n我们将新建学校3所。\n")
    r = extract(text, "x.txt", doc_type="work_report")
    assert targets_of(text) == [
        ("地区生产总值增长6%左右", "地区生产总值", 6, "%", "左右"),
        ("粮食产量保持稳定", "粮食产量", None, None, None),
        ("居民收入增长和经济增长同步", "居民收入", None, None, None),
    ]
    assert [c["text"] for c in r["commitments"]] == ["我们将新建学校3所"]


def test_report_title_behind_the_page_chrome():
    text = ("2024年青河县政府工作报告发布时间：2024-01-20 09:00 来源：县政府办\n"
            "——2024年1月16日在青河县第十八届人民代表大会第三次会议上\n县长 张三\n各位代表：\n")
    r = extract(text, "x.txt", doc_type="work_report")
    assert (r["title"], r["issued"], r["speaker"], r["occasion"]) == (
        "2024年青河县政府工作报告", "2024-01-16", "张三", "青河县第十八届人民代表大会第三次会议")


@pytest.mark.parametrize("indicator, parts", [
    ("城乡居民人均可支配收入", ["城镇居民人均可支配收入", "农村居民人均可支配收入"]),
    ("城镇和农村常住居民人均可支配收入", ["城镇常住居民人均可支配收入", "农村常住居民人均可支配收入"]),
    ("一般公共预算收入和税收收入", ["一般公共预算收入", "税收收入"]),
    ("软件和信息服务业增加值", ["软件和信息服务业增加值", "软件和信息服务业增加值"]),  # not parallel heads
    ("一二三产增加值", ["一二三产增加值", "一二三产增加值"]),
])
def test_split_indicator(indicator, parts):
    assert split_indicator(indicator, 2) == parts


def test_targets_cued_as_indicators_and_listed_after_the_years_requirement():
    cued = ("政府工作报告\n各位代表：\n一、2024年工作回顾\n过去一年，全县生产总值增长5%。\n二、2025年主要目标任务\n"
            "今年政府工作的总体要求是：稳中求进。主要预期指标是：全县地区生产总值增长6%，"
            "城乡居民人均可支配收入分别增长6.5%和8%。\n")
    record = extract(cued, "wr.txt")
    assert [(t["indicator"], t["value"]) for t in record["targets"]] == [
        ("地区生产总值", 6), ("城镇居民人均可支配收入", 6.5), ("农村居民人均可支配收入", 8)]
    listed = ("政府工作报告\n各位代表：\n一、2024年工作回顾\n过去一年，全县生产总值增长5%。\n二、2025年主要目标任务\n"
              "今年政府工作的总体要求是：稳中求进。\n1.地区生产总值增长6%左右。\n2.居民收入与经济增长同步。\n三、重点工作\n")
    record = extract(listed, "wr.txt")
    assert [(t["indicator"], t["value"]) for t in record["targets"]] == [("地区生产总值", 6), ("居民收入", None)]


def test_a_five_year_plans_main_indicators_give_way_to_the_years_expected_targets():
    text = ("政府工作报告\n各位代表：\n一、2025年工作回顾\n过去一年，全省生产总值增长5%。\n二、2026年工作安排\n"
            "《纲要（草案）》明确了经济社会发展主要指标：一是围绕经济发展，提出6项指标，其中地区生产总值年均增长5%左右。\n"
            "全省经济社会发展的主要预期目标是：地区生产总值增长4.5%左右，城镇调查失业率5.5%左右。\n")
    record = extract(text, "wr.txt")
    assert [(t["indicator"], t["value"]) for t in record["targets"]] == [("地区生产总值", 4.5), ("城镇调查失业率", 5.5)]


def test_an_account_of_the_report_states_the_years_targets_in_a_striving_sentence():
    text = ("笔者从某县第十九届人民代表大会第三次会议获悉，该县明确2024年经济社会发展主要预期目标和重点工作。\n"
            "2023年，某县先后获评全国生态示范县。2024年，该县将完整、准确、全面贯彻新发展理念，力争实现地区生产总值增长10%以上，"
            "固定资产投资增长13%以上，城乡居民人均可支配收入分别增长8%、9%以上。全年新增规上工业企业25家。\n")
    record = extract("县政府工作报告\n" + text, "wr.txt")
    assert (record["plan_year"], record["review_year"]) == (2024, 2023)
    assert [(t["indicator"], t["value"]) for t in record["targets"]] == [
        ("地区生产总值", 10), ("固定资产投资", 13), ("城镇居民人均可支配收入", 8), ("农村居民人均可支配收入", 9)]
    assert [(c["value"], c["unit"]) for c in record["commitments"]] == [(25, "家")]
    cue = extract("政府工作报告\n各位代表：\n报告明确了2022年经济社会发展的主要预期目标，即地区生产总值增长8%以上，"
                  "城乡居民人均可支配收入大幅度提高。\n", "wr.txt")
    assert [(t["indicator"], t["value"]) for t in cue["targets"]] == [("地区生产总值", 8), ("城乡居民人均可支配收入", None)]


def test_a_shared_bound_an_amount_that_qualifies_the_indicator_and_targets_kept_in_step():
    text = ("政府工作报告\n各位代表：\n一、2024年工作回顾\n过去一年，全旗生产总值增长5%。\n二、2025年工作安排\n"
            "2025年经济社会发展的主要预期目标是：地区生产总值增长6.5%，一般公共预算收入与上年持平，"
            "500万元以上固定资产投资增长10%，城乡居民人均可支配收入分别增长5.5%、6%以上，"
            "城乡常住居民人均可支配收入增速与全盟保持同步。\n")
    record = extract(text, "wr.txt")
    assert [(t["indicator"], t["value"], t["bound"]) for t in record["targets"]] == [
        ("地区生产总值", 6.5, None), ("一般公共预算收入", None, None), ("500万元以上固定资产投资", 10, None),
        ("城镇居民人均可支配收入", 5.5, "以上"), ("农村居民人均可支配收入", 6, "以上"),
        ("城乡常住居民人均可支配收入", None, None)]
