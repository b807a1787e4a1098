"""The pages and API of deputies' suggestions: who sees which (a unit: those it handles, another unit's is 404),
the loop of assignment (reply deadline three months by default), reply, 不满意, re-handling and 满意 through
the API and through the page's CSRF-protected forms, stale versions, and the statistics."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from luoshi.ingest import ingest_paths
from luoshi.ledger.due import by_rule
from luoshi.store.items import today_in
from webfixtures import csrf_of, web  # noqa: F401

REVIEW = Path(__file__).resolve().parents[1] / "luoshi" / "samples" / "qingxi_congress_review_2024.txt"


@pytest.fixture
def review_points(web):
    """The sample review summary ingested: ten review points (审议意见) waiting to be assigned; their ids."""
    with web.db.session() as s:
        ingest_paths(s, [REVIEW], settings=web.settings)
    return [row["id"] for row in web.api("office").get("/api/suggestions").json()["suggestions"]]


@pytest.fixture
def registered(web, review_points):
    """Ten deputies' suggestions (代表建议) waiting to be assigned: the sample review's points handled as such."""
    from sqlalchemy import update

    from luoshi.store.tracking import SuggestionRow

    with web.db.session() as s:
        s.execute(update(SuggestionRow).values(procedure="suggestion"))
        s.commit()
    return review_points


def step(web, who, sid, action, **body):
    return web.api(who).post(f"/api/suggestions/{sid}/{action}", json=body)


def test_who_sees_which(web, registered):
    sid = registered[4]
    assert [web.api(who).get("/api/suggestions").json()["total"] for who in ("office", "leader", "congress",
                                                                             "unit_a")] == [10, 10, 10, 0]
    assert web.api("unit_a").get(f"/api/suggestions/{sid}").status_code == 404  # not yet assigned
    step(web, "office", sid, "assign", version=1, lead_unit="市商务局")
    assert [s["id"] for s in web.api("unit_a").get("/api/suggestions").json()["suggestions"]] == [sid]
    assert web.api("unit_b").get(f"/api/suggestions/{sid}").json() == {"detail": "没有这件代表建议，或您无权查看：请从代表建议列表中重新打开"}
    assert web.browser("unit_b").get(f"/suggestions/{sid}").status_code == 404
    assert step(web, "unit_b", sid, "reply", version=2, text="答复").status_code == 404
    assert step(web, "leader", registered[0], "assign", version=1, lead_unit="市商务局").status_code == 403
    assert web.api().get("/api/suggestions").status_code == 401


def test_the_loop_through_the_api(web, registered):
    sid = registered[4]
    assigned = step(web, "office", sid, "assign", version=1, lead_unit="市商务局", co_units=["市财政局"])
    today = today_in(web.settings)
    assert (assigned.status_code, assigned.json()["due"], assigned.json()["state_label"],
            assigned.json()["lead_unit"], assigned.json()["co_units"]) == (
        200, by_rule("3m", today).isoformat(), "办理中", {"id": web.units["a"], "name": "市商务局"},
        [{"id": web.units["b"], "name": "市财政局"}])
    assert [a["action"] for a in web.api("unit_a").get(f"/api/suggestions/{sid}").json()["actions"]] == ["reply"]
    assert step(web, "unit_b", sid, "co_opinion", version=2, text="已安排资金").status_code == 200
    assert step(web, "unit_a", sid, "reply", version=3, text="增设停车位", outcome="planned").status_code == 200
    unhappy = step(web, "congress", sid, "evaluate", version=4, satisfaction="不满意", comment="充电难未解决")
    assert (unhappy.json()["state"], unhappy.json()["due"], unhappy.json()["satisfaction_label"]) == (
        "rehandling", by_rule("1m", today).isoformat(), "不满意")
    assert step(web, "unit_a", sid, "reply", version=4, text="新增充电桩").status_code == 409  # stale version
    step(web, "unit_a", sid, "reply", version=5, text="新增充电桩120个", outcome="solved")
    closed = step(web, "congress", sid, "evaluate", version=6, satisfaction="satisfied").json()
    assert (closed["state_label"], closed["satisfaction_label"], closed["rehandled"], closed["version"],
            [(r["no"], r["reply"], r["outcome_label"], r["satisfaction_label"]) for r in closed["rounds"]]) == (
        "已办结", "满意", True, 7, [(1, "增设停车位", "列入计划逐步解决", "不满意"),
                                 (2, "新增充电桩120个", "已解决或基本解决", "满意")])
    history = web.api("unit_a").get(f"/api/suggestions/{sid}/history").json()
    assert [(h["label"], h["actor_name"], h["from_label"], h["to_label"], h["details"]) for h in history] == [
        ("登记", "luoshi-ingest", None, "待交办", []),
        ("交办", "office-名", "待交办", "办理中", [["主办单位", "市商务局"], ["协办单位", "市财政局"],
                                              ["答复期限", by_rule("3m", today).isoformat()]]),
        ("协办意见", "unit_b-名", "办理中", "办理中", [["内容", "已安排资金"]]),
        ("答复", "unit_a-名", "办理中", "已答复", [["内容", "增设停车位"], ["答复类别", "列入计划逐步解决"]]),
        ("满意度测评", "congress-名", "已答复", "重新办理", [["满意度", "不满意"], ["意见", "充电难未解决"],
                                                    ["重新办理期限", by_rule("1m", today).isoformat()]]),
        ("答复", "unit_a-名", "重新办理", "已答复", [["内容", "新增充电桩120个"], ["答复类别", "已解决或基本解决"]]),
        ("满意度测评", "congress-名", "已答复", "已办结", [["满意度", "满意"]])]
    bad = step(web, "office", registered[0], "assign", version=1, lead_unit="市商务局", due="2030-01-01", reason="x")
    assert (bad.status_code, bad.json()["detail"]) == (
        422, "交办不接受理由：可填写主办单位、配合单位、完成时限、备注")


def test_the_loop_through_the_pages_forms(web, registered):
    sid = registered[4]
    office, unit, congress = web.browser("office"), web.browser("unit_a"), web.browser("congress")

    def post(client, action, **data):
        token = csrf_of(client.get(f"/suggestions/{sid}").text)
        return client.post(f"/suggestions/{sid}/{action}", data={"csrf_token": token, **data}, follow_redirects=False)

    page = office.get(f"/suggestions/{sid}").text
    default = by_rule("3m", today_in(web.settings)).isoformat()
    assert f'id="assign-due" name="due" value="{default}"' in page and "赵文斌、李秀兰" in page
    assert office.post(f"/suggestions/{sid}/assign", data={"lead_unit": str(web.units["a"]),
                                                           "version": "1"}).status_code == 403  # no CSRF token
    assigned = post(office, "assign", lead_unit=str(web.units["a"]), due="2030-06-30", version="1")
    assert (assigned.status_code, assigned.headers["location"]) == (303, f"/suggestions/{sid}")
    post(unit, "reply", text="增设停车位", outcome="planned", version="2")
    post(congress, "evaluate", satisfaction="dissatisfied", comment="未落实", version="3")
    stale = post(unit, "reply", text="旧版本", version="3")
    assert stale.status_code == 409 and "操作冲突" in stale.text
    post(unit, "reply", text="新增充电桩120个", version="4")
    post(congress, "evaluate", satisfaction="satisfied", version="5")
    page = congress.get(f"/suggestions/{sid}").text
    assert '<span class="sstate closed">已办结</span>' in page and "第 2 轮（重新办理）" in page
    assert web.api("office").get(f"/api/suggestions/{sid}").json()["rounds"][0]["due"] == "2030-06-30"


def test_the_list_filters_and_the_statistics(web, registered):
    step(web, "office", registered[0], "assign", version=1, lead_unit="市商务局", due="2020-01-31")  # overdue
    step(web, "office", registered[4], "assign", version=1, lead_unit="市财政局")
    client = web.api("office")
    ids = lambda **q: [s["id"] for s in client.get("/api/suggestions", params=q).json()["suggestions"]]  # noqa: E731
    assert [ids(state="assigned"), ids(warning="red"), ids(unit="市财政局"), ids(category="提升城乡建设品质")] == [
        [registered[0], registered[4]], [registered[0]], [registered[4]],
        [registered[4], registered[3], registered[5]]]  # by reply deadline, none last
    stats = client.get("/api/suggestions/statistics").json()
    assert [(c["category"], c["total"], c["registered"], c["handling"], c["overdue"])
            for c in stats["by_category"]] == [
        ("推动产业转型升级", 3, 2, 1, 1), ("提升城乡建设品质", 3, 2, 1, 0), ("增进民生福祉", 4, 4, 0, 0)]
    assert [(u["unit"], u["total"], u["overdue"]) for u in stats["by_unit"]] == [("市商务局", 1, 1), ("市财政局", 1, 0)]
    assert stats["by_satisfaction"] == [
        {"satisfaction": "satisfied", "label": "满意", "count": 0},
        {"satisfaction": "basically_satisfied", "label": "基本满意", "count": 0},
        {"satisfaction": "dissatisfied", "label": "不满意", "count": 0},
        {"satisfaction": "pending", "label": "未测评", "count": 10}]
    page = web.browser("leader").get("/suggestions", params={"warning": "red"}).text
    assert page.count('<a href="/suggestions/') == 1 and "按主办单位统计" in page
    assert client.get("/api/suggestions", params={"state": "lost"}).status_code == 422
    assert date.fromisoformat(client.get(f"/api/suggestions/{registered[0]}").json()["due"]) == date(2020, 1, 31)


def test_the_office_or_the_congress_registers_a_suggestion_by_hand(web):
    client = web.browser("congress")
    token = csrf_of(client.get("/suggestions").text)
    done = client.post("/suggestions", data={"title": "加强校园周边交通安全", "deputies": "王芳、 李明", "category": "民生",
                                             "no": "3", "text": "增设上下学时段交通疏导", "csrf_token": token},
                       follow_redirects=False)
    sid = int(done.headers["location"].rsplit("/", 1)[1])
    got = web.api("office").get(f"/api/suggestions/{sid}").json()
    assert (got["title"], got["deputies"], got["category"], got["no"], got["text"], got["state_label"]) == (
        "加强校园周边交通安全", ["王芳", "李明"], "民生", 3, "增设上下学时段交通疏导", "待交办")
    assert 'id="register"' not in web.browser("unit_a").get("/suggestions").text
    unit = web.browser("unit_a")
    refused = unit.post("/suggestions", data={"title": "x", "csrf_token": csrf_of(unit.get("/suggestions").text)})
    assert refused.status_code == 403
    made = web.api("office").post("/api/suggestions", json={"title": "完善农村物流网络", "deputies": ["赵强"]})
    assert (made.status_code, made.json()["deputies"], made.json()["actions"][0]["action"]) == (201, ["赵强"], "assign")


def test_the_congress_user_lands_on_the_suggestions(web):
    client = web.browser("congress")
    assert client.get("/", follow_redirects=False).headers["location"] == "/suggestions"
    assert web.browser("office").get("/", follow_redirects=False).headers["location"] == "/ledger"


def test_a_review_point_gets_its_handling_report_and_no_evaluation(web, review_points):
    sid = review_points[4]
    assert web.api("congress").get("/api/suggestions", params={"procedure": "review"}).json()["total"] == 10
    assert web.api("congress").get("/api/suggestions", params={"procedure": "suggestion"}).json()["total"] == 0
    assigned = step(web, "office", sid, "assign", version=1, lead_unit="市商务局").json()
    assert (assigned["procedure_label"], assigned["due_label"], assigned["due"]) == (
        "审议意见", "报告期限", by_rule("2m", today_in(web.settings)).isoformat())
    unit = web.browser("unit_a")
    page = unit.get(f"/suggestions/{sid}").text
    assert "报送研究处理情况报告" in page and "答复类别" not in page and 'id="satisfaction"' not in page
    done = unit.post(f"/suggestions/{sid}/reply", data={"text": "已形成研究处理情况报告并报县人大常委会",
                                                        "version": "2", "csrf_token": csrf_of(page)},
                     follow_redirects=False)
    assert done.status_code == 303
    got = web.api("congress").get(f"/api/suggestions/{sid}").json()
    assert (got["state_label"], got["actions"]) == ("已办结", [])
    history = web.api("congress").get(f"/api/suggestions/{sid}/history").json()
    assert [h["label"] for h in history] == ["登记", "交办", "研究处理情况报告"]


def test_a_review_point_is_registered_by_hand_too(web):
    made = web.api("congress").post("/api/suggestions", json={"title": "加快城区排水管网改造", "procedure": "review"})
    assert (made.status_code, made.json()["procedure"], made.json()["due_label"]) == (201, "review", "报告期限")
    assert web.api("congress").post("/api/suggestions", json={"title": "x", "procedure": "motion"}).status_code == 422
