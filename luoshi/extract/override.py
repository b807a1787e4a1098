"""The user's word on a document's genre: the names a user may give (`minutes` for meeting minutes), and
extraction forced to that genre, recorded as the user's choice (`genre.source = "user"`)."""

from __future__ import annotations

from typing import Any

from luoshi.errors import LuoshiError
from luoshi.extract import extract, genre

# What a user may type, and the genre each names: the one vocabulary of `genre.ALIASES`.
NAMES: dict[str, str] = genre.ALIASES
CHOICES = ("minutes", genre.WORK_REPORT, genre.CONGRESS_REVIEW, genre.OTHER)  # as help texts list them
LABELS = {genre.MEETING_MINUTES: "会议纪要", genre.WORK_REPORT: "政府工作报告", genre.CONGRESS_REVIEW: "人大审议意见",
          genre.OTHER: "其他文件"}


class UnknownGenre(LuoshiError):
    """A genre name that is none of `NAMES` (the edges turn it into a 422 or an exit code)."""


def genre_named(value: str | None) -> str | None:
    """The genre a user's value names (None or "" or `auto`: detect it); UnknownGenre names the valid ones."""
    text = (value or "").strip().lower()
    if text in ("", "auto", "detect"):
        return None
    if text not in NAMES:
        raise UnknownGenre(f"文种“{value}”无法识别；可选：minutes（会议纪要）、work_report（政府工作报告）、"
                           "congress_review（人大审议意见）、other（其他文件），或留空自动识别")
    return NAMES[text]


def extract_as(text: str, name: str = "", doc_type: str | None = None) -> dict[str, Any]:
    """The record of `text`, its genre detected, or forced to `doc_type` and marked as the user's choice
    (with what detection said kept among the evidence)."""
    record = extract(text, name, doc_type=doc_type)
    if doc_type:
        detected = record.get("genre") if isinstance(record.get("genre"), dict) else {}
        evidence = ["由用户指定"]
        if detected.get("source") == "detected" and detected.get("doc_type") not in (None, doc_type):
            evidence.append(f"自动识别为{LABELS.get(detected['doc_type'], detected['doc_type'])}"
                            f"（置信度 {float(detected.get('confidence') or 0):.2f}）")
        record["doc_type"] = doc_type
        record["genre"] = {"doc_type": doc_type, "confidence": 1.0, "evidence": evidence, "source": "user"}
    return record
