"""Reading a PDF into source text, page by page, paragraph indents kept.

Pages with a text layer are read from it; pages without one (a scan) are rendered and read by OCR
(`luoshi.text.ocr`, the optional extra), in the same document. Letter-spaced headings
(`太 仓 市 人 民 政 府`) come out with their spaces, which the layout normalisation removes.
"""

from __future__ import annotations

import threading

from luoshi.errors import NoTextLayer, ReadError

# PDFium (pypdfium2, also behind pdfplumber's `to_image`) is not thread-safe: two threads drawing pages at once
# (a browser asking for two previews, an OCR job beside them) crash the process. Every use takes this lock.
PDFIUM = threading.Lock()


INDENT = "\u3000\u3000"  # what a paragraph's first-line indent becomes in the text
X_TOLERANCE, Y_TOLERANCE = 1.5, 3


def page_lines(page) -> list[str]:
    """The lines of a page; a line starting right of the left margin by more than a character or so
    gets the two full-width spaces of a paragraph indent, so the layout can tell paragraphs apart
    where a line that fills the width would otherwise run into the next."""
    lines = page.extract_text_lines(x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE, return_chars=True)
    if not lines:
        return []
    widths = sorted(ch["x1"] - ch["x0"] for line in lines for ch in line["chars"] if ch["text"].strip())
    em = widths[len(widths) // 2] if widths else 10.0
    longest = max(line["x1"] - line["x0"] for line in lines)
    margin = min((line["x0"] for line in lines if line["x1"] - line["x0"] >= 0.6 * longest), default=0.0)
    return [(INDENT if 1.5 * em <= line["x0"] - margin <= 4.5 * em else "") + line["text"] for line in lines]


def pdf_text(path: str, *, progress=None, budget: int | None = None) -> tuple[str, int, object]:
    """The text of every page (pages joined by a newline), the number of pages, and the OCR map of the
    pages that had no text layer (None when every page had one)."""
    import pdfplumber

    from luoshi.text import ocr

    parts: list[tuple[str, int | None]] = []
    scans: list[tuple[int, object]] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            text = "\n".join(page_lines(page))
            if text.strip():
                parts.append((text, None))
            else:
                parts.append(("", number))
                scans.append((number, page))
        count = len(pdf.pages)
        if not scans:
            return "\n".join(t for t, _ in parts), count, None
        if not ocr.available():
            raise ocr.missing_engine(path)
        images = [(number, lambda page=page: _drawn(page, ocr.OCR_DPI)) for number, page in scans]
        texts, found = ocr.ocr_images(path, images, progress=progress, budget=budget)
    read = dict(zip((n for n, _ in scans), texts))
    text, found = ocr.join_pages([(read[n] if n is not None else t, n) for t, n in parts], found)
    return text, count, found


def _drawn(page, resolution: int):
    with PDFIUM:
        return page.to_image(resolution=resolution).original


def read_pdf(path: str, *, progress=None, budget: int | None = None):
    from luoshi.text.readers import Source

    with open(path, "rb") as f:
        if not f.read(1024).lstrip().startswith(b"%PDF"):
            raise ReadError(path, "文件已损坏或不是 PDF 文件（没有 %PDF 文件头）：请重新导出 PDF 后再读取")
    try:
        text, pages, found = pdf_text(path, progress=progress, budget=budget)
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged file
        if _encrypted(exc):
            raise ReadError(path, "PDF 已加密，没有密码无法读取：请去除密码保护后再读取") from None
        raise ReadError(path, "文件已损坏，无法作为 PDF 读取：请重新导出 PDF 后再读取") from None
    if pages and not text.strip():
        raise NoTextLayer(path, f"{pages} 页中都没有找到文字，文字识别（OCR）也没有识别出文字：请检查是否是空白扫描件，"
                                "清晰地重新扫描后再读取")
    return Source(path, text, "pdf", ocr=found)


def _encrypted(exc: BaseException) -> bool:
    """Whether pdfminer failed for want of a password (pdfplumber wraps its exception in another)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if "Password" in type(exc).__name__ or "Encrypt" in type(exc).__name__:
            return True
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
    return False
