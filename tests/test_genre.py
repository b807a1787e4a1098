"""The genre of a document comes from its structure, with a confidence and the evidence, and can be forced."""

from __future__ import annotations

import pytest

from luoshi.extract import extract, genre

MEETING_ACCOUNT = """区政府召开第十二次常务会议
发布时间：2025-03-05
3月4日上午，区委副书记、区长张明主持召开区政府第12次常务会议。
会议听取了区住建局关于老旧小区改造工作情况的汇报。会议要求，区住建局要抓紧制定计划。
会议审议了《关于进一步优化营商环境的若干措施》。会议强调，各部门要抓好落实。
会议还研究了其他事项。
"""

MINUTES_ON_THE_REPORT = """1月10日，县长王刚主持召开县政府第30次常务会议。会议审议了《2025年政府工作报告(征求意见稿)》。
会议指出，各部门要对报告数据再作核对。
"""

REPORT_EXCERPT = """今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%左右，固定资产投资增长8%以上。
一、2025年重点工作
（一）扎实推进产业强县。计划招引20个以上过亿项目。
"""

INSPECTION_BULLETIN = """关于2024年《政府工作报告》重点任务落实情况的通报
各乡镇人民政府，县政府各部门：
县政府督查室对2024年《政府工作报告》重点任务上半年落实情况开展了专项督查，现通报如下。
一、总体情况
"""


@pytest.mark.parametrize("text, expected", [
    (MEETING_ACCOUNT, genre.MEETING_MINUTES),
    (MINUTES_ON_THE_REPORT, genre.MEETING_MINUTES),
    (REPORT_EXCERPT, genre.WORK_REPORT),
    (INSPECTION_BULLETIN, genre.OTHER),
    ("今天天气很好。", genre.OTHER),
])
def test_the_genre_comes_from_the_structure(text, expected):
    assert genre.decide(text).doc_type == expected


def test_a_meeting_account_without_the_word_minutes_carries_its_evidence():
    decision = genre.decide(MEETING_ACCOUNT)
    assert decision.confidence == 1.0
    assert [e.split("：")[0] for e in decision.evidence] == [
        "标题是会议纪要或会议消息", "开头写明某人主持召开会议", "开头写明召开常务会议", "段落以“会议听取/审议/研究/强调…”开头"]
    assert decision.evidence[-1].endswith("（5处）")


def test_a_quoted_report_title_does_not_make_minutes_a_report():
    decision = genre.decide(MINUTES_ON_THE_REPORT)
    assert decision.scores[genre.WORK_REPORT] == 0
    assert 0.5 < decision.confidence <= 1.0


def test_nothing_recognisable_is_other_with_low_confidence():
    decision = genre.decide("今天天气很好。")
    assert (decision.doc_type, decision.confidence, decision.evidence) == (genre.OTHER, 1.0, ("没有找到可辨认体裁的结构",))


def test_the_record_says_how_the_genre_was_decided_and_a_user_can_force_it():
    detected = extract(MEETING_ACCOUNT, "a.txt")
    assert detected["doc_type"] == "meeting_minutes"
    assert detected["genre"]["source"] == "detected"
    assert len(detected["items"]) == 2
    forced = extract(MEETING_ACCOUNT, "a.txt", doc_type=genre.OTHER)
    assert (forced["doc_type"], forced["genre"]["doc_type"], forced["genre"]["source"]) == ("other", "other", "user")
    assert "items" not in forced


@pytest.mark.parametrize("word, expected", [
    ("minutes", genre.MEETING_MINUTES), ("meeting_minutes", genre.MEETING_MINUTES), ("Work-Report", genre.WORK_REPORT),
    ("congress_review", genre.CONGRESS_REVIEW), ("other", genre.OTHER)])
def test_user_words_for_a_genre(word, expected):
    assert genre.normalise_genre(word) == expected


def test_an_unknown_genre_word_is_refused():
    with pytest.raises(ValueError):
        genre.normalise_genre("poem")
