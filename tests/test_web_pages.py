"""The pages for every role: who sees which page, who may post which action form (as the API decides),
what the item page offers each role, the ledger's filters as links and its htmx table."""

from __future__ import annotations

import re

import pytest

from luoshi.store.items import act
from luoshi.store.users import list_users
from webfixtures import ROLES, csrf_of, web, web_sqlite  # noqa: F401

OFFICE = {"admin", "office"}
# page action → (state, form fields, roles that may)
ACTIONS = {
    "confirm": ("draft", {}, OFFICE),
    "assign": ("confirmed", {"lead_units": "UNIT_A", "due": "2030-06-30"}, OFFICE),
    "accept": ("assigned", {}, {"unit_a"}),
    "report_progress": ("in_progress", {"text": "已完成选址", "percent": "40"}, {"unit_a"}),
    "request_extension": ("in_progress", {"due": "2030-12-31", "reason": "征地未完成"}, {"unit_a"}),
    "approve_extension": ("extension_pending", {}, OFFICE),
    "reject_extension": ("extension_pending", {"reason": "理由不充分"}, OFFICE),
    "apply_completion": ("in_progress", {"text": "已完成"}, {"unit_a"}),
    "approve": ("completion_requested", {}, OFFICE),
    "return": ("completion_requested", {"reason": "缺少佐证材料"}, OFFICE),
    "cancel": ("in_progress", {"reason": "任务已调整"}, OFFICE),
    "remind": ("in_progress", {"text": "请抓紧办理"}, OFFICE),
    "notify": ("in_progress", {"text": "请于3日内书面报告"}, OFFICE),
    "interview": ("in_progress", {"text": "约谈局长"}, OFFICE),
    "rate": ("done", {"rating": "good"}, OFFICE),
    "instruct": ("in_progress", {"text": "请加快进度"}, {"leader"}),
}
HANDED_OUT = {"assigned", "in_progress", "extension_pending", "completion_requested", "done"}


def expected(role: str, state: str, allowed: set[str]) -> int:
    if role in ("unit_b", "congress") or (role == "unit_a" and state not in HANDED_OUT):
        return 404
    return 303 if role in allowed else 403  # done: back to the item page


@pytest.mark.parametrize("action", ACTIONS)
def test_each_role_against_each_action_form(web, action):
    state, fields, allowed = ACTIONS[action]
    clients = {role: web.browser(role) for role in ROLES}
    tokens = {role: csrf_of(c.get("/orgs").text) for role, c in clients.items()}
    got = {}
    for role in ROLES:
        item_id = web.item(state)
        form = {k: str(web.units["a"]) if v == "UNIT_A" else v for k, v in fields.items()}
        response = clients[role].post(f"/items/{item_id}/{action}", follow_redirects=False,
                                      data={**form, "version": str(web.version(item_id)), "csrf_token": tokens[role]})
        got[role] = response.status_code
    assert got == {role: expected(role, state, allowed) for role in ROLES}


def test_which_pages_each_role_may_open(web):
    draft, handed = web.item("draft"), web.item("in_progress")
    org = web.units["a"]
    paths = ["/", "/ledger", f"/items/{draft}", f"/items/{handed}", "/workspace", f"/workspace?unit={org}",
             "/documents", "/documents/upload", "/orgs", f"/orgs/{org}", "/admin/users"]
    got = {role: [c.status_code for c in (web.browser(role).get(p, follow_redirects=False) for p in paths)]
           for role in ROLES}
    assert got == {
        "admin": [303, 200, 200, 200, 303, 200, 200, 200, 200, 200, 200],
        "office": [303, 200, 200, 200, 303, 200, 200, 200, 200, 200, 403],
        "leader": [303, 200, 200, 200, 303, 200, 200, 403, 200, 200, 403],
        "unit_a": [303, 200, 404, 200, 200, 200, 403, 403, 200, 200, 403],
        "unit_b": [303, 200, 404, 404, 200, 200, 403, 403, 200, 200, 403],
        "congress": [303, 200, 404, 404, 303, 200, 403, 403, 200, 200, 403],
    }


def test_a_page_without_a_session_sends_to_the_login(web_sqlite):
    client = web_sqlite.browser()
    locations = [client.get(p, follow_redirects=False).headers["location"] for p in
                 ("/ledger?state=done", "/items/1", "/workspace", "/admin/users")]
    assert locations == ["/login?next=/ledger%3Fstate%3Ddone", "/login?next=/items/1", "/login?next=/workspace",
                         "/login?next=/admin/users"]


def forms_on(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="/items/\d+/(\w+)"', html)


def test_the_item_page_offers_each_role_its_actions(web):
    item_id = web.item("in_progress")
    offered = {role: forms_on(web.browser(role).get(f"/items/{item_id}").text) for role in ("admin", "office",
                                                                                          "leader", "unit_a")}
    assert offered == {
        "admin": ["remind", "notify", "interview", "cancel"], "office": ["remind", "notify", "interview", "cancel"],
        "leader": ["instruct"],
        "unit_a": ["report_progress", "request_extension", "apply_completion"]}


def test_a_unit_sees_its_workspace(web):
    returned = web.item("completion_requested", title="整治燃气管道")
    with web.db.session() as s:
        act(s, item_id=returned, actor=web.actor("office"), action="return", expected_version=5,
            settings=web.settings, reason="缺少验收材料")
    chased = web.item("in_progress", title="建设停车设施")
    with web.db.session() as s:
        act(s, item_id=chased, actor=web.actor("office"), action="remind", expected_version=4,
            settings=web.settings, text="请抓紧办理")
    api = web.api("unit_a").get("/api/workspace").json()
    assert {k: [i.get("title") or i["item"]["title"] for i in v] for k, v in api.items()} == {
        "open": ["整治燃气管道", "建设停车设施"], "due_this_week": [], "returned": ["整治燃气管道"], "overdue": [],
        "reminded": ["建设停车设施"], "instructions": []}
    html = web.browser("unit_a").get("/workspace").text
    assert "市商务局 · 工作台" in html and "被退回，需重新办理" in html and "督查室催办" in html


def test_the_ledger_filters_are_links_and_htmx_gets_only_the_table(web_sqlite):
    web_sqlite.item("in_progress", title="建设停车设施")
    web_sqlite.item("draft", title="整治燃气管道")
    client = web_sqlite.browser("office")
    page = client.get("/ledger?state=in_progress")
    assert page.status_code == 200 and "建设停车设施" in page.text and "整治燃气管道" not in page.text
    assert '<option value="in_progress" selected>' in page.text
    table = client.get("/ledger?q=燃气", headers={"HX-Request": "true", "HX-Target": "ledger-table"})
    assert table.text.lstrip().startswith('<div class="tablewrap') and "<html" not in table.text
    assert "整治燃气管道" in table.text and "建设停车设施" not in table.text
    sorted_page = client.get("/ledger?sort=-id").text
    assert sorted_page.index("整治燃气管道") < sorted_page.index("建设停车设施")


def test_a_failed_action_shows_the_reason_on_the_item_page(web_sqlite):
    item_id = web_sqlite.item("completion_requested")
    client = web_sqlite.browser("office")
    token = csrf_of(client.get(f"/items/{item_id}").text)
    response = client.post(f"/items/{item_id}/return", data={"csrf_token": token, "version": "5", "reason": ""})
    assert response.status_code == 422 and "退回须填写理由" in response.text
    stale = client.post(f"/items/{item_id}/approve", data={"csrf_token": token, "version": "4"})
    assert stale.status_code == 409 and "此事项已被他人修改，请刷新后重试" in stale.text


def test_an_admin_adds_and_switches_off_a_user(web_sqlite):
    client = web_sqlite.browser("admin")
    token = csrf_of(client.get("/admin/users").text)
    added = client.post("/admin/users", data={"csrf_token": token, "username": "liaison2", "name": "王五",
                                              "role": "unit", "unit": str(web_sqlite.units["b"]),
                                              "password": "long-enough-1"})
    assert added.status_code == 200 and "已新增用户 liaison2（承办单位联络员）" in added.text
    with web_sqlite.db.session() as s:
        user_id = next(u.id for u in list_users(s) if u.username == "liaison2")
    off = client.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": token})
    assert off.status_code == 200 and "已停用用户 liaison2" in off.text
    assert web_sqlite.browser().post("/api/token", json={"username": "liaison2", "password": "long-enough-1"}
                                     ).status_code == 401


def test_every_form_on_a_page_carries_the_sessions_csrf_token(web_sqlite):
    item_id = web_sqlite.item("draft")
    client = web_sqlite.browser("office")
    html = client.get(f"/items/{item_id}").text
    tokens = set(re.findall(r'name="csrf_token" value="([^"]*)"', html))
    assert len(tokens) == 1 and "" not in tokens
    assert html.count('name="csrf_token"') == len(forms_on(html)) + 1  # each action form, and sign-out


def test_the_directory_shows_each_unit_and_the_people_seen_for_it(web_sqlite):
    from conftest import ROOT

    minutes = (ROOT / "luoshi" / "samples" / "qingxi_county_minutes_12.txt").read_bytes()
    web_sqlite.api("office").post("/api/documents", files={"file": ("m12.txt", minutes, "text/plain")})
    client = web_sqlite.browser("unit_a")
    orgs = client.get("/api/orgs").json()
    housing = next(o for o in orgs if o["name"] == "县住房和城乡建设局")
    detail = client.get(f"/api/orgs/{housing['id']}").json()
    assert [(p["name"], p["first_seen"], [m["role"] for m in p["meetings"]]) for p in detail["people"]] == [
        ("赵文斌", "2024-05-16", ["列席"])]
    html = client.get(f"/orgs/{housing['id']}").text
    assert "赵文斌" in html and "2024-05-16" in html and "常务会议纪要" in html
    assert "县住房和城乡建设局" in client.get("/orgs").text
