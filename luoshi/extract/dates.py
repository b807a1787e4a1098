"""Calendar dates as written in 公文: `2023年 12月 30日`, `二〇二三年十二月二十九日`, `2023.12.30`."""

from __future__ import annotations

import re
from datetime import date

from luoshi.extract.numerals import cn_to_int

_NUM = r"[0-9０-９〇○零一二三四五六七八九十]"
DATE = re.compile(
    rf"(?P<y>(?:19|20)[0-9]{{2}}|[一二][〇○零一二三四五六七八九]{{3}})\s*年\s*"
    rf"(?P<m>{_NUM}{{1,3}})\s*月\s*(?P<d>{_NUM}{{1,3}})\s*[日号]"
)
# `2024-04-25`, also run into its time when layout spaces are gone (`2024-04-2519:35`)
NUMERIC_DATE = re.compile(r"(?<![0-9])(?P<y>(?:19|20)[0-9]{2})[.\-/](?P<m>[0-9]{1,2})[.\-/](?P<d>[0-9]{1,2})"
                          r"(?:(?![0-9])|(?=[0-9]{1,2}:[0-9]{2}))")
# `2023年1月3日至5日`, `1月3日至1月5日`, `2023年1月3日—5日`
PERIOD_TAIL = re.compile(rf"\s*(?:至|到|—|－|-|~|～)\s*(?:(?P<m>{_NUM}{{1,3}})\s*月\s*)?(?P<d>{_NUM}{{1,3}})\s*[日号]")


def make_date(y: int | None, m: int | None, d: int | None) -> date | None:
    try:
        return date(y, m, d) if y and m and d else None
    except ValueError:
        return None


def parse_date(match: re.Match) -> date | None:
    return make_date(cn_to_int(match["y"]), cn_to_int(match["m"]), cn_to_int(match["d"]))


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, date]]:
    """Every full date in text[start:end] as (start, end, date), in order."""
    end = len(text) if end is None else end
    found = []
    for rx in (DATE, NUMERIC_DATE):
        for m in rx.finditer(text, start, end):
            d = parse_date(m)
            if d:
                found.append((m.start(), m.end(), d))
    return sorted(found, key=lambda x: x[0])


def first_date(text: str) -> date | None:
    found = find_dates(text)
    return found[0][2] if found else None


def find_period(text: str) -> tuple[date, date] | None:
    """The first `2023年1月3日至5日`-style period: (first day, last day)."""
    for m in DATE.finditer(text):
        first = parse_date(m)
        tail = PERIOD_TAIL.match(text, m.end())
        if first and tail:
            month = cn_to_int(tail["m"]) if tail["m"] else first.month
            last = make_date(first.year, month, cn_to_int(tail["d"]))
            if last and last >= first:
                return first, last
    return None


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
