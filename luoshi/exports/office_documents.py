"""The documents a supervision office files, as DOCX in the 公文 layout of the bulletin: the 督办单 (交办单) of
one item, the 督办通知 of overdue items, and the 办结报告单 of a completed item. Pure functions of plain rows;
the page, fonts and tables are the bulletin's (`luoshi.exports.docx`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

# The bulletin's layout helpers: one 公文 look for every document the office prints.
from luoshi.exports.docx import (HEITI, LETTERHEAD_PT, RED, XIAOBIAOSONG, _body, _border, _caption, _cell,
                                 _fallbacks, _footer_page_number, _heading, _page, _paragraph, _run, _signature,
                                 _styles, _table, cn_number)
from luoshi.exports.dates import zh_date
from luoshi.exports.rows import Letterhead, OverdueRow

JOIN = "、"
DEFAULT_ORDER_REQUIREMENTS = (
    "请牵头单位接单后及时签收，明确分管领导和具体责任人，制定工作方案，按时限要求完成。",
    "请于每月底前通过督办系统报送办理进展；配合单位要主动配合，及时向牵头单位提供情况。",
    "办结后请提交办结报告和佐证材料，申请办结；确需延期的，应在完成时限前提出申请并说明理由。",
)
DEFAULT_NOTICE_REQUIREMENTS = (
    "请有关单位对照清单逐项分析逾期原因，明确整改措施和完成时限。",
    "请于收到本通知之日起5个工作日内，将办理进展和整改措施通过督办系统报送督查室。",
    "督查室将对逾期事项持续跟踪督办，办理情况纳入年度考核。",
)


def document_number(series: str, year: int, number: int) -> str:
    """`督字〔2026〕3号`: the series, the year in 六角括号, the number without leading zeros."""
    return f"{series}〔{year}〕{number}号"


@dataclass(frozen=True)
class OrderSheet:
    """A 督办单 (交办单) for one item."""

    number: str
    title: str
    text: str
    source: str
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    due: date | None
    issuer: str
    issued: date
    requirements: tuple[str, ...] = DEFAULT_ORDER_REQUIREMENTS


@dataclass(frozen=True)
class CompletionSheet:
    """A 办结报告单 for one completed item (or one whose completion is asked)."""

    title: str
    text: str
    source: str
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    assigned_on: date | None
    due: date | None
    closed_on: date | None
    timeliness: str  # 按期办结 / 逾期办结（逾期N天） / 逾期后获批延期 …
    report: str  # the lead unit's account of what was done
    attachments: tuple[str, ...]
    decision: str  # the office's note when it approved
    rating: str
    issuer: str
    issued: date


@dataclass(frozen=True)
class OverdueNotice:
    """A 督办通知: the items overdue at `as_of`, to their lead units."""

    number: str
    issuer: str
    issued: date
    as_of: date
    rows: tuple[OverdueRow, ...]
    office: str = "县政府督查室"
    requirements: tuple[str, ...] = DEFAULT_NOTICE_REQUIREMENTS


def _new() -> DocxDocument:
    doc = Document()
    _page(doc)
    _styles(doc)
    _fallbacks(doc)
    return doc


def _red_head(doc: DocxDocument, issuer: str, kind: str, number: str | None) -> None:
    """The issuer in red 小标宋 with the kind of document under it, then the number over a red rule."""
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=LETTERHEAD_PT * 1.3)
    _run(p, issuer, font=XIAOBIAOSONG, size=LETTERHEAD_PT * 0.8, colour=RED)
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=LETTERHEAD_PT * 1.3)
    _run(p, "　".join(kind) if len(kind) <= 4 else kind, font=XIAOBIAOSONG, size=LETTERHEAD_PT, colour=RED)
    rule = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    if number:
        _run(rule, number)
    _border(rule, "bottom", size_eighths=18, colour="FF0000", space=8)
    _paragraph(doc)


def _form(doc: DocxDocument, rows: Sequence[tuple[str, str]]) -> None:
    """A two-column form: the field in 黑体 on the left, its content on the right."""
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for i, (label, value) in enumerate(rows):
        _cell(table.cell(i, 0), label, font=HEITI, centre=True)
        _cell(table.cell(i, 1), value)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Mm(32), Mm(124)
    table.columns[0].width, table.columns[1].width = Mm(32), Mm(124)


def _units(units: Sequence[str]) -> str:
    return JOIN.join(units) or "—"


def _save(doc: DocxDocument, title: str, issuer: str) -> bytes:
    doc.core_properties.title = title
    doc.core_properties.author = issuer
    _footer_page_number(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def order_docx(sheet: OrderSheet) -> bytes:
    """The 督办单 of one item: 红头, 督字〔年份〕N号, the item's facts, the requirements, and the 签收栏."""
    doc = _new()
    _red_head(doc, sheet.issuer, "督办单", sheet.number)
    requirements = "\n".join(f"{i}. {text}" for i, text in enumerate(sheet.requirements, start=1))
    _form(doc, [("事项", sheet.title), ("事项内容", sheet.text or sheet.title), ("来源", sheet.source or "—"),
                ("牵头单位", _units(sheet.lead_units)), ("配合单位", _units(sheet.co_units)),
                ("完成时限", zh_date(sheet.due) if sheet.due else "—"), ("办理要求", requirements),
                ("签收栏", "签收单位（盖章）：\n签收人：　　　　　　联系电话：\n签收时间：　　　　年　　月　　日")])
    _signature(doc, Letterhead(issuer=sheet.issuer, number=sheet.number, issued=sheet.issued))
    return _save(doc, f"督办单 {sheet.number}", sheet.issuer)


def completion_docx(sheet: CompletionSheet) -> bytes:
    """The 办结报告单 of one item: what was asked, by when, what was done, and the office's decision."""
    doc = _new()
    _red_head(doc, sheet.issuer, "办结报告单", None)
    _form(doc, [("事项", sheet.title), ("事项内容", sheet.text or sheet.title), ("来源", sheet.source or "—"),
                ("牵头单位", _units(sheet.lead_units)), ("配合单位", _units(sheet.co_units)),
                ("交办日期", zh_date(sheet.assigned_on) if sheet.assigned_on else "—"),
                ("完成时限", zh_date(sheet.due) if sheet.due else "—"),
                ("办结日期", zh_date(sheet.closed_on) if sheet.closed_on else "待审核"),
                ("办结时效", sheet.timeliness), ("办结情况", sheet.report or "—"),
                ("佐证材料", JOIN.join(sheet.attachments) or "无"), ("督查室意见", sheet.decision or "—"),
                ("办理评价", sheet.rating or "—")])
    _signature(doc, Letterhead(issuer=sheet.issuer, number="", issued=sheet.issued))
    return _save(doc, f"办结报告单 {sheet.title}", sheet.issuer)


def notice_title() -> str:
    return "关于督促办理逾期督办事项的通知"


def notice_docx(notice: OverdueNotice) -> bytes:
    """The 督办通知 of overdue items, to their lead units: numbered, with the table of items by unit."""
    doc = _new()
    _red_head(doc, notice.issuer, "督办通知", notice.number)
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=22 * 1.6)
    _run(p, notice_title(), font=XIAOBIAOSONG, size=22)
    _paragraph(doc)
    units = list(dict.fromkeys(r.unit for r in notice.rows))
    _body(doc, f"{JOIN.join(units) or '各有关单位'}：", 0)
    if notice.rows:
        _body(doc, f"截至{zh_date(notice.as_of)}，经{notice.office}跟踪核查，{len(units)}个单位牵头的"
                   f"{len(notice.rows)}项督办事项已超过完成时限仍未办结（见附表）。现将有关事项通知如下：")
    else:
        _body(doc, f"截至{zh_date(notice.as_of)}，无逾期未办结的督办事项。")
    _heading(doc, "一、有关要求")
    for i, text in enumerate(notice.requirements, start=1):
        _body(doc, f"（{cn_number(i)}）{text}")
    if notice.rows:
        _heading(doc, "二、逾期事项清单")
        rows = sorted(notice.rows, key=lambda r: (r.unit, -r.overdue_days, r.title))
        _caption(doc, "附表  逾期未办结督办事项")
        _table(doc, ("序号", "牵头单位", "督办事项", "完成时限", "逾期天数"), (12, 28, 58, 36, 22),
               [(r.unit, r.title, zh_date(r.due), f"{r.overdue_days}天") for r in rows])
    _signature(doc, Letterhead(issuer=notice.issuer, number=notice.number, issued=notice.issued))
    return _save(doc, f"{notice_title()} {notice.number}", notice.issuer)



def _grid(doc: DocxDocument, headers: Sequence[str], widths_mm: Sequence[float], rows: Sequence[Sequence[str]]) -> None:
    """A plain bordered table with a repeated header row (no merged cells)."""
    from luoshi.exports.docx import _repeat_header

    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for j, header in enumerate(headers):
        _cell(table.cell(0, j), header, font=HEITI, centre=True)
    _repeat_header(table.rows[0])
    for i, values in enumerate(rows, start=1):
        for j, value in enumerate(values):
            _cell(table.cell(i, j), value)
    for j, width in enumerate(widths_mm):
        table.columns[j].width = Mm(width)
        for row in table.rows:
            row.cells[j].width = Mm(width)


def dossier_docx(*, title: str, facts: Sequence[tuple[str, str]], steps: Sequence[Sequence[str]],
                 reports: Sequence[Sequence[str]], missing: Sequence[str], generated: date) -> bytes:
    """The summary of one item's file (一事一档): its facts, every step (time, who, what, state after, details)
    and every report (date, kind, text, attachments); `missing` names attachments whose files are not stored."""
    doc = _new()
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=22 * 1.6)
    _run(p, "督办事项档案", font=XIAOBIAOSONG, size=22)
    _paragraph(doc)
    _heading(doc, "一、基本情况")
    _form(doc, facts)
    _heading(doc, "二、办理过程")
    _grid(doc, ("时间", "操作人", "操作", "状态", "内容"), (30, 22, 20, 20, 64), steps)
    _heading(doc, "三、进展报送")
    if reports:
        _grid(doc, ("日期", "类别", "内容", "附件"), (24, 20, 80, 32), reports)
    else:
        _body(doc, "无进展报送。")
    if missing:
        _body(doc, f"注：以下附件仅登记了名称，未存有文件：{JOIN.join(missing)}。")
    _body(doc, f"本档案于{zh_date(generated)}由督办系统生成。")
    return _save(doc, f"督办事项档案 {title}", "")
