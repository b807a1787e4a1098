"""Reading scans and photos: OCR of images and of PDF pages without a text layer, grounded per character.

The engine is RapidOCR on ONNX Runtime with the PP-OCRv4 models inside its wheel (Apache-2.0; nothing is
downloaded at run time), installed by the optional extra `pip install 'luoshi[ocr]'`. The text is laid
out by `ocr_layout` and comes with an `OcrMap`: for every character read, its page, its box on the page
(in thousandths of the page's width and height) and its confidence, plus a small JPEG of each page, so
that the web can draw a record's span over the page image.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from luoshi.errors import ReadError
from luoshi.text.ocr_layout import LOW_CONFIDENCE, Glyph, Line, document_chars

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
OCR_DPI = 200  # PDF pages are rendered at this resolution for the engine
OCR_WIDTH = 1700  # pixels: a wider page image is scaled down to this first (A4 at 200 dpi: as accurate, faster)
SHOWN_WIDTH = 1000  # pixels: the page image kept for the document page
PAGE_BUDGET = 50  # pages one document may have OCR'd, unless the caller says otherwise
SCALE = 1000  # boxes are stored in thousandths of the page

Progress = Callable[[int, int], None]  # (pages done, pages to OCR)


class OcrUnavailable(ReadError):
    """The OCR extra is not installed, so a scan or photo cannot be read."""


class OcrBudgetExceeded(ReadError):
    """A document has more pages to OCR than the page budget allows."""


def missing_engine(path: str) -> OcrUnavailable:
    return OcrUnavailable(path, "这是扫描件或图片，需要文字识别（OCR）组件才能读取：请管理员安装 "
                                "pip install 'luoshi[ocr]' 后重新上传")


def budget_message(pages: int, budget: int) -> str:
    return (f"有 {pages} 页需要文字识别，超过每份文件 {budget} 页的上限：请拆分文件后分别上传，"
            "或请管理员调高 LUOSHI_OCR_PAGE_BUDGET")


@dataclass
class OcrPage:
    """One page read by OCR: its number in the document (from 1), its size, a JPEG to show it."""

    number: int
    width: int
    height: int
    image: bytes = b""


@dataclass
class OcrMap:
    """For each character of the text read by OCR: offset in the text, page number, box (x0, y0, x1, y1 in
    thousandths of the page) and confidence. Characters of text-layer pages and added whitespace have none."""

    pages: list[OcrPage] = field(default_factory=list)
    chars: list[tuple[int, int, tuple[int, int, int, int], float]] = field(default_factory=list)

    def within(self, start: int, end: int) -> list[tuple[int, int, tuple[int, int, int, int], float]]:
        from bisect import bisect_left

        i = bisect_left(self.chars, (start,))
        out = []
        while i < len(self.chars) and self.chars[i][0] < end:
            out.append(self.chars[i])
            i += 1
        return out

    def doubtful(self, start: int, end: int) -> bool:
        """Whether a character of text[start:end] was read with low confidence (请核对原件)."""
        return any(conf < LOW_CONFIDENCE for *_, conf in self.within(start, end))

    def boxes(self, start: int, end: int) -> dict[int, list[tuple[int, int, int, int]]]:
        """The boxes of text[start:end] by page, one per line: each character's box joined to the one
        before when it follows it on the same line (compared character to character, so that the line
        of a turned photo, whose characters climb or fall, stays one box)."""
        out: dict[int, list[list[int]]] = {}
        last: dict[int, tuple[int, int, int, int]] = {}
        for _, page, (x0, y0, x1, y1), _ in self.within(start, end):
            line = out.setdefault(page, [])
            prev = last.get(page)
            if prev and abs(prev[1] - y0) < (y1 - y0) / 2 and -5 <= x0 - prev[2] <= 40:
                box = line[-1]
                box[1], box[2], box[3] = min(box[1], y0), max(box[2], x1), max(box[3], y1)
            else:
                line.append([x0, y0, x1, y1])
            last[page] = (x0, y0, x1, y1)
        return {p: [tuple(b) for b in bs] for p, bs in out.items()}

    def to_json(self) -> dict:
        return {"pages": [{"number": p.number, "width": p.width, "height": p.height} for p in self.pages],
                "chars": [[o, p, *box, round(c, 3)] for o, p, box, c in self.chars]}

    @classmethod
    def from_json(cls, data: dict, images: dict[int, bytes] | None = None) -> "OcrMap":
        pages = [OcrPage(p["number"], p["width"], p["height"], (images or {}).get(p["number"], b""))
                 for p in data.get("pages", [])]
        chars = [(c[0], c[1], (c[2], c[3], c[4], c[5]), c[6]) for c in data.get("chars", [])]
        return cls(pages, chars)


# -- the engine ------------------------------------------------------------------------------------------

_engine = None
_engine_lock = threading.Lock()
_call_lock = threading.Lock()


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _rapidocr():
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            from luoshi.settings import get_settings

            threads = get_settings().ocr_threads or -1
            _engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, print_verbose=False)
        return _engine


def image_lines(image) -> list[Line]:
    """The lines of text on a page image (PIL), each character with its box in pixels and confidence."""
    import numpy as np

    from PIL import Image

    rgb = image.convert("RGB")
    factor = 1.0
    if rgb.width > OCR_WIDTH:
        factor = rgb.width / OCR_WIDTH
        rgb = rgb.resize((OCR_WIDTH, round(rgb.height / factor)), Image.BILINEAR)
    array = np.asarray(rgb)
    engine = _rapidocr()
    with _call_lock:  # the engine keeps per-call options on itself; it uses every core for one page anyway
        result, _ = engine(array[:, :, ::-1].copy(), use_cls=False, return_word_box=True)
    lines = []
    for entry in result or []:
        box, text, score = entry[0], entry[1], float(entry[2])
        word_boxes = entry[3] if len(entry) > 3 else None
        words = entry[4] if len(entry) > 4 else None
        confs = entry[5] if len(entry) > 5 else None
        glyphs = _glyphs(box, text, score, word_boxes, words, confs)
        if glyphs and factor != 1.0:
            glyphs = [Glyph(g.char, tuple(v * factor for v in g.box), g.conf) for g in glyphs]
        if glyphs:
            lines.append(Line(tuple(glyphs), red=_is_red(array, glyphs, factor)))
    return lines


def _glyphs(box, text, score, word_boxes, words, confs) -> list[Glyph]:
    """Character boxes: each word's box split among its characters by their width."""
    confs = list(confs) if confs is not None and len(confs) == len(text) else [score] * len(text)
    pieces: list[tuple[str, tuple[float, float, float, float]]] = []
    words = ["".join(map(str, w)) if isinstance(w, (list, tuple)) else str(w) for w in words or []]
    if word_boxes and words and len(word_boxes) == len(words) and "".join(words) == text:
        for word, quad in zip(words, word_boxes):
            pieces += _split(word, _rect(quad))
    else:
        pieces = _split(text, _rect(box))
    return [Glyph(ch, b, float(c)) for (ch, b), c in zip(pieces, confs) if not ch.isspace()]


def _rect(quad) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def _split(text: str, rect: tuple[float, float, float, float]) -> list[tuple[str, tuple[float, float, float, float]]]:
    weights = [2 if ord(c) >= 0x1100 else 1 for c in text]
    total = sum(weights) or 1
    x0, y0, x1, y1 = rect
    out, x = [], x0
    for ch, w in zip(text, weights):
        step = (x1 - x0) * w / total
        out.append((ch, (x, y0, x + step, y1)))
        x += step
    return out


def _is_red(array, glyphs: list[Glyph], factor: float = 1.0) -> bool:
    """Whether most ink of the line is red (R high, G and B low)."""
    x0 = int(min(g.box[0] for g in glyphs) / factor); y0 = int(min(g.box[1] for g in glyphs) / factor)
    x1 = int(max(g.box[2] for g in glyphs) / factor); y1 = int(max(g.box[3] for g in glyphs) / factor)
    crop = array[max(y0, 0):max(y1, 1), max(x0, 0):max(x1, 1)].astype("int32")
    if crop.size == 0:
        return False
    r, g, b = crop[..., 0], crop[..., 1], crop[..., 2]
    ink = (r + g + b) < 600
    red = ink & (r > 140) & (r - g > 70) & (r - b > 70)
    return int(ink.sum()) > 0 and red.sum() > 0.5 * ink.sum()


# -- reading files ---------------------------------------------------------------------------------------

def shown(image) -> tuple[bytes, int, int]:
    """A JPEG of the page for the document page (SHOWN_WIDTH wide), and the page's size in pixels."""
    from PIL import Image

    rgb = image.convert("RGB")
    small = rgb.resize((SHOWN_WIDTH, round(rgb.height * SHOWN_WIDTH / rgb.width)), Image.BILINEAR) \
        if rgb.width > SHOWN_WIDTH else rgb
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=75)
    return buffer.getvalue(), rgb.width, rgb.height


def ocr_images(path: str, images: list[tuple[int, object]], *, progress: Progress | None = None,
               budget: int | None = None) -> tuple[list[str], OcrMap]:
    """OCR page images [(page number, PIL image, or a function making it)]: each page's text and one map
    (offsets per page text). A function is called when its page's turn comes, so that only one page
    image of a long PDF is in memory at a time."""
    if not available():
        raise missing_engine(path)
    budget = PAGE_BUDGET if budget is None else budget
    if len(images) > budget:
        raise OcrBudgetExceeded(path, budget_message(len(images), budget))
    texts: list[str] = []
    ocr = OcrMap()
    for done, (number, image) in enumerate(images, 1):
        image = image() if callable(image) else image
        lines = image_lines(image)
        jpeg, width, height = shown(image)
        ocr.pages.append(OcrPage(number, width, height, jpeg))
        chars = document_chars([lines], [height])
        text = "".join(c for c, _, _ in chars)
        texts.append(text)
        # offsets are relative to this page's text here; the caller shifts them
        ocr.chars += [(i, number, _scaled(g.box, width, height), g.conf)
                      for i, (_, g, _) in enumerate(chars) if g is not None]
        if progress:
            progress(done, len(images))
    return texts, ocr


def _scaled(box, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return (round(x0 * SCALE / width), round(y0 * SCALE / height), round(x1 * SCALE / width), round(y1 * SCALE / height))


def join_pages(parts: list[tuple[str, int | None]], ocr: OcrMap) -> tuple[str, OcrMap]:
    """Pages' texts [(text, OCR'd page number or None)] joined by a newline, with the map's offsets
    moved from each OCR'd page's own text to the document text."""
    by_page: dict[int, list] = {}
    for entry in ocr.chars:
        by_page.setdefault(entry[1], []).append(entry)
    out, chars, pos = [], [], 0
    for text, number in parts:
        if out:
            out.append("\n")
            pos += 1
        if number is not None:
            chars += [(o + pos, p, box, conf) for o, p, box, conf in by_page.get(number, [])]
        out.append(text)
        pos += len(text)
    return "".join(out), OcrMap(ocr.pages, chars)


def read_image(path: str, *, progress: Progress | None = None, budget: int | None = None):
    """A JPG, PNG or TIFF (every frame of a multi-page TIFF is a page) read by OCR."""
    from luoshi.text.readers import Source

    if not available():
        raise missing_engine(path)
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            frames = []
            for i in range(getattr(im, "n_frames", 1)):
                im.seek(i)
                frames.append((i + 1, ImageOps.exif_transpose(im.convert("RGB"))))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ReadError(path, f"图片已损坏或不是图片文件，无法读取（{type(exc).__name__}）：请重新扫描或拍照后上传") from None
    texts, ocr = ocr_images(path, frames, progress=progress, budget=budget)
    text, ocr = join_pages([(t, n) for t, (n, _) in zip(texts, frames)], ocr)
    return Source(path, text, "image", ocr=ocr)


def dumps(ocr: OcrMap | None) -> str | None:
    return json.dumps(ocr.to_json(), separators=(",", ":")) if ocr else None


CHECK_ORIGINAL = "请核对原件"


def flag_doubtful(record: Any, ocr: OcrMap) -> int:
    """Mark every record (a dict with a `text` and its `span`) that rests on a character read with low
    confidence: `check_original` = 请核对原件, for the office to compare with the paper. Returns how many."""
    flagged = 0
    if isinstance(record, dict):
        span = record.get("span")
        if isinstance(record.get("text"), str) and isinstance(span, (list, tuple)) and len(span) == 2 \
                and ocr.doubtful(span[0], span[1]):
            record["check_original"] = CHECK_ORIGINAL
            flagged += 1
        for value in record.values():
            flagged += flag_doubtful(value, ocr)
    elif isinstance(record, list):
        for value in record:
            flagged += flag_doubtful(value, ocr)
    return flagged
