"""Promise versus delivery (承诺兑现): last year's targets and commitments linked to the results the next
year's work report states, each link with a score, its reasons and a verdict, for a supervisor to confirm.

A link is proposed when the indicators share enough character bigrams (after pledge verbs are stripped and
glossary terms expanded), the units are compatible after scaling, and the measures agree; links are given
best first, each promise and each result used once. The verdict uses `targets.meets`, as a target's status does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from luoshi import glossary as terms
from luoshi.ledger import wording
from luoshi.ledger.targets import Bound, Policy, Target, assess, convert, fmt, goal_text, measure_class, number, scale


class Verdict(StrEnum):
    ACHIEVED = "achieved"
    MISSED = "missed"
    UNCLEAR = "unclear"

    @property
    def label(self) -> str:
        return terms.zh(f"verdict.{self.value}")


@dataclass(frozen=True, kw_only=True)
class Claim:
    """A quantified sentence of a report: a promise (`target`, `commitment`) or a result (`achievement`),
    with where it was read (`document`, `span`, `path` of the record field) to show both sentences."""

    kind: str
    text: str
    indicator: str
    value: Decimal | None
    unit: str | None = None
    measure: str | None = None
    value_max: Decimal | None = None
    bound: Bound | None = None
    year: int | None = None
    document: str | None = None
    span: tuple[int, int] | None = None
    path: str | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any], *, kind: str, year: int | None = None,
                    document: str | None = None, path: str | None = None) -> Claim:
        span = record.get("span")
        return cls(kind=kind, text=record.get("text") or record.get("quote") or "",
                   indicator=record.get("indicator") or "", value=number(record.get("value")),
                   unit=record.get("unit"), measure=record.get("measure"),
                   value_max=number(record.get("value_max"), "value_max"), bound=Bound.parse(record.get("bound")),
                   year=record.get("year") or year, document=document, span=tuple(span) if span else None, path=path)


def promises_of(report: Mapping[str, Any]) -> list[Claim]:
    """The targets and commitments of a work report's plan year."""
    year, doc = report.get("plan_year"), report.get("source")
    return [Claim.from_record(r, kind=kind[:-1], year=year, document=doc, path=f"{kind}[{i}]")
            for kind in ("targets", "commitments") for i, r in enumerate(report.get(kind) or [])]


def results_of(report: Mapping[str, Any], year: int | None = None) -> list[Claim]:
    """The achievements a work report states for `year` (by default its review year)."""
    year = year or report.get("review_year")
    doc = report.get("source")
    out = [Claim.from_record(r, kind="achievement", year=report.get("review_year"), document=doc,
                             path=f"achievements[{i}]") for i, r in enumerate(report.get("achievements") or [])]
    return [c for c in out if c.year is None or year is None or c.year == year]


@dataclass(frozen=True)
class Match:
    """A proposed link: the score (0–100), why it was proposed, the verdict and the rule behind it."""

    promise: Claim
    result: Claim
    score: int
    reasons: tuple[str, ...]
    verdict: Verdict
    rule: str


@dataclass(frozen=True)
class MatchPolicy:
    """`threshold`: the lowest score proposed. `counter_factor`: the weight of a link between two counting
    classifiers (家 vs 个). `change_level_factor`: the weight of a change (增长) against a level or amount;
    `opposite_factor`: of a rise against a fall; `abbreviation`: the similarity an abbreviation is given."""

    threshold: int = 55
    counter_factor: float = 0.8
    change_level_factor: float = 0.7
    opposite_factor: float = 0.9
    abbreviation: float = 0.8
    function_words: tuple[str, ...] = wording.FUNCTION_WORDS
    aliases: Mapping[str, str] | None = None
    judge: Policy = Policy()


# -- how alike two indicators are ---------------------------------------------------------------------

PUNCT = re.compile(r"[\s“”\"'‘’《》〈〉（）()【】\[\]、，,。：:；;·\-—～~/]+")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _definitions(glossary: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """`{term: what it stands for}` from reports' 名词解释 (`“智改数转”：指制造业智能化改造和数字化转型。`)."""
    out = {}
    for g in glossary:
        term = PUNCT.sub("", g.get("term") or "")
        meaning = re.split(r"[，,。；;]", (g.get("definition") or "").strip())[0]
        meaning = meaning[1:] if meaning.startswith("指") else meaning
        if term and meaning:
            out[term] = meaning
    return out


def _spelled(claim: Claim, policy: MatchPolicy, definitions: Mapping[str, str] | None) -> str:
    """The indicator without punctuation, glossary terms expanded and aliases applied."""
    s = claim.indicator or NUMBER.sub("", claim.text).replace(claim.unit or "\0", "")
    s = PUNCT.sub("", s)
    for term, meaning in (definitions or {}).items():
        s = s.replace(term, meaning)
    for alias, full in (policy.aliases if policy.aliases is not None else wording.ALIASES).items():
        s = s.replace(alias, full)
    return s


def normalise(claim: Claim, policy: MatchPolicy = MatchPolicy(),
              definitions: Mapping[str, str] | None = None) -> str:
    """The indicator as compared: glossary terms expanded, aliases applied, punctuation and pledge words gone."""
    s = _spelled(claim, policy, definitions)
    for word in policy.function_words:
        s = s.replace(word, "")
    # The result's indicator often carries its measure (地区生产总值增长) where the promise's does not.
    for word in (*wording.RISE, *wording.FALL):
        if s.endswith(word) and len(s) > len(word):
            s = s[:-len(word)]
    return s


def _grams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def abbreviates(short: str, long: str) -> bool:
    """Whether `short` (4 characters or more) takes its characters in order from `long`, as Chinese
    abbreviations do (智改数转 from 智能化改造和数字化转型) when no glossary entry says so."""
    if len(short) < 4 or len(short) >= len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def similarity(a: str, b: str) -> float:
    """The mean of bigram containment (the shorter in the longer) and Dice: 1 the same, 0 nothing shared."""
    ga, gb = _grams(a), _grams(b)
    if not ga or not gb:
        return 0.0
    shared = len(ga & gb)
    return (shared / min(len(ga), len(gb)) + 2 * shared / (len(ga) + len(gb))) / 2


# -- units and measures ----------------------------------------------------------------------------------

def _in_unit(result: Claim, promise: Claim, policy: MatchPolicy) -> tuple[Decimal, float, str] | None:
    """The result's value in the promise's unit, the unit weight and the reason; None: incompatible units."""
    assert result.value is not None
    same = convert(result.value, result.unit, promise.unit)
    if same is not None:
        return same, 1.0, f"单位一致（{promise.unit or '无'}）"
    (rf, rb), (pf, pb) = scale(result.unit), scale(promise.unit)
    if rb in wording.COUNTERS and pb in wording.COUNTERS:
        return result.value * rf / pf, policy.counter_factor, f"量词不同（{promise.unit}/{result.unit}），按数量比较"
    return None


def _measures(promise: Claim, result: Claim, policy: MatchPolicy) -> tuple[float, int, str]:
    """The measure weight, the sign the result's value takes (−1: 下降 against 增长), and the reason."""
    pc, rc = measure_class(promise.measure, promise.indicator), measure_class(result.measure, result.indicator)
    words = f"{promise.measure or '—'}/{result.measure or '—'}"
    if pc == rc:
        return 1.0, 1, f"口径一致（{words}）"
    if "level" not in (pc, rc):
        return policy.opposite_factor, -1, f"口径相反（{words}），按相反数比较"
    return policy.change_level_factor, 0, f"口径不同（{words}）：变化量与总量不可比"


def _likeness(promise: Claim, result: Claim, policy: MatchPolicy,
              definitions: Mapping[str, str] | None) -> tuple[float, str]:
    """How alike the indicators are, and why: the best of the words as written, the words with glossary
    terms expanded (a definition can also hide a full name, so it is only ever a second chance), and an
    abbreviation read character by character."""
    best = (-1.0, "")
    for defs in ({}, definitions) if definitions else ({},):
        a, b = normalise(promise, policy, defs), normalise(result, policy, defs)
        sim = similarity(a, b)
        if sim > best[0]:
            best = (sim, f"指标相近（{a}/{b}，字二元组相似度{sim:.2f}）")
    pa, pb = _spelled(promise, policy, None), _spelled(result, policy, None)
    if best[0] < policy.abbreviation and (abbreviates(pa, pb) or abbreviates(pb, pa)):
        short, long = sorted((pa, pb), key=len)
        best = (policy.abbreviation, f"缩略语（{short}/{long}），按相似度{policy.abbreviation:.2f}计")
    return best


def score(promise: Claim, result: Claim, policy: MatchPolicy = MatchPolicy(),
          definitions: Mapping[str, str] | None = None) -> tuple[int, tuple[str, ...]] | None:
    """How well `result` answers `promise` (0–100) with the reasons, or None when it cannot."""
    if promise.value is None or result.value is None:
        return None
    if promise.year and result.year and promise.year != result.year:
        return None
    unit = _in_unit(result, promise, policy)
    if unit is None:
        return None
    value, unit_weight, unit_reason = unit
    sim, sim_reason = _likeness(promise, result, policy, definitions)
    weight, _, measure_reason = _measures(promise, result, policy)
    closeness = 0.0
    if value > 0 and promise.value > 0:
        closeness = float(min(value, promise.value) / max(value, promise.value))
    total = min(1.0, sim * unit_weight * weight + 0.05 * closeness)
    reasons = (sim_reason, unit_reason, measure_reason)
    return round(100 * total), reasons


def verdict(promise: Claim, result: Claim, policy: MatchPolicy = MatchPolicy()) -> tuple[Verdict, str]:
    """Whether the result meets the promise, judged by the bound rules of targets, and the rule in words."""
    target = Target(id=promise.path or "promise", indicator=promise.indicator, value=promise.value,
                    unit=promise.unit, measure=promise.measure, value_max=promise.value_max, bound=promise.bound,
                    year=promise.year or 0)
    if promise.value is None or result.value is None:
        return Verdict.UNCLEAR, "承诺或结果无数值，需人工核实"
    unit = _in_unit(result, promise, policy)
    _, sign, measure_reason = _measures(promise, result, policy)
    if unit is None or sign == 0:
        why = measure_reason if sign == 0 else f"单位不可比（{promise.unit}/{result.unit}）"
        return Verdict.UNCLEAR, f"承诺{goal_text(target, policy.judge)}，结果{result.text or fmt(result.value)}：{why}，需人工核实"
    value = unit[0] * sign
    met, note = assess(value, target, policy.judge)
    shown = f"{fmt(value)}{promise.unit or ''}"
    if sign < 0:
        shown += f"（{result.measure}{fmt(result.value)}{result.unit or ''}）"
    v = Verdict.ACHIEVED if met else Verdict.MISSED
    return v, f"承诺{goal_text(target, policy.judge)}，实际{shown}，{v.label}" + (f"（{note}）" if note else "")


# -- best-first assignment ----------------------------------------------------------------------------------

def _same_pledge(a: Claim, b: Claim, policy: MatchPolicy) -> bool:
    """A pledge stated twice (as a target and again as a commitment) is answered by the same result."""
    return ((normalise(a, policy), a.value, scale(a.unit), a.bound) ==
            (normalise(b, policy), b.value, scale(b.unit), b.bound))


Scored = tuple[int, tuple[str, ...]]


def _best_first(ps: Sequence[Claim], rs: Sequence[Claim], policy: MatchPolicy,
                definitions: Mapping[str, str]) -> dict[int, tuple[int, Scored]]:
    """`{promise index: (result index, score and reasons)}`: the highest-scoring pairs first, each promise
    and each result taken once; ties go to the earlier promise, then the earlier result."""
    candidates = []
    for i, p in enumerate(ps):
        for j, r in enumerate(rs):
            scored = score(p, r, policy, definitions)
            if scored and scored[0] >= policy.threshold:
                candidates.append((-scored[0], i, j, scored))
    taken: dict[int, tuple[int, Scored]] = {}
    used: set[int] = set()
    for _, i, j, scored in sorted(candidates, key=lambda c: c[:3]):
        if i not in taken and j not in used:
            taken[i] = (j, scored)
            used.add(j)
    return taken


def _share_with_twins(ps: Sequence[Claim], taken: dict[int, tuple[int, Scored]], policy: MatchPolicy) -> None:
    """A promise left over that repeats a linked one word for word gets the same result."""
    for i, p in enumerate(ps):
        twin = next((k for k in taken if k != i and _same_pledge(p, ps[k], policy)), None)
        if i not in taken and twin is not None:
            j, (points, reasons) = taken[twin]
            taken[i] = (j, (points, reasons + (f"与“{ps[twin].text}”为同一承诺",)))


def match(promises: Sequence[Claim | Mapping[str, Any]], results: Sequence[Claim | Mapping[str, Any]],
          policy: MatchPolicy = MatchPolicy(), glossary: Iterable[Mapping[str, str]] = ()) -> list[Match]:
    """The proposed links, in the order of the promises; each promise and result used at most once (a
    pledge repeated word for word shares its twin's result). `glossary`: the reports' 名词解释 entries."""
    ps = [p if isinstance(p, Claim) else Claim.from_record(p, kind="promise") for p in promises]
    rs = [r if isinstance(r, Claim) else Claim.from_record(r, kind="achievement") for r in results]
    taken = _best_first(ps, rs, policy, _definitions(glossary))
    _share_with_twins(ps, taken, policy)
    out = []
    for i in sorted(taken):
        j, (points, reasons) = taken[i]
        out.append(Match(ps[i], rs[j], points, reasons, *verdict(ps[i], rs[j], policy)))
    return out


def unmatched(promises: Sequence[Claim], matches: Iterable[Match]) -> list[Claim]:
    """The promises no result was proposed for: not reported, or reported in words the rules missed."""
    linked = {m.promise for m in matches}
    return [p for p in promises if p not in linked]


def link_reports(plan_report: Mapping[str, Any], review_report: Mapping[str, Any],
                 policy: MatchPolicy = MatchPolicy()) -> list[Match]:
    """Link a plan-year report's promises to the results the next report states for that year."""
    promises = promises_of(plan_report)
    results = results_of(review_report, plan_report.get("plan_year"))
    glossary = [*(plan_report.get("glossary") or []), *(review_report.get("glossary") or [])]
    return match(promises, results, policy, glossary)
