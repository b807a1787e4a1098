"""The head of documents published as web pages: the headline with the page's own chrome run into it,
a metadata table flattened to cells, an inspection office (督查室) as issuer.

The pages are written here, for fictional places; each test asserts the whole value extracted.
"""

from __future__ import annotations

from luoshi.extract import extract
from luoshi.extract.header import table_title, without_page_chrome

NOTICE = """关于2023年《政府工作报告》重点任务三季度落实情况的通报

发布时间:2023-10-20 10:05信息来源:青河县人民政府文字大小:[ 大 中 小 ] 背景色:

青河县政务督查

第15期

青河县人民政府督查室           2023年10月18日

关于2023年《政府工作报告》重点任务

三季度落实情况的通报

各乡镇人民政府，县政府各部门：
根据县政府工作安排，县政府督查室对2023年《政府工作报告》重点任务三季度落实情况进行了专项督查，现将有关情况通报如下。
"""

TABLE = """文件名称 | 2023年第五次县政府常务会议确定事项落实情况的通报 | ||
索引号 | qhx-2023-0412 | 公开目录: | 政务督查 |
公开责任部门 | 青河县政府办公室 | 公开形式: | 主动公开 |
文号 | 督查通报第九期 | 成文日期: | 2023年06月30日 |
内容概述 | 2023年第五次县政府常务会议确定事项落实情况的通报 |
近期，县政府督查室对2023年第五次县政府常务会议确定事项落实情况开展了专项督查，现通报如下。
"""


def head(record: dict) -> dict:
    return {k: record[k] for k in ("doc_type", "title", "issuer", "serial", "issued")}


def test_inspection_notice_behind_the_page_chrome():
    assert head(extract(NOTICE, "notice.txt", doc_type="other")) == {
        "doc_type": "other", "title": "关于2023年《政府工作报告》重点任务三季度落实情况的通报",
        "issuer": "青河县人民政府督查室", "serial": 15, "issued": "2023-10-18"}


def test_notice_whose_head_is_a_metadata_table():
    assert head(extract(TABLE, "table.txt", doc_type="other")) == {
        "doc_type": "other", "title": "2023年第五次县政府常务会议确定事项落实情况的通报",
        "issuer": "青河县政府办公室", "serial": None, "issued": "2023-06-30"}


def test_page_chrome_and_table_cells():
    assert without_page_chrome("关于X的通报发布时间:2023-10-20信息来源:青河县") == "关于X的通报"
    assert without_page_chrome("来源:青河县人民政府") == "来源:青河县人民政府"  # no headline before it
    assert table_title(["文件名称|关于Y的通知|索引号|1"]) == "关于Y的通知"
    assert table_title(["名称|青河县"]) is None  # not a title


def test_office_run_into_the_headline_is_not_part_of_the_title():
    page = """青河县人民政府办公室关于2019年《政府工作报告》三季度目标任务完成情况的通报
发布日期：2019-10-16  来源：县政府办  浏览次数：312
各乡镇人民政府，县各有关部门：
现将2019年《政府工作报告》三季度目标任务完成情况通报如下。
"""
    assert head(extract(page, "page.txt", doc_type="other"))["title"] == \
        "关于2019年《政府工作报告》三季度目标任务完成情况的通报"
    assert table_title(["标题：关于Z的通报|发布机构：青河县"]) == "关于Z的通报"
