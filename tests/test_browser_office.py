"""The office's tools in a real browser (headless Chromium), per role: the office confirms 20 drafts with
"all that match" and assigns them with the page's checkboxes and one due date, downloads an item's 督办单
and reads it back; the unit's liaison sees no batch form, downloads the item's dossier; the leader opens
the assessment ranking, drills down to a unit and exports it; the item page prints without navigation."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from docx import Document
from playwright.sync_api import expect

import browserfixtures
from browserfixtures import Server, chromium, screenshot  # noqa: F401
from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.store.items import act, create_item, today_in
from luoshi.store.orgs import create_organisation
from luoshi.web.app import create_app

PASSWORD = "browser-pass-1"
OFFICE = Actor("zhangmin", Role.SUPERVISOR)
SETTINGS = Settings(environment="test", secret_key="browser-secret", _env_file=None)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """20 drafts led by 县住建局, an item of 县交通局 overdue since 2020, the office, the unit's liaison and a
    leader."""
    path = tmp_path_factory.mktemp("browser-office") / "luoshi.sqlite3"
    db = Database(f"sqlite:///{path}")
    settings = SETTINGS
    with db.session() as s:
        unit = create_organisation(s, name="县住建局").id
        s.commit()
        for username, role, name, unit_id in (("zhangmin", "supervisor", "张敏", None),
                                              ("liqiang", "unit", "李强", unit), ("wangshi", "leader", "王市长", None)):
            store_users.create_user(s, username=username, password=PASSWORD, role=role, unit=unit_id,
                                    display_name=name)
        for n in range(1, 21):
            create_item(s, actor=OFFICE, kind="task", title=f"老旧小区改造第{n}批", text=f"完成第{n}批老旧小区改造",
                        lead_units=["县住建局"], settings=settings)
        create_organisation(s, name="县交通局")
        s.commit()
        late = create_item(s, actor=OFFICE, kind="task", title="农村公路养护", lead_units=["县交通局"],
                           settings=settings).id
        for action, payload in (("confirm", {}), ("assign", {"due": "2020-01-31"})):
            act(s, item_id=late, actor=OFFICE, action=action, expected_version=None, settings=settings,
                now=datetime(2020, 1, 2, tzinfo=UTC), **payload)
    server = Server(create_app(settings, database=db)).start()
    yield server
    server.stop()
    db.dispose()


def sign_in(browser, site, username):
    return browserfixtures.sign_in(browser, site.url, username, PASSWORD)


def download(page, selector):
    with page.expect_download() as caught:
        page.click(selector)
    return caught.value.suggested_filename, open(caught.value.path(), "rb").read()


def test_the_office_confirms_and_assigns_20_drafts_in_two_actions(chromium, site):
    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/ledger?state=draft")
    assert office.locator('input[name="ids"]').count() == 20
    office.check("#all-matching")
    office.select_option("#batch-action", "confirm")
    with office.expect_navigation():
        office.click("#batch-submit")
    assert office.locator("#batch-summary").inner_text() == "已确认 20 项"

    office.goto(f"{site.url}/ledger?state=confirmed")
    office.check("#pick-page")
    assert office.locator('input[name="ids"]:checked').count() == 20
    office.select_option("#batch-action", "assign")
    office.fill("#batch-due", "2030-06-30")
    screenshot(office, "40-ledger-batch-assign")
    with office.expect_navigation():
        office.click("#batch-submit")
    assert office.locator("#batch-summary").inner_text() == "已交办 20 项"
    assert office.locator("#batch-done a").count() == 20
    screenshot(office, "41-batch-result")
    office.goto(f"{site.url}/ledger?state=assigned&due_from=2030-06-30&due_to=2030-06-30")
    assert office.locator("#ledger-table tbody td.title a").count() == 20

    office.goto(f"{site.url}/ledger?state=assigned")
    office.check("#all-matching")
    office.select_option("#batch-action", "confirm")
    with office.expect_navigation():
        office.click("#batch-submit")
    assert office.locator("#batch-summary").inner_text() == "已确认 0 项，21 项未办理（原因见下）"
    assert set(office.locator("#batch-failed td:nth-child(3)").all_inner_texts()) == {
        "当前状态为「已交办」，不能确认；只有「待确认」的事项可以确认"}


def test_the_office_downloads_an_item_s_order_and_reads_it_back(chromium, site):
    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/ledger?state=assigned&q=第1批")
    with office.expect_navigation():
        office.locator("#ledger-table td.title a", has_text="老旧小区改造第1批").click()
    name, data = download(office, "#doc-order")
    number = f"督字〔{today_in(SETTINGS).year}〕1号"
    assert name == f"督办单-{number}.docx"
    doc = Document(io.BytesIO(data))
    assert [p.text for p in doc.paragraphs if p.text.strip()][1:3] == ["督　办　单", number]
    cells = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert (cells["事项"], cells["牵头单位"], cells["完成时限"]) == ("老旧小区改造第1批", "县住建局", "2030年6月30日")
    office.emulate_media(media="print")
    assert not office.locator("header.topbar").is_visible() and not office.locator("aside.actions").is_visible()
    assert office.locator("h1").is_visible()
    screenshot(office, "42-item-print")


def test_the_office_issues_an_overdue_notice_and_sets_its_formula(chromium, site):
    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/ledger")
    name, data = download(office, "#doc-notice")
    assert name == f"督办通知-督字〔{today_in(SETTINGS).year}〕2号.docx"  # 1号 is the 督办单 issued before
    cells = [[c.text for c in row.cells] for row in Document(io.BytesIO(data)).tables[0].rows]
    assert cells[1][1:4] == ["县交通局", "农村公路养护", "2020年1月31日"]
    office.goto(f"{site.url}/assessment")
    office.fill("#formula-form input[name=base]", "60")
    with office.expect_navigation():
        office.click("#formula-form button[type=submit]")
    assert office.locator(".flash.ok").inner_text() == "考核办法已保存，排名已按新的分值重新计算"
    first = office.locator("#ranking tbody tr").first
    assert (first.locator("td").nth(1).inner_text(), first.locator("td.score").inner_text()) == ("县住建局", "60.0")


def test_the_unit_sees_no_batch_form_and_downloads_a_dossier(chromium, site):
    unit = sign_in(chromium, site, "liqiang")
    unit.goto(f"{site.url}/ledger")
    assert unit.locator("#batch-form").count() == 0 and unit.locator('input[name="ids"]').count() == 0
    with unit.expect_navigation():
        unit.locator("#ledger-table td.title a").first.click()
    assert unit.locator("#doc-order").count() == 0
    name, data = download(unit, "#doc-dossier")
    assert name.startswith("一事一档-") and name.endswith(".zip")
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["01-事项档案.docx", "02-原文出处.txt", "03-办理记录.json"]
    unit.goto(f"{site.url}/assessment")
    assert unit.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts() == ["县住建局"]


def test_the_leader_ranks_units_drills_down_and_exports(chromium, site):
    leader = sign_in(chromium, site, "wangshi")
    leader.goto(f"{site.url}/dashboard")
    expect(leader.locator("#assessment-top")).to_contain_text("1.县住建局")
    leader.click("header nav a:has-text('考核排名')")
    row = leader.locator("#ranking tbody tr").first
    assert row.locator("td").nth(1).inner_text() == "县住建局"
    assert row.locator('td[data-measure="received"]').inner_text() == "20"
    assert leader.locator("#formula-form").count() == 0
    screenshot(leader, "43-assessment")
    name, data = download(leader, "a.export-xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert name.startswith("督办工作考核排名") and sheet["B3"].value == "县住建局" and sheet["E3"].value == 20
    with leader.expect_navigation():
        row.locator('td[data-measure="received"] a').click()
    assert leader.locator("#unit-items tbody tr").count() == 20
    assert leader.locator("h1").inner_text() == "县住建局 · 新交办"
