"""Due phrases of directives (年底前, 6月底前, 三季度末, 10个工作日内, 尽快) and the dates they fix.

The phrases are data (rules/timephrases.json); a phrase's date is resolved against a reference
date, the date of the document or of its meeting, so `年底前` in a December 2023 minute is 2023-12-31.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Callable

from luoshi.extract.numerals import cn_to_int

_DATA = json.loads(resources.files("luoshi.extract").joinpath("rules/timephrases.json").read_text(encoding="utf-8"))
RELATIVE_YEARS: dict[str, int] = _DATA["relative_years"]
MONTH_PARTS: dict[str, int] = _DATA["month_parts"]
FESTIVALS: dict[str, str] = _DATA["festivals"]
SPRING_FESTIVAL: dict[int, date] = {int(y): date.fromisoformat(d) for y, d in _DATA["spring_festival"].items()}
# A year-less date this many days before the reference is a past reference (传达了7月30日…), not a due.
PAST_GRACE = 31


@dataclass(frozen=True)
class Due:
    """A due phrase found in a text: text[start:end], its date (None when vague) and the rule's id."""

    start: int
    end: int
    text: str
    date: date | None
    rule: str
    priority: int = 0


@dataclass(frozen=True)
class Rule:
    id: str
    regex: re.Pattern
    resolve: str
    priority: int
    trigger: re.Pattern | None = None


def _expand(pattern: str, tokens: dict[str, str]) -> str:
    # Tokens refer to tokens ({YEAR} uses {Y}); a few passes resolve them.
    for _ in range(3):
        pattern = re.sub(r"\{([A-Z]+)\}", lambda m: f"(?:{tokens[m.group(1)]})", pattern)
    return pattern


def _compile(data: dict) -> list[Rule]:
    return [Rule(r["id"], re.compile(_expand(r["pattern"], data["tokens"])), r["resolve"], r.get("priority", 0),
                 re.compile(r["trigger"]) if r.get("trigger") else None)
            for r in data["rules"]]


RULES = _compile(_DATA)


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_workdays(d: date, n: int) -> date:
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


def _num(s: str | None) -> int | None:
    return cn_to_int(s) if s else None


def _year(m: re.Match, ref: date | None) -> tuple[int | None, bool]:
    """The phrase's year and whether the text states it (2024年, 明年) rather than leaving it implied."""
    if m.groupdict().get("y"):
        return _num(m["y"]), True
    if m.groupdict().get("ry"):
        return (ref.year + RELATIVE_YEARS[m["ry"]], True) if ref else (None, True)
    return (ref.year if ref else None), False


def _in_year(make: Callable[[int], date | None], m: re.Match, ref: date | None) -> date | None | bool:
    """The date `make(year)` for the phrase's year; a year-less date already past rolls to next year,
    unless it is only just past (then it is a reference to the past, and False says so)."""
    year, stated = _year(m, ref)
    if year is None:
        return None
    try:
        d = make(year)
    except ValueError:
        return None
    if d is None or stated or ref is None or d >= ref:
        return d
    if (ref - d).days <= PAST_GRACE:
        return False
    try:
        return make(year + 1)
    except ValueError:
        return None


def _month_end(m: re.Match, year: int, month: int) -> date:
    part = MONTH_PARTS.get(m.groupdict().get("part") or "", 0)
    return date(year, month, part) if part else last_day(year, month)


def _quarter_end(year: int, q: int) -> date:
    return last_day(year, q * 3)


def _festival_eve(name: str, ref: date) -> date | None:
    """The day before the first such festival after `ref` (春节 from the shipped table)."""
    when = FESTIVALS.get(name)
    if when is None:
        return None
    for year in (ref.year, ref.year + 1):
        if when == "spring_festival":
            day = SPRING_FESTIVAL.get(year)
        else:
            day = date.fromisoformat(f"{year}-{when}")
        if day and day > ref:
            return day - timedelta(days=1)
    return None


def _resolve(rule: Rule, m: re.Match, ref: date | None) -> date | None | bool:
    kind = rule.resolve
    g = m.groupdict()
    if kind == "none":
        return None
    if kind == "date":
        return _in_year(lambda y: date(y, _num(g["m"]), _num(g["d"])), m, ref)
    if kind == "month_end":
        return _in_year(lambda y: _month_end(m, y, _num(g["m"])), m, ref)
    if kind == "quarter_end":
        return _in_year(lambda y: _quarter_end(y, _num(g["q"])), m, ref)
    if kind == "half_end":
        return _in_year(lambda y: last_day(y, 6 if g["h"] == "上" else 12), m, ref)
    if kind == "year_end":
        year, _ = _year(m, ref)
        return date(year, 12, 31) if year else None
    if ref is None:
        return None  # everything below counts from the reference date
    return _relative(kind, m, ref)


def _relative(kind: str, m: re.Match, ref: date) -> date | None:
    g = m.groupdict()
    n = _num(g.get("n")) or 0
    if kind == "relative_quarter_end":
        q = (ref.month - 1) // 3 + (1 if g["rel"] == "本" else 2)
        return _quarter_end(ref.year + (q - 1) // 4, (q - 1) % 4 + 1)
    if kind == "this_month_end":
        return last_day(ref.year, ref.month)
    if kind == "next_month_end":
        nxt = add_months(ref.replace(day=1), 1)
        return _month_end(m, nxt.year, nxt.month)
    if kind == "week_end":
        return ref + timedelta(days=6 - ref.weekday())
    if kind == "next_week_end":
        return ref + timedelta(days=13 - ref.weekday())
    if kind == "workdays":
        return add_workdays(ref, n)
    if kind == "days":
        return ref + timedelta(days=n)
    if kind == "weeks":
        return ref + timedelta(weeks=n)
    if kind == "months":
        return add_months(ref, n)
    if kind == "years":
        return add_months(ref, 12 * n)
    if kind == "festival_eve":
        return _festival_eve(g["f"], ref)
    raise ValueError(f"time phrase rule kind {kind!r} is unknown; known: date, month_end, quarter_end, …")


def find_due(text: str, ref: date | None = None) -> list[Due]:
    """The due phrases of `text`, left to right, without overlaps (the longest wins where two start
    together). Dates count from `ref`; a phrase that needs `ref` has date None when ref is None."""
    found: list[Due] = []
    for rule in RULES:
        if rule.trigger is not None and not rule.trigger.search(text):
            continue  # the rule's phrase cannot be in this text: skip its slower pattern
        for m in rule.regex.finditer(text):
            if m.end() == m.start():
                continue
            when = _resolve(rule, m, ref)
            if when is False:
                continue
            found.append(Due(m.start(), m.end(), m.group(), when, rule.id, rule.priority))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    out: list[Due] = []
    for d in found:
        if not out or d.start >= out[-1].end:
            out.append(d)
    return out


def best_due(text: str, ref: date | None = None) -> Due | None:
    """The due phrase that dates a directive: the most definite one, then the first."""
    dues = find_due(text, ref)
    return max(dues, key=lambda d: (d.priority, -d.start)) if dues else None


def resolve(phrase: str, ref: date | None = None) -> date | None:
    """The date a due phrase fixes relative to `ref` (`6月底前`, 2023-12-29 → 2024-06-30), or None."""
    due = best_due(phrase, ref)
    return due.date if due else None
