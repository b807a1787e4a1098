"""Rows for the exports from the ledger's own values (`Item`s), so the store, the web and the CLI fill
a ledger export or a bulletin with one call and colour and count items exactly as the ledger does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Protocol

from luoshi.exports.rows import (BulletinFigures, CompletedRow, LedgerRow, OverdueRow, SubtaskLine, SuggestionRow,
                                TargetRow)
from luoshi.ledger.items import Item
from luoshi.ledger.states import State
from luoshi.ledger.suggestions import Suggestion
from luoshi.ledger.targets import Bound, Target, TargetStatus, fmt
from luoshi.ledger.warnings import ItemWarning, WarningPolicy, warning


def _names(units: Iterable[str], unit_names: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(unit_names.get(u, u) for u in units)


def ledger_rows(items: Iterable[Item], *, today: date, unit_names: Mapping[str, str] | None = None,
                sources: Mapping[str, str] | None = None, progress: Mapping[str, str] | None = None,
                policy: WarningPolicy = WarningPolicy()) -> list[LedgerRow]:
    """One `LedgerRow` per item, numbered from 1 in the order given, with its warning on `today`.

    `unit_names`, `sources` and `progress` map a unit id to its name, an item id to the title of its
    source document and to its latest progress text; without a text the percent done is shown.
    """
    unit_names, sources, progress = unit_names or {}, sources or {}, progress or {}
    rows = []
    for no, item in enumerate(items, start=1):
        text = progress.get(item.id) or (f"已完成{item.progress}%" if item.progress else "")
        rows.append(LedgerRow(no, item.title, sources.get(item.id, ""), _names(item.lead_units, unit_names),
                              _names(item.co_units, unit_names), item.due, text, item.state,
                              warning(item, today, policy).colour))
    return rows


class ItemViewLike(Protocol):
    """What `ledger_rows_from_views` reads of a store's item view (`luoshi.store.items.ItemView`)."""

    item: Item
    warning: ItemWarning
    units: Mapping[str, str]
    document: Any


def ledger_rows_from_views(views: Iterable[ItemViewLike], *, progress: Mapping[str, str] | None = None,
                           first_no: int = 1,
                           subtasks: Mapping[str, Sequence[SubtaskLine]] | None = None) -> list[LedgerRow]:
    """`LedgerRow`s of item views as the store lists them (warning already computed, unit names and
    source document attached), numbered from `first_no` (for the rows of a later page); `subtasks` maps an
    item id to its directives."""
    progress, subtasks = progress or {}, subtasks or {}
    rows = []
    for no, view in enumerate(views, start=first_no):
        item, doc = view.item, view.document
        source = (getattr(doc, "title", None) or getattr(doc, "name", "")) if doc is not None else ""
        text = progress.get(item.id) or (f"已完成{item.progress}%" if item.progress else "")
        rows.append(LedgerRow(no, item.title, source, _names(item.lead_units, view.units),
                              _names(item.co_units, view.units), item.due, text, item.state, view.warning.colour,
                              tuple(subtasks.get(item.id, ()))))
    return rows


def target_rows(targets: Iterable[Target], *, statuses: Mapping[str, TargetStatus] | None = None,
                unit_names: Mapping[str, str] | None = None) -> list[TargetRow]:
    """One `TargetRow` per target; `statuses` maps a target id to its status (from `targets.status`).

    A bounded goal is written as people read it (`5左右`, `1200以上`, `4.5～5`); an unbounded one
    stays a number, so a spreadsheet can sum and sort it.
    """
    statuses, unit_names = statuses or {}, unit_names or {}
    rows = []
    for t in targets:
        found = statuses.get(t.id)
        rows.append(TargetRow(t.indicator, _goal(t), t.unit or "", t.year,
                              _names(t.lead_units + t.co_units, unit_names),
                              found.actual if found else None, found.status if found else None))
    return rows


def _goal(target: Target) -> object:
    if target.value is None or target.bound is None:
        return target.value
    if target.bound is Bound.RANGE:
        return f"{fmt(target.value)}～{fmt(target.value_max)}"
    return f"{fmt(target.value)}{target.bound.label}"


def suggestion_rows(suggestions: Iterable[Suggestion], *,
                    unit_names: Mapping[str, str] | None = None) -> list[SuggestionRow]:
    """One `SuggestionRow` per suggestion: its own number (or its position), the reply due in the
    current round, and the latest satisfaction."""
    unit_names = unit_names or {}
    rows = []
    for i, s in enumerate(suggestions, start=1):
        lead = _names([s.lead_unit], unit_names) if s.lead_unit else ()
        rows.append(SuggestionRow(s.no or i, s.title, s.deputies, s.category or "", lead,
                                  _names(s.co_units, unit_names), s.due, s.state, s.satisfaction))
    return rows


@dataclass(frozen=True)
class BulletinContent:
    """What a bulletin reports for a period: the figures and the rows of its two tables."""

    figures: BulletinFigures
    overdue: list[OverdueRow]
    completed: list[CompletedRow]


def _day(moment: datetime | None, tz: tzinfo | None) -> date | None:
    if moment is None:
        return None
    return (moment.astimezone(tz) if tz is not None and moment.tzinfo is not None else moment).date()


def bulletin_content(items: Iterable[Item], *, start: date, end: date, unit_names: Mapping[str, str] | None = None,
                     tz: tzinfo | None = None) -> BulletinContent:
    """The figures and tables of the bulletin for `start`..`end` (inclusive), as they stood at `end`.

    An item counts when it was handed out by `end` and was still open at `start` (cancelled ones do
    not count); it is done when completion was approved within the period, and overdue when it was
    still open at `end` past its due date. The due date is the one in force now: an extension granted
    after `end` is not undone. Days are taken in `tz` (the deployment's time zone) when given.
    """
    unit_names = unit_names or {}
    total = done = 0
    overdue: list[OverdueRow] = []
    completed: list[CompletedRow] = []
    for item in items:
        assigned, closed = _day(item.assigned_at, tz), _day(item.closed_at, tz)
        if item.state is State.CANCELLED or assigned is None or assigned > end:
            continue
        if closed is not None and closed < start:
            continue
        total += 1
        unit = "、".join(_names(item.lead_units, unit_names))
        if item.state is State.DONE and closed is not None and closed <= end:
            done += 1
            completed.append(CompletedRow(unit, item.title, item.due, closed))
        elif item.due is not None and item.due < end:
            overdue.append(OverdueRow(unit, item.title, item.due, (end - item.due).days))
    figures = BulletinFigures(total=total, done=done, in_progress=total - done, overdue=len(overdue))
    return BulletinContent(figures, overdue, completed)
