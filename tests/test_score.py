"""The extraction of the five seed documents, scored by the shared scorer against the shared gold."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

from conftest import GOLD, ROOT, SEEDS, SHARED, needs_shared

SCORER = SHARED / "tools" / "score.py"


@needs_shared
def test_seed_extraction_scores_against_gold():
    run = f"{shlex.quote(sys.executable)} -m luoshi.cli extract --format json {{file}}"
    out = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(GOLD), "--corpus", str(SEEDS), "--run", run, "--json"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=True,
    )
    result = json.loads(out.stdout)
    sections = result["sections"]
    print(json.dumps(sections, ensure_ascii=False))
    assert sections["overall"] >= 0.95
    weak = {name: row["f1"] for name, row in sections.items()
            if name != "overall" and row["tp"] + row["fp"] + row["fn"] and row["f1"] < 0.90}
    assert weak == {}
    assert sections["spans"]["fn"] == 0, "every text must carry a valid span"
