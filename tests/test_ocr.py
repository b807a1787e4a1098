"""Reading scans and photos: the page layout rebuilt from OCR line boxes (no engine needed), the engine on a
typeset page, a PDF with text-layer and scanned pages, and records on doubtful characters flagged 请核对原件."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import _skip_or_fail
from luoshi.text.ocr import CHECK_ORIGINAL, OcrMap, OcrPage, flag_doubtful, join_pages
from luoshi.text.ocr_layout import CELL_GAP, INDENT, Glyph, Line, document_chars, page_chars

EM = 40  # pixels per character of the synthetic pages
LEFT, RIGHT = 200, 200 + 28 * EM  # a text block 28 characters wide
SAMPLES = Path(__file__).resolve().parents[1] / "luoshi" / "samples"


def line(text: str, x: float, y: float, *, em: float = EM, step: float | None = None, conf: float = 1.0,
         red: bool = False, slope: float = 0.0) -> Line:
    """A line as the engine gives it: one box per character, `step` apart (letter-spacing when > em)."""
    step = step or em
    glyphs = []
    for i, ch in enumerate(text):
        x0 = x + i * step
        y0 = y + slope * (x0 - LEFT)
        glyphs.append(Glyph(ch, (x0, y0, x0 + em * 0.95, y0 + em), conf))
    return Line(tuple(glyphs), red)


def text_of(lines: list[Line], **kw) -> str:
    return "".join(c for c, _ in page_chars(lines, **kw))


def paragraph(text: str, y: float, *, slope: float = 0.0) -> tuple[list[Line], float]:
    """A body paragraph typeset 28 to a line, first line indented two characters; the next free y."""
    lines, first, pitch = [], True, 1.8 * EM
    while text:
        room = 26 if first else 28
        chunk, text = text[:room], text[room:]
        lines.append(line(chunk, LEFT + (2 * EM if first else 0), y, slope=slope))
        y += pitch
        first = False
    return lines, y


BODY = ("会议原则同意《青溪县促进民营经济高质量发展若干措施》。会后由县发改局根据会议讨论意见修改完善，"
        "按程序以县政府名义印发。")
TASK = "县应急局要牵头开展安全生产治本攻坚行动，三季度末前完成首批奖补资金拨付。"


def test_head_paragraphs_and_table_rows_are_rebuilt_in_reading_order():
    head = [line("青溪县人民政府", LEFT + 5 * EM, 200, em=80, step=100, red=True),  # red, letter-spaced
            line("常务会议纪要", LEFT + 8 * EM, 340, em=56, step=90),  # letter-spaced title
            line("第12号", LEFT + 12 * EM, 460)]
    body, y = paragraph(BODY, 560)
    task, y = paragraph(TASK, y)
    row1 = [line("区发改局", LEFT, y + 20), line("周敏", LEFT + 15 * EM, y + 22)]  # a table row: two cells
    row2 = [line("区财政局", LEFT, y + 100), line("钱小芳", LEFT + 15 * EM, y + 98)]
    shuffled = list(reversed(head + body + task + row1 + row2))  # engines give lines in any order
    assert text_of(shuffled).split("\n") == [
        "青溪县人民政府", "常务会议纪要", "第12号", INDENT + BODY, INDENT + TASK,
        f"区发改局{CELL_GAP}周敏", f"区财政局{CELL_GAP}钱小芳"]


def test_a_full_line_continues_its_paragraph_a_short_or_indented_one_ends_it():
    lines = [line("一、审议《方案》", LEFT + 2 * EM, 100),
             line("会议原则同意该方案，会后由县住建局根据会议讨论意", LEFT + 2 * EM, 172),
             line("见修改完善后印发实施，县自然资源和规划局要做好停车设施", LEFT, 244),
             line("建设用地保障。", LEFT, 316),
             line("出席：林振华、周明远", LEFT, 388)]
    assert text_of(lines).split("\n") == [
        INDENT + "一、审议《方案》",
        INDENT + "会议原则同意该方案，会后由县住建局根据会议讨论意见修改完善后印发实施，县自然资源和规划局要做好"
                 "停车设施建设用地保障。",
        "出席：林振华、周明远"]


def test_a_turned_photo_reads_like_a_level_page():
    slope = 0.03  # about 1.7 degrees
    body, y = paragraph(BODY, 300, slope=slope)
    task, _ = paragraph(TASK, y, slope=slope)
    assert text_of(body + task).split("\n") == [INDENT + BODY, INDENT + TASK]
    assert "".join(c for c, _, _ in document_chars([body + task])).split("\n") == [INDENT + BODY, INDENT + TASK]


def test_every_character_keeps_its_glyph_and_added_whitespace_has_none():
    lines = [line("区发改局", LEFT, 100), line("周敏", LEFT + 15 * EM, 100)]
    chars = document_chars([lines, [line("第二页", LEFT, 100)]])
    assert [(c, g.box[0] if g else None, page) for c, g, page in chars] == [
        ("区", 200, 0), ("发", 240, 0), ("改", 280, 0), ("局", 320, 0),
        (" ", None, 0), (" ", None, 0), (" ", None, 0), (" ", None, 0),
        ("周", 800, 0), ("敏", 840, 0), ("\n", None, 1), ("第", 200, 1), ("二", 240, 1), ("页", 280, 1)]


def test_unsure_look_alikes_are_corrected_only_where_they_make_a_word():
    unsure = Line(tuple(Glyph(ch, (LEFT + i * EM, 100, LEFT + (i + 1) * EM, 140), 0.6 if ch in "內人" else 1.0)
                        for i, ch in enumerate("各部內要深人研究2024一2026人民")))
    assert text_of([unsure]) == "各部门要深入研究2024—2026人民"
    sure = Line(tuple(Glyph(ch, g.box, 0.99) for ch, g in zip("各部內要深人研究", unsure.glyphs)))
    assert text_of([sure]) == "各部內要深人研究"


def test_pages_join_with_offsets_moved_to_the_document_text():
    ocr = OcrMap([OcrPage(2, 1000, 1414)], [(0, 2, (100, 100, 140, 140), 0.99), (1, 2, (140, 100, 180, 140), 0.5)])
    text, moved = join_pages([("第一页文字", None), ("扫描", 2)], ocr)
    assert text == "第一页文字\n扫描"
    assert moved.chars == [(6, 2, (100, 100, 140, 140), 0.99), (7, 2, (140, 100, 180, 140), 0.5)]
    assert moved.boxes(6, 8) == {2: [(100, 100, 180, 140)]}
    assert (moved.doubtful(0, 7), moved.doubtful(6, 8)) == (False, True)


def test_records_resting_on_doubtful_characters_are_flagged_for_checking():
    ocr = OcrMap([OcrPage(1, 1000, 1414)], [(i, 1, (i, 0, i + 1, 1), 0.5 if i == 12 else 0.99) for i in range(30)])
    record = {"items": [{"title": "一、审议", "text": "一、审议", "span": [0, 4],
                         "tasks": [{"text": "县住建局要年底前完成", "span": [10, 20]}]}]}
    assert flag_doubtful(record, ocr) == 1
    assert record == {"items": [{"title": "一、审议", "text": "一、审议", "span": [0, 4],
                                 "tasks": [{"text": "县住建局要年底前完成", "span": [10, 20],
                                            "check_original": CHECK_ORIGINAL}]}]}


# --- with the engine (the `ocr` extra) -----------------------------------------------------------------

@pytest.fixture(scope="module")
def engine():
    from luoshi.text import ocr

    if not ocr.available():
        _skip_or_fail("the OCR engine is not installed: pip install -e '.[ocr]'")
    return ocr


def first_page(name: str, dpi: int = 150):
    from luoshi.samples.scan import render

    return render((SAMPLES / name).read_text(encoding="utf-8"), dpi=dpi)[0]


@pytest.fixture(scope="module")
def scanned_minutes(engine, tmp_path_factory):
    """The first page of a sample's minutes as a PNG scan, read by OCR once for the tests below."""
    from luoshi.text.readers import read

    page = first_page("qingxi_county_minutes_12.txt")
    path = tmp_path_factory.mktemp("scan") / "minutes_12.png"
    page.image.save(path)
    progress = []
    source = read(path, progress=lambda done, total: progress.append((done, total)))
    return page, source, progress


def test_a_scanned_page_is_read_with_its_head_paragraphs_and_boxes(scanned_minutes):
    from luoshi.samples.scan import edit_distance

    page, source, progress = scanned_minutes
    assert (source.kind, progress) == ("image", [(1, 1)])
    assert source.text.split("\n")[:4] == ["青溪县人民政府", "常务会议纪要", "第12号",
                                           f"青溪县人民政府办公室{CELL_GAP}2024年5月20日"]
    truth, got = page.text, "".join(source.text.split())
    assert got.replace(INDENT.strip(), "") == truth or edit_distance(got, truth) <= len(truth) // 100
    # every character read keeps its page and box: 县 of 县应急局 is inside the text block
    start = source.text.index("县应急局要牵头开展安全生产治本攻坚行动")
    [(offset, number, box, conf)] = source.ocr.within(start, start + 1)
    assert (offset, number, conf > 0.9) == (start, 1, True)
    assert 100 < box[0] < 900 and 150 < box[1] < 900


def test_extraction_on_the_scan_keeps_spans_on_the_page(scanned_minutes):
    from luoshi.extract import extract

    _, source, _ = scanned_minutes
    record = extract(source.text, "minutes_12.png")
    assert (record["doc_type"], record["issuer"], record["serial"]) == ("meeting_minutes", "青溪县人民政府办公室", 12)
    task = next(t for i in record["items"] for t in i["tasks"] if "县应急局" in t["text"])
    boxes = source.ocr.boxes(*task["span"])
    assert list(boxes) == [1] and len(boxes[1]) >= 2  # the sentence runs over two lines of page 1


def test_a_pdf_with_a_text_layer_page_and_a_scanned_page_is_read_as_one_document(engine, tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from luoshi.text.readers import read

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 14)
    c.drawString(72, 760, "第一页有文字层：会议议定以下意见。")
    c.showPage()
    scan = io.BytesIO()
    first_page("qingxi_county_minutes_12.txt").image.save(scan, "PNG")
    c.drawImage(ImageReader(scan), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    source = read(path)
    first, _, rest = source.text.partition("\n")
    assert first == "第一页有文字层：会议议定以下意见。"
    assert rest.startswith("青溪县人民政府\n常务会议纪要\n第12号\n")
    assert [p.number for p in source.ocr.pages] == [2]
    assert {page for _, page, _, _ in source.ocr.chars} == {2}
    assert min(offset for offset, *_ in source.ocr.chars) == len(first) + 1


def test_an_upload_needs_ocr_for_its_images_and_pages_without_text():
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from luoshi.scans import needs_ocr

    def saved(image_format: str, frames: int = 1) -> bytes:
        buffer = io.BytesIO()
        pages = [Image.new("RGB", (80, 100), "white") for _ in range(frames)]
        pages[0].save(buffer, image_format, save_all=frames > 1, append_images=pages[1:])
        return buffer.getvalue()

    pdf = io.BytesIO()
    c = canvas.Canvas(pdf, pagesize=A4)
    c.drawString(72, 760, "minutes")
    c.showPage()
    c.drawImage(ImageReader(io.BytesIO(saved("PNG"))), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    assert [needs_ocr(name, data) for name, data in [
        ("a.txt", "纪要".encode()), ("a.png", saved("PNG")), ("a.JPG", saved("JPEG")), ("a.tif", saved("TIFF", 3)),
        ("mixed.pdf", pdf.getvalue()), ("broken.pdf", b"%PDF-1.4 broken"), ("broken.png", b"not an image"),
    ]] == [0, 1, 1, 3, 1, 0, 0]
