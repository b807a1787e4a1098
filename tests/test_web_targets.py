"""The target pages and API: the list and one target as each role sees them (a unit: its own targets, another
unit's is 404), actual values entered by the office and the target's units with the status changing, the
import template, and imports that go in whole or, with one bad row, not at all (named by row and column)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from luoshi.store.models import Document
from luoshi.store.targets import assign_target, track_report
from luoshi.store.tracking import ActualRow
from webfixtures import OFFICE, csrf_of, now, web  # noqa: F401

TEXT = "今年主要预期目标是：地区生产总值增长6%左右。新建新能源充电站40座，城镇新增就业1.7万人。"


def span(phrase: str) -> list[int]:
    return [TEXT.index(phrase), TEXT.index(phrase) + len(phrase)]


RECORD = {
    "doc_type": "work_report", "plan_year": 2024, "review_year": 2023, "glossary": [],
    "targets": [{"text": "地区生产总值增长6%左右", "span": span("地区生产总值增长6%左右"), "indicator": "地区生产总值",
                 "measure": "增长", "value": 6, "unit": "%", "bound": "左右", "year": 2024}],
    "commitments": [{"text": "新建新能源充电站40座", "span": span("新建新能源充电站40座"), "indicator": "新建新能源充电站",
                     "value": 40, "unit": "座"},
                    {"text": "城镇新增就业1.7万人", "span": span("城镇新增就业1.7万人"), "indicator": "城镇新增就业",
                     "value": 1.7, "unit": "万人"}],
}


@pytest.fixture
def targets(web):
    """The report's three 2024 targets: GDP (no unit), stations (unit a leads), jobs (unit b leads, a co-operates)."""
    with web.db.session() as s:
        doc = Document(name="r2024.txt", path="r2024.txt", sha256="r2024", version=1, doc_type="work_report",
                       title="2024年政府工作报告", record=RECORD, text=TEXT, ingested_at=now(), ingested_by="test")
        s.add(doc)
        s.flush()
        ids = track_report(s, document=doc, settings=web.settings).ids
        assign_target(s, target_id=ids[1], actor=OFFICE, lead_units=[web.units["a"]], settings=web.settings)
        assign_target(s, target_id=ids[2], actor=OFFICE, lead_units=[web.units["b"]], co_units=[web.units["a"]],
                      settings=web.settings)
    return ids


def actuals(web) -> int:
    with web.db.session() as s:
        return s.scalar(select(func.count(ActualRow.id)))


def test_the_list_as_the_office_and_as_a_unit(web, targets):
    gdp, stations, jobs = targets
    listed = web.api("office").get("/api/targets", params={"year": 2024}).json()
    assert (listed["total"], [(t["id"], t["kind"], t["goal"], t["status"]["label"]) for t in listed["targets"]]) == (
        3, [(gdp, "target", "增长6%左右（±0.5个百分点）", "暂无数据"), (stations, "commitment", "40座", "暂无数据"),
            (jobs, "commitment", "1.7万人", "暂无数据")])
    assert listed["targets"][1] == {
        "id": stations, "kind": "commitment", "kind_label": "量化任务", "year": 2024, "indicator": "新建新能源充电站",
        "measure": None, "value": "40", "value_max": None, "unit": "座", "bound": None, "bound_label": None,
        "goal": "40座", "accumulation": "cumulative", "text": "新建新能源充电站40座",
        "lead_units": [{"id": web.units["a"], "name": "市商务局"}], "co_units": [],
        "status": {"status": "no_data", "label": "暂无数据", "rule": "目标40座，2024年已结束尚无实际值",
                   "actual": None, "plan": None, "period": None, "period_label": None},
        "editable": True,
        "source": {"document": 1, "document_title": "2024年政府工作报告", "span": span("新建新能源充电站40座"),
                   "path": "commitments[0]", "text": None}}
    mine = web.api("unit_a").get("/api/targets").json()
    assert [(t["id"], t["editable"]) for t in mine["targets"]] == [(stations, True), (jobs, True)]
    theirs = web.api("unit_b").get("/api/targets", params={"unit": web.units["a"]}).json()
    assert [t["id"] for t in theirs["targets"]] == [jobs]  # a unit's own, whatever unit is asked for
    assert [t["editable"] for t in web.api("leader").get("/api/targets").json()["targets"]] == [False] * 3


def test_another_units_target_is_not_found_and_a_leader_may_not_enter_values(web, targets):
    gdp, stations, _ = targets
    assert web.api("unit_b").get(f"/api/targets/{stations}").json() == {"detail": "没有这个目标指标：请从目标指标列表中重新打开"}
    assert web.api("unit_b").get(f"/api/targets/{stations}").status_code == 404
    assert web.browser("unit_b").get(f"/targets/{stations}").status_code == 404
    body = {"period": "2024-06", "value": 20}
    assert web.api("unit_b").post(f"/api/targets/{stations}/actuals", json=body).status_code == 404
    assert web.api("unit_a").post(f"/api/targets/{gdp}/actuals", json=body).status_code == 404
    assert web.api("leader").post(f"/api/targets/{stations}/actuals", json=body).status_code == 403
    assert web.api().get("/api/targets").status_code == 401
    assert web.api("congress").get(f"/api/targets/{stations}").status_code == 200
    assert actuals(web) == 0


def test_actual_values_entered_through_the_api_change_the_status(web, targets):
    _, stations, jobs = targets
    client = web.api("unit_a")
    first = client.post(f"/api/targets/{stations}/actuals", json={"period": "2024-06", "value": "30"})
    second = client.post(f"/api/targets/{stations}/actuals", json={"period": "2024-Q4", "value": 44, "note": "全年"})
    scaled = client.post(f"/api/targets/{jobs}/actuals", json={"period": "2024-12", "value": 18000, "unit": "人"})
    assert [r.status_code for r in (first, second, scaled)] == [201, 201, 201]
    assert [(r.json()["status"]["label"], r.json()["status"]["rule"]) for r in (first, second, scaled)] == [
        ("未完成", "目标40座，2024年累计30座，未完成"), ("已完成", "目标40座，2024年累计44座，已完成"),
        ("已完成", "目标1.7万人，2024年累计1.8万人，已完成")]
    rows = second.json()["actuals"]
    assert [{k: r[k] for k in ("period", "period_label", "value", "note", "entered_by", "entered_by_name", "source",
                               "superseded")} for r in rows] == [
        {"period": "2024-06", "period_label": "2024年6月", "value": "30", "note": None, "entered_by": "unit_a",
         "entered_by_name": "unit_a-名", "source": "form", "superseded": False},
        {"period": "2024-Q4", "period_label": "2024年四季度", "value": "44", "note": "全年", "entered_by": "unit_a",
         "entered_by_name": "unit_a-名", "source": "form", "superseded": False}]
    bad = client.post(f"/api/targets/{stations}/actuals", json={"period": "2023-12", "value": 1})
    assert (bad.status_code, bad.json()) == (422, {"detail": f"{stations} is a target for 2024; write a period of "
                                                             "2024, e.g. 2024-03 or 2024-Q3"})


def test_the_target_page_shows_the_source_and_takes_a_value_with_csrf(web, targets):
    _, stations, _ = targets
    client = web.browser("unit_a")
    html = client.get(f"/targets/{stations}").text
    assert '<mark class="active" id="src">新建新能源充电站40座</mark>' in html
    assert 'id="actual-form"' in html and "明确责任单位" not in html  # only the office names units
    token = csrf_of(html)
    assert client.post(f"/targets/{stations}/actuals", data={"period": "2024-06", "value": "41"}).status_code == 403
    done = client.post(f"/targets/{stations}/actuals", data={"period": "2024-06", "value": "41", "csrf_token": token},
                       follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, f"/targets/{stations}")
    page = client.get(f"/targets/{stations}").text
    assert "已填报实际值；当前状态：已完成" in page and "目标40座，2024年累计41座，已完成" in page
    wrong = client.post(f"/targets/{stations}/actuals", data={"period": "2024-07", "value": "四十",
                                                              "csrf_token": token})
    assert wrong.status_code == 422 and "填写有误：「四十」不是数字，请填写数字，如 4.8（单位：座）" in wrong.text
    assert actuals(web) == 1


def test_the_office_names_a_targets_units_on_its_page(web, targets):
    gdp, _, _ = targets
    client = web.browser("office")
    token = csrf_of(client.get(f"/targets/{gdp}").text)
    client.post(f"/targets/{gdp}/units", data={"lead_units": str(web.units["b"]), "csrf_token": token})
    assert web.api("unit_b").get(f"/api/targets/{gdp}").json()["lead_units"] == [{"id": web.units["b"],
                                                                                 "name": "市财政局"}]
    assert web.api("unit_a").post(f"/api/targets/{gdp}/units", json={"lead_units": ["市商务局"]}).status_code == 404
    assert web.api("unit_b").post(f"/api/targets/{gdp}/units", json={"lead_units": ["市商务局"]}).status_code == 403
    assert web.api("leader").post(f"/api/targets/{gdp}/units", json={"lead_units": ["市商务局"]}).status_code == 403


def test_the_template_as_csv_and_xlsx(web, targets):
    gdp, stations, jobs = targets
    csv = web.api("unit_a").get("/api/targets/template", params={"format": "csv"})
    assert (csv.headers["content-type"], csv.content.decode("utf-8-sig")) == (
        "text/csv; charset=utf-8", f"指标编号,指标名称,期间,实际值,单位,备注\r\n{stations},新建新能源充电站,,,座,\r\n"
                                   f"{jobs},城镇新增就业,,,万人,\r\n")
    xlsx = web.api("office").get("/api/targets/template", params={"format": "xlsx", "year": 2024})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["指标编号", "指标名称", "期间", "实际值", "单位", "备注"], [str(gdp), "地区生产总值", None, None, "%", None],
        [str(stations), "新建新能源充电站", None, None, "座", None], [str(jobs), "城镇新增就业", None, None, "万人", None]]
    assert web.api("office").get("/api/targets/template", params={"format": "pdf"}).status_code == 422


def test_an_import_with_one_bad_row_imports_nothing(web, targets):
    gdp, stations, jobs = targets
    rows = (f"指标编号,指标名称,期间,实际值,单位,备注\n{gdp},地区生产总值,2024-Q2,5.9,,\n"
            f"{stations},新建新能源充电站,2024-06,二十,,\n{jobs},城镇新增就业,,,万人,\n")
    client = web.api("office")
    bad = client.post("/api/targets/import", files={"file": ("a.csv", rows.encode("utf-8"), "text/csv")})
    assert (bad.status_code, bad.json()) == (422, {
        "detail": "nothing imported: 1 problem — row 3, column 实际值: '二十' is not a number; write e.g. 4.8 (in 座)",
        "errors": [{"row": 3, "column": "实际值", "value": "二十",
                    "message": "'二十' is not a number; write e.g. 4.8 (in 座)",
                    "message_zh": "「二十」不是数字，请填写数字，如 4.8（单位：座）"}]})
    assert actuals(web) == 0
    good = client.post("/api/targets/import", files={"file": ("a.csv", rows.replace("二十", "20").encode(), "text/csv")})
    assert (good.status_code, good.json(), actuals(web)) == (200, {"imported": 2, "targets": 2}, 2)


def test_a_unit_imports_only_its_own_targets_and_the_page_lists_every_problem(web, targets):
    gdp, stations, _ = targets
    rows = f"指标编号,期间,实际值\n{stations},2024-06,20\n{gdp},2024-13,5\n"
    client = web.browser("unit_a")
    token = csrf_of(client.get("/targets/import").text)
    page = client.post("/targets/import", data={"csrf_token": token},
                       files={"file": ("mine.csv", rows.encode("utf-8"), "text/csv")})
    assert page.status_code == 422
    assert "未导入任何数据：mine.csv 有 2 处问题" in page.text
    assert "期间“2024-13”不是月份或季度" in page.text and "的责任单位，不能填报它的实际值" in page.text
    assert actuals(web) == 0
    assert client.post("/targets/import", files={"file": ("x.csv", b"a", "text/csv")}).status_code == 403
