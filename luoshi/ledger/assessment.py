"""The assessment of units (考核): the measures counted for a unit over a period, and the score the office's
own rule (考核办法) gives them — a weight per measure plus a base, so the rule is data the office edits.

The measures are counted by `luoshi.store.assessment` in SQL; here are their names, what they mean, and
the arithmetic of rates and score. An extension never erases lateness: an item overdue before its
extension was granted stays "ever overdue" and is not done on time (see `luoshi.store.assessment`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from luoshi.ledger.errors import InvalidValue


@dataclass(frozen=True)
class Measure:
    key: str
    label: str  # Chinese, as the ranking page and the XLSX head their columns
    kind: str  # count | rate | days
    help: str


MEASURES: tuple[Measure, ...] = (
    Measure("items", "事项数", "count", "期间内在办或办结的督办事项（牵头），不含撤销"),
    Measure("received", "新交办", "count", "期间内交办的事项"),
    Measure("done", "办结", "count", "期间内批准办结的事项"),
    Measure("done_on_time", "按期办结", "count", "办结且从未逾期的事项（逾期后获批延期的不算按期）"),
    Measure("overdue_now", "当前逾期", "count", "今天仍逾期未办结的事项"),
    Measure("ever_overdue", "曾逾期", "count", "曾经逾期的事项：逾期后才获批延期、逾期办结或至今逾期"),
    Measure("returned", "被退回", "count", "办结申请被退回过的事项"),
    Measure("extended", "延期", "count", "获批延期的事项"),
    Measure("late_extension", "逾期后申请延期", "count", "过了期限才申请延期的事项"),
    Measure("avg_days", "平均办结天数", "days", "期间内办结事项从交办到办结的平均天数"),
    Measure("reports", "报送进展", "count", "期间内报送进展和申请办结的次数"),
    Measure("reports_on_time", "按时报送", "count", "距上次报送（或交办）不超过报送周期的报送"),
    Measure("completion_rate", "办结率", "rate", "办结 ÷ 事项数"),
    Measure("on_time_rate", "按期办结率", "rate", "按期办结 ÷ 办结"),
    Measure("report_rate", "报送及时率", "rate", "按时报送 ÷ 报送进展"),
)
BY_KEY = {m.key: m for m in MEASURES}
DEFAULT_WEIGHTS: dict[str, float] = {"completion_rate": 40, "on_time_rate": 40, "report_rate": 20,
                                     "overdue_now": -2, "returned": -1}


@dataclass(frozen=True)
class Formula:
    """score = base + Σ weight × measure; a rate counts as a fraction (0–1), so weight 40 on 按期办结率 gives
    up to 40 points; a negative weight on a count deducts per item."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    base: float = 0.0

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Formula:
        """From `{"base": 0, "weights": {"on_time_rate": 40, …}}`; an unknown measure or a weight that is not
        a number is refused, naming it and the valid measures."""
        weights = data.get("weights") or {}
        if not isinstance(weights, Mapping):
            raise InvalidValue("考核办法的权重应为“指标: 分值”的对应表", "weights")
        out = {}
        for key, value in weights.items():
            if key not in BY_KEY:
                valid = "、".join(f"{m.key}（{m.label}）" for m in MEASURES)
                raise InvalidValue(f"考核指标 {key!r} 不存在；可用的指标有：{valid}", "weights")
            out[key] = _number(value, BY_KEY[key].label)
        return cls(out, _number(data.get("base", 0) or 0, "基础分"))

    def to_dict(self) -> dict[str, Any]:
        """As stored and audited: figures as text (`"40"`, `"-2.5"`), since the audit log's canonical JSON
        holds no floats (they do not round-trip byte for byte across databases)."""
        return {"base": _text(self.base), "weights": {k: _text(v) for k, v in self.weights.items()}}

    def score(self, values: Mapping[str, float | None]) -> float:
        total = self.base + sum(w * (values.get(k) or 0) for k, w in self.weights.items())
        return round(total, 1)


def _text(number: float) -> str:
    return format(number, "g")


def _number(value: Any, label: str) -> float:
    if isinstance(value, bool):
        raise InvalidValue(f"{label}的分值应为数字，而不是 {value!r}", "weights")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidValue(f"{label}的分值应为数字，而不是 {value!r}；请填写如 40 或 -2", "weights") from None
    if number != number or abs(number) > 10_000:
        raise InvalidValue(f"{label}的分值应在 -10000 到 10000 之间", "weights")
    return number


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as —, scored as 0)."""
    return part / whole if whole else None


@dataclass(frozen=True)
class UnitScore:
    """One unit's measures over a period and its score under a formula; `rank` 1 is the best."""

    unit_id: int
    unit: str
    values: dict[str, float | None]
    score: float
    rank: int = 0


def rank(rows: list[tuple[int, str, dict[str, float | None]]], formula: Formula) -> list[UnitScore]:
    """The units scored and ranked: highest score first, ties sharing a rank (1, 2, 2, 4), then by name."""
    scored = sorted((UnitScore(i, name, values, formula.score(values)) for i, name, values in rows),
                    key=lambda s: (-s.score, s.unit))
    out, place = [], 0
    for n, s in enumerate(scored, start=1):
        if n == 1 or s.score != scored[n - 2].score:
            place = n
        out.append(UnitScore(s.unit_id, s.unit, s.values, s.score, place))
    return out
