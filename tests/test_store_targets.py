"""Targets in the database: a work report's targets and commitments tracked once, actual values entered by
the office and by the target's units only, status against plan as values come in, and imports from CSV/XLSX
that go in whole or not at all, naming each bad row and column."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from luoshi.ledger import Actor, InvalidValue, PermissionDenied, Role
from luoshi.ledger.targets import Period
from luoshi.store.models import Document
from luoshi.store.orgs import create_organisation
from luoshi.store.targets import (ImportRejected, actuals_template, assign_target, enter_actual, get_target,
                                  import_actuals, list_targets, parse_rows, target_status, track_report)
from luoshi.store.tracking import ActualRow, TargetRow

NOW = datetime(2024, 7, 15, 2, 0, tzinfo=UTC)
OFFICE = Actor("dc1", Role.SUPERVISOR)
LEADER = Actor("mayor", Role.LEADER)

TEXT = "今年主要预期目标是：地区生产总值增长6%左右。新建新能源充电站40座，城镇新增就业1.7万人。"


def span(phrase: str, text: str = TEXT) -> list[int]:
    return [text.index(phrase), text.index(phrase) + len(phrase)]


RECORD = {
    "doc_type": "work_report", "plan_year": 2024, "review_year": 2023, "glossary": [],
    "targets": [{"text": "地区生产总值增长6%左右", "span": span("地区生产总值增长6%左右"), "indicator": "地区生产总值", "measure": "增长",
                 "value": 6, "unit": "%", "bound": "左右", "year": 2024}],
    "commitments": [{"text": "新建新能源充电站40座", "span": span("新建新能源充电站40座"), "indicator": "新建新能源充电站", "value": 40,
                     "unit": "座"},
                    {"text": "城镇新增就业1.7万人", "span": span("城镇新增就业1.7万人"), "indicator": "城镇新增就业", "value": 1.7,
                     "unit": "万人"}],
}


def store_report(session, name="r2024.txt", record=RECORD, text=TEXT, previous=None):
    doc = Document(name=name, path=name, sha256=f"{name}-{len(text)}-{previous}", version=2 if previous else 1,
                   previous_id=previous, doc_type="work_report", title="政府工作报告", record=record, text=text,
                   ingested_at=NOW, ingested_by="test")
    session.add(doc)
    session.flush()
    return doc


@pytest.fixture
def tracked(session, settings):
    """The three targets of RECORD: GDP (office), charging stations (县发改委 leads), jobs (县人社局 leads)."""
    units = [create_organisation(session, name=n).id for n in ("县发改委", "县人社局")]
    track_report(session, document=store_report(session), now=NOW, settings=settings)
    ids = session.scalars(select(TargetRow.id).order_by(TargetRow.id)).all()
    assign_target(session, target_id=ids[1], actor=OFFICE, lead_units=["县发改委"], settings=settings, now=NOW)
    assign_target(session, target_id=ids[2], actor=OFFICE, lead_units=["县人社局"], co_units=["县发改委"],
                  settings=settings, now=NOW)
    return ids, units


def unit_user(unit_id: int) -> Actor:
    return Actor(f"u{unit_id}", Role.UNIT, unit=str(unit_id))


def test_a_report_is_tracked_once_and_a_new_version_adds_only_what_is_new(session, settings):
    first = track_report(session, document=store_report(session), now=NOW, settings=settings)
    again = track_report(session, document=session.get(Document, 1), now=NOW, settings=settings)
    changed = {**RECORD, "commitments": RECORD["commitments"] + [
        {"text": "新增养老床位300张", "span": span("新增养老床位300张", TEXT + "新增养老床位300张。"),
         "indicator": "新增养老床位", "value": 300, "unit": "张"}]}
    second = track_report(session, document=store_report(session, record=changed, text=TEXT + "新增养老床位300张。",
                                                          previous=1), now=NOW, settings=settings)
    rows = session.scalars(select(TargetRow).order_by(TargetRow.id)).all()
    assert [(first.inserted, first.kept), (again.inserted, again.kept), (second.inserted, second.kept)] == [
        (3, 0), (0, 3), (1, 3)]
    assert [(r.kind, r.year, r.indicator, r.value, r.unit, r.bound, r.source_path, r.document_id) for r in rows] == [
        ("target", 2024, "地区生产总值", "6", "%", "about", "targets[0]", 1),
        ("commitment", 2024, "新建新能源充电站", "40", "座", None, "commitments[0]", 1),
        ("commitment", 2024, "城镇新增就业", "1.7", "万人", None, "commitments[1]", 1),
        ("commitment", 2024, "新增养老床位", "300", "张", None, "commitments[2]", 2)]


def test_the_status_changes_as_actual_values_are_entered(session, settings, tracked):
    (gdp, stations, _), _ = tracked

    def enter(target, period, value, days):
        view = enter_actual(session, target_id=target, actor=OFFICE, period=period, value=value, settings=settings,
                            now=NOW + timedelta(days=days))
        return view.status.status.value, view.status.rule

    assert target_status(session, target_id=stations, settings=settings, now=NOW).rule == \
        "目标40座，截至目前尚无实际值"
    assert [enter(stations, "2024-03", 8, 0), enter(stations, "2024年二季度", 25, 1), enter(stations, "2024-09", 41, 2),
            enter(gdp, "2024-Q2", "5.2", 3), enter(gdp, "2024-Q2", "5.8", 4)] == [
        ("behind", "目标40座，截至2024年3月累计8座，按进度应达10座，进度滞后"),
        ("on_track", "目标40座，截至2024年二季度累计25座，按进度应达20座，进度正常"),
        ("achieved", "目标40座，截至2024年9月累计41座，已达到全年目标"),
        ("behind", "目标增长6%左右（±0.5个百分点），截至2024年二季度实际5.2%，未达目标"),
        ("on_track", "目标增长6%左右（±0.5个百分点），截至2024年二季度实际5.8%，符合目标")]
    view = get_target(session, target_id=gdp, settings=settings, now=NOW)
    assert [(a.period, a.value, a.entered_by, a.source) for a in view.actuals] == [
        (Period(2024, 6, True), Decimal("5.2"), "dc1", "form"), (Period(2024, 6, True), Decimal("5.8"), "dc1", "form")]
    assert view.source_text == "地区生产总值增长6%左右"


def test_a_value_in_another_unit_is_scaled_and_a_bad_one_is_refused_naming_the_field(session, settings, tracked):
    (_, _, jobs), _ = tracked
    view = enter_actual(session, target_id=jobs, actor=OFFICE, period="2024-06", value=9000, unit="人",
                        settings=settings, now=NOW)
    assert (view.status.actual, view.status.status.value) == (Decimal("0.9"), "on_track")
    with pytest.raises(InvalidValue) as caught:
        enter_actual(session, target_id=jobs, actor=OFFICE, period="2023-12", value=1, settings=settings, now=NOW)
    assert (caught.value.field, str(caught.value)) == (
        "period", f"{jobs} is a target for 2024; write a period of 2024, e.g. 2024-03 or 2024-Q3")


def test_a_unit_enters_values_only_for_its_own_targets(session, settings, tracked):
    (gdp, stations, jobs), (fgw, rsj) = tracked
    view = enter_actual(session, target_id=jobs, actor=unit_user(fgw), period="2024-06", value="1", settings=settings,
                        now=NOW)  # 县发改委 co-operates on jobs
    assert (view.status.status.value, view.editable) == ("on_track", True)
    page = list_targets(session, actor=unit_user(rsj), year=2024, settings=settings, now=NOW)
    assert [(v.id, v.editable) for v in page.rows] == [(jobs, True)]  # a unit lists only its own targets
    refused = []
    for actor, target in ((unit_user(rsj), stations), (unit_user(rsj), gdp), (LEADER, jobs)):
        with pytest.raises(PermissionDenied) as caught:
            enter_actual(session, target_id=target, actor=actor, period="2024-06", value=1, settings=settings, now=NOW)
        refused.append(str(caught.value))
    assert refused == [
        "本单位不是“新建新能源充电站”的责任单位，不能填报它的实际值",
        "本单位不是“地区生产总值”的责任单位，不能填报它的实际值",
        "领导不能填报实际值：只有督查室和该指标的责任单位可以"]
    assert session.scalar(select(func.count(ActualRow.id))) == 1


def test_an_import_with_one_bad_row_imports_nothing_and_names_the_row_and_column(session, settings, tracked):
    (gdp, stations, jobs), _ = tracked
    rows = [{"指标编号": str(gdp), "期间": "2024-Q2", "实际值": "5.9"},
            {"指标编号": str(stations), "期间": "2024-06", "实际值": "二十"},
            {"指标编号": str(jobs), "期间": "2024-06", "实际值": "1.1"}]
    with pytest.raises(ImportRejected) as caught:
        import_actuals(session, actor=OFFICE, rows=rows, settings=settings, now=NOW)
    assert [(e.row, e.column, e.value) for e in caught.value.errors] == [(3, "实际值", "二十")]
    assert str(caught.value) == ("nothing imported: 1 problem — row 3, column 实际值: '二十' is not a number; "
                                 "write e.g. 4.8 (in 座)")
    assert session.scalar(select(func.count(ActualRow.id))) == 0
    rows[1]["实际值"] = "20"
    done = import_actuals(session, actor=OFFICE, rows=rows, settings=settings, now=NOW)
    page = list_targets(session, actor=OFFICE, year=2024, settings=settings, now=NOW)
    assert ((done.values, done.targets), [(v.target.indicator, v.status.status.value) for v in page.rows]) == (
        (3, 3), [("地区生产总值", "on_track"), ("新建新能源充电站", "on_track"), ("城镇新增就业", "on_track")])


def test_a_unit_cannot_import_values_of_another_units_target(session, settings, tracked):
    (_, stations, jobs), (_, rsj) = tracked
    rows = [{"target_id": jobs, "period": "2024-06", "value": 1}, {"target_id": stations, "period": "2024-06",
                                                                   "value": 20}]
    with pytest.raises(ImportRejected) as caught:
        import_actuals(session, actor=unit_user(rsj), rows=rows, settings=settings, now=NOW)
    assert [(e.row, e.column, e.message) for e in caught.value.errors] == [
        (3, "指标编号", "本单位不是“新建新能源充电站”的责任单位，不能填报它的实际值")]
    assert session.scalar(select(func.count(ActualRow.id))) == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_filled_in_and_imported(session, settings, tracked, fmt):
    (gdp, stations, jobs), (_, rsj) = tracked
    template = actuals_template(session, fmt=fmt, actor=unit_user(rsj))
    rows = parse_rows(template, fmt=None)  # told apart by their bytes
    blank = "" if fmt == "csv" else None  # an empty CSV field is text; an empty XLSX cell is no value
    assert rows == [{"指标编号": str(jobs), "指标名称": "城镇新增就业", "期间": blank, "实际值": blank, "单位": "万人",
                     "备注": blank}]
    if fmt == "csv":
        assert template.startswith("\ufeff指标编号,指标名称,期间,实际值,单位,备注\r\n".encode("utf-8"))
    rows[0].update({"期间": "2024-06", "实际值": "8500", "单位": "人"})
    assert import_actuals(session, actor=unit_user(rsj), rows=rows, settings=settings, now=NOW).values == 1
    assert target_status(session, target_id=jobs, settings=settings, now=NOW).actual == Decimal("0.85")


def test_a_template_of_a_wrong_sheet_names_the_missing_column(session, settings, tracked):
    data = "编号,数值\r\n1,2\r\n".encode("gb18030")
    with pytest.raises(ImportRejected) as caught:
        import_actuals(session, actor=OFFICE, rows=data, settings=settings, now=NOW)
    assert [(e.row, e.column) for e in caught.value.errors] == [(1, "指标编号"), (1, "期间"), (1, "实际值")]


def test_list_targets_filters_by_unit_status_kind_and_text(session, settings, tracked):
    (gdp, stations, jobs), _ = tracked
    enter_actual(session, target_id=stations, actor=OFFICE, period="2024-06", value=5, settings=settings, now=NOW)

    def ids(**kw):
        page = list_targets(session, actor=LEADER, settings=settings, now=NOW, **kw)
        return page.total, [v.id for v in page.rows]

    assert [ids(year=2024), ids(year=2025), ids(unit="县发改委"), ids(status="behind"), ids(status="no_data"),
            ids(kind="target"), ids(q="充电"), ids(per_page=2, page=2)] == [
        (3, [gdp, stations, jobs]), (0, []), (2, [stations, jobs]), (1, [stations]), (2, [gdp, jobs]), (1, [gdp]),
        (1, [stations]), (3, [jobs])]
    with pytest.raises(InvalidValue) as caught:
        list_targets(session, actor=LEADER, status="late", settings=settings, now=NOW)
    assert str(caught.value) == ("状态“late”无法识别：可选进度正常（on_track）、进度滞后（behind）、已完成（achieved）、"
                                 "未完成（missed）、暂无数据（no_data）")


def test_only_the_office_names_a_targets_units(session, settings, tracked):
    (gdp, _, _), (fgw, _) = tracked
    with pytest.raises(PermissionDenied):
        assign_target(session, target_id=gdp, actor=unit_user(fgw), lead_units=["县发改委"], settings=settings, now=NOW)
    view = assign_target(session, target_id=gdp, actor=OFFICE, lead_units=["县发改委"], co_units=["县人社局", "县发改委"],
                         settings=settings, now=NOW)
    assert (view.target.lead_units, view.target.co_units, list(view.units.values())) == (
        (str(fgw),), (str(fgw + 1),), ["县发改委", "县人社局"])
