"""Reminders (催办): the record a REMIND leaves and the webhook bodies for DingTalk, WeCom and JSON receivers."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from luoshi.ledger.actors import Actor, Role, Unit
from luoshi.ledger.items import Item, Kind
from luoshi.ledger.reminders import Reminder, message, reminder_from, webhook_payload
from luoshi.ledger.states import Action, State
from luoshi.ledger.workflow import apply

CST = timezone(timedelta(hours=8))
AT = datetime(2024, 7, 3, 10, tzinfo=CST)
ITEM = Item(id="it-1", kind=Kind.TASK, title="推进外贸企业稳订单", state=State.IN_PROGRESS, lead_units=("u-sw",),
            co_units=("u-wj",), due=date(2024, 6, 30), assigned_at=datetime(2024, 3, 2, 9, tzinfo=CST), version=7)
REMINDER = Reminder("it-1", ("u-sw",), "请本周内报送进展", "dc1", AT, 8)
LINK = "https://luoshi.example/items/it-1"


def unit(fmt: str, mobiles=("13800000000",)) -> Unit:
    return Unit("u-sw", "市商务局", "https://hook.example/x", fmt, mobiles)


TEXT = ("【督办提醒】市商务局：\n督办事项：推进外贸企业稳订单\n办理期限：2024-06-30（已逾期3天）\n"
        "催办意见：请本周内报送进展\n详情：https://luoshi.example/items/it-1")


def test_a_remind_event_becomes_the_units_reminder():
    _, event = apply(ITEM, Action.REMIND, Actor("dc1", Role.SUPERVISOR), AT, text="请本周内报送进展")
    assert reminder_from(event) == REMINDER


def test_the_message_counts_days_to_or_past_the_due_date():
    assert message(REMINDER, ITEM, unit("json"), LINK) == TEXT
    lines = [message(REMINDER, ITEM, unit("json"), today=d).splitlines()[2]
             for d in (date(2024, 6, 30), date(2024, 6, 25))]
    assert lines == ["办理期限：2024-06-30（今日到期）", "办理期限：2024-06-30（还剩5天）"]


def test_dingtalk_body():
    assert webhook_payload(REMINDER, ITEM, unit("dingtalk"), LINK) == {
        "msgtype": "text", "text": {"content": TEXT + " @13800000000"},
        "at": {"atMobiles": ["13800000000"], "isAtAll": False}}


def test_wecom_body():
    assert webhook_payload(REMINDER, ITEM, unit("wecom"), LINK) == {
        "msgtype": "text", "text": {"content": TEXT, "mentioned_mobile_list": ["13800000000"]}}
    assert webhook_payload(REMINDER, ITEM, unit("wecom", ()), LINK) == {"msgtype": "text", "text": {"content": TEXT}}


def test_generic_json_body():
    assert webhook_payload(REMINDER, ITEM, unit("json"), LINK) == {
        "type": "luoshi.reminder", "text": TEXT,
        "reminder": {"item_id": "it-1", "units": ["u-sw"], "text": "请本周内报送进展", "by": "dc1",
                     "at": "2024-07-03T02:00:00+00:00", "version": 8},
        "item": {"id": "it-1", "kind": "task", "title": "推进外贸企业稳订单", "state": "in_progress",
                 "due": "2024-06-30", "lead_units": ["u-sw"], "co_units": ["u-wj"], "link": LINK},
        "unit": {"id": "u-sw", "name": "市商务局"},
    }
