"""Rebuilding a page's text from the lines an OCR engine found: reading order, paragraphs, head, tables.

Pure geometry, no engine: lines (each character with its box and confidence) in, the page's source text
out, with every character of that text mapped back to its glyph (or to None for the whitespace added
here). Rows of boxes side by side become one line, set apart by a wide gap when they are cells of a
table (as the DOCX reader writes a table row); a paragraph's lines are joined, its first line keeps the
two full-width spaces of its indent so `layout.normalise` tells paragraphs apart as in a typeset PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import median

CELL_GAP = "    "  # between the cells of a row, as luoshi.text.docx writes them
INDENT = "\u3000\u3000"  # a paragraph's first-line indent
CELL_EMS = 1.5  # boxes of one row further apart than this many line heights are cells, not one line
HEAD_SHARE = 0.35  # the red header sits in the top third of the first page
NUMBER = re.compile(r"(?:〔\d{4}〕|\[\d{4}\]|第)\s*\d+\s*号")  # a 文号: 〔2024〕12号, 第12号
LOW_CONFIDENCE = 0.8  # a character recognised with less than this is marked for checking
UNSURE = 0.95  # a character read with less than this may be replaced by its look-alike (rules/ocr_confusions.txt)
CONFUSIONS = Path(__file__).with_name("rules") / "ocr_confusions.txt"

# ASCII punctuation an engine may give inside Chinese text, as the full-width form typesetting uses.
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}


@dataclass(frozen=True)
class Glyph:
    """One recognised character: its box in pixels of the page image (x0, y0, x1, y1) and confidence."""

    char: str
    box: tuple[float, float, float, float]
    conf: float = 1.0


@dataclass(frozen=True)
class Line:
    """A line of text as the engine found it; `red` when it is printed in red (a 公文's header)."""

    glyphs: tuple[Glyph, ...]
    red: bool = False

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @property
    def box(self) -> tuple[float, float, float, float]:
        boxes = [g.box for g in self.glyphs]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


@dataclass(frozen=True)
class Row:
    """Lines that share one height band of the page, left to right; `cells` when set apart widely."""

    lines: tuple[Line, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        boxes = [line.box for line in self.lines]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

    @property
    def height(self) -> float:
        return median(line.height for line in self.lines)

    def cells(self) -> list[list[Line]]:
        """The lines grouped into cells: neighbours closer than CELL_EMS line heights are one cell."""
        out: list[list[Line]] = [[self.lines[0]]]
        for prev, line in zip(self.lines, self.lines[1:]):
            if line.box[0] - prev.box[2] > CELL_EMS * self.height:
                out.append([line])
            else:
                out[-1].append(line)
        return out


Char = tuple[str, Glyph | None]  # a character of the page text and the glyph it was read from


def rows(lines: list[Line]) -> list[Row]:
    """Lines in reading order, grouped into rows: top to bottom, and left to right within a row."""
    out: list[list[Line]] = []
    for line in sorted((l for l in lines if l.glyphs), key=lambda l: (l.box[1] + l.box[3]) / 2):
        if out:
            last = out[-1]
            top, bottom = min(l.box[1] for l in last), max(l.box[3] for l in last)
            overlap = min(bottom, line.box[3]) - max(top, line.box[1])
            if overlap > 0.5 * min(line.height, bottom - top):
                last.append(line)
                continue
        out.append([line])
    return [Row(tuple(sorted(group, key=lambda l: l.box[0]))) for group in out]


@dataclass(frozen=True)
class _Frame:
    """The text block of a page: its left and right edges, the body's character size and line pitch."""

    left: float
    right: float
    em: float
    pitch: float


def frame(page_rows: list[Row]) -> _Frame:
    widths = [r.box[2] - r.box[0] for r in page_rows]
    longest = max(widths)
    body = [r for r, w in zip(page_rows, widths) if w >= 0.7 * longest] or page_rows
    wide = [g.box[2] - g.box[0] for r in body for l in r.lines for g in l.glyphs if ord(g.char) >= 0x1100]
    em = median(wide) if wide else median(r.height for r in body)
    # The left edge: the leftmost start shared by a few long rows (a stray box further left is noise; the
    # first lines of paragraphs start an indent to the right of it).
    starts = sorted(r.box[0] for r in body)
    enough = min(3, len(starts))
    left = next(x for x in starts if sum(1 for y in starts if abs(y - x) < 0.6 * em) >= enough) \
        if any(sum(1 for y in starts if abs(y - x) < 0.6 * em) >= enough for x in starts) else starts[0]
    ends = sorted(r.box[2] for r in body)
    right = ends[len(ends) * 3 // 4]
    tops = sorted(r.box[1] for r in page_rows)
    steps = [b - a for a, b in zip(tops, tops[1:]) if b - a > 0.5 * em]
    pitch = median(steps) if steps else 2 * em
    return _Frame(left, right, em, pitch)


def _glyphs(line: Line) -> list[Char]:
    chars = [g.char for g in line.glyphs]
    out: list[Char] = []
    for i, g in enumerate(line.glyphs):
        ch = g.char
        if ch in FULL_WIDTH and _cjk_near(chars, i):
            ch = FULL_WIDTH[ch]
        elif g.conf < UNSURE and ch in confusions() and (meant := corrected(chars, i)):
            ch = meant
        elif ch == "一" and 0 < i < len(chars) - 1 and chars[i - 1].isdigit() and chars[i + 1].isdigit():
            ch = "—"  # 2024—2026: a dash read as the numeral one
        out.append((ch, g))
    return out


@cache
def confusions() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """read → [(meant, words that make it meant)], from rules/ocr_confusions.txt."""
    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for raw in CONFUSIONS.read_text(encoding="utf-8").splitlines():
        parts = raw.split("#", 1)[0].split()
        if len(parts) >= 3:
            out.setdefault(parts[0], []).append((parts[1], tuple(parts[2:])))
    return out


def corrected(chars: list[str], i: int) -> str | None:
    """The look-alike chars[i] should be, when one makes a listed word with its neighbours."""
    for meant, words in confusions().get(chars[i], ()):
        for word in words:
            for k, ch in enumerate(word):
                if ch != meant:
                    continue
                start = i - k
                if start < 0 or start + len(word) > len(chars):
                    continue
                if "".join(chars[start:i]) + meant + "".join(chars[i + 1:start + len(word)]) == word:
                    return meant
    return None


def _cjk_near(chars: list[str], i: int) -> bool:
    return any(0 <= j < len(chars) and ord(chars[j][0]) >= 0x2E80 for j in (i - 1, i + 1))


def _row_chars(row: Row) -> list[Char]:
    out: list[Char] = []
    for k, cell in enumerate(row.cells()):
        if k:
            out += [(c, None) for c in CELL_GAP]
        for line in cell:
            out += _glyphs(line)
    return out


def page_chars(lines: list[Line], *, first_page: bool = True, page_height: float | None = None) -> list[Char]:
    """The source text of one page, character by character, each with the glyph it comes from (as the
    engine gave it: the layout works on the lines turned level, when the page was turned)."""
    level, back = straighten(lines)
    if back:
        return [(c, back.get(id(g), g) if g is not None else None)
                for c, g in page_chars(level, first_page=first_page, page_height=page_height)]
    page_rows = rows(lines)
    if not page_rows:
        return []
    f = frame(page_rows)
    height = page_height or max(r.box[3] for r in page_rows)
    out: list[Char] = []
    prev: Row | None = None
    for row in page_rows:
        x0, y0, x1, _ = row.box
        cells = len(row.cells())
        indent = 1.2 * f.em <= x0 - f.left <= 4.5 * f.em
        centred = x0 - f.left > 4.5 * f.em and abs((x0 - f.left) - (f.right - x1)) < 3 * f.em
        head = first_page and y0 < HEAD_SHARE * height and all(l.red for l in row.lines)
        text = "".join(l.text for l in row.lines)
        starts = (prev is None or indent or centred or head or cells > 1 or len(prev.cells()) > 1
                  or NUMBER.search(text) is not None
                  or prev.box[2] < f.right - 1.5 * f.em  # the line before stopped short: its paragraph ended
                  or y0 - prev.box[1] > 1.6 * f.pitch  # a wider gap than between the lines of a paragraph
                  or _is_heading_row(prev, f))
        if prev is not None and starts:
            out.append(("\n", None))
        if starts and indent and cells == 1:
            out += [(c, None) for c in INDENT]
        out += _row_chars(row)
        prev = row
    return out


def _is_heading_row(row: Row, f: _Frame) -> bool:
    """A centred or larger-type row (a title, a letter-spaced heading) is a paragraph of its own."""
    return row.height > 1.3 * f.em or (row.box[0] - f.left > 4.5 * f.em)


def skew(lines: list[Line]) -> float:
    """The slope of the text lines (dy/dx) on a turned page or photo: the median over long lines of the
    least-squares slope of their characters' centres."""
    slopes = []
    for line in lines:
        if len(line.glyphs) < 8:
            continue
        xs = [(g.box[0] + g.box[2]) / 2 for g in line.glyphs]
        ys = [(g.box[1] + g.box[3]) / 2 for g in line.glyphs]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mx) ** 2 for x in xs)
        if var:
            slopes.append(sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var)
    return median(slopes) if slopes else 0.0


def straighten(lines: list[Line]) -> tuple[list[Line], dict[int, Glyph]]:
    """Lines turned level (for the layout's geometry), and a map from each turned glyph back to its own."""
    slope = skew(lines)
    back: dict[int, Glyph] = {}
    if abs(slope) < 0.002:
        return lines, back
    out = []
    for line in lines:
        glyphs = []
        for g in line.glyphs:
            x0, y0, x1, y1 = g.box
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            nx, ny = cx + slope * cy, cy - slope * cx
            turned = Glyph(g.char, (nx - (x1 - x0) / 2, ny - (y1 - y0) / 2, nx + (x1 - x0) / 2, ny + (y1 - y0) / 2), g.conf)
            back[id(turned)] = g
            glyphs.append(turned)
        out.append(Line(tuple(glyphs), line.red))
    return out, back


def document_chars(pages: list[list[Line]], heights: list[float] | None = None) -> list[tuple[str, Glyph | None, int]]:
    """The source text of several pages (joined by a newline), each character with its glyph and page."""
    out: list[tuple[str, Glyph | None, int]] = []
    for number, lines in enumerate(pages):
        chars = page_chars(lines, first_page=number == 0, page_height=heights[number] if heights else None)
        if out and chars:
            out.append(("\n", None, number))
        out += [(c, g, number) for c, g in chars]
    return out
