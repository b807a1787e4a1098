"""Reading a Word .docx into source text: paragraphs and tables in reading order, numbering kept.

Word's automatic numbering (一、 （一） 1.) is not in the paragraph's text but in numbering.xml; it is
rendered here as Word displays it, since the extraction reads item numbers from the text. A table
row becomes one line whose cells are set apart by a wide gap, as a column layout is in a TXT file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from luoshi.errors import ReadError

CELL_GAP = "    "  # between the cells of a row: wide enough to read as columns, not as a word space
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_CN_DIGITS = "〇一二三四五六七八九"


def chinese_counting(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 105 → 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _CN_DIGITS[tens] + "十" + (_CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _CN_DIGITS[hundreds] + "百"
    if rest < 10:
        return _CN_DIGITS[hundreds] + "百零" + _CN_DIGITS[rest]
    return _CN_DIGITS[hundreds] + "百" + (("一" + chinese_counting(rest)) if rest < 20 else chinese_counting(rest))


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(ord("A") + r) + out
    return out


def _roman(n: int) -> str:
    out = ""
    for value, mark in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += mark
            n -= value
    return out


def format_number(n: int, fmt: str) -> str:
    """A counter value in one of Word's number formats (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "ideographTraditional", "taiwaneseCounting", "japaneseCounting"):
        return chinese_counting(n)
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """numbering.xml: the levels of each list (numId), and the counters as the document goes."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)  # numId → ilvl → Level
    abstract_of: dict[str, str] = field(default_factory=dict)  # numId → abstractNumId
    counters: dict[str, dict[int, int]] = field(default_factory=dict)  # abstractNumId → ilvl → value

    @classmethod
    def from_part(cls, element) -> "Numbering":
        numbering = cls()
        if element is None:
            return numbering
        abstract: dict[str, dict[int, Level]] = {}
        for an in element.iter(f"{W}abstractNum"):
            abstract[an.get(f"{W}abstractNumId")] = {int(lvl.get(f"{W}ilvl", "0")): _level(lvl)
                                                      for lvl in an.iter(f"{W}lvl")}
        for num in element.iter(f"{W}num"):
            num_id = num.get(f"{W}numId")
            ref = num.find(f"{W}abstractNumId")
            abstract_id = ref.get(f"{W}val") if ref is not None else None
            levels = dict(abstract.get(abstract_id, {}))
            for override in num.iter(f"{W}lvlOverride"):
                ilvl = int(override.get(f"{W}ilvl", "0"))
                lvl = override.find(f"{W}lvl")
                start = override.find(f"{W}startOverride")
                base = _level(lvl) if lvl is not None else levels.get(ilvl, Level())
                if start is not None:
                    base = Level(base.fmt, base.text, int(start.get(f"{W}val", "1")))
                levels[ilvl] = base
            numbering.levels[num_id] = levels
            numbering.abstract_of[num_id] = abstract_id or num_id
        return numbering

    def label(self, num_id: str, ilvl: int) -> str:
        """The label Word shows for the next paragraph of list `num_id` at level `ilvl`."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or num_id == "0":
            return ""
        counters = self.counters.setdefault(self.abstract_of.get(num_id, num_id), {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a higher level restarts the levels below it
        text = levels[ilvl].text
        for k in range(ilvl + 1):
            lvl = levels.get(k, Level())
            text = text.replace(f"%{k + 1}", format_number(counters.get(k, lvl.start), lvl.fmt))
        return text


def _level(lvl) -> Level:
    def val(tag: str, default: str) -> str:
        el = lvl.find(f"{W}{tag}")
        return el.get(f"{W}val", default) if el is not None else default

    return Level(val("numFmt", "decimal"), val("lvlText", ""), int(val("start", "1")))


def _style_numbering(document) -> dict[str, tuple[str, int]]:
    """styleId → (numId, ilvl) for paragraph styles that number their paragraphs (following basedOn)."""
    own: dict[str, tuple[str | None, int | None]] = {}
    based: dict[str, str] = {}
    styles = document.styles.element
    for st in styles.iter(f"{W}style"):
        sid = st.get(f"{W}styleId")
        num_pr = st.find(f"{W}pPr/{W}numPr")
        if num_pr is not None:
            num_id = num_pr.find(f"{W}numId")
            ilvl = num_pr.find(f"{W}ilvl")
            own[sid] = (num_id.get(f"{W}val") if num_id is not None else None,
                        int(ilvl.get(f"{W}val", "0")) if ilvl is not None else None)
        parent = st.find(f"{W}basedOn")
        if parent is not None:
            based[sid] = parent.get(f"{W}val")
    out: dict[str, tuple[str, int]] = {}
    for sid in set(own) | set(based):
        seen, cur, num_id, ilvl = set(), sid, None, None
        while cur and cur not in seen:
            seen.add(cur)
            n, i = own.get(cur, (None, None))
            num_id = num_id if num_id is not None else n
            ilvl = ilvl if ilvl is not None else i
            cur = based.get(cur)
        if num_id:
            out[sid] = (num_id, ilvl or 0)
    return out


def _paragraph_text(p) -> str:
    """The text of a w:p: its runs (also inside hyperlinks and fields), tabs and line breaks."""
    out = []
    for el in p.iter():
        tag = el.tag
        if tag == f"{W}t":
            out.append(el.text or "")
        elif tag == f"{W}tab":
            out.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif tag == f"{W}delText":
            continue
    return "".join(out)


class _Reader:
    def __init__(self, document):
        part = document.part
        try:
            numbering_el = part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering_el = None
        self.numbering = Numbering.from_part(numbering_el)
        self.style_numbering = _style_numbering(document)
        self.lines: list[str] = []

    def paragraph(self, p) -> str:
        p_pr = p.find(f"{W}pPr")
        num_id, ilvl = None, 0
        if p_pr is not None:
            style = p_pr.find(f"{W}pStyle")
            if style is not None:
                num_id, ilvl = self.style_numbering.get(style.get(f"{W}val"), (None, 0))
            num_pr = p_pr.find(f"{W}numPr")
            if num_pr is not None:
                n = num_pr.find(f"{W}numId")
                i = num_pr.find(f"{W}ilvl")
                num_id = n.get(f"{W}val") if n is not None else num_id
                ilvl = int(i.get(f"{W}val", "0")) if i is not None else ilvl
        text = _paragraph_text(p)
        label = self.numbering.label(num_id, ilvl) if num_id and text.strip() else ""
        return label + text

    def table(self, tbl) -> None:
        for tr in tbl.iter(f"{W}tr"):
            if tr.getparent() is not tbl:
                continue  # rows of nested tables are read as their cell's text
            cells = []
            for tc in tr.findall(f"{W}tc"):
                v_merge = tc.find(f"{W}tcPr/{W}vMerge")
                if v_merge is not None and v_merge.get(f"{W}val") != "restart":
                    continue  # a vertically merged cell repeats the one above: read it once
                text = " ".join(self.paragraph(p).strip() for p in tc.iter(f"{W}p")).strip()
                if text:
                    cells.append(text)
            if cells:
                self.lines.append(CELL_GAP.join(cells))

    def block(self, el) -> None:
        tag = el.tag
        if tag == f"{W}p":
            self.lines.append(self.paragraph(el))
        elif tag == f"{W}tbl":
            self.table(el)
        elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            for child in el:
                self.block(child)


def docx_text(path: str) -> str:
    """The text of a .docx: one line per paragraph or table row, in the order of the body."""
    import docx

    document = docx.Document(path)
    reader = _Reader(document)
    for el in document.element.body:
        reader.block(el)
    return "\n".join(reader.lines)


def read_docx(path: str):
    from luoshi.text.readers import Source

    from luoshi.text.limits import check_zip

    if not zipfile.is_zipfile(path):
        raise ReadError(path, "文件已损坏或不是 Word .docx 文件（不是 ZIP 包）：请用 Word 打开后另存为 .docx 再读取")
    check_zip(path)
    try:
        text = docx_text(path)
    except ReadError:
        raise
    except Exception:  # python-docx and lxml raise many kinds on a damaged package
        raise ReadError(path, "文件已损坏，无法作为 Word .docx 读取：请用 Word 打开修复后另存为 .docx 再读取") from None
    return Source(path, text, "docx")
