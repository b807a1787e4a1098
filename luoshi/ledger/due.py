"""The due date an item is assigned with: the one its text fixes (`年底前` → 12-31), else a default per kind.

Defaults are rules a deployment sets: `30d` (days), `8w` (weeks), `3m` (months, clamped to the month's
end), `1y` (years) after assignment, or `year_end` (31 December of the year of assignment). A deputy's
suggestion defaults to three months, the time a reply is due by law.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from luoshi.ledger.errors import DueDatePassed, InvalidValue
from luoshi.ledger.items import Item, Kind

RULE = re.compile(r"^(?:(\d+)([dwmy])|year_end)$")


@dataclass(frozen=True)
class DuePolicy:
    """The default due rule of each kind of item, used when the text fixes no date."""

    decision: str = "30d"
    task: str = "30d"
    target: str = "year_end"
    suggestion: str = "3m"

    def __post_init__(self) -> None:
        for kind in Kind:
            rule = self.rule(kind)
            if not RULE.match(rule):
                raise InvalidValue(f"{kind.label}的默认期限 {rule!r} 无法识别：请写成例如 30d、8w、3m、1y 或 year_end"
                                   f"（LUOSHI_DUE_{kind.value.upper()}）", kind.value)

    def rule(self, kind: Kind) -> str:
        rules = {Kind.DECISION: self.decision, Kind.TASK: self.task, Kind.TARGET: self.target,
                 Kind.SUGGESTION: self.suggestion}
        return rules[Kind(kind)]


@dataclass(frozen=True)
class Due:
    """A due date and where it came from: `"text"` (the document fixed it) or `"default"` (`rule`)."""

    date: date
    source: str
    rule: str | None = None


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the last day of a shorter month (11-30 + 3m → 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def by_rule(rule: str, start: date) -> date:
    """The date `rule` gives counting from `start` (the day of assignment)."""
    m = RULE.match(rule)
    if not m:
        raise InvalidValue(f"期限规则 {rule!r} 无法识别：请写成例如 30d、8w、3m、1y 或 year_end", "rule")
    if rule == "year_end":
        return date(start.year, 12, 31)
    n, unit = int(m[1]), m[2]
    if unit == "d":
        return start + timedelta(days=n)
    if unit == "w":
        return start + timedelta(weeks=n)
    return add_months(start, n * (12 if unit == "y" else 1))


def due_date(kind: Kind, assigned_on: date, fixed: date | str | None = None,
             policy: DuePolicy = DuePolicy()) -> Due:
    """The date an item is due: `fixed` (the extracted ISO date) when the text gave one, else the default.

    A fixed date already past on assignment is kept: the item is overdue, which the office should see.
    """
    if fixed:
        return Due(_iso(fixed), "text")
    rule = policy.rule(kind)
    return Due(by_rule(rule, assigned_on), "default", rule)


def _iso(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidValue(f"完成时限“{value}”不是日期：请按年-月-日填写，如 2030-06-30", "due") from None


def due_for(item: Item, assigned_on: date, policy: DuePolicy = DuePolicy()) -> Due:
    """The due date to propose when `item` is assigned on `assigned_on`: its extracted date, or the default."""
    return due_date(item.kind, assigned_on, item.due, policy)


def check_not_past(due: date | str, today: date) -> None:
    """DueDatePassed when `due` is before `today`: an assignment that the office should confirm, knowing how
    late the item is from its first day."""
    day = _iso(due)
    if day < today:
        raise DueDatePassed(day, (today - day).days)
