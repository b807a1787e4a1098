"""Extraction: pure functions from a document's text to its record (format 1), with no I/O.

`extract(text, name)` detects the genre, runs the genre's stages and returns the record as a dict;
every record that carries a `text` carries its `span` in `text`.
"""

from __future__ import annotations

from typing import Any

from luoshi.extract import genre
from luoshi.extract.document import Document
from luoshi.extract.pipeline import run

# Importing the stage modules registers their stages.
from luoshi.extract import header as _header  # noqa: F401
from luoshi.extract import attendees as _attendees  # noqa: F401
from luoshi.extract import minutes as _minutes  # noqa: F401
from luoshi.extract import reports as _reports  # noqa: F401
from luoshi.extract import reviews as _reviews  # noqa: F401

STAGES: dict[str, list[str]] = {
    genre.MEETING_MINUTES: ["meeting", "agenda", "items", "attendees"],
    genre.WORK_REPORT: ["report_header", "targets", "commitments", "achievements", "glossary"],
    genre.CONGRESS_REVIEW: ["review_header", "suggestions", "achievements"],
    genre.OTHER: [],
}

# The fields every record of a genre has, so that lists are never null and keys never missing.
DEFAULTS: dict[str, dict[str, Any]] = {
    genre.MEETING_MINUTES: {"meeting": None, "agenda": [], "items": [], "attendees": []},
    genre.WORK_REPORT: {"speaker": None, "occasion": None, "review_year": None, "plan_year": None,
                        "targets": [], "commitments": [], "achievements": [], "glossary": []},
    genre.CONGRESS_REVIEW: {"session": None, "period": None, "suggestion_groups": [], "suggestions": [],
                            "achievements": []},
    genre.OTHER: {},
}


def extract_document(text: str, name: str = "", doc_type: str | None = None) -> Document:
    """Run the pipeline on `text` and return the Document (record and the facts stages shared)."""
    doc = Document.from_text(text, name)
    run(doc, ["header"])
    if doc_type:
        doc.record["doc_type"] = doc_type
        doc.record["genre"] = {**doc.record["genre"], "doc_type": doc_type, "source": "user"}
    kind = doc.record["doc_type"]
    doc.record.update({k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS[kind].items()})
    run(doc, STAGES[kind])
    return doc


def extract(text: str, name: str = "", doc_type: str | None = None) -> dict[str, Any]:
    """The record (format 1) of a document's text; `doc_type` forces the genre when given."""
    return extract_document(text, name, doc_type).record
