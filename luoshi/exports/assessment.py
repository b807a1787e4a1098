"""The assessment ranking (考核排名) as XLSX: rank, unit, score, then every measure, in the ledger's
spreadsheet layout (title with the period, frozen header, A4 landscape)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from luoshi.exports.columns import Column, ListSpec
from luoshi.exports.dates import period_label
from luoshi.exports.xlsx import xlsx_bytes
from luoshi.ledger.assessment import MEASURES, Measure, UnitScore


def shown(measure: Measure, value: Any) -> Any:
    """A measure as a cell: a rate as `80.0%`, an average in days with one decimal, nothing as —."""
    if value is None:
        return "—"
    if measure.kind == "rate":
        return f"{value * 100:.1f}%"
    return value


def _measure_column(m: Measure) -> Column:
    return Column(m.key, m.label, 10 if m.kind != "rate" else 11, lambda u, m=m: shown(m, u.values.get(m.key)),
                  data=lambda u, m=m: u.values.get(m.key), wrap=False, centre=True)


def assessment_spec(start: date, end: date) -> ListSpec:
    columns = (Column("rank", "排名", 6, lambda u: u.rank, wrap=False, centre=True),
               Column("unit", "单位", 22, lambda u: u.unit),
               Column("score", "得分", 8, lambda u: u.score, wrap=False, centre=True),
               *(_measure_column(m) for m in MEASURES))
    return ListSpec("assessment", f"督办工作考核排名（{period_label(start, end)}）", UnitScore, columns)


def assessment_xlsx(units: Sequence[UnitScore], *, start: date, end: date, issuer: str = "",
                    generated: date | None = None) -> bytes:
    """The ranking of `start`..`end` as XLSX bytes, best first."""
    return xlsx_bytes(assessment_spec(start, end), units, issuer=issuer, generated=generated)
