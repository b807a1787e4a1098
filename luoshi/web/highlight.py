"""A document's text cut into runs, each either plain or inside a highlighted record span.

Spans may nest (an item's title inside its decision paragraph) or overlap; each character belongs to
the shortest span covering it, so the most specific record wins and the text is shown exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator


@dataclass(frozen=True)
class Mark:
    """A record to highlight: its `[start, end)` span, where it sits in the record, and the item it became."""

    start: int
    end: int
    path: str
    item_id: str | None = None
    label: str = ""
    active: bool = False


@dataclass
class Run:
    text: str
    mark: Mark | None = None
    first: bool = field(default=False)  # the run where `mark` begins: it carries the anchor


def record_spans(record: Any, path: str = "") -> Iterator[tuple[str, int, int]]:
    """Every `(path, start, end)` of an object with a `text` and a `span` in a document record."""
    if isinstance(record, dict):
        span = record.get("span")
        if isinstance(span, (list, tuple)) and len(span) == 2 and "text" in record:
            yield path, int(span[0]), int(span[1])
        for key, value in record.items():
            yield from record_spans(value, f"{path}.{key}" if path else key)
    elif isinstance(record, list):
        for i, value in enumerate(record):
            yield from record_spans(value, f"{path}[{i}]")


def runs(text: str, marks: list[Mark]) -> list[Run]:
    """`text` as consecutive runs; a character inside several marks goes to the shortest one."""
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in valid), *(m.end for m in valid)})
    out: list[Run] = []
    begun: set[Mark] = set()
    for a, b in zip(cuts, cuts[1:]):
        covering = [m for m in valid if m.start <= a and b <= m.end]
        mark = min(covering, key=lambda m: (m.end - m.start, not m.active), default=None)
        if out and out[-1].mark is mark and mark is not None:
            out[-1].text += text[a:b]
            continue
        first = mark is not None and mark not in begun
        if mark is not None:
            begun.add(mark)
        out.append(Run(text[a:b], mark, first))
    return out


def document_marks(record: Any, items: list[tuple[int, tuple[int, int] | None, str | None, str]]) -> list[Mark]:
    """A mark for every record of a document with a span; a record that became an item links to it.

    `items` are `(item id, span, record path, title)`; an item whose path is not in the record (made by
    hand, or from an older record) is marked by its span alone.
    """
    by_path = {path: (item_id, title) for item_id, _, path, title in items if path}
    marks = [Mark(a, b, path, *by_path.get(path, (None, path))) for path, a, b in record_spans(record)]
    linked = {m.item_id for m in marks if m.item_id}
    return marks + [Mark(span[0], span[1], path or "", item_id, title)
                    for item_id, span, path, title in items if span and item_id not in linked]


def scan_pages(ocr: Any, marks: list[Mark], record: Any) -> list[dict[str, Any]]:
    """The pages read by OCR with each mark's boxes over them, in the page's SVG units (1000 wide).

    `ocr` is a `luoshi.text.ocr.OcrMap`; a mark whose record was flagged 请核对原件 says so.
    """
    from luoshi.text.ocr_layout import LOW_CONFIDENCE

    doubtful = {path for path, node in _nodes(record) if node.get("check_original")}
    pages = []
    for p in ocr.pages:
        height = round(1000 * p.height / p.width)
        pages.append({"number": p.number, "height": height, "boxes": [], "doubts": []})
    by_number = {p["number"]: p for p in pages}
    for _, number, (x0, y0, x1, y1), conf in ocr.chars:  # each character read with low confidence, underlined
        page = by_number.get(number)
        if conf < LOW_CONFIDENCE and page is not None:
            scale = page["height"] / 1000
            page["doubts"].append({"x": x0, "y": round(y1 * scale), "w": max(x1 - x0, 1)})
    for mark in sorted(marks, key=lambda m: m.end - m.start, reverse=True):  # the shortest drawn last, on top
        for number, boxes in ocr.boxes(mark.start, mark.end).items():
            page = by_number.get(number)
            if page is None:
                continue
            scale = page["height"] / 1000
            for x0, y0, x1, y1 in boxes:
                page["boxes"].append({"x": x0, "y": round(y0 * scale), "w": max(x1 - x0, 1),
                                      "h": max(round((y1 - y0) * scale), 1), "item_id": mark.item_id,
                                      "label": mark.label, "doubtful": mark.path in doubtful})
    return pages


def _nodes(record: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(record, dict):
        yield path, record
        for key, value in record.items():
            yield from _nodes(value, f"{path}.{key}" if path else key)
    elif isinstance(record, list):
        for i, value in enumerate(record):
            yield from _nodes(value, f"{path}[{i}]")
