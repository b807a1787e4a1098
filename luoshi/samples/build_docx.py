"""Build the Word sample `qingxi_county_minutes_13.docx`: minutes whose items are numbered by Word's
automatic numbering (一、 and （一）, not typed) and whose 列席 list is a table, as offices write them.

Run `python -m luoshi.samples.build_docx` after changing the text below; the .docx is committed.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

OUT = Path(__file__).with_name("qingxi_county_minutes_13.docx")

HEAD = ["青溪县人民政府", "常务会议纪要", "第13号", "青溪县人民政府办公室　　　　　　2024年6月25日"]
OPENING = ("2024年6月20日下午，林振华县长主持召开县政府第29次常务会议，审议《青溪县夜间经济发展三年行动计划》"
           "《青溪县居家养老服务补贴实施办法》，听取县市场监管局关于食品安全“两个责任”落实情况的汇报。")
# (level, text): level 0 is numbered 一、, level 1 （一）, None is a plain paragraph.
BODY: list[tuple[int | None, str]] = [
    (None, "会议议定以下意见："),
    (0, "审议《青溪县夜间经济发展三年行动计划》"),
    (None, "会议原则同意《青溪县夜间经济发展三年行动计划》，会后由县商务局会同县文广旅局修改完善，按程序印发实施。"
           "县商务局要牵头制定夜间经济示范街区建设标准，9月底前完成首批示范街区认定。县文广旅局要丰富夜间文旅消费业态，"
           "打造夜游青溪品牌。县公安局、县城管局要做好夜间交通组织和市容秩序保障。"),
    (0, "审议《青溪县居家养老服务补贴实施办法》"),
    (None, "会议原则同意该《办法》。会后由县民政局根据会议讨论意见进一步修改完善，按程序报县委常委会审议。"
           "县财政局要将补贴资金足额纳入年度预算。县民政局要加强补贴对象动态管理，严防冒领套取补贴资金。"),
    (0, "听取县市场监管局关于食品安全“两个责任”落实情况的汇报"),
    (1, "会议原则同意县市场监管局下一步工作安排。"),
    (1, "县市场监管局要聚焦校园食品安全，秋季开学前完成全县中小学校食堂全覆盖检查。要加大对小餐饮、"
        "小作坊的抽检力度，年底前抽检合格率达到98%以上。各乡镇要压实包保干部责任，认真开展督导检查。"),
    (None, "出席：林振华、周明远、陈丽娟、吴国栋、黄海涛。"),
    (None, "列席："),
]
ATTENDING = [("县政府办", "刘晓东、张佳宁"), ("县商务局", "周立新"), ("县文广旅局", "郑文华"), ("县民政局", "林婉清"),
             ("县财政局", "李红梅"), ("县市场监管局", "孙晓梅"), ("县公安局", "马骏"), ("县城管局", "宋志强")]
FOOT = ["请假：郑晓燕（公出）。", "青溪县人民政府办公室　　　　　　2024年6月25日印发"]


def add_chinese_numbering(document) -> str:
    """A list of two levels, 一、 and （一）, in chineseCounting; returns its numId."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, text in ((0, "%1、"), (1, "（%2）")):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, val in (("w:start", "1"), ("w:numFmt", "chineseCounting"), ("w:lvlText", text), ("w:suff", "nothing")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        abstract.append(lvl)
    numbering.insert(0, abstract)  # abstractNum elements come before num elements
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return "90"


def number_paragraph(paragraph, num_id: str, ilvl: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    for tag, val in (("w:ilvl", str(ilvl)), ("w:numId", num_id)):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        num_pr.append(el)
    p_pr.append(num_pr)


def build(out: Path = OUT) -> Path:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(16)
    style.font.name = "仿宋_GB2312"
    style.element.rPr.get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    num_id = add_chinese_numbering(document)
    for i, line in enumerate(HEAD):
        p = document.add_paragraph()
        run = p.add_run(line)
        if i < 2:
            run.bold = True
            run.font.size = Pt(26)
            run.font.color.rgb = RGBColor(0xCC, 0, 0)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if i < 3 else WD_ALIGN_PARAGRAPH.LEFT
    document.add_paragraph(OPENING)
    for level, text in BODY:
        p = document.add_paragraph(text)
        if level is not None:
            number_paragraph(p, num_id, level)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for unit, names in ATTENDING:
        row = table.add_row().cells
        row[0].text, row[1].text = unit, names
    for line in FOOT:
        document.add_paragraph(line)
    # A fixed creation time keeps the committed file the same from one build to the next.
    from datetime import datetime

    document.core_properties.created = document.core_properties.modified = datetime(2024, 6, 25)
    document.core_properties.author = "青溪县人民政府办公室"
    document.save(out)
    return out


if __name__ == "__main__":
    print(build())
