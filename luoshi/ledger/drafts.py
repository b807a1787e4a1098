"""Drafts an office would write from meeting minutes (议定事项督办台账): one per decision that gives a unit
something to do, or one per unit when the decision gives units distinct tasks, each with its directives.

A pure function of the extraction record. A directive's owners are *assignable* when they name a unit
(市商务局, 县住建局); collectives (全市上下, 各地各部门), generic references (财政部门, 相关部门), leaders (市领导)
and drafting groups (报告起草组) are real owners of a general
requirement but no unit an item could be handed to, so such a directive stays on the decision
(`general_requirements`) instead of becoming a draft of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from luoshi.extract import orgs as names

TITLE_MAX = 120


@dataclass(frozen=True)
class Subtask:
    """A directive kept with its draft (分解任务): its sentence, span, owners and due phrase as extracted."""

    text: str
    span: tuple[int, int] | None
    owners: tuple[str, ...] = ()
    co_owners: tuple[str, ...] = ()
    due_text: str | None = None
    due: str | None = None  # ISO date when the text fixes one
    source_path: str | None = None  # items[i].tasks[j]

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span) if self.span else None, "owners": list(self.owners),
                "co_owners": list(self.co_owners), "due_text": self.due_text, "due": self.due,
                "source_path": self.source_path}


@dataclass(frozen=True)
class Draft:
    """One proposed row of the ledger: lead and co-operating units as written, the earliest date its
    directives fix (its `due_text` with it), and those directives as subtasks."""

    title: str
    text: str
    span: tuple[int, int] | None
    source_path: str
    leads: tuple[str, ...]
    co_units: tuple[str, ...]
    due: str | None
    due_text: str | None
    subtasks: tuple[Subtask, ...]


def is_collective(name: str) -> bool:
    """各地各部门, 全市上下, 财政部门, 市领导, 报告起草组: an owner that names no one unit that could be handed
    an item (`luoshi.extract.orgs.owner_kind`)."""
    return not names.assignable(name)


def assignable(owners: Any) -> list[str]:
    """The owners that name a unit, in order, without collectives and repeats."""
    return list(dict.fromkeys(o for o in owners or [] if o and not is_collective(o)))


def unit_key(name: str) -> str:
    """Equal for two ways of writing one unit (卫健委, 市卫健委)."""
    return names.unit_key(name) or name


def subtasks_of(decision: dict[str, Any], index: int) -> list[Subtask]:
    return [Subtask(t["text"], tuple(t["span"]) if t.get("span") else None, tuple(t.get("owners") or ()),  # type: ignore[arg-type]
                    tuple(t.get("co_owners") or ()), t.get("due_text"), t.get("due"), f"items[{index}].tasks[{j}]")
            for j, t in enumerate(decision.get("tasks") or [])]


def general_requirements(decision: dict[str, Any], index: int) -> list[Subtask]:
    """The directives of a decision that name no unit (要守住安全底线, 全市上下要…): shown on the decision."""
    return [s for s in subtasks_of(decision, index) if not assignable(s.owners)]


def heading_of(decision: dict[str, Any], index: int) -> str:
    return decision.get("title") or f"议定事项{decision.get('no', index + 1)}"


def drafts(record: dict[str, Any], text: str) -> list[Draft]:
    """The drafts of a minutes record, decision by decision (none for other genres)."""
    if record.get("doc_type") != "meeting_minutes":
        return []
    out: list[Draft] = []
    for i, decision in enumerate(record.get("items") or []):
        out += decision_drafts(decision, i, text)
    return out


def decision_drafts(decision: dict[str, Any], index: int, text: str) -> list[Draft]:
    """One draft for the decision when its units share its tasks, else one per group of units with the same
    tasks; none when it names no unit (its requirements stay on it)."""
    tasks = [s for s in subtasks_of(decision, index) if assignable(s.owners)]
    units: dict[str, str] = {}  # key -> name as first written
    for name in assignable(decision.get("leads")) + [o for s in tasks for o in assignable(s.owners)]:
        units.setdefault(unit_key(name), name)
    if not units:
        return []
    owned = {k: frozenset(j for j, s in enumerate(tasks) if k in {unit_key(o) for o in assignable(s.owners)})
             for k in units}
    groups: dict[frozenset[int], list[str]] = {}
    everything = frozenset(range(len(tasks)))
    for k, js in owned.items():  # a lead named by no directive shares the decision's tasks
        groups.setdefault(js or everything, []).append(k)
    heading = heading_of(decision, index)
    out = []
    for js, keys in groups.items():
        own = tuple(s for j, s in enumerate(tasks) if j in js)
        others = set().union(*(o for o in groups if o != js))
        distinct = [s for j, s in enumerate(tasks) if j in js and j not in others]  # what this group alone does
        leads = tuple(units[k] for k in keys)
        # A unit's own row is named by what it alone was told to do, as an office's ledger writes it.
        title = heading if len(groups) == 1 else distinct[0].text if distinct else f"{heading}（{'、'.join(leads)}）"
        out.append(_draft(title, heading, own, leads, text, index, whole=len(groups) == 1,
                          anchor=next((s.span for s in distinct if s.span), None)))
    return out


def _draft(title: str, heading: str, own: tuple[Subtask, ...], leads: tuple[str, ...], text: str, index: int,
           *, whole: bool, anchor: tuple[int, int] | None) -> Draft:
    lead_keys = {unit_key(u) for u in leads}
    co = tuple(c for c in dict.fromkeys(c for s in own for c in assignable(s.co_owners)) if unit_key(c) not in lead_keys)
    dated = sorted((s.due, s.due_text) for s in own if s.due)
    due, due_text = dated[0] if dated else (None, next((s.due_text for s in own if s.due_text), None))
    body = "；".join(s.text.rstrip("。；") for s in own) or heading
    span = (_through(find(text, heading), own) if whole else anchor) or next((s.span for s in own if s.span), None) \
        or find(text, heading)
    return Draft(_short(title), body, span, f"items[{index}]", leads, co, due, due_text, own)


def _through(heading: tuple[int, int] | None, own: tuple[Subtask, ...]) -> tuple[int, int] | None:
    """The decision from its heading through its last directive: what a whole-decision draft was read from."""
    if heading is None:
        return None
    ends = [s.span[1] for s in own if s.span and s.span[1] > heading[1]]
    return (heading[0], max(ends, default=heading[1]))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


def find(text: str, phrase: str) -> tuple[int, int] | None:
    """The span of `phrase` in `text`, allowing layout whitespace between its characters."""
    if not phrase:
        return None
    pattern = r"\s*".join(re.escape(c) for c in phrase if not c.isspace())
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None
