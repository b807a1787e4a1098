"""Reading documents into source text: TXT in its encodings, DOCX in reading order with Word's
numbering, PDF with a text layer; and clear errors naming the file for what cannot be read."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from docx import Document as WordDocument

from luoshi.errors import NoTextLayer, ReadError, UnsupportedFormat
from luoshi.extract import extract
from luoshi.extract.document import squash
from luoshi.samples.build_docx import add_chinese_numbering, number_paragraph
from luoshi.text.docx import chinese_counting, format_number
from luoshi.text.readers import read

MINUTES = """太仓县人民政府
常务会议纪要
第 3 号
太仓县人民政府办公室 2024年3月2日
2024年3月1日上午，张三县长主持召开县政府第5次常务会议，审议《县城老旧小区改造方案》。
会议议定以下意见：
一、审议《县城老旧小区改造方案》
原则同意《县城老旧小区改造方案》。会后由县住建局根据会议讨论意见修改完善，年底前组织实施。
"""


# --- TXT ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
    ("utf-16", "utf-16"), ("utf-16-le", "utf-16"), ("utf-16-be", "utf-16"),
])
def test_txt_encodings_are_read(tmp_path, encoding, expected):
    path = tmp_path / "minutes.txt"
    path.write_bytes(MINUTES.encode(encoding))
    source = read(path)
    assert (source.text, source.kind, source.encoding, source.name) == (MINUTES, "txt", expected, "minutes.txt")


def test_gb18030_characters_outside_gbk_are_read(tmp_path):
    path = tmp_path / "rare.txt"
    path.write_bytes("会议纪要：䶮、𠀀、€。".encode("gb18030"))
    assert read(path).text == "会议纪要：䶮、𠀀、€。"


@pytest.mark.parametrize("name, data, problem", [
    ("binary.txt", b"\x00\x01\x02\x03" * 100, "这是二进制文件，不是文本（含 NUL 字节）：请另存为 .txt、.docx 或 .pdf 后再读取"),
    ("empty.txt", "  \n\u3000\n".encode("utf-8"), "文件中没有文字：请检查是否选错了文件"),
])
def test_txt_that_is_no_text_is_refused(tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as exc:
        read(path)
    assert str(exc.value) == f"{path}: {problem}"


def test_missing_folder_and_unsupported_files_are_refused(tmp_path):
    (tmp_path / "a.xls").write_bytes(b"x")
    problems = []
    for path in (tmp_path / "none.txt", tmp_path, tmp_path / "a.xls"):
        with pytest.raises(ReadError) as exc:
            read(path)
        problems.append((type(exc.value), exc.value.problem))
    assert problems == [
        (ReadError, "找不到这个文件：请检查路径和文件名"),
        (ReadError, "这是文件夹，不是文件：请给出其中的文件"),
        (UnsupportedFormat, "不支持的格式 .xls：luoshi 读取 .txt、.docx、.pdf，以及 .jpg、.png、.tif 格式的扫描件或照片，"
                            "请另存为其中一种格式"),
    ]


# --- DOCX --------------------------------------------------------------------------------------------

def word_minutes(path):
    """Minutes as an office writes them in Word: 一、 by automatic numbering, 列席 as a table."""
    doc = WordDocument()
    num_id = add_chinese_numbering(doc)
    for line in MINUTES.splitlines()[:6]:
        doc.add_paragraph(line)
    number_paragraph(doc.add_paragraph("审议《县城老旧小区改造方案》"), num_id, 0)
    number_paragraph(doc.add_paragraph("原则同意《县城老旧小区改造方案》。会后由县住建局根据会议讨论意见修改完善，年底前组织实施。"),
                     num_id, 1)
    number_paragraph(doc.add_paragraph("县财政局要做好资金保障。"), num_id, 1)
    number_paragraph(doc.add_paragraph("听取县教育局关于学位供给情况的汇报"), num_id, 0)
    number_paragraph(doc.add_paragraph("会议原则同意县教育局下一步工作安排。"), num_id, 1)
    doc.add_paragraph("出席：张三、李四。")
    doc.add_paragraph("列席：")
    table = doc.add_table(rows=2, cols=2)
    for row, (unit, names) in zip(table.rows, [("县住建局", "王五"), ("县财政局", "赵六、钱七")]):
        row.cells[0].text, row.cells[1].text = unit, names
    doc.add_paragraph("请假：孙八。")
    doc.save(path)
    return path


def test_docx_paragraphs_and_tables_in_reading_order_with_word_numbering(tmp_path):
    source = read(word_minutes(tmp_path / "minutes.docx"))
    assert source.kind == "docx"
    assert source.text.splitlines()[6:] == [
        "一、审议《县城老旧小区改造方案》",
        "（一）原则同意《县城老旧小区改造方案》。会后由县住建局根据会议讨论意见修改完善，年底前组织实施。",
        "（二）县财政局要做好资金保障。",
        "二、听取县教育局关于学位供给情况的汇报",
        "（一）会议原则同意县教育局下一步工作安排。",  # a new 一、 restarts the level below it
        "出席：张三、李四。",
        "列席：",
        "县住建局    王五",
        "县财政局    赵六、钱七",
        "请假：孙八。",
    ]


def test_docx_minutes_extract_like_their_text(tmp_path):
    source = read(word_minutes(tmp_path / "minutes.docx"))
    record = extract(source.text, source.name)
    assert [(i["no"], i["title"], i["decision"], i["leads"]) for i in record["items"]] == [
        (1, "审议《县城老旧小区改造方案》", "原则同意", ["县住建局"]),
        (2, "听取县教育局关于学位供给情况的汇报", "原则同意", ["县教育局"]),
    ]
    assert [(a["role"], a["org"], a["name"]) for a in record["attendees"]] == [
        ("出席", None, "张三"), ("出席", None, "李四"), ("列席", "县住建局", "王五"),
        ("列席", "县财政局", "赵六"), ("列席", "县财政局", "钱七"), ("请假", None, "孙八")]


def test_docx_numbering_of_a_list_style(tmp_path):
    doc = WordDocument()
    for text in ("第一项", "第二项", "第三项"):
        doc.add_paragraph(text, style="List Number")
    doc.save(tmp_path / "list.docx")
    assert read(tmp_path / "list.docx").text.splitlines() == ["1.第一项", "2.第二项", "3.第三项"]


def test_word_number_formats():
    assert [chinese_counting(n) for n in (1, 9, 10, 11, 20, 21, 99, 100, 105, 110)] == [
        "一", "九", "十", "十一", "二十", "二十一", "九十九", "一百", "一百零五", "一百一十"]
    assert [format_number(3, f) for f in ("decimal", "chineseCounting", "upperLetter", "lowerRoman",
                                          "decimalEnclosedCircle", "decimalFullWidth", "bullet")] == [
        "3", "三", "C", "iii", "③", "３", ""]


# --- PDF ---------------------------------------------------------------------------------------------

def pdf_minutes(path, *, text_layer: bool = True):
    """A one-page PDF: a red letter-spaced header (each character drawn apart), then the minutes."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    if text_layer:
        c.setFillColorRGB(0.8, 0, 0)
        c.setFont("STSong-Light", 26)
        for i, ch in enumerate("太仓市人民政府"):
            c.drawString(110 + i * 48, 770, ch)
        c.setFillColorRGB(0, 0, 0)
        c.setFont("STSong-Light", 11)
        y = 720
        for line in MINUTES.splitlines()[1:]:
            for start in range(0, len(line), 40):  # wrapped at the page width, as PDFs are
                c.drawString(60, y, line[start:start + 40])
                y -= 18
    else:
        c.rect(60, 400, 400, 300, fill=1)  # a scan is a picture of a page: no text in it
    c.save()
    return path


def test_pdf_text_layer_is_read_and_the_letter_spaced_header_survives(tmp_path):
    source = read(pdf_minutes(tmp_path / "minutes.pdf"))
    assert source.kind == "pdf"
    assert source.text.splitlines()[0] == "太 仓 市 人 民 政 府"
    record = extract(source.text, source.name)
    assert (record["doc_type"], record["issuer"], record["serial"], record["issued"]) == (
        "meeting_minutes", "太仓县人民政府办公室", 3, "2024-03-02")
    assert record["meeting"]["chair"] == "张三"
    assert [(i["title"], i["leads"]) for i in record["items"]] == [("审议《县城老旧小区改造方案》", ["县住建局"])]
    task = record["items"][0]["tasks"][0]
    assert squash(source.text[slice(*task["span"])]) == task["text"]


def test_pdf_without_any_text_even_by_ocr_is_refused(tmp_path):
    from luoshi.text import ocr

    path = pdf_minutes(tmp_path / "scan.pdf", text_layer=False)
    with pytest.raises(NoTextLayer if ocr.available() else ocr.OcrUnavailable) as exc:
        read(path)
    if ocr.available():
        assert str(exc.value) == (f"{path}: 1 页中都没有找到文字，文字识别（OCR）也没有识别出文字：请检查是否是空白扫描件，"
                                  "清晰地重新扫描后再读取")
    else:
        assert "pip install 'luoshi[ocr]'" in str(exc.value)


def test_encrypted_pdf_is_refused_for_want_of_its_password(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 700, "minutes")
    c.save()
    with pytest.raises(ReadError) as exc:
        read(path)
    assert str(exc.value) == f"{path}: PDF 已加密，没有密码无法读取：请去除密码保护后再读取"


def damaged(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", ["a.docx", "a.pdf"])
def test_truncated_or_damaged_docx_and_pdf_are_refused_naming_the_file(tmp_path, name):
    good = word_minutes(tmp_path / "good.docx") if name.endswith("docx") else pdf_minutes(tmp_path / "good.pdf")
    data = good.read_bytes()
    for i, broken in enumerate([data[: len(data) // 3], b"not a document at all" * 10, data[:20]]):
        path = damaged(tmp_path, f"{i}{name}", broken)
        with pytest.raises(ReadError) as exc:
            read(path)
        assert str(exc.value).startswith(f"{path}: 文件已损坏"), str(exc.value)


def test_damaged_files_give_one_line_errors_on_the_command_line(tmp_path):
    pdf = pdf_minutes(tmp_path / "good.pdf").read_bytes()
    docx = word_minutes(tmp_path / "good.docx").read_bytes()
    damaged(tmp_path, "cut.pdf", pdf[: len(pdf) // 2])
    damaged(tmp_path, "cut.docx", docx[: len(docx) // 2])
    pdf_minutes(tmp_path / "scan.pdf", text_layer=False)
    out = subprocess.run([sys.executable, "-m", "luoshi.cli", "extract", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    *lines, summary = [line for line in out.stderr.splitlines() if line.strip()]
    assert sorted(re.match(r"错误：.*/([^/:]+): ", line)[1] for line in lines) == ["cut.docx", "cut.pdf", "scan.pdf"]
    assert summary == "3 份文件未能读取：请按上面的提示处理后重新运行"
    assert sorted(json.loads(line)["source"] for line in out.stdout.splitlines()) == ["good.docx", "good.pdf"]


def typeset_pdf(txt_path, pdf_path):
    """A TXT typeset as a PDF would be: each line drawn where it stands, a paragraph's indent as a
    shift to the right (PDFs hold no leading spaces), the head centred."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(pdf_path))
    y = 800
    for line in txt_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if y < 60:
            c.showPage()
            y = 800
        c.setFont("STSong-Light", 14)
        shift = 28 if line.startswith("\u3000\u3000") else 100 if line.startswith(" ") else 0
        c.drawString(60 + shift, y, line.lstrip(" \u3000"))
        y -= 22
    c.save()
    return pdf_path


def test_pdf_of_typeset_minutes_extracts_like_the_text(tmp_path):
    from luoshi.samples import sample_paths

    [txt] = [p for p in sample_paths() if p.name == "qingxi_county_minutes_12.txt"]
    pdf = read(typeset_pdf(txt, tmp_path / "minutes.pdf"))
    text = read(txt)
    from_pdf, from_txt = extract(pdf.text, "m"), extract(text.text, "m")
    without_spans = lambda items: [(i["title"], i["leads"], [(t["text"], t["owners"], t["due"]) for t in i["tasks"]])
                                   for i in items]
    assert without_spans(from_pdf["items"]) == without_spans(from_txt["items"])
    for field in ("title", "issuer", "serial", "issued", "meeting", "agenda", "attendees"):
        assert from_pdf[field] == from_txt[field], field
