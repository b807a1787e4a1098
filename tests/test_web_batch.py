"""Batch work on the web: the ledger's checkboxes and "all that match" (the office only), the result page
listing refusals item by item, and the API twin."""

from __future__ import annotations

import re

from webfixtures import csrf_of, web, web_sqlite  # noqa: F401


def test_the_api_assigns_every_item_matching_a_filter(web):
    drafts = [web.item("confirmed", title=f"事项{i}") for i in range(3)]
    other = web.item("draft")
    response = web.api("office").post("/api/items/batch", json={"action": "assign", "filter": {"state": "confirmed"},
                                                                 "due": "2030-06-30"})
    assert response.status_code == 200, response.text
    assert response.json() == {"action": "assign", "summary": "已交办 3 项", "done": drafts, "failed": []}
    states = {i: web.api("office").get(f"/api/items/{i}").json()["state"] for i in drafts + [other]}
    assert states == {**{i: "assigned" for i in drafts}, other: "draft"}


def test_the_api_reports_refusals_per_item(web):
    ok, done = web.item("confirmed"), web.item("done")
    response = web.api("office").post("/api/items/batch", json={"action": "cancel", "ids": [ok, done],
                                                                 "reason": "工作调整"})
    assert response.json()["failed"] == [{"id": done, "title": "推进外贸稳增长",
                                          "reason": "当前状态为「已办结」，不能撤销；只有「待确认」、「待交办」、「已交办」、"
                                                    "「办理中」、「申请办结」的事项可以撤销"}]
    assert web.api("office").post("/api/items/batch", json={"action": "cancel", "ids": []}).json() == {
        "detail": "没有选择任何事项；请在台账中勾选事项，或选择“全选符合筛选条件的事项”"}
    assert web.api("unit_a").post("/api/items/batch", json={"action": "remind", "ids": [ok]}).status_code == 403


def test_the_ledger_form_confirms_the_checked_rows(web_sqlite):
    web = web_sqlite
    a, b, c = (web.item("draft", title=f"事项{i}") for i in range(3))
    client = web.browser("office")
    ledger = client.get("/ledger?state=draft").text
    assert len(re.findall(r'name="ids" value="\d+" form="batch-form"', ledger)) == 3
    assert '<input type="hidden" name="f_state" value="draft">' in ledger
    response = client.post("/ledger/batch", data={"csrf_token": csrf_of(ledger), "action": "confirm",
                                                 "ids": [str(a), str(c)], "f_state": "draft"})
    assert response.status_code == 200
    assert '<div class="flash ok" role="status" id="batch-summary">已确认 2 项</div>' in response.text
    assert web.api("office").get(f"/api/items/{b}").json()["state"] == "draft"
    assert '<a class="button" href="/ledger?state=draft">返回督办台账</a>' in response.text


def test_all_that_match_on_the_page_re_runs_the_filter(web_sqlite):
    web = web_sqlite
    drafts = [web.item("draft", title=f"燃气{i}") for i in range(2)]
    web.item("draft", title="外贸")
    client = web.browser("office")
    token = csrf_of(client.get("/ledger").text)
    response = client.post("/ledger/batch", data={"csrf_token": token, "action": "cancel", "all_matching": "1",
                                                 "f_q": "燃气", "reason": "合并办理", "due": "2030-01-01"})
    assert "已撤销 2 项" in response.text
    assert [web.api("office").get(f"/api/items/{i}").json()["state"] for i in drafts] == ["cancelled"] * 2


def test_a_refused_batch_goes_back_to_the_ledger_with_the_reason(web_sqlite):
    client = web_sqlite.browser("office")
    token = csrf_of(client.get("/ledger").text)
    response = client.post("/ledger/batch", data={"csrf_token": token, "action": "assign", "f_unit": "1"},
                           follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/ledger?unit=1")
    assert "批量办理未进行：没有选择任何事项" in client.get("/ledger?unit=1").text


def test_only_the_office_gets_the_batch_form(web_sqlite):
    web_sqlite.item("assigned")
    assert 'id="batch-form"' not in web_sqlite.browser("leader").get("/ledger").text
    assert 'id="batch-form"' not in web_sqlite.browser("unit_a").get("/ledger").text
    client = web_sqlite.browser("unit_a")
    token = csrf_of(client.get("/ledger").text)
    assert client.post("/ledger/batch", data={"csrf_token": token, "action": "remind"}).status_code == 403


def test_a_bad_filter_does_nothing_and_says_so(web_sqlite):
    web = web_sqlite
    item_id = web.item("draft")
    response = web.api("office").post("/api/items/batch", json={"action": "confirm", "filter": {"state": "无此状态"}})
    assert response.json() == {"detail": "筛选条件有误（状态、单位、预警或日期）；请检查 filter 后重试"}
    client = web.browser("office")
    token = csrf_of(client.get("/ledger").text)
    page = client.post("/ledger/batch", data={"csrf_token": token, "action": "confirm", "all_matching": "1",
                                             "f_unit": "不存在的单位"}, follow_redirects=True)
    assert "批量办理未进行：筛选条件有误；请在台账中重新筛选后再试" in page.text
    assert web.api("office").get(f"/api/items/{item_id}").json()["state"] == "draft"
