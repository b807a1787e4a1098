"""OCR quality and speed: the seeds and the samples typeset as scanned 公文 pages, read back by OCR.

Run: pip install -e '.[ocr,bench]' && python bench/ocr_quality.py [--variants 300,150,photo] [--only NAME]
     [--docs N] [--pages N]   (needs ../shared for the seeds and the shared scorer; Debian's fonts-noto-cjk)
The whole run (11 documents, about 100 pages a variant) takes some 15 minutes of CPU per variant on 2 cores;
`--only 000 --variants photo` measures one seed.

Each document is typeset by `luoshi.samples.scan` (A4, red letter-spaced header, 文号 and red rule,
letter-spaced title, indented paragraphs, column lines as a ruled table) at 300 and 150 dpi, and as a
phone photo (the 300 dpi page turned 1.5°, blurred, unevenly lit, 70 % size, JPEG). Prints, per
variant: the character error rate (edit distance / characters, whitespace ignored) against the text
typeset; the extraction score (shared/tools/score.py's overall) of the records extracted from the OCR'd
text beside that of the original text, for documents that have gold; seconds per page.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import time
from pathlib import Path

from luoshi.extract import extract
from luoshi.samples.scan import edit_distance, photo, render
from luoshi.text import ocr
from luoshi.text.ocr_layout import document_chars

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
SAMPLES = ROOT / "luoshi" / "samples"
GOLDS = (SHARED / "gold", ROOT / "tests" / "gold")
WS = re.compile(r"\s+")


def scorer():
    spec = importlib.util.spec_from_file_location("score", SHARED / "tools" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_of(name: str) -> dict | None:
    import json

    for folder in GOLDS:
        path = folder / (Path(name).stem + ".gold.json")
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    return None


def score(score_mod, gold: dict, text: str, name: str) -> float:
    tallies = {s: score_mod.Tally() for s in score_mod.SECTIONS}
    score_mod.score_one(gold, extract(text, name), text, tallies)
    return score_mod.overall(tallies)


def documents(limit: int | None) -> list[tuple[str, str]]:
    paths = sorted(SEEDS.glob("*.txt")) + sorted(SAMPLES.glob("*.txt"))
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths][:limit]


def pages_of(text: str, variant: str):
    if variant == "photo":
        return [photo(p, seed=i) for i, p in enumerate(render(text, dpi=300))]
    return render(text, dpi=int(variant))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", default="300,150,photo", help="comma-separated: 300, 150, photo")
    ap.add_argument("--docs", type=int, default=None, help="only the first N documents (seeds, then samples)")
    ap.add_argument("--only", default="", help="only documents whose file name contains one of these (comma-separated)")
    ap.add_argument("--pages", type=int, default=None, help="only the first N pages of each document")
    args = ap.parse_args()
    if not ocr.available():
        raise SystemExit("the OCR engine is missing: pip install -e '.[ocr]'")
    score_mod = scorer()
    wanted = args.only.split(",")
    docs = [(name, text) for name, text in documents(None) if any(w in name for w in wanted)][: args.docs]
    for variant in args.variants.split(","):
        total_edits = total_chars = n_pages = 0
        seconds = cpu = 0.0
        ocr_scores, original_scores = [], []
        for name, text in docs:
            pages = pages_of(text, variant)[: args.pages]
            read, doc_edits, doc_chars = [], 0, 0
            for page in pages:
                t0, c0 = time.perf_counter(), time.process_time()
                lines = ocr.image_lines(page.image)
                seconds += time.perf_counter() - t0
                cpu += time.process_time() - c0
                read.append(lines)
                got = "".join(c for c, _, _ in document_chars([lines], [page.image.height]))
                truth = WS.sub("", page.text)
                doc_edits += edit_distance(WS.sub("", got), truth)
                doc_chars += len(truth)
            total_edits += doc_edits
            total_chars += doc_chars
            n_pages += len(pages)
            ocr_text = "".join(c for c, _, _ in document_chars(read, [p.image.height for p in pages]))
            gold = gold_of(name)
            line = f"  {name:42s} pages={len(pages):2d} CER={doc_edits / max(doc_chars, 1):.2%}"
            if gold is not None and args.pages is None:
                ocr_scores.append(score(score_mod, gold, ocr_text, name))
                original_scores.append(score(score_mod, gold, text, name))
                line += f"  score OCR={ocr_scores[-1]:.3f} original={original_scores[-1]:.3f}"
            print(line, flush=True)
        summary = (f"{variant:>5s}: {n_pages} pages, CER {total_edits / max(total_chars, 1):.2%}, "
                   f"{seconds / max(n_pages, 1):.1f} s/page wall, {cpu / max(n_pages, 1):.1f} s/page CPU")
        if ocr_scores:
            summary += (f", extraction score OCR {sum(ocr_scores) / len(ocr_scores):.3f} "
                        f"vs original {sum(original_scores) / len(original_scores):.3f} (mean of {len(ocr_scores)})")
        print(summary, flush=True)


if __name__ == "__main__":
    main()
