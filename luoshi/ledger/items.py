"""The item (督办事项) as frozen values: what it is, where it came from, who handles it, by when.

An `Item` is never changed in place: `workflow.apply` returns a new one with `version` one higher,
which the store writes only if the row still has the old version (optimistic locking).
"""

from __future__ import annotations

from dataclasses import dataclass, fields as dataclass_fields
from datetime import date, datetime
from typing import Any
from enum import StrEnum

from luoshi import glossary
from luoshi.ledger.states import State


class Kind(StrEnum):
    DECISION = "decision"  # 议定事项, from meeting minutes
    TASK = "task"  # 工作任务, a directive with owners and a due phrase
    TARGET = "target"  # 目标指标, from a work report
    SUGGESTION = "suggestion"  # 代表建议, from the people's congress

    @property
    def label(self) -> str:
        return glossary.zh(f"kind.{self.value}")


class Rating(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"

    @property
    def label(self) -> str:
        return glossary.zh(f"rating.{self.value}")


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    LAPSED = "lapsed"  # the item closed before the office decided

    @property
    def label(self) -> str:
        return glossary.zh(f"extension.{self.value}")


@dataclass(frozen=True)
class SourceRef:
    """Where an item was read: the document, the `[start, end)` span in its source text, and the path
    of the record field it came from (`items[2].tasks[0]`), so a user can click back to the sentence."""

    document: str
    span: tuple[int, int]
    path: str | None = None


@dataclass(frozen=True)
class Extension:
    """One request to move the due date, and what became of it; an item keeps all of them."""

    requested_due: date
    previous_due: date | None
    reason: str
    requested_by: str
    requested_at: datetime
    status: ExtensionStatus = ExtensionStatus.PENDING
    granted_due: date | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Item:
    """One item of the ledger. Units are unit ids; `due` before assignment is the date the extraction
    fixed (or None), after assignment the date in force; `extensions` keeps every earlier one."""

    id: str
    kind: Kind
    title: str
    text: str = ""
    source: SourceRef | None = None
    state: State = State.DRAFT
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    due: date | None = None
    due_text: str | None = None
    progress: int = 0
    last_progress_at: datetime | None = None
    assigned_at: datetime | None = None
    completion_requested_at: datetime | None = None
    closed_at: datetime | None = None
    cancel_reason: str | None = None
    returns: int = 0
    return_reason: str | None = None
    reminders: int = 0
    last_reminded_at: datetime | None = None
    extensions: tuple[Extension, ...] = ()
    rating: Rating | None = None
    version: int = 1

    @classmethod
    def restored(cls, **fields: Any) -> Item:
        """The item of these fields, every one given, as stored (a store reads them back): the same value as
        `Item(**fields)` without the frozen dataclass's __init__, which writes each of 23 fields through
        object.__setattr__ (3.9 µs an item, 0.6 this way; a ledger page makes 25)."""
        if fields.keys() != _ITEM_FIELDS:
            raise TypeError(f"Item.restored takes every field of Item once: {', '.join(sorted(_ITEM_FIELDS))}")
        item = object.__new__(cls)
        object.__setattr__(item, "__dict__", fields)
        return item

    @property
    def pending_extension(self) -> Extension | None:
        last = self.extensions[-1] if self.extensions else None
        return last if last and last.status is ExtensionStatus.PENDING else None

    @property
    def first_due(self) -> date | None:
        """The due date set at assignment, before any extension moved it."""
        for ext in self.extensions:
            if ext.status is ExtensionStatus.APPROVED:
                return ext.previous_due
        return self.due

    def role_of(self, unit: str | None) -> str | None:
        """`"lead"`, `"co_operating"` or None: how `unit` stands to this item."""
        if unit in self.lead_units:
            return "lead"
        if unit in self.co_units:
            return "co_operating"
        return None


_ITEM_FIELDS = frozenset(f.name for f in dataclass_fields(Item))
