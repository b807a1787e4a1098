"""Reminders (催办): recorded per unit, queued in the outbox with the chase and posted to the unit's webhook
by the worker after the commit; a failed delivery is recorded on the reminder and never raised to the user."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx

from luoshi.ledger import Actor, Role
from luoshi.store.items import act, create_item
from luoshi.store.orgs import create_organisation
from luoshi.notify import Mailer, run_once
from luoshi.store.reminders import reminders_for

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)


def assigned_item(session, settings, **org):
    create_organisation(session, name="市商务局", **org)
    row = create_item(session, actor=OFFICE, kind="task", title="推进外贸稳增长", lead_units=["市商务局"], now=NOW,
                      settings=settings)
    act(session, item_id=row.id, actor=OFFICE, action="confirm", expected_version=1, settings=settings, now=NOW)
    act(session, item_id=row.id, actor=OFFICE, action="assign", expected_version=2, due="2024-03-10",
        settings=settings, now=NOW)
    return row.id


def deliver(session, settings, transport, now=NOW):
    """One pass of the worker over the database of `session`."""
    from luoshi.store.db import Database

    db = Database(session.get_bind().url.render_as_string(hide_password=False), migrate=False)
    try:
        run_once(db, settings, runner="test", now=now, schedule=False, transport=transport, mailer=Mailer(None))
    finally:
        db.dispose()
    session.expire_all()


def remind(session, settings, item_id, transport):
    act(session, item_id=item_id, actor=OFFICE, action="remind", expected_version=3, text="请加快进度",
        settings=settings, now=NOW)
    deliver(session, settings, transport)
    return [r for r in reminders_for(session, actor=OFFICE, item_id=item_id)]


def test_a_reminder_is_posted_to_the_units_webhook(session, settings):
    received = []

    def handler(request: httpx.Request) -> httpx.Response:
        received.append((str(request.url), json.loads(request.content)))
        return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})

    item_id = assigned_item(session, settings, webhook_url="https://oapi.dingtalk.com/robot/send?access_token=t",
                            webhook_format="dingtalk")
    [reminder] = remind(session, settings, item_id, httpx.MockTransport(handler))
    assert (reminder.unit_id, reminder.text, reminder.delivery, reminder.delivery_error) == (1, "请加快进度", "sent", None)
    assert received[0][1]["text"]["content"].startswith("【督办通知】市商务局：")  # the hand-out, then the chase
    assert received[1:] == [("https://oapi.dingtalk.com/robot/send?access_token=t", {
        "msgtype": "text",
        "text": {"content": "【督办提醒】市商务局：\n督办事项：推进外贸稳增长\n办理期限：2024-03-10（还剩9天）\n"
                            "催办意见：请加快进度\n详情：http://127.0.0.1:8000/items/1"},
        "at": {"atMobiles": [], "isAtAll": False}})]


def test_a_failed_delivery_is_recorded_not_raised(session, settings):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    item_id = assigned_item(session, settings, webhook_url="http://10.0.0.9/hook")
    [reminder] = remind(session, settings, item_id, httpx.MockTransport(handler))
    assert (reminder.delivery, reminder.delivery_error) == (
        "failed", "http://10.0.0.9/hook: ConnectError: connection refused")


def test_a_refusing_robot_is_a_failed_delivery_and_can_be_retried(session, settings):
    answers = [httpx.Response(200, json={"errcode": 0}),  # the hand-out
               httpx.Response(200, json={"errcode": 310000, "errmsg": "keywords not in content"}),
               httpx.Response(200, json={"errcode": 0})]
    transport = httpx.MockTransport(lambda request: answers.pop(0))
    item_id = assigned_item(session, settings, webhook_url="https://qyapi.weixin.qq.com/hook", webhook_format="wecom")
    [reminder] = remind(session, settings, item_id, transport)
    assert (reminder.delivery, reminder.delivery_error) == (
        "failed", "https://qyapi.weixin.qq.com/hook: errcode 310000: keywords not in content")
    deliver(session, settings, transport, now=NOW + timedelta(seconds=30))  # after the backoff
    [retried] = reminders_for(session, actor=OFFICE, item_id=item_id)
    assert (retried.id, retried.delivery, retried.delivery_error) == (reminder.id, "sent", None)


def test_a_unit_without_a_webhook_still_sees_its_reminder(session, settings):
    item_id = assigned_item(session, settings)
    [reminder] = remind(session, settings, item_id, httpx.MockTransport(lambda r: httpx.Response(500)))
    assert reminder.delivery == "none"
    assert reminders_for(session, actor=Actor("u1", Role.UNIT, unit="1")) == [reminder]
    assert reminders_for(session, actor=Actor("u2", Role.UNIT, unit="2")) == []
