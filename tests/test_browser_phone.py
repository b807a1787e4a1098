"""The pages of daily work on a phone (390×844, headless Chromium): the ledger, a unit's workspace and an
item page scroll only downwards, their rows are cards, the ledger's filters are folded away, and an item's
actions come before its history. The screenshots in artifacts/screenshots/phone-*.png (shown in the
README's "Daily work") are made here."""

from __future__ import annotations

from datetime import timedelta

import pytest

from browserfixtures import SCREENSHOTS, Server, chromium  # noqa: F401
from dashboardseed import seed, unit_actor
from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store import items as store_items
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.web.app import create_app

PASSWORD = "browser-pass-1"
PHONE = {"width": 390, "height": 844}
ITEM = "建设跨境电商产业园"  # 市商务局's, in progress and overdue


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The dashboard's known ledger, with the mayor's 批示 on ITEM, 市商务局's progress and its answer."""
    path = tmp_path_factory.mktemp("browser-phone") / "luoshi.sqlite3"
    db = Database(f"sqlite:///{path}")
    settings = Settings(environment="test", secret_key="browser-secret", _env_file=None)
    seeded = seed(db, settings)
    item_id, unit = seeded.items[ITEM], unit_actor(seeded.units["a"])
    steps = [(unit, "report_progress", {"text": "已完成园区规划，正在招引首批企业", "percent": 40}),
             (Actor("shizhang", Role.LEADER), "instruct", {"text": "请商务局加快招引进度，月底前报进展"}),
             (unit, "answer_instruction", {"text": "已召开专题会部署，本周内对接三家企业"})]
    with db.session() as s:
        for n, (who, action, payload) in enumerate(steps):
            version = store_items.load_item(s, item_id=item_id, actor=who).version
            store_items.act(s, item_id=item_id, actor=who, action=action, expected_version=version,
                            settings=settings, now=seeded.now - timedelta(hours=3 - n), **payload)
        store_users.create_user(s, username="duchashi", password=PASSWORD, role="supervisor", display_name="张敏")
        store_users.create_user(s, username="shizhang", password=PASSWORD, role="leader", display_name="王县长")
        store_users.create_user(s, username="shangwu", password=PASSWORD, role="unit", unit=seeded.units["a"],
                                display_name="李联络")
    server = Server(create_app(settings, database=db)).start()
    server.item_id = item_id
    yield server
    server.stop()
    db.dispose()


def on_phone(browser, site, username):
    page = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1).new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{site.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page, problems


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def rows_are_cards(page, table: str) -> bool:
    """The table's head is hidden and each row is a block as wide as the table (not a table row)."""
    return page.evaluate("""(sel) => {
        const table = document.querySelector(sel);
        const rows = [...table.querySelectorAll('tbody tr')];
        return getComputedStyle(table.querySelector('thead')).display === 'none' && rows.length > 0
            && rows.every(r => getComputedStyle(r).display === 'block'
                               && Math.abs(r.getBoundingClientRect().width - table.getBoundingClientRect().width) < 2);
    }""", table)


def snap(page, name: str) -> None:
    """A screenshot of what the phone's screen shows, for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"))


def test_the_ledger_on_a_phone_is_cards_under_folded_filters(chromium, site):
    page, problems = on_phone(chromium, site, "duchashi")
    page.goto(f"{site.url}/ledger")
    assert no_sideways_scroll(page)
    assert rows_are_cards(page, "#ledger-table table")
    assert page.evaluate("document.querySelector('#ledger-filters').open") is False
    assert not page.locator("#state").is_visible()
    snap(page, "ledger")
    page.click("#ledger-filters > summary")  # a tap opens the filters
    assert page.locator("#state").is_visible() and no_sideways_scroll(page)
    xlsx = page.locator(".exports a.export-xlsx")
    assert "include_drafts" not in xlsx.get_attribute("href")  # the XLSX leaves drafts out …
    page.check("#export-drafts")
    assert xlsx.get_attribute("href").endswith("include_drafts=1")  # … unless 包含待确认草稿 is ticked
    page.uncheck("#export-drafts")
    assert "include_drafts" not in xlsx.get_attribute("href")
    assert problems == []


def test_the_workspace_on_a_phone_is_cards(chromium, site):
    page, problems = on_phone(chromium, site, "shangwu")
    assert page.url.endswith("/workspace")
    assert no_sideways_scroll(page)
    assert rows_are_cards(page, "main section.card table.cards")
    assert page.locator("#leader-instructions").is_visible()
    snap(page, "workspace")
    assert problems == []


def test_an_item_on_a_phone_shows_the_instruction_then_the_actions_before_the_history(chromium, site):
    page, problems = on_phone(chromium, site, "shangwu")
    page.goto(f"{site.url}/items/{site.item_id}")
    assert no_sideways_scroll(page)
    top = {name: page.locator(sel).bounding_box()["y"] for name, sel in (
        ("instructions", "#instructions"), ("facts", "dl.facts"), ("actions", "aside.actions"),
        ("history", "#history"))}
    assert top["instructions"] < top["facts"] < top["actions"] < top["history"], top
    widths = page.evaluate("[...document.querySelectorAll('.itemgrid section.card')].map(s => s.offsetWidth)")
    assert len(set(widths)) == 1, widths  # every card of the column as wide as the screen allows
    assert page.locator("aside.actions details").count() >= 1  # the unit's forms (progress, completion …)
    snap(page, "item")
    wide = page.context.new_page()
    wide.set_viewport_size({"width": 1360, "height": 900})
    wide.goto(f"{site.url}/items/{site.item_id}")  # on a wide screen the actions stay beside the history
    assert wide.locator("aside.actions").bounding_box()["x"] > wide.locator("#history").bounding_box()["x"]
    assert problems == []
