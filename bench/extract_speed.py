"""Extraction speed on the seed documents replicated to >= 10 MB, beside jieba on the same text.

Run: python bench/extract_speed.py [--mb 10]   (needs ../shared; `pip install -e '.[bench]'` for jieba)
Prints MB/s, documents/s and characters/s of the whole extraction (normalise + every stage) and of
jieba's default segmentation (jieba.lcut) of the same documents, on one core, and their ratio.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from luoshi.extract import extract

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"


def corpus(mb: float) -> list[tuple[str, str]]:
    seeds = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    if not seeds:
        raise SystemExit(f"no seed documents in {SEEDS}")
    docs, size = [], 0
    while size < mb * 1_000_000:
        for name, text in seeds:
            docs.append((name, text))
            size += len(text.encode("utf-8"))
    return docs


def timed(fn, docs) -> float:
    start = time.perf_counter()
    for name, text in docs:
        fn(text, name)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0, help="size of the replicated corpus in MB (UTF-8)")
    args = ap.parse_args()
    docs = corpus(args.mb)
    nbytes = sum(len(t.encode("utf-8")) for _, t in docs)
    nchars = sum(len(t) for _, t in docs)
    extract(docs[0][1], docs[0][0])  # warm-up: rule data loaded once
    t_extract = timed(extract, docs)
    rows = [("luoshi extract", t_extract)]
    try:
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
        rows.append(("jieba.lcut", timed(lambda text, _name: jieba.lcut(text), docs)))
    except ImportError:
        print("jieba is not installed (pip install -e '.[bench]'): no comparison")
    print(f"corpus: {len(docs)} documents, {nbytes / 1e6:.1f} MB, {nchars / 1e6:.2f} M characters")
    for label, seconds in rows:
        print(f"{label:16s} {seconds:7.2f} s  {nbytes / 1e6 / seconds:6.2f} MB/s  {len(docs) / seconds:8.1f} docs/s  "
              f"{nchars / 1e6 / seconds:5.2f} M chars/s")
    if len(rows) == 2:
        print(f"extraction / jieba speed ratio: {rows[1][1] / rows[0][1]:.2f} (>= 1 means extraction is faster)")


if __name__ == "__main__":
    main()
