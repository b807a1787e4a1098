"""Quantities as written in Chinese official text: `5%以上`, `1.7万人`, `超92亿元`, `4.5%—5%`, `百分之十五`.

Numbers, magnitudes (万/亿), units, bounds and ranges are recognised from data (rules/reports.json);
names (`PM2.5`, `G60`), years, dates, ordinals (`第3`) and set phrases (`三大工程`, `十四五`) are not quantities.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from luoshi.extract.numerals import BIG, DIGITS, UNITS, counting_value, to_ascii_digits

_DATA: dict[str, Any] = json.loads(
    resources.files("luoshi.extract").joinpath("rules/reports.json").read_text(encoding="utf-8"))["quantities"]

CN_DIGITS = "零〇一二两三四五六七八九"
# One pattern finds every candidate number; the rest of the recognition looks at fixed positions
# around it, so no pattern can backtrack over running text.
NUMBER = re.compile(
    r"百分之[零〇一二两三四五六七八九十百点]+"
    r"|[0-9０-９]+(?:[.．][0-9０-９]+)?"
    r"|[零〇一二两三四五六七八九十百千万亿点]{2,}"
)


def _alternation(words) -> re.Pattern:
    """A pattern matching the longest of `words` at a position (literals only: no backtracking)."""
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def _lookup(groups: list[dict], key: str) -> dict[str, dict]:
    return {word: g for g in groups for word in g[key]}


UNIT_RULE: dict[str, str] = {u: g["id"] for g in _DATA["units"] for u in g["units"]}
UNIT = _alternation(UNIT_RULE)
COUNT_UNITS = frozenset(u for g in _DATA["units"] if g["id"] in ("unit.count", "unit.people") for u in g["units"])
MAGNITUDE = _alternation(_DATA["magnitudes"])
NOT_UNIT = _alternation(_DATA["not_units_after"])
PREFIX_BOUND = _lookup(_DATA["bound_prefixes"], "words")
PREFIX_BOUND_RX = re.compile("(?:" + _alternation(PREFIX_BOUND).pattern + r")$")
PREFIX_BLOCKERS: dict[str, list[str]] = _DATA["prefix_blockers"]  # 签约1.5万人 is not 约1.5万人
SUFFIX_BOUND = _lookup(_DATA["bound_suffixes"], "words")
SUFFIX_BOUND_RX = _alternation(SUFFIX_BOUND)
APPROXIMATE = frozenset(_DATA["approximate_marks"])
RANGE_MARKS = frozenset(_DATA["range_marks"])
QUOTES: list[tuple[str, str]] = [tuple(q) for q in _DATA["name_quotes"]]  # type: ignore[misc]
RANK_BEFORE = tuple(_DATA["ranks"]["before"])
RANK_UNITS = frozenset(_DATA["ranks"]["units"])
QUOTE_REACH = 30  # a quoted name (“三十而立再出发”) is short; a longer quote is speech, not a name
ASCII_NAME = re.compile(r"[A-Za-z\-_/.·]")


@dataclass(frozen=True)
class Quantity:
    """A quantity found in text[start:end] (bound prefix, number, unit, bound suffix).

    `number_start` is where its first number starts; `unit` is as written with its magnitude (`万人`);
    `rule` is the id of the unit rule that recognised it.
    """

    start: int
    end: int
    number_start: int
    value: int | float
    unit: str
    bound: str | None
    rule: str
    value_max: int | float | None = None

    @property
    def is_count(self) -> bool:
        """A count of things (`6个`, `20家`): the thing counted usually follows the unit."""
        base = self.unit.lstrip("万亿千百十")
        return base in COUNT_UNITS


def number_value(s: str) -> int | float | None:
    """The value of a numeral known to be one: `5`, `4.05`, `１２`, `四百`, `三点五`, `百分之十五`."""
    s = to_ascii_digits(s).replace("．", ".")
    if s.startswith("百分之"):
        s = s[3:]
    if not s:
        return None
    if s[0].isdigit():
        try:
            return int(s) if "." not in s else float(s)
        except ValueError:
            return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = chinese_value(whole) if whole else 0
        if w is None or not frac or any(c not in DIGITS for c in frac):
            return None
        return float(f"{w}.{''.join(str(DIGITS[c]) for c in frac)}")
    return chinese_value(s)


def chinese_value(s: str) -> int | None:
    """The value of a Chinese numeral in the counting form (一千二百, 十五, 两万); None otherwise.

    Digit-by-digit forms (二〇二三, 一二三) are years or lists, not counts, so they are refused.
    """
    if not s or not any(c in DIGITS for c in s) and s[0] not in "十":
        return None
    prev = ""
    for c in s:
        if c not in DIGITS and c not in UNITS and c not in BIG:
            return None
        if prev and prev in DIGITS and c in DIGITS and prev not in "零〇":
            return None
        if prev in "零〇" and c in "零〇":
            return None
        prev = c
    return counting_value(s)


def _in_quoted_name(text: str, pos: int) -> bool:
    lo = max(0, pos - QUOTE_REACH)
    for open_, close in QUOTES:
        o = text.rfind(open_, lo, pos)
        if o < 0:
            continue
        if open_ == close:  # straight quotes: inside when an odd number precede on the line
            continue
        if text.rfind(close, o, pos) < 0 and 0 <= text.find(close, pos, pos + QUOTE_REACH):
            nl = text.find("\n", pos, pos + QUOTE_REACH)
            if nl < 0 or text.find(close, pos, nl) >= 0:
                return True
    return False


@dataclass
class _Reading:
    value: int | float
    end: int
    unit: str  # magnitude + unit as written; "" when none
    magnitude: str
    approximate: bool
    rule: str | None


def _read_after(text: str, pos: int, end: int, value: int | float, magnitude: str = "") -> _Reading:
    """Read what follows a number at `pos`: 多/余, a magnitude (万/亿), 多/余 again, a unit."""
    approximate = False
    if pos < end and text[pos] in APPROXIMATE:
        approximate, pos = True, pos + 1
    if not magnitude:
        m = MAGNITUDE.match(text, pos, end)
        if m:
            magnitude, pos = m.group(), m.end()
            if pos < end and text[pos] in APPROXIMATE:
                approximate, pos = True, pos + 1
    unit, rule = magnitude, None
    m = UNIT.match(text, pos, end)
    not_unit = NOT_UNIT.match(text, pos, end)
    if m and (not not_unit or len(m.group()) > len(not_unit.group())):
        unit, rule, pos = magnitude + m.group(), UNIT_RULE[m.group()], m.end()
    return _Reading(value, pos, unit, magnitude, approximate, rule)


def _number_at(text: str, m: re.Match) -> tuple[int | float, str] | None:
    """The value of the number matched by NUMBER, and the magnitude it ends with (Chinese 四百万 → 400, 万)."""
    s = m.group()
    if s.startswith("百分之"):
        v = number_value(s)
        return (v, "%") if v is not None else None
    if s[0] in "0123456789０１２３４５６７８９":
        v = number_value(s)
        return (v, "") if v is not None else None
    for mag in ("万亿", "亿", "万"):
        if s.endswith(mag) and len(s) > len(mag):
            v = number_value(s[: -len(mag)])
            if v is not None:
                return v, mag
    v = number_value(s)
    return (v, "") if v is not None else None


def _is_name_or_date(text: str, start: int, end: int, s: str) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before == "第":
        return True
    if s[0].isascii() and (ASCII_NAME.fullmatch(before or " ") or ASCII_NAME.fullmatch(after or " ")
                           and after not in ".-/" and not UNIT.match(text, end)):
        return True  # PM2.5, G60, C919, 5G: names with digits
    if len(s) == 4 and s.isdigit() and 1900 <= int(s) <= 2100:
        rest = text[end:end + 6]
        if rest[:1] == "年" or (rest[:1] in RANGE_MARKS and rest[1:5].isdigit()):
            return True
    return False


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every quantity in text[start:end], in order."""
    end = len(text) if end is None else end
    found: list[Quantity] = []
    pos = start
    while True:
        m = NUMBER.search(text, pos, end)
        if not m:
            return found
        q = _quantity(text, m, start, end)
        if q is not None:
            found.append(q)
            pos = max(q.end, m.end())
        else:
            pos = m.end()


def _quantity(text: str, m: re.Match, lo: int, end: int) -> Quantity | None:
    s, ns = m.group(), m.start()
    if _is_name_or_date(text, ns, m.end(), s) or _in_quoted_name(text, ns):
        return None
    parsed = _number_at(text, m)
    if parsed is None:
        return None
    value, magnitude = parsed
    if magnitude == "%":  # 百分之十五
        reading = _Reading(value, m.end(), "%", "", False, "unit.percent")
    else:
        reading = _read_after(text, m.end(), end, value, magnitude)
    value_max = None
    ranged = _range(text, reading, s, end)
    if ranged is not None:
        value_max, reading = ranged
    if reading.rule is None:  # a bare number or magnitude (50亿级, 604省道): not a quantity
        return None
    pos = reading.end
    if reading.unit in RANK_UNITS and text[max(lo, ns - 1):ns] in RANK_BEFORE:
        return None
    bound, start = None, ns
    suffix = SUFFIX_BOUND_RX.match(text, pos, end)
    if value_max is not None:
        bound = "区间"
    elif suffix:
        bound, pos = SUFFIX_BOUND[suffix.group()]["bound"], suffix.end()
    prefix = PREFIX_BOUND_RX.search(text, max(lo, ns - 4), ns)
    if prefix and prefix.start() > 0 and text[prefix.start() - 1] in PREFIX_BLOCKERS.get(prefix.group(), ()):
        prefix = None
    if prefix:
        start = prefix.start()
        bound = bound or PREFIX_BOUND[prefix.group()]["bound"]
    if bound is None and reading.approximate:
        bound = "以上"  # 5300多栋, 166万余件
    return Quantity(start, pos, ns, value, reading.unit, bound, reading.rule, value_max)


def _range(text: str, first: _Reading, s: str, end: int) -> tuple[int | float, _Reading] | None:
    """`4.5—5%`, `4.5%—5%`, `10亿—20亿元`: the upper value and the reading of the range's unit, or None.

    Both ends are the same kind of numeral; a first number without a unit takes the second's.
    """
    pos = first.end
    if pos >= end or text[pos] not in RANGE_MARKS:
        return None
    m2 = NUMBER.match(text, pos + 1, end)
    if not m2 or m2.group()[0].isdigit() != s[0].isdigit():
        return None
    parsed = _number_at(text, m2)
    if parsed is None or parsed[1] == "%":
        return None
    second = _read_after(text, m2.end(), end, parsed[0], parsed[1])
    if second.rule is None or first.rule is not None and second.unit != first.unit:
        return None
    return parsed[0], _Reading(first.value, second.end, second.unit, second.magnitude, first.approximate, second.rule)
