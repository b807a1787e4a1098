"""Reworking drafts before they are handed out: the office splits a draft into several or merges drafts
into one. The drafts reworked are closed (已撤销) by a `Split` or `Merged` event naming the items that
replace them, so each step is in the audit log of every item it touches; the new drafts have their own
`Created` events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import ClassVar

from luoshi.ledger.actors import OFFICE, Actor
from luoshi.ledger.errors import Conflict, InvalidTransition, PermissionDenied
from luoshi.ledger.events import Event, register
from luoshi.ledger.items import Item
from luoshi.ledger.states import State

REWORKABLE = (State.DRAFT, State.CONFIRMED)  # not yet handed out: nobody works on it


@register
@dataclass(frozen=True, kw_only=True)
class Split(Event):
    """The draft was split into the items `into` (its directives, or its lead units, shared among them)."""

    type: ClassVar[str] = "split"
    into: tuple[str, ...]
    reason: str


@register
@dataclass(frozen=True, kw_only=True)
class Merged(Event):
    """The draft was merged, with the others of `merged`, into the item `into`."""

    type: ClassVar[str] = "merge"
    into: str
    merged: tuple[str, ...]
    reason: str


def check_reworkable(item: Item, actor: Actor, expected_version: int | None = None) -> None:
    """Only the office reworks drafts, only drafts not yet handed out, only as the office read them."""
    if actor.role not in OFFICE:
        raise PermissionDenied(f"只有督查室可以拆分或合并事项（当前用户：{actor.role.label}）")
    if expected_version is not None and expected_version != item.version:
        raise Conflict(f"事项 {item.id} 已被他人修改（读取时为第 {expected_version} 版，现为第 {item.version} 版）；"
                       "请刷新后重试")
    if item.state not in REWORKABLE:
        raise InvalidTransition(f"事项 {item.id} 的状态为“{item.state.label}”，只有待确认或待交办的事项可以拆分或合并；"
                                "已交办的事项请先撤销再重新录入")


def split(item: Item, actor: Actor, now: datetime, *, into: tuple[str, ...],
          expected_version: int | None = None) -> tuple[Item, Split]:
    """The draft closed as split into `into`, and the event saying so."""
    check_reworkable(item, actor, expected_version)
    reason = f"已拆分为事项 {'、'.join(into)}"
    new = replace(item, state=State.CANCELLED, version=item.version + 1, closed_at=now, cancel_reason=reason)
    return new, Split(item_id=item.id, version=new.version, at=now, actor=actor.id, role=actor.role,
                      unit=actor.unit, from_state=item.state, to_state=new.state, into=into, reason=reason)


def merge(item: Item, actor: Actor, now: datetime, *, into: str, merged: tuple[str, ...],
          expected_version: int | None = None) -> tuple[Item, Merged]:
    """One of the drafts `merged` closed as merged into `into`, and the event saying so."""
    check_reworkable(item, actor, expected_version)
    reason = f"已与事项 {'、'.join(m for m in merged if m != item.id)} 合并为事项 {into}"
    new = replace(item, state=State.CANCELLED, version=item.version + 1, closed_at=now, cancel_reason=reason)
    return new, Merged(item_id=item.id, version=new.version, at=now, actor=actor.id, role=actor.role,
                       unit=actor.unit, from_state=item.state, to_state=new.state, into=into, merged=merged,
                       reason=reason)
