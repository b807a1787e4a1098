"""What luoshi tells a unit without anybody clicking, as text: an item handed to it, a due date near, an
item overdue (daily), no report for a while, a chase (催办), a test of its channels.

Pure: the store composes a notice when it queues it (`luoshi.store.outbox`), the worker sends it. Every
text starts with 【督办提醒】 or 【督办通知】, which a DingTalk robot's keyword filter can be set to match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from luoshi.ledger.items import Item


class NoticeKind(StrEnum):
    ASSIGNED = "assigned"  # 交办通知
    DUE_SOON = "due_soon"  # 到期提醒
    OVERDUE = "overdue"  # 逾期提醒, daily
    STALE = "stale"  # 未报送提醒
    REMIND = "remind"  # 催办 by the office
    NOTICE = "notice"  # 督办通知 by the office
    TEST = "test"  # a unit's test of its channels

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {NoticeKind.ASSIGNED: "交办通知", NoticeKind.DUE_SOON: "到期提醒", NoticeKind.OVERDUE: "逾期提醒",
          NoticeKind.STALE: "未报送提醒", NoticeKind.REMIND: "催办", NoticeKind.NOTICE: "督办通知", NoticeKind.TEST: "测试消息"}


@dataclass(frozen=True)
class Notice:
    """One message to one unit; `key` makes queueing it idempotent (one row per key and channel)."""

    key: str
    kind: NoticeKind
    unit_id: int
    unit_name: str
    title: str
    text: str
    item_id: int | None = None
    link: str | None = None
    reminder_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def message(self) -> dict[str, Any]:
        """The JSON kept in the outbox: everything a channel needs to format it."""
        return {"kind": self.kind.value, "kind_label": self.kind.label, "title": self.title, "text": self.text,
                "link": self.link, "item_id": self.item_id, "unit": {"id": self.unit_id, "name": self.unit_name},
                **self.extra}


def _due(item: Item, today: date) -> str:
    if item.due is None:
        return "办理期限：未定"
    left = (item.due - today).days
    when = f"已逾期{-left}天" if left < 0 else "今日到期" if left == 0 else f"还剩{left}天"
    return f"办理期限：{item.due.isoformat()}（{when}）"


def _text(head: str, unit_name: str, item: Item, today: date, link: str | None, *more: str) -> str:
    lines = [f"{head}{unit_name}：", f"督办事项：{item.title}", _due(item, today), *more]
    if link:
        lines.append(f"详情：{link}")
    return "\n".join(lines)


def item_notice(kind: NoticeKind, *, key: str, item: Item, unit_id: int, unit_name: str, today: date,
                link: str | None, reminder_id: int | None = None, text: str | None = None,
                silent_days: int | None = None, number: str | None = None) -> Notice:
    """The notice of `kind` about `item` for one unit."""
    more: list[str] = []
    if kind is NoticeKind.ASSIGNED:
        head, title = "【督办通知】", f"新交办督办事项：{item.title}"
        more.append("请及时签收并按期报送办理进展。")
    elif kind is NoticeKind.DUE_SOON:
        head, title = "【督办提醒】", f"督办事项即将到期：{item.title}"
        more.append("请在期限前报送办理情况或申请办结。")
    elif kind is NoticeKind.OVERDUE:
        head, title = "【督办提醒】", f"督办事项已逾期：{item.title}"
        more.append("请尽快办理并报送进展；确需延期的，请提交延期申请。")
    elif kind is NoticeKind.STALE:
        head, title = "【督办提醒】", f"督办事项已{silent_days}天未报送进展：{item.title}"
        more.append(f"已连续{silent_days}天未报送办理进展，请及时报送。")
    elif kind is NoticeKind.REMIND:
        head, title = "【督办提醒】", f"催办：{item.title}"
        if text:
            more.append(f"催办意见：{text}")
    elif kind is NoticeKind.NOTICE:
        head, title = "【督办通知】", f"督办通知{f'（{number}）' if number else ''}：{item.title}"
        more.append(f"督办要求：{text}")
        more.append("督办通知（Word）可在事项页面的办理记录中下载。")
    else:
        raise ValueError(f"{kind} is not a notice about an item")
    return Notice(key, kind, unit_id, unit_name, title, _text(head, unit_name, item, today, link, *more),
                  int(item.id), link, reminder_id)


def test_notice(*, key: str, unit_id: int, unit_name: str, by: str, link: str | None) -> Notice:
    text = (f"【督办提醒】{unit_name}：\n这是一条测试消息，由 {by} 在通知设置页发送。\n"
            "收到本消息说明提醒渠道已设置正确。" + (f"\n系统地址：{link}" if link else ""))
    return Notice(key, NoticeKind.TEST, unit_id, unit_name, "落实督办系统测试消息", text, None, link)
