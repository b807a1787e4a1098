"""The monthly supervision bulletin (督查通报) as DOCX in the layout of GB/T 9704 公文: red letterhead,
文号 and red rule, title, summary figures, tables of overdue and completed items by unit, 版记.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from itertools import groupby
from typing import BinaryIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from luoshi.exports.dates import period_label, zh_date
from luoshi.exports.rows import BulletinFigures, CompletedRow, ExportError, Letterhead, OverdueRow
from luoshi.textsafety import strip_controls

RED = RGBColor(0xFF, 0x00, 0x00)
# Font names as Chinese offices have them; `FALLBACK` is written to the font table as each one's
# alternative, so Word (and LibreOffice) substitute a font that has the characters when one is missing.
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
LATIN = "Times New Roman"
FALLBACK = {XIAOBIAOSONG: "宋体", FANGSONG: "仿宋", HEITI: "SimHei", KAITI: "楷体"}
# Sizes by their Chinese names (号): 小初 36pt, 二号 22, 三号 16, 四号 14, 五号 10.5.
LETTERHEAD_PT, TITLE_PT, BODY_PT, NOTE_PT, TABLE_PT = 36, 22, 16, 14, 10.5
LINE_PT = 28.95  # exact line pitch that gives 22 lines of 三号 on an A4 page with 公文 margins
TITLE_LINE_CHARS = 17  # of 二号 on the 156 mm line (20 fit), with room for wide digits and fonts

DEFAULT_REQUIREMENTS = (
    "各承办单位要进一步提高思想认识，压实工作责任，对照督办事项逐项梳理，确保按时保质完成。",
    "对逾期未办结事项，牵头单位要认真分析原因，制定整改措施，明确完成时限，及时报送办理进展；"
    "确需延期的，应按程序申请。",
    "督查室将持续跟踪督办，定期通报办理情况，对整改不力、推进迟缓的单位予以约谈。",
)


def bulletin_title(start: date, end: date) -> str:
    """`关于2026年10月份督办事项办理情况的通报`."""
    return f"关于{period_label(start, end)}督办事项办理情况的通报"


def summary_sentence(start: date, end: date, figures: BulletinFigures, as_of: date | None = None) -> str:
    """The 总体情况 sentence: the period's figures as they stood on `as_of` (default `end`)."""
    rate = f"{figures.completion_rate * 100:.1f}%"
    return (f"截至{zh_date(as_of or end)}，{period_label(start, end)}共督办事项{figures.total}项，其中已办结"
            f"{figures.done}项，办理中{figures.in_progress}项（含逾期{figures.overdue}项），办结率{rate}。")


def bulletin_docx(*, start: date, end: date, figures: BulletinFigures, overdue: Sequence[OverdueRow],
                  completed: Sequence[CompletedRow], letterhead: Letterhead,
                  requirements: Sequence[str] = DEFAULT_REQUIREMENTS) -> bytes:
    """The bulletin of the period `start`..`end` (inclusive) as DOCX bytes.

    `figures` and the rows are as the period stood at `end`, or on the day of issue when the period has
    not ended (see `from_ledger.bulletin_content`): the 截至 date is never after the day of issue.
    `requirements` are the numbered paragraphs of the closing section (有关要求).
    """
    out = io.BytesIO()
    write_bulletin(out, start=start, end=end, figures=figures, overdue=overdue, completed=completed,
                   letterhead=letterhead, requirements=requirements)
    return out.getvalue()


def write_bulletin(stream: BinaryIO, *, start: date, end: date, figures: BulletinFigures,
                   overdue: Sequence[OverdueRow], completed: Sequence[CompletedRow], letterhead: Letterhead,
                   requirements: Sequence[str] = DEFAULT_REQUIREMENTS) -> None:
    """Write the bulletin of the period `start`..`end` (inclusive) to a binary `stream`."""
    if start > end:
        raise ExportError(f"bulletin period: start {start.isoformat()} is after end {end.isoformat()}")
    doc = Document()
    _page(doc)
    _styles(doc)
    _fallbacks(doc)
    _letterhead(doc, letterhead)
    _title(doc, bulletin_title(start, end))
    _body(doc, letterhead.addressee, 0)
    _body(doc, f"为推动各项决策部署落地见效，{letterhead.office}对{period_label(start, end)}督办事项办理情况"
               f"进行了跟踪督办。现将有关情况通报如下：")
    _heading(doc, "一、总体情况")
    as_of = min(end, letterhead.issued)
    _body(doc, summary_sentence(start, end, figures, as_of))
    _heading(doc, "二、逾期未办结事项")
    _overdue(doc, as_of, overdue)
    _heading(doc, "三、已办结事项")
    _completed(doc, start, end, completed)
    _heading(doc, "四、有关要求")
    for i, text in enumerate(requirements, start=1):
        last = _body(doc, f"（{cn_number(i)}）{text}")
    if requirements:
        last.paragraph_format.keep_with_next = True  # the signature never stands alone on a page
    _signature(doc, letterhead)
    _record(doc, letterhead)
    _footer_page_number(doc)
    doc.core_properties.title = bulletin_title(start, end)
    doc.core_properties.author = letterhead.issuer
    doc.save(stream)


_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1–99, as list numbers are written)."""
    if not 0 < n < 100:
        raise ExportError(f"list number {n} is out of range 1–99")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else f"{_DIGITS[tens]}十"
    return head + (_DIGITS[ones] if ones else "")


# --- page, styles and fonts


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)


def _set_fonts(rpr_owner, east_asia: str, latin: str = LATIN) -> None:  # type: ignore[no-untyped-def]
    """Name the East-Asian font in w:eastAsia (python-docx's `font.name` sets only the Latin ones)."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)
    fonts.set(qn("w:hint"), "eastAsia")


def _styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element, FANGSONG)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")  # Chinese glyph forms, not Japanese, where a font has both
    normal.element.get_or_add_rPr().append(lang)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.widow_control = False


def _fallbacks(doc: DocxDocument) -> None:
    """Declare each Chinese font in the font table with its charset (GB2312) and an alternative name."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    table = etree.fromstring(part.blob)
    for name, alt in FALLBACK.items():
        font = etree.SubElement(table, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "auto"), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)  # noqa: SLF001


def _run(paragraph: Paragraph, text: str, *, font: str = FANGSONG, size: float = BODY_PT, bold: bool = False,
         colour: RGBColor | None = None) -> Run:
    run = paragraph.add_run(strip_controls(text))
    run.font.size = Pt(size)
    run.font.bold = bold
    _set_fonts(run._r, font, font if font == XIAOBIAOSONG else LATIN)  # noqa: SLF001
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _paragraph(doc: DocxDocument, *, align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
               indent_chars: float = 0, line_pt: float = LINE_PT) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = align
    if indent_chars:
        p.paragraph_format.first_line_indent = Pt(BODY_PT * indent_chars)
    if line_pt != LINE_PT:
        p.paragraph_format.line_spacing = Pt(line_pt)
    return p


def _border(paragraph: Paragraph, side: str, *, size_eighths: int, colour: str = "000000", space: int = 1) -> None:
    ppr = paragraph._p.get_or_add_pPr()  # noqa: SLF001
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for attr, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", str(space)),
                        ("w:color", colour)):
        edge.set(qn(attr), value)
    borders.append(edge)


# --- the parts of the document, top to bottom


def _letterhead(doc: DocxDocument, head: Letterhead) -> None:
    """The issuer in red 小标宋, the 文号 centred under it, and the red rule under the 文号."""
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=LETTERHEAD_PT * 1.3)
    _run(p, head.issuer, font=XIAOBIAOSONG, size=LETTERHEAD_PT, colour=RED)
    _paragraph(doc)
    _paragraph(doc)
    number = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(number, head.number)
    _border(number, "bottom", size_eighths=18, colour="FF0000", space=8)


# Where a bulletin's title may break: after 关于 and 至, before 督办事项 and 办理情况 — never inside a
# date or a word. A lookaround pattern so that splitting keeps every character.
TITLE_BREAKS = re.compile("(?<=关于)|(?<=至)|(?=督办事项)|(?=办理情况)")


def title_lines(title: str) -> list[str]:
    """The title as it is set: broken only at its natural points (TITLE_BREAKS) into the fewest lines
    that fit TITLE_LINE_CHARS, preferring an upper line no shorter than the one below (GB/T 9704's
    trapezoid). A phrase longer than a line stays whole: `_title` sets the title smaller instead."""
    phrases = [p for p in TITLE_BREAKS.split(title) if p]
    best: tuple[tuple[int, int, float], list[str]] | None = None
    for cuts in range(1 << max(0, len(phrases) - 1)):
        lines, line = [], phrases[0]
        for i, phrase in enumerate(phrases[1:]):
            if cuts >> i & 1:
                lines.append(line)
                line = phrase
            else:
                line += phrase
        lines.append(line)
        widths = [_title_width(line) for line in lines]
        too_wide = sum(w > TITLE_LINE_CHARS for w in widths)
        uneven = sum(a < b for a, b in zip(widths, widths[1:]))
        key = (too_wide, len(lines), uneven, -widths[0])
        if best is None or key < best[0]:
            best = (key, lines)
    assert best is not None
    return best[1]


def _title_width(text: str) -> float:
    """Width of a title line in characters: digits are half, and Word and LibreOffice put a quarter
    character of space where Chinese meets digits."""
    meets = sum((ord(a) < 0x2E80) != (ord(b) < 0x2E80) for a, b in zip(text, text[1:]))
    return _width_chars(text) + 0.25 * meets


def _title(doc: DocxDocument, title: str) -> None:
    _paragraph(doc)
    lines = title_lines(title)
    # A title whose one phrase is wider than a line is set smaller rather than broken inside a word.
    size = min(TITLE_PT, TITLE_PT * TITLE_LINE_CHARS / max(_title_width(line) for line in lines))
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, line_pt=TITLE_PT * 1.6)
    p.paragraph_format.keep_together = True
    for i, line in enumerate(lines):
        run = _run(p, line, font=XIAOBIAOSONG, size=size)
        if i:
            run._r.addprevious(_break())  # noqa: SLF001
    _paragraph(doc)


def _break():  # type: ignore[no-untyped-def]
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def _body(doc: DocxDocument, text: str, indent_chars: float = 2) -> Paragraph:
    p = _paragraph(doc, indent_chars=indent_chars)
    _run(p, text)
    return p


def _heading(doc: DocxDocument, text: str) -> None:
    p = _paragraph(doc, indent_chars=2)
    _run(p, text, font=HEITI)
    p.paragraph_format.keep_with_next = True


def _units(rows: Sequence[OverdueRow] | Sequence[CompletedRow]) -> int:
    return len({r.unit for r in rows})


def _overdue(doc: DocxDocument, as_of: date, rows: Sequence[OverdueRow]) -> None:
    if not rows:
        _body(doc, f"截至{zh_date(as_of)}，无逾期未办结事项。")
        return
    rows = sorted(rows, key=lambda r: (r.unit, -r.overdue_days, r.title))
    _body(doc, f"截至{zh_date(as_of)}，{_units(rows)}个单位牵头的{len(rows)}项督办事项逾期未办结（见表1），"
               f"请相关单位抓紧办理。")
    _caption(doc, "表1  逾期未办结事项（按牵头单位）")
    _table(doc, ("序号", "牵头单位", "督办事项", "完成时限", "逾期天数"), (12, 28, 58, 36, 22),
           [(r.unit, r.title, zh_date(r.due), f"{r.overdue_days}天") for r in rows])


def _completed(doc: DocxDocument, start: date, end: date, rows: Sequence[CompletedRow]) -> None:
    if not rows:
        _body(doc, f"{period_label(start, end)}无办结事项。")
        return
    rows = sorted(rows, key=lambda r: (r.unit, r.done_on, r.title))
    _body(doc, f"{period_label(start, end)}，{_units(rows)}个单位牵头的{len(rows)}项督办事项已办结（见表2）。")
    _caption(doc, "表2  已办结事项（按牵头单位）")
    _table(doc, ("序号", "牵头单位", "督办事项", "完成时限", "办结日期"), (12, 28, 44, 36, 36),
           [(r.unit, r.title, zh_date(r.due) if r.due else "", zh_date(r.done_on)) for r in rows])


def _caption(doc: DocxDocument, text: str) -> None:
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, text, font=HEITI, size=NOTE_PT)
    p.paragraph_format.keep_with_next = True


def _table(doc: DocxDocument, headers: Sequence[str], widths_mm: Sequence[float],
           rows: Sequence[tuple[str, ...]]) -> Table:
    """A bordered table whose first column numbers the rows and whose unit column (the second) is
    merged over the consecutive rows of one unit, as offices lay out tables by unit."""
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, header in enumerate(headers):
        _cell(table.cell(0, j), header, font=HEITI, centre=True)
    _repeat_header(table.rows[0])
    for i, values in enumerate(rows, start=1):
        _cell(table.cell(i, 0), str(i), centre=True)
        for j, value in enumerate(values, start=1):
            if j == 1 and i > 1 and rows[i - 2][0] == value:
                continue  # the unit cell is merged with the one above
            _cell(table.cell(i, j), value, centre=j != 2)
    first = 1
    for _, group in groupby(rows, key=lambda r: r[0]):
        n = len(list(group))
        if n > 1:
            table.cell(first, 1).merge(table.cell(first + n - 1, 1))
        first += n
    # LibreOffice lays a table out by its grid, Word by its cells: set both.
    for j, width in enumerate(widths_mm):
        table.columns[j].width = Mm(width)
        for row in table.rows:
            row.cells[j].width = Mm(width)
    return table


def _cell(cell, text: str, *, font: str = FANGSONG, centre: bool = False) -> None:  # type: ignore[no-untyped-def]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.line_spacing = Pt(TABLE_PT * 1.5)
    p.paragraph_format.first_line_indent = Pt(0)
    _run(p, text, font=font, size=TABLE_PT)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    trpr = row._tr.get_or_add_trPr()  # noqa: SLF001
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _signature(doc: DocxDocument, head: Letterhead) -> None:
    """The issuer centred over the date, the date four characters from the right margin; kept on the
    page of the 版记 that follows."""
    _kept(_paragraph(doc))
    _kept(_paragraph(doc))
    dated = zh_date(head.issued)
    date_chars = _width_chars(dated)
    issuer_indent = max(0.0, 4 + (date_chars - _width_chars(head.issuer)) / 2)
    for text, indent in ((head.issuer, issuer_indent), (dated, 4.0)):
        p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(BODY_PT * indent)
        _run(p, text)
        _kept(p)


def _kept(paragraph: Paragraph) -> Paragraph:
    """On the same page as the paragraph after it, and never split itself."""
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.keep_together = True
    return paragraph


def _width_chars(text: str) -> float:
    """Width in body characters: Chinese full width, digits and Latin half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def _record(doc: DocxDocument, head: Letterhead) -> None:
    """The 版记: the 抄送 line and the issuing line, between a thick rule above and below; one block that
    stays on the last page with the signature (keep-with-next from the last requirement on)."""
    _kept(_paragraph(doc))
    if head.copy_to:
        cc = _kept(_paragraph(doc, align=WD_ALIGN_PARAGRAPH.LEFT, line_pt=NOTE_PT * 1.8))
        cc.paragraph_format.left_indent = Pt(NOTE_PT)
        cc.paragraph_format.right_indent = Pt(NOTE_PT)
        _run(cc, f"抄送：{'，'.join(head.copy_to)}。", size=NOTE_PT)
        _border(cc, "top", size_eighths=8)
        _border(cc, "bottom", size_eighths=4)
    issued = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.LEFT, line_pt=NOTE_PT * 1.8)
    issued.paragraph_format.keep_together = True
    issued.paragraph_format.left_indent = Pt(NOTE_PT)
    issued.paragraph_format.right_indent = Pt(NOTE_PT)
    text_width = Mm(210 - 28 - 26) - Pt(2 * NOTE_PT)
    issued.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    _run(issued, f"{head.issuer}\t{zh_date(head.issued)}印发", size=NOTE_PT)
    if not head.copy_to:
        _border(issued, "top", size_eighths=8)
    _border(issued, "bottom", size_eighths=8)


def _footer_page_number(doc: DocxDocument) -> None:
    """`— 1 —` centred at the foot of every page, in 四号 half-width digits."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", size=NOTE_PT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)  # noqa: SLF001
    _run(p, " —", size=NOTE_PT)
