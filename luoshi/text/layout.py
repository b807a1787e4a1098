"""Layout normalisation that keeps a map back to the source.

Real documents come with a space between every character (`太 仓 市`), lines broken mid-word by
the page width, `[bookmark: _GoBack]` and `**bold**` left over from conversions. `normalise` turns
the source text into a clean text (no layout whitespace, one `\n` between paragraphs) and keeps,
for every clean character, its offset in the source, so any match in the clean text can be given
back as a span of the source.
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

# Conversion leftovers that are not text of the document.
ARTIFACTS = re.compile(r"\[bookmark:[^\]\n]*\]|\*[ \t\u3000]*\*|__(?=\S)|(?<=\S)__")
WHITESPACE = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u200b\u3000\ufeff\r\f\v]+")

# The first-line indent of a typeset paragraph (`　　会议原则同意…`): two full-width spaces (also when
# letter-spacing put a space between them) or four spaces.
INDENT = re.compile(r"^ {4}")
# How many lines must open with an indent before the indent is taken to mark paragraphs.
INDENTED_LINES = 3

# A short line of the head that ends with a date after text without punctuation (the issuing office
# and the issue date) ends its paragraph; so does any such line before one opening with a date.
_YMD = r"(?:(?:19|20)[0-9]{2}|[一二][〇○零一二三四五六七八九]{3})年[0-9一二三四五六七八九十]{1,2}月[0-9一二三四五六七八九十]{1,3}日"
HEAD_LINE = 40  # at most this many characters: an office and a date, not prose that ends with a date
HEAD_DATE = re.compile(rf"^[^，。；、,;]*{_YMD}$")
OPENS_WITH_DATE = re.compile(rf"^(?:{_YMD}|[0-9一二三四五六七八九十]{{1,2}}月[0-9一二三四五六七八九十]{{1,3}}日)")

# A line ending in one of these closes its paragraph.
TERMINAL = set("。！？；：!?;:")
CLOSERS = set("”’」』）)】")

# A line starting like this opens a new paragraph (公文 numbering and labelled blocks).
MARKER = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]"
    r"|[（(][一二三四五六七八九十]+[）)]"
    r"|\d{1,3}[.．、](?!\d)"
    r"|[（(]\d{1,3}[）)]"
    r"|[①-⑳]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分]"
    r"|(?:出席|列席|请假|缺席|主送|抄送|抄报|发送|附件|记录|整理|印发)[:：]"
    r"|[一二三四五六七八九十]是"
    r"|——"
    r"|附件"
    r")"
)


# Letter-spacing: wide characters (Chinese, full-width punctuation) set apart one by one on a line
# (`会 议 要 求`), as headings or whole texts come out of some layouts. A space goes when a character
# beside it stands alone between spaces (`一、会 议 要 求：` → `一、会议要求：`), and a line of such
# characters closes up (`通 知`); words of two or more characters (`张三 李四`) keep their spaces.
_WIDE = r"[^\x00-\u2e7f\s]"
_GAP = r"[ \t\u00a0\u3000]"
_SPACED_GAP = re.compile(rf"(?<={_WIDE}){_GAP}(?={_WIDE}{_GAP}{_WIDE})|(?<={_WIDE}{_GAP}{_WIDE}){_GAP}(?={_WIDE})")
_SPACED_RUN = re.compile(rf"(?<!\S){_WIDE}(?:{_GAP}+{_WIDE}(?!\S))+")


def unspace(text: str) -> str:
    """`text` with its letter-spaced runs closed up (`会 议 要 求` → `会议要求`), everything else as it is."""
    text = _SPACED_GAP.sub("", text)
    return _SPACED_RUN.sub(lambda m: re.sub(_GAP, "", m.group()), text)


def char_width(ch: str) -> int:
    """Display width: CJK and full-width forms take two columns, ASCII one."""
    return 1 if ord(ch) < 0x1100 else 2


@dataclass(frozen=True)
class Layout:
    """The clean text of a source and the map of each clean character to its source offset."""

    source: str
    text: str
    offsets: array  # offsets[i] is the source index of text[i]; one sentinel entry at the end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source span [start, end) covering clean text[start:end]."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.text) else len(self.source)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def clean_index(self, source_offset: int) -> int:
        """The first clean index whose source offset is at or after `source_offset`."""
        lo, hi = 0, len(self.text)
        offs = self.offsets
        while lo < hi:
            mid = (lo + hi) // 2
            if offs[mid] < source_offset:
                lo = mid + 1
            else:
                hi = mid
        return lo


@dataclass(frozen=True)
class _Line:
    chars: str  # content without layout whitespace or artifacts
    offs: list[int]  # source offset of each char
    newline: int  # source offset of the line's end (its newline, or len(source))
    indented: bool = False  # opens with a paragraph indent (two full-width spaces or four spaces)

    @property
    def width(self) -> int:
        return sum(char_width(c) for c in self.chars)


def _indented(lead: str) -> bool:
    return lead.count("\u3000") >= 2 or bool(INDENT.match(lead))


def _lines(source: str) -> list[_Line]:
    # Positions covered by artifacts are skipped like whitespace.
    skip = bytearray(len(source))
    for m in ARTIFACTS.finditer(source):
        skip[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    for m in WHITESPACE.finditer(source):
        skip[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    lines: list[_Line] = []
    start = 0
    n = len(source)
    while start <= n:
        end = source.find("\n", start)
        if end < 0:
            end = n
        offs = [i for i in range(start, end) if not skip[i]]
        lead = source[start:offs[0]] if offs else ""
        lines.append(_Line("".join(source[i] for i in offs), offs, end, _indented(lead)))
        start = end + 1
    return lines


def wrap_width(lines: list[_Line]) -> int | None:
    """The page width a document's lines were wrapped at, or None when lines are paragraphs."""
    widths = sorted(line.width for line in lines if line.chars)
    if len(widths) < 8:
        return None
    top = widths[int(len(widths) * 0.9)]
    if top > 130 or top < 20:
        return None
    full = sum(1 for w in widths if w >= top * 0.85)
    return top if full >= len(widths) * 0.35 else None


def _ends_paragraph(chars: str) -> bool:
    tail = chars.rstrip("".join(CLOSERS))
    if not tail:
        return True
    return tail[-1] in TERMINAL or (tail != chars and tail[-1] in "。！？")


# A line that starts with a word fragment and a comma cannot open a paragraph (`神，并就…`).
ENDS_WITH_DATE = re.compile(r"(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}:\d{2}(?::\d{2})?|[日号])$")
FRAGMENT = re.compile(r"^[^，。、；：,.;:]{1,2}[，、；,;]")


def _is_heading(chars: str) -> bool:
    return bool(MARKER.match(chars)) and not any(p in chars for p in "，。；,;")


def _continues(prev: _Line, nxt: _Line, width: int | None, indents: bool = False,
               blank_before: bool = False, blank_breaks: bool = False) -> bool:
    """Whether `nxt` continues the paragraph `prev` was broken out of by the layout."""
    if not prev.chars or not nxt.chars or _ends_paragraph(prev.chars) or MARKER.match(nxt.chars):
        return False
    if blank_breaks and blank_before:
        return False  # lines that are paragraphs, set apart by blank lines only here and there
    if indents and nxt.indented:
        return False  # a typeset document indents the first line of each paragraph
    if HEAD_DATE.search(prev.chars) and (len(prev.chars) <= HEAD_LINE or OPENS_WITH_DATE.match(nxt.chars)):
        return False  # `…办公室　二〇二四年三月十五日` in the head: the title or the first paragraph follows
    if ENDS_WITH_DATE.search(prev.chars) and nxt.chars[0].isdigit():
        return False  # `公开日期 2018-01-31` then `1月23日，…`: joined they would read as one number
    if FRAGMENT.match(nxt.chars) or prev.chars.count("《") > prev.chars.count("》"):
        return True
    if width is not None:
        return prev.width >= width * 0.8
    # Lines that are paragraphs: a long line cut mid-sentence is joined, a heading is not.
    return prev.width >= 40 and not _is_heading(prev.chars)


def _blank_after(lines: list[_Line]) -> float:
    """The share of text lines followed by a blank line."""
    text_lines = [i for i, line in enumerate(lines) if line.chars]
    if not text_lines:
        return 0.0
    followed = sum(1 for i in text_lines if i + 1 < len(lines) and not lines[i + 1].chars)
    return followed / len(text_lines)


def normalise(source: str) -> Layout:
    """Clean `source`: drop layout whitespace and artifacts, join wrapped lines, keep the offsets."""
    lines = _lines(source)
    width = wrap_width(lines)
    # Indents mark paragraphs only in a document where some lines have one and others not (when
    # every line is indented, the indent tells nothing).
    indented = sum(1 for line in lines if line.indented and line.chars)
    indents = INDENTED_LINES <= indented < 0.9 * sum(1 for line in lines if line.chars)
    # A blank line ends a paragraph where the lines are paragraphs and most are not followed by one
    # (a PDF's text often has a blank line after every line: there blank lines tell nothing).
    blank_breaks = width is None and _blank_after(lines) < 0.5
    out: list[str] = []
    offsets = array("l")
    prev: _Line | None = None
    blank_before = False
    for line in lines:
        if not line.chars:
            blank_before = True
            continue
        if prev is not None and not _continues(prev, line, width, indents, blank_before, blank_breaks):
            out.append("\n")
            offsets.append(prev.newline)
        out.append(line.chars)
        offsets.extend(line.offs)
        prev = line
        blank_before = False
    offsets.append(len(source))
    return Layout(source, "".join(out), offsets)
