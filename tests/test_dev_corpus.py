"""The development corpus: 36 real documents from 36 other places (../shared/corpus/dev), scored by the
shared scorer against gold written by hand before any engine saw them: overall and per genre."""

from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import SHARED
from luoshi.extract import extract
from luoshi.text.readers import read

DEV = SHARED / "corpus" / "dev"
DEV_GOLD = SHARED / "gold" / "dev"
GENRE_OF = {"cw": "meeting_minutes", "wr": "work_report", "cr": "congress_review", "dc": "other"}

needs_dev = pytest.mark.skipif(not DEV_GOLD.is_dir(), reason="../shared/gold/dev is absent")


def _scorer():
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _genre(stem: str) -> str:
    return next(g for key, g in GENRE_OF.items() if f"_{key}" in stem)


@pytest.fixture(scope="module")
def scored():
    """Tallies per genre and in all, as score.py adds them up."""
    score = _scorer()
    totals: dict[str, dict] = {}
    for gold_file in sorted(DEV_GOLD.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        path = DEV / gold["source"]
        source = path.read_text(encoding="utf-8")
        record = extract(read(str(path)).text, path.name)
        doc = {s: score.Tally() for s in score.SECTIONS}
        score.score_one(gold, record, source, doc)
        for key in ("all", _genre(path.stem)):
            tallies = totals.setdefault(key, {s: score.Tally() for s in score.SECTIONS})
            for s in score.SECTIONS:
                tallies[s].add(doc[s].tp, doc[s].fp, doc[s].fn)
    return score, totals


@needs_dev
def test_the_development_corpus_scores_at_least_0_90(scored):
    score, totals = scored
    assert score.overall(totals["all"]) >= 0.90
    assert totals["all"]["spans"].fn == 0, "every text must carry a valid span"


@needs_dev
def test_no_genre_scores_below_0_85(scored):
    score, totals = scored
    by_genre = {g: round(score.overall(t), 4) for g, t in totals.items() if g != "all"}
    assert set(by_genre) == set(GENRE_OF.values())
    assert {g: v for g, v in by_genre.items() if v < 0.85} == {}
