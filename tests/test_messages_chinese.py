"""Every message a user meets on an error path is Chinese: each route of the app (read from `app.routes`, so
a new route is walked too) is asked without login, by a role it is not for, for an id that does not exist,
with malformed ids, queries and bodies, with a method it does not take, with a body too large and, for an
item, with a version read before someone else changed it. No answer of 400 or more may hold an English
sentence, an internal id or a server path in what it shows: the JSON `detail` and `message` (and each
`errors[].msg`), or the text of an HTML page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from webfixtures import csrf_of, web_sqlite  # noqa: F401

ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,})+")  # two English words running together
INTERNAL_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}|\b[0-9a-f]{24,}\b|\bls_[A-Za-z0-9_-]{20,}")
SERVER_PATH = re.compile(r"/(?:home|work|tmp|usr|var|root|srv)/|\w\.py\b|site-packages|Traceback")
# What a page shows besides its message: the navigation, the footer, scripts and styles.
NOT_SHOWN = re.compile(r"<(script|style|nav|footer|header)\b.*?</\1>", re.S)
TAG = re.compile(r"<[^>]+>")
MISSING = "999999"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    path: str
    methods: frozenset[str]
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    has_body: bool

    @property
    def api(self) -> bool:
        return self.path.startswith("/api")


def routes(app) -> list[Route]:
    """Every route the app answers, flattened out of the included routers."""
    out: dict[tuple[str, frozenset[str]], Route] = {}
    for route in app.routes:
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for c in contexts:
            dependant = getattr(c, "dependant", None)
            if dependant is None or not getattr(c, "methods", None):
                continue
            params = _all_params(dependant)
            path = getattr(c, "path_format", None) or c.path
            methods = frozenset(c.methods) - {"HEAD"}
            out[(path, methods)] = Route(path, methods, tuple(re.findall(r"{(\w+)(?::\w+)?}", path)),
                                         tuple(sorted(params["query"])), bool(params["body"]))
    return sorted(out.values(), key=lambda r: (r.path, sorted(r.methods)))


def _all_params(dependant) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"query": set(), "body": set()}
    for sub in [dependant, *dependant.dependencies]:
        found["query"] |= {p.alias for p in sub.query_params}
        found["body"] |= {p.alias for p in sub.body_params}
        if sub is not dependant:
            deeper = _all_params(sub)
            found["query"] |= deeper["query"]
            found["body"] |= deeper["body"]
    return found


def problems_in(text: str) -> list[str]:
    return [m.group(0) for pattern in (ENGLISH, INTERNAL_ID, SERVER_PATH) for m in pattern.finditer(text)]


def shown(response) -> str:
    """What the user reads in an answer: the JSON message fields, or the text of the page."""
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        try:
            data = response.json()
        except ValueError:
            return response.text
        if not isinstance(data, dict):
            return ""
        parts = [data.get("detail"), data.get("message")] + [e.get("msg") for e in data.get("errors") or []
                                                              if isinstance(e, dict)]
        return " | ".join(_flat(p) for p in parts if p is not None)
    if kind.startswith("text/html"):
        body = NOT_SHOWN.sub(" ", response.text)
        body = body.split("<main", 1)[-1] if "<main" in body else body
        return html.unescape(" ".join(TAG.sub(" ", body).split()))
    return response.text if kind.startswith("text/") else ""


def _flat(value) -> str:
    if isinstance(value, dict):
        return " ".join(_flat(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_flat(v) for v in value)
    return str(value)


class Walker:
    """Sends the requests and keeps every answer that shows the user something it should not."""

    def __init__(self, web):
        self.web, self.found, self.asked = web, [], 0
        self.item = web.item("in_progress")  # version 3, led by unit a
        self.ids = {"item_id": str(self.item), "org_id": str(web.units["a"]), "user_id": str(web.users["unit_a"].id),
                    "unit_id": str(web.units["a"])}
        self.clients, self.pages, self.tokens = {"anonymous": self._quiet(TestClient(web.app))}, {}, {}
        self.pages["anonymous"] = self._quiet(TestClient(web.app))
        for name in ("office", "admin", "unit_b"):
            self.sign_in(name)

    @staticmethod
    def _quiet(client: TestClient) -> TestClient:
        client._transport.raise_server_exceptions = False  # a 500 is an answer to check, not a crash
        return client

    def sign_in(self, name: str) -> None:
        """A new token and a new browser session for `name` (a route walked may have ended the old ones:
        signing out everywhere, revoking tokens)."""
        self.web.tokens.pop(name, None)
        self.clients[name] = self._quiet(self.web.api(name))
        self.pages[name] = self._quiet(self.web.browser(name))
        self.tokens[name] = csrf_of(self.pages[name].get("/account").text)

    def check(self, what: str, response) -> None:
        self.asked += 1
        if response.status_code >= 500 and response.status_code != 503:
            self.found.append(f"{what}: {response.status_code} {shown(response)[:200]}")
            return
        if response.status_code < 400:
            return
        bad = problems_in(shown(response))
        if bad:
            self.found.append(f"{what}: {response.status_code} {bad[:3]} in {shown(response)[:300]!r}")

    def path(self, route: Route, value: str | None = None) -> str:
        path = route.path
        for name in route.path_params:
            path = path.replace(f"{{{name}}}", value or self.ids.get(name, "1"))
        return path

    def send(self, who: str, route: Route, method: str, path: str, **request):
        response = self._send(who, route, method, path, **request)
        signed_out = response.status_code == 401 or response.headers.get("location", "").startswith("/login")
        if who != "anonymous" and signed_out:
            self.sign_in(who)
            response = self._send(who, route, method, path, **request)
        return response

    def _send(self, who: str, route: Route, method: str, path: str, *, body=None, raw: bytes | None = None,
              query: dict | None = None, csrf: bool = True):
        if route.api:
            client = self.clients[who]
            if raw is not None:
                return client.request(method, path, content=raw, params=query,
                                      headers={"content-type": "application/json"})
            return client.request(method, path, json=body if method != "GET" else None, params=query)
        client = self.pages[who]
        data = dict(body or {})
        if csrf and who in self.tokens and method != "GET":
            data["csrf_token"] = self.tokens[who]
        if raw is not None:
            return client.request(method, path, content=raw, params=query,
                                  headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
        return client.request(method, path, data=data if method != "GET" else None, params=query,
                              follow_redirects=False)

    def walk(self, route: Route) -> None:
        for method in sorted(route.methods):
            label = f"{method} {route.path}"
            writes = method != "GET"
            for who in ("anonymous", "unit_b", "office", "admin"):
                self.check(f"{label} as {who}", self.send(who, route, method, self.path(route), body={}))
            if route.path_params:
                for value in (MISSING, "abc", "-1", "99999999999"):
                    self.check(f"{label} id {value}", self.send("office", route, method, self.path(route, value),
                                                                body={}))
            if route.query_params:
                bad = {name: "x!" for name in route.query_params}
                self.check(f"{label} bad query", self.send("office", route, method, self.path(route), query=bad,
                                                           body={}))
            if writes:
                for raw in (b"{not json", b'{"version": "old", "due": "someday", "percent": "all"}'):
                    self.check(f"{label} malformed body", self.send("office", route, method, self.path(route),
                                                                    raw=raw))
                self.check(f"{label} wrong field types", self.send(
                    "office", route, method, self.path(route),
                    body={"version": "x", "due": "31.12.2030", "percent": 300, "ids": "x", "units": 5,
                          "into": "x", "password": 1, "role": "boss", "name": ""}))
                self.check(f"{label} stale version", self.send(
                    "office", route, method, self.path(route),
                    body={"version": 1, "due": "2030-06-30", "text": "进展", "reason": "理由", "note": "备注",
                          "rating": "good", "satisfaction": "satisfied"}))
                self.check(f"{label} too large", self.send("office", route, method, self.path(route),
                                                           raw=b"x" * (2 * 1024 * 1024)))
                if not route.api:
                    self.check(f"{label} without csrf", self.send("office", route, method, self.path(route),
                                                                  body={}, csrf=False))
            for other in METHODS:
                if other not in route.methods:
                    self.check(f"{other} {route.path} (not taken)", self.send("office", route, other,
                                                                              self.path(route), body={}))
                    break


def test_routes_are_read_from_the_app(web_sqlite):
    found = {(r.path, m) for r in routes(web_sqlite.app) for m in r.methods}
    assert {("/api/items/{item_id}/assign", "POST"), ("/items/{item_id}/{action}", "POST"), ("/orgs", "GET"),
            ("/api/orgs/{org_id}/merge", "POST"), ("/admin/users/{user_id}/password", "POST")} <= found
    assert len(found) > 100


def test_no_error_path_shows_english_an_internal_id_or_a_server_path(web_sqlite):
    walker = Walker(web_sqlite)
    for route in routes(web_sqlite.app):
        if route.path in ("/logout",):
            continue
        walker.walk(route)
    assert walker.asked > 1000
    assert walker.found == []


@pytest.mark.parametrize("text, problems", [
    ("此事项已被他人修改，请刷新后重试", []),
    ("item '12' changed since it was read", ["changed since it was read"]),
    ("令牌无效（POST /api/token）", []),
    ("打开 /work/luoshi/web/app.py 出错", ["/work/", "p.py"]),
    ("编号 3f2a9c1e-77aa-4bcd-9e0f-000000000000", ["3f2a9c1e-77aa-4bcd"]),
])
def test_the_check_itself_tells_english_ids_and_paths_apart(text, problems):
    assert problems_in(text) == problems


def test_a_conflict_on_the_item_page_says_so_in_chinese_and_keeps_what_was_typed(web_sqlite):
    web = web_sqlite
    item = web.item("in_progress")
    liaison = web.browser("unit_a")
    page = liaison.get(f"/items/{item}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    with web.db.session() as s:  # someone else reports first
        from luoshi.store import items as store_items

        store_items.act(s, item_id=item, actor=web.actor("unit_a"), action="report_progress",
                        expected_version=int(version), settings=web.settings, text="已完成选址")
    typed = "已完成施工图设计，正在招标，预计下月开工"
    answer = liaison.post(f"/items/{item}/report_progress", data={"csrf_token": csrf_of(page), "version": version,
                                                                  "text": typed, "percent": "40"})
    assert answer.status_code == 409
    assert "操作冲突：此事项已被他人修改，请刷新后重试" in answer.text
    form = answer.text[answer.text.index('id="act-report_progress"'):]
    form = form[:form.index("</details>")]
    assert f">{typed}</textarea>" in form and 'value="40"' in form
    assert problems_in(shown(answer)) == []

