"""Drafts an office would write from minutes: one per decision that gives a unit something to do, or one
per unit when units get distinct tasks; directives kept as subtasks; general requirements stay on the
decision; the seed minutes give an office-sized ledger with a lead unit on every row."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from conftest import SEEDS, needs_shared
from luoshi.exports import export_list
from luoshi.ingest import ingest_paths
from luoshi.ledger import Actor, Conflict, InvalidTransition, InvalidValue, PermissionDenied, Role, State
from luoshi.ledger.drafts import Draft, Subtask, drafts, general_requirements
from luoshi.store.exporting import ledger_rows
from luoshi.store.audit import verify_audit
from luoshi.store.drafts import add_from_highlight, merge_items, split_item
from luoshi.store.items import act, get_item, item_history
from luoshi.store.models import Document, ItemRow
from luoshi.store.subtasks import subtasks_of

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)
LEADER = Actor("mayor", Role.LEADER)
TEXT = "一、审议《方案》" + "。" * 200


def task(text, owners=(), co=(), due_text=None, due=None, span=(10, 20)):
    return {"text": text, "span": list(span), "owners": list(owners), "co_owners": list(co), "due_text": due_text,
            "due": due}


def minutes(*decisions):
    return {"doc_type": "meeting_minutes", "items": [
        {"no": i + 1, "title": title, "leads": list(leads), "tasks": tasks} for i, (title, leads, tasks) in
        enumerate(decisions)]}


def test_a_decision_whose_units_share_its_tasks_is_one_draft_with_its_directives_as_subtasks():
    record = minutes(("审议《方案》", ["市发改委"], [
        task("会后由市发改委修改完善", ["市发改委"], span=(12, 20)),
        task("市发改委要会同市财政局在6月底前出台细则", ["市发改委"], ["市财政局"], "6月底前", "2024-06-30", (21, 40)),
        task("市发改委要在年底前完成评估", ["发改委"], due_text="年底前", due="2024-12-31", span=(41, 50)),
        task("要守住安全底线", [], span=(51, 58)),
        task("全市上下要形成合力", ["全市上下"], span=(59, 68))]))
    [draft] = drafts(record, TEXT)
    assert draft == Draft(
        title="审议《方案》", text="会后由市发改委修改完善；市发改委要会同市财政局在6月底前出台细则；市发改委要在年底前完成评估",
        span=(2, 50), source_path="items[0]", leads=("市发改委",), co_units=("市财政局",), due="2024-06-30",
        due_text="6月底前", subtasks=(
            Subtask("会后由市发改委修改完善", (12, 20), ("市发改委",), (), None, None, "items[0].tasks[0]"),
            Subtask("市发改委要会同市财政局在6月底前出台细则", (21, 40), ("市发改委",), ("市财政局",), "6月底前", "2024-06-30",
                    "items[0].tasks[1]"),
            Subtask("市发改委要在年底前完成评估", (41, 50), ("发改委",), (), "年底前", "2024-12-31", "items[0].tasks[2]")))
    assert [s.text for s in general_requirements(record["items"][0], 0)] == ["要守住安全底线", "全市上下要形成合力"]


def test_a_decision_giving_two_units_distinct_tasks_is_two_drafts_sharing_what_both_do():
    record = minutes(("听取安全生产工作汇报", ["市商务局", "卫健委"], [
        task("会后市商务局、卫健委抓好落实", ["市商务局", "卫健委"], span=(10, 20)),
        task("市商务局要完善巡查机制", ["市商务局"], span=(21, 30)),
        task("市卫健委要开展监督检查", ["市卫健委"], span=(31, 40)),
        task("要尽快整改到位", ["市卫健委"], due_text="尽快", span=(41, 50))]))
    got = drafts(record, TEXT)
    assert [(d.title, d.leads, d.span, d.due, d.due_text, [s.text for s in d.subtasks]) for d in got] == [
        ("市商务局要完善巡查机制", ("市商务局",), (21, 30), None, None,
         ["会后市商务局、卫健委抓好落实", "市商务局要完善巡查机制"]),
        ("市卫健委要开展监督检查", ("卫健委",), (31, 40), None, "尽快",
         ["会后市商务局、卫健委抓好落实", "市卫健委要开展监督检查", "要尽快整改到位"]),
    ]


def test_a_decision_of_exhortations_only_proposes_no_draft_and_keeps_them_on_the_decision():
    record = minutes(("传达学习全会精神", [], [task("全市上下要全面激发干劲", ["全市上下"]), task("要守住安全底线")]),
                     ("听取汇报", [], []))
    assert drafts(record, TEXT) == []
    assert [s.owners for s in general_requirements(record["items"][0], 0)] == [("全市上下",), ()]


def test_other_genres_propose_no_drafts():
    assert drafts({"doc_type": "work_report", "targets": []}, "") == []


@needs_shared
def test_the_seed_minutes_give_an_office_sized_ledger_with_a_lead_on_every_row(session, settings):
    """Before: 108 drafts, 74 of them without a lead unit. The gold has 22 decisions and 51 directives."""
    ingest_paths(session, [SEEDS], settings=settings, now=NOW)
    rows = json.loads(export_list("ledger", "json", ledger_rows(session, actor=OFFICE, settings=settings, now=NOW,
                                                                include_drafts=True)))
    assert 22 <= len(rows) <= 55
    assert sum(1 for r in rows if r["lead_units"]) / len(rows) >= 0.95
    assert all(r["subtasks"] and all(s["owners"] for s in r["subtasks"]) for r in rows)
    items = session.scalars(select(ItemRow)).all()
    assert all(i.span_start is not None and i.span_end is not None and i.document_id for i in items)
    # the directive of a unit's own (大数据管理中心 of the seed 004) is a draft of its own with its sentence
    [big_data] = [r for r in rows if r["lead_units"] == ["大数据管理中心"]]
    assert big_data["subtasks"][0]["text"].startswith("大数据管理中心要摸清全市信息系统底数")
    # exhortations to everyone are no rows of their own
    assert not any(r["title"].startswith("传达学习") for r in rows)


def test_ingested_drafts_keep_their_directives(session, settings, tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("""青山县人民政府常务会议纪要
第12号
青山县人民政府办公室 2023年12月30日
2023年12月29日上午，县长李明主持召开县政府第37次常务会议。现将会议议定事项纪要如下：
一、审议《青山县农村人居环境整治实施方案》
会议原则同意《青山县农村人居环境整治实施方案》，由县农业农村局根据会议意见修改完善后印发实施。县农业农村局要在年底前落实资金保障。全县上下要守住安全底线。
""", encoding="utf-8")
    ingest_paths(session, [path], settings=settings, now=NOW)
    [item] = session.scalars(select(ItemRow)).all()
    [subtasks] = subtasks_of(session, [item.id]).values()
    assert (item.kind, item.title, str(item.due), item.due_text) == ("decision", "审议《青山县农村人居环境整治实施方案》",
                                                              "2023-12-31", "年底前")
    assert [s.as_dict() for s in subtasks] == [
        {"text": "由县农业农村局根据会议意见修改完善后印发实施", "span": subtasks[0].as_dict()["span"],
         "source_path": "items[0].tasks[0]", "owners": ["县农业农村局"], "co_owners": [], "due_text": None, "due": None},
        {"text": "县农业农村局要在年底前落实资金保障", "span": subtasks[1].as_dict()["span"],
         "source_path": "items[0].tasks[1]", "owners": ["县农业农村局"], "co_owners": [], "due_text": "年底前",
         "due": "2023-12-31"}]
    text = path.read_text(encoding="utf-8")
    assert [text[s.span[0]:s.span[1]] for s in subtasks] == [s.text for s in subtasks]


# -- the office's rework: split, merge, add from a highlighted sentence ----------------------------------

REWORK_MINUTES = """青山县人民政府常务会议纪要
第12号
青山县人民政府办公室 2023年12月30日
2023年12月29日上午，县长李明主持召开县政府第37次常务会议。现将会议议定事项纪要如下：
一、审议《青山县农村人居环境整治实施方案》
会议原则同意《青山县农村人居环境整治实施方案》，由县农业农村局根据会议意见修改完善后印发实施。县农业农村局要在年底前落实资金保障。
二、审议《青山县老旧小区改造方案》
会议原则同意，由县住建局根据会议意见修改完善后印发实施。
"""


@pytest.fixture
def reworked(session, settings, tmp_path):
    path = tmp_path / "m.txt"
    path.write_text(REWORK_MINUTES, encoding="utf-8")
    ingest_paths(session, [path], settings=settings, now=NOW)
    return {r.title: r.id for r in session.scalars(select(ItemRow).order_by(ItemRow.id))}


def states(session):
    return [(r.id, r.state, r.title, r.cancel_reason) for r in session.scalars(select(ItemRow).order_by(ItemRow.id))]


def test_the_office_splits_a_draft_into_one_per_directive_each_audited(session, settings, reworked):
    first = reworked["审议《青山县农村人居环境整治实施方案》"]
    made = split_item(session, item_id=first, actor=OFFICE, expected_version=1, settings=settings, now=NOW)
    assert made == [3, 4]
    assert states(session) == [
        (1, "cancelled", "审议《青山县农村人居环境整治实施方案》", "已拆分为事项 3、4"),
        (2, "draft", "审议《青山县老旧小区改造方案》", None),
        (3, "draft", "由县农业农村局根据会议意见修改完善后印发实施", None),
        (4, "draft", "县农业农村局要在年底前落实资金保障", None)]
    four = get_item(session, item_id=4, actor=OFFICE, settings=settings, now=NOW)
    assert (four.units, str(four.item.due), four.item.due_text) == ({"1": "县农业农村局"}, "2023-12-31", "年底前")
    assert [s.text for s in subtasks_of(session, [4])[4]] == ["县农业农村局要在年底前落实资金保障"]
    assert [(h.type, h.to_state, h.data.get("into")) for h in item_history(session, item_id=1, actor=OFFICE)] == [
        ("create", State.DRAFT, None), ("split", State.CANCELLED, ["3", "4"])]
    assert verify_audit(session) == []


def test_the_office_merges_two_drafts_into_one_with_all_units_and_directives(session, settings, reworked):
    made = merge_items(session, item_ids=list(reworked.values()), actor=OFFICE, expected_versions=[1, 1],
                       settings=settings, now=NOW)
    merged = get_item(session, item_id=made, actor=OFFICE, settings=settings, now=NOW)
    assert (merged.item.title, sorted(merged.units.values()), str(merged.item.due)) == (
        "审议《青山县农村人居环境整治实施方案》", ["县住房和城乡建设局", "县农业农村局"], "2023-12-31")
    assert len(subtasks_of(session, [made])[made]) == 3
    assert [s[1] for s in states(session)] == ["cancelled", "cancelled", "draft"]
    assert [h.type for h in item_history(session, item_id=2, actor=OFFICE)] == ["create", "merge"]
    assert verify_audit(session) == []


def test_rework_is_for_the_office_and_for_drafts_not_handed_out(session, settings, reworked):
    first, second = reworked.values()
    with pytest.raises(PermissionDenied):
        split_item(session, item_id=first, actor=LEADER, settings=settings, now=NOW)
    with pytest.raises(InvalidValue, match="只有一项分解任务和一个牵头单位，无法拆分"):
        split_item(session, item_id=second, actor=OFFICE, settings=settings, now=NOW)
    act(session, item_id=second, actor=OFFICE, action="confirm", expected_version=1, settings=settings, now=NOW)
    act(session, item_id=second, actor=OFFICE, action="assign", expected_version=2, due="2024-06-30",
        settings=settings, now=NOW)
    with pytest.raises(InvalidTransition, match="只有待确认或待交办的事项可以拆分或合并"):
        merge_items(session, item_ids=[first, second], actor=OFFICE, settings=settings, now=NOW)
    with pytest.raises(Conflict):
        split_item(session, item_id=first, actor=OFFICE, expected_version=7, settings=settings, now=NOW)
    assert [s[1] for s in states(session)] == ["draft", "assigned"]  # nothing changed by a refusal


def test_the_office_adds_a_draft_from_a_highlighted_sentence(session, settings, reworked):
    doc = session.scalars(select(Document)).one()
    sentence = "县农业农村局要在年底前落实资金保障"
    start = doc.text.index(sentence)
    made = add_from_highlight(session, document_id=doc.id, start=start, end=start + len(sentence), actor=OFFICE,
                              settings=settings, now=NOW)
    view = get_item(session, item_id=made, actor=OFFICE, settings=settings, now=NOW)
    assert (view.item.kind.value, view.item.title, view.units, view.source_text) == (
        "task", sentence, {"1": "县农业农村局"}, sentence)
    with pytest.raises(InvalidValue, match="所选范围不在文件正文内"):
        add_from_highlight(session, document_id=doc.id, start=5, end=10 ** 6, actor=OFFICE, settings=settings, now=NOW)


def test_a_draft_of_one_directive_and_two_lead_units_splits_into_one_per_unit(session, settings, tmp_path):
    path = tmp_path / "m.txt"
    path.write_text(REWORK_MINUTES.replace("由县住建局根据会议意见", "由县住建局、县财政局根据会议意见"), encoding="utf-8")
    ingest_paths(session, [path], settings=settings, now=NOW)
    [both] = [r for r in session.scalars(select(ItemRow)) if r.title == "审议《青山县老旧小区改造方案》"]
    made = split_item(session, item_id=both.id, actor=OFFICE, settings=settings, now=NOW)
    views = [get_item(session, item_id=i, actor=OFFICE, settings=settings, now=NOW) for i in made]
    assert [(v.item.title, list(v.units.values())) for v in views] == [
        ("审议《青山县老旧小区改造方案》（县住房和城乡建设局）", ["县住房和城乡建设局"]),
        ("审议《青山县老旧小区改造方案》（县财政局）", ["县财政局"])]
