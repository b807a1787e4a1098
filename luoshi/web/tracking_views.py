"""What the pages and the API of tracking show: targets with their actual values and status, promise versus
delivery links, deputies' suggestions with their rounds and history, as plain dicts (a page and its JSON
twin show the same thing), and the few web rules the store leaves to the edge (a unit sees its own targets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi import glossary
from luoshi.errors import NotFound
from luoshi.ledger import Actor, Role
from luoshi.ledger.due import by_rule
from luoshi.ledger.suggestions import (STEPS, Outcome, Procedure, Satisfaction, SuggestionAction, SuggestionState,
                                       Tally)
from luoshi.ledger.targets import Accumulation, Status, TargetKind, fmt, goal_text
from luoshi.settings import Settings
from luoshi.store import delivery as store_delivery
from luoshi.store import suggestions as store_suggestions
from luoshi.store import targets as store_targets
from luoshi.store.delivery import Delivery, LinkView, Sentence
from luoshi.store.items import DocumentRef, today_in
from luoshi.store.suggestions import SuggestionView
from luoshi.store.targets import TargetView
from luoshi.store.tracking import DeliveryLinkRow, TargetRow
from luoshi.web.present import iso, local, units, warning_dict
from luoshi.web.queries import people_names, unit_names

# Who sees promise versus delivery: the office, leaders and the congress (a unit has its own targets).
DELIVERY_READERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.CONGRESS})


def figure(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def document_dict(doc: DocumentRef | None) -> dict[str, Any] | None:
    return None if doc is None else {"id": doc.id, "name": doc.name, "title": doc.title or doc.name,
                                     "version": doc.version}


# -- targets ----------------------------------------------------------------------------------------------

def target_for(session: Session, *, target_id: int, actor: Actor, settings: Settings) -> TargetView:
    """One target as `actor` may see it: a unit user sees only the targets its unit is responsible for
    (NotFound otherwise, so that another unit's target is not revealed); every other role sees them all."""
    view = store_targets.get_target(session, target_id=target_id, actor=actor, settings=settings)
    t = view.target
    if actor.role is Role.UNIT and actor.unit not in t.lead_units + t.co_units:
        raise NotFound.of("target")
    return view


def target_unit_filter(actor: Actor, unit: str | None) -> str | None:
    """The unit filter of a target list: a unit user's own unit, whatever was asked."""
    return actor.unit if actor.role is Role.UNIT else (unit or None)


def status_dict(view: TargetView) -> dict[str, Any]:
    s = view.status
    return {"status": s.status.value, "label": s.status.label, "rule": s.rule, "actual": figure(s.actual),
            "plan": figure(s.plan), "period": s.period.key if s.period else None,
            "period_label": s.period.label if s.period else None}


def actual_rows(view: TargetView, zone: ZoneInfo, people: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every entry, by period then time; an entry a later one for the same period corrected is `superseded`."""
    entries = sorted(view.actuals or [], key=lambda a: (a.period, a.entered_at, a.id))
    latest = {a.period: a.id for a in sorted(view.actuals or [], key=lambda a: (a.entered_at, a.id))}
    return [{"id": a.id, "period": a.period.key, "period_label": a.period.label, "value": fmt(a.value),
             "note": a.note, "entered_by": a.entered_by, "entered_by_name": people.get(a.entered_by, a.entered_by),
             "entered_at": iso(a.entered_at), "entered_at_local": local(a.entered_at, zone), "source": a.source,
             "source_label": "导入" if a.source == "import" else "填报", "superseded": latest[a.period] != a.id}
            for a in entries]


def target_dict(view: TargetView, *, zone: ZoneInfo | None = None,
                people: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A target as JSON: its goal, units, status with its rule, source and (one target) its actual values."""
    t, doc = view.target, view.document
    out: dict[str, Any] = {
        "id": view.id, "kind": t.kind.value, "kind_label": t.kind.label, "year": t.year, "indicator": t.indicator,
        "measure": t.measure, "value": figure(t.value), "value_max": figure(t.value_max), "unit": t.unit,
        "bound": t.bound.value if t.bound else None, "bound_label": t.bound.label if t.bound else None,
        "goal": goal_text(t), "accumulation": t.how.value, "text": t.text,
        "lead_units": units(t.lead_units, view.units), "co_units": units(t.co_units, view.units),
        "status": status_dict(view), "editable": view.editable,
        "source": None if t.source is None else {
            "document": int(t.source.document), "document_title": (doc.title or doc.name) if doc else None,
            "span": list(t.source.span), "path": t.source.path, "text": view.source_text},
    }
    if view.actuals is not None:
        out["actuals"] = actual_rows(view, zone or ZoneInfo("UTC"), people or {})
    return out


def target_detail(session: Session, view: TargetView, settings: Settings) -> dict[str, Any]:
    people = people_names(session, {a.entered_by for a in view.actuals or []})
    return target_dict(view, zone=settings.zone, people=people)


@dataclass(frozen=True)
class Chart:
    """A small SVG chart of a target's year: the latest value of each period, and the plan (the goal for a
    rate, the goal pro rata for a running total). Coordinates are ready for the template."""

    width: int
    height: int
    points: list[tuple[float, float, str, str]]  # x, y, period label, value
    line: str
    plan: str
    plan_label: str
    ticks: list[tuple[float, str]]
    top: str


def chart(view: TargetView, width: int = 560, height: int = 170) -> Chart | None:
    """None when there is nothing to draw (no numeric goal or no value yet)."""
    t = view.target
    if t.value is None or not view.actuals:
        return None
    latest: dict[Any, Decimal] = {}
    for a in sorted(view.actuals, key=lambda a: (a.entered_at, a.id)):
        if a.period.year == t.year:
            latest[a.period] = a.value
    if not latest:
        return None
    left, right, top, bottom = 44, 12, 14, 26
    goal = t.value_max if t.value_max is not None and t.how is Accumulation.RATE else t.value
    highest = max([*latest.values(), goal, Decimal(0)]) * Decimal("1.15") or Decimal(1)
    lowest = min([*latest.values(), Decimal(0)])

    def x(month: int) -> float:
        return round(left + (width - left - right) * month / 12, 1)

    def y(value: Decimal) -> float:
        return round(top + (height - top - bottom) * float((highest - value) / (highest - lowest)), 1)

    points = [(x(p.end_month), y(v), p.label, fmt(v)) for p, v in sorted(latest.items())]
    if t.how is Accumulation.RATE:
        plan, plan_label = f"{x(0)},{y(goal)} {x(12)},{y(goal)}", f"目标 {fmt(t.value)}{t.unit or ''}"
    else:
        plan, plan_label = f"{x(0)},{y(Decimal(0))} {x(12)},{y(t.value)}", f"按进度 {fmt(t.value)}{t.unit or ''}"
    return Chart(width, height, points, " ".join(f"{px},{py}" for px, py, _, _ in points), plan, plan_label,
                 [(x(m), f"{m}月") for m in (3, 6, 9, 12)], fmt(highest.quantize(Decimal("0.1"))))


TARGET_STATUSES = [(s.value, s.label) for s in Status]
TARGET_KINDS = [(k.value, k.label) for k in TargetKind]


def target_years(session: Session) -> list[int]:
    return list(session.scalars(select(TargetRow.year).distinct().order_by(TargetRow.year.desc())))


def period_choices(year: int) -> list[tuple[str, str]]:
    """The months and quarters of a target's year, for the entry form's suggestions."""
    months = [(f"{year}-{m:02d}", f"{year}年{m}月") for m in range(1, 13)]
    quarters = [(f"{year}-Q{q}", f"{year}年{'一二三四'[q - 1]}季度") for q in range(1, 5)]
    return months + quarters


def import_errors(errors: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"row": e.row, "column": e.column, "value": None if e.value is None else str(e.value),
             "message": e.message, "message_zh": in_chinese(e.message)} for e in errors]


# -- promise versus delivery --------------------------------------------------------------------------------

def delivery_year(session: Session, settings: Settings) -> int:
    """The year shown when none is asked for: the latest with links, else with targets, else last year."""
    year = session.scalar(select(func.max(DeliveryLinkRow.year)))
    if year is None:
        latest = session.scalar(select(func.max(TargetRow.year)))
        year = min(latest, today_in(settings).year - 1) if latest is not None else today_in(settings).year - 1
    return int(year)


def delivery_years(session: Session) -> list[int]:
    years = set(session.scalars(select(TargetRow.year).distinct()))
    return sorted(years, reverse=True)


CLAUSE_ENDS = "，,。！？；：\n"


def around(text: str | None, span: tuple[int, int] | None, limit: int = 60) -> dict[str, str] | None:
    """The clause a span stands in, cut at ，。！？；： or a line end (at most `limit` characters each side), as
    the words before the span, the span and the words after: a result such as 同比增长5.6% reads whole
    (全县实现地区生产总值438.5亿元、同比增长5.6%)."""
    if not text or span is None:
        return None
    start, end = span
    lo = max(max(text.rfind(c, max(0, start - limit), start) for c in CLAUSE_ENDS) + 1, start - limit, 0)
    ends = [i for i in (text.find(c, end, end + limit) for c in CLAUSE_ENDS) if i >= 0]
    hi = min(ends) + 1 if ends else min(len(text), end + limit)
    return {"before": text[lo:start].lstrip(), "marked": text[start:end], "after": text[end:hi].rstrip().rstrip("，,；：")}


def sentence_dict(s: Sentence, texts: Mapping[int, str] | None = None) -> dict[str, Any]:
    text = (texts or {}).get(s.document.id) if s.document else None
    return {"document": document_dict(s.document), "span": list(s.span) if s.span else None, "path": s.path,
            "text": s.text, "sentence": around(text, s.span)}


STATE_LABELS = {"proposed": "待确认", "confirmed": "已确认", "rejected": "已否决"}


def link_dict(link: LinkView, zone: ZoneInfo | None = None, texts: Mapping[int, str] | None = None) -> dict[str, Any]:
    t = link.target
    return {"id": link.id, "year": link.year, "target_id": int(t.id), "kind": t.kind.value,
            "kind_label": t.kind.label, "indicator": t.indicator, "goal": goal_text(t),
            "promise": sentence_dict(link.promise, texts), "result": sentence_dict(link.result, texts),
            "result_value": figure(link.result_value), "result_unit": link.result_unit, "score": link.score,
            "reasons": list(link.reasons), "verdict": link.verdict.value, "verdict_label": link.verdict.label,
            "rule": link.rule, "state": link.state, "state_label": STATE_LABELS.get(link.state, link.state),
            "decided_by": link.decided_by, "decided_at": iso(link.decided_at),
            "decided_at_local": local(link.decided_at, zone) if zone else iso(link.decided_at),
            "note": link.note, "version": link.version}


def document_texts(session: Session, d: Delivery) -> dict[int, str]:
    """The texts of the reports a year's links quote (two or so), to show each sentence whole."""
    from luoshi.store.models import Document

    ids = {s.document.id for link in d.links for s in (link.promise, link.result) if s.document}
    rows = session.execute(select(Document.id, Document.text).where(Document.id.in_(ids))) if ids else []
    return {i: text for i, text in rows}


def delivery_dict(d: Delivery, zone: ZoneInfo | None = None, texts: Mapping[int, str] | None = None) -> dict[str, Any]:
    live = [link for link in d.links if link.state != "rejected"]
    counts = {v: sum(1 for link in live if link.verdict.value == v) for v in ("achieved", "missed", "unclear")}
    return {"year": d.year, "links": [link_dict(link, zone, texts) for link in d.links],
            "unlinked": [{"target_id": int(t.id), "kind": t.kind.value, "kind_label": t.kind.label,
                          "indicator": t.indicator, "goal": goal_text(t), "text": t.text} for t in d.unlinked],
            "linked_share": round(d.linked_share, 4),
            "summary": {"links": len(d.links), "proposed": sum(1 for link in d.links if link.state == "proposed"),
                        "confirmed": sum(1 for link in d.links if link.state == "confirmed"),
                        "rejected": sum(1 for link in d.links if link.state == "rejected"),
                        "unlinked": len(d.unlinked), **counts}}


def delivery_for(session: Session, *, year: int, state: str | None = None) -> Delivery:
    return store_delivery.list_delivery(session, year=year, state=state or None)


# -- deputies' suggestions ----------------------------------------------------------------------------------

SUGGESTION_STATES = [(s.value, s.label) for s in SuggestionState]
SATISFACTIONS = [(s.value, s.label) for s in Satisfaction]
OUTCOMES = [(o.value, o.label) for o in Outcome]
PROCEDURES = [(p.value, p.label) for p in Procedure]
DUE_LABELS = {Procedure.SUGGESTION: glossary.zh("reply_due"), Procedure.REVIEW: glossary.zh("review_due")}


def round_dict(r: Any, names: Mapping[str, str], zone: ZoneInfo) -> dict[str, Any]:
    return {"no": r.no, "assigned_at": iso(r.assigned_at), "assigned_at_local": local(r.assigned_at, zone),
            "due": iso(r.due), "reply": r.reply, "outcome": r.outcome.value if r.outcome else None,
            "outcome_label": r.outcome.label if r.outcome else None, "replied_at": iso(r.replied_at),
            "replied_at_local": local(r.replied_at, zone), "replied_by": r.replied_by, "late_days": r.late_days,
            "satisfaction": r.satisfaction.value if r.satisfaction else None,
            "satisfaction_label": r.satisfaction.label if r.satisfaction else None, "comment": r.comment,
            "evaluated_at": iso(r.evaluated_at), "evaluated_at_local": local(r.evaluated_at, zone),
            "opinions": [{"unit": int(o.unit) if o.unit.isdigit() else o.unit, "unit_name": names.get(o.unit, o.unit),
                          "text": o.text, "at": iso(o.at), "at_local": local(o.at, zone)} for o in r.opinions]}


def suggestion_dict(view: SuggestionView, zone: ZoneInfo | None = None) -> dict[str, Any]:
    s, doc, zone = view.suggestion, view.document, zone or ZoneInfo("UTC")
    return {"id": view.id, "no": s.no, "title": s.title, "category": s.category, "deputies": list(s.deputies),
            "text": s.text, "state": s.state.value, "state_label": s.state.label,
            "procedure": s.procedure.value, "procedure_label": s.procedure.label,
            "reply_label": s.procedure.reply_label, "due_label": DUE_LABELS[s.procedure],
            "lead_unit": units((s.lead_unit,), view.units)[0] if s.lead_unit else None,
            "co_units": units(s.co_units, view.units), "due": iso(s.due),
            "satisfaction": s.satisfaction.value if s.satisfaction else None,
            "satisfaction_label": s.satisfaction.label if s.satisfaction else None,
            "rehandled": s.rehandled, "reminders": s.reminders, "closed_at": iso(s.closed_at), "version": s.version,
            "warning": warning_dict(view.warning),
            "source": None if s.source is None else {"document": int(s.source.document), "span": list(s.source.span),
                                                     "path": s.source.path, "document_title": (
                                                         doc.title or doc.name) if doc else None},
            "rounds": [round_dict(r, view.units, zone) for r in s.rounds],
            "actions": [{"action": a.value, "label": a.label} for a in view.actions]}


def tally_dict(t: Tally) -> dict[str, Any]:
    return {"total": t.total, "registered": t.registered, "handling": t.handling, "replied": t.replied,
            "closed": t.closed, "overdue": t.overdue, "rehandled": t.rehandled, "satisfied": t.satisfied,
            "basically_satisfied": t.basically_satisfied, "dissatisfied": t.dissatisfied,
            "evaluated": t.evaluated, "satisfied_rate": t.satisfied_rate}


def statistics_dict(stats: store_suggestions.SuggestionStatistics) -> dict[str, Any]:
    return {"by_category": [{"category": k or "未分类", **tally_dict(v)} for k, v in stats.by_category.items()],
            "by_unit": [{"unit": k, **tally_dict(v)} for k, v in stats.by_unit.items()],
            "by_satisfaction": [{"satisfaction": k, "label": glossary.zh(f"satisfaction.{k}") if k != "pending"
                                 else "未测评", "count": v} for k, v in stats.by_satisfaction.items()]}


EVENT_FACTS = (("lead_unit", "主办单位"), ("previous_lead_unit", "原主办单位"), ("co_units", "协办单位"),
               ("due", "答复期限"), ("reason", "原因"), ("text", "内容"), ("outcome", "答复类别"),
               ("late_days", "逾期天数"), ("satisfaction", "满意度"), ("comment", "意见"), ("next_due", "重新办理期限"),
               ("units", "催办单位"), ("note", "备注"))


def _fact(key: str, value: Any, names: Mapping[str, str]) -> str:
    if key in ("lead_unit", "previous_lead_unit"):
        return names.get(str(value), str(value))
    if key in ("co_units", "units"):
        return "、".join(names.get(str(u), str(u)) for u in value)
    if key == "outcome":
        return glossary.zh(f"outcome.{value}")
    if key == "satisfaction":
        return glossary.zh(f"satisfaction.{value}")
    if key == "late_days":
        return f"{value} 天"
    return str(value)


def suggestion_history(session: Session, *, suggestion_id: int, actor: Actor, zone: ZoneInfo,
                       known: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """A suggestion's events for a page or the API: who (display name), when (local time), what and why."""
    events = store_suggestions.suggestion_history(session, suggestion_id=suggestion_id, actor=actor)
    procedure = store_suggestions.load_suggestion(session, suggestion_id=suggestion_id, actor=actor).procedure
    people = people_names(session, {e["actor"] for e in events})
    mentioned = {str(u) for e in events for k in ("lead_unit", "previous_lead_unit", "co_units", "units", "unit")
                 for u in ([e[k]] if isinstance(e.get(k), (str, int)) else e.get(k) or ()) if u}
    names = {**unit_names(session, mentioned - set(known or {})), **(known or {})}
    out = []
    for e in events:
        kind = e["type"].removeprefix("suggestion.")
        label = ("登记" if kind == "create" else procedure.reply_label if kind == "reply"
                 else glossary.zh(f"suggestion_action.{kind}"))
        at = datetime.fromisoformat(e["at"]) if isinstance(e["at"], str) else e["at"]
        details = [] if kind == "create" else [(name, _fact(key, e[key], names)) for key, name in EVENT_FACTS
                                               if e.get(key) not in (None, "", [], (), 0)]
        out.append({"version": e["version"], "type": kind, "label": label, "at": iso(at), "at_local": local(at, zone),
                    "actor": e["actor"], "actor_name": people.get(e["actor"], e["actor"]), "role": e["role"],
                    "role_label": Role(e["role"]).label, "unit": e.get("unit"),
                    "unit_name": names.get(str(e["unit"])) if e.get("unit") else None,
                    "from_state": e.get("from_state"), "to_state": e.get("to_state"),
                    "from_label": SuggestionState(e["from_state"]).label if e.get("from_state") else None,
                    "to_label": SuggestionState(e["to_state"]).label if e.get("to_state") else None,
                    "details": details})
    return out


def action_fields(action: SuggestionAction) -> tuple[str, ...]:
    step = next(s for (_, a), s in STEPS.items() if a is action)
    return step.requires + step.accepts


def suggestion_payload(action: SuggestionAction, values: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of an action from a form or a request body: its own fields, blanks left out."""
    out: dict[str, Any] = {}
    for name in action_fields(action):
        value = values.get(name)
        if isinstance(value, list):
            value = [v for v in value if str(v).strip()]
            if name == "units" and not value:
                continue
        elif value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[name] = value.strip() if isinstance(value, str) else value
    return out


def default_due(settings: Settings, rule: str | None = None, procedure: Procedure = Procedure.SUGGESTION) -> date:
    """The deadline an assignment gets when none is given: a reply in three months, a review point's
    report in two (by default)."""
    policy = store_suggestions.policy_of(settings)
    return by_rule(rule or policy.first_rule(procedure), today_in(settings))


def categories(session: Session) -> list[str]:
    from luoshi.store.tracking import SuggestionRow

    rows = session.scalars(select(SuggestionRow.category).where(SuggestionRow.category.isnot(None)).distinct()
                           .order_by(SuggestionRow.category))
    return [c for c in rows if c]


def filled_rows(data: bytes) -> list[dict[str, Any]]:
    """The rows of an uploaded template, a prefilled row whose period and value are both left empty blanked
    out (the template lists every target; a unit fills only those it has figures for). Blanked rows keep
    their place, so the problems of the others are still named by their sheet row."""
    rows = store_targets.parse_rows(data)
    period, value = glossary.zh("column.period"), glossary.zh("column.value")

    def blank(v: Any) -> bool:
        return v is None or (isinstance(v, str) and not v.strip())

    return [{k: None for k in r} if blank(r.get(period, r.get("period"))) and blank(r.get(value, r.get("value")))
            else r for r in rows]


# The import's problems in Chinese for the page (the API keeps the library's words beside them): each
# pattern of `luoshi.ledger.targets.validate_actuals` and `store.targets.import_actuals`, else the words as they are.
ROW_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"^'(?P<v>.*)' is not a number; write e\.g\. 4\.8 \(in (?P<u>.*)\)$", "「{v}」不是数字，请填写数字，如 4.8（单位：{u}）"),
    (r"^(?P<h>\S+) is empty; write e\.g\. (?P<e>.*)$", "未填写{h}，请填写，如 {e}"),
    (r"^no target '(?P<v>.*)'; known targets: .*$", "没有编号为 {v} 的指标，请核对指标编号（勿修改模板中的编号）"),
    (r"^(?P<t>\S+) is '(?P<a>.*)', not '(?P<b>.*)'; check the target id$",
     "编号 {t} 的指标是「{a}」，不是「{b}」，请核对指标编号"),
    (r"^(?P<t>\S+) is a target for (?P<y>\d{4}); .*$", "该指标为 {y} 年指标，请填写 {y} 年的期间，如 {y}-03 或 {y}-Q3"),
    (r"^(?P<t>\S+) (?P<p>\S+) is already given in row (?P<n>\d+); .*$", "与第 {n} 行重复：同一指标同一期间只能填一行"),
    (r"^'(?P<u>.*)' cannot be converted to .*'s unit '(?P<w>.*)'; .*$",
     "单位「{u}」无法换算为指标单位「{w}」，请留空或填写「{w}」"),
    (r"^the header has no column (?P<h>\S+) \(.*\); the template's columns are (?P<c>.*)$",
     "表头缺少「{h}」列；模板的列为：{c}"),
)


def in_chinese(message: str) -> str:
    """A problem of an actual value in the words of the page (the library's own words when no pattern fits)."""
    import re

    for pattern, words in ROW_MESSAGES:
        m = re.match(pattern, message)
        if m:
            return words.format(**m.groupdict())
    return message
