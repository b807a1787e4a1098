"""The rules of the loop in one place: which action moves an item from which state to which, who may take
it, what it needs; `apply` enforces them and returns the new item with the event that records the step.

Design choices (see the tests for each): review and hand-out are two steps, so a reviewed item waits in
CONFIRMED (待交办) until the office assigns it; 退回 is the RETURN action, which puts the item back IN_PROGRESS
and records the reason (no state of its own: a returned item is simply being handled again); 延期 is a
request by the lead unit that the office approves or rejects, the state unchanged and every request kept
on the item. Every event bumps the item's version, which the store uses for optimistic locking.
"""

from __future__ import annotations

import functools

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Any

from luoshi.ledger.actors import OFFICE, Actor, Role
from luoshi.ledger.errors import STALE, Conflict, InvalidTransition, InvalidValue, MissingField, PermissionDenied
from luoshi.ledger.events import Created, Event, event_class
from luoshi.ledger.items import Extension, ExtensionStatus, Item, Kind, Rating, SourceRef
from luoshi.glossary import field
from luoshi.ledger.states import Action, State

LEAD, CO = "lead", "co_operating"
OPEN = (State.DRAFT, State.CONFIRMED, State.ASSIGNED, State.IN_PROGRESS, State.COMPLETION_REQUESTED)
HANDLING = (State.ASSIGNED, State.IN_PROGRESS)


@dataclass(frozen=True)
class Transition:
    """One row of the table: `action` from `source` leads to `target`, by `roles`; a unit user must stand
    to the item as one of `units` (lead, co-operating); `requires` must be given, `accepts` may be."""

    action: Action
    source: State
    target: State
    roles: frozenset[Role]
    units: tuple[str, ...]
    requires: tuple[str, ...]
    accepts: tuple[str, ...]


def _rows(action: Action, sources: Iterable[State], target: State | None, roles: Iterable[Role], *,
          units: tuple[str, ...] = (), requires: tuple[str, ...] = (),
          accepts: tuple[str, ...] = ()) -> dict[tuple[State, Action], Transition]:
    """The rows of one action; `target` None keeps the state (a reminder does not move an item)."""
    return {(s, action): Transition(action, s, target or s, frozenset(roles), units, requires, accepts)
            for s in sources}


UNIT, LEADER = (Role.UNIT,), (Role.LEADER,)
TRANSITIONS: dict[tuple[State, Action], Transition] = {
    **_rows(Action.CONFIRM, [State.DRAFT], State.CONFIRMED, OFFICE,
            accepts=("title", "kind", "lead_units", "co_units", "note")),
    **_rows(Action.ASSIGN, [State.CONFIRMED], State.ASSIGNED, OFFICE,
            requires=("due",), accepts=("lead_units", "co_units", "note")),
    **_rows(Action.ACCEPT, [State.ASSIGNED], State.IN_PROGRESS, UNIT, units=(LEAD,), accepts=("note",)),
    **_rows(Action.REPORT_PROGRESS, HANDLING, State.IN_PROGRESS, UNIT, units=(LEAD, CO),
            requires=("text",), accepts=("percent", "attachments")),
    **_rows(Action.REQUEST_EXTENSION, HANDLING, None, UNIT, units=(LEAD,), requires=("due", "reason")),
    **_rows(Action.APPROVE_EXTENSION, [*HANDLING, State.COMPLETION_REQUESTED], None, OFFICE,
            accepts=("due", "note")),
    **_rows(Action.REJECT_EXTENSION, [*HANDLING, State.COMPLETION_REQUESTED], None, OFFICE,
            requires=("reason",)),
    **_rows(Action.APPLY_COMPLETION, [State.IN_PROGRESS], State.COMPLETION_REQUESTED, UNIT, units=(LEAD,),
            requires=("text",), accepts=("attachments",)),
    **_rows(Action.APPROVE, [State.COMPLETION_REQUESTED], State.DONE, OFFICE, accepts=("note",)),
    **_rows(Action.RETURN, [State.COMPLETION_REQUESTED], State.IN_PROGRESS, OFFICE, requires=("reason",)),
    **_rows(Action.CANCEL, OPEN, State.CANCELLED, OFFICE, requires=("reason",)),
    **_rows(Action.REMIND, HANDLING, None, OFFICE, accepts=("units", "text")),
    # The escalation after chasing (提醒 → 催办 → 督办通知 → 约谈): each a step of the history, state unchanged.
    **_rows(Action.NOTIFY, HANDLING, None, OFFICE, requires=("text",), accepts=("units", "number")),
    **_rows(Action.INTERVIEW, HANDLING, None, OFFICE, requires=("text",), accepts=("units",)),
    **_rows(Action.RATE, [State.DONE], None, OFFICE, requires=("rating",), accepts=("note",)),
    **_rows(Action.INSTRUCT, [s for s in State if s not in (State.DRAFT, State.CANCELLED)], None, LEADER,
            requires=("text",)),
    # The units answer a 批示 on an item handed to them; `instruction` is the version of the 批示's event.
    **_rows(Action.ANSWER_INSTRUCTION, [*HANDLING, State.COMPLETION_REQUESTED, State.DONE], None, UNIT,
            units=(LEAD, CO), requires=("text", "instruction")),
}
# Who may take an action does not depend on the state, so one row per action answers it.
WHO: dict[Action, Transition] = {a: t for (_, a), t in reversed(TRANSITIONS.items())}
CREATORS = OFFICE


# -- values given to an action ---------------------------------------------------------------------

def _text(value: Any, name: str) -> str | None:
    if not isinstance(value, str):
        raise InvalidValue(f"{field(name)}须为文字", name)
    return value.strip() or None


def _names(value: Any, name: str) -> tuple[str, ...]:
    """Unit ids or attachment names: one string or a list of them, blanks and repeats dropped."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise InvalidValue(f"{field(name)}须为一个或多个名称", name)
    return tuple(dict.fromkeys(v.strip() for v in items if v.strip()))


def _date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        raise InvalidValue(f"{field(name)}须为日期，不带时刻", name)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidValue(f"{field(name)}“{value}”不是日期：请按年-月-日填写，如 2030-06-30", name) from None


def _percent(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidValue(f"{field(name)}须为 0–100 的整数", name)
    try:
        n = int(value)
    except ValueError:
        raise InvalidValue(f"{field(name)}须为 0–100 的整数", name) from None
    if not 0 <= n <= 100:
        raise InvalidValue(f"{field(name)}须在 0–100 之间，而不是 {n}", name)
    return n


def _version(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise InvalidValue(f"{name} must be a version number (a whole number ≥ 1), not {value!r}", name)
    if int(value) < 1:
        raise InvalidValue(f"{name} must be ≥ 1, not {value!r}", name)
    return int(value)


def _choice(enum: type[Enum]) -> Callable[[Any, str], Any]:
    def parse(value: Any, name: str) -> Any:
        try:
            return enum(value)
        except ValueError:
            valid = "、".join(getattr(m, "label", m.value) for m in enum)
            raise InvalidValue(f"{field(name)}“{value}”无法识别：可选{valid}", name) from None
    return parse


FIELDS: dict[str, Callable[[Any, str], Any]] = {
    "title": _text, "text": _text, "reason": _text, "note": _text, "due_text": _text, "number": _text,
    "lead_units": _names, "co_units": _names, "units": _names, "attachments": _names,
    "due": _date, "percent": _percent, "kind": _choice(Kind), "rating": _choice(Rating), "instruction": _version,
}


def checked_values(action: str, requires: tuple[str, ...], accepts: tuple[str, ...], data: Mapping[str, Any],
                   parsers: Mapping[str, Callable[[Any, str], Any]]) -> dict[str, Any]:
    """The data of `action` checked and normalised by `parsers`: every required and accepted field, None
    when not given; an unknown field or a missing required one is refused, naming it."""
    allowed = requires + accepts
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        takes = f"可填写{'、'.join(field(k) for k in allowed)}" if allowed else "无需填写其他内容"
        raise InvalidValue(f"{action}不接受{'、'.join(field(k) for k in unknown)}：{takes}", unknown[0])
    values = {k: None if data.get(k) is None else parsers[k](data[k], k) for k in allowed}
    for k in requires:
        if values[k] in (None, ()):
            raise MissingField(f"{action}须填写{field(k)}", k)
    return values


def _values(t: Transition, data: dict[str, Any]) -> dict[str, Any]:
    return checked_values(t.action.label, t.requires, t.accepts, data, FIELDS)


def _check_units(lead: tuple[str, ...], co: tuple[str, ...]) -> None:
    both = [u for u in co if u in lead]
    if both:
        raise InvalidValue("同一单位不能既是牵头单位又是配合单位：请从配合单位中去掉牵头单位", "co_units")


def _check_now(now: Any) -> None:
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise InvalidValue(f"now must be a timezone-aware datetime, not {now!r}", "now")


# -- who may act --------------------------------------------------------------------------------------

def check_permission(item: Item, action: Action, actor: Actor) -> None:
    """Raise PermissionDenied unless `actor` may take `action` on `item` (in a state where it applies)."""
    who = WHO[action]
    if actor.role not in who.roles:
        roles = "、".join(r.label for r in Role if r in who.roles)
        raise PermissionDenied(f"{actor.role.label}不能{action.label}：只有{roles}可以{action.label}")
    if actor.role is Role.UNIT and item.role_of(actor.unit) not in who.units:
        why = "只有牵头单位可以" if item.role_of(actor.unit) else "本单位不是此事项的牵头或配合单位，不能"
        raise PermissionDenied(f"{why}对此事项{action.label}")


def can_view(actor: Actor, item: Item) -> bool:
    """Office and leaders read everything; a unit its own items once assigned; congress the suggestions."""
    if actor.role in OFFICE or actor.role is Role.LEADER:
        return True
    handed_out = item.assigned_at is not None
    if actor.role is Role.UNIT:
        return handed_out and item.role_of(actor.unit) is not None
    return handed_out and item.kind is Kind.SUGGESTION


def available(item: Item, actor: Actor) -> list[Action]:
    """The actions `actor` can take on `item` now (the buttons to show), in the order of `Action`.

    The same tests as `check_permission`, `_transition` and GUARDS, asked as yes/no: the ledger asks this
    for every row of a page, so the tests that depend only on the role, the unit's standing and the state
    are answered once per combination (`_candidates`) and only the guards are asked per item."""
    role = actor.role
    standing = item.role_of(actor.unit) if role is Role.UNIT else None
    candidates = _candidates(role, standing, item.state)
    if not candidates:
        return []
    pending = item.pending_extension
    out = []
    for action in candidates:
        guard = GUARDS.get(action)
        if (guard is _needs_pending and pending is None) or (guard is _no_pending and pending is not None):
            continue
        if guard not in (None, _needs_pending, _no_pending) and not _passes(guard, item, action):
            continue
        out.append(action)
    return out


@functools.cache
def _candidates(role: Role, standing: str | None, state: State) -> tuple[Action, ...]:
    """The actions (buttons) a role, standing so to an item, may take from `state`, before the guards."""
    return tuple(action for action in Action
                 if action not in BESIDE and role in WHO[action].roles
                 and not (role is Role.UNIT and standing not in WHO[action].units)
                 and (state, action) in TRANSITIONS)


def _passes(guard: Callable[[Item, Action], None], item: Item, action: Action) -> bool:
    try:
        guard(item, action)
    except (InvalidTransition, Conflict):
        return False
    return True


def _transition(item: Item, action: Action) -> Transition:
    t = TRANSITIONS.get((item.state, action))
    if t is None:
        sources = "、".join(f"「{s.label}」" for (s, a) in TRANSITIONS if a is action)
        raise InvalidTransition(f"此事项当前为「{item.state.label}」，不能{action.label}；"
                                f"只有{sources}的事项可以{action.label}：请刷新后查看可做的操作")
    return t


# -- what an action needs beyond its state ------------------------------------------------------------

def _no_guard(item: Item, action: Action) -> None:
    return None


def _needs_pending(item: Item, action: Action) -> None:
    if item.pending_extension is None:
        raise InvalidTransition(f"此事项没有待审批的延期申请，不能{action.label}")


def _no_pending(item: Item, action: Action) -> None:
    pending = item.pending_extension
    if pending is not None:
        raise Conflict(f"此事项已有待审批的延期申请（申请延期至{pending.requested_due}）：请等督查室审批后再申请")


GUARDS = {Action.APPROVE_EXTENSION: _needs_pending, Action.REJECT_EXTENSION: _needs_pending,
          Action.REQUEST_EXTENSION: _no_pending}
# Actions offered beside what they answer (a 批示), not as buttons of the item: `available` leaves them
# out, `may_take` asks about one.
BESIDE = frozenset({Action.ANSWER_INSTRUCTION})


def may_take(item: Item, action: Action, actor: Actor) -> bool:
    """Whether `actor` may take `action` on `item` in its state now (who, standing and state)."""
    try:
        check_permission(item, action, actor)
        _transition(item, action)
    except (PermissionDenied, InvalidTransition):
        return False
    return True


# -- what each action changes: (item changes, event facts) --------------------------------------------

Values = dict[str, Any]
Change = tuple[dict[str, Any], dict[str, Any]]
Effect = Callable[[Item, Values, Actor, datetime], Change]


def _confirm(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    changes = {k: v[k] for k in ("title", "kind", "lead_units", "co_units") if v[k] is not None}
    _check_units(changes.get("lead_units", item.lead_units), changes.get("co_units", item.co_units))
    return changes, v


def _assign(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    lead = item.lead_units if v["lead_units"] is None else v["lead_units"]
    co = item.co_units if v["co_units"] is None else v["co_units"]
    if not lead:
        raise MissingField("此事项尚未确定牵头单位：交办须指定牵头单位", "lead_units")
    _check_units(lead, co)
    facts = {"due": v["due"], "lead_units": lead, "co_units": co, "note": v["note"]}
    return {"due": v["due"], "lead_units": lead, "co_units": co, "assigned_at": now}, facts


def _only_facts(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    return {}, v


def _report_progress(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    changes: dict[str, Any] = {"last_progress_at": now}
    if v["percent"] is not None:
        changes["progress"] = v["percent"]
    return changes, {**v, "attachments": v["attachments"] or ()}


def _request_extension(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    floor = item.due or now.date()
    if v["due"] <= floor:
        raise InvalidValue(f"申请延期至的日期（{v['due']}）须晚于{floor}", "due")
    ext = Extension(requested_due=v["due"], previous_due=item.due, reason=v["reason"],
                    requested_by=actor.id, requested_at=now)
    return {"extensions": item.extensions + (ext,)}, {**v, "previous_due": item.due}


def _decide(item: Item, status: ExtensionStatus, actor: Actor, now: datetime, **more: Any) -> tuple[Extension, ...]:
    decided = replace(item.extensions[-1], status=status, decided_by=actor.id, decided_at=now, **more)
    return item.extensions[:-1] + (decided,)


def _asked(item: Item) -> Extension:
    """The pending request (the guard has made sure there is one)."""
    asked = item.pending_extension
    assert asked is not None
    return asked


def _approve_extension(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    asked = _asked(item)
    granted = v["due"] or asked.requested_due
    if item.due and granted <= item.due:
        raise InvalidValue(f"批准的期限（{granted}）须晚于现在的完成时限（{item.due}）", "due")
    exts = _decide(item, ExtensionStatus.APPROVED, actor, now, granted_due=granted, decision_note=v["note"])
    facts = {"due": granted, "previous_due": item.due, "requested_due": asked.requested_due, "note": v["note"]}
    return {"due": granted, "extensions": exts}, facts


def _reject_extension(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    asked = _asked(item)
    exts = _decide(item, ExtensionStatus.REJECTED, actor, now, decision_note=v["reason"])
    return {"extensions": exts}, {"requested_due": asked.requested_due, "reason": v["reason"]}


def _apply_completion(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    changes = {"completion_requested_at": now, "last_progress_at": now}
    return changes, {**v, "attachments": v["attachments"] or ()}


def _lapsed(item: Item, actor: Actor, now: datetime) -> tuple[Extension, ...]:
    """A request nobody decided before the item closed is closed with it, so none stays pending forever."""
    if item.pending_extension is None:
        return item.extensions
    return _decide(item, ExtensionStatus.LAPSED, actor, now)


def _approve(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    return {"closed_at": now, "progress": 100, "extensions": _lapsed(item, actor, now)}, v


def _return(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    changes = {"returns": item.returns + 1, "return_reason": v["reason"], "completion_requested_at": None}
    return changes, v


def _cancel(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    changes = {"closed_at": now, "cancel_reason": v["reason"], "extensions": _lapsed(item, actor, now)}
    return changes, v


def _units_of(item: Item, v: Values) -> tuple[str, ...]:
    """The units an action names (default: the lead units), each one of the item's."""
    units = v["units"] or item.lead_units
    strangers = [u for u in units if item.role_of(u) is None]
    if strangers:
        raise InvalidValue("所选单位不是此事项的牵头或配合单位：请从此事项的单位中选择", "units")
    return units


def _remind(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    units = _units_of(item, v)
    changes = {"reminders": item.reminders + 1, "last_reminded_at": now}
    return changes, {"units": units, "text": v["text"]}


def _escalate(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    return {}, {**v, "units": _units_of(item, v)}


def _rate(item: Item, v: Values, actor: Actor, now: datetime) -> Change:
    return {"rating": v["rating"]}, v


EFFECTS: dict[Action, Effect] = {
    Action.CONFIRM: _confirm, Action.ASSIGN: _assign, Action.ACCEPT: _only_facts,
    Action.REPORT_PROGRESS: _report_progress, Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension, Action.REJECT_EXTENSION: _reject_extension,
    Action.APPLY_COMPLETION: _apply_completion, Action.APPROVE: _approve, Action.RETURN: _return,
    Action.CANCEL: _cancel, Action.REMIND: _remind, Action.NOTIFY: _escalate, Action.INTERVIEW: _escalate,
    Action.RATE: _rate, Action.INSTRUCT: _only_facts, Action.ANSWER_INSTRUCTION: _only_facts,
}


# -- the one entry point --------------------------------------------------------------------------

def _action(action: Action | str) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise InvalidValue(f"操作“{action}”无法识别：可选{'、'.join(a.label for a in Action)}", "action") from None


def apply(item: Item, action: Action | str, actor: Actor, now: datetime, *,
          expected_version: int | None = None, **data: Any) -> tuple[Item, Event]:
    """Take `action` on `item` as `actor` at `now`: the new item (version + 1) and the event recording it.

    Checks, in order: who may (PermissionDenied), the version the actor read (Conflict), the state
    (InvalidTransition), pending requests (InvalidTransition/Conflict), the data (MissingField/InvalidValue).
    """
    action = _action(action)
    _check_now(now)
    check_permission(item, action, actor)
    if expected_version is not None and expected_version != item.version:
        raise Conflict(STALE)
    t = _transition(item, action)
    GUARDS.get(action, _no_guard)(item, action)
    changes, facts = EFFECTS[action](item, _values(t, data), actor, now)
    new = replace(item, state=t.target, version=item.version + 1, **changes)
    event = event_class(action)(item_id=item.id, version=new.version, at=now, actor=actor.id,
                                role=actor.role, unit=actor.unit, from_state=item.state, to_state=t.target,
                                **facts)
    return new, event


def new_item(*, id: str, kind: Kind | str, title: str, actor: Actor, now: datetime, text: str = "",
             source: SourceRef | None = None, lead_units: Iterable[str] = (), co_units: Iterable[str] = (),
             due: date | str | None = None, due_text: str | None = None) -> tuple[Item, Created]:
    """A draft item (version 1) and its creation event: what extraction proposed, or the office typed in."""
    _check_now(now)
    if actor.role not in CREATORS:
        raise PermissionDenied(f"{actor.role.label}不能录入督办事项：只有督查室可以录入")
    heading, body = _text(title, "title"), _text(text, "text") or ""
    if not heading:
        raise MissingField("新的督办事项须有标题", "title")
    lead, co = _names(list(lead_units), "lead_units"), _names(list(co_units), "co_units")
    _check_units(lead, co)
    fields = dict(kind=_choice(Kind)(kind, "kind"), title=heading, text=body, source=source, lead_units=lead,
                  co_units=co, due=None if due is None else _date(due, "due"),
                  due_text=None if due_text is None else _text(due_text, "due_text"))
    item = Item(id=id, **fields)
    event = Created(item_id=id, version=item.version, at=now, actor=actor.id, role=actor.role, unit=actor.unit,
                    from_state=None, to_state=item.state, **fields)
    return item, event
