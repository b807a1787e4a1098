"""Ingest: documents stored once (idempotent), a changed file stored as a new version without touching
items being worked on, a bad file reported and skipped, units matched or proposed, attendees as people."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from conftest import SEEDS, needs_shared
from luoshi.ingest import FileResult, ingest_paths, proposals
from luoshi.ledger import Actor, Role
from luoshi.store.audit import verify_audit
from luoshi.store.items import act, list_items
from luoshi.store.models import Document, ItemRow, Membership, Organisation, Person
from luoshi.store.orgs import create_organisation, get_organisation

NOW = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)

MINUTES = """青山县人民政府常务会议纪要
第12号
青山县人民政府办公室 2023年12月30日
2023年12月29日上午，县长李明主持召开县政府第37次常务会议，审议《青山县农村人居环境整治实施方案》。现将会议议定事项纪要如下：
一、审议《青山县农村人居环境整治实施方案》
会议原则同意《青山县农村人居环境整治实施方案》，由县农业农村局根据会议意见修改完善后印发实施。县财政局要在年底前落实资金保障。
二、听取县住建局关于老旧小区改造工作情况的汇报
会议同意。
出席：李明、王强。
列席：县政府办刘洋，县卫健委张敏。
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_proposals_of_minutes_are_one_draft_per_units_distinct_task_and_none_for_a_decision_without_unit():
    from luoshi.extract import extract

    got = proposals(extract(MINUTES, "m.txt"), MINUTES)
    assert [(p["kind"], p["title"], p["owners"], p["due"], p["source_path"], [s.source_path for s in p["subtasks"]])
            for p in got] == [
        ("decision", "由县农业农村局根据会议意见修改完善后印发实施", ["县农业农村局"], None, "items[0]",
         ["items[0].tasks[0]"]),
        ("decision", "县财政局要在年底前落实资金保障", ["县财政局"], "2023-12-31", "items[0]",
         ["items[0].tasks[1]"]),
    ]
    assert [MINUTES[p["span"][0]:p["span"][1]] for p in got] == ["由县农业农村局根据会议意见修改完善后印发实施",
                                                                "县财政局要在年底前落实资金保障"]


def test_the_same_file_twice_stores_nothing_new(session, settings, tmp_path):
    path = write(tmp_path, "minutes.txt", MINUTES)
    first = ingest_paths(session, [path], settings=settings, now=NOW)
    counts = [count(session, m) for m in (Document, ItemRow, Organisation, Person, Membership)]
    second = ingest_paths(session, [tmp_path], settings=settings, now=NOW)
    assert first.files == [FileResult(str(path), "inserted", 1, 1, 2, 0)]
    assert second.files == [FileResult(str(path), "noop", 1, 1, 0, 0)]
    assert [count(session, m) for m in (Document, ItemRow, Organisation, Person, Membership)] == counts == [1, 2, 4, 4, 4]


def test_a_changed_file_is_a_new_version_and_work_in_progress_is_kept(session, settings, tmp_path):
    path = write(tmp_path, "minutes.txt", MINUTES)
    ingest_paths(session, [path], settings=settings, now=NOW)
    [task] = list_items(session, actor=OFFICE, q="资金保障", settings=settings, now=NOW).rows
    act(session, item_id=task.id, actor=OFFICE, action="confirm", expected_version=1, settings=settings, now=NOW)
    write(tmp_path, "minutes.txt", MINUTES.replace("印发实施。", "印发实施。县住建局要在6月底前完成老旧小区改造。"))
    report = ingest_paths(session, [path], settings=settings, now=NOW)
    assert report.files == [FileResult(str(path), "updated", 2, 2, 1, 2)]
    docs = session.execute(select(Document.id, Document.version, Document.previous_id).order_by(Document.id)).all()
    assert [tuple(d) for d in docs] == [(1, 1, None), (2, 2, 1)]
    items = session.execute(select(ItemRow.id, ItemRow.document_id, ItemRow.state, ItemRow.title).order_by(ItemRow.id))
    assert [tuple(i) for i in items] == [
        (1, 1, "draft", "由县农业农村局根据会议意见修改完善后印发实施"),
        (2, 1, "confirmed", "县财政局要在年底前落实资金保障"),
        (3, 2, "draft", "县住建局要在6月底前完成老旧小区改造")]


def test_a_bad_file_is_reported_and_the_others_stored(session, settings, tmp_path):
    write(tmp_path, "a.txt", MINUTES)
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary")
    write(tmp_path, "c.txt", "")
    write(tmp_path, "d.txt", MINUTES.replace("第12号", "第13号"))
    report = ingest_paths(session, [tmp_path, tmp_path / "missing.docx"], settings=settings, now=NOW)
    assert [(f.path.rsplit("/", 1)[-1], f.status, f.error and f.error.split(": ", 1)[1]) for f in report.files] == [
        ("a.txt", "inserted", None),
        ("b.txt", "error", "这是二进制文件，不是文本（含 NUL 字节）：请另存为 .txt、.docx 或 .pdf 后再读取"),
        ("c.txt", "error", "文件中没有文字：请检查是否选错了文件"),
        ("d.txt", "inserted", None),
        ("missing.docx", "error", "找不到这个文件：请检查路径和文件名"),
    ]
    assert (report.inserted, len(report.errors), report.items, count(session, Document)) == (2, 3, 4, 2)


def test_units_are_matched_by_alias_or_proposed(session, settings, tmp_path):
    known = create_organisation(session, name="县财政局", aliases=["财政局"])
    ingest_paths(session, [write(tmp_path, "m.txt", MINUTES)], settings=settings, now=NOW)
    orgs = session.execute(select(Organisation.name, Organisation.proposed, Organisation.aliases)
                           .order_by(Organisation.id)).all()
    assert [tuple(o) for o in orgs] == [
        ("县财政局", False, ["财政局"]),
        ("县人民政府办公室", True, ["县政府办"]),
        ("县卫生健康委员会", True, ["县卫健委"]),
        ("县农业农村局", True, []),
    ]
    [task] = list_items(session, actor=OFFICE, unit=known.id, settings=settings, now=NOW).rows
    assert task.units == {str(known.id): "县财政局"}


def test_attendees_become_people_seen_for_their_unit(session, settings, tmp_path):
    ingest_paths(session, [write(tmp_path, "m.txt", MINUTES)], settings=settings, now=NOW)
    org = session.scalars(select(Organisation).where(Organisation.name == "县卫生健康委员会")).one()
    [person] = get_organisation(session, org_id=org.id).people
    assert (person.name, str(person.first_seen), person.meetings) == ("张敏", "2023-12-29", [(person.first_seen, 1, "列席")])


def test_ingested_items_have_an_intact_audit_trail(session, settings, tmp_path):
    ingest_paths(session, [write(tmp_path, "m.txt", MINUTES)], settings=settings, now=NOW)
    assert verify_audit(session) == []


@needs_shared
def test_the_seeds_are_ingested(session, settings):
    start = time.perf_counter()
    report = ingest_paths(session, [SEEDS], settings=settings, now=NOW)
    elapsed = time.perf_counter() - start
    assert (report.inserted, report.errors) == (len(list(SEEDS.glob("*.txt"))), [])
    assert report.items == count(session, ItemRow) > 20
    assert ingest_paths(session, [SEEDS], settings=settings, now=NOW).noop == report.inserted
    assert elapsed < 30


def test_the_bundled_samples_are_ingested(session, settings):
    from luoshi.samples import sample_paths

    paths = sample_paths()
    if not paths:
        pytest.skip("no bundled samples yet")
    report = ingest_paths(session, paths, settings=settings, now=NOW)
    assert [f.error for f in report.errors] == []
    assert report.inserted == len(paths) and report.items > 0


FORM_MINUTES = """西城区人民政府常务会议纪要
〔2024〕8号
西城区人民政府办公室                2024年5月8日
2024年5月6日下午，区长黄永明主持召开区政府第八次常务会议。现将会议议定事项纪要如下：
一、关于老旧小区加装电梯工作
（一）今年完成加装电梯200部。责任单位：区住建局；配合单位：各街道办事处、区财政局；完成时限：2024年12月底前。
出席：黄永明、韩雪
"""


def test_co_operating_units_of_a_task_form_are_assigned_as_such(session, settings, tmp_path):
    ingest_paths(session, [write(tmp_path, "form.txt", FORM_MINUTES)], settings=settings, now=NOW)
    [task] = list_items(session, actor=OFFICE, settings=settings, now=NOW).rows
    names = task.units
    assert ([names[u] for u in task.item.lead_units], [names[u] for u in task.item.co_units],
            task.item.due_text) == (["区住房和城乡建设局"], ["区财政局"], "2024年12月底前")
