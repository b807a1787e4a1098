"""The promise-versus-delivery page and API: after the county's 2024 and 2025 work reports are ingested,
each 2024 promise beside the result the 2025 report states with both sentences, score, reasons and verdict;
the office confirms or rejects a proposal (CSRF-protected forms, stale versions refused); who may see it."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.ingest import ingest_paths
from webfixtures import csrf_of, web  # noqa: F401

SAMPLES = Path(__file__).resolve().parents[1] / "luoshi" / "samples"
COUNTY = [SAMPLES / "qingxi_2024_work_report.txt", SAMPLES / "qingxi_2025_work_report.txt"]
STATIONS = "新建新能源充电站40座"


@pytest.fixture
def reports(web):
    with web.db.session() as s:
        ingest_paths(s, COUNTY, settings=web.settings)


def link_of(data, promise):
    return next(link for link in data["links"] if link["promise"]["text"] == promise)


def test_the_2024_promises_beside_the_2025_results(web, reports):
    data = web.api("leader").get("/api/delivery", params={"year": 2024}).json()
    assert (data["year"], data["summary"]["links"] >= 38, data["summary"]["proposed"], data["linked_share"] >= 0.9) == (
        2024, True, data["summary"]["links"], True)
    link = link_of(data, STATIONS)
    assert {k: v for k, v in link.items() if k not in ("id", "target_id", "decided_at", "decided_at_local")} == {
        "year": 2024, "kind": "commitment", "kind_label": "量化任务", "indicator": "新能源充电站", "goal": "新建40座",
        "promise": {"document": {"id": 1, "name": "qingxi_2024_work_report.txt", "title": "2024年青溪县政府工作报告", "version": 1},
                    "span": link["promise"]["span"], "path": "commitments[13]", "text": STATIONS,
                    "sentence": {"before": "", "marked": STATIONS, "after": ""}},
        "result": {"document": {"id": 2, "name": "qingxi_2025_work_report.txt", "title": "2025年青溪县政府工作报告", "version": 1},
                   "span": link["result"]["span"], "path": link["result"]["path"],
                   "text": "新改建新能源车辆充电场（站）44座",
                   "sentence": {"before": "", "marked": "新改建新能源车辆充电场（站）44座", "after": ""}},
        "result_value": "44", "result_unit": "座", "score": 85, "reasons": link["reasons"], "verdict": "achieved",
        "verdict_label": "已兑现", "rule": "承诺新建40座，实际44座，已兑现", "state": "proposed", "state_label": "待确认",
        "decided_by": None, "note": None, "version": 1}
    assert len(link["reasons"]) == 3 and link["reasons"][1] == "单位一致（座）"
    gdp = link_of(data, "地区生产总值增长6%左右")["result"]["sentence"]  # the clause the result stands in
    assert gdp == {"before": "全县实现地区生产总值438.5亿元、", "marked": "同比增长5.6%", "after": ""}
    assert [u["text"] for u in data["unlinked"]] == ["单位地区生产总值能耗下降完成市下达任务", "新增限额以上商贸企业40家",
                                                   "建成5G基站300个"]
    assert web.api("office").get("/api/delivery").json()["year"] == 2024  # the latest year with links


def test_the_office_confirms_and_rejects_through_the_api(web, reports):
    data = web.api("office").get("/api/delivery", params={"year": 2024}).json()
    stations, beds = link_of(data, STATIONS), link_of(data, "新增养老床位300张")
    assert web.api("leader").post(f"/api/delivery/{stations['id']}/confirm", json={"version": 1}).status_code == 403
    confirmed = web.api("office").post(f"/api/delivery/{stations['id']}/confirm", json={"version": 1})
    rejected = web.api("office").post(f"/api/delivery/{beds['id']}/reject", json={"version": 1, "note": "口径不同"})
    assert [(r.status_code, r.json()["state"], r.json()["decided_by"], r.json()["note"], r.json()["version"])
            for r in (confirmed, rejected)] == [(200, "confirmed", "office", None, 2),
                                                (200, "rejected", "office", "口径不同", 2)]
    again = web.api("office").post(f"/api/delivery/{beds['id']}/confirm", json={"version": 1})
    assert again.status_code == 409
    after = web.api("office").get("/api/delivery", params={"year": 2024, "state": "confirmed"}).json()
    assert [link["promise"]["text"] for link in after["links"]] == [STATIONS]
    target = web.api("office").get(f"/api/targets/{stations['target_id']}").json()["status"]
    assert (target["label"], target["rule"]) == (
        "已完成", "承诺新建40座，实际44座，已兑现（据下一年政府工作报告：新改建新能源车辆充电场（站）44座）")


def test_who_sees_the_page_and_the_forms_need_csrf(web, reports):
    assert [web.api(who).get("/api/delivery").status_code for who in web.users] == [200, 200, 200, 403, 403, 200]
    assert web.browser("unit_a").get("/delivery").status_code == 403
    leader = web.browser("leader").get("/delivery?year=2024").text
    assert f'<mark class="active">{STATIONS}</mark>' in leader
    assert '<mark class="result">新改建新能源车辆充电场（站）44座</mark>' in leader and "/confirm" not in leader
    office = web.browser("office")
    page = office.get("/delivery?year=2024").text
    link = link_of(web.api("office").get("/api/delivery?year=2024").json(), STATIONS)
    assert office.post(f"/delivery/{link['id']}/confirm", data={"version": "1"}).status_code == 403
    done = office.post(f"/delivery/{link['id']}/confirm", data={"version": "1", "year": "2024",
                                                                 "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, f"/delivery?year=2024#link-{link['id']}")
    shown = office.get("/delivery?year=2024").text
    assert "已确认：新能源充电站" in shown and f'<article class="pair confirmed" id="link-{link["id"]}">' in shown
    stale = office.post(f"/delivery/{link['id']}/reject", data={"version": "1", "csrf_token": csrf_of(shown)})
    assert "操作冲突" in stale.text


def test_the_menu_shows_each_role_its_tracking_pages(web):
    def menu(who):
        html = web.browser(who).get("/orgs").text  # a page that links to none of them itself
        return [label for href, label in (("/targets", "指标"), ("/delivery", "承诺兑现"), ("/suggestions", "代表建议"))
                if f'<a href="{href}"' in html]

    assert {who: menu(who) for who in ("office", "leader", "congress", "unit_a")} == {
        "office": ["指标", "承诺兑现", "代表建议"], "leader": ["指标", "承诺兑现", "代表建议"],
        "congress": ["指标", "承诺兑现", "代表建议"], "unit_a": ["指标", "代表建议"]}
    paths = web.api("office").get("/openapi.json").json()["paths"]
    assert {"/api/targets", "/api/targets/{target_id}/actuals", "/api/targets/import", "/api/targets/template",
            "/api/delivery", "/api/delivery/{link_id}/confirm",
            "/api/suggestions/{suggestion_id}/{action}"} <= set(paths)
