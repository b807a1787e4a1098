"""Shared fixtures: where ../shared is, and the seed documents with their gold records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
GOLD = SHARED / "gold"

needs_shared = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"../shared is absent ({SHARED}): seed documents unavailable")


def seed_text(stem_prefix: str) -> str:
    [path] = SEEDS.glob(f"{stem_prefix}*.txt")
    return path.read_text(encoding="utf-8")


def gold(stem_prefix: str) -> dict:
    [path] = GOLD.glob(f"{stem_prefix}*.gold.json")
    return json.loads(path.read_text(encoding="utf-8"))
