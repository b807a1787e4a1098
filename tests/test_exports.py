"""The exports offices send and print: each file is built from sample rows and read back cell by cell
(openpyxl) or paragraph by paragraph (python-docx); LibreOffice converts one of each to PDF."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from types import SimpleNamespace
from decimal import Decimal

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from luoshi.exports import (LISTS, BulletinContent, BulletinFigures, CompletedRow, ExportError, LedgerRow, SubtaskLine,
                            Letterhead, OverdueRow, SuggestionRow, TargetRow, bulletin_content, bulletin_docx,
                            csv_bytes, export_list, json_bytes, ledger_rows, ledger_rows_from_views, ledger_xlsx,
                            bulletin_title, records, suggestion_rows, suggestions_xlsx, target_rows, targets_xlsx)
from luoshi.exports.columns import LEDGER, SUGGESTIONS, TARGETS
from luoshi.exports.dates import period_label, zh_date
from luoshi.exports.docx import _title, title_lines
from luoshi.ledger import Colour, Item, ItemWarning, Kind, State
from luoshi.ledger.suggestions import Round, Satisfaction, Suggestion, SuggestionState
from luoshi.ledger.targets import Status as TargetStatus
from luoshi.ledger.targets import Target
from luoshi.ledger.targets import TargetStatus as TargetStatusValue

TODAY = date(2026, 11, 25)
ISSUER = "青溪县人民政府"

LEDGER_ROWS = [
    LedgerRow(1, "加快推进县城污水处理厂提标改造工程，年底前完成主体工程建设", "县政府第12次常务会议纪要",
              ("县住房和城乡建设局",), ("县生态环境分局", "县财政局"), date(2026, 12, 31),
              "已完成设备采购招标，土建工程完成60%", State.IN_PROGRESS, Colour.YELLOW),
    LedgerRow(2, "完成青溪大道东延段路面施工", "2026年县政府工作报告", ("县交通运输局",), (),
              date(2026, 10, 15), "受雨季影响，路面施工滞后", State.IN_PROGRESS, Colour.RED),
    LedgerRow(3, "新建城东小学综合楼", "县政府第9次常务会议纪要", ("县教育局",), ("县自然资源局",),
              date(2027, 8, 31), "主体结构封顶", State.ASSIGNED, Colour.GREEN),
    LedgerRow(4, "拨付农村公路养护资金", "县政府第10次常务会议纪要", ("县财政局",), (),
              date(2026, 10, 31), "资金已全部拨付", State.DONE, None),
]
SUBTASKS = (SubtaskLine("县住建局要在年底前完成主体工程建设", ("县住建局",), ("县财政局",), "年底前", date(2026, 12, 31)),
            SubtaskLine("要守牢安全底线"))
TARGET_ROWS = [
    TargetRow("地区生产总值增长", Decimal("6"), "%", 2026, ("县发展和改革局",), Decimal("6.2"), TargetStatus.ON_TRACK),
    TargetRow("城镇新增就业", 3500, "人", 2026, ("县人力资源和社会保障局",), 2980, "进度滞后"),
]
SUGGESTION_ROWS = [
    SuggestionRow(1, "关于加快农村饮水安全巩固提升的建议", ("王建国", "李秀英"), "农业农村",
                  ("县水利局",), ("县卫生健康局",), date(2026, 6, 30), "已答复", "满意"),
    SuggestionRow(2, "关于增设城区公交线路的建议", ("张伟",), "城乡建设", ("县交通运输局",), (),
                  date(2026, 7, 15), State.IN_PROGRESS, None),
]


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def values(ws, first_row: int = 3):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=first_row)]


# --- XLSX


def test_ledger_xlsx_title_header_and_values():
    ws = sheet(ledger_xlsx(LEDGER_ROWS, issuer=ISSUER, generated=TODAY))
    assert ws.title == "督办事项台账"
    assert ws["A1"].value == "青溪县人民政府督办事项台账\n（2026年11月25日制表）"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:J1"]
    assert values(ws, 2)[0] == ["序号", "事项", "分解任务", "来源", "牵头单位", "配合单位", "完成时限", "进展情况", "状态",
                                "预警"]
    assert values(ws) == [
        [1, "加快推进县城污水处理厂提标改造工程，年底前完成主体工程建设", None, "县政府第12次常务会议纪要",
         "县住房和城乡建设局", "县生态环境分局、县财政局", datetime(2026, 12, 31), "已完成设备采购招标，土建工程完成60%",
         "办理中", "黄灯"],
        [2, "完成青溪大道东延段路面施工", None, "2026年县政府工作报告", "县交通运输局", None, datetime(2026, 10, 15),
         "受雨季影响，路面施工滞后", "办理中", "红灯"],
        [3, "新建城东小学综合楼", None, "县政府第9次常务会议纪要", "县教育局", "县自然资源局", datetime(2027, 8, 31),
         "主体结构封顶", "已交办", "绿灯"],
        [4, "拨付农村公路养护资金", None, "县政府第10次常务会议纪要", "县财政局", None, datetime(2026, 10, 31),
         "资金已全部拨付", "已办结", None],
    ]
    assert ws["G3"].number_format == 'yyyy"年"m"月"d"日"'


def test_ledger_xlsx_is_laid_out_for_work_and_print():
    ws = sheet(ledger_xlsx(LEDGER_ROWS, issuer=ISSUER, generated=TODAY))
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:J6"
    assert {k: d.width for k, d in ws.column_dimensions.items()} == {
        "A": 6, "B": 42, "C": 60, "D": 22, "E": 16, "F": 18, "G": 16, "H": 40, "I": 9, "J": 8}
    assert [bool(ws.cell(3, j).alignment.wrap_text) for j in range(1, 11)] == [
        False, True, True, True, True, True, False, True, True, True]
    assert ws.row_dimensions[3].height > ws.row_dimensions[4].height  # the long title wraps
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$2:$2"


def test_ledger_xlsx_fills_warning_cells_with_their_colour_and_word():
    ws = sheet(ledger_xlsx(LEDGER_ROWS, issuer=ISSUER, generated=TODAY))
    warnings = [(ws[f"J{r}"].value, ws[f"J{r}"].fill.fill_type, ws[f"J{r}"].fill.fgColor.rgb) for r in range(3, 7)]
    assert warnings == [("黄灯", "solid", "00FFEB9C"), ("红灯", "solid", "00FFC7CE"), ("绿灯", "solid", "00C6EFCE"),
                        (None, None, "00000000")]
    assert ws["I4"].fill.fill_type is None  # only the warning column is coloured


def test_targets_and_suggestions_xlsx():
    targets = sheet(targets_xlsx(TARGET_ROWS, issuer=ISSUER, generated=TODAY))
    assert targets["A1"].value.startswith("青溪县人民政府目标指标完成情况表\n")
    assert values(targets, 2) == [
        ["指标", "目标值", "单位", "年度", "责任单位", "实际值", "状态"],
        ["地区生产总值增长", 6, "%", 2026, "县发展和改革局", 6.2, "进度正常"],
        ["城镇新增就业", 3500, "人", 2026, "县人力资源和社会保障局", 2980, "进度滞后"],
    ]
    assert (targets.freeze_panes, targets.auto_filter.ref) == ("A3", "A2:G4")
    suggestions = sheet(suggestions_xlsx(SUGGESTION_ROWS, issuer=ISSUER, generated=TODAY))
    assert values(suggestions, 2) == [
        ["序号", "建议标题", "代表", "类别", "主办单位", "协办单位", "答复期限", "状态", "满意度"],
        [1, "关于加快农村饮水安全巩固提升的建议", "王建国、李秀英", "农业农村", "县水利局", "县卫生健康局",
         datetime(2026, 6, 30), "已答复", "满意"],
        [2, "关于增设城区公交线路的建议", "张伟", "城乡建设", "县交通运输局", None, datetime(2026, 7, 15), "办理中", None],
    ]
    assert (suggestions.freeze_panes, suggestions.auto_filter.ref) == ("A3", "A2:I4")


def test_an_empty_list_still_has_its_title_header_and_filter():
    ws = sheet(ledger_xlsx([], issuer=ISSUER, generated=TODAY))
    assert (ws.max_row, ws.auto_filter.ref) == (2, "A2:J2")


def test_a_row_of_the_wrong_list_is_refused_by_position():
    with pytest.raises(ExportError, match="ledger export: row 2 is a TargetRow, expected LedgerRow"):
        ledger_xlsx([LEDGER_ROWS[0], TARGET_ROWS[0]])


# --- CSV and JSON


def test_every_format_uses_the_one_column_definition():
    for name, spec, rows in (("ledger", LEDGER, LEDGER_ROWS), ("targets", TARGETS, TARGET_ROWS),
                             ("suggestions", SUGGESTIONS, SUGGESTION_ROWS)):
        assert LISTS[name] is spec
        header_xlsx = values(sheet(export_list(name, "xlsx", rows)), 2)[0]
        header_csv = next(csv.reader(io.StringIO(export_list(name, "csv", rows).decode("utf-8-sig"))))
        keys_json = list(json.loads(export_list(name, "json", rows))[0])
        assert header_xlsx == header_csv == spec.headers
        assert [k for k in keys_json if not k.endswith("_label")] == [c.key for c in spec.columns]


def test_ledger_csv_is_utf8_with_bom_for_excel():
    data = csv_bytes(LEDGER, LEDGER_ROWS[:2])
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))) == [
        ["序号", "事项", "分解任务", "来源", "牵头单位", "配合单位", "完成时限", "进展情况", "状态", "预警"],
        ["1", "加快推进县城污水处理厂提标改造工程，年底前完成主体工程建设", "", "县政府第12次常务会议纪要",
         "县住房和城乡建设局", "县生态环境分局、县财政局", "2026-12-31", "已完成设备采购招标，土建工程完成60%", "办理中",
         "黄灯"],
        ["2", "完成青溪大道东延段路面施工", "", "2026年县政府工作报告", "县交通运输局", "", "2026-10-15",
         "受雨季影响，路面施工滞后", "办理中", "红灯"],
    ]


def test_ledger_json_records_keep_chinese_and_identifiers():
    data = json_bytes(LEDGER, LEDGER_ROWS[1:2] + LEDGER_ROWS[3:])
    assert "完成青溪大道".encode() in data  # not ASCII-escaped
    assert json.loads(data) == [
        {"no": 2, "title": "完成青溪大道东延段路面施工", "subtasks": [], "source": "2026年县政府工作报告",
         "lead_units": ["县交通运输局"],
         "co_units": [], "due": "2026-10-15", "progress": "受雨季影响，路面施工滞后", "state": "in_progress",
         "state_label": "办理中", "warning": "red", "warning_label": "红灯"},
        {"no": 4, "title": "拨付农村公路养护资金", "subtasks": [], "source": "县政府第10次常务会议纪要",
         "lead_units": ["县财政局"],
         "co_units": [], "due": "2026-10-31", "progress": "资金已全部拨付", "state": "done", "state_label": "已办结",
         "warning": None, "warning_label": ""},
    ]


def test_the_directives_of_an_item_are_its_subtasks_in_one_cell_and_a_json_list():
    row = LedgerRow(1, "审议《污水处理厂提标改造方案》", "县政府第12次常务会议纪要", ("县住建局",), ("县财政局",),
                    date(2026, 12, 31), subtasks=SUBTASKS)
    ws = sheet(ledger_xlsx([row], issuer=ISSUER, generated=TODAY))
    assert ws["C3"].value == ("1. 县住建局要在年底前完成主体工程建设（责任单位：县住建局；配合单位：县财政局；时限：年底前（2026-12-31））\n"
                              "2. 要守牢安全底线")
    assert json.loads(json_bytes(LEDGER, [row]))[0]["subtasks"] == [
        {"text": "县住建局要在年底前完成主体工程建设", "owners": ["县住建局"], "co_owners": ["县财政局"], "due_text": "年底前",
         "due": "2026-12-31"},
        {"text": "要守牢安全底线", "owners": [], "co_owners": [], "due_text": None, "due": None}]


def test_target_records_from_decimals_and_the_target_status_enum():
    assert records(TARGETS, TARGET_ROWS) == [
        {"indicator": "地区生产总值增长", "value": 6, "unit": "%", "year": 2026, "responsible_units": ["县发展和改革局"],
         "actual": 6.2, "status": "on_track", "status_label": "进度正常"},
        {"indicator": "城镇新增就业", "value": 3500, "unit": "人", "year": 2026,
         "responsible_units": ["县人力资源和社会保障局"], "actual": 2980, "status": "进度滞后", "status_label": "进度滞后"},
    ]
    assert csv_bytes(TARGETS, TARGET_ROWS[:1]).decode("utf-8-sig").splitlines()[1] == \
        "地区生产总值增长,6,%,2026,县发展和改革局,6.2,进度正常"


def test_suggestion_records_with_plain_text_statuses():
    assert records(SUGGESTIONS, SUGGESTION_ROWS[:1]) == [
        {"no": 1, "title": "关于加快农村饮水安全巩固提升的建议", "deputies": ["王建国", "李秀英"], "category": "农业农村",
         "lead_units": ["县水利局"], "co_units": ["县卫生健康局"], "reply_due": "2026-06-30", "state": "已答复",
         "state_label": "已答复", "satisfaction": "满意", "satisfaction_label": "满意"}]


def test_unknown_list_or_format_names_the_valid_ones():
    with pytest.raises(ExportError, match="没有“items”这份清单可导出：可选ledger、targets、suggestions"):
        export_list("items", "csv", [])
    with pytest.raises(ExportError, match="没有“pdf”这种导出格式：可选xlsx、csv、json"):
        export_list("ledger", "pdf", [])


# --- the bulletin


LETTERHEAD = Letterhead("青溪县人民政府办公室", "青政办督〔2026〕11号", date(2026, 11, 5),
                        copy_to=("县委办公室", "县人大常委会办公室", "县政协办公室"))
FIGURES = BulletinFigures(total=48, done=30, in_progress=18, overdue=3)
OVERDUE = [
    OverdueRow("县住房和城乡建设局", "推进县城老旧小区改造三期工程", date(2026, 9, 30), 31),
    OverdueRow("县交通运输局", "完成青溪大道东延段路面施工", date(2026, 10, 15), 16),
    OverdueRow("县住房和城乡建设局", "完成城区雨污分流管网改造", date(2026, 10, 20), 11),
]
COMPLETED = [
    CompletedRow("县财政局", "拨付农村公路养护资金", date(2026, 10, 31), date(2026, 10, 20)),
    CompletedRow("县卫生健康局", "完成乡镇卫生院标准化建设验收", date(2026, 10, 31), date(2026, 10, 28)),
]


def bulletin(**overrides) -> bytes:
    kwargs = dict(start=date(2026, 10, 1), end=date(2026, 10, 31), figures=FIGURES, overdue=OVERDUE,
                  completed=COMPLETED, letterhead=LETTERHEAD)
    return bulletin_docx(**(kwargs | overrides))


def paragraphs(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text.strip()]


def test_bulletin_paragraphs_in_order():
    doc = Document(io.BytesIO(bulletin()))
    assert paragraphs(doc) == [
        "青溪县人民政府办公室",
        "青政办督〔2026〕11号",
        "关于2026年10月份督办事项\n办理情况的通报",
        "各乡镇人民政府，县政府各部门：",
        "为推动各项决策部署落地见效，县政府督查室对2026年10月份督办事项办理情况进行了跟踪督办。现将有关情况通报如下：",
        "一、总体情况",
        "截至2026年10月31日，2026年10月份共督办事项48项，其中已办结30项，办理中18项（含逾期3项），办结率62.5%。",
        "二、逾期未办结事项",
        "截至2026年10月31日，2个单位牵头的3项督办事项逾期未办结（见表1），请相关单位抓紧办理。",
        "表1  逾期未办结事项（按牵头单位）",
        "三、已办结事项",
        "2026年10月份，2个单位牵头的2项督办事项已办结（见表2）。",
        "表2  已办结事项（按牵头单位）",
        "四、有关要求",
        "（一）各承办单位要进一步提高思想认识，压实工作责任，对照督办事项逐项梳理，确保按时保质完成。",
        "（二）对逾期未办结事项，牵头单位要认真分析原因，制定整改措施，明确完成时限，及时报送办理进展；确需延期的，应按程序申请。",
        "（三）督查室将持续跟踪督办，定期通报办理情况，对整改不力、推进迟缓的单位予以约谈。",
        "青溪县人民政府办公室",
        "2026年11月5日",
        "抄送：县委办公室，县人大常委会办公室，县政协办公室。",
        "青溪县人民政府办公室\t2026年11月5日印发",
    ]


def test_bulletin_tables_by_unit():
    doc = Document(io.BytesIO(bulletin()))
    rows = [[[c.text for c in row.cells] for row in table.rows] for table in doc.tables]
    assert rows == [
        [["序号", "牵头单位", "督办事项", "完成时限", "逾期天数"],
         ["1", "县交通运输局", "完成青溪大道东延段路面施工", "2026年10月15日", "16天"],
         ["2", "县住房和城乡建设局", "推进县城老旧小区改造三期工程", "2026年9月30日", "31天"],
         ["3", "县住房和城乡建设局", "完成城区雨污分流管网改造", "2026年10月20日", "11天"]],
        [["序号", "牵头单位", "督办事项", "完成时限", "办结日期"],
         ["1", "县卫生健康局", "完成乡镇卫生院标准化建设验收", "2026年10月31日", "2026年10月28日"],
         ["2", "县财政局", "拨付农村公路养护资金", "2026年10月31日", "2026年10月20日"]],
    ]
    overdue = doc.tables[0]
    assert overdue.cell(2, 1)._tc is overdue.cell(3, 1)._tc  # one unit, one merged cell


def test_bulletin_page_fonts_and_colours_are_those_of_a_gongwen():
    doc = Document(io.BytesIO(bulletin()))
    section = doc.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                                  section.left_margin, section.right_margin)] == [210, 297, 37, 35, 28, 26]
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    issuer, number = [p for p in doc.paragraphs if p.text.strip()][:2]
    head = issuer.runs[0]
    assert (str(head.font.color.rgb), head.font.size.pt, head.font.name) == ("FF0000", 36, "方正小标宋简体")
    assert head._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    rule = number._p.pPr.find(qn("w:pBdr"))[0]
    assert rule.get(qn("w:color")) == "FF0000"
    footer = doc.sections[0].footer.paragraphs[0]
    assert footer.text == "—  —" and footer._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"
    assert Mm(156) - Mm(1) < sum((c.width for c in doc.tables[0].columns), Mm(0)) <= Mm(156)


def test_bulletin_without_overdue_items_says_so():
    doc = Document(io.BytesIO(bulletin(overdue=[], figures=BulletinFigures(10, 10, 0, 0))))
    assert "截至2026年10月31日，无逾期未办结事项。" in paragraphs(doc)
    assert len(doc.tables) == 1


def test_period_labels_and_titles():
    assert period_label(date(2026, 10, 1), date(2026, 10, 31)) == "2026年10月份"
    assert period_label(date(2026, 2, 1), date(2026, 2, 28)) == "2026年2月份"
    assert period_label(date(2026, 10, 1), date(2026, 11, 15)) == "2026年10月1日至11月15日"
    assert period_label(date(2026, 12, 1), date(2027, 1, 15)) == "2026年12月1日至2027年1月15日"
    assert zh_date(date(2026, 11, 5)) == "2026年11月5日"
    assert title_lines("关于2026年10月1日至11月15日督办事项办理情况的通报") == [
        "关于2026年10月1日至11月15日", "督办事项办理情况的通报"]
    assert title_lines("关于2026年12月1日至2027年1月15日督办事项办理情况的通报") == [
        "关于2026年12月1日至", "2027年1月15日", "督办事项办理情况的通报"]


TITLE_WORDS = ("关于", "督办事项", "办理情况", "通报")


def _title_paragraph(doc):
    return next(p for p in doc.paragraphs if p.text.startswith("关于"))


@pytest.mark.parametrize("start, end", [(date(2026, 10, 1), date(2026, 10, 31)),
                                        (date(2026, 10, 1), date(2026, 11, 15)),
                                        (date(2026, 12, 1), date(2027, 1, 15))])
def test_the_title_breaks_only_between_its_phrases(start, end):
    title = _title_paragraph(Document(io.BytesIO(bulletin(start=start, end=end))))
    lines = title.text.split("\n")
    assert "".join(lines) == f"关于{period_label(start, end)}督办事项办理情况的通报"
    for line in lines:  # every line is whole phrases: no word or date cut
        assert line.endswith(("关于", "至", "日", "份", "督办事项", "通报")), lines
        assert not any(word not in line and any(line.endswith(word[:k]) for k in range(1, len(word)))
                       for word in TITLE_WORDS), lines
    assert title.paragraph_format.keep_together


def test_a_title_phrase_wider_than_a_line_is_set_smaller_not_cut():
    doc = Document()
    _title(doc, "关于" + "青溪县城乡环境综合整治专项行动" * 2 + "督办事项办理情况的通报")
    runs = [r for r in _title_paragraph(doc).runs if r.text]
    assert any("青溪县城乡环境综合整治专项行动" * 2 in r.text for r in runs)  # one line, not cut
    assert all(r.font.size.pt < 22 for r in runs)


def test_the_record_stays_with_the_signature_on_the_last_page():
    doc = Document(io.BytesIO(bulletin()))
    texts = [p.text for p in doc.paragraphs]
    last_requirement = max(i for i, t in enumerate(texts) if t.startswith("（三）"))
    tail = doc.paragraphs[last_requirement:]
    assert tail[-1].text == "青溪县人民政府办公室\t2026年11月5日印发"
    assert all(p.paragraph_format.keep_with_next for p in tail[:-1])  # chained down to the 印发 line
    assert all(p.paragraph_format.keep_together for p in tail[1:])


def test_the_as_of_date_is_never_after_the_day_of_issue():
    doc = Document(io.BytesIO(bulletin(end=date(2026, 11, 30), start=date(2026, 11, 1))))
    as_of = [t for t in paragraphs(doc) if t.startswith("截至")]
    assert len(as_of) == 2 and all(t.startswith("截至2026年11月5日，") for t in as_of)  # issued 5 November


def test_bulletin_numbers_requirements_and_refuses_a_reversed_period():
    doc = Document(io.BytesIO(bulletin(requirements=[f"要求{i}" for i in range(1, 13)])))
    assert [t for t in paragraphs(doc) if t.startswith("（")][-3:] == ["（十）要求10", "（十一）要求11", "（十二）要求12"]
    with pytest.raises(ExportError, match="start 2026-10-31 is after end 2026-10-01"):
        bulletin(start=date(2026, 10, 31), end=date(2026, 10, 1))


def test_bulletin_figures_must_add_up():
    assert BulletinFigures(8, 5, 3, 1).completion_rate == 0.625
    assert BulletinFigures(0, 0, 0, 0).completion_rate == 0.0
    with pytest.raises(ExportError, match="done 5 \\+ in progress 4 exceed the total 8"):
        BulletinFigures(8, 5, 4, 0)
    with pytest.raises(ExportError, match="overdue 4 exceeds in progress 3"):
        BulletinFigures(8, 5, 3, 4)


# --- LibreOffice opens what we make


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("LUOSHI_TEST_REQUIRE_ALL") == "1":
            pytest.fail("LibreOffice (soffice) is required when LUOSHI_TEST_REQUIRE_ALL=1")
        pytest.skip("LibreOffice (soffice) is not installed: cannot prove the exports open")
    return found


def test_libreoffice_converts_the_ledger_and_the_bulletin_to_pdf(tmp_path):
    soffice = _soffice()
    (tmp_path / "ledger.xlsx").write_bytes(ledger_xlsx(LEDGER_ROWS, issuer=ISSUER, generated=TODAY))
    (tmp_path / "bulletin.docx").write_bytes(bulletin())
    profile = (tmp_path / "profile").as_uri()  # a private profile: parallel runs do not clash
    done = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(tmp_path / "ledger.xlsx"), str(tmp_path / "bulletin.docx")],
                          capture_output=True, text=True, timeout=180)
    made = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert made == ["bulletin.pdf", "ledger.pdf"], (
        f"LibreOffice made {made}; a missing ledger.pdf usually means Calc is not installed "
        f"(libreoffice-calc-nogui).\n{done.stdout}\n{done.stderr}")
    for name in made:
        assert (tmp_path / name).read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "bulletin.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        text = "".join(text.split())  # LibreOffice spaces Chinese from digits; lines break anywhere
        assert "青政办督〔2026〕11号" in text and "办结率62.5%" in text


def test_libreoffice_sets_each_title_on_lines_of_whole_phrases(tmp_path):
    soffice = _soffice()
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    periods = {"month": (date(2026, 10, 1), date(2026, 10, 31)), "span": (date(2026, 10, 1), date(2026, 11, 15)),
               "years": (date(2026, 12, 1), date(2027, 1, 15))}
    for name, (start, end) in periods.items():
        (tmp_path / f"{name}.docx").write_bytes(bulletin(start=start, end=end))
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), *(str(tmp_path / f"{n}.docx") for n in periods)],
                   capture_output=True, timeout=180)
    for name, (start, end) in periods.items():
        pages = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True,
                               text=True, check=True).stdout.split("\f")
        lines = ["".join(line.split()) for line in pages[0].splitlines() if line.strip()]
        first = next(i for i, line in enumerate(lines) if line.startswith("关于"))
        last = next(i for i, line in enumerate(lines) if line.endswith("通报"))
        assert lines[first:last + 1] == title_lines(bulletin_title(start, end)), lines[:8]
        last_page = [p for p in pages if p.strip()][-1]  # the 版记 shares its page with the signature
        assert "印发" in last_page and "抄送" in last_page and "2026年11月5日" in "".join(
            last_page.split("抄送")[0].split())


# --- rows from the ledger's items


def _item(id: str, title: str, state: State, *, due: date, assigned: date, closed: date | None = None,
          progress: int = 0, lead: str = "u1") -> Item:
    at = datetime(assigned.year, assigned.month, assigned.day, 9, tzinfo=UTC)
    return Item(id=id, kind=Kind.DECISION, title=title, state=state, lead_units=(lead,), due=due, assigned_at=at,
                last_progress_at=at, progress=progress,
                closed_at=datetime(closed.year, closed.month, closed.day, 9, tzinfo=UTC) if closed else None)


ITEMS = [
    _item("1", "完成青溪大道东延段路面施工", State.IN_PROGRESS, due=date(2026, 10, 15), assigned=date(2026, 9, 1)),
    _item("2", "拨付农村公路养护资金", State.DONE, due=date(2026, 10, 31), assigned=date(2026, 9, 1),
          closed=date(2026, 10, 20), lead="u2"),
    _item("3", "新建城东小学综合楼", State.IN_PROGRESS, due=date(2027, 8, 31), assigned=date(2026, 10, 10), progress=40),
    _item("4", "九月已办结的事项", State.DONE, due=date(2026, 9, 30), assigned=date(2026, 8, 1), closed=date(2026, 9, 20)),
    _item("5", "十一月才交办的事项", State.ASSIGNED, due=date(2026, 12, 31), assigned=date(2026, 11, 2)),
    _item("6", "已撤销的事项", State.CANCELLED, due=date(2026, 10, 1), assigned=date(2026, 9, 1)),
]
NAMES = {"u1": "县交通运输局", "u2": "县财政局"}


def test_ledger_rows_from_items_colour_them_as_the_ledger_does():
    rows = ledger_rows(ITEMS[:3], today=date(2026, 11, 1), unit_names=NAMES, sources={"1": "2026年县政府工作报告"},
                       progress={"1": "路面施工滞后"})
    assert [(r.no, r.source, r.lead_units, r.progress, r.state, r.warning) for r in rows] == [
        (1, "2026年县政府工作报告", ("县交通运输局",), "路面施工滞后", State.IN_PROGRESS, Colour.RED),
        (2, "", ("县财政局",), "", State.DONE, None),
        (3, "", ("县交通运输局",), "已完成40%", State.IN_PROGRESS, Colour.GREEN),
    ]


def test_ledger_rows_from_the_views_the_store_lists():
    document = SimpleNamespace(id=7, name="minutes-12.docx", title="县政府第12次常务会议纪要", version=1)
    view = SimpleNamespace(item=ITEMS[0], warning=ItemWarning(Colour.RED), units={"u1": "县交通运输局"},
                           document=document)
    assert ledger_rows_from_views([view], first_no=51) == [
        LedgerRow(51, "完成青溪大道东延段路面施工", "县政府第12次常务会议纪要", ("县交通运输局",), (), date(2026, 10, 15), "",
                  State.IN_PROGRESS, Colour.RED)]


def test_bulletin_content_of_a_month_from_items():
    content = bulletin_content(ITEMS, start=date(2026, 10, 1), end=date(2026, 10, 31), unit_names=NAMES)
    assert content == BulletinContent(
        BulletinFigures(total=3, done=1, in_progress=2, overdue=1),
        [OverdueRow("县交通运输局", "完成青溪大道东延段路面施工", date(2026, 10, 15), 16)],
        [CompletedRow("县财政局", "拨付农村公路养护资金", date(2026, 10, 31), date(2026, 10, 20))])


def test_target_rows_write_bounded_goals_in_words():
    targets = [Target(id="t1", indicator="地区生产总值增长", value=Decimal("6"), unit="%", year=2026, bound="左右",
                      lead_units=("u3",)),
               Target(id="t2", indicator="城镇新增就业", value=Decimal("3500"), unit="人", year=2026)]
    statuses = {"t1": TargetStatusValue(TargetStatus.ON_TRACK, "…", Decimal("6.2"))}
    assert target_rows(targets, statuses=statuses, unit_names={"u3": "县发展和改革局"}) == [
        TargetRow("地区生产总值增长", "6左右", "%", 2026, ("县发展和改革局",), Decimal("6.2"), TargetStatus.ON_TRACK),
        TargetRow("城镇新增就业", Decimal("3500"), "人", 2026, (), None, None),
    ]


def test_suggestion_rows_from_suggestions():
    at = datetime(2026, 3, 31, 9, tzinfo=UTC)
    rounds = (Round(no=1, assigned_at=at, due=date(2026, 6, 30), satisfaction=Satisfaction.DISSATISFIED),
              Round(no=2, assigned_at=at, due=date(2026, 9, 30)))
    suggestion = Suggestion(id="s1", no=12, title="关于增设城区公交线路的建议", category="城乡建设", deputies=("张伟",),
                            state=SuggestionState.REHANDLING, lead_unit="u1", co_units=("u2",), rounds=rounds)
    [row] = suggestion_rows([suggestion], unit_names=NAMES)
    assert row == SuggestionRow(12, "关于增设城区公交线路的建议", ("张伟",), "城乡建设", ("县交通运输局",), ("县财政局",),
                                date(2026, 9, 30), SuggestionState.REHANDLING, Satisfaction.DISSATISFIED)
    assert records(SUGGESTIONS, [row])[0]["satisfaction_label"] == "不满意"
