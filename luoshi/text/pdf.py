"""Reading a PDF with a text layer into source text, page by page.

A PDF that is a scan (pages with no text) raises NoTextLayer: luoshi does not do OCR. Letter-spaced
headings (`太 仓 市 人 民 政 府`) come out with their spaces, which the layout normalisation removes.
"""

from __future__ import annotations

from luoshi.errors import NoTextLayer, ReadError


def pdf_text(path: str) -> tuple[str, int]:
    """The text of every page (pages joined by a newline) and the number of pages."""
    import pdfplumber

    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            pages.append(page.extract_text(x_tolerance=1.5, y_tolerance=3) or "")
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
        raise ReadError(path, f"damaged PDF file, cannot be read ({type(exc).__name__}: {exc})") from None
    if pages and not text.strip():
        raise NoTextLayer(path, f"no text layer in its {pages} page(s) (a scan?); OCR is not supported")
    return Source(path, text, "pdf")
