"""The dashboard in a real browser (headless Chromium): it renders the known ledger's figures and six
charts, fits one 1920×1080 screen without scrolling, a click on a bar opens the filtered ledger with the
items counted, and it is readable on a phone. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from browserfixtures import Server, chromium, screenshot  # noqa: F401
from dashboardseed import seed
from luoshi.settings import Settings
from luoshi.store import users as store_users
from luoshi.store.db import Database
from luoshi.web.app import create_app

PASSWORD = "browser-pass-1"
CHARTS = ["chart-state", "chart-warning", "chart-units", "chart-trend", "chart-targets", "chart-suggestions"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server on a fresh SQLite database holding the known ledger, with a leader and 市商务局's liaison."""
    path = tmp_path_factory.mktemp("browser-dashboard") / "luoshi.sqlite3"
    db = Database(f"sqlite:///{path}")
    settings = Settings(environment="test", secret_key="browser-secret", _env_file=None)
    seeded = seed(db, settings)
    with db.session() as s:
        store_users.create_user(s, username="shizhang", password=PASSWORD, role="leader", display_name="王市长")
        store_users.create_user(s, username="shangwu", password=PASSWORD, role="unit", unit=seeded.units["a"],
                                display_name="李联络")
    server = Server(create_app(settings, database=db)).start()
    server.seeded = seeded
    yield server
    server.stop()
    db.dispose()


def open_dashboard(browser, site, username, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{site.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    if not page.url.endswith("/dashboard"):
        page.goto(f"{site.url}/dashboard")
    page.wait_for_selector("html[data-dashboard=ready]")
    page.wait_for_timeout(600)  # the charts' entry animation
    return page, problems


def click_bar(page, chart: str, series: int, index: int, value: float) -> None:
    """A real mouse click on the canvas, at the middle of bar `index` of `series` (ECharts maps the value)."""
    box = page.locator(f"#{chart}").bounding_box()
    horizontal = chart in ("chart-units", "chart-targets")
    point = [value / 2, index] if horizontal else [index, value / 2]
    x, y = page.evaluate(f"luoshiDashboard.charts['{chart[6:]}'].convertToPixel({{seriesIndex: {series}}}, {point})")
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)


def shown_titles(page) -> list[str]:
    return sorted(page.locator("#ledger-table td.title a").all_inner_texts())


def test_a_leader_opens_the_dashboard_on_one_screen_and_drills_down(chromium, site):
    page, problems = open_dashboard(chromium, site, "shizhang", 1920, 1080)
    assert urlsplit(page.url).path == "/dashboard"  # where a leader lands after signing in
    tiles = {k: page.inner_text(f"#kpi-{k} b") for k in ("total", "done", "rate", "overdue", "due-soon")}
    assert tiles == {"total": "8", "done": "2", "rate": "25.0%", "overdue": "2", "due-soon": "2"}
    assert [page.locator(f"#{c} canvas").count() >= 1 for c in CHARTS] == [True] * 6
    assert page.evaluate("[document.documentElement.scrollHeight <= innerHeight, "
                         "document.documentElement.scrollWidth <= innerWidth]") == [True, True]
    assert problems == []  # no script error, nothing refused by the CSP
    screenshot(page, "dashboard-1920x1080")

    click_bar(page, "chart-warning", 0, 0, 2)  # 红灯
    assert (urlsplit(page.url).path, dict(parse_qsl(urlsplit(page.url).query))) == ("/ledger", {"warning": "red"})
    assert shown_titles(page) == ["建设跨境电商产业园", "推进外贸稳增长"]
    screenshot(page, "dashboard-drilldown-red")

    page.go_back()
    page.wait_for_selector("html[data-dashboard=ready]")
    page.wait_for_timeout(600)
    units = page.evaluate("luoshiDashboard.data.units.map(u => u.name)")
    row = len(units) - 1 - units.index("市财政局")  # the chart lists the most overdue at the top
    click_bar(page, "chart-units", 1, row, 2)  # 市财政局's items due soon
    today = site.seeded.today
    assert dict(parse_qsl(urlsplit(page.url).query)) == {
        "unit": str(site.seeded.units["b"]), "warning": "yellow", "due_from": today.isoformat(),
        "due_to": (today + timedelta(days=7)).isoformat()}
    assert shown_titles(page) == ["推进政府采购改革", "落实结构性减税降费"]
    page.context.close()


def test_a_unit_sees_its_own_figures_on_a_phone(chromium, site):
    page, problems = open_dashboard(chromium, site, "shangwu", 390, 844)
    assert page.inner_text(".dash-head .sub").startswith("市商务局")
    assert {k: page.inner_text(f"#kpi-{k} b") for k in ("total", "overdue", "due-soon")} == {
        "total": "4", "overdue": "2", "due-soon": "1"}
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # nothing wider than the phone
    sizes = page.evaluate("[...document.querySelectorAll('.chart canvas')].map(c => c.getBoundingClientRect().width)")
    assert len(sizes) >= 6 and min(sizes) > 300  # every chart takes the phone's width
    assert problems == []
    screenshot(page, "dashboard-phone-390x844")
    page.context.close()
