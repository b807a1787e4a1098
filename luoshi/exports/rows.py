"""The plain rows the exports are made from: one frozen dataclass per list, filled by the store or web.

No database sessions and no ORM objects here, so the exports stay pure functions of what is passed in.
A state or status is either a ledger enum (shown by its `.label`) or the Chinese text itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, Union, runtime_checkable

from luoshi.errors import LuoshiError
from luoshi.ledger.states import State
from luoshi.ledger.warnings import Colour


class ExportError(LuoshiError):
    """An export was asked for something it cannot make: an unknown list or format, or figures that
    do not add up."""


@runtime_checkable
class Labelled(Protocol):
    """Anything with a Chinese `.label`: `State`, `Colour`, or an enum the store or web define."""

    @property
    def label(self) -> str: ...


Status = Union[Labelled, str]
Number = Union[int, float, Decimal]


def label_of(value: Status | None) -> str:
    """The Chinese a user reads for `value`: an enum's `.label`, a string as it is, None as empty."""
    if value is None:
        return ""
    if isinstance(value, Labelled):
        return value.label
    return str(value)


@dataclass(frozen=True)
class SubtaskLine:
    """A directive of an item (分解任务) as its ledger row lists it: text, units as written, due phrase and date."""

    text: str
    owners: tuple[str, ...] = ()
    co_owners: tuple[str, ...] = ()
    due_text: str | None = None
    due: date | None = None


@dataclass(frozen=True)
class LedgerRow:
    """One line of the supervision ledger (督办台账), with the item's directives (`subtasks`)."""

    no: int
    title: str
    source: str = ""
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    due: date | None = None
    progress: str = ""
    state: State | str = ""
    warning: Colour | None = None
    subtasks: tuple[SubtaskLine, ...] = ()


@dataclass(frozen=True)
class TargetRow:
    """One target (指标) of a year with its plan value and the latest actual value."""

    indicator: str
    value: Number | str | None
    unit: str = ""
    year: int | None = None
    responsible_units: tuple[str, ...] = ()
    actual: Number | str | None = None
    status: Status | None = None


@dataclass(frozen=True)
class SuggestionRow:
    """One deputy's suggestion (代表建议) and how it is handled."""

    no: int
    title: str
    deputies: tuple[str, ...] = ()
    category: str = ""
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    reply_due: date | None = None
    state: Status | None = None
    satisfaction: Status | None = None


@dataclass(frozen=True)
class BulletinFigures:
    """The summary figures of a bulletin: items in the period, how many done, in progress, overdue.

    `overdue` counts items still open past their due date, so it is part of `in_progress`.
    """

    total: int
    done: int
    in_progress: int
    overdue: int

    def __post_init__(self) -> None:
        for name in ("total", "done", "in_progress", "overdue"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ExportError(f"bulletin figure {name} must be a whole number ≥ 0, not {value!r}")
        if self.done + self.in_progress > self.total:
            raise ExportError(f"bulletin figures: done {self.done} + in progress {self.in_progress} "
                              f"exceed the total {self.total}")
        if self.overdue > self.in_progress:
            raise ExportError(f"bulletin figures: overdue {self.overdue} exceeds in progress "
                              f"{self.in_progress}; overdue items are counted among those in progress")

    @property
    def completion_rate(self) -> float:
        """Done over total, as a fraction (0.0 when there are no items)."""
        return self.done / self.total if self.total else 0.0


@dataclass(frozen=True)
class OverdueRow:
    """An item still open past its due date, for the bulletin's table of overdue items by unit."""

    unit: str
    title: str
    due: date
    overdue_days: int


@dataclass(frozen=True)
class CompletedRow:
    """An item completed in the period, for the bulletin's table of completed items by unit."""

    unit: str
    title: str
    due: date | None
    done_on: date


@dataclass(frozen=True)
class Letterhead:
    """Who issues a bulletin and how it is numbered, addressed and copied.

    `issuer` is the red letterhead and the signature (青山县人民政府办公室); `number` the 文号
    (青政办督〔2026〕11号); `office` the body that followed the items up (县政府督查室).
    """

    issuer: str
    number: str
    issued: date
    office: str = "县政府督查室"
    addressee: str = "各乡镇人民政府，县政府各部门："
    copy_to: tuple[str, ...] = ()
