"""Which kind of 公文 a text is: meeting minutes, a government work report, a congress review summary.

The genre is read from the document's structure, not from one keyword: the title line of its head,
its opening clause (`…主持召开…会议`), paragraphs in the meeting's voice (`会议听取…`, `会议强调…`), target
lists, suggestion groups. Each cue is data (`rules/genre.json`); the decision keeps its evidence and a
confidence, so a user can see why and correct it. Quoted titles (《政府工作报告》) never name the genre of
the document that quotes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

MEETING_MINUTES = "meeting_minutes"
WORK_REPORT = "work_report"
CONGRESS_REVIEW = "congress_review"
OTHER = "other"
GENRES = (MEETING_MINUTES, WORK_REPORT, CONGRESS_REVIEW, OTHER)
# What a user may type for a genre (`luoshi extract --genre minutes`).
ALIASES = {"minutes": MEETING_MINUTES, "meeting_minutes": MEETING_MINUTES, "work_report": WORK_REPORT,
           "report": WORK_REPORT, "congress_review": CONGRESS_REVIEW, "review": CONGRESS_REVIEW, "other": OTHER}

_RULES = json.loads(resources.files("luoshi.extract").joinpath("rules/genre.json").read_text(encoding="utf-8"))
THRESHOLD: int = _RULES["threshold"]
OPENING_CHARS = 600
HEAD_LINES = 14
TITLE_MAX = 64
TITLE_WORDS = re.compile(_RULES["title_words"])
QUOTED = re.compile(r"《[^《》\n]*》")
MID_SENTENCE = set("。，、；：,.;:）)》”")
SPACE = re.compile(r"[ \t\u3000\xa0]+")
PARAGRAPH_STARTS = re.compile(r"(?:^|\n|(?<=[。！？]))[ \t\u3000]*")


@dataclass(frozen=True)
class Cue:
    id: str
    genre: str
    label: str
    scope: str  # title | opening | body | paragraph
    pattern: re.Pattern
    weight: int
    max: int


CUES = [Cue(c["id"], c["genre"], c["label"], c["scope"], re.compile(c["pattern"], re.M), c["weight"], c["max"])
        for c in _RULES["cues"]]


@dataclass(frozen=True)
class Decision:
    """The genre of a text, how sure the rules are (0–1), and the cues that decided it."""

    doc_type: str
    confidence: float
    evidence: tuple[str, ...]
    scores: dict[str, int]

    def record(self, source: str = "detected") -> dict[str, Any]:
        return {"doc_type": self.doc_type, "confidence": self.confidence, "evidence": list(self.evidence),
                "source": source}


def normalise_genre(name: str) -> str:
    """The genre a user's word names (`minutes` → meeting_minutes); ValueError for an unknown word."""
    key = (name or "").strip().lower().replace("-", "_")
    if key not in ALIASES:
        raise ValueError(name)
    return ALIASES[key]


def _masked(text: str) -> str:
    """`text` with the inside of every 《…》 blanked (same length), so quoted titles name nothing."""
    return QUOTED.sub(lambda m: "《" + "□" * (len(m.group()) - 2) + "》", text)


def title_lines(text: str) -> list[str]:
    """Short lines of the head that may name the document (web page titles, the 公文 title)."""
    out = []
    lines = [SPACE.sub("", line).strip("|") for line in text.split("\n")[:HEAD_LINES * 2 + 1]]
    lines = [line for line in lines if line]
    for i, line in enumerate(lines[:HEAD_LINES * 2]):
        if i + 1 < len(lines) and lines[i + 1][0] in MID_SENTENCE:
            continue  # a link's text left on a line of its own inside a sentence, not a title
        if len(line) <= TITLE_MAX and TITLE_WORDS.search(line) and not re.search(r"[。；]", line[:-1]):
            out.append(line)
        if len(out) >= HEAD_LINES:
            break
    return out


def _matches(cue: Cue, text: str, masked: str, titles: list[str]) -> list[str]:
    if cue.scope == "title":
        found = []
        for line in titles:
            m = cue.pattern.search(_masked(line))
            if m:
                found.append(line)
        return found
    if cue.scope == "opening":
        return [m.group() for m in cue.pattern.finditer(masked, 0, OPENING_CHARS)]
    if cue.scope == "paragraph":
        found = []
        for start in PARAGRAPH_STARTS.finditer(text):
            m = cue.pattern.match(text, start.end())
            if m:
                found.append(m.group())
        return found
    return [m.group() for m in cue.pattern.finditer(text)]


def decide(text: str, source: str | None = None) -> Decision:
    """The genre of a clean text, with its confidence and evidence. The title is looked for in the lines
    of `source` (the text as read) too, since clean text may run a title into the paragraph after it."""
    masked = _masked(text)
    titles = title_lines(text)
    if source is not None:
        titles += [t for t in title_lines(source) if t not in titles]
    scores = dict.fromkeys(GENRES, 0)
    evidence: dict[str, list[str]] = {g: [] for g in GENRES}
    for cue in CUES:
        found = _matches(cue, text, masked, titles)
        if not found:
            continue
        n = min(cue.max, len(found))
        scores[cue.genre] += cue.weight * n
        shown = SPACE.sub("", found[0]).strip()[:30]
        evidence[cue.genre].append(f"{cue.label}：{shown}" + (f"（{len(found)}处）" if len(found) > 1 else ""))
    ranked = sorted(GENRES, key=lambda g: scores[g], reverse=True)
    best, second = ranked[0], ranked[1]
    if scores[best] < THRESHOLD:
        confidence = round(1 - scores[best] / (2 * THRESHOLD), 2)
        return Decision(OTHER, confidence, tuple(evidence[OTHER]) or ("没有找到可辨认体裁的结构",), scores)
    confidence = round(scores[best] / (scores[best] + scores[second]), 2)
    return Decision(best, confidence, tuple(evidence[best]), scores)


def detect(text: str, source: str | None = None) -> str:
    """The genre of a clean text, one of GENRES."""
    return decide(text, source).doc_type
