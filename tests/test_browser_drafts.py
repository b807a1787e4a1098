"""Drafts in a real browser (headless Chromium): the office uploads minutes as the wrong genre and corrects
it on the document page; selects a sentence of the text and adds a draft from it; splits a draft into its
directives and merges them back. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

import browserfixtures
from browserfixtures import Server, chromium, screenshot  # noqa: F401
from conftest import ROOT
from luoshi.settings import Settings
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.web.app import create_app

MINUTES = ROOT / "luoshi" / "samples" / "qingxi_county_minutes_12.txt"
PASSWORD = "browser-pass-2"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser-drafts") / "luoshi.sqlite3"
    db = Database(f"sqlite:///{path}")
    with db.session() as s:
        store_users.create_user(s, username="zhangmin", password=PASSWORD, role="supervisor", display_name="张敏")
    server = Server(create_app(Settings(environment="test", secret_key="browser-secret", _env_file=None),
                               database=db)).start()
    yield server
    server.stop()
    db.dispose()


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)
    assert page.locator(".flash.error").count() == 0, page.locator(".flash.error").inner_text()


def test_the_office_corrects_the_genre_adds_splits_and_merges_drafts(chromium, site):
    office = browserfixtures.sign_in(chromium, site.url, "zhangmin", PASSWORD)
    office.goto(f"{site.url}/documents/upload")
    office.set_input_files("#file", str(MINUTES))
    office.select_option("#genre", "other")
    submit(office, "main button[type=submit]")
    assert "其他文件" in office.locator("#genre").inner_text() and "用户指定" in office.locator("#genre").inner_text()
    assert office.locator("main", has_text="本文件未抽取到督办事项").count() == 1

    office.select_option("#genre-choice", "meeting_minutes")
    submit(office, "#genre button[type=submit]")
    assert re.search(r"/documents/2$", office.url)
    assert office.locator("#merge-form input[type=checkbox]").count() == 10
    screenshot(office, "drafts-01-document-genre-corrected")

    # select a sentence of the full text: the form takes it, and the new draft is that sentence
    office.evaluate("""() => {
        const text = document.getElementById('document-text');
        const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const i = walker.currentNode.nodeValue.indexOf('县水利局');
            if (i >= 0) {
                const range = document.createRange();
                range.setStart(walker.currentNode, i);
                range.setEnd(walker.currentNode, i + 4);
                window.getSelection().removeAllRanges();
                window.getSelection().addRange(range);
                return;
            }
        }
    }""")
    office.wait_for_function("() => !document.getElementById('add-submit').disabled")
    assert office.locator("#add-preview").inner_text() == "县水利局"
    submit(office, "#add-submit")
    assert re.search(r"/items/\d+$", office.url) and office.locator("h1").inner_text() == "县水利局"

    office.goto(f"{site.url}/documents/2")
    office.locator("#merge-form a", has_text="县农业农村局要加快项目招标").click()
    office.wait_for_url(re.compile(r"/items/\d+$"))
    assert office.locator("#subtasks tbody tr").count() == 2
    screenshot(office, "drafts-02-item-subtasks")
    submit(office, "#split-form button")
    assert office.locator(".flash.ok").inner_text() == "已拆分为 2 项待确认事项"

    office.goto(f"{site.url}/documents/2")
    boxes = office.locator("#merge-form .field", has_text="县农业农村局").locator("input[type=checkbox]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    submit(office, "#merge-form button[type=submit]")
    assert office.locator(".flash.ok").inner_text() == "已将 2 项合并为一项待确认事项"
    assert office.locator("#subtasks tbody tr").count() == 2
