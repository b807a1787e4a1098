"""A document cut into runs for highlighting: the text is kept whole, nested spans go to the innermost
record, each mark's anchor is on its first run, and records become marks linked to their items."""

from __future__ import annotations

from luoshi.web.highlight import Mark, document_marks, record_spans, runs


def test_the_innermost_span_wins_and_the_text_is_kept_whole():
    text = "会议议定：县住建局要年底前完成改造。其他。"
    outer, inner = Mark(0, 18, "items[0]"), Mark(5, 17, "items[0].tasks[0]", item_id=7)
    cut = runs(text, [outer, inner])
    assert "".join(r.text for r in cut) == text
    assert [(r.text, r.mark.path if r.mark else None, r.first) for r in cut] == [
        ("会议议定：", "items[0]", True), ("县住建局要年底前完成改造", "items[0].tasks[0]", True),
        ("。", "items[0]", False), ("其他。", None, False)]


def test_spans_outside_the_text_are_ignored():
    assert [(r.text, r.mark) for r in runs("abc", [Mark(2, 9, "x"), Mark(3, 3, "y")])] == [("abc", None)]


def test_every_record_with_a_span_is_found_and_linked_to_its_item():
    record = {"meeting": {"date": "2024-05-16"},
              "items": [{"title": "一、审议方案", "tasks": [{"text": "县住建局要完成", "span": [10, 17]},
                                                     {"text": "县财政局要保障", "span": [18, 25]}]}],
              "attendees": [{"text": "出席：张三", "span": [30, 35]}]}
    assert list(record_spans(record)) == [("items[0].tasks[0]", 10, 17), ("items[0].tasks[1]", 18, 25),
                                          ("attendees[0]", 30, 35)]
    marks = document_marks(record, [(4, (10, 17), "items[0].tasks[0]", "县住建局要完成"), (9, (40, 44), None, "手工录入")])
    assert [(m.path, m.start, m.item_id) for m in marks] == [
        ("items[0].tasks[0]", 10, 4), ("items[0].tasks[1]", 18, None), ("attendees[0]", 30, None), ("", 40, 9)]
