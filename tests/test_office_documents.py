"""The documents offices file: the 督办单 numbered 督字〔年份〕N号 per year (no gaps, no twins, even from
concurrent writers; the same number when asked again), the 督办通知 of overdue items, the 办结报告单, and the
dossier of one item — each DOCX opened and read back with python-docx."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from datetime import UTC, datetime

import pytest
from docx import Document

from luoshi.ledger import Actor, InvalidTransition, PermissionDenied, Role
from luoshi.store.items import act, create_item
from luoshi.store.office_documents import (SERIES, completion_report, dossier, issue, issued_documents,
                                           overdue_notice, supervision_order)
from luoshi.store.orgs import create_organisation

OFFICE = Actor("dc1", Role.SUPERVISOR, name="督查室")


def on(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=2, tzinfo=UTC)


@pytest.fixture
def units(session):
    return [create_organisation(session, name=n).id for n in ("市商务局", "市财政局")]


def handed_out(session, settings, title="推进外贸稳增长", due="2024-06-30", day="2024-03-01", co=("市财政局",)):
    row = create_item(session, actor=OFFICE, kind="task", title=title, text=f"{title}，年底前完成。",
                      lead_units=["市商务局"], co_units=co, now=on(day), settings=settings)
    for action, payload in (("confirm", {}), ("assign", {"due": due})):
        act(session, item_id=row.id, actor=OFFICE, action=action, expected_version=None, settings=settings,
            now=on(day), **payload)
    return row.id


def read(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The paragraphs (non-empty) and the table cells (row by row, merged cells once) of a DOCX."""
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs if p.text.strip()]
    cells = [[c.text for c in dict.fromkeys(row.cells)] for t in doc.tables for row in t.rows]
    return paragraphs, cells


def test_the_supervision_order_reads_back_with_its_number_and_fields(session, settings, units):
    item_id = handed_out(session, settings)
    issued, data = supervision_order(session, item_id=item_id, actor=OFFICE, issuer="青溪县人民政府督查室",
                                     settings=settings, now=on("2024-03-02"))
    paragraphs, cells = read(data)
    assert paragraphs == ["青溪县人民政府督查室", "督　办　单", "督字〔2024〕1号", "青溪县人民政府督查室", "2024年3月2日"]
    assert cells == [
        ["事项", "推进外贸稳增长"], ["事项内容", "推进外贸稳增长，年底前完成。"], ["来源", "—"],
        ["牵头单位", "市商务局"], ["配合单位", "市财政局"], ["完成时限", "2024年6月30日"],
        ["办理要求", "1. 请牵头单位接单后及时签收，明确分管领导和具体责任人，制定工作方案，按时限要求完成。\n"
                     "2. 请于每月底前通过督办系统报送办理进展；配合单位要主动配合，及时向牵头单位提供情况。\n"
                     "3. 办结后请提交办结报告和佐证材料，申请办结；确需延期的，应在完成时限前提出申请并说明理由。"],
        ["签收栏", "签收单位（盖章）：\n签收人：　　　　　　联系电话：\n签收时间：　　　　年　　月　　日"]]
    assert issued.number == "督字〔2024〕1号"


def test_numbers_run_per_year_and_an_item_keeps_its_own(session, settings, units):
    first, second = handed_out(session, settings, "事项一"), handed_out(session, settings, "事项二")
    numbers = [supervision_order(session, item_id=i, actor=OFFICE, settings=settings, now=on(day))[0].number
               for i, day in ((first, "2024-03-02"), (second, "2024-03-03"), (first, "2024-05-01"))]
    assert numbers == ["督字〔2024〕1号", "督字〔2024〕2号", "督字〔2024〕1号"]
    third = handed_out(session, settings, "事项三", due="2025-03-31", day="2025-01-02")
    assert supervision_order(session, item_id=third, actor=OFFICE, settings=settings,
                             now=on("2025-01-02"))[0].number == "督字〔2025〕1号"
    assert [d.number for d in issued_documents(session, item_id=first)] == ["督字〔2024〕1号"]


def test_concurrent_writers_get_distinct_numbers_without_gaps(db, settings):
    def writer(results):
        for _ in range(8):
            with db.session() as s:
                results.append(issue(s, kind="overdue_notice", actor=OFFICE, now=on("2024-04-01"),
                                     settings=settings).seq)
                s.commit()

    results: list[int] = []
    threads = [threading.Thread(target=writer, args=(results,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 33))


def test_a_failed_transaction_gives_its_number_back(session, settings):
    issue(session, kind="overdue_notice", actor=OFFICE, now=on("2024-04-01"), settings=settings)
    session.rollback()
    assert issue(session, kind="overdue_notice", actor=OFFICE, now=on("2024-04-01"), settings=settings).seq == 1


def test_only_the_office_issues_and_only_for_handed_out_items(session, settings, units):
    item_id = handed_out(session, settings)
    with pytest.raises(PermissionDenied, match="只有督查室可以签发督办单"):
        supervision_order(session, item_id=item_id, actor=Actor("u", Role.UNIT, unit=str(units[0])),
                          settings=settings)
    draft = create_item(session, actor=OFFICE, kind="task", title="草稿", now=on("2024-03-01"), settings=settings)
    with pytest.raises(InvalidTransition, match="该事项尚未交办或已撤销"):
        supervision_order(session, item_id=draft.id, actor=OFFICE, settings=settings)


def test_the_overdue_notice_lists_the_overdue_items_by_unit(session, settings, units):
    handed_out(session, settings, "逾期事项", due="2024-03-31", co=())
    handed_out(session, settings, "未到期事项", due="2024-12-31", co=())
    issued, data = overdue_notice(session, actor=OFFICE, settings=settings, now=on("2024-04-10"))
    paragraphs, cells = read(data)
    assert issued.number == "督字〔2024〕1号"
    assert paragraphs[:4] == ["县人民政府督查室", "督　办　通　知", "督字〔2024〕1号", "关于督促办理逾期督办事项的通知"]
    assert "截至2024年4月10日，经县政府督查室跟踪核查，1个单位牵头的1项督办事项已超过完成时限仍未办结（见附表）。" \
           "现将有关事项通知如下：" in paragraphs
    assert cells == [["序号", "牵头单位", "督办事项", "完成时限", "逾期天数"],
                     ["1", "市商务局", "逾期事项", "2024年3月31日", "10天"]]
    with pytest.raises(InvalidTransition, match="当前没有逾期未办结的督办事项"):
        overdue_notice(session, actor=OFFICE, unit=units[1], settings=settings, now=on("2024-04-10"))


def completed_late_by_extension(session, settings, units):
    """Due 03-31; extension asked on 04-05 and granted on 04-08 (after the due date) to 05-31; done 05-20."""
    unit = Actor("ua", Role.UNIT, unit=str(units[0]))
    item_id = handed_out(session, settings, due="2024-03-31", day="2024-02-01", co=())
    for who, action, day, payload in (
            (unit, "accept", "2024-02-02", {}),
            (unit, "request_extension", "2024-04-05", {"due": "2024-05-31", "reason": "征地未完成"}),
            (OFFICE, "approve_extension", "2024-04-08", {}),
            (unit, "apply_completion", "2024-05-15", {"text": "已全部完成", "attachments": ["验收报告.pdf"]}),
            (OFFICE, "approve", "2024-05-20", {"note": "材料齐全"})):
        act(session, item_id=item_id, actor=who, action=action, expected_version=None, settings=settings,
            now=on(day), **payload)
    return item_id


def test_the_completion_report_never_calls_a_late_extension_on_time(session, settings, units):
    item_id = completed_late_by_extension(session, settings, units)
    _, cells = read(completion_report(session, item_id=item_id, actor=OFFICE, settings=settings, now=on("2024-05-21")))
    assert dict((c[0], c[1]) for c in cells) == {
        "事项": "推进外贸稳增长", "事项内容": "推进外贸稳增长，年底前完成。", "来源": "—", "牵头单位": "市商务局",
        "配合单位": "—", "交办日期": "2024年2月1日", "完成时限": "2024年5月31日", "办结日期": "2024年5月20日",
        "办结时效": "逾期后获批延期，在延期时限内办结（不计按期办结）", "办结情况": "已全部完成",
        "佐证材料": "验收报告.pdf", "督查室意见": "材料齐全", "办理评价": "—"}
    with pytest.raises(InvalidTransition, match="尚未申请办结"):
        completion_report(session, item_id=handed_out(session, settings), actor=OFFICE, settings=settings)


def test_the_dossier_holds_every_step_report_and_document(session, settings, units):
    item_id = completed_late_by_extension(session, settings, units)
    supervision_order(session, item_id=item_id, actor=OFFICE, settings=settings, now=on("2024-02-01"))
    files = [("验收报告.pdf", b"%PDF-1.4 test")]
    data = dossier(session, item_id=item_id, actor=OFFICE, settings=settings, now=on("2024-05-21"),
                   attachments=lambda s, i: files)
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.namelist() == ["01-事项档案.docx", "02-原文出处.txt", "03-办理记录.json", "04-督办单.docx",
                            "05-办结报告单.docx", "附件/验收报告.pdf"]
    events = json.loads(z.read("03-办理记录.json"))
    assert [e["type"] for e in events] == ["create", "confirm", "assign", "accept", "request_extension",
                                           "approve_extension", "apply_completion", "approve"]
    paragraphs, cells = read(z.read("01-事项档案.docx"))
    assert paragraphs[:2] == ["督办事项档案", "一、基本情况"]
    steps = [row for row in cells if len(row) == 5]
    assert steps[0] == ["时间", "操作人", "操作", "状态", "内容"]
    assert steps[5] == ["2024-04-05 10:00", "ua", "申请延期", "办理中", "期限：2024-05-31；理由：征地未完成"]
    assert [row for row in cells if len(row) == 4] == [["日期", "类别", "内容", "附件"],
                                                        ["2024-05-15", "申请办结", "已全部完成", "验收报告.pdf"]]
    assert read(z.read("04-督办单.docx"))[0][2] == f"{SERIES}〔2024〕1号"
    unit = Actor("ua", Role.UNIT, unit=str(units[0]))
    assert "04-督办单.docx" not in zipfile.ZipFile(io.BytesIO(dossier(session, item_id=item_id, actor=unit,
                                                                      settings=settings))).namelist()
