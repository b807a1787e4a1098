"""The dashboard (驾驶舱): its figures on a small known ledger (SQLite and PostgreSQL), the same colours and
units as the ledger's filters, a unit user's figures limited to their unit, drill-down links, and who may
open the page and its JSON twin."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from urllib.parse import parse_qsl

from dashboardseed import EXPECTED, EXPECTED_UNIT_A, OFFICE, seed, unit_actor
from luoshi.store import items as store_items
from luoshi.store.dashboard import dashboard
from luoshi.store.targets import list_targets
from webfixtures import web  # noqa: F401


def figures(data: dict) -> dict:
    """The counts of /api/dashboard, without links and labels, shaped as EXPECTED."""
    return {
        "headline": {k: v for k, v in data["headline"].items() if k != "links"},
        "by_state": {e["key"]: e["count"] for e in data["by_state"]},
        "by_warning": {e["key"]: e["count"] for e in data["by_warning"]},
        "units": [(u["name"], u["overdue"], u["due_soon"]) for u in data["units"]],
        "targets": {e["key"]: e["count"] for e in data["targets"]["by_status"]},
        "suggestions": {e["key"]: e["count"] for e in data["suggestions"]["by_state"]},
        "satisfaction": {e["key"]: e["count"] for e in data["suggestions"]["by_satisfaction"]},
    }


def months(days) -> dict[str, int]:
    return dict(Counter(d.strftime("%Y-%m") for d in days))


def test_the_figures_of_a_known_ledger(web):
    seeded = seed(web.db, web.settings)
    data = web.api("leader").get("/api/dashboard").json()
    assert figures(data) == EXPECTED
    assert (data["today"], data["near_days"], data["unit"], data["targets"]["year"], data["targets"]["total"],
            data["suggestions"]["total"]) == (seeded.today.isoformat(), 7, None, seeded.today.year, 4, 4)
    trend = data["trend"]
    assert [m["month"] for m in trend][-1] == seeded.today.strftime("%Y-%m") and len(trend) == 12
    assert {m["month"]: m["created"] for m in trend if m["created"]} == months(seeded.created)
    assert {m["month"]: m["completed"] for m in trend if m["completed"]} == months(seeded.completed)


def test_a_unit_user_sees_their_unit_only(web):
    seeded = seed(web.db, web.settings)
    with web.db.session() as s:
        mine = dashboard(s, actor=unit_actor(seeded.units["a"]), settings=web.settings)
    assert (mine.unit, [u.name for u in mine.units], mine.headline.total) == (seeded.units["a"], ["市商务局"], 4)
    data = web.api("unit_a").get("/api/dashboard").json()  # the fixture's unit a is 市商务局 too
    assert (figures(data), data["unit_name"]) == (EXPECTED_UNIT_A, "市商务局")


def test_every_figure_is_what_its_link_lists(web):
    """A drill-down opens a ledger listing exactly the items counted: states, colours, units, due soon."""
    seed(web.db, web.settings)
    data = web.api("office").get("/api/dashboard").json()
    links = [(e["count"], e["link"]) for e in data["by_state"] + data["by_warning"]]
    links += [(u[k], u["links"][k]) for u in data["units"] for k in ("overdue", "due_soon")]
    links += [(data["headline"][k], data["headline"]["links"][k]) for k in ("done", "overdue", "due_soon")]
    with web.db.session() as s:
        listed = [(count, store_items.list_items(s, actor=web.actor("office"), settings=web.settings, per_page=200,
                                                 **ledger_filters(link)).total) for count, link in links]
    assert listed == [(count, count) for count, _ in links]
    today = date.fromisoformat(data["today"])
    assert data["headline"]["links"]["due_soon"] == (
        f"/ledger?warning=yellow&due_from={today}&due_to={today + timedelta(days=7)}")
    browser = web.browser("office")
    assert {browser.get(link).status_code for _, link in links} == {200}


def ledger_filters(link: str) -> dict:
    """The keyword arguments of `list_items` for a /ledger link."""
    path, query = link.split("?")
    assert path == "/ledger"
    return {k: date.fromisoformat(v) if k.startswith("due_") else v for k, v in parse_qsl(query)}


def test_targets_are_counted_as_the_targets_list_judges_them(web):
    seeded = seed(web.db, web.settings)
    with web.db.session() as s:
        judged = Counter(v.status.status.value for v in list_targets(s, actor=OFFICE, year=seeded.today.year,
                                                                     settings=web.settings).rows)
        figures_ = dashboard(s, actor=OFFICE, settings=web.settings).targets
    assert {k: v for k, v in figures_.by_status.items() if v} == dict(judged)


def test_links_open_the_lists_they_count(web):
    data = web.api("leader").get("/api/dashboard").json()
    assert ([e["link"] for e in data["by_warning"]], data["targets"]["by_status"][0]["link"],
            data["suggestions"]["by_satisfaction"][2]["link"]) == (
        ["/ledger?warning=red", "/ledger?warning=yellow", "/ledger?warning=green"], "/targets?status=on_track",
        "/suggestions?satisfaction=dissatisfied")


def test_an_empty_ledger(web):
    data = web.api("office").get("/api/dashboard").json()
    assert (figures(data)["headline"], data["units"], data["targets"]["year"], data["suggestions"]["total"]) == (
        {"total": 0, "done": 0, "completion_rate": 0.0, "on_time": 0, "on_time_rate": 0.0, "open": 0, "overdue": 0,
         "due_soon": 0, "drafts": 0}, [], None, 0)


def test_the_page_shows_the_headline_and_carries_the_figures(web):
    seed(web.db, web.settings)
    page = web.browser("leader").get("/dashboard")
    assert page.status_code == 200
    text = page.text
    assert ['<a href="/dashboard" class="on">驾驶舱</a>' in text, 'id="dashboard-data"' in text,
            '/static/vendor/echarts.min.js' in text, "<script>" not in text] == [True, True, True, True]
    assert [_tile(text, k) for k in ("total", "done", "rate", "overdue", "due-soon")] == ["8", "2", "25.0%", "2", "2"]


def _tile(html: str, key: str) -> str:
    import re

    return re.search(rf'id="kpi-{key}".*?<b>([^<]+)</b>', html, re.S).group(1)


def test_who_may_open_it(web):
    anonymous = web.browser()
    page = anonymous.get("/dashboard", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/login?next=/dashboard")
    assert web.api().get("/api/dashboard").status_code == 401
    roles = ("admin", "office", "leader", "unit_a", "congress")
    assert [web.api(u).get("/api/dashboard").status_code for u in roles] == [200] * 5


def test_a_leader_lands_on_the_dashboard(web):
    landing = [web.browser(u).get("/", follow_redirects=False).headers["location"]
               for u in ("leader", "office", "unit_a")]
    assert landing == ["/dashboard", "/ledger", "/workspace"]


def test_the_page_carries_only_the_units_its_chart_shows(web, monkeypatch):
    """The page's data block holds the first units of the ranking (the chart's), the API every unit: a
    province's thousand units are not sent to draw ten bars."""
    import json
    import re

    seed(web.db, web.settings)
    monkeypatch.setattr("luoshi.web.routes.pages.dashboard.PAGE_UNITS", 1)
    api_units = web.api("leader").get("/api/dashboard").json()["units"]
    block = re.search(r'id="dashboard-data">(.*?)</script>', web.browser("leader").get("/dashboard").text, re.S)
    page_units = json.loads(block.group(1))["units"]
    assert (len(api_units), page_units) == (2, api_units[:1])
