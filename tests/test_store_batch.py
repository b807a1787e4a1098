"""Batch work in the ledger: one action on many items, each with its own event and audit entry; an item
the rules refuse is left as it was and reported with a Chinese reason; "all that match" re-applies the
ledger's filters on the server."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from luoshi.ledger import Actor, Role, State
from luoshi.store.audit import verify_audit
from luoshi.store.batch import MAX_ITEMS, BatchError, Failure, batch_act, matching_ids
from luoshi.store.items import act, create_item, item_history, load_item
from luoshi.store.models import ReminderRow
from luoshi.store.orgs import create_organisation

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR, name="督查室")


@pytest.fixture
def units(session):
    return [create_organisation(session, name=n).id for n in ("市商务局", "市财政局")]


def drafts(session, settings, n, lead=("市商务局",), due=None):
    return [create_item(session, actor=OFFICE, kind="task", title=f"事项{i}", text=f"事项{i}", lead_units=lead,
                        due=due, now=NOW, settings=settings).id for i in range(1, n + 1)]


def state_of(session, item_id):
    return load_item(session, item_id=item_id, actor=OFFICE).state


def test_confirm_then_assign_many_with_one_due_date(session, settings, units):
    ids = drafts(session, settings, 5)
    confirmed = batch_act(session, actor=OFFICE, action="confirm", item_ids=ids, settings=settings, now=NOW)
    assert (confirmed.done, confirmed.failed, confirmed.summary) == (ids, [], "已确认 5 项")
    assigned = batch_act(session, actor=OFFICE, action="assign", item_ids=ids, due="2024-06-30",
                         co_units=["市财政局"], settings=settings, now=NOW)
    assert assigned.done == ids
    for item_id in ids:
        item = load_item(session, item_id=item_id, actor=OFFICE)
        assert (item.state, item.due, item.lead_units, item.co_units) == (
            State.ASSIGNED, date(2024, 6, 30), (str(units[0]),), (str(units[1]),))
        assert [h.type for h in item_history(session, item_id=item_id, actor=OFFICE)] == ["create", "confirm", "assign"]
    assert verify_audit(session, key=settings.audit_key_bytes) == []


def test_assign_each_with_its_own_due_date(session, settings, units):
    own, listed, default = drafts(session, settings, 1, due="2024-09-30") + drafts(session, settings, 2)
    batch_act(session, actor=OFFICE, action="confirm", item_ids=[own, listed, default], settings=settings, now=NOW)
    result = batch_act(session, actor=OFFICE, action="assign", item_ids=[own, listed, default],
                       dues={listed: "2024-05-31"}, settings=settings, now=NOW)
    assert result.done == [own, listed, default]
    dues = [load_item(session, item_id=i, actor=OFFICE).due for i in (own, listed, default)]
    # the text's date; the one given for it; the task default (30 days from 2024-03-01)
    assert dues == [date(2024, 9, 30), date(2024, 5, 31), date(2024, 3, 31)]


def test_a_partial_failure_names_the_items_and_changes_nothing_for_them(session, settings, units):
    [ok1], [no_lead], [ok2], [done_already] = (drafts(session, settings, 1, lead=lead) for lead in (
        ("市商务局",), (), ("市商务局",), ("市商务局",)))
    ids = [ok1, no_lead, ok2, done_already]
    batch_act(session, actor=OFFICE, action="confirm", item_ids=ids, settings=settings, now=NOW)
    act(session, item_id=done_already, actor=OFFICE, action="cancel", expected_version=2, reason="重复",
        settings=settings, now=NOW)
    result = batch_act(session, actor=OFFICE, action="assign", item_ids=ids + [9999], due="2024-06-30",
                       settings=settings, now=NOW)
    assert result.done == [ok1, ok2]
    assert result.failed == [
        Failure(no_lead, "事项1", "该事项尚未确定牵头单位；请指定牵头单位后再交办"),
        Failure(done_already, "事项1", "当前状态为「已撤销」，不能交办；只有「待交办」的事项可以交办"),
        Failure(9999, "", "未找到该事项，或无权查看；请刷新台账后重新选择"),
    ]
    assert result.summary == "已交办 2 项，3 项未办理（原因见下）"
    assert (state_of(session, no_lead), load_item(session, item_id=no_lead, actor=OFFICE).version) == (
        State.CONFIRMED, 2)
    assert verify_audit(session, key=settings.audit_key_bytes) == []


def test_a_stale_version_is_refused_for_that_item_only(session, settings, units):
    a, b = drafts(session, settings, 2)
    result = batch_act(session, actor=OFFICE, action="confirm", item_ids=[a, b], versions={a: 1, b: 7},
                       settings=settings, now=NOW)
    assert (result.done, [f.item_id for f in result.failed]) == ([a], [b])
    assert result.failed[0].reason == "该事项刚被他人修改或有待审批的延期申请；请刷新后单独办理"


def test_cancel_with_one_reason_and_remind_in_one_action(session, settings, units):
    ids = drafts(session, settings, 3)
    batch_act(session, actor=OFFICE, action="confirm", item_ids=ids, settings=settings, now=NOW)
    batch_act(session, actor=OFFICE, action="assign", item_ids=ids[:2], due="2024-06-30", settings=settings, now=NOW)
    reminded = batch_act(session, actor=OFFICE, action="remind", item_ids=ids, text="请加快办理",
                         settings=settings, now=NOW)
    assert reminded.done == ids[:2] and [f.item_id for f in reminded.failed] == [ids[2]]
    rows = session.query(ReminderRow).order_by(ReminderRow.item_id).all()
    # The units have no channel yet: the 催办 is recorded, with nothing to deliver (the outbox worker sends
    # to the channels a unit has).
    assert [(r.item_id, r.unit_id, r.text, r.delivery) for r in rows] == [
        (ids[0], units[0], "请加快办理", "none"), (ids[1], units[0], "请加快办理", "none")]
    cancelled = batch_act(session, actor=OFFICE, action="cancel", item_ids=ids, reason="工作调整",
                          settings=settings, now=NOW)
    assert cancelled.done == ids
    assert {load_item(session, item_id=i, actor=OFFICE).cancel_reason for i in ids} == {"工作调整"}


def test_cancel_without_a_reason_is_refused_per_item(session, settings, units):
    [a] = drafts(session, settings, 1)
    result = batch_act(session, actor=OFFICE, action="cancel", item_ids=[a], settings=settings, now=NOW)
    assert result.failed == [Failure(a, "事项1", "缺少撤销原因；请填写后重试")]


def test_a_unit_user_may_not_batch_the_office_s_actions(session, settings, units):
    ids = drafts(session, settings, 2)
    batch_act(session, actor=OFFICE, action="confirm", item_ids=ids, settings=settings, now=NOW)
    batch_act(session, actor=OFFICE, action="assign", item_ids=ids, due="2024-06-30", settings=settings, now=NOW)
    unit = Actor("u1", Role.UNIT, unit=str(units[0]))
    result = batch_act(session, actor=unit, action="remind", item_ids=ids, settings=settings, now=NOW)
    assert [f.reason for f in result.failed] == ["无权对该事项催办"] * 2


def test_bad_batches_are_refused_whole(session, settings, units):
    with pytest.raises(BatchError, match="批量办理只支持确认、交办、撤销、催办"):
        batch_act(session, actor=OFFICE, action="approve", item_ids=[1], settings=settings)
    with pytest.raises(BatchError, match="没有选择任何事项"):
        batch_act(session, actor=OFFICE, action="confirm", item_ids=[], settings=settings)
    with pytest.raises(BatchError, match=f"一次最多批量办理 {MAX_ITEMS} 项"):
        batch_act(session, actor=OFFICE, action="confirm", item_ids=range(MAX_ITEMS + 1), settings=settings)
    with pytest.raises(BatchError, match="批量确认不接受撤销原因"):
        batch_act(session, actor=OFFICE, action="confirm", item_ids=[1], reason="x", settings=settings)
    with pytest.raises(BatchError, match="牵头单位中有未登记的单位"):
        batch_act(session, actor=OFFICE, action="assign", item_ids=[1], lead_units=["不存在局"], settings=settings)


def test_all_that_match_re_applies_the_ledger_filters(session, settings, units):
    commerce = drafts(session, settings, 3)
    finance = drafts(session, settings, 2, lead=("市财政局",))
    assert matching_ids(session, actor=OFFICE, settings=settings, now=NOW, unit="市财政局", state="draft") == finance
    assert sorted(matching_ids(session, actor=OFFICE, settings=settings, now=NOW, q="事项")) == commerce + finance
    assert matching_ids(session, actor=OFFICE, settings=settings, now=NOW, state="done") == []
