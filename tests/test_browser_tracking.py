"""Tracking in a real browser (headless Chromium): a unit enters actual values and sees its target's status
change; the office imports a CSV with one bad row (a clear message, nothing imported) and then the fixed
file; a deputy's suggestion is assigned, replied, rated 不满意, re-handled and rated 满意; the promise-versus-
delivery page after the county's 2024 and 2025 reports are ingested. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

import browserfixtures
from browserfixtures import SCREENSHOTS, Server, chromium, screenshot  # noqa: F401
from conftest import ROOT
from luoshi.ingest import ingest_paths
from luoshi.ledger import Actor, Role
from luoshi.ledger.due import by_rule
from luoshi.settings import Settings
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.store.items import today_in
from luoshi.store.orgs import create_organisation, find_organisation
from luoshi.store.targets import assign_target
from luoshi.store.tracking import ActualRow, SuggestionRow, TargetRow

SAMPLES = ROOT / "luoshi" / "samples"
DOCUMENTS = [SAMPLES / "qingxi_2024_work_report.txt", SAMPLES / "qingxi_2025_work_report.txt",
             SAMPLES / "qingxi_congress_review_2024.txt"]
PASSWORD = "browser-pass-2"
STATIONS = "新建新能源充电站40座"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server on a fresh SQLite database with the county's reports and review summary ingested, the
    office, the liaisons of 县发改委 (responsible for the charging stations) and 县住建局, and the congress."""
    path = tmp_path_factory.mktemp("browser-tracking") / "luoshi.sqlite3"
    db = Database(f"sqlite:///{path}")
    settings = Settings(environment="test", secret_key="browser-secret", _env_file=None)
    with db.session() as s:
        units = {n: (find_organisation(s, n) or create_organisation(s, name=n)).id
                 for n in ("县发改委", "县住建局", "县财政局")}
        s.commit()
        for username, role, name, unit in (("zhangmin", "supervisor", "张敏", None),
                                           ("fgw", "unit", "刘洋", units["县发改委"]),
                                           ("zjj", "unit", "李强", units["县住建局"]),
                                           ("renda", "congress", "陈主任", None)):
            store_users.create_user(s, username=username, password=PASSWORD, role=role, unit=unit,
                                    display_name=name)
        ingest_paths(s, DOCUMENTS, settings=settings)
        # One of the review's points is followed as a deputy's suggestion (reply, evaluation, re-handling);
        # the others keep the review procedure (a 研究处理情况报告 closes them).
        s.execute(update(SuggestionRow).where(SuggestionRow.title == "推进老旧小区改造").values(procedure="suggestion"))
        s.commit()
        stations = s.scalar(select(TargetRow.id).where(TargetRow.text == STATIONS))
        assign_target(s, target_id=stations, actor=Actor("zhangmin", Role.SUPERVISOR), lead_units=["县发改委"],
                      settings=settings)
    server = Server(create_app_for(settings, db)).start()
    server.db, server.stations = db, stations
    yield server
    server.stop()
    db.dispose()


def create_app_for(settings, db):
    from luoshi.web.app import create_app

    return create_app(settings, database=db)


def sign_in(browser, site, username):
    return browserfixtures.sign_in(browser, site.url, username, PASSWORD, width=1440)


def submit(page, form_selector):
    with page.expect_navigation() as navigation:
        page.locator(f"{form_selector} button[type=submit]").click()
    return navigation.value


def actual_count(site) -> int:
    with site.db.session() as s:
        return s.scalar(select(func.count(ActualRow.id)))


def test_a_unit_enters_actual_values_and_the_status_changes(chromium, site):
    unit = sign_in(chromium, site, "fgw")
    unit.goto(f"{site.url}/targets")
    assert unit.locator("#targets-table tbody tr").count() == 1  # a unit sees its own targets
    unit.locator("#targets-table a", has_text="新能源充电站").click()
    unit.wait_for_url(f"{site.url}/targets/{site.stations}")
    assert unit.locator("#source mark.active").inner_text() == STATIONS
    assert unit.locator("#target-status .tstatus").inner_text() == "暂无数据"
    unit.fill("#period", "2024-06")
    unit.fill("#value", "30")
    assert submit(unit, "#actual-form").status == 200
    assert unit.locator(".flash.ok").inner_text() == "已填报实际值；当前状态：未完成"
    assert unit.locator("#status-rule").inner_text() == "目标新建40座，2024年累计30座，未完成"
    unit.fill("#period", "2024-12")
    unit.fill("#value", "44")
    unit.fill("#note", "全年新改建充电场（站）44座")
    submit(unit, "#actual-form")
    assert unit.locator("#target-status .tstatus").inner_text() == "已完成"
    assert unit.locator("#status-rule").inner_text() == "目标新建40座，2024年累计44座，已完成"
    rows = unit.locator("#actuals tbody tr")
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())] == ["30座", "44座"]
    assert unit.locator(".tchart circle").count() == 2
    screenshot(unit, "tracking-01-target-actuals")

    other = site.stations + 1
    assert unit.goto(f"{site.url}/targets/{other}").status == 404  # another unit's target is not revealed


def test_an_import_with_one_bad_row_imports_nothing_then_the_fixed_file_goes_in(chromium, site, tmp_path):
    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/targets/import")
    with office.expect_download() as download:
        office.click("#template-csv")
    template = download.value.path().read_bytes().decode("utf-8-sig")
    assert template.startswith("指标编号,指标名称,期间,实际值,单位,备注\r\n")
    with site.db.session() as s:
        gdp, beds = (s.scalar(select(TargetRow.id).where(TargetRow.text == t))
                     for t in ("地区生产总值增长6%左右", "新增养老床位300张"))
    before = actual_count(site)
    bad = tmp_path / "actuals.csv"
    bad.write_text(f"指标编号,指标名称,期间,实际值,单位,备注\n{gdp},地区生产总值,2024-Q2,5.9,,\n"
                   f"{beds},养老床位,2024-06,一百五十,,\n", encoding="utf-8")
    office.set_input_files("#file", str(bad))
    assert submit(office, "#import-form").status == 422
    errors = office.locator("#import-errors tbody tr")
    assert office.locator("#import-errors h2").inner_text() == "未导入任何数据：actuals.csv 有 1 处问题"
    assert [errors.nth(0).locator("td").nth(i).inner_text() for i in range(3)] == ["第 3 行", "实际值", "一百五十"]
    assert actual_count(site) == before  # nothing of the file went in
    screenshot(office, "tracking-02-import-rejected")

    good = tmp_path / "actuals-fixed.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace("一百五十", "150"), encoding="utf-8")
    office.set_input_files("#file", str(good))
    assert submit(office, "#import-form").status == 200
    assert office.locator("#import-summary").inner_text().startswith("导入成功：共导入 2 条实际值，涉及 2 项指标")
    assert actual_count(site) == before + 2
    screenshot(office, "tracking-03-import-done")

    office.goto(f"{site.url}/targets?year=2024")
    gdp_row = office.locator("#targets-table tr", has_text="地区生产总值增长6%左右")
    gdp_row.locator("details.rule summary").click()  # the rule behind the badge, opened
    assert gdp_row.locator("details.rule div").inner_text() == (
        "目标增长6%左右（±0.5个百分点），2024年实际5.9%（2024年二季度），已完成")
    office.select_option("#status", "achieved")
    office.wait_for_function("() => new URLSearchParams(location.search).get('status') === 'achieved'")
    office.wait_for_function("() => document.querySelectorAll('#targets-table tbody tr').length <= 3")
    screenshot(office, "tracking-10-targets-achieved")


def act(page, action, **fields):
    box = page.locator(f"#act-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in fields.items():
        field = box.locator(f"[name={name}]")
        if name in ("lead_unit", "co_units", "outcome"):
            field.select_option(label=value)
        elif name == "satisfaction":
            box.locator(f"label.choice", has_text=re.compile(f"^\\s*{value}$")).locator("input").check()
        else:
            field.fill(value)
    response = submit(page, f"#act-{action}")
    assert response.status == 200, page.inner_text("main")
    assert page.locator(".flash.error").count() == 0
    return page.locator(".pagehead .sstate").inner_text()


def test_a_suggestion_assigned_replied_rated_dissatisfied_rehandled_then_satisfied(chromium, site):
    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/suggestions")
    assert office.locator("#suggestions-table tbody tr").count() == 10
    screenshot(office, "tracking-04-suggestions")
    office.locator("#suggestions-table a", has_text="推进老旧小区改造").click()
    office.wait_for_url(re.compile(r"/suggestions/\d+$"))
    url = office.url
    assert office.locator("#deputies").inner_text() == "赵文斌、李秀兰"
    assert act(office, "assign", lead_unit="县住建局", co_units="县财政局") == "办理中"

    unit = sign_in(chromium, site, "zjj")
    unit.goto(url)
    assert act(unit, "reply", text="已征求居民意见，增设停车位200个", outcome="列入计划逐步解决") == "已答复"
    congress = sign_in(chromium, site, "renda")
    congress.goto(url)
    assert act(congress, "evaluate", satisfaction="不满意", comment="充电难问题未落实") == "重新办理"
    screenshot(congress, "tracking-05-suggestion-dissatisfied")
    unit.goto(url)
    assert act(unit, "reply", text="新增充电桩120个，已全部投用", outcome="已解决或基本解决") == "已答复"
    congress.goto(url)
    assert act(congress, "evaluate", satisfaction="满意") == "已办结"
    assert congress.locator("#satisfaction").inner_text().startswith("满意")
    steps = congress.locator("#history li .head")
    assert [steps.nth(i).inner_text().split(" ")[0] for i in range(steps.count())] == [
        "登记", "交办", "答复", "满意度测评", "答复", "满意度测评"]
    assert congress.locator(".round").count() == 2
    screenshot(congress, "tracking-06-suggestion-closed")
    congress.goto(f"{site.url}/suggestions?state=closed")
    assert congress.locator("#suggestions-table tbody tr").count() == 1
    assert congress.locator("#by-unit tbody tr").first.inner_text().split("\t")[:2] == ["县住建局", "1"]
    screenshot(congress, "tracking-09-suggestions-statistics")


def test_a_review_point_is_closed_by_its_handling_report(chromium, site):
    congress = sign_in(chromium, site, "renda")
    assert urlsplit(congress.url).path == "/suggestions"  # where the congress office lands
    congress.goto(f"{site.url}/suggestions?procedure=review")
    assert congress.locator("#suggestions-table tbody tr").count() == 9
    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/suggestions?procedure=review")
    office.locator("#suggestions-table a", has_text="改善农村道路").click()
    office.wait_for_url(re.compile(r"/suggestions/\d+$"))
    assert act(office, "assign", lead_unit="县住建局") == "办理中"
    assert office.locator("#due").inner_text().startswith(str(by_rule("2m", today_in(Settings(_env_file=None)))))
    unit = sign_in(chromium, site, "zjj")
    unit.goto(office.url)
    assert unit.locator("#act-reply summary").inner_text() == "报送研究处理情况报告"
    assert unit.locator("#act-reply [name=outcome]").count() == 0
    assert act(unit, "reply", text="已将农村公路提档升级列入年度计划") == "已办结"
    assert unit.locator("#procedure").inner_text().startswith("审议意见")
    steps = unit.locator("#history li .head")
    assert [steps.nth(i).inner_text().split(" ")[0] for i in range(steps.count())] == [
        "登记", "交办", "研究处理情况报告"]


def test_the_delivery_page_shows_both_sentences_of_each_linked_promise(chromium, site):
    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/delivery?year=2024")
    assert office.locator("nav a.on").inner_text() == "承诺兑现"
    assert office.locator("article.pair").count() >= 38
    pair = office.locator("article.pair", has_text=STATIONS)
    assert pair.locator(".promise mark").inner_text() == STATIONS
    assert pair.locator(".result mark").inner_text() == "新改建新能源车辆充电场（站）44座"
    assert pair.locator(".verdict").inner_text() == "已兑现"
    assert pair.locator(".score b").inner_text() == "85"
    office.screenshot(path=str(SCREENSHOTS / "tracking-07-delivery.png"))  # the top: figures and first pairs
    with office.expect_navigation():
        pair.locator("form[action$=confirm] button").click()
    pair = office.locator("article.pair", has_text=STATIONS)
    assert pair.locator(".lstate").inner_text() == "已确认"
    assert pair.locator("form").count() == 0
    pair.scroll_into_view_if_needed()
    office.screenshot(path=str(SCREENSHOTS / "tracking-08-delivery-confirmed.png"))

    office.set_viewport_size({"width": 390, "height": 844})  # a phone: the pairs stack
    office.goto(f"{site.url}/delivery?year=2024")
    box = office.locator("article.pair").first.bounding_box()
    assert box["width"] <= 390
    office.locator("#delivery-stats").scroll_into_view_if_needed()
    office.screenshot(path=str(SCREENSHOTS / "tracking-11-delivery-phone.png"))

    unit = sign_in(chromium, site, "fgw")
    assert unit.goto(f"{site.url}/delivery").status == 403
