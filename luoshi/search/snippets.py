"""Matches shown in context: a short window of the text around the densest matches, HTML-escaped,
with `<mark>` around every match of the query as the user typed it.
"""

from __future__ import annotations

import html
import re

from luoshi.search.tokens import is_cjk, normalise_char
from luoshi.text.layout import unspace

SNIPPET_CHARS = 120
CONTEXT_BEFORE = 20
SENTENCE_ENDS = "。！？；\n"
_SPACE = re.compile(r"\s+")


def _normalised(text: str) -> tuple[str, list[int]]:
    """`text` normalised as the tokenizer sees it, and for each of its characters the original index."""
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for out in normalise_char(char):
            chars.append(out)
            origin.append(i)
    return "".join(chars), origin


def _is_word_char(char: str) -> bool:
    return char.isalnum() and not is_cjk(char)


def find_matches(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """The `[start, end)` spans in `text` (as written) of `terms` (normalised, longest first), without
    overlaps; a Latin word or number matches only whole (`5g` not inside `15g`)."""
    norm, origin = _normalised(text)
    taken: list[tuple[int, int]] = []
    for term in terms:
        word = not is_cjk(term[0])
        start = norm.find(term)
        while start != -1:
            end = start + len(term)
            whole = not word or ((start == 0 or not _is_word_char(norm[start - 1]))
                                 and (end == len(norm) or not _is_word_char(norm[end])))
            if whole and all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
            start = norm.find(term, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted((origin[s], origin[e - 1] + 1) for s, e in taken):
        if merged and start <= merged[-1][1]:  # touching matches are one mark: 香<mark>港港</mark>口
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(length: int, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The `width` characters that hold the most matches, starting a little before the first of them."""
    if not spans or length <= width:
        return 0, min(length, width)
    best, best_count = 0, -1
    for start, _ in spans:
        begin = max(0, start - CONTEXT_BEFORE)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + width)
        if count > best_count:
            best, best_count = begin, count
    begin = max(0, min(best, length - width))
    return begin, begin + width


def _sentence_start(text: str, begin: int, first_match: int) -> int:
    """`begin` moved up to the start of the sentence of the first match, when it starts in the window."""
    cut = max(text.rfind(mark, begin, first_match) for mark in SENTENCE_ENDS)
    return cut + 1 if cut >= 0 else begin


def _render(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    at = 0
    for start, end in spans:
        out.append(html.escape(_SPACE.sub(" ", text[at:start])))
        out.append(f"<mark>{html.escape(_SPACE.sub(' ', text[start:end]))}</mark>")
        at = end
    out.append(html.escape(_SPACE.sub(" ", text[at:])))
    return "".join(out)


def highlight(text: str, terms: list[str], width: int | None = SNIPPET_CHARS) -> str:
    """`text` (or, with `width`, the window of it with the most matches) as HTML with matches marked;
    '…' where the window cuts the text. Letter-spaced text (`会 议 要 求`) is shown closed up."""
    text = unspace(text.strip())
    spans = find_matches(text, terms)
    if width is None:
        return _render(text, spans)
    begin, end = _window(len(text), spans, width)
    first = next((s for s, _ in spans if s >= begin), None)
    if begin > 0 and first is not None:
        begin = _sentence_start(text, begin, first)
        end = min(len(text), begin + width)
    inside = [(max(s, begin) - begin, min(e, end) - begin) for s, e in spans if s < end and e > begin]
    html_text = _render(text[begin:end], inside)
    return ("…" if begin > 0 else "") + html_text + ("…" if end < len(text) else "")
