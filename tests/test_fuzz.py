"""Robustness: arbitrary text never breaks extraction, spans are always valid, and layout whitespace
inserted into real documents does not change what is extracted."""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, needs_shared
from luoshi.errors import ReadError
from luoshi.extract import extract
from luoshi.text.readers import read
from luoshi.extract.document import squash

# Characters that matter to the rules: 公文 punctuation, numerals, units and keywords.
ALPHABET = st.sampled_from(list("一二三四五六七八九十〇、（）()《》“”，。；：:.%0123456789年月日号第次会议纪要审议听取原则同意市县局委办要牵头负责"
                                "出席列席代表建议方面条增长以上左右亿元万人个座 \n\t　"))
SHAPED = st.text(ALPHABET, max_size=400)


def spans_ok(record, source: str) -> list[str]:
    problems = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                span = node.get("span")
                ok = (isinstance(span, list) and len(span) == 2 and 0 <= span[0] < span[1] <= len(source)
                      and squash(source[span[0]:span[1]]) == squash(node["text"]))
                if not ok:
                    problems.append(f"{node['text']!r} {span}")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(record)
    return problems


def without_spans(node):
    if isinstance(node, dict):
        return {k: without_spans(v) for k, v in node.items() if k != "span"}
    if isinstance(node, list):
        return [without_spans(v) for v in node]
    return node


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), SHAPED))
def test_arbitrary_text_extracts_with_valid_spans(text):
    record = extract(text, "fuzz.txt")
    assert record["format"] == 1
    assert spans_ok(record, text) == []


def insert_spaces(text: str, rng: random.Random, count: int) -> str:
    chars = list(text)
    for _ in range(count):
        i = rng.randrange(len(chars) + 1)
        chars.insert(i, rng.choice([" ", "  ", "\u3000", "\t"]))
    return "".join(chars)


SAMPLES = Path(__file__).resolve().parents[1] / "luoshi" / "samples"


COLUMN_ROW = re.compile(r"^.*\S {4,}\S.*$", re.M)


def insert_spaces_outside_columns(text: str, rng: random.Random, count: int) -> str:
    """Like insert_spaces, but not into rows of a list set in columns (`区商务局      郑  涛`), where
    the spacing is the layout that says which words go together."""
    rows = [(m.start(), m.end()) for m in COLUMN_ROW.finditer(text)]
    chars = list(text)
    # From the end backwards, so that each position still points into the original text.
    for i in sorted((rng.randrange(len(text) + 1) for _ in range(count)), reverse=True):
        if not any(a < i < b for a, b in rows):
            chars.insert(i, rng.choice([" ", "  ", "\u3000", "\t"]))
    return "".join(chars)


def check_inserted_spaces(paths, seed: int, insert=insert_spaces) -> None:
    rng = random.Random(seed)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        expected = without_spans(extract(text, path.name))
        for _ in range(3):
            noisy = insert(text, rng, len(text) // 50)
            record = extract(noisy, path.name)
            assert spans_ok(record, noisy) == [], path.name
            assert without_spans(record) == expected, path.name


@needs_shared
def test_inserted_spaces_do_not_change_seed_records():
    check_inserted_spaces(sorted(SEEDS.glob("*.txt")), 20261124)


def test_inserted_spaces_do_not_change_sample_records():
    check_inserted_spaces(sorted(SAMPLES.glob("*.txt")), 20261125, insert_spaces_outside_columns)


@needs_shared
@settings(max_examples=40, deadline=None)
@given(st.data())
def test_truncated_seeds_extract_with_valid_spans(data):
    paths = sorted(SEEDS.glob("*.txt"))
    text = paths[data.draw(st.integers(0, len(paths) - 1))].read_text(encoding="utf-8")
    cut = data.draw(st.integers(0, len(text)))
    record = extract(text[:cut], "cut.txt")
    assert spans_ok(record, text[:cut]) == []


def test_letter_spaced_samples_extract_as_written():
    """PDF text often has a space between every character (`县 发 改 局 要 …`), indents included."""
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spaced = "\n".join(line if COLUMN_ROW.fullmatch(line) else " ".join(line) for line in text.split("\n"))
        record = extract(spaced, path.name)
        assert spans_ok(record, spaced) == [], path.name
        assert without_spans(record) == without_spans(extract(text, path.name)), path.name


def test_truncated_sample_texts_extract_with_valid_spans():
    rng = random.Random(7)
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for cut in sorted(rng.randrange(len(text)) for _ in range(6)):
            record = extract(text[:cut], "cut.txt")
            assert spans_ok(record, text[:cut]) == [], (path.name, cut)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1), suffix=st.sampled_from([".docx", ".pdf"]))
def test_truncated_docx_and_pdf_are_read_or_refused_naming_the_file(tmp_path, cut, suffix):
    """A file cut anywhere is read (when what is left still holds the text) or refused with a
    ReadError naming it; no other exception gets out of the reader."""
    good = SAMPLES / "qingxi_county_minutes_13.docx" if suffix == ".docx" else _sample_pdf(tmp_path)
    data = good.read_bytes()
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(data[: int(len(data) * cut)])
    try:
        source = read(path)
    except ReadError as exc:
        assert str(exc).startswith(f"{path}: ")
    else:
        assert source.text.strip()


def _sample_pdf(tmp_path) -> Path:
    path = tmp_path / "sample.pdf"
    if not path.exists():
        from test_readers import pdf_minutes

        pdf_minutes(path)
    return path
