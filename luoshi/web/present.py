"""Ledger values as plain dicts: the JSON the API returns and the context the pages render, so a page
and its JSON twin always show the same thing. Every enum goes out as its stable value plus its `_label`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from luoshi import glossary
from luoshi.ledger import Action, Actor, Colour, ExtensionStatus, ItemWarning, Kind, Rating, Reason, Role, State
from luoshi.store.items import InstructionView, ItemView

DOC_TYPES = {"meeting_minutes": "会议纪要", "work_report": "政府工作报告", "congress_review": "人大审议意见",
             "other": "其他文件"}

# The facts of an event shown under it in a history, in this order, with their Chinese names.
FACT_LABELS = (("reason", "原因"), ("text", "内容"), ("note", "备注"), ("percent", "进度"), ("due", "办理期限"),
               ("requested_due", "申请期限"), ("previous_due", "原期限"), ("lead_units", "牵头单位"),
               ("co_units", "配合单位"), ("units", "催办单位"), ("rating", "评价"), ("title", "标题"),
               ("attachments", "佐证材料"), ("number", "文号"))


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else ""


def _named(enum: Any) -> dict[Any, tuple[str, str]]:
    """{member: (value, Chinese label)} of a ledger enum: a page of 25 items reads some 150 of them, and an
    enum member's `value` and `label` are each a property call (the label a glossary lookup besides)."""
    return {member: (member.value, member.label) for member in enum}


_KIND, _STATE, _ACTION, _RATING, _EXTENSION, _COLOUR, _REASON = map(
    _named, (Kind, State, Action, Rating, ExtensionStatus, Colour, Reason))


def warning_dict(w: ItemWarning) -> dict[str, Any]:
    colour, label = _COLOUR[w.colour] if w.colour else (None, None)
    return {"colour": colour, "label": label,
            "reasons": [{"code": code, "label": text} for code, text in map(_REASON.__getitem__, w.reasons)],
            "days_left": w.days_left, "overdue_days": w.overdue_days}


def units(ids: tuple[str, ...], names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"id": int(u) if u.isdigit() else u, "name": names.get(u, u)} for u in ids]


def instruction_dict(view: InstructionView, *, zone: ZoneInfo, people: Mapping[str, str],
                     unit_names: Mapping[int, str]) -> dict[str, Any]:
    """A leader's 批示 and the units' answers, with display names and local times."""
    return {"version": view.version, "text": view.text, "by": view.by, "by_name": people.get(view.by, view.by),
            "at": iso(view.at), "at_local": local(view.at, zone),
            "answers": [{"version": a.version, "text": a.text, "unit": a.unit_id,
                         "unit_name": unit_names.get(a.unit_id) if a.unit_id is not None else None, "by": a.by,
                         "by_name": people.get(a.by, a.by), "at": iso(a.at), "at_local": local(a.at, zone)}
                        for a in view.answers]}


def item_dict(view: ItemView, *, actor: Actor | None = None) -> dict[str, Any]:
    """An item as JSON: its fields, warning today, source, unit names and the viewer's actions now."""
    item, names = view.item, view.units
    doc = view.document
    kind, kind_label = _KIND[item.kind]
    state, state_label = _STATE[item.state]
    rating, rating_label = _RATING[item.rating] if item.rating else (None, None)
    source = item.source
    out: dict[str, Any] = {
        "id": view.id, "kind": kind, "kind_label": kind_label,
        "title": item.title, "text": item.text, "state": state, "state_label": state_label,
        "lead_units": units(item.lead_units, names), "co_units": units(item.co_units, names),
        "due": iso(item.due), "due_text": item.due_text, "progress": item.progress, "version": item.version,
        "warning": warning_dict(view.warning),
        "source": None if source is None else {
            "document": int(source.document), "document_title": (doc.title or doc.name) if doc else None,
            "span": list(source.span), "path": source.path, "text": view.source_text},
        "assigned_at": iso(item.assigned_at), "last_progress_at": iso(item.last_progress_at),
        "completion_requested_at": iso(item.completion_requested_at), "closed_at": iso(item.closed_at),
        "returns": item.returns, "return_reason": item.return_reason, "cancel_reason": item.cancel_reason,
        "reminders": item.reminders, "rating": rating, "rating_label": rating_label,
        "extensions": [_extension(e) for e in item.extensions],
        "actions": [{"action": action, "label": label} for action, label in map(_ACTION.__getitem__, view.actions)],
    }
    if actor is not None and actor.role is Role.UNIT:
        out["role_label"] = glossary.zh(item.role_of(actor.unit) or "unit")
    return out


def item_json(view: ItemView, *, actor: Actor | None = None) -> dict[str, Any] | orjson.Fragment:
    """`item_dict` for a JSON answer; of a kept view (a ledger page's row, `ItemView.made`), written once as
    JSON and kept with the view: the same view makes the same JSON. Building and writing an item's dict was
    a quarter of a ledger API request's instructions."""
    if view.made is None:
        return item_dict(view, actor=actor)
    return view.made_once(("json", actor), lambda: orjson.Fragment(orjson.dumps(item_dict(view, actor=actor))))


def _extension(e: Any) -> dict[str, Any]:
    status, label = _EXTENSION[e.status]
    return {"requested_due": iso(e.requested_due), "previous_due": iso(e.previous_due), "reason": e.reason,
            "status": status, "status_label": label, "granted_due": iso(e.granted_due),
            "requested_by": e.requested_by, "requested_at": iso(e.requested_at), "decided_by": e.decided_by,
            "decision_note": e.decision_note}


def _fact(key: str, value: Any, names: Mapping[str, str]) -> str:
    if key in ("lead_units", "co_units", "units"):
        return "、".join(names.get(str(u), str(u)) for u in value)
    if key == "percent":
        return f"{value}%"
    if key == "attachments":
        return "、".join(str(a) for a in value)
    if key == "rating":
        return glossary.zh(f"rating.{value}")
    return str(value)


def event_dict(data: Mapping[str, Any], *, names: Mapping[str, str], people: Mapping[str, str],
               zone: ZoneInfo) -> dict[str, Any]:
    """One audit event (its JSON form) for a history: who, when, what, why."""
    kind = data["type"]
    label = glossary.zh(f"action.{kind}") if kind != "create" else glossary.zh("action.create")
    at = datetime.fromisoformat(data["at"]) if isinstance(data["at"], str) else data["at"]
    unit = data.get("unit")
    facts = {k: v for k, v in data.items() if k not in ("type", "item_id", "version", "at", "actor", "role", "unit",
                                                       "from_state", "to_state", "source", "kind")}
    details = [(name, _fact(key, data[key], names)) for key, name in FACT_LABELS
               if data.get(key) not in (None, "", [], ()) and kind not in ("create",)]
    late = _after_due(kind, data, at, zone)
    if late:
        details.append(("时效", late))
    return {"version": data["version"], "type": kind, "label": label, "at": iso(at), "at_local": local(at, zone),
            "actor": data["actor"], "actor_name": people.get(data["actor"], data["actor"]),
            "role": data["role"], "role_label": Role(data["role"]).label, "unit": unit,
            "unit_name": names.get(str(unit)) if unit else None,
            "from_state": data.get("from_state"), "to_state": data.get("to_state"),
            "from_label": State(data["from_state"]).label if data.get("from_state") else None,
            "to_label": State(data["to_state"]).label if data.get("to_state") else None,
            "facts": facts, "details": details}


def _after_due(kind: str, data: Mapping[str, Any], at: datetime, zone: ZoneInfo) -> str | None:
    """An extension asked for, or granted, after the due date of the time: marked, since an extension
    never erases lateness (the assessment counts such an item as ever overdue)."""
    previous = data.get("previous_due")
    if kind not in ("request_extension", "approve_extension") or not previous:
        return None
    if at.astimezone(zone).date() <= date.fromisoformat(str(previous)):
        return None
    if kind == "request_extension":
        return f"逾期后申请（原期限 {previous} 已过）"
    return f"逾期后批准（原期限 {previous} 已过，仍计为曾逾期）"


def breakdown_dict(b: Any) -> dict[str, Any]:
    """An item's directives (分解任务) and its decision's general requirements, as JSON."""
    return {"subtasks": [s.as_dict() for s in b.subtasks], "decision": b.decision,
            "general_requirements": [{"text": g.text, "span": list(g.span) if g.span else None,
                                      "owners": list(g.owners), "source_path": g.source_path} for g in b.general]}


def genre_dict(record: Mapping[str, Any], doc_type: str) -> dict[str, Any]:
    """How the genre was decided: by detection with a confidence and the cues seen, or by a user."""
    g = record.get("genre") if isinstance(record.get("genre"), dict) else {}
    confidence = g.get("confidence")
    return {"doc_type": doc_type, "label": doc_type_label(doc_type), "source": g.get("source"),
            "source_label": {"user": "用户指定", "detected": "自动识别"}.get(g.get("source") or "", ""),
            "confidence": confidence, "percent": None if confidence is None else round(float(confidence) * 100),
            "evidence": [str(e) for e in g.get("evidence") or []]}


def doc_type_label(doc_type: str) -> str:
    return DOC_TYPES.get(doc_type, doc_type)
