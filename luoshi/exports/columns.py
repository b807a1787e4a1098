"""The columns of each exported list, defined once and used by every format (XLSX, CSV, JSON).

A column names its JSON key, its Chinese header, its width in the spreadsheet, and how to read its
value from a row; the formats only decide how a value is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from luoshi.exports.rows import ExportError, LedgerRow, SubtaskLine, SuggestionRow, TargetRow, label_of
from luoshi.ledger.warnings import Colour

JOIN = "、"  # how several units or deputies are written in one cell


@dataclass(frozen=True)
class Column:
    """One column: `key` in JSON, `header` in CSV and XLSX, `width` in XLSX characters.

    `value` gives the cell (text, number or date); `data` the JSON value when it differs (units as a
    list, a state as its identifier). A column with `coded` set also gets `<key>_label` in JSON; one
    with `tint` is filled in the spreadsheet with the warning colour it gives for the row.
    """

    key: str
    header: str
    width: float
    value: Callable[[Any], Any]
    data: Callable[[Any], Any] | None = None
    wrap: bool = True
    centre: bool = False
    coded: bool = False
    tint: Callable[[Any], Colour | None] | None = None

    def json(self, row: Any) -> Any:
        value = self.data(row) if self.data else self.value(row)
        return _jsonable(value)


@dataclass(frozen=True)
class ListSpec:
    """One exportable list: its name on the command line, its title, its row type and its columns."""

    name: str
    title: str
    row_type: type
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _joined(field: str) -> Callable[[Any], str]:
    return lambda row: JOIN.join(getattr(row, field))


def _listed(field: str) -> Callable[[Any], list[str]]:
    return lambda row: list(getattr(row, field))


def _attr(field: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, field)


def _label(field: str) -> Callable[[Any], str]:
    return lambda row: label_of(getattr(row, field))


def _code(field: str) -> Callable[[Any], Any]:
    """The stored identifier of an enum value (`in_progress`), or the text when it is plain text."""
    def code(row: Any) -> Any:
        value = getattr(row, field)
        return value.value if isinstance(value, Enum) else (value or None)
    return code


def _units(key: str, header: str, width: float) -> Column:
    return Column(key, header, width, _joined(key), _listed(key))


def _status(key: str, header: str, width: float) -> Column:
    return Column(key, header, width, _label(key), _code(key), centre=True, coded=True)


def _subtask_line(n: int, s: SubtaskLine) -> str:
    facts = [f"责任单位：{JOIN.join(s.owners)}" if s.owners else "",
             f"配合单位：{JOIN.join(s.co_owners)}" if s.co_owners else "",
             f"时限：{s.due_text or ''}{'（' + s.due.isoformat() + '）' if s.due else ''}" if s.due or s.due_text else ""]
    facts = [f for f in facts if f]
    return f"{n}. {s.text}" + (f"（{'；'.join(facts)}）" if facts else "")


def _subtasks_text(row: LedgerRow) -> str:
    """One numbered line per directive, as an office's 台账 writes 分解任务 in one cell."""
    return "\n".join(_subtask_line(n, s) for n, s in enumerate(row.subtasks, 1))


def _subtasks_data(row: LedgerRow) -> list[dict[str, Any]]:
    return [{"text": s.text, "owners": list(s.owners), "co_owners": list(s.co_owners), "due_text": s.due_text,
             "due": s.due} for s in row.subtasks]


LEDGER = ListSpec("ledger", "督办事项台账", LedgerRow, (
    Column("no", "序号", 6, _attr("no"), wrap=False, centre=True),
    Column("title", "事项", 42, _attr("title")),
    Column("subtasks", "分解任务", 60, _subtasks_text, _subtasks_data),
    Column("source", "来源", 22, _attr("source")),
    _units("lead_units", "牵头单位", 16),
    _units("co_units", "配合单位", 18),
    Column("due", "完成时限", 16, _attr("due"), wrap=False, centre=True),
    Column("progress", "进展情况", 40, _attr("progress")),
    _status("state", "状态", 9),
    Column("warning", "预警", 8, _label("warning"), _code("warning"), centre=True, coded=True,
           tint=_attr("warning")),
))

TARGETS = ListSpec("targets", "目标指标完成情况表", TargetRow, (
    Column("indicator", "指标", 36, _attr("indicator")),
    Column("value", "目标值", 12, _attr("value"), centre=True),
    Column("unit", "单位", 10, _attr("unit"), centre=True),
    Column("year", "年度", 8, _attr("year"), wrap=False, centre=True),
    _units("responsible_units", "责任单位", 24),
    Column("actual", "实际值", 12, _attr("actual"), centre=True),
    _status("status", "状态", 12),
))

SUGGESTIONS = ListSpec("suggestions", "代表建议办理情况台账", SuggestionRow, (
    Column("no", "序号", 6, _attr("no"), wrap=False, centre=True),
    Column("title", "建议标题", 40, _attr("title")),
    _units("deputies", "代表", 14),
    Column("category", "类别", 12, _attr("category"), centre=True),
    _units("lead_units", "主办单位", 16),
    _units("co_units", "协办单位", 18),
    Column("reply_due", "答复期限", 16, _attr("reply_due"), wrap=False, centre=True),
    _status("state", "状态", 10),
    _status("satisfaction", "满意度", 10),
))

LISTS: dict[str, ListSpec] = {spec.name: spec for spec in (LEDGER, TARGETS, SUGGESTIONS)}


def spec_for(name: str) -> ListSpec:
    """The list called `name` (ledger, targets, suggestions)."""
    try:
        return LISTS[name]
    except KeyError:
        raise ExportError(f"没有“{name}”这份清单可导出：可选{'、'.join(LISTS)}") from None


def check_rows(spec: ListSpec, rows: Sequence[Any]) -> None:
    """Refuse a row of the wrong type before anything is written, naming its position."""
    for i, row in enumerate(rows):
        if not isinstance(row, spec.row_type):
            raise ExportError(f"{spec.name} export: row {i + 1} is a {type(row).__name__}, "
                              f"expected {spec.row_type.__name__}")
