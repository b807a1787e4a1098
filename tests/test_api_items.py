"""The JSON API through the whole loop, its errors, the ledger query's filters, and optimistic locking:
two users acting on the same version at once — one succeeds, the other gets 409, nothing is lost."""

from __future__ import annotations

import threading

from webfixtures import PASSWORD, web, web_sqlite  # noqa: F401


def post(client, item_id, route, version, **body):
    return client.post(f"/api/items/{item_id}/{route}", json={**body, "version": version})


def test_the_whole_loop_through_the_api(web):
    office, unit = web.api("office"), web.api("unit_a")
    item_id = web.item("draft", title="建设城区停车设施")
    steps = [(office, "confirm", {}), (office, "assign", {"units": ["市商务局"], "due": "2030-06-30"}),
             (unit, "accept", {}), (unit, "progress", {"text": "已完成选址", "percent": 40}),
             (unit, "complete", {"text": "已建成投用"}), (office, "return", {"reason": "缺少验收材料"}),
             (unit, "complete", {"text": "补充验收材料"}), (office, "approve", {}), (office, "rate", {"rating": "good"})]
    states = []
    for version, (client, route, body) in enumerate(steps, start=1):
        response = post(client, item_id, route, version, **body)
        assert response.status_code == 200, response.text
        states.append(response.json()["state"])
    assert states == ["confirmed", "assigned", "in_progress", "in_progress", "completion_requested", "in_progress",
                      "completion_requested", "done", "done"]
    history = office.get(f"/api/items/{item_id}/history").json()
    assert [(e["type"], e["actor"], e["actor_name"]) for e in history] == [
        ("create", "office", "office-名"), ("confirm", "office", "office-名"), ("assign", "office", "office-名"),
        ("accept", "unit_a", "unit_a-名"), ("report_progress", "unit_a", "unit_a-名"),
        ("apply_completion", "unit_a", "unit_a-名"), ("return", "office", "office-名"),
        ("apply_completion", "unit_a", "unit_a-名"), ("approve", "office", "office-名"), ("rate", "office", "office-名")]
    assert history[6]["details"] == [["原因", "缺少验收材料"]] and all(e["at"] for e in history)
    item = office.get(f"/api/items/{item_id}").json()
    assert {k: item[k] for k in ("state", "state_label", "progress", "returns", "return_reason", "rating", "version")} == {
        "state": "done", "state_label": "已办结", "progress": 100, "returns": 1, "return_reason": "缺少验收材料",
        "rating": "good", "version": 10}


def test_a_token_is_issued_for_a_username_and_password(web_sqlite):
    client = web_sqlite.api()
    token = client.post("/api/token", json={"username": "unit_a", "password": PASSWORD}).json()
    assert token["token_type"] == "bearer" and token["access_token"].startswith("ls_")
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me == {"id": web_sqlite.users["unit_a"].id, "username": "unit_a", "name": "unit_a-名", "role": "unit",
                  "role_label": "承办单位联络员", "unit": web_sqlite.units["a"], "unit_name": "市商务局"}
    wrong = client.post("/api/token", json={"username": "unit_a", "password": "not-it-at-all"})
    assert (wrong.status_code, wrong.json()) == (401, {"detail": "用户名或密码错误"})


def test_errors_are_json_with_a_clear_message(web_sqlite):
    office = web_sqlite.api("office")
    item_id = web_sqlite.item("completion_requested")
    version = web_sqlite.version(item_id)
    cases = [post(office, item_id, "return", version), post(office, item_id, "return", version, reason="  "),
             post(office, item_id, "confirm", version), post(office, item_id, "approve", version - 1),
             office.get("/api/items/999999"), office.get("/api/items?warning=purple"),
             post(office, item_id, "rate", version, rating="superb")]
    assert [c.status_code for c in cases] == [422, 422, 409, 409, 404, 422, 422]
    assert cases[1].json() == {"detail": "退回须填写理由"}
    assert cases[2].json()["detail"].startswith("此事项当前为「申请办结」，不能确认")
    assert cases[3].json() == {"detail": "此事项已被他人修改，请刷新后重试"}
    assert cases[4].json() == {"detail": "没有这个督办事项，或您无权查看：请从督办台账中重新打开"}
    assert cases[5].json() == {"detail": "预警“purple”无法识别：可选红灯（red）、黄灯（yellow）、绿灯（green）、无（none）"}
    assert web_sqlite.version(item_id) == version


def test_the_ledgers_and_searchs_parameters_are_refused_in_chinese_and_documented(web_sqlite):
    """The ledger's and search's query parameters (one model each, `luoshi.web.params`): a value refused is a
    422 naming the parameter in Chinese, as for any other field; a repeated list parameter keeps every value,
    a repeated single one its last, an unknown one is ignored; the OpenAPI document lists each with its type."""
    office = web_sqlite.api("office")
    a = web_sqlite.item("assigned", title="甲")
    b = web_sqlite.item("in_progress", title="乙")
    refused = {query: office.get(f"/api/items?{query}") for query in
               ("per_page=0", "per_page=201", "page=abc", "due_from=31.12.2030", "document=x")}
    assert {q: (r.status_code, r.json()["detail"]) for q, r in refused.items()} == {
        "per_page=0": (422, "每页条数须不小于 1"), "per_page=201": (422, "每页条数须不大于 200"),
        "page=abc": (422, "页码须为整数"), "due_from=31.12.2030": (422, "完成时限起不是日期：请按年-月-日填写，如 2030-06-30"),
        "document=x": (422, "来源文件须为整数")}
    assert refused["per_page=0"].json()["errors"][0]["loc"] == ["query", "per_page"]
    listed = office.get("/api/items?state=assigned&state=in_progress&sort=id&sort=-id&colour=red").json()
    assert [i["id"] for i in listed["items"]] == [b, a]
    assert office.get("/api/search?year=今年").status_code == 422
    spec = web_sqlite.api().get("/openapi.json").json()["paths"]
    ledger = {p["name"]: p["schema"] for p in spec["/api/items"]["get"]["parameters"]}
    assert list(ledger) == ["state", "unit", "warning", "document", "kind", "due_from", "due_to", "q", "sort",
                            "page", "per_page", "cursor"]
    assert ledger["state"]["anyOf"][0] == {"items": {"type": "string"}, "type": "array"}
    assert (ledger["per_page"]["minimum"], ledger["per_page"]["maximum"], ledger["page"]["minimum"]) == (1, 200, 1)
    assert [p["name"] for p in spec["/api/search"]["get"]["parameters"]] == ["q", "kind", "unit", "year", "page",
                                                                             "per_page", "cursor"]


def test_two_users_acting_on_the_same_version_one_wins_the_other_gets_409(web):
    """Both read version v; the unit reports progress while the office chases. Repeated to catch races."""
    item_id = web.item("in_progress")
    unit, office = web.api("unit_a"), web.api("office")
    outcomes = []
    for round_ in range(5):
        version = web.version(item_id)
        barrier, results = threading.Barrier(2), {}

        def run(name, client, route, body):
            barrier.wait()
            results[name] = post(client, item_id, route, version, **body)

        threads = [threading.Thread(target=run, args=("unit", unit, "progress", {"text": f"进展{round_}", "percent": 10 + round_})),
                   threading.Thread(target=run, args=("office", office, "remind", {"text": f"催办{round_}"}))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in results.values())
        assert codes == [200, 409], {k: r.text for k, r in results.items()}
        loser = next(r for r in results.values() if r.status_code == 409)
        assert loser.json()["detail"] == "此事项已被他人修改，请刷新后重试"
        outcomes.append(next(k for k, r in results.items() if r.status_code == 200))
    item = office.get(f"/api/items/{item_id}").json()
    history = office.get(f"/api/items/{item_id}/history").json()
    assert item["version"] == 4 + 5  # one write per round, none lost, none doubled
    assert [e["type"] for e in history[4:]] == ["report_progress" if o == "unit" else "remind" for o in outcomes]
    assert item["reminders"] == outcomes.count("office")


def test_a_stale_version_never_overwrites(web):
    item_id = web.item("in_progress")
    unit, office = web.api("unit_a"), web.api("office")
    version = web.version(item_id)
    assert post(unit, item_id, "progress", version, text="完成一半", percent=50).status_code == 200
    stale = post(office, item_id, "cancel", version, reason="任务调整")
    assert stale.status_code == 409
    item = office.get(f"/api/items/{item_id}").json()
    assert (item["state"], item["progress"], item["version"]) == ("in_progress", 50, version + 1)


def test_the_ledger_filters_sort_and_pages(web):
    a = web.item("in_progress", title="建设停车设施")
    b = web.item("assigned", title="整治燃气管道")
    c = web.item("draft", title="修订停车收费办法")
    office = web.api("office")

    def ids(query):
        response = office.get(f"/api/items?{query}")
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    assert ids("sort=id") == [a, b, c]
    assert ids("sort=-id") == [c, b, a]
    assert ids("state=in_progress&state=assigned&sort=id") == [a, b]
    assert ids("q=停车&sort=id") == [a, c]
    assert ids("unit=市商务局&sort=id") == [a, b, c]
    assert ids(f"unit={web.units['b']}") == []
    assert ids("warning=green&sort=id") == [a, b]
    assert ids("warning=none") == [c]
    assert ids("due_from=2030-06-01&due_to=2030-06-30&sort=id") == [a, b]
    page = office.get("/api/items?sort=id&per_page=2&page=2").json()
    assert ({k: page[k] for k in ("total", "page", "per_page", "pages")}, [i["id"] for i in page["items"]]) == (
        {"total": 3, "page": 2, "per_page": 2, "pages": 2}, [c])


def test_the_openapi_lists_every_route(web_sqlite):
    paths = set(web_sqlite.api().get("/openapi.json").json()["paths"])
    actions = ["confirm", "assign", "accept", "progress", "extension", "extension/approve", "extension/reject",
               "complete", "approve", "return", "cancel", "remind", "notify", "interview", "rate", "instruct"]
    assert {"/api/token", "/api/documents", "/api/documents/{document_id}", "/api/items", "/api/items/{item_id}",
            "/api/items/{item_id}/history", *(f"/api/items/{{item_id}}/{a}" for a in actions)} <= paths
    assert not any(p.startswith(("/ledger", "/login", "/items")) for p in paths)  # pages stay out of the API


def test_more_requests_than_threads_are_all_answered_without_waiting_for_the_pool(web):
    """Under more requests than a server has threads: a request took a connection in one thread (who the
    caller is) and ran its route in another, so every thread could wait for a connection while every
    connection waited for a thread, until the pool gave up. With two threads and two connections, 24 API
    requests at once are all answered (the pool would give up after 3 s)."""
    import asyncio

    import anyio.to_thread
    import httpx

    from luoshi.store.db import Database
    from luoshi.web.app import create_app

    settings = web.settings.model_copy(update={"web_threads": 2})
    db = Database(web.db.url, migrate=False, pool_size=2, max_overflow=0, pool_timeout=3)
    app = create_app(settings, database=db)
    for state in ("in_progress", "done", "assigned"):
        web.item(state)
    token = web.api("office").post("/api/token", json={"username": "office", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}

    async def at_once() -> list[int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 2  # as the server's lifespan sets it
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://luoshi") as client:
            answers = await asyncio.gather(*(client.get(path, headers=headers) for path in
                                             ["/api/items?per_page=5", "/api/items?state=done"] * 12))
        return [answer.status_code for answer in answers]

    try:
        assert asyncio.run(at_once()) == [200] * 24
    finally:
        db.dispose()
