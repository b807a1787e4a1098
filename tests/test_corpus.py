"""Every report of the shared corpus (State Council 1954–2025, the provinces' 2026 reports) extracts.

Each file is a work report and extracts without error with valid spans; modern reports yield their
targets, commitments and results, and consecutive years line up (promise versus delivery).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from conftest import SHARED, needs_shared
from luoshi.extract import extract
from luoshi.extract.document import squash

REPORTS = SHARED / "corpus" / "reports"
FILES = sorted(REPORTS.glob("*/*.txt")) if REPORTS.is_dir() else []

pytestmark = [pytest.mark.slow, needs_shared]


@cache
def record(path: Path) -> tuple[str, dict]:
    text = path.read_text(encoding="utf-8")
    return text, extract(text, path.name)


def bad_spans(node, source: str) -> list:
    if isinstance(node, dict):
        out = []
        if isinstance(node.get("text"), str):
            s, e = node["span"]
            if not (0 <= s < e <= len(source) and squash(source[s:e]) == node["text"]):
                out.append(node["text"])
        return out + [x for v in node.values() for x in bad_spans(v, source)]
    if isinstance(node, list):
        return [x for v in node for x in bad_spans(v, source)]
    return []


def test_the_corpus_is_there():
    assert len(FILES) == 103


def test_every_report_is_a_work_report_and_every_resolution_is_not_with_valid_spans():
    problems = {}
    for path in FILES:
        source, r = record(path)
        # The congress's 决议 on a report approves it: another document, not the report.
        expected = "other" if path.stem.endswith("决议") else "work_report"
        if r["doc_type"] != expected or bad_spans(r, source):
            problems[path.name] = (r["doc_type"], bad_spans(r, source)[:3])
    assert problems == {}


def modern(path: Path) -> bool:
    return path.name[:4].isdigit() and int(path.name[:4]) >= 2005


def test_modern_reports_yield_targets_commitments_and_results():
    empty = {}
    for path in filter(modern, FILES):
        r = record(path)[1]
        counts = (len(r["targets"]), len(r["commitments"]), len(r["achievements"]))
        if min(counts) == 0 or r["plan_year"] is None or r["review_year"] != r["plan_year"] - 1:
            empty[path.name] = (counts, r["review_year"], r["plan_year"])
    assert empty == {}


def test_every_province_states_its_2026_targets():
    provinces = [p for p in FILES if p.parent.name == "provincial_2026"]
    assert len(provinces) == 31
    plans = {p.name.split("_")[1]: record(p)[1] for p in provinces}
    assert {name: (r["plan_year"], r["review_year"]) for name, r in plans.items()} == \
        {name: (2026, 2025) for name in plans}
    # the first target is the growth of the economy: 地区生产总值增长5%左右, 经济增长5.5%左右, 4.5%—5%
    first = {name: r["targets"][0] for name, r in plans.items()}
    assert {name: (t["unit"] in ("%", "％"), 4 <= t["value"] <= 8) for name, t in first.items()} == \
        {name: (True, True) for name in first}
    assert sum("value_max" in t for t in first.values()) == 7


def test_promises_of_one_year_meet_the_results_stated_the_next():
    by_year = {int(p.name[:4]): record(p)[1] for p in FILES if p.parent.name == "state_council" and modern(p)}
    pairs = 0
    for year, r in by_year.items():
        nxt = by_year.get(year + 1)
        if not nxt:
            continue
        promised = {t["indicator"] for t in r["targets"] if t["value"] is not None}
        delivered = {a["indicator"] for a in nxt["achievements"] if a["year"] == year}
        pairs += bool(promised & delivered)
    assert pairs >= 12
