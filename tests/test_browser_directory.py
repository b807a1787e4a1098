"""The organisation directory in a real browser (headless Chromium): the office finds a unit an ingest
proposed under another name, merges it into the confirmed one, and its item and liaison move with it."""

from __future__ import annotations

import pytest

from browserfixtures import Server, chromium, screenshot, sign_in  # noqa: F401
from luoshi.ledger import Actor, Role
from luoshi.settings import Settings
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.store.items import create_item
from luoshi.store.orgs import create_organisation, resolve_unit
from luoshi.web.app import create_app

PASSWORD = "browser-pass-1"
OFFICE = Actor("zhangmin", Role.SUPERVISOR)
SETTINGS = Settings(environment="test", secret_key="browser-secret", _env_file=None)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """县住房和城乡建设局 (confirmed) and 县建设局 (proposed by an ingest) with an item and a liaison."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('browser-directory') / 'luoshi.sqlite3'}")
    with db.session() as s:
        kept = create_organisation(s, name="县住房和城乡建设局").id
        proposed = resolve_unit(s, "县建设局").id
        s.commit()
        store_users.create_user(s, username="zhangmin", password=PASSWORD, role="supervisor", display_name="张敏")
        store_users.create_user(s, username="liqiang", password=PASSWORD, role="unit", unit=proposed)
        item = create_item(s, actor=OFFICE, kind="task", title="燃气管网改造", lead_units=[str(proposed)],
                           settings=SETTINGS).id
    server = Server(create_app(SETTINGS, database=db)).start()
    server.ids = {"kept": kept, "proposed": proposed, "item": item}
    yield server
    server.stop()
    db.dispose()


def test_the_office_merges_a_proposed_unit_into_the_confirmed_one(chromium, site):
    office = sign_in(chromium, site.url, "zhangmin", PASSWORD)
    office.goto(f"{site.url}/orgs?status=proposed")
    office.click("#orgs-table a:text('县建设局')")
    office.wait_for_load_state()
    assert office.locator("#org-status-label").inner_text() == "待确认"
    office.select_option("#org-into", label="县住房和城乡建设局")
    screenshot(office, "50-directory-merge")
    with office.expect_navigation():
        office.click("#org-merge button[type=submit]")
    assert office.url.endswith(f"/orgs/{site.ids['kept']}")
    assert "已合并：1 项督办事项、1 个用户和 0 名人员已转入" in office.locator(".flash").first.inner_text()
    assert office.locator("#org-aliases").inner_text() == "别名：县建设局"
    office.goto(f"{site.url}/orgs")
    assert office.locator("#orgs-table td.title").all_inner_texts() == ["县住房和城乡建设局"]
    office.goto(f"{site.url}/items/{site.ids['item']}")
    assert "县住房和城乡建设局" in office.locator("main").inner_text()
    liaison = sign_in(chromium, site.url, "liqiang", PASSWORD)  # the liaison moved with the unit
    liaison.goto(f"{site.url}/account")
    assert liaison.locator("a[href=\"/account\"]").first.inner_text() == "liqiang · 承办单位联络员 · 县住房和城乡建设局"
