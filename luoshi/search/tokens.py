"""The one tokenizer of the search index: Chinese runs as overlapping bigrams plus unigrams, Latin
words and numbers whole (`PM2.5`, `5G`); the index and the query are cut by the same code.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from luoshi.text.layout import unspace

# Tokens reach the databases as space-separated text: FTS5's unicode61 (with '.' as a token character)
# and PostgreSQL's `simple` configuration then split it exactly where we did.
MAX_QUERY_CHARS = 200  # a longer query is cut here: nobody types more, and FTS stays fast
MAX_QUERY_TERMS = 32


def is_cjk(char: str) -> bool:
    """A character written without spaces between words: Han, kana, Hangul, CJK compatibility."""
    code = ord(char)
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3134F or 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF
            or code == 0x3007)  # 〇 as in 二〇二四


@lru_cache(maxsize=65536)  # a text repeats few distinct characters; NFKC per call is the cost
def normalise_char(char: str) -> str:
    """Full-width forms to ASCII, compatibility forms unfolded, lower case: one character at a time,
    so the snippet code can map a match back to the text as written."""
    return unicodedata.normalize("NFKC", char).casefold()


@dataclass(frozen=True)
class Run:
    """A stretch of text of one script: `cjk` (no spaces between words) or a Latin word or number."""

    text: str
    cjk: bool


def runs(text: str) -> list[Run]:
    """The CJK runs and words of `text` after normalisation, in order; everything else separates."""
    found: list[Run] = []
    current: list[str] = []
    current_cjk = False
    normalised = "".join([normalise_char(c) for c in text])
    kinds = _KINDS
    for i, char in enumerate(normalised):
        kind = kinds.get(char, _UNSEEN)
        if kind is _UNSEEN:
            kind = kinds[char] = True if is_cjk(char) else False if char.isalnum() else None
        if (kind is None and char == "." and not current_cjk and current and current[-1].isdigit()
                and i + 1 < len(normalised) and normalised[i + 1].isdigit()):
            kind = False  # the decimal point of 2.5, PM2.5
        if current and kind != current_cjk:
            found.append(Run("".join(current), current_cjk))
            current = []
        if kind is not None:
            current.append(char)
            current_cjk = kind
    if current:
        found.append(Run("".join(current), current_cjk))
    return found


# Each character's kind once: True (CJK), False (a letter or digit), None (a separator). A text repeats few
# distinct characters, and this loop runs over every character indexed.
_KINDS: dict[str, bool | None] = {}
_UNSEEN = object()


def index_tokens(text: str) -> str:
    """`text` as the space-separated tokens the index stores: for a CJK run each character and each
    pair of neighbours (`港口` → `港 港口 口`), a word as itself; letter-spaced text (`会 议`) as closed up."""
    out: list[str] = []
    for run in runs(unspace(text)):
        if not run.cjk:
            out.append(run.text)
            continue
        chars = run.text
        for i, char in enumerate(chars):
            out.append(char)
            if i + 1 < len(chars):
                out.append(chars[i:i + 2])
    return " ".join(out)


def query_terms(query: str) -> list[str]:
    """The tokens every hit must contain: a one-character CJK run as itself, a longer one as its
    bigrams, a word as itself; duplicates dropped, order kept. Operators and punctuation are only text."""
    terms: list[str] = []
    for run in runs(query[:MAX_QUERY_CHARS]):
        if not run.cjk or len(run.text) == 1:
            candidates = [run.text]
        else:
            candidates = [run.text[i:i + 2] for i in range(len(run.text) - 1)]
        for term in candidates:
            if term not in terms:
                terms.append(term)
    return terms[:MAX_QUERY_TERMS]


def highlight_terms(query: str) -> list[str]:
    """What to mark in a snippet: each run of the query whole, then its bigrams (an AND of bigrams may
    match a text where the whole run never occurs); longest first so the widest match wins."""
    wanted: list[str] = []
    for run in runs(query[:MAX_QUERY_CHARS]):
        wanted.append(run.text)
        if run.cjk:
            wanted.extend(run.text[i:i + 2] for i in range(len(run.text) - 1))
    return sorted(dict.fromkeys(wanted), key=len, reverse=True)
