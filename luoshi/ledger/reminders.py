"""Reminders (催办): the record a REMIND event leaves for the unit to see, and the body sent to its webhook.

Sending is the edge's job (a background worker posts the body to `unit.webhook_url`); here is only what
to send: a DingTalk or WeCom group robot's text message, or a generic JSON body for any other receiver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from luoshi.glossary import zh
from luoshi.ledger.actors import Unit
from luoshi.ledger.canonical import jsonable
from luoshi.ledger.events import Reminded
from luoshi.ledger.items import Item


@dataclass(frozen=True)
class Reminder:
    """A chase as the unit sees it; `version` is the item version the REMIND event made (its audit entry)."""

    item_id: str
    units: tuple[str, ...]
    text: str | None
    by: str
    at: datetime
    version: int


def reminder_from(event: Reminded) -> Reminder:
    return Reminder(event.item_id, event.units, event.text, event.actor, event.at, event.version)


def _due_line(item: Item, today: date) -> str:
    if item.due is None:
        return f"{zh('due')}：未定"
    left = (item.due - today).days
    when = f"已逾期{-left}天" if left < 0 else "今日到期" if left == 0 else f"还剩{left}天"
    return f"{zh('due')}：{item.due.isoformat()}（{when}）"


def message(reminder: Reminder, item: Item, unit: Unit, link: str | None = None, today: date | None = None) -> str:
    """The reminder as text; days left count from `today` (the local date), else the reminder's own date.

    It starts with 【督办提醒】, which a DingTalk robot's keyword filter can be set to match.
    """
    today = today or reminder.at.date()
    lines = [f"【督办提醒】{unit.name}：", f"{zh('item')}：{item.title}", _due_line(item, today)]
    if reminder.text:
        lines.append(f"催办意见：{reminder.text}")
    if link:
        lines.append(f"详情：{link}")
    return "\n".join(lines)


def webhook_payload(reminder: Reminder, item: Item, unit: Unit, link: str | None = None,
                    today: date | None = None) -> dict[str, Any]:
    """The JSON body for `unit.webhook_url`, in the unit's `webhook_format` (dingtalk, wecom or json)."""
    text = message(reminder, item, unit, link, today)
    mobiles = list(unit.mobiles)
    if unit.webhook_format == "dingtalk":
        # DingTalk notifies the numbers in `at` and highlights them where the text names them.
        content = text + "".join(f" @{m}" for m in mobiles)
        return {"msgtype": "text", "text": {"content": content}, "at": {"atMobiles": mobiles, "isAtAll": False}}
    if unit.webhook_format == "wecom":
        body: dict[str, Any] = {"content": text}
        if mobiles:
            body["mentioned_mobile_list"] = mobiles
        return {"msgtype": "text", "text": body}
    return {
        "type": "luoshi.reminder",
        "text": text,
        "reminder": jsonable(reminder),
        "item": {"id": item.id, "kind": item.kind.value, "title": item.title, "state": item.state.value,
                 "due": jsonable(item.due), "lead_units": list(item.lead_units),
                 "co_units": list(item.co_units), "link": link},
        "unit": {"id": unit.id, "name": unit.name},
    }
