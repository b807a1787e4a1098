"""Who the caller is is found in the route's own thread, first thing (`luoshi.web.deps.ViewerRoute`): one
worker thread a request, not one for the user and another for the route; and a caller refused (no token, a
bad one, no session, a deactivated user) never runs a line of the route."""

from __future__ import annotations

import threading

import fastapi.routing
from fastapi.routing import APIRoute

from luoshi.store import items as store_items
from luoshi.store import users as store_users
from luoshi.web.deps import ViewerRoute, api_user, page_user
from webfixtures import web, web_sqlite  # noqa: F401


def _routes(routes):
    branch = getattr(fastapi.routing, "_IncludedRouter", None)
    for route in routes:
        if branch is not None and isinstance(route, branch):
            yield from _routes(route.original_router.routes)
        else:
            yield route


def test_every_route_with_a_user_is_a_viewer_route(web_sqlite):
    """A route given a `Deferred` user that it does not find itself would fail at its first use of it."""
    with_user = [r for r in _routes(web_sqlite.app.routes) if isinstance(r, APIRoute)
                 and any(d.call in (api_user, page_user) for d in r.dependant.dependencies)]
    assert len(with_user) > 100
    assert [r.path for r in with_user if not isinstance(r, ViewerRoute)] == []


def test_the_user_and_the_route_share_one_thread(web_sqlite, monkeypatch):
    seen: dict[str, int] = {}

    def recorded(module, name):
        original = getattr(module, name)

        def call(*args, **kwargs):
            seen[name] = threading.get_ident()
            return original(*args, **kwargs)
        monkeypatch.setattr(module, name, call)

    recorded(store_users, "user_for_token")
    recorded(store_users, "get_user")
    recorded(store_items, "list_items")
    assert web_sqlite.api("office").get("/api/items").status_code == 200
    assert seen.pop("user_for_token") == seen.pop("list_items") != threading.get_ident()
    browser = web_sqlite.browser("office")
    seen.clear()
    assert browser.get("/ledger").status_code == 200
    assert seen["get_user"] == seen["list_items"] != threading.get_ident()


def test_a_refused_caller_never_runs_the_route(web, monkeypatch):
    ran: list[str] = []
    for name in ("list_items", "act", "get_item"):
        original = getattr(store_items, name)
        monkeypatch.setattr(store_items, name, lambda *a, _name=name, _original=original, **k: (
            ran.append(_name), _original(*a, **k))[1])
    item_id = web.item("in_progress")
    ran.clear()
    forged = web.api()
    forged.headers["Authorization"] = "Bearer ls_not-a-token"
    assert forged.get("/api/items").status_code == 401
    assert forged.post(f"/api/items/{item_id}/progress", json={"text": "已完成选址"}).status_code == 401
    assert web.api().get(f"/api/items/{item_id}").status_code == 401
    anonymous = web.browser()
    assert anonymous.get("/ledger", follow_redirects=False).headers["location"].startswith("/login")
    signed_in = web.browser("unit_a")
    with web.db.session() as s:  # deactivated meanwhile: the session names a user no longer active
        store_users.update_user(s, user_id=web.users["unit_a"].id, active=False)
    assert signed_in.get(f"/items/{item_id}", follow_redirects=False).headers["location"].startswith("/login")
    assert ran == []
