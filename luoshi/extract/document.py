"""The document as it goes through the extraction pipeline.

A `Document` holds the source, its clean layout and the record being built. Stages read the clean
text and write record fields; `ground` turns a clean-text range into the `{text, span}` pair every
record carries, so that a record always points back at the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from luoshi.text.layout import Layout, normalise

FORMAT = 1
SPACE = re.compile(r"\s+")


def squash(s: str | None) -> str:
    """`s` without any whitespace: how record strings compare with the source."""
    return SPACE.sub("", s or "")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the clean text: `text` is `doc.text[start:end]`."""

    start: int
    end: int
    text: str


@dataclass
class Document:
    """A source under extraction: its clean layout, the record so far, and facts shared by stages."""

    name: str
    layout: Layout
    record: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_text(cls, source: str, name: str = "") -> "Document":
        return cls(name=name, layout=normalise(source))

    @property
    def source(self) -> str:
        return self.layout.source

    @property
    def text(self) -> str:
        return self.layout.text

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        out, start, text = [], 0, self.layout.text
        for line in text.split("\n"):
            end = start + len(line)
            if line:
                out.append(Paragraph(start, end, line))
            start = end + 1
        return out

    def paragraphs_between(self, start: int, end: int) -> Iterator[Paragraph]:
        for p in self.paragraphs:
            if p.end > start and p.start < end:
                yield p

    def span(self, start: int, end: int) -> list[int]:
        s, e = self.layout.span(start, end)
        return [s, e]

    def ground(self, start: int, end: int) -> dict[str, Any]:
        """`{text, span}` for clean text[start:end]: the text as written, its span in the source."""
        s, e = self.layout.span(start, end)
        return {"text": squash(self.layout.source[s:e]), "span": [s, e]}

    def grounded_text(self, start: int, end: int) -> str:
        return self.ground(start, end)["text"]
