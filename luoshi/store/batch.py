"""Batch work in the ledger (批量办理): one action on many items — confirm, assign, cancel, remind — each
item in a transaction of its own, with its own event and audit entry, as if acted on one by one.

An item the rules refuse (wrong state, another unit's, changed meanwhile, a value missing) is left exactly
as it was and reported with the reason in Chinese; the others go ahead. "Select all that match" is the
ledger's filters re-applied here (`matching_ids`), never a list of ids the browser held.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from luoshi.errors import LuoshiError, NotFound
from luoshi.ledger import Action, Actor, State, due_for
from luoshi.ledger.errors import Conflict, InvalidTransition, InvalidValue, MissingField, PermissionDenied
from luoshi.ledger.due import check_not_past
from luoshi.ledger.workflow import TRANSITIONS, apply
from luoshi.settings import Settings, get_settings
from luoshi.store import items as store

# The actions the ledger offers for many items at once, and the fields each takes for all of them.
ACTIONS: dict[Action, tuple[str, ...]] = {
    Action.CONFIRM: ("note",),
    Action.ASSIGN: ("due", "lead_units", "co_units", "note"),
    Action.CANCEL: ("reason",),
    Action.REMIND: ("text",),
}
MAX_ITEMS = 500  # one batch; more is a sign the filter is wrong
FIELD_ZH = {"due": "办理期限", "reason": "撤销原因", "text": "催办内容", "note": "备注", "lead_units": "牵头单位",
            "co_units": "配合单位", "units": "催办单位"}


class BatchError(LuoshiError):
    """A batch that cannot start at all: no items, too many, an action not offered in batches."""


@dataclass(frozen=True)
class Failure:
    item_id: int
    title: str
    reason: str  # Chinese, says what to do next


@dataclass(frozen=True)
class BatchResult:
    action: Action
    done: list[int] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """`已交办 18 项，2 项未办理`: the one line a page shows first."""
        head = f"已{self.action.label} {len(self.done)} 项"
        return head + (f"，{len(self.failed)} 项未办理（原因见下）" if self.failed else "")


def reason_zh(exc: Exception, action: Action, state: State | None) -> str:
    """Why the rules refused `action` on one item, in Chinese, with what to do about it."""
    verb = action.label
    if isinstance(exc, NotFound):
        return "未找到该事项，或无权查看；请刷新台账后重新选择"
    if isinstance(exc, PermissionDenied):
        return f"无权对该事项{verb}"
    if isinstance(exc, InvalidTransition):
        sources = "、".join(f"「{s.label}」" for (s, a) in TRANSITIONS if a is action)
        now = f"当前状态为「{state.label}」，" if state is not None else ""
        return f"{now}不能{verb}；只有{sources}的事项可以{verb}"
    if isinstance(exc, Conflict):
        return "该事项刚被他人修改或有待审批的延期申请；请刷新后单独办理"
    if isinstance(exc, MissingField):
        if exc.field == "lead_units":
            return f"该事项尚未确定牵头单位；请指定牵头单位后再{verb}"
        return f"缺少{FIELD_ZH.get(exc.field, exc.field)}；请填写后重试"
    if isinstance(exc, InvalidValue):
        return f"{FIELD_ZH.get(exc.field, exc.field)}填写有误；请检查后重试"
    return f"无法{verb}；请打开该事项单独办理"


def offered_action(action: Action | str) -> Action:
    """The action, if batches offer it; else BatchError naming those they do."""
    try:
        chosen = Action(action)
    except ValueError:
        chosen = None
    if chosen not in ACTIONS:
        offered = "、".join(a.label for a in ACTIONS)
        raise BatchError(f"批量办理只支持{offered}；请选择其中一项")
    return chosen


def _ids(item_ids: Sequence[int | str]) -> list[int]:
    out = []
    for value in item_ids:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            raise BatchError(f"事项编号应为整数，而不是 {value!r}；请在台账中勾选事项") from None
    out = list(dict.fromkeys(out))
    if not out:
        raise BatchError("没有选择任何事项；请在台账中勾选事项，或选择“全选符合筛选条件的事项”")
    if len(out) > MAX_ITEMS:
        raise BatchError(f"一次最多批量办理 {MAX_ITEMS} 项（选中 {len(out)} 项）；请缩小筛选范围后分批办理")
    return out


def matching_ids(session: Session, *, actor: Actor, settings: Settings | None = None, now: datetime | None = None,
                 **filters: Any) -> list[int]:
    """The ids of every item `actor` sees under the ledger's `filters` (those of `list_items`), in the
    ledger's order; more than MAX_ITEMS is refused, naming the count."""
    filters = {k: v for k, v in filters.items() if v not in (None, "", [])}
    filters.setdefault("sort", "due")
    first = store.list_items(session, actor=actor, page=1, per_page=store.PER_PAGE_MAX, settings=settings, now=now,
                             **filters)
    if first.total > MAX_ITEMS:
        raise BatchError(f"符合筛选条件的事项有 {first.total} 项，一次最多批量办理 {MAX_ITEMS} 项；"
                         "请缩小筛选范围后分批办理")
    ids = [v.id for v in first.rows]
    for number in range(2, first.pages + 1):
        ids += [v.id for v in store.list_items(session, actor=actor, page=number, per_page=store.PER_PAGE_MAX,
                                               settings=settings, now=now, **filters).rows]
    return ids


def batch_act(session: Session, *, actor: Actor, action: Action | str, item_ids: Sequence[int | str],
              dues: Mapping[int | str, date | str] | None = None, versions: Mapping[int | str, int] | None = None,
              settings: Settings | None = None, now: datetime | None = None, ask_past_due: bool = False,
              **payload: Any) -> BatchResult:
    """Take `action` on each of `item_ids` as `actor`, each item committed (or left alone) on its own.

    `payload` is what every item gets (`due`, `reason`, `text`, `note`, `lead_units`, `co_units` as
    ACTIONS allows); ASSIGN takes `dues[item id]` before `due`, and without either each item's own date
    (the one its text fixes, else its kind's default), as a single assignment does. `versions[item id]`,
    when given, is the version the user saw: a changed item is refused rather than overwritten.
    Reminders are left pending for the reminder worker (no webhook is called inside the batch).
    With `ask_past_due`, ASSIGN with one `due` before today raises DueDatePassed before any item is touched.
    """
    settings = settings or get_settings()
    now = now or store.utcnow()
    chosen = offered_action(action)
    ids = _ids(item_ids)
    unknown = sorted(set(k for k, v in payload.items() if v not in (None, "", [])) - set(ACTIONS[chosen]))
    if unknown:
        raise BatchError(f"批量{chosen.label}不接受{'、'.join(FIELD_ZH.get(k, k) for k in unknown)}")
    values = {k: v for k, v in payload.items() if v not in (None, "", [])}
    try:
        for name in ("lead_units", "co_units"):
            if name in values:
                values[name] = list(store.unit_ids(session, values[name], name))
    except InvalidValue as exc:
        raise BatchError(f"{FIELD_ZH[exc.field]}中有未登记的单位；请从单位名录中选择") from None
    if ask_past_due and chosen is Action.ASSIGN and "due" in values:
        check_not_past(values["due"], store.today_in(settings, now))
    dues = {int(k): v for k, v in (dues or {}).items() if v not in (None, "")}
    versions = {int(k): int(v) for k, v in (versions or {}).items()}
    result = BatchResult(chosen)
    titles: dict[int, str] = {}  # an item the actor may not see keeps its title unsaid
    for item_id in ids:
        state = None
        try:
            old = store.load_item(session, item_id=item_id, actor=actor)
            state = old.state
            titles.setdefault(item_id, old.title)
            data = dict(values)
            if chosen is Action.ASSIGN:
                data["due"] = dues.get(item_id) or data.get("due") or due_for(
                    old, store.today_in(settings, now), settings.due_policy).date
            new, event = apply(old, chosen, actor, now, expected_version=versions.get(item_id), **data)
            store.save(session, old=old, new=new, event=event, settings=settings, now=now)
            session.commit()
        except LuoshiError as exc:
            session.rollback()
            result.failed.append(Failure(item_id, titles.get(item_id, ""), reason_zh(exc, chosen, state)))
            continue
        result.done.append(item_id)
    return result
