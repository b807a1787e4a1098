"""Meeting minutes: the meeting, the agenda and the decisions (items, leads, tasks) of several layouts,
and the three seed minutes against their gold records."""

from __future__ import annotations

import importlib.util

import pytest

from conftest import SHARED, gold, needs_shared, seed_text
from luoshi.extract import extract

# A county's minutes: Chinese-numeral dates, 县长 before the name, a meeting room, 第三十七次, the head
# line run into the opening paragraph, `现将会议议定事项纪要如下`, items numbered 一、.
COUNTY = """青 山 县 人 民 政 府
常务会议纪要
第 12 号
青山县人民政府办公室                二〇二三年十二月三十日

二〇二三年十二月二十九日上午，县长李明在县政府三楼会议室主持召开县政府第三十七次常务会议，审议《青山县农村人居环境整治实施方案》，听取县住建局关于老旧小区改造工作情况的汇报，研究部署冬春季森林防火工作。现将会议议定事项纪要如下：

一、审议《青山县农村人居环境整治实施方案》
会议原则同意《青山县农村人居环境整治实施方案》，由县农业农村局根据会议意见修改完善后，以县政府办公室名义印发实施。县农业农村局要会同各乡镇于2024年3月底前完成村庄清洁行动，县财政局负责落实资金保障。
二、听取县住建局关于老旧小区改造工作情况的汇报
会议同意县住建局提交的改造方案，要求抓紧组织实施，确保年底前全面完工。各乡镇要积极配合，做好群众工作。
三、研究部署冬春季森林防火工作
会议强调，各乡镇、县林业局要严格落实森林防火责任制，春节前开展一次隐患排查。县应急管理局牵头，县公安局、县林业局配合，10个工作日内制定专项整治方案。
出席：李明、王强、张华。
列席：县政府办刘洋，县农业农村局陈军。
"""

# A district's minutes: decisions numbered 1. 2. under 会议决定事项, heading and body in one paragraph.
DISTRICT = """东湖区人民政府常务会议纪要
〔2024〕5号
东湖区人民政府办公室 2024年3月8日

2024年3月5日下午，区长王伟主持召开区政府第5次常务会议，审议通过《东湖区2024年重点项目计划》《东湖区城市更新实施办法》，听取了区教育局关于2024年义务教育招生工作的汇报、区卫健局关于春季传染病防控工作的汇报。
会议决定事项：
1.原则同意《东湖区2024年重点项目计划》。由区发改局负责，6月底前报区政府审定。各街道要全力做好项目要素保障。
2.同意《东湖区城市更新实施办法》，由区住建局按程序印发实施。区资源规划分局要加快完善配套政策，上半年出台土地供应细则。
3.会议听取了区教育局关于2024年义务教育招生工作的汇报。区教育局要尽快公布招生方案，确保招生工作平稳有序。
4.会议听取了区卫健局关于春季传染病防控工作的汇报。会后由区卫健局会同区教育局抓好落实。
主送：各街道办事处，区各部门。
"""

# Unnumbered decisions: each paragraph opening with 会议审议/会议听取/会议研究 is one item.
UNNUMBERED = """南山县人民政府常务会议纪要
第3号
南山县人民政府办公室 2023年5月12日
2023年5月10日上午，常务副县长赵刚主持召开县政府第15次常务会议，研究了有关事项。现纪要如下：
会议审议并原则通过了《南山县防汛抗旱应急预案》。会议要求，县水利局要在汛期前完成预案修订，各乡镇要组织开展应急演练。
会议听取了县交通运输局关于国省道改造工程进展情况的汇报。会议指出，工程进度总体滞后。县交通运输局要倒排工期，确保9月底前完成主体工程。
会议研究了县城供水管网改造问题。会议同意县水务集团提出的改造方案，要求尽快启动招标，县财政局要做好资金保障。
会议还研究了其他事项。
出席：赵刚、孙丽。
"""

# A 专题会议 with no ordinal: 会议指出 / 会议要求 followed by (一)(二) directives.
SPECIAL = """西江市人民政府专题会议纪要
西江市人民政府办公室 2024年4月3日
2024年4月1日下午，副市长陈静在市政府第一会议室主持召开专题会议，研究城区停车难问题治理工作。市公安局、市住建局、市城管局等单位负责同志参加会议。纪要如下：
会议指出，停车难问题群众反映强烈，各有关部门要高度重视。
会议要求：
（一）市住建局要牵头编制城区停车设施专项规划，于6月30日前报市政府审定。
（二）市公安局、市城管局要加强违停治理，本月底前开展一次集中整治行动。
（三）各区政府要落实属地责任，2024年底前新增公共停车泊位5000个。
"""


def brief(task: dict) -> tuple:
    return task["text"], task["owners"], task["due_text"], task["due"]


def test_county_meeting_and_agenda():
    record = extract(COUNTY, "county.txt")
    assert record["doc_type"] == "meeting_minutes"
    assert record["meeting"] == {"ordinal": 37, "date": "2023-12-29", "part_of_day": "上午",
                                 "chair": "李明", "chair_title": "县长"}
    assert record["agenda"] == [
        {"verb": "审议", "subject": "青山县农村人居环境整治实施方案"},
        {"verb": "听取", "subject": "县住建局关于老旧小区改造工作情况"},
    ]


def test_county_items():
    items = extract(COUNTY, "county.txt")["items"]
    assert [(i["no"], i["title"], i["documents"], i["decision"], i["leads"]) for i in items] == [
        (1, "审议《青山县农村人居环境整治实施方案》", ["青山县农村人居环境整治实施方案"], "原则同意", ["县农业农村局"]),
        (2, "听取县住建局关于老旧小区改造工作情况的汇报", [], "同意", ["县住建局"]),
        (3, "研究部署冬春季森林防火工作", [], None, ["县应急管理局"]),
    ]
    assert [brief(t) for t in items[0]["tasks"]] == [
        ("由县农业农村局根据会议意见修改完善后，以县政府办公室名义印发实施", ["县农业农村局"], None, None),
        ("县农业农村局要会同各乡镇于2024年3月底前完成村庄清洁行动", ["县农业农村局"], "2024年3月底前", "2024-03-31"),
        ("县财政局负责落实资金保障", ["县财政局"], None, None),
    ]
    # 同意X提交的…，要求…: the submitter carries the work out; the 会同/配合 units are not owners.
    assert [brief(t) for t in items[1]["tasks"]] == [
        ("要求抓紧组织实施，确保年底前全面完工", ["县住建局"], "年底前", "2023-12-31"),
        ("各乡镇要积极配合，做好群众工作", ["各乡镇"], None, None),
    ]
    assert [brief(t) for t in items[2]["tasks"]] == [
        ("各乡镇、县林业局要严格落实森林防火责任制，春节前开展一次隐患排查", ["各乡镇", "县林业局"], "春节前", "2024-02-09"),
        ("县应急管理局牵头，县公安局、县林业局配合，10个工作日内制定专项整治方案", ["县应急管理局"], "10个工作日内",
         "2024-01-12"),
    ]


def test_district_decisions_numbered_arabic():
    record = extract(DISTRICT, "district.txt")
    assert record["meeting"] == {"ordinal": 5, "date": "2024-03-05", "part_of_day": "下午",
                                 "chair": "王伟", "chair_title": "区长"}
    assert record["agenda"] == [
        {"verb": "审议", "subject": "东湖区2024年重点项目计划"},
        {"verb": "审议", "subject": "东湖区城市更新实施办法"},
        {"verb": "听取", "subject": "区教育局关于2024年义务教育招生工作"},
        {"verb": "听取", "subject": "区卫健局关于春季传染病防控工作"},
    ]
    items = record["items"]
    assert [(i["title"], i["decision"], i["leads"]) for i in items] == [
        ("原则同意《东湖区2024年重点项目计划》", "原则同意", ["区发改局"]),
        ("同意《东湖区城市更新实施办法》", "同意", ["区住建局"]),
        ("会议听取了区教育局关于2024年义务教育招生工作的汇报", None, ["区教育局"]),
        ("会议听取了区卫健局关于春季传染病防控工作的汇报", None, ["区卫健局"]),
    ]
    assert [[(t["owners"], t["due"]) for t in i["tasks"]] for i in items] == [
        [(["区发改局"], "2024-06-30"), (["各街道"], None)],
        [(["区住建局"], None), (["区资源规划分局"], "2024-06-30")],
        [(["区教育局"], None)],
        [(["区卫健局"], None)],
    ]


def test_unnumbered_decisions_one_item_per_paragraph():
    record = extract(UNNUMBERED, "unnumbered.txt")
    assert record["meeting"]["chair_title"] == "常务副县长"
    items = record["items"]
    assert [(i["no"], i["title"], i["decision"], i["leads"]) for i in items] == [
        (1, "审议并原则通过了《南山县防汛抗旱应急预案》", "原则同意", []),
        (2, "听取了县交通运输局关于国省道改造工程进展情况的汇报", None, ["县交通运输局"]),
        (3, "研究了县城供水管网改造问题", "同意", ["县水务集团"]),
    ]
    assert [[t["owners"] for t in i["tasks"]] for i in items] == [
        [["县水利局"], ["各乡镇"]],
        [["县交通运输局"]],
        [["县水务集团"], ["县财政局"]],
    ]
    # The agenda is read from the items' headings when the opening only says 研究了有关事项.
    assert record["agenda"] == [
        {"verb": "审议", "subject": "南山县防汛抗旱应急预案"},
        {"verb": "听取", "subject": "县交通运输局关于国省道改造工程进展情况"},
    ]


def test_special_meeting_directives_numbered_in_brackets():
    record = extract(SPECIAL, "special.txt")
    assert record["meeting"] == {"ordinal": None, "date": "2024-04-01", "part_of_day": "下午",
                                 "chair": "陈静", "chair_title": "副市长"}
    assert [[brief(t) for t in i["tasks"]] for i in record["items"]] == [
        [("市住建局要牵头编制城区停车设施专项规划，于6月30日前报市政府审定", ["市住建局"], "6月30日前", "2024-06-30")],
        [("市公安局、市城管局要加强违停治理，本月底前开展一次集中整治行动", ["市公安局", "市城管局"], "本月底前", "2024-04-30")],
        [("各区政府要落实属地责任，2024年底前新增公共停车泊位5000个", ["各区政府"], "2024年底前", "2024-12-31")],
    ]


def test_minutes_of_one_matter_are_one_item():
    text = ("西江市人民政府专题会议纪要\n西江市人民政府办公室 2024年4月3日\n"
            "2024年4月1日下午，副市长陈静主持召开专题会议，研究城区停车难问题治理工作。纪要如下：\n"
            "会议指出，停车难问题群众反映强烈，各有关部门要高度重视。\n"
            "会议要求，市住建局要牵头编制城区停车设施专项规划，于6月30日前报市政府审定。市公安局要加强违停治理。\n")
    [item] = extract(text, "one.txt")["items"]
    assert (item["no"], item["title"], item["decision"], item["leads"]) == (1, "研究城区停车难问题治理工作", None, ["市住建局"])
    assert [(t["owners"], t["due"]) for t in item["tasks"]] == [
        (["各有关部门"], None), (["市住建局"], "2024-06-30"), (["市公安局"], None)]


@pytest.mark.parametrize("opening, chair", [
    ("2023年12月29日（星期五）下午，市委副书记、市长徐华东主持召开市政府第三十七次常务会议，审议《甲办法》。",
     {"ordinal": 37, "date": "2023-12-29", "part_of_day": "下午", "chair": "徐华东", "chair_title": "市长"}),
    ("受市长徐华东委托，2023年12月29日下午，常务副市长吴敬宇在市政府五楼会议室主持召开市政府第37次常务会议，审议《甲办法》。",
     {"ordinal": 37, "date": "2023-12-29", "part_of_day": "下午", "chair": "吴敬宇", "chair_title": "常务副市长"}),
    ("市政府第37次常务会议于2023年12月29日下午召开，会议由市长徐华东主持。会议审议了《甲办法》。",
     {"ordinal": 37, "date": "2023-12-29", "part_of_day": "下午", "chair": "徐华东", "chair_title": "市长"}),
    ("12月29日上午，代县长王华主持召开县政府常务会议，审议《甲办法》。",
     {"ordinal": None, "date": "2023-12-29", "part_of_day": "上午", "chair": "王华", "chair_title": "代县长"}),
])
def test_meeting_openings(opening, chair):
    text = f"某某县人民政府\n常务会议纪要\n某某县人民政府办公室 2023年12月30日\n{opening}\n会议议定以下意见：\n一、审议《甲办法》\n会议原则同意《甲办法》。\n"
    record = extract(text, "opening.txt")
    assert record["meeting"] == chair
    assert record["agenda"] == [{"verb": "审议", "subject": "甲办法"}]


def test_units_merely_mentioned_are_not_owners():
    text = ("某县人民政府\n常务会议纪要\n2024年1月5日上午，县长李明主持召开县政府第1次常务会议，听取县发改局关于项目进展的汇报。\n"
            "一、听取县发改局关于项目进展的汇报\n"
            "会议听取了县发改局关于项目进展情况的汇报。会议认为，县发改局做了大量工作。"
            "会议要求，要鼓励各乡镇加强项目储备，督促县住建局加快审批。\n")
    [item] = extract(text, "mention.txt")["items"]
    assert [(t["text"], t["owners"]) for t in item["tasks"]] == [
        ("要鼓励各乡镇加强项目储备，督促县住建局加快审批", []),
    ]
    assert item["leads"] == []


# --- the seeds against their gold ----------------------------------------------------------------------

def _scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SEED_MINUTES = ["000", "001", "004"]


@needs_shared
@pytest.mark.parametrize("stem", SEED_MINUTES)
def test_seed_meeting_agenda_and_items(stem):
    score = _scorer()
    record, expected = extract(seed_text(stem), stem), gold(stem)
    assert record["meeting"] == expected["meeting"]
    assert sorted((a["verb"], a["subject"]) for a in record["agenda"]) == \
        sorted((a["verb"], a["subject"]) for a in expected["agenda"])
    assert [(i["no"], i["title"], i["documents"], i["decision"]) for i in record["items"]] == \
        [(i["no"], i["title"], i["documents"], i["decision"]) for i in expected["items"]]
    assert [sorted(map(score.org_key, i["leads"])) for i in record["items"]] == \
        [sorted(map(score.org_key, i["leads"])) for i in expected["items"]]


@needs_shared
@pytest.mark.parametrize("stem", SEED_MINUTES)
def test_seed_tasks_score(stem):
    score = _scorer()
    record, expected = extract(seed_text(stem), stem), gold(stem)
    tasks, inherited = score.Tally(), score.Tally()
    for gi, pi in zip(expected["items"], record["items"]):
        score.score_tasks(gi["tasks"], pi["tasks"], tasks, inherited)
    assert tasks.f1() >= 0.95, tasks.row()
    assert inherited.recall() == 1.0, inherited.row()


def test_the_documented_example_is_what_extraction_gives():
    import json
    import re

    from conftest import ROOT

    doc = (ROOT / "docs" / "record-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Meeting minutes"):doc.index("## Work reports")]
    source = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    record = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    assert extract(source, "minutes.txt") == record


FORM_TASKS = """西城区人民政府常务会议纪要
〔2024〕8号
西城区人民政府办公室                2024年5月8日
2024年5月6日下午，区长黄永明主持召开区政府第八次常务会议。现将会议议定事项纪要如下：
一、关于老旧小区加装电梯工作
会议听取了区住建局关于老旧小区加装电梯工作推进情况的汇报。会议议定：
（一）今年完成加装电梯200部。责任单位：区住建局；配合单位：各街道办事处；完成时限：2024年12月底前。
（二）建立加装电梯财政补助机制（责任单位：区财政局、区住建局，完成时限：6月30日前）。
二、关于春季造林绿化工作
会议要求，全面完成春季造林1.5万亩（牵头单位：区园林绿化局，配合单位：各街道，完成时限：7月底前）。区应急管理局要加强森林防火巡查。
出席：黄永明、韩雪
"""


def test_tasks_written_as_forms_take_their_labelled_units_and_due_dates():
    record = extract(FORM_TASKS)
    assert [(i["no"], i["leads"], [(t["text"], t["owners"], t["co_owners"], t["due_text"], t["due"])
                                   for t in i["tasks"]]) for i in record["items"]] == [
        (1, ["区住建局"], [
            ("今年完成加装电梯200部。责任单位：区住建局；配合单位：各街道办事处；完成时限：2024年12月底前",
             ["区住建局"], ["各街道办事处"], "2024年12月底前", "2024-12-31"),
            ("建立加装电梯财政补助机制（责任单位：区财政局、区住建局，完成时限：6月30日前）",
             ["区财政局", "区住建局"], [], "6月30日前", "2024-06-30"),
        ]),
        (2, ["区园林绿化局"], [
            ("全面完成春季造林1.5万亩（牵头单位：区园林绿化局，配合单位：各街道，完成时限：7月底前）",
             ["区园林绿化局"], ["各街道"], "7月底前", "2024-07-31"),
            ("区应急管理局要加强森林防火巡查", ["区应急管理局"], [], None, None),
        ]),
    ]
