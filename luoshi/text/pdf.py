"""Reading a PDF with a text layer into source text, page by page, paragraph indents kept.

A PDF that is a scan (pages with no text) raises NoTextLayer: luoshi does not do OCR. Letter-spaced
headings (`太 仓 市 人 民 政 府`) come out with their spaces, which the layout normalisation removes.
"""

from __future__ import annotations

from luoshi.errors import NoTextLayer, ReadError


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


def pdf_text(path: str) -> tuple[str, int]:
    """The text of every page (pages joined by a newline) and the number of pages."""
    import pdfplumber

    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            pages.append("\n".join(page_lines(page)))
        count = len(pdf.pages)
    return "\n".join(pages), count


def read_pdf(path: str):
    from luoshi.text.readers import Source

    with open(path, "rb") as f:
        if not f.read(1024).lstrip().startswith(b"%PDF"):
            raise ReadError(path, "damaged or not a PDF file (no %PDF header)")
    try:
        text, pages = pdf_text(path)
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged file
        if _encrypted(exc):
            raise ReadError(path, "encrypted PDF: it cannot be read without its password") from None
        raise ReadError(path, f"damaged PDF file, cannot be read ({type(exc).__name__}: {exc})") from None
    if pages and not text.strip():
        raise NoTextLayer(path, f"no text layer in its {pages} page(s) (a scan?); OCR is not supported")
    return Source(path, text, "pdf")


def _encrypted(exc: BaseException) -> bool:
    """Whether pdfminer failed for want of a password (pdfplumber wraps its exception in another)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if "Password" in type(exc).__name__ or "Encrypt" in type(exc).__name__:
            return True
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
    return False
