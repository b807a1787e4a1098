"""The escalation of an item left undone: 提醒 (automatic) → 催办 → 督办通知 (a Word letter, also sent to the
unit's channels) → 约谈 (recorded); each step in the item's history and counted per unit."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from docx import Document

from luoshi.ledger import Actor, Role
from luoshi.notify import Mailer, run_once
from luoshi.store import escalation
from luoshi.store.items import act, create_item, item_history
from luoshi.store.orgs import create_organisation
from luoshi.store.outbox import add_channel
from receivers import Receivers
from webfixtures import web  # noqa: F401

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)


def test_every_step_is_in_the_history_and_counted_per_unit(db, session, settings):
    receivers = Receivers().start()
    try:
        shang = create_organisation(session, name="市商务局").id
        cai = create_organisation(session, name="市财政局").id
        url, robot = receivers.robot("/hooks/x", "webhook")
        add_channel(session, actor=OFFICE, unit_id=shang, kind="webhook", target=url, now=NOW)
        row = create_item(session, actor=OFFICE, kind="task", title="推进外贸稳增长", lead_units=["市商务局"],
                          co_units=["市财政局"], now=NOW, settings=settings)
        for version, (action, extra) in enumerate([("confirm", {}), ("assign", {"due": "2024-03-05"})], start=1):
            act(session, item_id=row.id, actor=OFFICE, action=action, expected_version=version, settings=settings,
                now=NOW, **extra)
        for day in (3, 6, 7):  # due soon, then overdue twice
            run_once(db, settings, runner="w", now=NOW + timedelta(days=day - 1), mailer=Mailer(None))
        steps = [("remind", {"text": "请加快进度"}),
                 ("notify", {"text": "请于3个工作日内书面报告", "number": "市府督〔2024〕3号"}),
                 ("interview", {"text": "约谈局长，承诺3月底前完成", "units": ["市商务局", "市财政局"]})]
        for version, (action, extra) in enumerate(steps, start=3):
            act(session, item_id=row.id, actor=OFFICE, action=action, expected_version=version, settings=settings,
                now=NOW + timedelta(days=6, hours=1), **extra)
        run_once(db, settings, runner="w", now=NOW + timedelta(days=6, hours=2), mailer=Mailer(None))
    finally:
        receivers.stop()
    history = item_history(session, item_id=row.id, actor=OFFICE)
    assert [(e.type, e.data.get("units"), e.data.get("number")) for e in history[3:]] == [
        ("remind", ["1"], None), ("notify", ["1"], "市府督〔2024〕3号"), ("interview", ["1", "2"], None)]
    assert [m["kind"] for m in robot.received] == ["assigned", "due_soon", "overdue", "overdue", "remind", "notice"]
    assert robot.received[-1]["title"] == "督办通知（市府督〔2024〕3号）：推进外贸稳增长"
    assert [e.to_dict() for e in escalation.counts(session)] == [
        {"unit": {"id": shang, "name": "市商务局"}, "reminders": 3, "chases": 1, "notices": 1, "interviews": 1},
        {"unit": {"id": cai, "name": "市财政局"}, "reminders": 0, "chases": 0, "notices": 0, "interviews": 1}]


def test_the_notice_is_a_word_letter_for_whoever_may_see_the_item(web):
    office, unit, other = web.api("office"), web.api("unit_a"), web.api("unit_b")
    item_id = web.item("in_progress")
    answer = office.post(f"/api/items/{item_id}/notify", json={"text": "请于3个工作日内书面报告办理进展",
                                                                "number": "市府督〔2030〕7号", "version": 4})
    assert answer.status_code == 200, answer.text
    got = unit.get(f"/api/items/{item_id}/notices/5")
    assert got.status_code == 200
    text = [p.text for p in Document(io.BytesIO(got.content)).paragraphs if p.text.strip()]
    assert text[:4] == ["县人民政府办公室", "市府督〔2030〕7号", "关于加快办理“推进外贸稳增长”的督办通知", "市商务局："]
    assert "请于3个工作日内书面报告办理进展" in text and "二、督办要求" in text
    assert other.get(f"/api/items/{item_id}/notices/5").status_code == 404
    assert office.get(f"/api/items/{item_id}/notices/4").status_code == 404  # version 4 is no notice
    page = web.browser("office").get(f"/items/{item_id}").text
    assert f'href="/items/{item_id}/notices/5.docx"' in page and "文号：</span>市府督〔2030〕7号" in page
    # The notice waits in the outbox for the worker (the unit has no channel here, so none is queued).
    assert 'id="notices"' not in page
    assert web.api("unit_a").post(f"/api/items/{item_id}/interview", json={"text": "x", "version": 5}).status_code == 403
    counts = office.get("/api/escalation").json()
    assert counts == [{"unit": {"id": web.units["a"], "name": "市商务局"}, "reminders": 0, "chases": 0, "notices": 1,
                       "interviews": 0}]
    assert other.get("/api/escalation").json() == []


def test_the_item_page_lists_the_notices_sent_about_it(web):
    with web.db.session() as s:
        add_channel(s, actor=OFFICE, unit_id=web.units["a"], kind="webhook", target="http://127.0.0.1:9/hook")
    item_id = web.item("in_progress")
    page = web.browser("unit_a").get(f"/items/{item_id}").text
    rows = page[page.index('id="notices"'):].split("</table>")[0]
    assert rows.count("<tr class=") == 1 and "交办通知" in rows and "待发送" in rows and "JSON Webhook" in rows
