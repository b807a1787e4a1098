"""Dates as Chinese official documents write them: `2026年11月25日`, `2026年10月份`.

Arabic numerals, as GB/T 9704-2012 prescribes for the date of a document.
"""

from __future__ import annotations

import calendar
from datetime import date


def zh_date(day: date) -> str:
    """`2026年11月25日` (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def is_whole_month(start: date, end: date) -> bool:
    return (start.day == 1 and start.year == end.year and start.month == end.month
            and end.day == calendar.monthrange(end.year, end.month)[1])


def period_label(start: date, end: date) -> str:
    """`2026年10月份` for a whole calendar month, else `2026年10月1日至11月15日` (year repeated only
    when it changes)."""
    if is_whole_month(start, end):
        return f"{start.year}年{start.month}月份"
    tail = f"{end.month}月{end.day}日" if end.year == start.year else zh_date(end)
    return f"{zh_date(start)}至{tail}"
