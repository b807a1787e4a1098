"""Congress review summaries: session, period and the grouped suggestions with their deputies, in several
layouts, and the seed summary against its gold record."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, gold, needs_shared, seed_text
from luoshi.extract import extract
from luoshi.extract.document import squash
from luoshi.extract.reviews import find_deputies, find_session


def where(source: str, first: str, last: str | None = None) -> dict:
    """`{text, span}` of the source from the line `first` to the end of the line `last`."""
    start = source.index(first)
    end = source.index(last, start) + len(last) if last else start + len(first)
    return {"text": squash(source[start:end]), "span": [start, end]}


def suggestion(source: str, no: int, title: str | None, deputies: list[str], first: str,
               last: str | None = None) -> dict:
    return {"no": no, "title": title, "deputies": deputies, **where(source, first, last)}


def flat(groups: list[dict]) -> list[dict]:
    return [{**s, "group": g["no"]} for g in groups for s in g["suggestions"]]


# A county summary: a review part, then `二、代表建议` with groups `（一）关于…方面的建议（3件）`, each suggestion a
# title line with its deputies in brackets and its text on the next line; 等5名代表, 领衔代表：, 和, 代表：.
COUNTY = """青山县人大常委会办公室                2024年2月20日
关于县第十八届人民代表大会第三次会议代表建议的汇总
2024年1月15日至17日，县第十八届人民代表大会第三次会议召开。会议期间，代表们提出了许多意见和建议，现汇总如下：
一、总体评价
代表们认为，政府工作报告实事求是，目标明确。张伟、李娜代表认为，过去一年经济运行稳中有进。
二、代表建议
（一）关于经济发展方面的建议（3件）
1.关于加快工业园区建设的建议（张伟、李娜代表）
建议县政府加大园区基础设施投入，完善配套服务。
2.关于扶持中小企业发展的建议（王芳等5名代表）
建议设立中小企业发展专项资金。
3.关于优化营商环境的建议（领衔代表：刘强）
建议推行审批事项一窗通办。
（二）关于社会事业方面的建议（四件）
1.关于加快老旧小区改造的建议（陈静和赵磊代表）
建议加快推进老旧小区改造，完善基础设施。
2.关于增加学前教育学位的建议（代表：孙丽、周杰）
建议新建两所公办幼儿园。
青山县人大常委会办公室
"""


def test_county_summary_groups_titles_and_deputies_in_brackets():
    record = extract(COUNTY, "county.txt")
    s = COUNTY
    groups = [
        {"no": 1, "category": "经济发展", "count": 3, "suggestions": [
            suggestion(s, 1, "关于加快工业园区建设的建议", ["张伟", "李娜"], "1.关于加快工业园区建设", "完善配套服务。"),
            suggestion(s, 2, "关于扶持中小企业发展的建议", ["王芳"], "2.关于扶持中小企业", "发展专项资金。"),
            suggestion(s, 3, "关于优化营商环境的建议", ["刘强"], "3.关于优化营商环境", "一窗通办。"),
        ]},
        {"no": 2, "category": "社会事业", "count": 4, "suggestions": [
            suggestion(s, 1, "关于加快老旧小区改造的建议", ["陈静", "赵磊"], "1.关于加快老旧小区改造", "完善基础设施。"),
            suggestion(s, 2, "关于增加学前教育学位的建议", ["孙丽", "周杰"], "2.关于增加学前教育", "公办幼儿园。"),
        ]},
    ]
    assert record["doc_type"] == "congress_review"
    assert record["session"] == "县第十八届人民代表大会第三次会议"
    assert record["period"] == ["2024-01-15", "2024-01-17"]
    assert record["suggestion_groups"] == groups
    assert record["suggestions"] == flat(groups)


# A district summary with no review part: groups `一、经济发展类（2条）`, deputies before 代表建议, after 代表
# (`代表王五提出`), `等3名代表`, a count in Chinese numerals, a foot line.
DISTRICT = """东湖区人大常委会办公室 2023年3月1日
区十届人大四次会议代表建议汇总
区十届人大四次会议期间，代表们提出建议如下：
一、经济发展类（2条）
1.张三、李四代表建议加快东湖科技园建设，引进一批高新技术企业。
2.代表王五提出，应加大对农业龙头企业的扶持力度。
二、城乡建设类（二条）
1.赵六代表建议加快城区道路改造。
2.钱七等3名代表建议增设公共停车场。
报送：区委、区政府。
"""


def test_district_summary_categories_and_deputies_around_daibiao():
    s = DISTRICT
    groups = [
        {"no": 1, "category": "经济发展", "count": 2, "suggestions": [
            suggestion(s, 1, "加快东湖科技园建设", ["张三", "李四"], "1.张三、李四代表建议加快东湖科技园建设，引进一批高新技术企业。"),
            suggestion(s, 2, "应加大对农业龙头企业的扶持力度", ["王五"], "2.代表王五提出，应加大对农业龙头企业的扶持力度。"),
        ]},
        {"no": 2, "category": "城乡建设", "count": 2, "suggestions": [
            suggestion(s, 1, "加快城区道路改造", ["赵六"], "1.赵六代表建议加快城区道路改造。"),
            suggestion(s, 2, "增设公共停车场", ["钱七"], "2.钱七等3名代表建议增设公共停车场。"),
        ]},
    ]
    record = extract(DISTRICT, "district.txt")
    assert (record["session"], record["period"]) == ("区十届人大四次会议", None)
    assert record["suggestion_groups"] == groups


# A flat numbered list: one group without a category, its count the number of suggestions found.
FLAT = """南山市人大常委会办公室 2024年1月30日
南山市第十七届人民代表大会第二次会议代表建议汇总
南山市第十七届人民代表大会第二次会议于2024年1月10日至1月13日召开，会议期间代表提出建议如下：
1.关于加快老旧小区改造的建议（张三、李四代表）
2.关于完善城市公交线网的建议（王五代表）
3.关于加强农村饮用水安全保障的建议（赵六、钱七、孙八代表）
"""


def test_flat_list_is_one_group_without_category():
    s = FLAT
    groups = [{"no": 1, "category": None, "count": 3, "suggestions": [
        suggestion(s, 1, "关于加快老旧小区改造的建议", ["张三", "李四"], "1.关于加快老旧小区改造的建议（张三、李四代表）"),
        suggestion(s, 2, "关于完善城市公交线网的建议", ["王五"], "2.关于完善城市公交线网的建议（王五代表）"),
        suggestion(s, 3, "关于加强农村饮用水安全保障的建议", ["赵六", "钱七", "孙八"],
                   "3.关于加强农村饮用水安全保障的建议（赵六、钱七、孙八代表）"),
    ]}]
    record = extract(FLAT, "flat.txt")
    assert record["session"] == "南山市第十七届人民代表大会第二次会议"
    assert record["period"] == ["2024-01-10", "2024-01-13"]
    assert record["suggestion_groups"] == groups
    assert [x["group"] for x in record["suggestions"]] == [1, 1, 1]


# A register of numbered proposals: `第1号`, deputies before a colon.
REGISTER = """北川市人大常委会办公室 2024年2月5日
北川市十六届人大三次会议代表建议目录
第1号 关于城市更新的建议（张三等5名代表）
第2号 李四代表：关于食品安全的建议
第3号 王五、赵六代表：关于养老服务的建议
"""


def test_register_numbered_hao_with_deputies_before_a_colon():
    s = REGISTER
    groups = [{"no": 1, "category": None, "count": 3, "suggestions": [
        suggestion(s, 1, "关于城市更新的建议", ["张三"], "第1号 关于城市更新的建议（张三等5名代表）"),
        suggestion(s, 2, "关于食品安全的建议", ["李四"], "第2号 李四代表：关于食品安全的建议"),
        suggestion(s, 3, "关于养老服务的建议", ["王五", "赵六"], "第3号 王五、赵六代表：关于养老服务的建议"),
    ]}]
    record = extract(REGISTER, "register.txt")
    assert record["session"] == "北川市十六届人大三次会议"
    assert record["suggestion_groups"] == groups


# The points of a suggestion (（1）（2）) are its text, not groups; a signature line is not.
POINTS = """东岭县人大常委会办公室 2024年2月1日
东岭县人大代表建议汇总
1.关于加快县城污水管网改造的建议（张三、李四代表）
（1）加快雨污分流改造，年内完成老城区主干管网建设。
（2）建立管网运维长效机制，落实运维资金。
2.关于加强农村道路养护的建议（王五代表）
建议设立农村公路养护专项资金。
东岭县人大常委会办公室
"""


def test_points_of_a_suggestion_belong_to_its_text():
    s = POINTS
    groups = [{"no": 1, "category": None, "count": 2, "suggestions": [
        suggestion(s, 1, "关于加快县城污水管网改造的建议", ["张三", "李四"], "1.关于加快县城", "落实运维资金。"),
        suggestion(s, 2, "关于加强农村道路养护的建议", ["王五"], "2.关于加强农村", "养护专项资金。"),
    ]}]
    assert extract(POINTS, "points.txt")["suggestion_groups"] == groups


# Suggestions without numbers under a group heading, each opening with its deputies; a title line followed by
# a `领衔代表：` line and its text; counts written `（共2条）` and `共1件`.
UNNUMBERED = """西河区人大常委会办公室 2024年2月2日
关于区十届人大五次会议代表审议意见的汇总
2024年1月20日至22日，区十届人大五次会议召开，现将代表意见汇总如下：
一、总体评价
代表们一致认为，报告客观务实。张伟代表认为，过去一年成绩来之不易。
二、意见和建议
（一）经济发展方面（共2条）
王五代表建议优化营商环境。
张三、李四代表建议加快产业园区建设，引进一批龙头企业。
（二）社会事业方面共1件
1.关于增加养老床位的建议
领衔代表：赵六
建议新建一所公办养老院。
"""


def test_unnumbered_suggestions_under_a_group_and_a_labelled_sponsor():
    s = UNNUMBERED
    groups = [
        {"no": 1, "category": "经济发展", "count": 2, "suggestions": [
            suggestion(s, 1, "优化营商环境", ["王五"], "王五代表建议优化营商环境。"),
            suggestion(s, 2, "加快产业园区建设", ["张三", "李四"], "张三、李四代表建议加快产业园区建设，引进一批龙头企业。"),
        ]},
        {"no": 2, "category": "社会事业", "count": 1, "suggestions": [
            suggestion(s, 1, "关于增加养老床位的建议", ["赵六"], "1.关于增加养老床位的建议", "公办养老院。"),
        ]},
    ]
    assert extract(UNNUMBERED, "unnumbered.txt")["suggestion_groups"] == groups


# The seed's layout in small: a review part whose paragraphs quote deputies (认为, and 建议 inside an opinion),
# then `三、…的意见和建议` with groups `一是关于…方面（N条）` and run-in titles; a 列席 deputy.
REVIEW = """西山市人大常委会办公室编 2024年2月8日
关于市十六届人大三次会议审议《政府工作报告》的情况
2024年1月8日至10日，出席市十六届人大三次会议的代表们认真审议了《政府工作报告》。现将审议情况汇总如下：
一、关于对2023年政府工作的回顾
（一）坚定不移稳增长，经济发展韧劲更强。张伟、李娜代表认为，过去一年经济运行稳中有进。
二、关于2024年目标任务
（一）突出创新提速，增强转型升级驱动力。王芳代表认为，要加快科技创新。刘强代表表示，建议加大人才引进力度。
三、关于对2024年政府工作的意见和建议
一是关于增强转型升级驱动力方面（2条）
1.鼓励企业创新。王芳代表建议加大对创新平台的资助力度。
2.引育技能人才。刘强代表、陈静列席代表建议加强技能人才培养。
二是关于增强民生服务保障力方面（1条）
1.完善医疗支撑。孙丽、周杰、赵磊代表建议做好基层医疗机构供给保障。
本期发送：市委、市政府。
"""


def test_review_paragraphs_are_opinions_and_the_suggestion_part_holds_the_groups():
    s = REVIEW
    groups = [
        {"no": 1, "category": "增强转型升级驱动力", "count": 2, "suggestions": [
            suggestion(s, 1, "鼓励企业创新", ["王芳"], "1.鼓励企业创新。王芳代表建议加大对创新平台的资助力度。"),
            suggestion(s, 2, "引育技能人才", ["刘强", "陈静"], "2.引育技能人才。刘强代表、陈静列席代表建议加强技能人才培养。"),
        ]},
        {"no": 2, "category": "增强民生服务保障力", "count": 1, "suggestions": [
            suggestion(s, 1, "完善医疗支撑", ["孙丽", "周杰", "赵磊"], "1.完善医疗支撑。孙丽、周杰、赵磊代表建议做好基层医疗机构供给保障。"),
        ]},
    ]
    record = extract(REVIEW, "review.txt")
    assert (record["session"], record["period"]) == ("市十六届人大三次会议", ["2024-01-08", "2024-01-10"])
    assert record["suggestion_groups"] == groups
    # Without the heading of the suggestion part, the groups are still found and the opinions still left out.
    without_heading = extract(REVIEW.replace("三、关于对2024年政府工作的意见和建议\n", ""), "review.txt")
    assert [[x["title"] for x in g["suggestions"]] for g in without_heading["suggestion_groups"]] == [
        ["鼓励企业创新", "引育技能人才"], ["完善医疗支撑"]]


def test_the_heading_of_the_suggestion_part_is_not_a_suggestion():
    # `一、…回顾` runs into its first paragraph in the clean text (`张伟、` reads as a line-broken fragment).
    source = """西山市人大常委会办公室编 2024年2月8日
关于市十六届人大三次会议审议《政府工作报告》的情况
2024年1月8日至10日，出席市十六届人大三次会议的代表们认真审议了《政府工作报告》。现将审议情况汇总如下：
一、关于对2023年政府工作的回顾
张伟、李娜代表认为，过去一年经济运行稳中有进。
二、关于对2024年政府工作的意见和建议
一是关于增强转型升级驱动力方面（1条）
1.鼓励企业创新。王芳代表、刘强列席代表建议加大对创新平台的资助力度。
本期发送：市委、市政府。
"""
    first = "1.鼓励企业创新。王芳代表、刘强列席代表建议加大对创新平台的资助力度。"
    assert extract(source, "review.txt")["suggestion_groups"] == [
        {"no": 1, "category": "增强转型升级驱动力", "count": 1,
         "suggestions": [suggestion(source, 1, "鼓励企业创新", ["王芳", "刘强"], first)]}]


def test_a_summary_of_opinions_only_has_no_suggestions():
    opinions = REVIEW.split("三、")[0] + "本期发送：市委、市政府。\n"
    record = extract(opinions, "opinions.txt", doc_type="congress_review")
    assert (record["suggestion_groups"], record["suggestions"]) == ([], [])


def test_period_without_year_takes_the_year_of_issue():
    text = REVIEW.replace("2024年1月8日至10日", "1月8日至10日")
    assert extract(text, "review.txt")["period"] == ["2024-01-08", "2024-01-10"]


@pytest.mark.parametrize("text, names", [
    ("1.加强风险防范。吴敬宇代表、傅玖列席代表建议加强金融监管。", ["吴敬宇", "傅玖"]),
    ("张三和李四代表建议加快改造。", ["张三", "李四"]),
    ("代表张三提出，应加大扶持力度。", ["张三"]),
    ("市人大代表王五、赵六建议增设站点。", ["王五", "赵六"]),
    ("张三、李四等12名代表提出建议。", ["张三", "李四"]),
    ("会上张三代表建议加快改造。", ["张三"]),
    ("过去一年，胡卫江代表认为成效明显。", ["胡卫江"]),
    ("欧阳明代表建议加快改造。", ["欧阳明"]),
    ("关于优化营商环境的建议（领衔代表：刘强；附议代表：李四，王五）", ["刘强", "李四", "王五"]),
    ("要认真办理人大代表建议和政协委员提案。", []),
    ("部分代表建议加快改造，代表们普遍认为成效明显。", []),
])
def test_find_deputies(text, names):
    assert find_deputies(text) == names


@pytest.mark.parametrize("text, session", [
    ("关于市十七届人大二次会议审议《政府工作报告》的情况", "市十七届人大二次会议"),
    ("出席县第十八届人民代表大会第三次会议的代表们", "县第十八届人民代表大会第三次会议"),
    ("在区十届人大四次会议上，代表们", "区十届人大四次会议"),
    ("日照市第十八届人民代表大会第三次会议于1月召开", "日照市第十八届人民代表大会第三次会议"),
    ("二〇二三年一月五日市十七届人大常委会第十次会议", "市十七届人大常委会第十次会议"),
    ("会议期间，代表们提出了建议", None),
    ("2021年，管城回族区承办郑州市人大十五届四次会议代表建议共3件", "郑州市人大十五届四次会议"),
])
def test_find_session(text, session):
    assert find_session(text) == session


def test_a_session_named_in_full_and_in_short_is_given_in_short():
    text = ("1月8日上午，南川市第十五届人民代表大会第七次会议议案审查委员会召开会议。\n"
            "市十五届人大七次会议议案审查委员会成员出席会议。大会共收到代表建议51件，其中城建方面17件。\n")
    assert extract(text, "x.txt", doc_type="congress_review")["session"] == "市十五届人大七次会议"


@needs_shared
def test_seed_review_summary_matches_gold():
    source, expected = seed_text("003"), gold("003")
    record = extract(source, "003.txt")
    assert (record["session"], record["period"]) == (expected["session"], expected["period"])
    assert [{**{k: g[k] for k in ("no", "category", "count")},
             "suggestions": [{k: x[k] for k in ("no", "title", "deputies")} for x in g["suggestions"]]}
            for g in record["suggestion_groups"]] == expected["suggestion_groups"]
    assert len(record["suggestions"]) == sum(len(g["suggestions"]) for g in expected["suggestion_groups"])
    assert all(squash(source[slice(*x["span"])]) == x["text"] for x in record["suggestions"])


def test_the_documented_example_is_what_luoshi_extracts():
    doc = (ROOT / "docs" / "record-format.md").read_text(encoding="utf-8")
    part = doc.split("## Congress review summaries", 1)[1]
    source = re.search(r"```text\n(.*?)```", part, re.S).group(1)
    record = json.loads(re.search(r"```json\n(.*?)```", part, re.S).group(1))
    fields = ("doc_type", "session", "period", "suggestion_groups", "suggestions")
    got = extract(source, record["source"])
    assert {f: got[f] for f in fields} == {f: record[f] for f in fields}


def test_a_role_in_brackets_after_the_deputy():
    text = """关于县十八届人大三次会议代表审议《政府工作报告》意见建议的汇总
安平县人大常委会办公室
2024年1月20日
    二、关于增进民生福祉方面（2条）
    4.改善农村学校办学条件。陈志刚代表建议，加快农村薄弱学校改造。
    5.提升基层医疗服务能力。周晓红代表（列席）建议，加强乡镇卫生院人才队伍建设。
"""
    record = extract(text)
    assert [(s["no"], s["title"], s["deputies"]) for s in record["suggestions"]] == [
        (4, "改善农村学校办学条件", ["陈志刚"]),
        (5, "提升基层医疗服务能力", ["周晓红"]),
    ]
