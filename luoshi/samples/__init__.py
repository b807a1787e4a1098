"""Sample documents of a fictional county (青溪县) and district (云江市临川区), shipped for demos and docs.

They are written for luoshi in the layouts real 公文 come in; no real person or unit is meant.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SUFFIXES = (".txt", ".docx")


def sample_paths() -> list[Path]:
    """The bundled sample documents, sorted by name."""
    folder = Path(str(resources.files("luoshi.samples")))
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("~"))
