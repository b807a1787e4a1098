"""Reminders actually delivered: notices queued in the outbox with the change, sent by the worker to local
receivers that speak the 企业微信, 钉钉 (signature checked), 飞书 (signature checked), JSON webhook and SMTP
protocols; the clock moved forward for due-soon, overdue-daily and stale reminders; two workers at once
send each notice exactly once; a receiver that fails three times gets the message once, after backoff."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from luoshi.ledger import Actor, Role
from luoshi.notify import Mailer, run_once
from luoshi.notify.channels import dingtalk_sign, feishu_sign, render
from luoshi.store.db import Database
from luoshi.store.items import act, create_item
from luoshi.store.orgs import create_organisation
from luoshi.store.outbox import ChannelView, OutboxRow, add_channel, backoff, channels, queue_test
from luoshi.store.reminders import reminders_for
from receivers import Mailbox, Receivers

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
OFFICE = Actor("dc1", Role.SUPERVISOR, name="督查室")


@pytest.fixture
def receivers():
    r = Receivers().start()
    yield r
    r.stop()


@pytest.fixture
def mailbox():
    m = Mailbox().start()
    yield m
    m.stop()


def unit(session, name="市商务局"):
    return create_organisation(session, name=name).id


def assigned(session, settings, unit_name="市商务局", due="2024-03-10", title="推进外贸稳增长", now=NOW,
             co_units=()):
    row = create_item(session, actor=OFFICE, kind="task", title=title, lead_units=[unit_name], co_units=co_units,
                      now=now, settings=settings)
    act(session, item_id=row.id, actor=OFFICE, action="confirm", expected_version=1, settings=settings, now=now)
    act(session, item_id=row.id, actor=OFFICE, action="assign", expected_version=2, due=due, settings=settings,
        now=now)
    return row.id


def work(db, settings, now, mailer=None, runner="w1"):
    return run_once(db, settings, runner=runner, now=now, mailer=mailer or Mailer(None))


def test_an_assignment_reaches_every_channel_in_its_protocol(db, session, settings, receivers, mailbox):
    unit_id = unit(session)
    urls = {
        "wecom": receivers.robot("/cgi-bin/webhook/send", "wecom", query="?key=k1"),
        "dingtalk": receivers.robot("/robot/send", "dingtalk", secret="SECd1ng", query="?access_token=t1"),
        "feishu": receivers.robot("/open-apis/bot/v2/hook/f1", "feishu", secret="fe1shu"),
        "webhook": receivers.robot("/hooks/luoshi", "webhook"),
    }
    for kind, (url, _) in urls.items():
        add_channel(session, actor=OFFICE, unit_id=unit_id, kind=kind, target=url,
                    secret={"dingtalk": "SECd1ng", "feishu": "fe1shu"}.get(kind), mobiles=["13800000001"], now=NOW)
    add_channel(session, actor=OFFICE, unit_id=unit_id, kind="email", target="duban@example.gov.cn", now=NOW)
    item_id = assigned(session, settings)
    mailer = Mailer("127.0.0.1", mailbox.port, sender="luoshi@example.gov.cn")
    done = work(db, settings, NOW, mailer)
    assert (done.sent, done.failed) == (5, 0)
    text = ("【督办通知】市商务局：\n督办事项：推进外贸稳增长\n办理期限：2024-03-10（还剩9天）\n"
            f"请及时签收并按期报送办理进展。\n详情：http://127.0.0.1:8000/items/{item_id}")
    got = {kind: robot.received for kind, (_, robot) in urls.items()}
    assert got["wecom"] == [{"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": ["13800000001"]}}]
    assert got["dingtalk"] == [{"msgtype": "text", "text": {"content": text + " @13800000001"},
                                "at": {"atMobiles": ["13800000001"], "isAtAll": False}}]
    [feishu] = got["feishu"]
    assert {k: feishu[k] for k in ("msg_type", "content")} == {"msg_type": "text", "content": {"text": text}}
    assert got["webhook"] == [{"type": "luoshi.notice", "kind": "assigned", "kind_label": "交办通知",
                               "title": "新交办督办事项：推进外贸稳增长", "text": text,
                               "link": f"http://127.0.0.1:8000/items/{item_id}", "item_id": item_id,
                               "unit": {"id": unit_id, "name": "市商务局"}}]
    [(to, mail)] = mailbox.messages
    assert (to, mail["Subject"], mail["From"], mail.get_content().replace("\r\n", "\n").strip()) == (
        ["duban@example.gov.cn"], "新交办督办事项：推进外贸稳增长", "luoshi@example.gov.cn", text)
    assert work(db, settings, NOW + timedelta(minutes=1), mailer).sent == 0  # nothing twice


def test_a_wrong_signature_is_refused_and_recorded(db, session, settings, receivers):
    unit_id = unit(session)
    url, robot = receivers.robot("/robot/send", "dingtalk", secret="the-right-one", query="?access_token=t1")
    add_channel(session, actor=OFFICE, unit_id=unit_id, kind="dingtalk", target=url, secret="a-wrong-one", now=NOW)
    assigned(session, settings)
    assert work(db, settings, NOW).failed == 1
    row = session.scalars(select(OutboxRow)).one()
    assert (row.state, row.attempts, row.last_error, robot.received) == (
        "pending", 1, f"{receivers.url}/robot/send: errcode 310000: sign not match", [])
    assert row.next_attempt_at == NOW + timedelta(seconds=30)


def kinds_sent(robot):
    return [(m["kind"], m["item_id"]) for m in robot.received]


def test_the_clock_moved_forward_before_due_overdue_daily_and_stale(db, session, settings, receivers):
    unit_id = unit(session)
    url, robot = receivers.robot("/hooks/luoshi", "webhook")
    add_channel(session, actor=OFFICE, unit_id=unit_id, kind="webhook", target=url, now=NOW)
    item_id = assigned(session, settings, due="2024-03-10")
    day = lambda d, h=9: datetime(2024, 3, d, h - 8, 0, tzinfo=UTC)  # noqa: E731 (09:00 Shanghai)
    log = []
    for when in (day(1), day(6), day(7), day(7, 15), day(8), day(10), day(11), day(11, 18), day(12), day(15),
                 day(15, 20), day(16)):
        before = len(robot.received)
        work(db, settings, when)
        log.append((when.astimezone(settings.zone).strftime("%m-%d %H"), [m["kind"] for m in robot.received[before:]]))
    assert log == [("03-01 09", ["assigned"]), ("03-06 09", []), ("03-07 09", ["due_soon"]), ("03-07 15", []),
                   ("03-08 09", []), ("03-10 09", []), ("03-11 09", ["overdue"]), ("03-11 18", []),
                   ("03-12 09", ["overdue"]), ("03-15 09", ["overdue", "stale"]), ("03-15 20", []),
                   ("03-16 09", ["overdue"])]
    assert robot.received[-1]["text"].splitlines()[:3] == ["【督办提醒】市商务局：", "督办事项：推进外贸稳增长",
                                                          "办理期限：2024-03-10（已逾期6天）"]
    # A report resets the silence: no stale notice until remind_stale_days after it.
    act(session, item_id=item_id, actor=Actor("u", Role.UNIT, unit=str(unit_id)), action="accept",
        expected_version=3, settings=settings, now=day(16, 10))
    act(session, item_id=item_id, actor=Actor("u", Role.UNIT, unit=str(unit_id)), action="report_progress",
        expected_version=4, text="已完成一半", settings=settings, now=day(16, 10))
    before = len(robot.received)
    work(db, settings, day(29))
    assert [m["kind"] for m in robot.received[before:]] == ["overdue"]


def test_a_receiver_that_fails_three_times_gets_the_message_once(db, session, settings, receivers):
    unit_id = unit(session)
    url, robot = receivers.robot("/cgi-bin/webhook/send", "wecom", fail_first=3)
    add_channel(session, actor=OFFICE, unit_id=unit_id, kind="wecom", target=url, now=NOW)
    assigned(session, settings)
    at, outcomes = NOW, []
    for _ in range(6):
        done = work(db, settings, at)
        outcomes.append((int((at - NOW).total_seconds()), done.sent, done.failed))
        at += timedelta(seconds=30)
    # Failures at 0 s, 30 s (wait 30), 90 s (wait 60): the third waits 120 s, so 120 and 150 find nothing due.
    assert outcomes == [(0, 0, 1), (30, 0, 1), (60, 0, 0), (90, 0, 1), (120, 0, 0), (150, 0, 0)]
    assert work(db, settings, NOW + timedelta(seconds=210)).sent == 1
    assert (robot.seen, len(robot.received), len(robot.refused)) == (4, 1, 3)
    row = session.scalars(select(OutboxRow)).one()
    session.refresh(row)
    assert (row.state, row.attempts, row.last_error) == ("sent", 4, None)
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 8, 20)] == [30, 60, 120, 240, 3600, 3600]


def test_two_workers_at_once_send_each_notice_exactly_once(db, session, settings, receivers):
    unit_id = unit(session)
    url, robot = receivers.robot("/hooks/luoshi", "webhook")
    add_channel(session, actor=OFFICE, unit_id=unit_id, kind="webhook", target=url, now=NOW)
    ids = [assigned(session, settings, title=f"事项{n}") for n in range(30)]
    other = Database(db.url, migrate=False)
    start = threading.Barrier(2)
    results = {}

    def run(name, database):
        start.wait()
        results[name] = run_once(database, settings, runner=name, now=NOW, mailer=Mailer(None), batch=3)

    threads = [threading.Thread(target=run, args=(n, d)) for n, d in (("w1", db), ("w2", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    other.dispose()
    assert sorted(m["item_id"] for m in robot.received) == ids
    assert results["w1"].sent + results["w2"].sent == 30
    assert session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.state == "sent")) == 30


def test_a_chase_is_delivered_after_the_commit_and_recorded_on_the_reminder(db, session, settings, receivers):
    unit_id = unit(session)
    unit(session, "市财政局")
    url, robot = receivers.robot("/hooks/luoshi", "webhook")
    add_channel(session, actor=OFFICE, unit_id=unit_id, kind="webhook", target=url, now=NOW)
    item_id = assigned(session, settings, co_units=["市财政局"])
    work(db, settings, NOW)
    act(session, item_id=item_id, actor=OFFICE, action="remind", expected_version=3, text="请加快进度",
        units=["市商务局", "市财政局"], settings=settings, now=NOW)
    assert [(r.unit_id, r.delivery) for r in reminders_for(session, actor=OFFICE, item_id=item_id)] == [
        (2, "none"), (1, "pending")]
    assert len(robot.received) == 1  # only the hand-out so far: nothing is sent inside the change
    work(db, settings, NOW + timedelta(seconds=1))
    session.expire_all()
    assert [(r.unit_id, r.delivery) for r in reminders_for(session, actor=OFFICE, item_id=item_id)] == [
        (2, "none"), (1, "sent")]
    assert robot.received[-1]["text"].splitlines()[-2:] == [
        "催办意见：请加快进度", f"详情：http://127.0.0.1:8000/items/{item_id}"]


def test_a_units_webhook_in_the_directory_is_one_of_its_channels(db, session, settings, receivers):
    url, robot = receivers.robot("/robot/send", "dingtalk", query="?access_token=t")
    create_organisation(session, name="市商务局", webhook_url=url, webhook_format="dingtalk")
    assigned(session, settings)
    assert work(db, settings, NOW).sent == 1
    assert robot.received[0]["text"]["content"].startswith("【督办通知】市商务局：")


def test_a_test_message_goes_to_every_channel_and_needs_one(db, session, settings, receivers):
    unit_id = unit(session)
    me = Actor("li", Role.UNIT, unit=str(unit_id), name="李强")
    with pytest.raises(Exception) as caught:
        queue_test(session, actor=me, unit_id=unit_id, settings=settings, now=NOW)
    assert "尚未设置提醒渠道" in str(caught.value)
    url, robot = receivers.robot("/open-apis/bot/v2/hook/x", "feishu", secret="s3")
    add_channel(session, actor=me, unit_id=unit_id, kind="feishu", target=url, secret="s3", now=NOW)
    assert queue_test(session, actor=me, unit_id=unit_id, settings=settings, now=NOW) == 1
    assert work(db, settings, NOW).sent == 1
    assert robot.received[0]["content"]["text"].startswith("【督办提醒】市商务局：\n这是一条测试消息，由 李强 在通知设置页发送。")
    other = Actor("wang", Role.UNIT, unit="99")
    with pytest.raises(Exception) as caught:
        add_channel(session, actor=other, unit_id=unit_id, kind="webhook", target=url)
    assert type(caught.value).__name__ == "NotFound"
    assert [c.kind for c in channels(session, unit_ids=[unit_id])[unit_id]] == ["feishu"]


def test_the_signatures_and_bodies_are_as_the_platforms_document():
    """The signing recipes as DingTalk's and Feishu's documentation write them, beside ours."""
    import base64
    import hashlib
    import hmac
    import urllib.parse

    message = {"title": "标题", "text": "内容"}
    ding = render(ChannelView(1, 1, "dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc", "SEC1",
                              (), True), message, now=1700000000.123)
    string_to_sign = "1700000000123\nSEC1"
    documented = urllib.parse.quote_plus(base64.b64encode(
        hmac.new(b"SEC1", string_to_sign.encode("utf-8"), digestmod=hashlib.sha256).digest()))
    assert ding.url == f"https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000123&sign={documented}"
    assert urllib.parse.quote_plus(dingtalk_sign("SEC1", 1700000000123)) == documented
    fei = render(ChannelView(2, 1, "feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/x", "s", (), True),
                 message, now=1700000000)
    feishu_documented = base64.b64encode(hmac.new("1700000000\ns".encode("utf-8"), digestmod=hashlib.sha256)
                                         .digest()).decode("utf-8")
    assert feishu_sign("s", 1700000000) == feishu_documented
    assert fei.body.decode() == ('{"timestamp": "1700000000", "sign": "' + feishu_documented +
                                 '", "msg_type": "text", "content": {"text": "内容"}}')
