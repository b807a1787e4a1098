"""The outline of a 公文: its blocks (paragraphs, and the pieces of a line that runs several together),
the numbering schemes it uses and their nesting.

公文 number their parts 一、 > （一） > 1. > （1） > ①, and inside a paragraph 一是/二是, 一要/二要, 第一，第二，
首先/其次. A document uses some of these, not always in the textbook order, so the schemes are read from the
document itself: the first scheme that numbers a block 1 and goes on 2, 3 … is the top level. Web pages
often lose line breaks, so a paragraph is also cut where a sentence starts a new numbered part or what the
genre says opens a part of its own (minutes: a new `会议听取/审议…` decision).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.extract.numerals import cn_to_int

_CN = "一二三四五六七八九十"
# Block numbering schemes, in the textbook order of 公文 levels.
SCHEMES: dict[str, re.Pattern] = {
    "cn": re.compile(rf"(?P<n>[{_CN}]{{1,3}})[、.．](?!\d)"),
    "paren_cn": re.compile(rf"[（(](?P<n>[{_CN}]{{1,3}})[）)]"),
    "arabic": re.compile(r"(?P<n>[0-9０-９]{1,2})[.．、](?![0-9０-９])"),
    "paren_arabic": re.compile(r"[（(](?P<n>[0-9０-９]{1,2})[）)]"),
    "circled": re.compile(r"(?P<n>[①-⑳])"),
    "ordinal": re.compile(rf"第(?P<n>[{_CN}]{{1,3}})[，,、:：]"),
}
# Numbering inside a paragraph: enumerations of points, never decisions of their own.
INLINE_SCHEMES: dict[str, re.Pattern] = {
    "shi": re.compile(rf"(?P<n>[{_CN}]{{1,3}})是"),
    "yao": re.compile(rf"(?P<n>[{_CN}]{{1,3}})要"),
    "sequence": re.compile(r"(?P<n>首先|其次|再次|第三|最后)[，,]"),
}
SEQUENCE = {"首先": 1, "其次": 2, "再次": 3, "第三": 3, "最后": 9}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# `会议议定：一、…。二、…`: numbering that starts after a lead-in's colon on the same line
LEAD_COLON = "：:"
SENTENCE_END = "。！？|"  # `|`: a web page's separator between parts
SPACES = " \t\u3000\xa0"


@dataclass(frozen=True)
class Block:
    """A paragraph of the clean text, or one decision of a line that runs several together."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Marker:
    scheme: str
    n: int
    end: int  # where the numbering ends in the block's text


def number(scheme: str, raw: str) -> int:
    if scheme == "circled":
        return CIRCLED.index(raw) + 1
    if scheme == "sequence":
        return SEQUENCE[raw]
    return cn_to_int(raw) or 0


def marker(text: str, pos: int = 0) -> Marker | None:
    """The block numbering at text[pos:], if any (`一、`, `（二）`, `3.`, `④`, `第一，`)."""
    for name, rx in SCHEMES.items():
        m = rx.match(text, pos)
        if m:
            return Marker(name, number(name, m["n"]), m.end())
    return None


def inline_marker(text: str, pos: int = 0) -> Marker | None:
    """In-paragraph numbering at text[pos:] (`一是`, `二要`, `首先，`)."""
    for name, rx in INLINE_SCHEMES.items():
        m = rx.match(text, pos)
        if m:
            return Marker(name, number(name, m["n"]), m.end())
    return None


NOTHING = re.compile(r"(?!)")


def split_runs(text: str, start: int, end: int, starts: re.Pattern = NOTHING) -> list[tuple[int, int]]:
    """text[start:end] cut before every sentence (after 。！？ and any spaces) that `starts` matches (what
    opens a part of its own in the genre, e.g. minutes' `会议听取…`) or that opens with the next number of a
    block scheme: the pieces of a line that runs paragraphs together."""
    cuts = [start]
    i = start
    expected: dict[str, int] = {}
    first = marker(text, start)
    if first:
        expected[first.scheme] = first.n + 1
    for c in LEAD_COLON:
        k = text.find(c, start, end)
        m = marker(text, k + 1) if k >= 0 else None
        if m and m.n == 1 and m.scheme in ("cn", "paren_cn", "arabic") and m.scheme not in expected:
            cuts.append(k + 1)
            expected[m.scheme] = 2
            i = k + 1
            break
    while True:
        j = min((k for k in (text.find(c, i, end) for c in SENTENCE_END) if k >= 0), default=-1)
        if j < 0:
            break
        k = j + 1
        while k < end and text[k] in SPACES:
            k += 1
        if k >= end:
            break
        m = marker(text, k)
        if starts.match(text, k) or (m and expected.get(m.scheme) == m.n):
            cuts.append(k)
            if m:
                expected[m.scheme] = m.n + 1
        i = k
    return [(a, _trim_end(text, a, b)) for a, b in zip(cuts, cuts[1:] + [end])]


def _trim_end(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1] in SPACES:
        b -= 1
    return b


def blocks(text: str, paragraphs: list[tuple[int, int]], starts: re.Pattern = NOTHING) -> list[Block]:
    """The blocks of `paragraphs` ((start, end) in `text`): each paragraph, cut where a run-together line
    starts another decision or numbered part."""
    out = []
    for s, e in paragraphs:
        for a, b in split_runs(text, s, e, starts):
            a2 = a
            while a2 < b and text[a2] in SPACES:
                a2 += 1
            if b > a2:
                out.append(Block(a2, b, text[a2:b]))
    return out


def top_scheme(items: list[Block], allowed: tuple[str, ...] = tuple(SCHEMES)) -> str | None:
    """The scheme that numbers the top level of `items`: of the schemes that number a block 1 and a later
    block 2, the one whose 1 comes first; else the first scheme numbering a block 1."""
    seen_one: list[str] = []
    goes_on: set[str] = set()
    for b in items:
        m = marker(b.text)
        if m is None or m.scheme not in allowed:
            continue
        if m.n == 1 and m.scheme not in seen_one:
            seen_one.append(m.scheme)
        elif m.n == 2 and m.scheme in seen_one:
            goes_on.add(m.scheme)
    return next((s for s in seen_one if s in goes_on), seen_one[0] if seen_one else None)


def levels(items: list[Block]) -> list[str]:
    """The schemes of `items` in nesting order, outermost first, as the document uses them."""
    order: list[str] = []
    for b in items:
        m = marker(b.text)
        if m and m.scheme not in order:
            order.append(m.scheme)
    return order
