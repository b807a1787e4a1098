"""Scans in a real browser (headless Chromium): the office uploads a scanned PDF and a phone photo of a
meeting's minutes, watches the progress bar, lands on the document, and each item's sentence is framed on
the page image. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

import browserfixtures
from browserfixtures import Server, chromium, screenshot  # noqa: F401
from conftest import ROOT, _skip_or_fail
from luoshi.settings import Settings
from luoshi.store import users as store_users
from luoshi.store.db import Database

SAMPLE = ROOT / "luoshi" / "samples" / "qingxi_county_minutes_12.txt"
PASSWORD = "browser-pass-ocr"
TASK = "县应急局要牵头开展安全生产治本攻坚行动"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from luoshi.text import ocr
    from luoshi.web.app import create_app

    if not ocr.available():
        _skip_or_fail("the OCR engine is not installed: pip install -e '.[ocr]'")
    path = tmp_path_factory.mktemp("browser-ocr") / "luoshi.sqlite3"
    db = Database(f"sqlite:///{path}")
    settings = Settings(environment="test", secret_key="browser-secret", _env_file=None)
    with db.session() as s:
        store_users.create_user(s, username="zhangmin", password=PASSWORD, role="supervisor", display_name="张敏")
    server = Server(create_app(settings, database=db)).start()
    yield server
    server.stop()
    db.dispose()


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """The first page of the sample minutes as a scanned PDF (150 dpi) and as a phone photo (JPEG)."""
    from luoshi.samples.scan import pdf_bytes, photo, render

    folder = tmp_path_factory.mktemp("scans")
    text = SAMPLE.read_text(encoding="utf-8")
    pdf = folder / "纪要第12号扫描件.pdf"
    pdf.write_bytes(pdf_bytes(render(text, dpi=150)[:1]))
    jpg = folder / "纪要第12号手机拍照.jpg"
    photo(render(text, dpi=300)[0], seed=3).image.save(jpg)
    return {"pdf": pdf, "photo": jpg}


@pytest.mark.parametrize("kind", ["pdf", "photo"])
def test_a_scan_uploaded_becomes_a_document_whose_items_are_framed_on_the_page(chromium, site, scans, kind):
    office = browserfixtures.sign_in(chromium, site.url, "zhangmin", PASSWORD, width=1440)
    office.goto(f"{site.url}/documents/upload")
    office.set_input_files("#file", str(scans[kind]))
    with office.expect_navigation():
        office.click('form[action="/documents/upload"] button[type=submit]')
    assert re.search(r"/documents/jobs/\d+$", office.url)
    assert office.locator("#ocr-progress").get_attribute("max") == "1"
    screenshot(office, f"ocr-01-{kind}-progress")
    office.wait_for_url(re.compile(r"/documents/\d+$"), timeout=300_000)  # htmx follows when the job is done

    task = office.locator("#document-text mark.item", has_text=TASK[:8]).first
    item_id = task.locator("a").get_attribute("href").rsplit("/", 1)[1]
    assert "".join(task.inner_text().split()).startswith(TASK)
    boxes = office.locator(f'#scan rect.box.item[data-item="{item_id}"]')
    assert boxes.count() == 3  # the sentence runs over three lines of the page: one frame each
    page = office.locator("#scan svg").first.bounding_box()
    frames = [boxes.nth(i).bounding_box() for i in range(3)]
    for box in frames:
        assert page["x"] < box["x"] and box["x"] + box["width"] <= page["x"] + page["width"] + 1
        assert page["y"] + 0.2 * page["height"] < box["y"] < page["y"] + 0.8 * page["height"]  # in the body
    assert frames[0]["y"] < frames[1]["y"] < frames[2]["y"]  # line after line
    assert frames[1]["width"] > 0.6 * page["width"]  # the middle line is a full line of the text block
    linked = {office.locator("#scan rect.box.item").nth(i).get_attribute("data-item")
              for i in range(office.locator("#scan rect.box.item").count())}
    assert linked == {a.rsplit("/", 1)[1] for a in office.locator("#document-text mark.item a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")}
    office.locator("#scan").scroll_into_view_if_needed()
    screenshot(office, f"ocr-02-{kind}-document")
    with office.expect_navigation():
        boxes.first.click()
    assert office.url.endswith(f"/items/{item_id}")
    assert office.locator("#source-page").inner_text() == "原件第 1 页"
