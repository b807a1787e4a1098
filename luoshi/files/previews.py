"""Images for the browser: a small thumbnail of a photo or of a PDF's first page, and a PDF page as PNG.

Pillow decodes photos (with a cap on pixels, so a crafted "image bomb" is refused, not decoded);
pypdfium2 (pdfplumber's renderer, Apache-2.0/BSD) draws PDF pages. A file that cannot be drawn simply
has no thumbnail: it can still be downloaded.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from luoshi.files.kinds import FileKind
from luoshi.text.pdf import PDFIUM

THUMBNAIL = (320, 320)
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is the largest decoded
PAGE_WIDTH = 1000  # pixels of a previewed PDF page


def thumbnail(kind: FileKind, data: bytes) -> bytes | None:
    """A JPEG of at most 320×320 px, or None when the file cannot be drawn."""
    try:
        image = _first_page(data) if kind.key == "pdf" else _image(data) if kind.image else None
    except Exception:  # a damaged or hostile file: no thumbnail, never an error page
        return None
    if image is None:
        return None
    image = ImageOps.exif_transpose(image)
    image.thumbnail(THUMBNAIL)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def _image(data: bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > MAX_PIXELS:
        raise ValueError("too many pixels")
    image.load()
    return image


def _first_page(data: bytes) -> Image.Image | None:
    return _render(data, 0, THUMBNAIL[0] * 2)


def _render(data: bytes, index: int, width: int) -> Image.Image | None:
    import pypdfium2

    with PDFIUM:
        pdf = pypdfium2.PdfDocument(data)
        try:
            if index >= len(pdf):
                return None
            page = pdf[index]
            scale = width / max(page.get_width(), 1)
            return page.render(scale=min(scale, 4)).to_pil()
        finally:
            pdf.close()


def page_count(data: bytes) -> int:
    import pypdfium2

    with PDFIUM:
        try:
            pdf = pypdfium2.PdfDocument(data)
        except Exception:
            return 0
        try:
            return len(pdf)
        finally:
            pdf.close()


def pdf_page(data: bytes, index: int) -> bytes | None:
    """Page `index` (from 0) of a PDF as PNG, PAGE_WIDTH wide; None when there is no such page."""
    try:
        image = _render(data, index, PAGE_WIDTH)
    except Exception:
        return None
    if image is None:
        return None
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()
