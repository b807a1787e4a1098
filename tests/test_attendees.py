"""Attendance lists of meeting minutes (出席, 列席, 请假, 缺席) in several layouts, and the seed minutes."""

from __future__ import annotations

import random
import time

import pytest

from conftest import gold, needs_shared, seed_text
from luoshi.extract import extract
from luoshi.extract.attendees import parse_list, read_attendees
from luoshi.extract.document import Document


def people(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(a["role"], a["org"], a["name"]) for a in read_attendees(Document.from_text(text))]


RUNNING = """会议还研究了其他事项。
出席：李明、王强、张华。
列席：县人大周平，县政府办刘洋、倪明德，县委组织部王维峰，县发改委万芬奇，青山生态环境局沈玉其，团县委尹彦青，海关沈建培，人行青山支行林立彬，港区李峰，科教新城朱琼，城厢镇王益，娄江街道邵旻。
县委宣传部代表。
青山县人民政府办公室 整理
2024年3月8日
"""

RUNNING_PEOPLE = [
    ("出席", None, "李明"), ("出席", None, "王强"), ("出席", None, "张华"),
    ("列席", "县人大", "周平"), ("列席", "县政府办", "刘洋"), ("列席", "县政府办", "倪明德"),
    ("列席", "县委组织部", "王维峰"), ("列席", "县发改委", "万芬奇"), ("列席", "青山生态环境局", "沈玉其"),
    ("列席", "团县委", "尹彦青"), ("列席", "海关", "沈建培"), ("列席", "人行青山支行", "林立彬"),
    ("列席", "港区", "李峰"), ("列席", "科教新城", "朱琼"), ("列席", "城厢镇", "王益"), ("列席", "娄江街道", "邵旻"),
    ("列席", "县委宣传部", None)]


def test_running_lists_with_a_representative_on_its_own_line():
    assert people(RUNNING) == RUNNING_PEOPLE


@pytest.mark.parametrize("width", [10, 13, 17, 22, 31])
def test_lists_wrapped_at_the_page_width(width):
    # Each paragraph cut into lines of `width` characters, a blank line between them (PDF text).
    lines = [p[k:k + width] for p in RUNNING.splitlines() for k in range(0, len(p), width)]
    assert people("\n\n".join(lines)) == RUNNING_PEOPLE


def test_letter_spaced_list_with_a_name_broken_across_lines():
    text = "列 席 ： 县 政 府 办 刘 洋 、 王 \n 小 明 ， 县 农 业 农 村 局 陈 军 。\n"
    assert people(text) == [("列席", "县政府办", "刘洋"), ("列席", "县政府办", "王小明"), ("列席", "县农业农村局", "陈军")]


def test_columns_separated_by_spaces():
    text = ("出席：张三    李四    王五\n      赵六    钱七\n请假：孙八（因公）\n"
            "列席：市政府办  王晨清  倪明德\n      市发改委  万芬奇\n      市委宣传部代表\n\n青山市人民政府办公室    整理\n")
    assert people(text) == [
        ("出席", None, "张三"), ("出席", None, "李四"), ("出席", None, "王五"), ("出席", None, "赵六"),
        ("出席", None, "钱七"), ("请假", None, "孙八"), ("列席", "市政府办", "王晨清"), ("列席", "市政府办", "倪明德"),
        ("列席", "市发改委", "万芬奇"), ("列席", "市委宣传部", None)]


def test_two_character_names_padded_to_the_width_of_three():
    text = "出席：李　明　　王　强　　张华\n列席：县政府办　　李　刚　　赵　六\n"
    assert people(text) == [("出席", None, "李明"), ("出席", None, "王强"), ("出席", None, "张华"),
                            ("列席", "县政府办", "李刚"), ("列席", "县政府办", "赵六")]


def test_table_of_names_and_titles():
    text = "出席人员：\n李明    县长\n王强    副县长\n列席人员：\n县政府办公室    刘洋    副主任\n县发改委    陈军    主任\n"
    assert people(text) == [("出席", None, "李明"), ("出席", None, "王强"), ("列席", "县政府办公室", "刘洋"),
                            ("列席", "县发改委", "陈军")]


def test_unit_before_a_colon():
    text = "列席人员：市政府办：王晨清、倪明德；市发改委：万芬奇；市财政局：周淑亚。\n"
    assert people(text) == [("列席", "市政府办", "王晨清"), ("列席", "市政府办", "倪明德"), ("列席", "市发改委", "万芬奇"),
                            ("列席", "市财政局", "周淑亚")]


def test_labels_on_their_own_lines():
    text = "出席人员\n李明、王强\n列席人员\n县政府办公室：刘洋\n县农业农村局：陈军、张伟\n抄送：县委办。\n"
    assert people(text) == [("出席", None, "李明"), ("出席", None, "王强"), ("列席", "县政府办公室", "刘洋"),
                            ("列席", "县农业农村局", "陈军"), ("列席", "县农业农村局", "张伟")]


def test_titles_are_no_part_of_names():
    text = ("出席：市长李明，副市长王强、张华，市委常委、常务副市长赵刚。\n"
            "列席：市政府副秘书长钱江，市发改委主任孙立，市财政局局长周平同志。\n")
    assert people(text) == [
        ("出席", None, "李明"), ("出席", None, "王强"), ("出席", None, "张华"), ("出席", None, "赵刚"),
        ("列席", "市政府", "钱江"), ("列席", "市发改委", "孙立"), ("列席", "市财政局", "周平")]


def test_a_title_without_a_unit_keeps_the_unit_before_it():
    text = "列席：县政府办公室主任李明、副主任王强，县农业农村局（县乡村振兴局）陈军（局长）。\n"
    assert people(text) == [("列席", "县政府办公室", "李明"), ("列席", "县政府办公室", "王强"), ("列席", "县农业农村局", "陈军")]


def test_honorifics_and_order_notes():
    text = "出席：李明同志、王强同志、欧阳文同志（以上按姓氏笔画为序）\n（此件公开发布）\n"
    assert people(text) == [("出席", None, "李明"), ("出席", None, "王强"), ("出席", None, "欧阳文")]


def test_representatives_of_units():
    text = "列席：各镇（区）主要负责同志，县发改委、县财政局等部门负责同志，县住建局。\n"
    assert people(text) == [("列席", "各镇（区）", None), ("列席", "县发改委", None), ("列席", "县财政局", None),
                            ("列席", "县住建局", None)]


def test_leave_and_absence():
    text = "出席：李明、王强（请假）、张华。\n缺席：赵刚。\n请假：钱江、孙立。\n"
    assert people(text) == [("出席", None, "李明"), ("请假", None, "王强"), ("出席", None, "张华"), ("缺席", None, "赵刚"),
                            ("请假", None, "钱江"), ("请假", None, "孙立")]


def test_two_lists_in_one_paragraph_and_transliterated_names():
    text = "出席：李明、阿不都·热合曼。列席：县民宗局买买提·艾力，县政府办刘洋。\n"
    assert people(text) == [("出席", None, "李明"), ("出席", None, "阿不都·热合曼"), ("列席", "县民宗局", "买买提·艾力"),
                            ("列席", "县政府办", "刘洋")]


def test_a_mention_of_attending_in_running_text_is_no_list():
    assert people("2023年1月3日，出席市十七届人大二次会议的代表们认真审议了报告。\n与会人员一致认为，要抓好落实。\n") == []


def test_parse_list_alone():
    assert parse_list("市政府办王晨清、倪明德，市委宣传部代表。", "列席") == [
        {"role": "列席", "org": "市政府办", "name": "王晨清"}, {"role": "列席", "org": "市政府办", "name": "倪明德"},
        {"role": "列席", "org": "市委宣传部", "name": None}]


def test_a_long_document_is_read_in_milliseconds():
    random.seed(7)
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳敏静丽强磊军洋勇艳杰涛明超霞平刚英华"
    units = ["县发改委", "县教育局", "县科技局", "县公安局", "县民政局", "县司法局", "县财政局", "县住建局"]
    entries = [random.choice(units) + "、".join(random.choice(surnames) + random.choice(given) for _ in range(2))
               for _ in range(80)]
    body = "会议强调，各地各部门要切实做好安全生产工作，县应急管理局要牵头开展隐患排查。\n" * 3000
    doc = Document.from_text(body + "出席：李明、王强。\n列席：" + "，".join(entries) + "。\n")
    doc.paragraphs  # the layout is not what is timed
    start = time.perf_counter()
    found = read_attendees(doc)
    elapsed = time.perf_counter() - start
    assert (len(doc.text) > 100_000, len(found)) == (True, 2 + 160)
    assert elapsed < 0.25  # about 10 ms on a laptop


@needs_shared
@pytest.mark.parametrize("stem", ["000", "001", "004"])
def test_seed_minutes_attendees_equal_the_gold(stem):
    assert extract(seed_text(stem), stem)["attendees"] == gold(stem)["attendees"]


def test_attendance_told_in_a_news_account():
    from luoshi.extract import extract

    text = ("12月30日上午，县委书记、县长余峰主持召开县政府第59次常务会议。县领导程春、张曾、袁维锡出席会议，"
            "县人武部政委王卫、县政协副主席陈新列席会议。县直相关单位负责人列席会议。\n"
            "会议研究了2024年度重点项目安排有关事宜。会议指出，县发改委要发挥牵头作用。\n")
    assert extract(text, "n.txt")["attendees"] == [
        {"role": "出席", "org": None, "name": "程春"}, {"role": "出席", "org": None, "name": "张曾"},
        {"role": "出席", "org": None, "name": "袁维锡"},
        {"role": "列席", "org": "县人武部", "name": "王卫"}, {"role": "列席", "org": "县政协", "name": "陈新"},
    ]


def test_a_news_accounts_participants_are_present_and_the_groups_tail_is_no_one():
    from luoshi.extract import extract

    text = ("1月7日，县委副书记、县长李翔主持召开县政府第13次常务会议，程海龙、马辉及郭晓伟等县政府常务会组成人员参加会议。\n"
            "会议研究讨论了县城供水改扩建项目。\n")
    assert extract(text, "p.txt")["attendees"] == [
        {"role": "出席", "org": None, "name": "程海龙"}, {"role": "出席", "org": None, "name": "马辉"},
        {"role": "出席", "org": None, "name": "郭晓伟"}]
