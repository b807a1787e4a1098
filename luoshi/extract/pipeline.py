"""Extraction as a pipeline of named, pure stages (Document -> Document).

Each stage says which record fields or facts it needs and which it adds; the genre of the document
decides which stages run. One stage failing on one document is reported with the stage's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from luoshi.errors import ExtractionError
from luoshi.extract.document import Document

StageFn = Callable[[Document], None]


@dataclass(frozen=True)
class Stage:
    name: str
    run: StageFn
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


_STAGES: dict[str, Stage] = {}


def stage(name: str, *, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()):
    """Register a function as a named pipeline stage."""

    def register(fn: StageFn) -> StageFn:
        if name in _STAGES:
            raise ValueError(f"stage {name!r} is registered twice")
        _STAGES[name] = Stage(name, fn, requires, assigns)
        return fn

    return register


def get_stage(name: str) -> Stage:
    try:
        return _STAGES[name]
    except KeyError:
        raise ExtractionError(f"No stage {name!r}. Available stages: {', '.join(sorted(_STAGES))}") from None


def run(doc: Document, names: list[str]) -> Document:
    for name in names:
        st = get_stage(name)
        missing = [r for r in st.requires if r not in doc.record and r not in doc.facts]
        if missing:
            raise ExtractionError(f"stage {name!r} needs {', '.join(missing)}, which no earlier stage assigned")
        try:
            st.run(doc)
        except ExtractionError:
            raise
        except Exception as exc:  # a bug in one stage must name the stage and the document
            raise ExtractionError(f"{doc.name or 'document'}: stage {name!r} failed: {exc!r}") from exc
    return doc
