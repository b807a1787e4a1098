"""The audit log is events: one frozen dataclass per action, saying who did what to which item, when and why.

Every event carries the item, the item's version after it, the time, the actor (id, role, unit) and
the states before and after; each kind adds its own facts (a reason, a due date, a progress text).
`to_dict`/`from_dict` give the JSON form the audit trail hashes and stores.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar

from luoshi.ledger.actors import Role
from luoshi.ledger.canonical import jsonable
from luoshi.ledger.items import Kind, Rating, SourceRef
from luoshi.ledger.states import Action, State


@dataclass(frozen=True, kw_only=True)
class Event:
    """What every event records: which item, which version it made, when, who (and for which unit)."""

    type: ClassVar[str] = ""
    item_id: str
    version: int
    at: datetime
    actor: str
    role: Role
    unit: str | None = None
    from_state: State | None
    to_state: State

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **jsonable(self)}


@dataclass(frozen=True, kw_only=True)
class Created(Event):
    type: ClassVar[str] = "create"
    kind: Kind
    title: str
    text: str = ""
    source: SourceRef | None = None
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    due: date | None = None
    due_text: str | None = None


@dataclass(frozen=True, kw_only=True)
class Confirmed(Event):
    """The review: the fields the office corrected (None = kept as extracted)."""

    type: ClassVar[str] = Action.CONFIRM.value
    title: str | None = None
    kind: Kind | None = None
    lead_units: tuple[str, ...] | None = None
    co_units: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Assigned(Event):
    type: ClassVar[str] = Action.ASSIGN.value
    due: date
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Accepted(Event):
    type: ClassVar[str] = Action.ACCEPT.value
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProgressReported(Event):
    type: ClassVar[str] = Action.REPORT_PROGRESS.value
    text: str
    percent: int | None = None
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ExtensionRequested(Event):
    type: ClassVar[str] = Action.REQUEST_EXTENSION.value
    due: date
    previous_due: date | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class ExtensionApproved(Event):
    """`due` is the date granted: the one asked for unless the office set another."""

    type: ClassVar[str] = Action.APPROVE_EXTENSION.value
    due: date
    previous_due: date | None
    requested_due: date
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ExtensionRejected(Event):
    type: ClassVar[str] = Action.REJECT_EXTENSION.value
    requested_due: date
    reason: str


@dataclass(frozen=True, kw_only=True)
class CompletionApplied(Event):
    type: ClassVar[str] = Action.APPLY_COMPLETION.value
    text: str
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Approved(Event):
    type: ClassVar[str] = Action.APPROVE.value
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Returned(Event):
    type: ClassVar[str] = Action.RETURN.value
    reason: str


@dataclass(frozen=True, kw_only=True)
class Cancelled(Event):
    type: ClassVar[str] = Action.CANCEL.value
    reason: str


@dataclass(frozen=True, kw_only=True)
class Reminded(Event):
    type: ClassVar[str] = Action.REMIND.value
    units: tuple[str, ...]
    text: str | None = None


@dataclass(frozen=True, kw_only=True)
class Notified(Event):
    """A 督办通知 to `units`: the office's requirements (`text`) under its 文号 (`number`)."""

    type: ClassVar[str] = Action.NOTIFY.value
    units: tuple[str, ...]
    text: str
    number: str | None = None


@dataclass(frozen=True, kw_only=True)
class Interviewed(Event):
    """A 约谈 of `units`, with the record of what was said and agreed (`text`)."""

    type: ClassVar[str] = Action.INTERVIEW.value
    units: tuple[str, ...]
    text: str


@dataclass(frozen=True, kw_only=True)
class Rated(Event):
    type: ClassVar[str] = Action.RATE.value
    rating: Rating
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Instructed(Event):
    type: ClassVar[str] = Action.INSTRUCT.value
    text: str


@dataclass(frozen=True, kw_only=True)
class InstructionAnswered(Event):
    """A unit's answer to the 批示 the item's event at version `instruction` recorded."""

    type: ClassVar[str] = Action.ANSWER_INSTRUCTION.value
    text: str
    instruction: int


EVENT_TYPES: dict[str, type[Event]] = {cls.type: cls for cls in (
    Created, Confirmed, Assigned, Accepted, ProgressReported, ExtensionRequested, ExtensionApproved,
    ExtensionRejected, CompletionApplied, Approved, Returned, Cancelled, Reminded, Notified, Interviewed, Rated,
    Instructed, InstructionAnswered)}


def register(cls: type[Event]) -> type[Event]:
    """Make an event kind defined elsewhere in the ledger (the suggestions') readable by `from_dict`."""
    known = EVENT_TYPES.get(cls.type)
    if known is not None and known is not cls:
        raise ValueError(f"event type {cls.type!r} is already {known.__qualname__}")
    EVENT_TYPES[cls.type] = cls
    return cls


def event_class(action: Action) -> type[Event]:
    return EVENT_TYPES[action.value]


def from_dict(data: dict[str, Any]) -> Event:
    """The event a `to_dict` made, with dates, enums and tuples restored."""
    cls = EVENT_TYPES.get(data.get("type", ""))
    if cls is None:
        raise ValueError(f"unknown event type {data.get('type')!r}; known: {', '.join(EVENT_TYPES)}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: _decode(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data}
    return cls(**fields)


def _decode(hint: Any, raw: Any) -> Any:
    if raw is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _decode(next(a for a in args if a is not type(None)), raw)
    if origin is tuple:
        return tuple(raw)
    if hint is datetime:
        return datetime.fromisoformat(raw)
    if hint is date:
        return date.fromisoformat(raw)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(raw)
    if hint is SourceRef:
        return SourceRef(raw["document"], tuple(raw["span"]), raw.get("path"))
    return raw
