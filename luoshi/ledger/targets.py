"""Targets (指标) as tracked values: the goal a work report set, the actual values units enter by month or
quarter, and the status against plan with the rule that decided it, spelled out for the reader.

The comparison of a figure with a goal (`meets`, with bounds, tolerance, direction and unit scaling) is
the one `delivery` uses too, so a target's year-end status and its promise-versus-delivery verdict agree.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from luoshi import glossary
from luoshi.ledger import wording
from luoshi.ledger.canonical import jsonable
from luoshi.ledger.errors import InvalidValue
from luoshi.ledger.items import SourceRef


class Bound(StrEnum):
    """How the figure is bounded; the record spells it in Chinese (`以上`), `Bound.parse` reads both."""

    AT_LEAST = "at_least"  # 以上
    AT_MOST = "at_most"  # 以下
    WITHIN = "within"  # 以内, a ceiling like 以下
    ABOUT = "about"  # 左右
    RANGE = "range"  # 区间: value to value_max

    @property
    def label(self) -> str:
        return glossary.zh(f"bound.{self.value}")

    @classmethod
    def parse(cls, word: str | None) -> Bound | None:
        if word is None or word == "":
            return None
        by_label = {glossary.zh(f"bound.{b.value}"): b for b in cls}
        if word in by_label:
            return by_label[word]
        try:
            return cls(word)
        except ValueError:
            valid = "、".join(f"{b.label}（{b.value}）" for b in cls)
            raise InvalidValue(f"界限“{word}”无法识别：可选{valid}", "bound") from None


class TargetKind(StrEnum):
    TARGET = "target"  # 主要预期目标
    COMMITMENT = "commitment"  # 量化任务

    @property
    def label(self) -> str:
        return glossary.zh(f"target_kind.{self.value}")


class Accumulation(StrEnum):
    """How the year's figure builds up: a rate or level (compare the latest) or a running total."""

    RATE = "rate"  # 增长5%, 失业率5%: the latest actual is the year's figure so far
    CUMULATIVE = "cumulative"  # 新建40座: the total to date, against a pro-rata plan


class Direction(StrEnum):
    HIGHER = "higher"  # more is better (most targets)
    LOWER = "lower"  # less is better: a ceiling such as 失业率, 居民消费价格涨幅, PM2.5浓度


class Entry(StrEnum):
    """What an actual value of a cumulative target is: the total to date (截至本期累计) or the period's own."""

    TO_DATE = "to_date"
    PER_PERIOD = "per_period"


class Status(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    ACHIEVED = "achieved"
    MISSED = "missed"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return glossary.zh(f"target_status.{self.value}")


# -- figures and units -----------------------------------------------------------------------------

def number(value: Any, name: str = "value") -> Decimal | None:
    """`value` as an exact Decimal (None stays None); a float goes through its shortest repr (4.8, not 4.79…)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidValue(f"{name} must be a number, not {value!r}", name)
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidValue(f"{name} must be a number such as 4.8 or 17000, not {value!r}", name) from None


def fmt(value: Decimal | None) -> str:
    """A figure as people write it: 3.75, 17000, never 1.7E+4 or 3.750."""
    if value is None:
        return "—"
    return format(value.normalize(), "f")


def scale(unit: str | None) -> tuple[Decimal, str]:
    """The factor and base of a unit: `万人` → (10000, `人`); `亿美元` → (10⁸, `美元`); `%` → (1, `%`)."""
    unit = (unit or "").strip()
    unit = wording.UNIT_ALIASES.get(unit, unit)
    if not unit or unit.startswith(wording.UNSCALED):
        return Decimal(1), unit
    for prefix, factor in wording.PREFIXES:
        rest = unit[len(prefix):]
        if unit.startswith(prefix) and rest and not rest.startswith(wording.UNSCALED):
            inner, base = scale(rest)  # 万千瓦 is 10⁴ 千瓦, 10⁷ 瓦
            return factor * inner, base
    return Decimal(1), unit


def convert(value: Decimal, unit: str | None, to_unit: str | None) -> Decimal | None:
    """`value` in `unit` expressed in `to_unit` (1.62万人 → 16200人), or None when the bases differ."""
    factor, base = scale(unit)
    to_factor, to_base = scale(to_unit)
    if base != to_base:
        return None
    return value * factor / to_factor


def is_percent(unit: str | None) -> bool:
    return scale(unit)[1] in wording.PERCENT_UNITS


def measure_class(measure: str | None, indicator: str = "") -> str:
    """`rise`, `fall` or `level`: from the measure (增长, 下降), else from how the indicator ends (涨幅)."""
    if measure and measure.endswith(wording.LEVEL_ENDINGS):
        return "level"
    for text in (measure or "", indicator[-2:]):
        if any(w in text for w in wording.RISE):
            return "rise"
        if any(w in text for w in wording.FALL):
            return "fall"
    return "level"


# -- the tracked target -----------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class Target:
    """A target or commitment of a work report, tracked over its year. `value` None: no numeric goal.

    `accumulation` and `direction` are inferred from the unit, measure and indicator when not set.
    """

    id: str
    indicator: str
    value: Decimal | None
    unit: str | None = None
    year: int
    measure: str | None = None
    value_max: Decimal | None = None
    bound: Bound | None = None
    kind: TargetKind = TargetKind.TARGET
    text: str = ""
    lead_units: tuple[str, ...] = ()
    co_units: tuple[str, ...] = ()
    source: SourceRef | None = None
    accumulation: Accumulation | None = None
    direction: Direction | None = None
    entry: Entry = Entry.TO_DATE

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "value", number(self.value))
        set_(self, "value_max", number(self.value_max, "value_max"))
        set_(self, "bound", Bound.parse(self.bound) if isinstance(self.bound, str) else self.bound)
        set_(self, "kind", TargetKind(self.kind))
        set_(self, "entry", Entry(self.entry))
        set_(self, "lead_units", tuple(self.lead_units))
        set_(self, "co_units", tuple(self.co_units))
        if self.bound is Bound.RANGE and self.value_max is None:
            raise InvalidValue(f"target {self.id!r}: a range (区间) needs value_max", "value_max")

    @classmethod
    def from_record(cls, record: Mapping[str, Any], *, id: str, year: int | None = None,
                    kind: TargetKind | str = TargetKind.TARGET, document: str | None = None,
                    path: str | None = None, **more: Any) -> Target:
        """A target from a work report's `targets[i]` or `commitments[i]` record (`quote` read as `text`)."""
        span = record.get("span")
        source = SourceRef(document, tuple(span), path) if document and span else None
        the_year = record.get("year") or year
        if not the_year:
            raise InvalidValue(f"target {id!r} has no year and its report no plan_year: give the year", "year")
        return cls(id=id, indicator=record.get("indicator") or "", value=record.get("value"),
                   unit=record.get("unit"), year=the_year, measure=record.get("measure"),
                   value_max=record.get("value_max"), bound=Bound.parse(record.get("bound")), kind=kind,
                   text=record.get("text") or record.get("quote") or "", source=source, **more)

    @property
    def how(self) -> Accumulation:
        if self.accumulation is not None:
            return self.accumulation
        if is_percent(self.unit) or measure_class(self.measure, self.indicator) != "level":
            return Accumulation.RATE
        if any(w in self.indicator for w in wording.LEVEL_WORDS):
            return Accumulation.RATE
        return Accumulation.CUMULATIVE

    def better(self, words: Sequence[str] = wording.LOWER_IS_BETTER) -> Direction:
        """Which way is better: a fall of an indicator where less is better (能耗下降2.5%) is a higher-is-better figure."""
        if self.direction is not None:
            return self.direction
        lower = any(w in self.indicator or w in (self.measure or "") for w in words)
        if lower and measure_class(self.measure, self.indicator) != "fall":
            return Direction.LOWER
        return Direction.HIGHER


def from_report(report: Mapping[str, Any], *, prefix: str | None = None, year: int | None = None) -> list[Target]:
    """The targets and commitments of a work report's plan year (or `year`, when the report does not say)
    as tracked targets, with ids `{prefix}-t1…`, `{prefix}-c1…` (the document's name by default) and spans."""
    doc, year = report.get("source"), report.get("plan_year") or year
    prefix = prefix or doc or "report"
    return [Target.from_record(r, id=f"{prefix}-{kind[0]}{i + 1}", year=year, kind=kind[:-1], document=doc,
                               path=f"{kind}[{i}]")
            for kind in ("targets", "commitments") for i, r in enumerate(report.get(kind) or [])]


# -- the comparison shared with delivery -------------------------------------------------------------

@dataclass(frozen=True)
class Policy:
    """How figures are judged. `about_points`: the tolerance of 左右 for a percentage, in points;
    `about_share`: for any other unit, as a share of the value; `overshoot_counts`: a figure beyond a
    左右 or 区间 goal on the better side (GDP 增长6% against 5%左右) counts as achieved."""

    about_points: Decimal = Decimal("0.5")
    about_share: Decimal = Decimal("0.05")
    overshoot_counts: bool = True
    lower_is_better: tuple[str, ...] = wording.LOWER_IS_BETTER

    def tolerance(self, target: Target) -> Decimal:
        assert target.value is not None
        if is_percent(target.unit):
            return self.about_points
        return abs(target.value) * self.about_share


def assess(actual: Decimal, target: Target, policy: Policy = Policy()) -> tuple[bool, str]:
    """Whether `actual` (in the target's unit) meets the target's goal under its bound, and a note when
    it does so only by overshooting a 左右 or 区间 goal on the better side (empty otherwise)."""
    goal = target.value
    if goal is None:
        raise InvalidValue(f"target {target.id!r} has no numeric goal to compare with", "value")
    lower = target.better(policy.lower_is_better) is Direction.LOWER
    bound = target.bound
    if bound is Bound.AT_LEAST:
        return actual >= goal, ""
    if bound in (Bound.AT_MOST, Bound.WITHIN):
        return actual <= goal, ""
    if bound is Bound.ABOUT:
        low, high = goal - policy.tolerance(target), goal + policy.tolerance(target)
    elif bound is Bound.RANGE:
        assert target.value_max is not None
        low, high = goal, target.value_max
    else:  # a plain figure is a floor, or a ceiling where less is better
        return (actual <= goal if lower else actual >= goal), ""
    if low <= actual <= high:
        return True, ""
    if policy.overshoot_counts and (actual < low if lower else actual > high):
        return True, "低于目标，该指标越低越好" if lower else "高于目标"
    return False, ""


def meets(actual: Decimal, target: Target, policy: Policy = Policy()) -> bool:
    """Whether `actual` (in the target's unit) meets the target's goal under its bound."""
    return assess(actual, target, policy)[0]


def goal_text(target: Target, policy: Policy = Policy()) -> str:
    """The goal in a reader's words: `增长≥5%`, `新建40座`, `增长5%左右（±0.5个百分点）`, `增长4.5%～5%`."""
    measure, unit, value = target.measure or "", target.unit or "", fmt(target.value)
    if target.value is None:
        return f"{target.indicator}（无量化目标）"
    bound = target.bound
    if bound is Bound.AT_LEAST:
        return f"{measure}≥{value}{unit}"
    if bound in (Bound.AT_MOST, Bound.WITHIN):
        return f"{measure}≤{value}{unit}"
    if bound is Bound.RANGE:
        return f"{measure}{value}{unit}～{fmt(target.value_max)}{unit}"
    if bound is Bound.ABOUT:
        tol = policy.tolerance(target)
        spread = f"±{fmt(tol)}个百分点" if is_percent(target.unit) else f"±{fmt(tol)}{unit}"
        return f"{measure}{value}{unit}左右（{spread}）"
    return f"{measure}{value}{unit}"


# -- periods and actual values -----------------------------------------------------------------------

CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
PERIOD_FORMS = (
    re.compile(r"^(?P<y>\d{4})-?Q(?P<q>[1-4])$", re.I),
    re.compile(r"^(?P<y>\d{4})年?第?(?P<q>[一二三四1-4])季度$"),
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?:份|末|底)?$"),
)


@dataclass(frozen=True, order=True)
class Period:
    """A month (`2024-03`) or a quarter (`2024-Q3`) of a year; ordered by the month it ends in."""

    year: int
    end_month: int
    quarterly: bool = False

    @classmethod
    def parse(cls, text: Any) -> Period:
        """From `2024-03`, `2024年3月`, `2024-Q3`, `2024年三季度`, or a date (a spreadsheet cell read as one)."""
        if isinstance(text, date):
            return cls(text.year, text.month)
        raw = str(text).strip() if text is not None else ""
        for form in PERIOD_FORMS:
            m = form.match(raw)
            if not m:
                continue
            groups = m.groupdict()
            if groups.get("q"):
                return cls(int(groups["y"]), 3 * CN_QUARTER[groups["q"]], True)
            month = int(groups["m"])
            if 1 <= month <= 12:
                return cls(int(groups["y"]), month)
        raise InvalidValue(f"期间“{text}”不是月份或季度：请写成 2024-03 或 2024-Q3", "period")

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.end_month // 3}" if self.quarterly else f"{self.year}-{self.end_month:02d}"

    @property
    def label(self) -> str:
        if self.quarterly:
            return f"{self.year}年{'一二三四'[self.end_month // 3 - 1]}季度"
        return f"{self.year}年{self.end_month}月"

    @property
    def share(self) -> Decimal:
        """The share of the year gone by the end of the period: Q3 → 0.75."""
        return Decimal(self.end_month) / 12


@dataclass(frozen=True, kw_only=True)
class Actual:
    """An actual value of a target for a period, in the target's unit, with who entered it and when."""

    target_id: str
    period: Period
    value: Decimal
    entered_by: str
    at: datetime
    note: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.period, Period):
            object.__setattr__(self, "period", Period.parse(self.period))
        object.__setattr__(self, "value", number(self.value))


@dataclass(frozen=True)
class TargetStatus:
    """The status, the rule that gave it in words, the figure compared and (cumulative) the plan by then."""

    status: Status
    rule: str
    actual: Decimal | None = None
    plan: Decimal | None = None
    period: Period | None = None


def _latest_by_period(actuals: Iterable[Actual]) -> dict[Period, Actual]:
    """One value per period: a later entry for the same period corrects the earlier."""
    out: dict[Period, Actual] = {}
    for a in sorted(actuals, key=lambda a: a.at):
        out[a.period] = a
    return dict(sorted(out.items()))


def status(target: Target, actuals: Iterable[Actual], today: date, policy: Policy = Policy()) -> TargetStatus:
    """The status of `target` on `today` from its actual values (others' and other years' are ignored).

    A rate is judged by its latest value; a running total against the share of the goal due by the end
    of the latest period (pro rata), and is achieved as soon as a floor is reached. After the year ends
    the status is achieved or missed.
    """
    goal = goal_text(target, policy)
    if target.value is None:
        return TargetStatus(Status.NO_DATA, f"{goal}，不作数值判断")
    if today.year < target.year:
        return TargetStatus(Status.NO_DATA, f"目标{goal}，{target.year}年尚未开始")
    by_period = _latest_by_period(a for a in actuals if a.target_id == target.id and a.period.year == target.year)
    over = today.year > target.year
    if not by_period:
        when = f"{target.year}年已结束" if over else "截至目前"
        return TargetStatus(Status.NO_DATA, f"目标{goal}，{when}尚无实际值")
    last = next(reversed(by_period))
    if target.how is Accumulation.RATE:
        return _rate(target, by_period[last].value, last, over, goal, policy)
    total = _sum(by_period) if target.entry is Entry.PER_PERIOD else by_period[last].value
    return _cumulative(target, total, last, over, goal, policy)


def _sum(by_period: dict[Period, Actual]) -> Decimal:
    """The total of per-period values; a quarter any of whose months has its own value is not counted twice."""
    months = {p.end_month for p in by_period if not p.quarterly}
    return sum((a.value for p, a in by_period.items()
                if not p.quarterly or not months & {p.end_month - 2, p.end_month - 1, p.end_month}), Decimal(0))


def _rate(target: Target, actual: Decimal, last: Period, over: bool, goal: str, policy: Policy) -> TargetStatus:
    ok, note = assess(actual, target, policy)
    unit, note = target.unit or "", f"（{note}）" if note else ""
    if over:
        verdict = Status.ACHIEVED if ok else Status.MISSED
        rule = (f"目标{goal}，{target.year}年实际{fmt(actual)}{unit}（{last.label}），"
                f"{'已完成' if ok else '未完成'}{note}")
        return TargetStatus(verdict, rule, actual, None, last)
    rule = f"目标{goal}，截至{last.label}实际{fmt(actual)}{unit}，{'符合目标' if ok else '未达目标'}{note}"
    return TargetStatus(Status.ON_TRACK if ok else Status.BEHIND, rule, actual, None, last)


def _cumulative(target: Target, total: Decimal, last: Period, over: bool, goal: str,
                policy: Policy) -> TargetStatus:
    assert target.value is not None
    unit = target.unit or ""
    ok = meets(total, target, policy)
    if over:
        verdict = Status.ACHIEVED if ok else Status.MISSED
        rule = f"目标{goal}，{target.year}年累计{fmt(total)}{unit}，{'已完成' if ok else '未完成'}"
        return TargetStatus(verdict, rule, total, target.value, last)
    lower = target.better(policy.lower_is_better) is Direction.LOWER
    floor = target.bound in (Bound.AT_LEAST, None) and not lower
    if floor and ok:
        return TargetStatus(Status.ACHIEVED, f"目标{goal}，截至{last.label}累计{fmt(total)}{unit}，已达到全年目标",
                            total, target.value, last)
    ceiling = target.value_max if target.bound is Bound.RANGE and lower else target.value
    plan = Decimal(fmt((ceiling * last.share).quantize(Decimal("0.01"))))
    on_track = total <= plan if lower else total >= plan
    rule = (f"目标{goal}，截至{last.label}累计{fmt(total)}{unit}，按进度应{'不超过' if lower else '达'}"
            f"{fmt(plan)}{unit}，{'进度正常' if on_track else '进度滞后'}")
    return TargetStatus(Status.ON_TRACK if on_track else Status.BEHIND, rule, total, plan, last)


def plain(value: Any) -> Any:
    """JSON-ready data of the values here (an actual, a status, a delivery match): figures as strings written
    as people write them (`"4.8"`, never a float), periods by key (`"2024-Q3"`), the rest as `canonical` does."""
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, Period):
        return value.key
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return jsonable(value)


# -- import of actual values (CSV/XLSX rows, already parsed) ---------------------------------------------

@dataclass(frozen=True)
class Column:
    """A column of the import template: its key, its heading (from the glossary), whether it must be filled."""

    key: str
    required: bool
    example: str

    @property
    def heading(self) -> str:
        return glossary.zh(f"column.{self.key}")


TEMPLATE_COLUMNS: tuple[Column, ...] = (
    Column("target_id", True, "t-2024-01"),
    Column("indicator", False, ""),
    Column("period", True, "2024-03 / 2024-Q3"),
    Column("value", True, "4.8"),
    Column("unit", False, ""),
    Column("note", False, ""),
)


def template_header() -> list[str]:
    """The header row of the downloadable template, in Chinese: 指标编号, 指标名称, 期间, 实际值, 单位, 备注."""
    return [c.heading for c in TEMPLATE_COLUMNS]


def template_rows(targets: Iterable[Target]) -> list[list[str]]:
    """One prefilled row per target (id, indicator, unit), period and value left for the unit to fill."""
    return [[t.id, t.indicator, "", "", t.unit or "", ""] for t in targets]


@dataclass(frozen=True)
class RowError:
    """A problem with one cell: the sheet row (the header is row 1), the column heading, the value, why."""

    row: int
    column: str
    value: Any
    message: str


def _keyed(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row keyed by column key, whether its headings are the Chinese ones or the keys."""
    names = {c.heading: c.key for c in TEMPLATE_COLUMNS} | {c.key: c.key for c in TEMPLATE_COLUMNS}
    return {names.get(str(k).strip(), str(k).strip()): v for k, v in row.items()}


def _cell(value: Any) -> str:
    """A cell as text; a whole number a spreadsheet read as a float (12.0) as the id it was typed as (12)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def validate_actuals(rows: Sequence[Mapping[str, Any]], targets: Iterable[Target], *, entered_by: str,
                     at: datetime, first_row: int = 2) -> tuple[list[Actual], list[RowError]]:
    """Check every row of an import and return the actual values with all the problems found.

    Rows are dicts keyed by heading (Chinese or key); `first_row` is the sheet row of `rows[0]`. The
    caller imports nothing when the error list is not empty, so a file is never half-imported.
    """
    by_id = {t.id: t for t in targets}
    errors: list[RowError] = []
    headings = {k for row in rows[:1] for k in _keyed(row)}
    missing = [c for c in TEMPLATE_COLUMNS if c.required and rows and c.key not in headings]
    for c in missing:
        errors.append(RowError(1, c.heading, None, f"the header has no column {c.heading} ({c.key}); the template's "
                                                   f"columns are {', '.join(template_header())}"))
    if missing:
        return [], errors
    actuals: list[Actual] = []
    seen: dict[tuple[str, Period], int] = {}
    for n, raw in enumerate(rows, start=first_row):
        row = _keyed(raw)
        if all(_blank(v) for v in row.values()):
            continue
        actual, problems, key = _row(n, row, by_id, entered_by, at)
        if key is not None:
            if key in seen:
                problems.append(RowError(n, glossary.zh("column.period"), row.get("period"),
                                         f"{key[0]} {key[1].key} is already given in row {seen[key]}; "
                                         f"give each target one value per period"))
            seen.setdefault(key, n)
        errors.extend(problems)
        if actual is not None and not problems:
            actuals.append(actual)
    return ([] if errors else actuals), errors


Key = tuple[str, Period]


def _row(n: int, row: dict[str, Any], by_id: dict[str, Target], entered_by: str,
         at: datetime) -> tuple[Actual | None, list[RowError], Key | None]:
    """The row's actual value (None if any cell is wrong), its problems, and its (target, period) when
    both of those are readable, so that a repeated period is found even in a row with other faults."""
    heading = {c.key: c.heading for c in TEMPLATE_COLUMNS}
    errors: list[RowError] = []

    def fail(key: str, message: str) -> None:
        errors.append(RowError(n, heading[key], row.get(key), message))

    for c in TEMPLATE_COLUMNS:
        if c.required and _blank(row.get(c.key)):
            fail(c.key, f"{c.heading} is empty; write e.g. {c.example}")
    if errors:
        return None, errors, None
    tid = _cell(row["target_id"])
    target = by_id.get(tid)
    if target is None:
        known = ", ".join(sorted(by_id)[:5]) + (" …" if len(by_id) > 5 else "")
        fail("target_id", f"no target {tid!r}; known targets: {known or 'none'}")
        return None, errors, None
    indicator = row.get("indicator")
    if not _blank(indicator) and str(indicator).strip() != target.indicator:
        fail("indicator", f"{tid} is {target.indicator!r}, not {str(indicator).strip()!r}; check the target id")
    period = value = None
    try:
        period = Period.parse(row["period"])
        if period.year != target.year:
            fail("period", f"{tid} is a target for {target.year}; write a period of {target.year}, "
                           f"e.g. {target.year}-03 or {target.year}-Q3")
    except InvalidValue as e:
        fail("period", str(e))
    value = _value(row, target, fail)
    key = (tid, period) if period is not None and period.year == target.year else None
    if errors or period is None or value is None:
        return None, errors, key
    note = None if _blank(row.get("note")) else str(row["note"]).strip()
    return Actual(target_id=tid, period=period, value=value, entered_by=entered_by, at=at, note=note), errors, key


def _value(row: dict[str, Any], target: Target, fail: Any) -> Decimal | None:
    """The value in the target's unit: scaled from the row's unit (1.7 万人 → 17000 人) when one is given."""
    raw = row["value"]
    text = str(raw).strip()
    if text.endswith(("%", "％")) and is_percent(target.unit):
        text = text[:-1]
    try:
        value = number(text)
    except InvalidValue:
        fail("value", f"{raw!r} is not a number; write e.g. 4.8 (in {target.unit or 'the target unit'})")
        return None
    assert value is not None
    unit = row.get("unit")
    if _blank(unit) or str(unit).strip() == (target.unit or ""):
        return value
    scaled = convert(value, str(unit).strip(), target.unit)
    if scaled is None:
        fail("unit", f"{str(unit).strip()!r} cannot be converted to {target.indicator}'s unit "
                     f"{target.unit!r}; leave it empty or write {target.unit!r}")
    return scaled


__all__ = ["Accumulation", "Actual", "Bound", "Column", "Direction", "Entry", "Period", "Policy", "RowError",
           "Status", "TEMPLATE_COLUMNS", "Target", "TargetKind", "TargetStatus", "assess", "convert", "fmt",
           "from_report", "goal_text", "is_percent", "measure_class", "meets", "number", "plain", "scale", "status",
           "template_header", "template_rows", "validate_actuals"]
