"""Typesetting a document's text as scanned 公文 pages, to test and measure the OCR reader.

The pages follow the official layout (GB/T 9704 in outline): A4, a red letter-spaced header and a red
rule under the 文号, a letter-spaced title, indented paragraphs of 28 characters a line, and lines
that were columns in the text (attendees, an issuer and a date) drawn as a ruled table. `photo()`
turns a page into what a phone gives: a slight turn, blur, uneven light, JPEG. Needs Pillow and the
Noto CJK fonts (Debian's fonts-noto-cjk).
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from luoshi.text.layout import normalise

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/opentype/noto-cjk")
SERIF, SANS = "NotoSerifCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"
A4_MM = (210, 297)
MARGINS_MM = (37, 35, 28, 26)  # top, bottom, left, right
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
RED = (200, 20, 20)
COLUMN_GAP = re.compile(r"[ \u3000]{3,}")
NUMBER = re.compile(r"^(?:第\s*\d+\s*号|[^\s，。]{0,12}〔\d{4}〕\d+号)$")


@dataclass
class Page:
    """One rendered page and the text typeset on it (in reading order, no layout whitespace)."""

    image: object  # PIL.Image.Image
    text: str
    dpi: int


@dataclass
class _Block:
    kind: str  # header | number | title | row | para
    text: str = ""
    cells: list[str] = field(default_factory=list)


def font_path(name: str) -> str:
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            return str(path)
    raise FileNotFoundError(f"{name}: install Debian's fonts-noto-cjk")


def blocks(source: str) -> list[_Block]:
    """The document's paragraphs as blocks of the page: head parts, table rows, body paragraphs."""
    layout = normalise(source)
    out: list[_Block] = []
    pos = 0
    body_started = False
    for para in layout.text.split("\n"):
        start, end = layout.span(pos, pos + len(para))
        pos += len(para) + 1
        raw = layout.source[start:end]
        cells = [c for c in (re.sub(r"\s", "", c) for c in COLUMN_GAP.split(raw.strip())) if c]
        if "\n" not in raw and len(cells) >= 2:
            out.append(_Block("row", para, cells))
        elif not out and len(para) <= 16:
            out.append(_Block("header", para))
        elif NUMBER.match(para):
            out.append(_Block("number", para))
        elif not body_started and len(para) <= 24 and not re.search(r"[，。；：]", para):
            out.append(_Block("title", para))
        else:
            body_started = True
            out.append(_Block("para", para))
    return out


class _Typesetter:
    def __init__(self, dpi: int):
        from PIL import ImageFont

        self.dpi = dpi
        self.px = lambda mm: round(mm / 25.4 * dpi)
        self.size = (self.px(A4_MM[0]), self.px(A4_MM[1]))
        top, bottom, left, right = MARGINS_MM
        self.left, self.right = self.px(left), self.size[0] - self.px(right)
        self.top, self.bottom = self.px(top), self.size[1] - self.px(bottom)
        self.em = (self.right - self.left) // CHARS_PER_LINE
        self.line = (self.bottom - self.top) // LINES_PER_PAGE
        self.body = ImageFont.truetype(font_path(SERIF), int(self.em * 0.95))
        self.header = ImageFont.truetype(font_path(SANS), int(self.em * 1.9))
        self.title = ImageFont.truetype(font_path(SANS), int(self.em * 1.2))
        self.pages: list[Page] = []
        self._new_page()

    def _new_page(self) -> None:
        from PIL import Image, ImageDraw

        if getattr(self, "image", None) is not None:
            self.pages.append(Page(self.image, "".join(self.text), self.dpi))
        self.image = Image.new("RGB", self.size, "white")
        self.draw = ImageDraw.Draw(self.image)
        self.y = self.top
        self.text: list[str] = []

    def _room(self, height: int) -> None:
        if self.y + height > self.bottom:
            self._new_page()

    def spaced(self, text: str, font, fill, spacing: float, height: int) -> None:
        """A centred line with `spacing` ems between its characters (a letter-spaced heading)."""
        self._room(height)
        step = font.size * (1 + spacing)
        width = step * len(text) - font.size * spacing
        x = (self.left + self.right - width) / 2
        for ch in text:
            self.draw.text((x, self.y), ch, font=font, fill=fill)
            x += step
        self.y += height
        self.text.append(text)

    def row(self, cells: list[str], ruled: bool) -> None:
        self._room(self.line)
        width = (self.right - self.left) / len(cells)
        for i, cell in enumerate(cells):
            x0 = self.left + i * width
            self.draw.text((x0 + self.em * 0.3, self.y + self.line * 0.15), cell[: int(width / self.em) - 1],
                           font=self.body, fill="black")
            if ruled:
                self.draw.rectangle((x0, self.y, x0 + width, self.y + self.line), outline="black", width=max(1, self.dpi // 100))
        self.y += self.line
        self.text.append("".join(c[: int(width / self.em) - 1] for c in cells))

    def paragraph(self, text: str) -> None:
        first = True
        while text:
            room = CHARS_PER_LINE - (2 if first else 0)
            chunk, text = _fit(text, room)
            self._room(self.line)
            x = self.left + (2 * self.em if first else 0)
            for ch in chunk:
                self.draw.text((x, self.y + self.line * 0.15), ch, font=self.body, fill="black")
                x += self.em if ord(ch) >= 0x1100 else self.em / 2
            self.y += self.line
            self.text.append(chunk)
            first = False


def _fit(text: str, room: int) -> tuple[str, str]:
    """The first line of `text` in `room` character widths (half-width characters take half)."""
    width, i = 0.0, 0
    while i < len(text) and width + (1 if ord(text[i]) >= 0x1100 else 0.5) <= room:
        width += 1 if ord(text[i]) >= 0x1100 else 0.5
        i += 1
    return text[:i], text[i:]


def render(source: str, *, dpi: int = 300) -> list[Page]:
    """Typeset a document's source text as A4 公文 pages at `dpi`."""
    ts = _Typesetter(dpi)
    items = blocks(source)
    for i, block in enumerate(items):
        if block.kind == "header":
            ts.spaced(block.text, ts.header, RED, 0.25, int(ts.line * 2))
        elif block.kind == "number":
            ts.spaced(block.text, ts.body, "black", 0.0, ts.line)
            ts.draw.line((ts.left, ts.y, ts.right, ts.y), fill=RED, width=max(2, dpi // 60))
            ts.y += ts.line // 2
        elif block.kind == "title":
            ts.spaced(block.text, ts.title, "black", 0.6 if len(block.text) <= 8 else 0.1, int(ts.line * 1.5))
        elif block.kind == "row":
            neighbours = [items[j].kind for j in (i - 1, i + 1) if 0 <= j < len(items)]
            ts.row(block.cells, ruled="row" in neighbours)
        else:
            ts.paragraph(block.text)
    ts._new_page()
    return ts.pages


def photo(page: Page, *, seed: int = 0, angle: float = 1.5, blur: float = 1.0, scale: float = 0.7) -> Page:
    """A phone photo of a page: turned by `angle` degrees, blurred, unevenly lit, resized, as a JPEG."""
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    image = page.image.convert("RGB").rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=(235, 232, 225))
    image = image.resize((int(image.width * scale), int(image.height * scale)), Image.BILINEAR)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    shade = Image.linear_gradient("L").resize(image.size).rotate(rng.uniform(0, 360))
    image = Image.composite(image, Image.new("RGB", image.size, (150, 145, 135)),
                            shade.point(lambda v: 255 - v // 6))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return Page(Image.open(io.BytesIO(buffer.getvalue())), page.text, int(page.dpi * scale))


def pdf_bytes(pages: list[Page]) -> bytes:
    """The pages as an image-only PDF (a scan)."""
    buffer = io.BytesIO()
    first, *rest = [p.image.convert("RGB") for p in pages]
    first.save(buffer, "PDF", resolution=pages[0].dpi, save_all=True, append_images=rest)
    return buffer.getvalue()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between the text typeset and the text read back (one row at a time: pages are
    short): the numerator of the character error rate."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
