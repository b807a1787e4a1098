"""The extraction of one large document has a time and a memory budget: it runs in a child process that
is stopped when it runs out, with a Chinese message naming the file, and the ingest goes on."""

from __future__ import annotations

import pytest

from luoshi.bounded import extract_bounded
from luoshi.errors import ExtractionError
from luoshi.extract import extract

# A long work report: every paragraph a target list, so extraction has real work on every line.
PARAGRAPH = "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%左右，固定资产投资增长8%以上。\n"
LARGE = "2025年政府工作报告\n各位代表：\n" + PARAGRAPH * 4000


def test_a_small_document_is_extracted_in_the_process_itself():
    text = "2025年政府工作报告\n各位代表：\n" + PARAGRAPH
    assert extract_bounded(text, "a.txt", None, seconds=0.001, megabytes=16, above_chars=10_000) == extract(text, "a.txt")


def test_a_large_document_within_its_budget_gives_the_same_record():
    text = "2025年政府工作报告\n各位代表：\n" + PARAGRAPH * 50
    assert extract_bounded(text, "b.txt", None, seconds=60, megabytes=1024, above_chars=100) == extract(text, "b.txt")


def test_a_document_that_runs_out_of_time_is_stopped_and_named():
    with pytest.raises(ExtractionError) as caught:
        extract_bounded(LARGE, "慢.txt", None, seconds=0.05, megabytes=1024, above_chars=100)
    assert str(caught.value).startswith("慢.txt: 抽取超过 0.05 秒的时间预算，已停止：请把文件拆分")


def test_a_document_that_runs_out_of_memory_is_stopped_and_named():
    with pytest.raises(ExtractionError) as caught:
        extract_bounded(LARGE, "大.txt", None, seconds=60, megabytes=4, above_chars=100)
    assert str(caught.value).startswith("大.txt: 抽取超过 4 MB 的内存预算，已停止")


def test_the_ingest_reports_a_runaway_document_and_stores_the_others(session, settings, tmp_path):
    from luoshi.ingest import ingest_paths

    (tmp_path / "a大.txt").write_text(LARGE, encoding="utf-8")
    (tmp_path / "b小.txt").write_text("2025年政府工作报告\n各位代表：\n" + PARAGRAPH, encoding="utf-8")
    bounded = settings.model_copy(update={"extract_seconds": 0.05, "extract_bounded_chars": 10_000})
    report = ingest_paths(session, [tmp_path], settings=bounded)
    assert [(f.path.rsplit("/", 1)[-1], f.status) for f in report.files] == [("a大.txt", "error"), ("b小.txt", "inserted")]
    assert "时间预算" in report.files[0].error
