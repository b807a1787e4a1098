"""Every API route against every role: who may act (2xx), who may not (403), who may not even see the
item (404: another unit's item, or a draft a unit has not been handed), and no token at all (401)."""

from __future__ import annotations

import pytest

from webfixtures import ROLES, web  # noqa: F401

# action route → (the state the item is put in, a valid body, the roles that may take it)
OFFICE = {"admin", "office"}
ACTIONS = {
    "confirm": ("draft", {}, OFFICE),
    "assign": ("confirmed", {"units": ["市商务局"], "due": "2030-06-30"}, OFFICE),
    "accept": ("assigned", {}, {"unit_a"}),
    "progress": ("in_progress", {"text": "已完成选址", "percent": 40}, {"unit_a"}),
    "extension": ("in_progress", {"due": "2030-12-31", "reason": "征地未完成"}, {"unit_a"}),
    "extension/approve": ("extension_pending", {}, OFFICE),
    "extension/reject": ("extension_pending", {"reason": "理由不充分"}, OFFICE),
    "complete": ("in_progress", {"text": "已完成"}, {"unit_a"}),
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
        return 404  # not theirs to see: the answer does not reveal that the item exists
    return 200 if role in allowed else 403


@pytest.mark.parametrize("route", ACTIONS)
def test_each_role_against_each_action(web, route):
    state, body, allowed = ACTIONS[route]
    got = {}
    for role in ROLES:
        item_id = web.item(state)
        response = web.api(role).post(f"/api/items/{item_id}/{route}", json={**body, "version": web.version(item_id)})
        got[role] = response.status_code
        assert "detail" in response.json() or response.status_code == 200
    assert got == {role: expected(role, state, allowed) for role in ROLES}


def test_reads_by_role(web):
    draft, handed = web.item("draft"), web.item("in_progress")
    got = {role: [web.api(role).get(path).status_code for path in (
        f"/api/items/{draft}", f"/api/items/{handed}", f"/api/items/{handed}/history", "/api/items",
        "/api/documents", "/api/orgs", "/api/users", "/api/me", "/api/workspace?unit=1")] for role in ROLES}
    assert got == {
        "admin": [200, 200, 200, 200, 200, 200, 200, 200, 200],
        "office": [200, 200, 200, 200, 200, 200, 403, 200, 200],
        "leader": [200, 200, 200, 200, 200, 200, 403, 200, 200],
        "unit_a": [404, 200, 200, 200, 403, 200, 403, 200, 200],
        "unit_b": [404, 404, 404, 200, 403, 200, 403, 200, 200],
        "congress": [404, 404, 404, 200, 403, 200, 403, 200, 200],
    }


def test_the_ledger_shows_each_role_only_what_it_may_see(web):
    draft, handed = web.item("draft"), web.item("in_progress")
    seen = {role: sorted(i["id"] for i in web.api(role).get("/api/items").json()["items"]) for role in ROLES}
    assert seen == {"admin": [draft, handed], "office": [draft, handed], "leader": [draft, handed],
                    "unit_a": [handed], "unit_b": [], "congress": []}


def test_another_units_item_is_404_whatever_the_route(web):
    item_id = web.item("in_progress")
    client = web.api("unit_b")
    codes = [client.get(f"/api/items/{item_id}").status_code, client.get(f"/api/items/{item_id}/history").status_code]
    codes += [client.post(f"/api/items/{item_id}/{route}", json=body).status_code
              for route, (_, body, _) in ACTIONS.items()]
    assert codes == [404] * (2 + len(ACTIONS))
    assert client.get(f"/api/items/{item_id}").json() == {"detail": "没有这个督办事项，或您无权查看：请从督办台账中重新打开"}


def test_no_token_or_a_bad_one_is_401(web):
    item_id = web.item("in_progress")
    anonymous, forged = web.api(), web.api()
    forged.headers["Authorization"] = "Bearer ls_not-a-token"
    paths = [("get", "/api/items"), ("get", f"/api/items/{item_id}"), ("get", f"/api/items/{item_id}/history"),
             ("post", f"/api/items/{item_id}/progress"), ("get", "/api/documents"), ("post", "/api/documents"),
             ("get", "/api/orgs"), ("get", "/api/users"), ("get", "/api/me"), ("get", "/api/workspace")]
    codes = {c: [getattr(client, m)(p).status_code for m, p in paths] for c, client in
             (("anonymous", anonymous), ("forged", forged))}
    # A forged token is found out with the route, after FastAPI has checked the request: a well-formed one
    # then (an upload with its file), not an empty one, which is answered 422 first.
    codes["forged"][paths.index(("post", "/api/documents"))] = forged.post(
        "/api/documents", files={"file": ("纪要.txt", "会议纪要".encode())}).status_code
    assert codes == {"anonymous": [401] * len(paths), "forged": [401] * len(paths)}
    assert forged.get("/api/items").json() == {"detail": "令牌无效、已撤销或已过期：请重新获取（POST /api/token）"}


def test_user_administration_is_for_admins(web):
    body = {"username": "new_liaison", "password": "long-enough-1", "role": "unit", "unit": "市商务局"}
    codes = {role: web.api(role).post("/api/users", json={**body, "username": f"u_{role}"}).status_code
             for role in ROLES}
    assert codes == {"admin": 201, "office": 403, "leader": 403, "unit_a": 403, "unit_b": 403, "congress": 403}
