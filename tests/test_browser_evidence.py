"""Evidence files and reminders in a real browser (headless Chromium): a unit attaches a photo and a PDF to
its completion application, and the office previews both; a unit sets up a webhook on its settings page
and sends a test message, which the worker delivers to a local receiver started by the test; the office
sees the unit's channels and the delivery. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re
import time

import pytest

import browserfixtures
import evidencefiles as make
from browserfixtures import Server, chromium, screenshot  # noqa: F401
from luoshi.ledger import Actor, Role
from luoshi.notify import Mailer, Worker
from luoshi.settings import Settings
from luoshi.store import items as store_items
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.store.orgs import create_organisation
from luoshi.web.app import create_app
from receivers import Receivers

PASSWORD = "browser-pass-9"
OFFICE = Actor("zhangmin", Role.SUPERVISOR)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server on a fresh SQLite database: the office, the 县住建局 liaison, an item it is handling; a
    worker sending notices every 0.2 s; a local webhook receiver."""
    root = tmp_path_factory.mktemp("browser-evidence")
    db = Database(f"sqlite:///{root / 'luoshi.sqlite3'}")
    settings = Settings(environment="test", secret_key="browser-secret", data_dir=str(root / "data"),
                        worker_poll_seconds=0.2, serve_jobs=False, _env_file=None)
    with db.session() as s:
        unit = create_organisation(s, name="县住建局").id
        s.commit()
        for username, role, name, unit_id in (("zhangmin", "supervisor", "张敏", None), ("liqiang", "unit", "李强", unit)):
            store_users.create_user(s, username=username, password=PASSWORD, role=role, unit=unit_id,
                                    display_name=name)
        item = store_items.create_item(s, actor=OFFICE, kind="task", title="完成老旧小区燃气管道改造",
                                       lead_units=["县住建局"], settings=settings).id
        for version, (who, action, extra) in enumerate(
                [(OFFICE, "confirm", {}), (OFFICE, "assign", {"due": "2030-12-31"}),
                 (Actor("liqiang", Role.UNIT, unit=str(unit)), "accept", {})], start=1):
            store_items.act(s, item_id=item, actor=who, action=action, expected_version=version, settings=settings,
                            **extra)
    server = Server(create_app(settings, database=db)).start()
    worker = Worker(db, settings, kind="worker", mailer=Mailer(None)).start()
    receivers = Receivers().start()
    server.db, server.item, server.unit, server.receivers = db, item, unit, receivers
    yield server
    receivers.stop()
    worker.stop()
    server.stop()
    db.dispose()


def sign_in(browser, site, username):
    return browserfixtures.sign_in(browser, site.url, username, PASSWORD)


def loaded(page, selector):
    """Whether every image matching `selector` has loaded and has pixels."""
    page.wait_for_selector(selector)
    page.wait_for_function("s => [...document.querySelectorAll(s)].every(e => e.complete)", arg=selector)
    return page.eval_on_selector_all(selector, "els => els.length > 0 && els.every(e => e.naturalWidth > 0)")


def test_a_unit_attaches_a_photo_and_a_pdf_and_the_office_previews_both(chromium, site, tmp_path):
    photo, report = tmp_path / "现场照片.jpg", tmp_path / "验收报告.pdf"
    photo.write_bytes(make.jpeg(1200, 900))
    report.write_bytes(make.pdf(2))
    unit = sign_in(chromium, site, "liqiang")
    unit.goto(f"{site.url}/items/{site.item}")
    box = unit.locator("#act-apply_completion")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    box.locator("[name=text]").fill("改造已完成，附现场照片和验收报告")
    box.locator("input[type=file][name=files]").set_input_files([str(photo), str(report)])
    with unit.expect_navigation():
        box.locator("button[type=submit]").click()
    assert unit.locator(".flash.ok").inner_text() == "已申请办结"
    assert unit.locator(".evidence-file .name").all_inner_texts() == ["现场照片.jpg", "验收报告.pdf"]
    screenshot(unit, "evidence-01-unit-applied")

    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/items/{site.item}")
    assert loaded(office, ".evidence-file img")  # both thumbnails: the photo and the PDF's first page
    screenshot(office, "evidence-02-office-item")
    office.locator(".evidence-file[data-kind=jpeg] a.preview").click()
    office.wait_for_url(re.compile(r"/files/\d+/preview$"))
    assert office.locator("h1").inner_text() == "现场照片.jpg"
    assert loaded(office, ".file-preview img.page")
    assert office.eval_on_selector(".file-preview img.page", "e => e.naturalWidth") == 1200
    screenshot(office, "evidence-03-photo-preview")
    office.go_back()
    office.locator(".evidence-file[data-kind=pdf] a.preview").click()
    office.wait_for_url(re.compile(r"/files/\d+/preview$"))
    assert office.locator(".file-preview img.page").count() == 2
    assert loaded(office, ".file-preview img.page")
    screenshot(office, "evidence-04-pdf-preview")
    office.context.close()
    unit.context.close()


def wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_units_settings_page_sends_a_test_message_to_a_local_webhook(chromium, site):
    url, robot = site.receivers.robot("/hooks/zjj", "webhook")
    unit = sign_in(chromium, site, "liqiang")
    unit.goto(f"{site.url}/settings/notifications")
    assert unit.locator(".pagehead .sub").inner_text() == "提醒设置 · 县住建局"
    unit.select_option("#channel-kind", "webhook")
    unit.fill("#channel-target", url)
    with unit.expect_navigation():
        unit.click("#add-channel button[type=submit]")
    assert unit.locator(".flash.ok").inner_text() == "已添加提醒渠道：JSON Webhook"
    assert unit.locator("#channels tbody tr").all_inner_texts()[0].split("\t")[:2] == ["JSON Webhook", url]
    with unit.expect_navigation():
        unit.click("#send-test button[type=submit]")
    assert unit.locator(".flash.ok").inner_text() == "测试消息已排队，将发往 1 个渠道；稍后刷新本页查看发送结果"
    assert wait_for(lambda: robot.received), "the worker delivered the test message"
    assert robot.received[0]["kind"] == "test" and robot.received[0]["text"].startswith(
        "【督办提醒】县住建局：\n这是一条测试消息，由 李强 在通知设置页发送。")

    def delivered():
        unit.reload()
        return unit.locator("#deliveries tbody tr").first.locator(".state-cell").inner_text() == "已送达"

    assert wait_for(delivered)
    screenshot(unit, "notify-01-unit-settings")
    office = sign_in(chromium, site, "zhangmin")
    office.goto(f"{site.url}/settings/notifications?unit={site.unit}")
    assert office.locator("#channels tbody tr td").first.inner_text() == "JSON Webhook"
    assert office.locator("#deliveries tbody tr td").nth(1).inner_text() == "测试消息"
    office.check("#evidence-rules input[value=task]")
    with office.expect_navigation():
        office.click("#evidence-rules button[type=submit]")
    assert office.locator(".flash.ok").inner_text() == "已保存办结佐证要求"
    assert office.locator("#evidence-rules input[value=task]").is_checked()
    screenshot(office, "notify-02-office-settings")
    office.context.close()
    unit.context.close()
